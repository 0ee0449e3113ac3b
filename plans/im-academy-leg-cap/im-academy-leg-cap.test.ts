import { describe, expect, it } from "vitest";
import { calculate } from "../../src/index.js";
import { conformanceCase } from "../../test/conformance/cases.js";
import { PERIOD, loadPlan, membersOf, ordersOf } from "../../test/conformance/helpers.js";

const c = conformanceCase("im-academy-40-40-20-leg-cap");
const plan = loadPlan(new URL("./plan.yaml", import.meta.url));
type Node = { id: string; sponsor: string | null; subtreeVolume?: number };

function youOf(tree: Node[]) {
  const run = calculate(plan, { period: PERIOD, members: membersOf(tree), orders: ordersOf(tree, (n: Node) => ({ VOL: n.subtreeVolume })) });
  const you = run.statement("YOU");
  if (you === undefined) throw new Error("no statement");
  return you;
}

describe("im-academy-40-40-20-leg-cap (published)", () => {
  it("caps LEG1 at 40% of 4,350 = 1,740 and counts 3,340: not Platinum 1000", () => {
    const you = youOf(c.tree);
    expect(you.rank.paidAs).toBeNull();
    expect(you.rank.next?.name).toBe(c.inputs.targetRank);
    const group = you.rank.next?.requirements.find((r) => r.requirement === "group");
    expect(group?.required).toBe(String(c.inputs.requiredVolume));
    expect(group?.legCap?.maxPerLeg).toBe(String(c.expected.maxPerLeg));
    expect(group?.actual).toBe(String(c.expected.countedVolume));
    expect(group?.met).toBe(c.expected.qualifies);
    expect(group?.legCap?.uncapped).toBe("4600");
    expect(group?.legCap?.cappedLegs).toEqual([{ leg: "LEG1", volume: "3000", counted: "1740" }]);
  });

  it("a fourth leg of 1,010 brings the counted volume to exactly 4,350: Platinum 1000", () => {
    const you = youOf([...c.tree, { id: "LEG4", sponsor: "YOU", subtreeVolume: 1010 }]);
    expect(you.rank.paidAs).toBe("Platinum 1000");
    expect(you.rank.requirements?.find((r) => r.requirement === "group")).toMatchObject({ actual: "4350", met: true });
  });
});
