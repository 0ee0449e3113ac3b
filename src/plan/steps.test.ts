import { describe, expect, it } from "vitest";
import { orderPlanSteps, orderSteps } from "./steps.js";

describe("orderSteps", () => {
  it("runs a step after the steps whose earnings or columns it reads; independent steps keep plan order", () => {
    const steps = [
      { key: "match", reads: ["earnings.uni", "earnings.fast", "qualified", "rank"] },
      { key: "uni", reads: ["personal.CV", "qualified", "rank"] },
      { key: "cap", reads: ["earnings.match", "uni.legs"] },
      { key: "fast", reads: ["personal.PV"] },
    ];
    expect(orderSteps(steps)).toEqual({ order: [1, 3, 0, 2] });
  });

  it("keeps plan order when nothing reads another step; the engine's own columns are not steps", () => {
    expect(orderSteps([{ key: "b", reads: ["group.PV"] }, { key: "a", reads: ["personal.PV", "rank"] }])).toEqual({ order: [0, 1] });
    // A bonus that happens to be called like a measure prefix is still only read through its own columns.
    expect(orderSteps([{ key: "x", reads: ["earnings.y"] }, { key: "y", reads: [] }])).toEqual({ order: [1, 0] });
  });

  it("names a circle of three, and a step that reads itself", () => {
    const r = orderSteps([
      { key: "ok", reads: [] },
      { key: "a", reads: ["earnings.b"] },
      { key: "b", reads: ["earnings.c"] },
      { key: "c", reads: ["earnings.a", "earnings.ok"] },
    ]);
    expect(r.order).toBeUndefined();
    expect(r.cycle).toEqual(["a", "b", "c", "a"]);
    expect(orderSteps([{ key: "self", reads: ["earnings.self"] }]).cycle).toEqual(["self", "self"]);
  });

  it("ignores reads of keys that are not steps (validation reports those)", () => {
    expect(orderSteps([{ key: "m", reads: ["earnings.nothing"] }])).toEqual({ order: [0] });
  });
});

describe("orderPlanSteps: the ranks as a step", () => {
  const bonuses = [
    { key: "uni", reads: ["personal.CV", "qualified", "rank"] },
    { key: "fast", reads: ["personal.PV"] },
    { key: "retail", reads: ["personal.PV", "qualified"] },
    { key: "pool", reads: ["earnings.retail"] },
  ];

  it("runs the ranks first when no rank requirement reads a column", () => {
    expect(orderPlanSteps([], bonuses)).toEqual({ order: [0, 1, 2, 3], rankAt: 0 });
  });

  it("runs the bonuses the ranks read first (even when listed after one that reads rank), then the ranks, then the rest", () => {
    // retail is listed after uni, which reads rank; the ranks read retail: retail, ranks, then uni, fast, pool.
    expect(orderPlanSteps(["earnings.retail"], bonuses)).toEqual({ order: [2, 0, 1, 3], rankAt: 1 });
    // A published column, and what that bonus reads in turn, come before the ranks too.
    expect(orderPlanSteps(["pool.bgv"], bonuses)).toEqual({ order: [2, 3, 0, 1], rankAt: 2 });
  });

  it("names a circle through the ranks: a rank requirement on a bonus that reads rank, directly or through earnings", () => {
    expect(orderPlanSteps(["earnings.uni"], bonuses).cycle).toEqual(["rank", "uni", "rank"]);
    const through = [...bonuses, { key: "match", reads: ["earnings.uni"] }];
    expect(orderPlanSteps(["earnings.match"], through).cycle).toEqual(["rank", "match", "uni", "rank"]);
  });
});
