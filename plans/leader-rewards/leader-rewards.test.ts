// The leader-rewards example (README): September and October, October from September's closing state. Every
// figure is worked by hand in the README from the plan's rules (docs/plan-language.md) and docs/state.md.
import { describe, expect, it } from "vitest";
import { planFolder } from "../../test/support/plan-folder.js";
import { type RunResult, calculate, explain, parseState, stateNdjson } from "../../src/index.js";

const { plan, month } = planFolder(import.meta.url);

const september = calculate(plan, month("2026-09", "2026-09-30"));
const october = calculate(plan, month("2026-10", "2026-10-31"), { state: parseState(stateNdjson(september) as string) });

/** A member's subtotal per bonus (only those with a line), and total. */
const pay = (r: RunResult, id: string) => {
  const s = r.statement(id);
  return [s?.bonuses, s?.total];
};
const accounting = (r: RunResult, key: string) => r.summary.bonuses.find((b) => b.key === key)?.accounting;
const stateLines = (r: RunResult) => (stateNdjson(r) as string).split("\n").slice(0, -1);

describe("leader-rewards: September, the plan's first month", () => {
  it("A: builder level 2 (200.00), 2 pool shares (60.00), Silver and Gold reached (50.00 + 200.00) = 510.00", () => {
    expect(pay(september, "A")).toEqual([{ builder: "200.00", "leadership-pool": "60.00", advancement: "250.00" }, "510.00"]);
    expect(september.statement("A")?.lines.filter((l) => l.bonus === "advancement").map((l) => [l.level, l.amount])).toEqual([
      [2, "50.00"],
      [3, "200.00"],
    ]);
  });

  it("B: builder level 1 (75.00), 1 share (30.00), Silver reached (50.00) = 155.00; C: builder 75.00; the others nothing; total 740.00", () => {
    expect(pay(september, "B")).toEqual([{ builder: "75.00", "leadership-pool": "30.00", advancement: "50.00" }, "155.00"]);
    expect(pay(september, "C")).toEqual([{ builder: "75.00" }, "75.00"]);
    for (const id of ["D", "E", "F", "G"]) expect(pay(september, id)).toEqual([{}, "0.00"]);
    expect(september.summary.total).toBe("740.00");
  });

  it("the pool: CV 3,000.50 × 3% = 90.015, a fund of 90.01 over 3 shares at 30.00; 0.01 carried", () => {
    expect(september.statement("A")?.lines.find((l) => l.bonus === "leadership-pool")).toMatchObject({ base: "2", rate: "30", amount: "60.00" });
    expect(accounting(september, "leadership-pool")).toEqual({ potential: "90.015", paid: "90.00", compressedUp: "0.00", carried: "0.01", breakage: { undistributed: "0.00", "below-unit": "0.005" } });
  });

  it("the closing state: the carried cent and the instalments paid", () => {
    const lines = stateLines(september);
    expect(lines[0]).toContain('"company":{"leadership-pool.carried":"0.01"}');
    expect(lines.slice(1)).toEqual([
      '{"advancement.paid.Gold":1,"advancement.paid.Silver":1,"id":"A","rank.highest":"Gold","rank.paidAs":"Gold","rank.periods":1}',
      '{"advancement.paid.Silver":1,"id":"B","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":1}',
      '{"id":"C","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":1}',
      '{"id":"D","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":1}',
    ]);
  });
});

describe("leader-rewards: October, from September's state", () => {
  it("A: builder level 1 only (75.00), 2 shares at 30.01 (60.02), second instalments (250.00) = 385.02", () => {
    expect(pay(october, "A")).toEqual([{ builder: "75.00", "leadership-pool": "60.02", advancement: "250.00" }, "385.02"]);
  });

  it("C: builder 75.00, 1 share (30.01), Silver reached (50.00) = 155.01; B nothing; total 540.03", () => {
    expect(pay(october, "C")).toEqual([{ builder: "75.00", "leadership-pool": "30.01", advancement: "50.00" }, "155.01"]);
    expect(pay(october, "B")).toEqual([{}, "0.00"]);
    expect(october.summary.total).toBe("540.03");
  });

  it("the pool: 3% of 3,000.70 + 0.01 carried = 90.031, a fund of 90.03 at 30.01 a share, nothing carried", () => {
    expect(accounting(october, "leadership-pool")).toEqual({ potential: "90.031", paid: "90.03", compressedUp: "0.00", carried: "0.00", breakage: { undistributed: "0.00", "below-unit": "0.001" } });
  });

  it("advancement: B's two remaining Silver instalments, 100.00, are forfeited", () => {
    expect(accounting(october, "advancement")).toEqual({ potential: "400.00", paid: "300.00", compressedUp: "0.00", breakage: { "member-unqualified": "0.00", "rank-lost": "100.00" } });
  });

  it("the closing state: nothing carried; A's instalments at 2, B's forfeited, C's first", () => {
    const lines = stateLines(october);
    expect(lines[0]).not.toContain('"company":{');
    expect(lines.slice(1)).toEqual([
      '{"advancement.paid.Gold":2,"advancement.paid.Silver":2,"id":"A","rank.highest":"Gold","rank.paidAs":"Gold","rank.periods":2}',
      '{"id":"B","rank.highest":"Silver","rank.paidAs":"Bronze","rank.periods":1}',
      '{"advancement.paid.Silver":1,"id":"C","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":1}',
      '{"id":"D","rank.highest":"Bronze"}',
    ]);
  });

  it("explain B: the pool needs Silver; the forfeited instalments; the builder level missed", () => {
    const why = Object.fromEntries(explain(october, "B").bonuses.map((b) => [b.key, b.notPaid.map((n) => n.message)]));
    expect(why).toEqual({
      builder: ["no level met: level 1 (75.00) needs personally sponsored members with PV ≥ 100: 1 of 2"],
      "leadership-pool": ["not paid: the pool needs Silver; you are paid as Bronze"],
      advancement: [
        "Silver is not held this period (paid as Bronze): its instalments 2 to 3, 100.00, are forfeited",
        "no rank above Silver, the highest held before, was reached this period; Gold, not reached yet, pays 600.00 the first period it is reached",
      ],
    });
  });
});
