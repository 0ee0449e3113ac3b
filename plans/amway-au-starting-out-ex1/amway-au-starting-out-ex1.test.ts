import { describe, expect, it } from "vitest";
import { money } from "../../test/conformance/cases.js";
import { sumMoney } from "../../test/conformance/helpers.js";
import { startingOut } from "../../test/conformance/starting-out.js";

const { c, year, you, files } = startingOut("amway-au-starting-out-ex1", new URL(".", import.meta.url));

describe("amway-au-starting-out-ex1 (published)", () => {
  it("each month: 3% performance bonus on 400 BV = $12 and 30% retail profit on 400 BV = $120: $132", () => {
    for (const s of you) {
      expect(s?.lines.map((l) => [l.bonus, l.base, l.rate])).toEqual([["performance", "400", "0.03"], ["retail", "400", "0.3"]]);
      expect([s?.bonuses.performance, s?.bonuses.retail, s?.total]).toEqual([money(c.expected.performanceBonus.YOU), money(c.expected.retailProfit), money(c.expected.grossIncomePerMonth)]);
    }
  });

  it("a year of twelve such months (a chain of 12 monthly periods): 12 × $132 = $1,584", () => {
    expect(year.length).toBe(12);
    expect(sumMoney(you.map((s) => s?.total as string))).toBe(money(c.expected.grossIncomePerYear));
  });

  it("the members.csv and orders.csv beside the plan (12 months, for compplan run --periods) give the same months", () => {
    const { fromFiles, fromChain } = files();
    expect(fromFiles).toEqual(fromChain);
  });
});
