// Matching by example, at its rules' edges: compression, depth unlocked by rank, and earnings matched as
// settled (rounded) amounts. Figures worked by hand from docs/plan-language.md ("matching").
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, calculate, explain, parsePlan, safeParsePlan } from "../../index.js";

const planText = (matching: string, extra = "") => `
compplan: 1
id: matching-edges
currency: USD
money: { scale: 2, rounding: { mode: half-even, applies: line } }
payoutBasis: EARN
measures:
  EARN: { counts: [retail-sale] }
  PV: { counts: [personal-consumption] }
qualification:
  personal: { measure: PV, minimum: "100" }
ranks:
  - name: Gold
    requires: { qualified: true, personal: { measure: PV, minimum: "200" } }
bonuses:
  - key: direct
    kind: retail-profit
    measure: EARN
${extra}  - key: matching
    kind: matching
    of: [direct]
${matching}
`;

/** [id, sponsor, PV, EARN] per member; EARN is the member's `direct` earnings (rate 1). */
function run(plan: string, tree: [string, string | null, string, string][]) {
  const members: MemberInput[] = tree.map(([id, sponsorId]) => ({ id, sponsorId, joinDate: "2024-01-01" }));
  const orders: OrderInput[] = tree.flatMap(([id, , pv, earn]) => [
    ...(pv !== "0" ? [{ id: `p-${id}`, memberId: id, kind: "personal-consumption" as const, date: "2026-10-02", volumes: { PV: pv } }] : []),
    ...(earn !== "0" ? [{ id: `e-${id}`, memberId: id, kind: "retail-sale" as const, date: "2026-10-02", volumes: { EARN: earn } }] : []),
  ]);
  return calculate(parsePlan(plan), { period: "2026-10", members, orders });
}
const lines = (r: ReturnType<typeof run>, id: string) =>
  (r.statement(id)?.lines ?? []).filter((l) => l.bonus === "matching").map((l) => [l.level, l.compressed, l.source, l.base, l.rate, l.amount]);

describe("matching: compression", () => {
  // A (qualified) ← X (unqualified: no PV) ← B (earns 1,000).
  const tree: [string, string | null, string, string][] = [
    ["A", null, "100", "0"],
    ["X", "A", "0", "0"],
    ["B", "X", "100", "1000"],
  ];
  it("none: X holds level 1 unpaid (upline-unqualified); A is paid level 2, 7% of 1,000 = 70.00", () => {
    const r = run(planText('    compression: none\n    schedule: [{ rates: ["0.10", "0.07"] }]'), tree);
    expect(lines(r, "A")).toEqual([[2, false, "B", "1000", "0.07", "70.00"]]);
    expect(lines(r, "X")).toEqual([]);
    expect(r.summary.bonuses[1]?.accounting).toMatchObject({ potential: "170.00", paid: "70.00", breakage: { "upline-unqualified": "100.00" } });
  });

  it("dynamic: X is skipped; A takes level 1, 10% of 1,000 = 100.00, compressed up", () => {
    const r = run(planText('    compression: dynamic\n    schedule: [{ rates: ["0.10", "0.07"] }]'), tree);
    expect(lines(r, "A")).toEqual([[1, true, "B", "1000", "0.1", "100.00"]]);
    expect(r.summary.bonuses[1]?.accounting).toMatchObject({ potential: "170.00", paid: "0.00", compressedUp: "100.00", breakage: { "no-upline": "70.00" } });
  });
});

describe("matching: depth unlocked by rank", () => {
  const plan = planText('    schedule:\n      - rates: ["0.10"]\n      - rank: Gold\n        rates: ["0.10", "0.07"]');
  const tree = (pvA: string): [string, string | null, string, string][] => [
    ["A", null, pvA, "0"],
    ["B", "A", "100", "1000"],
    ["C", "B", "100", "1200"],
  ];
  it("A at 199.9999 PV is not Gold: level 2 is locked (84.00 of breakage), A gets 100.00", () => {
    const r = run(plan, tree("199.9999"));
    expect(r.statement("A")?.rank.paidAs).toBeNull();
    expect(lines(r, "A")).toEqual([[1, false, "B", "1000", "0.1", "100.00"]]);
    expect(r.summary.bonuses[1]?.accounting?.breakage["level-locked"]).toBe("84.00");
  });
  it("A at exactly 200 PV is Gold: level 2 pays 7% of C's 1,200 = 84.00", () => {
    const r = run(plan, tree("200"));
    expect(r.statement("A")?.rank.paidAs).toBe("Gold");
    expect(lines(r, "A")).toEqual([
      [1, false, "B", "1000", "0.1", "100.00"],
      [2, false, "C", "1200", "0.07", "84.00"],
    ]);
  });
});

