import { describe, expect, it } from "vitest";
import { orderSteps } from "./steps.js";

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
