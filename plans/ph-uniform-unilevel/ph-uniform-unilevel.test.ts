import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type Plan, calculate, parsePlan } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { PERIOD, loadPlan } from "../../test/conformance/helpers.js";

const c = conformanceCase("ph-uniform-unilevel-5x5");
const base = loadPlan(new URL("./plan.yaml", import.meta.url));

/** The plan with every level at `rate` (the published status rate), re-validated. */
function withRate(rate: number): Plan {
  const text = String(rate);
  const plain = JSON.parse(JSON.stringify(base));
  plain.bonuses[0].schedule[0].rates = plain.bonuses[0].schedule[0].rates.map(() => text);
  return parsePlan(plain);
}

/** The published complete tree: the root, then branchingPerLevel[k] children under each member of level k. */
function completeTree(branching: number[], pv: number, rootPv: number): { members: MemberInput[]; orders: OrderInput[] } {
  const members: MemberInput[] = [{ id: "ROOT", sponsorId: null, joinDate: "2024-01-01" }];
  const orders: OrderInput[] = [{ id: "o-ROOT", memberId: "ROOT", kind: "personal-consumption", date: "2026-10-01", volumes: { PV: String(rootPv) } }];
  let level = ["ROOT"];
  branching.forEach((b, depth) => {
    const next: string[] = [];
    for (const parent of level) {
      for (let k = 0; k < b; k++) {
        const id = `${parent === "ROOT" ? "" : `${parent}.`}${k}`;
        next.push(id);
        members.push({ id, sponsorId: parent, joinDate: "2024-01-01" });
        orders.push({ id: `o-${id}`, memberId: id, kind: "personal-consumption", date: "2026-10-01", volumes: { PV: String(pv) } });
      }
    }
    level = next;
    if (depth > 5) throw new Error("tree too deep");
  });
  return { members, orders };
}

describe("ph-uniform-unilevel-5x5 (published)", () => {
  for (const variant of c.variants) {
    it(`rate ${variant.rate}, branching ${variant.branchingPerLevel.join("×")}: total ${variant.expected.total}`, () => {
      const { members, orders } = completeTree(variant.branchingPerLevel, c.treeGenerator.personalVolume, c.treeGenerator.rootPersonalVolume);
      const run = calculate(withRate(variant.rate), { period: PERIOD, members, orders });
      const root = run.statement("ROOT");
      expect(root?.lines.map((l) => l.amount)).toEqual(variant.expected.byLevel.map((x: number) => money(x)));
      expect(root?.lines.map((l) => l.sources)).toEqual(variant.branchingPerLevel.map((_: number, k: number) => variant.branchingPerLevel.slice(0, k + 1).reduce((a: number, b: number) => a * b, 1)));
      expect(root?.total).toBe(money(variant.expected.total));
    });
  }

  it("the plan file itself is the ordinary (1%) case", () => {
    const { members, orders } = completeTree([5, 5, 5, 5, 5], 500, 500);
    expect(calculate(base, { period: PERIOD, members, orders }).statement("ROOT")?.total).toBe(money(c.expected.total));
  });
});
