import { describe, expect, it } from "vitest";
import { calculate, canonicalJson } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { PERIOD, compplanRun, loadPlan, membersOf, ordersOf, runFiles, runText, sumMoney } from "../../test/conformance/helpers.js";

const c = conformanceCase("amway-india-eg2-differential-small");
const plan = loadPlan(new URL("./plan.yaml", import.meta.url));
type Node = { id: string; sponsor: string | null; personalVolume: number; businessVolume: number };
const tree = c.tree as Node[];
// Everyone resells what they buy: one retail sale each with the PV and BV the source states (RBV repeats the BV).
const orders = ordersOf(tree, (n: Node) => ({ PV: n.personalVolume, BV: n.businessVolume, RBV: n.businessVolume }), "retail-sale");
const DOWNLINES = ["A", "B", "C", "D"];

describe("amway-india-eg2-differential-small (published)", () => {
  const run = calculate(plan, { period: PERIOD, members: membersOf(tree), orders });
  const you = run.statement("YOU");
  const performance = (id: string) => (run.statement(id)?.lines ?? []).filter((l) => l.bonus === "performance");

  it("YOU's group: 1,500 PV = 90,000 BV; 1,500 PV sets 9%, each downline's 300 PV sets 6%", () => {
    expect(you?.volumes.group.PV).toBe(String(c.expected.groupPV.YOU));
    expect(you?.volumes.group.BV).toBe(String(c.expected.groupBV.YOU));
    const gross = performance("YOU").find((l) => l.source === "YOU");
    expect([gross?.base, gross?.rate]).toEqual([String(c.expected.groupBV.YOU), String(c.expected.bonusRate.YOU)]);
    for (const id of DOWNLINES) expect(performance(id).map((l) => l.rate)).toEqual([String(c.expected.bonusRate[id])]);
  });

  it("9% of 90,000 = 8,100, less the downlines' 6% of 72,000 = 4,320: a bonus to YOU of 3,780", () => {
    expect(performance("YOU").find((l) => l.source === "YOU")?.amount).toBe(money(c.expected.grossGroupBonusYOU));
    const deducted = performance("YOU").filter((l) => l.source !== "YOU");
    expect(deducted.map((l) => [l.source, l.base, l.rate])).toEqual(DOWNLINES.map((id) => [id, "18000", `-${c.expected.bonusRate[id]}`]));
    expect(sumMoney(deducted.map((l) => l.amount))).toBe(money(-c.expected.downlineBonusTotal));
    expect(run.summary.bonuses[0]?.accounting?.withheld).toBe(money(c.expected.downlineBonusTotal));
    expect(you?.bonuses.performance).toBe(money(c.expected.performanceBonus.YOU));
  });

  it("each downline's own bonus: 6% of 18,000 = 1,080 (the amount deducted from YOU's)", () => {
    for (const id of DOWNLINES) {
      expect(run.statement(id)?.bonuses.performance).toBe(money(c.expected.performanceBonus[id]));
      expect(performance("YOU").find((l) => l.source === id)?.amount).toBe(`-${money(c.expected.performanceBonus[id])}`);
    }
  });

  it("with the retail margin of 20% of 18,000 = 3,600, YOU earns 7,380", () => {
    expect(you?.bonuses.retail).toBe(money(c.expected.retailMarginYOU));
    expect(you?.total).toBe(money(c.expected.totalEarningsYOU));
  });

  it("the members.csv and orders.csv beside the plan (for compplan run) hold the same example", () => {
    expect(runText(runFiles(plan, new URL(".", import.meta.url)))).toBe(runText(run));
  });

  it("compplan run on those files writes YOU's 7,380 and prints the bonus's accounting, the 4,320 withheld included", () => {
    const { stdout, statement } = compplanRun(new URL(".", import.meta.url), ["--period", PERIOD], (r) => ({ stdout: r.stdout, statement: r.read("statements.ndjson").split("\n")[4] }));
    expect(statement).toBe(canonicalJson(you));
    // potential: YOU's 9% of 90,000 and each downline's 6% of 18,000; paid: 3,780 + 4 × 1,080.
    expect(stdout).toContain("potential 12,420.00 = paid 8,100.00 + compressed up 0.00 + withheld 4,320.00 + breakage 0");
  });
});
