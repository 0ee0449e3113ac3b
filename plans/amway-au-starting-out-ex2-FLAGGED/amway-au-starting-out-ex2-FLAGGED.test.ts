import { describe, expect, it } from "vitest";
import { money } from "../../test/conformance/cases.js";
import { sumMoney } from "../../test/conformance/helpers.js";
import { startingOut } from "../../test/conformance/starting-out.js";

const { c, year, you, files } = startingOut("amway-au-starting-out-ex2-FLAGGED", new URL(".", import.meta.url));

describe("amway-au-starting-out-ex2-FLAGGED (published; its yearly figure is wrong)", () => {
  it("each month: 200 PV is still the 3% level: 3% on 800 BV = $24 and 30% retail profit on 800 BV = $240: $264", () => {
    const stated = [money(c.expected.performanceBonus.YOU), money(c.expected.retailProfit), money(c.expected.grossIncomePerMonth)];
    for (const s of you) expect([s?.lines.map((l) => [l.bonus, l.base, l.rate]), s?.bonuses.performance, s?.bonuses.retail, s?.total]).toEqual([[["performance", "800", "0.03"], ["retail", "800", "0.3"]], ...stated]);
  });

  it("a year of twelve such months is 12 × $264 = $3,168, not the $3,166 the document prints", () => {
    expect([year.length, c.internallyInconsistent]).toEqual([12, true]);
    const total = sumMoney(you.map((s) => s?.total as string));
    expect(total).toBe(money(c.expected.grossIncomePerYearCorrect));
    expect(total).not.toBe(money(c.expected.grossIncomePerYearStated));
  });

  it("the members.csv and orders.csv beside the plan (12 months, for compplan run --periods) give the same months", () => {
    const { fromFiles, fromChain } = files();
    expect(fromFiles).toEqual(fromChain);
  });
});
