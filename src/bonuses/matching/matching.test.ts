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

// By generation (docs/plan-language.md "By generation: generations"): Leader (any member with LEAD ≥ 1,
// qualified or not) ends a generation; Gold (LEAD ≥ 2, qualified) is above it and holds it too.
const generationPlan = (matching: string) =>
  planText(`    generations: { rank: Leader }\n${matching}`)
    .replace("  PV: { counts: [personal-consumption] }\n", "$&  LEAD: { counts: [customer-order] }\n")
    .replace(
      /  - name: Gold\n.*\n/,
      '  - name: Leader\n    requires: { qualified: false, personal: { measure: LEAD, minimum: "1" } }\n  - name: Gold\n    requires: { qualified: true, personal: { measure: LEAD, minimum: "2" } }\n',
    );

/** [id, sponsor, PV, EARN, LEAD] per member. */
function runGenerations(plan: string, tree: [string, string | null, string, string, string][]) {
  const members: MemberInput[] = tree.map(([id, sponsorId]) => ({ id, sponsorId, joinDate: "2024-01-01" }));
  const order = (id: string, kind: OrderInput["kind"], measure: string, v: string): OrderInput[] =>
    v === "0" ? [] : [{ id: `${measure}-${id}`, memberId: id, kind, date: "2026-10-02", volumes: { [measure]: v } }];
  const orders: OrderInput[] = tree.flatMap(([id, , pv, earn, lead]) => [
    ...order(id, "personal-consumption", "PV", pv),
    ...order(id, "retail-sale", "EARN", earn),
    ...order(id, "customer-order", "LEAD", lead),
  ]);
  return calculate(parsePlan(plan), { period: "2026-10", members, orders });
}
const twoGenerations = (compression = "none") => generationPlan(`    compression: ${compression}\n    schedule: [{ rates: ["0.10", "0.05"] }]`);

