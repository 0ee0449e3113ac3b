// Explain: hand-computed explanations on small trees, the golden files for the starter plan (a paid line,
// a compressed line, breakage, an unqualified member, a rank missed on a leg cap), and a check on
// generated runs that every member's explanation agrees with their statement.
// UPDATE_GOLDEN=1 rewrites the golden files; review the diff line by line against the hand derivation in
// golden/starter-scenario.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CalculateInput, type Plan, calculate, canonicalJson, orderMeasures, parsePlan } from "../index.js";
import { generateData } from "../generate/generate.js";
import { readRecords } from "../input/read.js";
import { safeParsePeriod } from "../run/period.js";
import { explain, indexOrders, safeExplain } from "./explain.js";
import { formatExplanation } from "./explain-text.js";
import type { BonusPart, Explanation } from "./explanation.js";
import { SCENARIO, STARTER_PLAN } from "./golden/starter-scenario.js";
import { expectGolden } from "../../test/support/golden.js";

const GOLDEN = join("src", "audit", "golden");
const starter = parsePlan(readFileSync(STARTER_PLAN, "utf8"));

function golden(name: string, actual: string): void {
  expectGolden(join(GOLDEN, name), actual);
}

const bonus = (e: Explanation, key: string) => e.bonuses.find((b) => b.key === key) as BonusPart;

describe("explain on the starter golden scenario (figures derived by hand in golden/starter-scenario.ts)", () => {
  const run = calculate(starter, SCENARIO);
  const orders = indexOrders(run, SCENARIO);
  const a = explain(run, "A", { orders });
  const u = explain(run, "U", { orders });

  it("A: paid lines, the compressed line with its rounding, and the sources with levels before and after compression", () => {
    const uni = bonus(a, "unilevel");
    expect(uni.amount).toBe("112.44");
    expect(uni.lines.map((l) => [l.level, l.compressed, l.base, l.rate, l.amount])).toEqual([
      [1, false, "200", "0.05", "10.00"],
      [2, false, "1760", "0.05", "88.00"],
      [2, true, "160.9", "0.05", "8.04"],
      [3, false, "80", "0.04", "3.20"],
      [4, false, "80", "0.04", "3.20"],
    ]);
    const compressed = uni.lines[2];
    expect(compressed?.from?.shown).toEqual([
      { memberId: "Q", volume: "160.9", distance: 3, level: 2, qualified: true, orders: [{ id: "o-q", kind: "personal-consumption", volume: "160.9" }] },
    ]);
    // 160.9 × 0.05 = 8.045: half-even to the even cent gives 8.04, 0.005 less than exact.
    expect(compressed?.rounding).toEqual({ mode: "half-even", applies: "line", scale: 2, exact: "8.045", rounded: "8.04", difference: "-0.005" });
    expect(compressed?.reference).toBe("Section 4: Unilevel commissions");
    expect(uni.lines[0]?.from?.shown.map((s) => [s.memberId, s.distance, s.level])).toEqual([
      ["B", 1, 1],
      ["C", 1, 1],
    ]);
  });

  it("A: breakage (an unqualified source, a locked level) with what A would have received", () => {
    const reasons = bonus(a, "unilevel").notPaid.map((n) => [n.reason, n.level, n.volume, n.forgone, n.rank]);
    expect(reasons).toEqual([
      ["source-unqualified", 2, "40", "2.00", undefined], // U's CV 40 × 5%
      ["level-locked", 5, "160", "4.80", "Silver"], // C4's CV 160 × 3% at Silver
    ]);
    expect(bonus(a, "rank-bonus").notPaid.map((n) => n.reason)).toEqual(["rank-not-listed"]);
    expect(bonus(a, "retail").notPaid.map((n) => n.reason)).toEqual(["no-volume"]);
  });

  it("A: Silver missed on the 60% leg cap, with the capped leg and the additional volume needed", () => {
    expect(a.rank.paidAs).toBe("Bronze");
    const next = a.rank.next;
    expect(next?.name).toBe("Silver");
    const group = next?.requirements.find((d) => d.requirement === "group");
    expect(group?.met).toBe(false);
    expect(group?.actual).toBe("2500"); // 100 + 1,800 + 600
    expect(group?.legCap?.cappedLegs).toEqual([{ leg: "B", volume: "2500", counted: "1800" }]);
    expect(group?.shortfall).toBe("500");
    expect(group?.notes[0]).toBe("leg B supplies 2,500 of group PV but counts 1,800 under the 60% cap");
    expect(group?.notes[1]).toContain("room for 1,200"); // leg C: 1,800 − 600
    expect(next?.additional).toEqual([{ measure: "PV", volume: "500", where: "outside capped legs: your own orders, new legs, or legs still below the cap" }]);
    expect(next?.legsNeeded).toBe(0);
  });

  it("U: not qualified, with the failed condition and its breakdown by order kind", () => {
    expect(u.qualified).toBe(false);
    const pv = u.qualification.find((c) => c.condition === "personal");
    expect(pv).toMatchObject({ actual: "50", required: "100", met: false });
    expect(pv?.breakdown?.kinds).toEqual([
      { kind: "personal-consumption", raw: "30", counted: "30", counts: true },
      { kind: "retail-sale", raw: "20", counted: "20", counts: true },
      { kind: "customer-order", raw: "0", counted: "0", counts: true },
    ]);
    const skipped = bonus(u, "unilevel").notPaid;
    expect(skipped.map((n) => [n.reason, n.level, n.volume, n.forgone])).toEqual([["member-unqualified", 1, "160.9", "8.045"]]);
    expect(skipped[0]?.conditions).toEqual([{ condition: "personal", measure: "PV", actual: "50", required: "100", met: false, breakdown: pv?.breakdown }]);
    expect(bonus(u, "retail").lines.map((l) => l.amount)).toEqual(["10.00"]);
    expect(u.rank.next?.additional).toEqual([{ measure: "PV", volume: "50", where: "in your own orders" }]);
  });

  it("matches the golden text and JSON", () => {
    golden("explain-starter.txt", `${formatExplanation(a)}\n${formatExplanation(u)}`);
    golden("explain-starter-A.json", `${canonicalJson(a, 2)}\n`);
  });

  it("explains one bonus with the bonus option; unknown members and bonuses are coded issues", () => {
    expect(explain(run, "A", { bonus: "retail" }).bonuses.map((b) => b.key)).toEqual(["retail"]);
    const r = safeExplain(run, "NOBODY", { bonus: "nope" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => [i.code, i.path])).toEqual([
      ["AUDIT_UNKNOWN_MEMBER", ["memberId"]],
      ["AUDIT_UNKNOWN_BONUS", ["bonus"]],
    ]);
    expect(() => explain(run, "NOBODY")).toThrow(/AUDIT_UNKNOWN_MEMBER/);
  });

  it("lists sources without orders when no order index is given, and at most sourcesMax of them", () => {
    const e = explain(run, "A", { sourcesMax: 1 });
    const line = bonus(e, "unilevel").lines[0];
    expect(line?.from).toEqual({ count: 2, volume: "200", omitted: 1, shown: [{ memberId: "B", volume: "120", distance: 1, level: 1, qualified: true }] });
  });
});

