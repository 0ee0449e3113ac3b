// What a comparison changed: a change set's operations with the base plan's values (by hand from
// test/fixtures/base.ts), and the differences between two whole plans.
import { describe, expect, it } from "vitest";
import { BASE_PLAN } from "../../test/fixtures/base.js";
import { parsePlan } from "../plan/parse.js";
import { describeChangeSet, planDifferences } from "./applied.js";

const plan = parsePlan(BASE_PLAN);

describe("describeChangeSet", () => {
  it("lists every operation in order with the value the base plan has there", () => {
    const applied = describeChangeSet(plan, {
      changes: [
        { set: "ranks[name=Bronze].requires.group.minimum", value: "400" },
        { set: ["bonuses", { key: "unilevel" }, "schedule", 1, "rates", 2], value: "0.025" },
        { set: "bonuses[key=unilevel].schedule[rank=Bronze].rates[3]", value: "0.01" },
        { unset: "ranks[name=Silver].requires.group.legCap" },
        { addRank: { name: "Gold", requires: { personal: { measure: "PV", minimum: "100" } } }, after: "Silver" },
        { removeBonus: "rank-bonus" },
      ],
    });
    expect(applied).toEqual({
      source: "change-set",
      count: 6,
      list: [
        { op: "set", path: "ranks[name=Bronze].requires.group.minimum", before: "300", after: "400" },
        // A path given as steps is written as text.
        { op: "set", path: "bonuses[key=unilevel].schedule[1].rates[2]", before: "0.03", after: "0.025" },
        // Appending: nothing was there before.
        { op: "set", path: "bonuses[key=unilevel].schedule[rank=Bronze].rates[3]", after: "0.01" },
        { op: "unset", path: "ranks[name=Silver].requires.group.legCap", before: "0.5" },
        { op: "addRank", path: "ranks[name=Gold]", after: { name: "Gold", requires: { personal: { measure: "PV", minimum: "100" } } } },
        // As validated: defaults filled in.
        { op: "removeBonus", path: "bonuses[key=rank-bonus]", before: { key: "rank-bonus", kind: "rank-bonus", amounts: { Silver: "50.00" }, requiresQualified: true } },
      ],
    });
  });

  it("an empty change set lists nothing", () => {
    expect(describeChangeSet(plan, { changes: [] })).toEqual({ source: "change-set", count: 0, list: [] });
  });
});

describe("planDifferences", () => {
  it("the same plan, or one written with other decimals, has no differences", () => {
    expect(planDifferences(plan, plan)).toEqual({ source: "plan", count: 0, list: [] });
    const other = parsePlan(BASE_PLAN.replace('rates: ["0.05", "0.04", "0.03"]', 'rates: ["0.050", "0.04", "0.030"]').replace('"50.00"', '"50"'));
    expect(planDifferences(plan, other).count).toBe(0);
  });

  it("names each value that differs, ranks and bonuses by name and key, schedule rows by rank", () => {
    const other = parsePlan(
      BASE_PLAN.replace("id: base", "id: other")
        .replace('rates: ["0.05", "0.04", "0.03"]', 'rates: ["0.05", "0.06"]')
        .replace('group: { measure: PV, minimum: "1000", legCap: "0.5" }', 'group: { measure: PV, minimum: "1200" }')
        .replace("  - key: rank-bonus\n    kind: rank-bonus\n    amounts: { Silver: \"50.00\" }\n", "")
        .replace("ranks:\n", "ranks:\n  - name: Starter\n    requires:\n      personal: { measure: PV, minimum: \"50\" }\n"),
    );
    const d = planDifferences(plan, other);
    expect(d.source).toBe("plan");
    // Keys in canonical (sorted) order; entries of a list in the base plan's order, then added ones.
    // The schedule's rows are matched by position, but named by their rank where they have one.
    expect(d.list).toEqual([
      { op: "changed", path: "bonuses[key=unilevel].schedule[rank=Bronze].rates[1]", before: "0.04", after: "0.06" },
      { op: "removed", path: "bonuses[key=unilevel].schedule[rank=Bronze].rates[2]", before: "0.03" },
      // Decimals in canonical form, defaults filled in.
      { op: "removed", path: "bonuses[key=rank-bonus]", before: { amounts: { Silver: "50" }, key: "rank-bonus", kind: "rank-bonus", requiresQualified: true } },
      { op: "changed", path: "id", before: "base", after: "other" },
      { op: "removed", path: "ranks[name=Silver].requires.group.legCap", before: "0.5" },
      { op: "changed", path: "ranks[name=Silver].requires.group.minimum", before: "1000", after: "1200" },
      { op: "added", path: "ranks[name=Starter]", after: { name: "Starter", requires: { personal: { measure: "PV", minimum: "50" }, qualified: true } } },
    ]);
    expect(d.count).toBe(7);
  });

  it("reports bonuses in another order as reordered", () => {
    const unilevel = BASE_PLAN.slice(BASE_PLAN.indexOf("  - key: unilevel"), BASE_PLAN.indexOf("  - key: rank-bonus"));
    const swapped = parsePlan(BASE_PLAN.replace(unilevel, "").concat(unilevel));
    expect(planDifferences(plan, swapped).list).toEqual([{ op: "reordered", path: "bonuses", before: ["unilevel", "rank-bonus"], after: ["rank-bonus", "unilevel"] }]);
  });

  it("lists at most 200 changes and counts them all", () => {
    const changes = Array.from({ length: 250 }, () => ({ set: "ranks[name=Bronze].requires.group.minimum", value: "400" }));
    const d = describeChangeSet(plan, { changes });
    expect(d.count).toBe(250);
    expect(d.list.length).toBe(200);
  });
});
