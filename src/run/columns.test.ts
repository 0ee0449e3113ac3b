import { describe, expect, it } from "vitest";
import type { CompiledBonus } from "../bonuses/family.js";
import { ColumnStore } from "./columns.js";

const step = (key: string, publishes: CompiledBonus["publishes"]): CompiledBonus => ({
  key,
  kind: "test",
  reference: undefined,
  reads: [],
  publishes,
  lineFields: [],
  stateFields: [],
  run: () => undefined,
});

describe("published columns (the family contract)", () => {
  const bonuses = [step("stairs", [{ column: "stairs.bgv", kind: "volume" }]), step("retail", [])];

  it("holds what a step publishes and its settled earnings, by full name, for later steps", () => {
    const store = new ColumnStore(bonuses, 2);
    const bgv = new Float64Array([5, 7]);
    store.begin(0);
    store.publish("bgv", bgv);
    store.end(new Float64Array([1, 2]));
    expect(store.column("stairs.bgv")).toBe(bgv);
    expect(Array.from(store.column("earnings.stairs"))).toEqual([1, 2]);
    store.begin(1);
    store.end(new Float64Array([3, 4]));
    expect(store.earningsByBonus().map((e) => Array.from(e))).toEqual([[1, 2], [3, 4]]);
  });

  it("refuses a column the step does not declare, a second publish, a wrong length, a missing one, and a read before it is made", () => {
    const store = new ColumnStore(bonuses, 2);
    expect(() => store.column("stairs.bgv")).toThrow(/column-ready-before-read/);
    store.begin(1);
    expect(() => store.publish("bgv", new Float64Array(2))).toThrow(/publish-declared/);
    store.begin(0);
    expect(() => store.publish("bgv", new Float64Array(3))).toThrow(/publish-size/);
    expect(() => store.end(new Float64Array(2))).toThrow(/publish-all/);
    store.publish("bgv", new Float64Array(2));
    expect(() => store.publish("bgv", new Float64Array(2))).toThrow(/publish-once/);
  });
});