// The tree of src/bonuses/unilevel/unilevel.test.ts: R (Gold, 500) ← Q (100) ← X (unqualified, 50) ← S (100).
// Base row 10% for 1 level; Gold 20% / 10%.
function smallPlan(compression: "none" | "dynamic", applies: "line" | "bonus" = "line"): Plan {
  return parsePlan({
    compplan: 1,
    id: "u",
    currency: "USD",
    money: { scale: 2, rounding: { mode: "half-up", applies } },
    payoutBasis: "PV",
    measures: { PV: { counts: ["personal-consumption"] } },
    qualification: { personal: { measure: "PV", minimum: "100" } },
    ranks: [{ name: "Gold", requires: { personal: { measure: "PV", minimum: "500" } } }],
    bonuses: [{ key: "u", kind: "unilevel", measure: "PV", compression, unqualifiedVolumePays: false, schedule: [{ rates: ["0.10"] }, { rank: "Gold", rates: ["0.20", "0.10"] }] }],
  });
}
const SMALL: CalculateInput = {
  period: "2026-10",
  members: [
    { id: "R", sponsorId: null, joinDate: "2025-01-01" },
    { id: "Q", sponsorId: "R", joinDate: "2025-01-01" },
    { id: "X", sponsorId: "Q", joinDate: "2025-01-01" },
    { id: "S", sponsorId: "X", joinDate: "2025-01-01" },
  ],
  orders: [
    { id: "1", memberId: "R", kind: "personal-consumption", date: "2026-10-01", volumes: { PV: "500" } },
    { id: "2", memberId: "Q", kind: "personal-consumption", date: "2026-10-01", volumes: { PV: "100" } },
    { id: "3", memberId: "X", kind: "personal-consumption", date: "2026-10-01", volumes: { PV: "50" } },
    { id: "4", memberId: "S", kind: "personal-consumption", date: "2026-10-01", volumes: { PV: "100.05" } },
  ],
};

