// The example chain (README): three months, each run from the previous month's closing state. Expected
// figures are worked by hand in the README from the plan's rules and docs/state.md.
import { describe, expect, it } from "vitest";
import { planFolder } from "../../test/support/plan-folder.js";
import { type RunResult, calculate, parseState, stateNdjson } from "../../src/index.js";

const { plan, month } = planFolder(import.meta.url);

describe("grace-chain: January to March, each month from the last one's closing state", () => {
  const runs: RunResult[] = [];
  let state: string | undefined;
  for (const [period, last] of [["2026-01", "2026-01-31"], ["2026-02", "2026-02-28"], ["2026-03", "2026-03-31"]] as const) {
    const run = calculate(plan, month(period, last), state === undefined ? {} : { state: parseState(state) });
    runs.push(run);
    state = stateNdjson(run);
  }
  const paid = (k: number, id: string) => {
    const s = runs[k]?.statement(id);
    return [s?.rank.paidAs ?? null, s?.total];
  };
  const rowsOf = (k: number) => (stateNdjson(runs[k] as RunResult) as string).split("\n").slice(1, -1);

  it("January: A Silver (group 500), B Bronze (group 400)", () => {
    expect([paid(0, "A"), paid(0, "B")]).toEqual([["Silver", "70.00"], ["Bronze", "10.00"]]);
    expect(rowsOf(0)).toEqual(['{"id":"A","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":1}', '{"id":"B","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":1}']);
  });

  it("February: A (group 250) kept Silver and B (group 50) kept Bronze, each in grace; C joins", () => {
    expect([paid(1, "A"), paid(1, "B"), paid(1, "C")]).toEqual([["Silver", "45.00"], ["Bronze", "10.00"], [null, "0.00"]]);
    expect(rowsOf(1)).toEqual([
      '{"id":"A","rank.grace":1,"rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":2}',
      '{"id":"B","rank.grace":1,"rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":2}',
    ]);
  });

  it("March: the grace is used: A is Bronze, B has no rank; the highest ranks stay", () => {
    expect([paid(2, "A"), paid(2, "B")]).toEqual([["Bronze", "25.00"], [null, "0.00"]]);
    expect(rowsOf(2)).toEqual(['{"id":"A","rank.highest":"Silver","rank.paidAs":"Bronze","rank.periods":1}', '{"id":"B","rank.highest":"Bronze"}']);
  });
});
