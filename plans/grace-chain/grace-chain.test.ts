// The example chain (README): three months, each run from the previous month's closing state. Expected
// figures are worked by hand in the README from the plan's rules and docs/state.md.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type RunResult, calculate, parsePlan, parseState, stateNdjson } from "../../src/index.js";

const here = (f: string) => new URL(`./${f}`, import.meta.url);
const plan = parsePlan(readFileSync(here("plan.yaml"), "utf8"));
const rows = (f: string) => {
  const [head, ...lines] = readFileSync(here(f), "utf8").trim().split("\n");
  const keys = (head as string).split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, k) => [keys[k] as string, v])));
};
const members = rows("members.csv");
const orders = rows("orders.csv");

/** The month's input: the members who joined by its last day, and its orders. */
function month(period: string, last: string): { period: string; members: MemberInput[]; orders: OrderInput[] } {
  return {
    period,
    members: members.filter((m) => (m.joinDate as string) <= last).map((m) => ({ id: m.id as string, sponsorId: m.sponsorId || null, joinDate: m.joinDate as string })),
    orders: orders
      .filter((o) => (o.date as string).startsWith(period))
      .map((o) => ({ id: o.id as string, memberId: o.memberId as string, kind: "personal-consumption" as const, date: o.date as string, volumes: { PV: o.PV as string } })),
  };
}

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