describe("explain on a small tree, both compression settings", () => {
  it("without compression every generation is a level: Q's level 2 (S) is locked, R's level 2 (X) is an unqualified source", () => {
    const run = calculate(smallPlan("none"), SMALL);
    const q = bonus(explain(run, "Q"), "u");
    // Q (base row, 1 level): X at level 1 is unqualified; S at level 2 is beyond the base row.
    expect(q.lines).toEqual([]);
    expect(q.notPaid.map((n) => [n.reason, n.level, n.volume, n.forgone, n.rank])).toEqual([
      ["source-unqualified", 1, "50", "5.00", undefined], // 50 × 10%
      ["level-locked", 2, "100.05", "10.005", "Gold"], // 100.05 × 10% at Gold
    ]);
    const r = bonus(explain(run, "R"), "u");
    // R (Gold): Q at level 1: 100 × 20% = 20.00; X at level 2 unqualified; S at level 3: beyond the depth.
    expect(r.lines.map((l) => [l.level, l.compressed, l.base, l.amount])).toEqual([[1, false, "100", "20.00"]]);
    expect(r.notPaid.map((n) => [n.reason, n.level, n.volume])).toEqual([["source-unqualified", 2, "50"]]);
    // X is not qualified: S at X's level 1 is breakage (upline-unqualified); X would have had 10%.
    const x = bonus(explain(run, "X"), "u");
    expect(x.notPaid.map((n) => [n.reason, n.level, n.volume, n.forgone])).toEqual([["member-unqualified", 1, "100.05", "10.005"]]);
    expect(x.notPaid[0]?.message).toContain("upline-unqualified");
  });

  it("with dynamic compression X takes no level: S pays Q at level 1 and R at level 2, both compressed", () => {
    const run = calculate(smallPlan("dynamic"), SMALL);
    const q = bonus(explain(run, "Q"), "u");
    // 100.05 × 10% = 10.005 → half-up 10.01.
    expect(q.lines.map((l) => [l.level, l.compressed, l.base, l.rate, l.amount, l.from?.shown[0]?.distance])).toEqual([[1, true, "100.05", "0.1", "10.01", 2]]);
    expect(q.notPaid.map((n) => [n.reason, n.level, n.forgone, n.rank])).toEqual([
      ["rate-below-maximum", 1, "10.005", "Gold"], // 100.05 × (20% − 10%)
      ["source-unqualified", 1, "5.00", undefined],
    ]);
    const r = bonus(explain(run, "R"), "u");
    expect(r.lines.map((l) => [l.level, l.compressed, l.base, l.amount])).toEqual([
      [1, false, "100", "20.00"],
      [2, true, "100.05", "10.01"],
    ]);
  });

  it("with rounding per bonus, lines are exact and the subtotal carries the rounding", () => {
    const run = calculate(smallPlan("dynamic", "bonus"), SMALL);
    const r = bonus(explain(run, "R"), "u");
    expect(r.lines.map((l) => [l.value, l.amount, l.rounding.difference])).toEqual([
      ["20.00", "20.00", "0.00"],
      ["10.005", "10.005", "0.00"],
    ]);
    // 30.005 → half-up 30.01.
    expect(r.amount).toBe("30.01");
    expect(r.rounding).toEqual({ mode: "half-up", applies: "bonus", scale: 2, exact: "30.005", rounded: "30.01", difference: "0.005" });
  });

  it("a member with nothing below says so", () => {
    const run = calculate(smallPlan("dynamic"), SMALL);
    expect(bonus(explain(run, "S"), "u").notPaid.map((n) => n.reason)).toEqual(["no-downline-volume"]);
  });
});

describe("every explanation agrees with its statement (generated runs)", () => {
  const plans = [
    STARTER_PLAN,
    "plans/globalmlm-unilevel-compression/plan-without-compression.yaml",
    "plans/ph-uniform-unilevel/plan.yaml",
  ];
  for (const file of plans) {
    it(file, () => {
      const plan = parsePlan(readFileSync(file, "utf8"));
      let members = "";
      let ordersCsv = "";
      const period = safeParsePeriod("2026-10").period as NonNullable<ReturnType<typeof safeParsePeriod>["period"]>;
      generateData({ members: 1500, seed: 11, period, shape: "realistic" }, { members: (c) => (members += c), orders: (c) => (ordersCsv += c) });
      const m = readRecords(members, { file: "members.csv", kind: "members" });
      const measures = orderMeasures(plan);
      const o = readRecords(ordersCsv, { file: "orders.csv", kind: "orders" });
      // The generated files carry PV, CV and RETAIL; keep the measures this plan has.
      const orders = (o.records as { volumes: Record<string, string> }[]).map((r) => ({ ...r, volumes: Object.fromEntries(Object.entries(r.volumes).filter(([k]) => measures.includes(k))) }));
      const input = { period: "2026-10", members: m.records as never[], orders: orders as never[] };
      const run = calculate(plan, input);
      const index = indexOrders(run, input);
      let lines = 0;
      for (const id of run.memberIds()) {
        // explain asserts that each explained line has the statement's level, base, rate and sources.
        const e = explain(run, id, { orders: index });
        const s = run.statement(id);
        expect(e.total).toBe(s?.total);
        lines += e.bonuses.reduce((n, b) => n + b.lines.length, 0);
        for (const b of e.bonuses) if (b.lines.length === 0 && b.amount !== "0.00") throw new Error(`${id} ${b.key}`);
      }
      expect(lines).toBe(run.summary.bonuses.reduce((n, b) => n + b.lines, 0));
    });
  }
});
