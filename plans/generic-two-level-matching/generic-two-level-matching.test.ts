import { describe, expect, it } from "vitest";
import { calculate } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { PERIOD, loadPlan, membersOf, ordersOf } from "../../test/conformance/helpers.js";

const c = conformanceCase("generic-two-level-matching");
const plan = loadPlan(new URL("./plan.yaml", import.meta.url));
type Node = { id: string; sponsor: string | null; earnings?: number };
// Each member's stated earnings, carried as retail-sale volume of EARN (the plan's `direct` bonus pays it at rate 1).
const orders = ordersOf(c.tree, (n: Node) => ({ EARN: n.earnings })).map((o) => ({ ...o, kind: "retail-sale" as const }));

describe("generic-two-level-matching (published)", () => {
  const run = calculate(plan, { period: PERIOD, members: membersOf(c.tree), orders });

  it("the downline earns what the source states", () => {
    for (const n of c.tree as Node[]) {
      if (n.earnings !== undefined) expect(run.statement(n.id)?.bonuses.direct).toBe(money(n.earnings));
    }
  });

  it("A's matching bonus: 10% of B's 1,000 plus 7% of C's 1,200 = 184", () => {
    const a = run.statement("A");
    expect(a?.bonuses.matching).toBe(money(c.expected.A.matchingBonus));
    expect(a?.lines.map((l) => [l.bonus, l.level, l.source, l.base, l.rate, l.amount])).toEqual([
      ["matching", 1, "B", "1000", "0.1", "100.00"],
      ["matching", 2, "C", "1200", "0.07", "84.00"],
    ]);
  });

  it("every unit of the matching potential is paid or breakage", () => {
    const acc = run.summary.bonuses.find((b) => b.key === "matching")?.accounting;
    // Potential: 10% and 7% of each member's earnings. B (1,000): 100 + 70; C (1,200): 120 + 84 = 374.
    // Paid: A 184, B 120 = 304. C's level 2 and B's level 2 have no upline member: 70 of breakage.
    expect(acc).toMatchObject({ potential: "374.00", paid: "304.00", compressedUp: "0.00" });
    expect(acc?.breakage["no-upline"]).toBe("70.00");
  });
});