describe("matching by generation", () => {
  it("the documented example: C (not a Leader) is passed through; A gets 10.00 + 10.00, B 20.00 + 5.00, D 10.00", () => {
    const r = runGenerations(twoGenerations(), [
      ["A", null, "100", "0", "1"],
      ["B", "A", "100", "100", "1"],
      ["C", "B", "100", "100", "0"],
      ["D", "C", "100", "100", "1"],
      ["E", "D", "100", "100", "0"],
    ]);
    expect(lines(r, "A")).toEqual([
      [1, false, "B", "100", "0.1", "10.00"],
      [2, false, undefined, "200", "0.05", "10.00"], // C and D: B is the one Leader between
    ]);
    expect(lines(r, "B")).toEqual([
      [1, false, undefined, "200", "0.1", "20.00"], // C (B is the first Leader above it) and D (C passed through)
      [2, false, "E", "100", "0.05", "5.00"], // E: D is generation 1
    ]);
    expect(lines(r, "C")).toEqual([]);
    expect(lines(r, "D")).toEqual([[1, false, "E", "100", "0.1", "10.00"]]);
    // 4 sources × 100 × 15% = 60.00; source B's generation 2 has no Leader above A.
    expect(r.summary.bonuses[1]?.accounting).toMatchObject({ potential: "60.00", paid: "55.00", compressedUp: "0.00", breakage: { "no-upline": "5.00", "upline-unqualified": "0.00" } });
  });

  // A (Leader) ← X ← S (earns 100): X's LEAD decides whether X holds the rank.
  const between = (lead: string): [string, string | null, string, string, string][] => [
    ["A", null, "100", "0", "1"],
    ["X", "A", "100", "0", lead],
    ["S", "X", "100", "100", "0"],
  ];
  it("X exactly at the named rank (LEAD 1, Leader) ends generation 1: X 10.00, A generation 2 5.00", () => {
    const r = runGenerations(twoGenerations(), between("1"));
    expect(r.statement("X")?.rank.paidAs).toBe("Leader");
    expect(lines(r, "X")).toEqual([[1, false, "S", "100", "0.1", "10.00"]]);
    expect(lines(r, "A")).toEqual([[2, false, "S", "100", "0.05", "5.00"]]);
  });
  it("X above the named rank (Gold) holds it too", () => {
    const r = runGenerations(twoGenerations(), between("2"));
    expect(r.statement("X")?.rank.paidAs).toBe("Gold");
    expect(lines(r, "X")).toEqual([[1, false, "S", "100", "0.1", "10.00"]]);
    expect(lines(r, "A")).toEqual([[2, false, "S", "100", "0.05", "5.00"]]);
  });
  it("X just below (LEAD 0.9999, no rank) is passed through: A is S's generation 1, paid (not compressed) at sponsor distance 2", () => {
    const r = runGenerations(twoGenerations(), between("0.9999"));
    expect(r.statement("X")?.rank.paidAs).toBeNull();
    expect(lines(r, "X")).toEqual([]);
    expect(lines(r, "A")).toEqual([[1, false, "S", "100", "0.1", "10.00"]]);
    expect(r.summary.bonuses[1]?.accounting).toMatchObject({ potential: "15.00", paid: "10.00", breakage: { "no-upline": "5.00" } });
  });

  // A (Leader) ← U (Leader, not qualified: no PV) ← S (earns 100).
  const unqualifiedHolder: [string, string | null, string, string, string][] = [
    ["A", null, "100", "0", "1"],
    ["U", "A", "0", "0", "1"],
    ["S", "U", "100", "100", "0"],
  ];
  it("compression none: an unqualified Leader still ends generation 1, unpaid (upline-unqualified); A is paid generation 2", () => {
    const r = runGenerations(twoGenerations("none"), unqualifiedHolder);
    expect(r.statement("U")?.rank.paidAs).toBe("Leader");
    expect(r.statement("U")?.qualified).toBe(false);
    expect(lines(r, "U")).toEqual([]);
    expect(lines(r, "A")).toEqual([[2, false, "S", "100", "0.05", "5.00"]]);
    expect(r.summary.bonuses[1]?.accounting).toMatchObject({ potential: "15.00", paid: "5.00", breakage: { "upline-unqualified": "10.00", "no-upline": "0.00" } });
  });
  it("compression dynamic: the unqualified Leader is skipped; A takes generation 1, compressed up (its own generation for S is 2)", () => {
    const r = runGenerations(twoGenerations("dynamic"), unqualifiedHolder);
    expect(lines(r, "A")).toEqual([[1, true, "S", "100", "0.1", "10.00"]]);
    expect(r.summary.bonuses[1]?.accounting).toMatchObject({ potential: "15.00", paid: "0.00", compressedUp: "10.00", breakage: { "upline-unqualified": "0.00", "no-upline": "5.00" } });
    const m = (id: string) => explain(r, id, { bonus: "matching" }).bonuses.find((b) => b.key === "matching");
    expect(m("A")?.lines.map((l) => l.explanation)).toEqual([
      "10% of earnings from direct 100 from 1 member beyond your generation 1, at generation 1 by dynamic compression (unqualified Leader holders between were skipped)",
    ]);
    expect(m("A")?.lines[0]?.from?.shown.map((s) => [s.memberId, s.distance, s.level])).toEqual([["S", 2, 1]]);
    expect(m("U")?.notPaid.map((n) => [n.reason, n.level, n.message])).toEqual([
      ["member-unqualified", 1, "you were not qualified, so dynamic compression skipped you: earnings from direct 100 from 1 member at your generation 1 went to the next qualified Leader holder above"],
    ]);
  });

  it("two Leaders in a row: the nearer is generation 1, the next generation 2", () => {
    const r = runGenerations(twoGenerations(), [
      ["A", null, "100", "0", "1"],
      ["B", "A", "100", "0", "1"],
      ["S", "B", "100", "100", "0"],
    ]);
    expect(lines(r, "B")).toEqual([[1, false, "S", "100", "0.1", "10.00"]]);
    expect(lines(r, "A")).toEqual([[2, false, "S", "100", "0.05", "5.00"]]);
  });

  it("a source who holds the rank itself is matched exactly as one who does not (only members above it count)", () => {
    for (const lead of ["1", "0"]) {
      const r = runGenerations(twoGenerations(), [
        ["A", null, "100", "0", "1"],
        ["X", "A", "100", "0", "0"],
        ["S", "X", "100", "100", lead],
      ]);
      expect(lines(r, "A")).toEqual([[1, false, "S", "100", "0.1", "10.00"]]);
    }
  });

  it("a holder's rank row unlocks generations: a Leader on the base row has generation 1 only; Gold unlocks 2", () => {
    const plan = generationPlan('    schedule:\n      - rates: ["0.10"]\n      - rank: Gold\n        rates: ["0.10", "0.05"]');
    const tree = (leadA: string): [string, string | null, string, string, string][] => [
      ["A", null, "100", "0", leadA],
      ["B", "A", "100", "0", "1"],
      ["S", "B", "100", "100", "0"],
    ];
    const leader = runGenerations(plan, tree("1"));
    expect(lines(leader, "A")).toEqual([]);
    expect(leader.summary.bonuses[1]?.accounting?.breakage["level-locked"]).toBe("5.00");
    expect(lines(runGenerations(plan, tree("2")), "A")).toEqual([[2, false, "S", "100", "0.05", "5.00"]]);
  });

  it("an unknown generation rank is PLAN_UNKNOWN_RANK at its path, with a hint", () => {
    const p = safeParsePlan(twoGenerations().replace("generations: { rank: Leader }", "generations: { rank: Leeder }"));
    expect(p.ok ? [] : p.issues.map((i) => [i.code, i.path.join("."), i.message])).toEqual([
      ["PLAN_UNKNOWN_RANK", "bonuses.1.generations.rank", 'unknown rank "Leeder" (did you mean "Leader"? ranks: Leader, Gold)'],
    ]);
  });

  it("explain words generations, and tells a member without the rank why the earnings below passed them by", () => {
    const r = runGenerations(twoGenerations(), [
      ["A", null, "100", "0", "1"],
      ["B", "A", "100", "100", "1"],
      ["C", "B", "100", "100", "0"],
      ["D", "C", "100", "100", "1"],
    ]);
    const m = (id: string) => explain(r, id, { bonus: "matching" }).bonuses.find((b) => b.key === "matching");
    expect(m("A")?.lines.map((l) => [l.level, l.base, l.amount, l.explanation])).toEqual([
      [1, "100", "10.00", "10% of earnings from direct 100 from 1 member in your generation 1 (a generation ends at each member holding Leader or higher), at generation 1"],
      [2, "200", "10.00", "5% of earnings from direct 200 from 2 members in your generation 2 (a generation ends at each member holding Leader or higher), at generation 2"],
    ]);
    // A source's distance is its generation before compression (D is 3 sponsor levels below A, generation 2).
    expect(m("A")?.lines[1]?.from?.shown.map((s) => [s.memberId, s.distance, s.level])).toEqual([
      ["C", 2, 2],
      ["D", 2, 2],
    ]);
    const c = m("C");
    expect(c?.lines).toEqual([]);
    expect(c?.notPaid.map((n) => [n.reason, n.level, n.volume, n.rank])).toEqual([["rank-not-held", 1, "100", "Leader"]]);
    expect(c?.notPaid[0]?.message).toBe(
      "you do not hold Leader (paid-as: no rank), and only members holding Leader or higher take a generation: earnings from direct 100 from 1 member that would be your generation 1 passed you by to the Leader holders above",
    );
  });
});