describe("matching: the earnings matched are the settled amounts", () => {
  it("B's exact 0.0151 is paid as 0.02; A matches 30% of 0.02 = 0.006 → 0.01 (not 30% of 0.0151 → 0.00)", () => {
    const r = run(planText('    schedule: [{ rates: ["0.30"] }]'), [
      ["A", null, "100", "0"],
      ["B", "A", "100", "0.0151"],
    ]);
    expect(r.statement("B")?.bonuses.direct).toBe("0.02");
    expect(lines(r, "A")).toEqual([[1, false, "B", "0.02", "0.3", "0.01"]]);
  });

  it("runs after the bonus it matches even when listed before it", () => {
    const text = planText('    schedule: [{ rates: ["0.10"] }]').replace(/ {2}- key: direct\n {4}kind: retail-profit\n {4}measure: EARN\n/, "");
    const reordered = `${text}  - key: direct\n    kind: retail-profit\n    measure: EARN\n`;
    const r = run(reordered, [
      ["A", null, "100", "0"],
      ["B", "A", "100", "50"],
    ]);
    expect(r.summary.bonuses.map((b) => b.key)).toEqual(["matching", "direct"]);
    expect(lines(r, "A")).toEqual([[1, false, "B", "50", "0.1", "5.00"]]);
  });
});

describe("matching: plan errors", () => {
  it("an unknown bonus, a bonus matching itself, and two bonuses matching each other", () => {
    const codes = (t: string) => {
      const p = safeParsePlan(t);
      return p.ok ? [] : p.issues.map((i) => [i.code, i.path.join(".")]);
    };
    expect(codes(planText('    schedule: [{ rates: ["0.10"] }]').replace("of: [direct]", "of: [drect]"))).toEqual([["PLAN_UNKNOWN_BONUS", "bonuses.1.of.0"]]);
    expect(codes(planText('    schedule: [{ rates: ["0.10"] }]').replace("of: [direct]", "of: [matching]"))).toEqual([["PLAN_STEP_CYCLE", "bonuses.1.of.0"]]);
    const circle = planText('    schedule: [{ rates: ["0.10"] }]', '  - key: other\n    kind: matching\n    of: [matching]\n    schedule: [{ rates: ["0.05"] }]\n').replace("of: [direct]", "of: [direct, other]");
    expect(codes(circle)).toEqual([["PLAN_STEP_CYCLE", "bonuses.1"]]);
  });
});

describe("matching: explain", () => {
  it("names the earnings matched, their sources and levels, and a level locked by rank", () => {
    const plan = planText('    schedule:\n      - rates: ["0.10"]\n      - rank: Gold\n        rates: ["0.10", "0.07"]');
    const r = run(plan, [
      ["A", null, "100", "0"],
      ["B", "A", "100", "1000"],
      ["C", "B", "100", "1200"],
    ]);
    const e = explain(r, "A", { bonus: "matching" });
    const m = e.bonuses.find((b) => b.key === "matching");
    expect(m?.amount).toBe("100.00");
    expect(m?.lines.map((l) => [l.level, l.base, l.rate, l.amount, l.explanation])).toEqual([
      [1, "1000", "0.1", "100.00", "10% of earnings from direct 1,000 from 1 member you sponsored, at level 1"],
    ]);
    expect(m?.lines[0]?.from?.shown.map((s) => [s.memberId, s.volume, s.distance])).toEqual([["B", "1000", 1]]);
    // Level 2 (C's 1,200) is locked for A, who is not Gold: 7% of 1,200 = 84.00 forgone.
    const locked = m?.notPaid.find((n) => n.reason === "level-locked");
    expect(locked).toMatchObject({ level: 2, volume: "1200", rate: "0.07", forgone: "84.00", rank: "Gold" });
  });
});
