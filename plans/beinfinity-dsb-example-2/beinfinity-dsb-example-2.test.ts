import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { calculate, calculatePrepared, orderMeasures, prepareFiles } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { PERIOD, loadPlan, membersOf, ordersOf } from "../../test/conformance/helpers.js";

const c = conformanceCase("beinfinity-dsb-example-2");
const plan = loadPlan(new URL("./plan.yaml", import.meta.url));
type Node = { id: string; sponsor: string | null; personalVolume: number };
const given: Record<string, string> = c.inputs.rank;
// The members file gives each member the rank the source states (only USER: Influencer).
const members = membersOf(c.tree).map((m) => {
  const rank = given[m.id];
  return rank !== undefined ? { ...m, rank } : m;
});
const orders = ordersOf(c.tree, (n: Node) => ({ PV: n.personalVolume }));
const expected: Record<string, number> = c.expected.USER.directSalesBonusByUser;

describe("beinfinity-dsb-example-2 (published)", () => {
  const run = calculate(plan, { period: PERIOD, members, orders });
  const user = run.statement("USER");

  it("USER is paid as the rank the source states", () => {
    expect(user?.rank.paidAs).toBe(given.USER);
    expect(c.inputs.directSalesRate.USER).toBe(0.12);
  });

  it("one DSB line per level-1 user, as published: 600 x 12% = 72, 4,600 x 12% = 552, …", () => {
    expect(user?.lines.map((l) => [l.source, l.level, l.base, l.rate, l.amount])).toEqual(
      Object.keys(expected)
        .sort()
        .map((id) => [id, 1, String((c.tree as Node[]).find((n) => n.id === id)?.personalVolume), "0.12", money(expected[id] as number)]),
    );
  });

  it("the total DSB is 840; User5 (level 2) and USER's own purchase yield none", () => {
    expect(user?.bonuses.dsb).toBe(money(c.expected.USER.directSalesBonusTotal));
    expect(user?.total).toBe(money(c.expected.USER.directSalesBonusTotal));
    expect(user?.lines.some((l) => l.source === "User5" || l.source === "USER")).toBe(false);
  });

  it("no other member holds a rank, so no one else earns a DSB", () => {
    for (const n of c.tree as Node[]) {
      if (n.id === "USER") continue;
      expect(run.statement(n.id)?.rank.paidAs).toBeNull();
      expect(run.statement(n.id)?.total).toBe("0.00");
    }
  });

  it("the members.csv and orders.csv beside the plan (for compplan run) hold the same example", () => {
    const file = (f: string) => fileURLToPath(new URL(`./${f}`, import.meta.url));
    const prepared = prepareFiles({ period: PERIOD, members: file("members.csv"), orders: file("orders.csv") }, { measures: orderMeasures(plan) });
    const fromFiles = calculatePrepared(plan, prepared);
    expect(fromFiles.statement("USER")?.lines).toEqual(user?.lines);
    expect(fromFiles.summary.total).toBe(run.summary.total);
  });
});
