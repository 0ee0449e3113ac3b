import { describe, expect, it } from "vitest";
import { calculate } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { PERIOD, loadPlan, membersOf, ordersOf, runFiles, runText, sumMoney } from "../../test/conformance/helpers.js";

const c = conformanceCase("amway-india-eg1-single");
const plan = loadPlan(new URL("./plan.yaml", import.meta.url));
type Node = { id: string; sponsor: string | null; personalVolume: number; businessVolume: number };
// The member resells what they buy: one retail sale carrying the PV and BV the source states (RBV repeats the BV).
const orders = ordersOf(c.tree, (n: Node) => ({ PV: n.personalVolume, BV: n.businessVolume, RBV: n.businessVolume }), "retail-sale");

describe("amway-india-eg1-single (published)", () => {
  const run = calculate(plan, { period: PERIOD, members: membersOf(c.tree), orders });
  const you = run.statement("YOU");
  const line = (bonus: string) => you?.lines.find((l) => l.bonus === bonus);

  it("300 PV reaches the 6% level; 6% of 15,000 BV = Rs 900", () => {
    expect(you?.volumes.group.PV).toBe(String((c.tree[0] as Node).personalVolume));
    expect([line("performance")?.base, line("performance")?.rate]).toEqual([String((c.tree[0] as Node).businessVolume), String(c.expected.bonusRate.YOU)]);
    expect(you?.bonuses.performance).toBe(money(c.expected.performanceBonus.YOU));
  });

  it("with the retail margin the grand total is Rs 3,900 (the margin, implied: 3,900 − 900 = 3,000 = 20% of 15,000)", () => {
    expect(you?.total).toBe(money(c.expected.grandTotalIncludingRetail));
    expect([line("retail")?.base, line("retail")?.rate]).toEqual([String((c.tree[0] as Node).businessVolume), "0.2"]);
    expect(you?.bonuses.retail).toBe(sumMoney([money(c.expected.grandTotalIncludingRetail), `-${money(c.expected.performanceBonus.YOU)}`]));
  });

  it("the members.csv and orders.csv beside the plan (for compplan run) hold the same example", () => {
    expect(runText(runFiles(plan, new URL(".", import.meta.url)))).toBe(runText(run));
  });
});
