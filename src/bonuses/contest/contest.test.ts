// Contests by example, at their rules' edges. Every figure is worked by hand from docs/plan-language.md
// ("`contest`") and docs/state.md; none is read back from the engine. Periods run in a chain: each from
// the previous one's closing state.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type RunResult, bonusReport, calculate, canonicalJson, explain, parsePlan, parseState, safeParsePlan, stateNdjson } from "../../index.js";

const TIERS = `
      - { name: Silver, points: "1000", award: { amount: "100.00" } }
      - { name: Gold, points: "3000", award: { name: "Weekend in Lisbon" } }`;

const planText = (entry = "", tiers = TIERS, top = "") => `
compplan: 1
id: contest-edges
currency: USD
money: { scale: 2, rounding: { mode: half-up, applies: line } }
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
qualification:
  personal: { measure: PV, minimum: "50" }
${top}bonuses:
  - key: spring
    kind: contest
    reference: "§9"
    window: { from: "2026-01", to: "2026-03" }
    points: [{ measure: PV }]
${entry}    tiers:${tiers}
`;

const members: MemberInput[] = [
  { id: "A", sponsorId: null, joinDate: "2024-01-01" },
  { id: "B", sponsorId: "A", joinDate: "2024-01-01" },
  { id: "C", sponsorId: "A", joinDate: "2024-01-01" },
];

/** Each period's PV per member (a period id → { member: PV }). */
type Volumes = Record<string, Record<string, string>>;
const DAY: Record<string, string> = { "2025-12": "2025-12-05", "2026-01": "2026-01-05", "2026-02": "2026-02-05", "2026-03": "2026-03-05", "2026-04": "2026-04-05" };

/** Runs the periods in a row, each from the last one's closing state (the first from none). */
function chain(plan: string, volumes: Volumes, first?: string): RunResult[] {
  const runs: RunResult[] = [];
  let state = first;
  for (const [period, pv] of Object.entries(volumes)) {
    const orders: OrderInput[] = Object.entries(pv).map(([id, v]) => ({ id: `${period}-${id}`, memberId: id, kind: "personal-consumption", date: DAY[period] ?? `${period}`, volumes: { PV: v } }));
    const run = calculate(parsePlan(plan), { period, members, orders }, state === undefined ? {} : { state: parseState(state) });
    runs.push(run);
    state = stateNdjson(run);
  }
  return runs;
}

/** The docs' example: A 400, 500, 300; B 1,000, 1,000, 1,100; C 1,500 in January only. */
const EXAMPLE: Volumes = {
  "2025-12": { A: "100" },
  "2026-01": { A: "400", B: "1000", C: "1500" },
  "2026-02": { A: "500", B: "1000" },
  "2026-03": { A: "300", B: "1100" },
  "2026-04": { A: "200" },
};
const rowsOf = (run: RunResult) => (stateNdjson(run) as string).split("\n").slice(1, -1);
const lines = (run: RunResult, id: string) => (run.statement(id)?.lines ?? []).filter((l) => l.bonus === "spring").map((l) => l.amount);

describe("contest: the docs' example over a chain of months", () => {
  const [dec, jan, feb, mar, apr] = chain(planText(), EXAMPLE) as [RunResult, RunResult, RunResult, RunResult, RunResult];

  it("before the window (December): no points, no state, status before", () => {
    expect(rowsOf(dec)).toEqual([]);
    expect(bonusReport(dec, "spring")).toMatchObject({ facts: { status: "before", membersWithPoints: 0 }, rows: [] });
  });

  it("January (the first period): points are the month's PV; the closing state carries them", () => {
    expect(rowsOf(jan)).toEqual(['{"id":"A","spring.points":"400"}', '{"id":"B","spring.points":"1000"}', '{"id":"C","spring.points":"1500"}']);
    expect([lines(jan, "B"), jan.statement("B")?.awards]).toEqual([[], undefined]);
  });

  it("February: the opening points plus February's (C ordered nothing and keeps 1,500)", () => {
    expect(rowsOf(feb)).toEqual(['{"id":"A","spring.points":"900"}', '{"id":"B","spring.points":"2000"}', '{"id":"C","spring.points":"1500"}']);
    const report = bonusReport(feb, "spring");
    expect(report.facts).toEqual({ status: "running", windowStart: "2026-01-01", windowEnd: "2026-03-31", membersWithPoints: 3, "tier:Silver": 2, "tier:Gold": 0, awarded: 0, awardedAmount: "0.00" });
    // Most points first: B 2,000, C 1,500, A 900.
    expect(report.rows.map((r) => [r.memberId, r.points, r.thisPeriod, r.tier, r.nextTier, r.toNextTier, r.qualified, r.awardAmount, r.awardName])).toEqual([
      ["B", "2000", "1000", "Silver", "Gold", "1000", true, null, null],
      ["C", "1500", "0", "Silver", "Gold", "1500", false, null, null],
      ["A", "900", "500", null, "Silver", "100", true, null, null],
    ]);
  });

  it("March (final): A 1,200 → Silver, a line of 100.00; B 3,100 → Gold, the trip without a line; C unqualified", () => {
    expect(lines(mar, "A")).toEqual(["100.00"]);
    expect(mar.statement("A")?.awards).toBeUndefined();
    expect(lines(mar, "B")).toEqual([]);
    expect(mar.statement("B")?.awards).toEqual([{ award: "Weekend in Lisbon", bonus: "spring", kind: "contest", reference: "§9" }]);
    expect(mar.statement("B")?.bonuses).toEqual({});
    expect(mar.statement("B")?.total).toBe("0.00");
    expect([lines(mar, "C"), mar.statement("C")?.awards]).toEqual([[], undefined]);
    // Potential A's 100.00 + C's 100.00 (B's Gold has no amount); C's is breakage.
    expect(mar.summary.bonuses[0]).toMatchObject({ amount: "100.00", lines: 1, recipients: 1, accounting: { potential: "200.00", paid: "100.00", compressedUp: "0.00", breakage: { "member-unqualified": "100.00" } } });
    // The contest is over: the closing state keeps no points.
    expect(rowsOf(mar)).toEqual([]);
  });

  it("the statement's bytes are its canonical JSON, with the awards first (they sort before bonuses)", () => {
    const bytes = [...mar.statementsJson()];
    expect(bytes).toEqual([...mar.statements()].map((s) => canonicalJson(s)));
    expect(bytes[1]).toMatch(/^\{"awards":\[\{"award":"Weekend in Lisbon","bonus":"spring","kind":"contest","reference":"§9"\}\],"bonuses":\{\},"lines":\[\],"memberId":"B"/);
  });

  it("the final report: who reached which tier and what they were given", () => {
    const report = bonusReport(mar, "spring");
    expect(report.facts).toMatchObject({ status: "final", "tier:Silver": 2, "tier:Gold": 1, awarded: 2, awardedAmount: "100.00" });
    expect(report.rows.map((r) => [r.memberId, r.points, r.tier, r.toNextTier, r.awardAmount, r.awardName])).toEqual([
      ["B", "3100", "Gold", null, null, "Weekend in Lisbon"],
      ["C", "1500", "Silver", "1500", null, null],
      ["A", "1200", "Silver", "1800", "100.00", null],
    ]);
  });

  it("after the window (April): nothing, status after", () => {
    expect([lines(apr, "A"), rowsOf(apr)]).toEqual([[], []]);
    expect(bonusReport(apr, "spring").facts.status).toBe("after");
  });

  it("explain: standing while the window is open, the award, the tier not reached, the unqualified member", () => {
    const why = (run: RunResult, id: string) => explain(run, id, { bonus: "spring" }).bonuses[0];
    expect(why(feb, "A")?.notPaid).toEqual([
      {
        reason: "window-open",
        message: "the awards are given in the contest's final period (the one holding 2026-03-31); so far 900 points (400 from earlier periods + 500 this period); Silver needs 1,000: 100 to go",
        volume: "100",
      },
    ]);
    const a = why(mar, "A");
    expect(a?.lines.map((l) => [l.amount, l.explanation])).toEqual([
      ["100.00", "the Silver award of 100.00: the contest runs from 2026-01-01 to 2026-03-31: 1,200 points (900 from earlier periods + 300 this period), Silver reached (1,000 needed)"],
    ]);
    expect(a?.notPaid).toEqual([{ reason: "next-tier", message: "Gold needed 3,000 points, 1,800 more", volume: "1800" }]);
    expect(why(mar, "B")?.awards).toEqual([{ award: "Weekend in Lisbon", explanation: "the Gold award: the contest runs from 2026-01-01 to 2026-03-31: 3,100 points (2,000 from earlier periods + 1,100 this period), Gold reached (3,000 needed)" }]);
    expect(why(mar, "C")?.notPaid.map((n) => [n.reason, n.forgone ?? null])).toEqual([["member-unqualified", "100.00"], ["next-tier", null]]);
    expect(why(apr, "A")?.notPaid.map((n) => n.message)).toEqual(["the contest runs from 2026-01-01 to 2026-03-31; this period (2026-04) is after it"]);
  });
});

describe("contest rules at their edges", () => {
  it("a chain starting inside the window without a state starts from 0; requiresQualified: false awards C", () => {
    const [, mar] = chain(planText("    requiresQualified: false\n"), { "2026-02": { A: "500", B: "1000" }, "2026-03": { A: "500", C: "0.0001" } }) as [RunResult, RunResult];
    // A: 500 + 500 = 1,000 reaches Silver exactly; B: 1,000 (February only) reaches Silver though it ordered nothing in March.
    expect([lines(mar, "A"), lines(mar, "B"), lines(mar, "C")]).toEqual([["100.00"], ["100.00"], []]);
  });

  it("just below a threshold reaches nothing: 999.9999 points", () => {
    const [mar] = chain(planText(), { "2026-03": { A: "999.9999" } }, undefined) as [RunResult];
    // March alone (no opening state): A's 999.9999 points are 0.0001 short of Silver.
    expect(lines(mar, "A")).toEqual([]);
    expect(explain(mar, "A", { bonus: "spring" }).bonuses[0]?.notPaid).toEqual([{ reason: "below-tier", message: "999.9999 points (0 from earlier periods + 999.9999 this period): Silver needs 1,000, 0.0001 more", volume: "0.0001" }]);
  });

  it("points on group volume with a weight, rounded down to 4 places", () => {
    const entry = "    points: [{ measure: PV, on: group, weight: \"0.5\" }]\n";
    const text = planText().replace("    points: [{ measure: PV }]\n", entry);
    const [jan] = chain(text, { "2026-01": { A: "100", B: "0.0003", C: "1999.9999" } }) as [RunResult];
    // B: 0.5 × 0.0003 = 0.00015 → 0.0001; C: 999.99995 → 999.9999; A: 0.5 × 2,100.0002 = 1,050.0001.
    expect(rowsOf(jan)).toEqual(['{"id":"A","spring.points":"1050.0001"}', '{"id":"B","spring.points":"0.0001"}', '{"id":"C","spring.points":"999.9999"}']);
  });

  it("a window of one period is its first and final period", () => {
    const text = planText().replace('window: { from: "2026-01", to: "2026-03" }', 'window: { from: "2026-02", to: "2026-02" }');
    const [jan, feb] = chain(text, { "2026-01": { A: "5000" }, "2026-02": { A: "1000" } }) as [RunResult, RunResult];
    expect([lines(jan, "A"), lines(feb, "A")]).toEqual([[], ["100.00"]]);
  });

  it("weekly runs over a month's window: a week overlapping it counts whole; the week holding its last day is final", () => {
    const text = planText().replace('window: { from: "2026-01", to: "2026-03" }', 'window: { from: "2026-01", to: "2026-01" }');
    const week = (period: string, date: string, pv: string) => ({ period, members, orders: [{ id: period, memberId: "A", kind: "personal-consumption" as const, date, volumes: { PV: pv } }] });
    const plan = parsePlan(text);
    // W01 runs 2025-12-29 .. 2026-01-04: it overlaps the window, so its 600 (ordered on 30 December) count.
    const w01 = calculate(plan, week("2026-W01", "2025-12-30", "600"));
    expect(rowsOf(w01)).toEqual(['{"id":"A","spring.points":"600"}']);
    // W05 runs 2026-01-26 .. 2026-02-01 and holds 31 January: the final week. 600 + 400 = 1,000: Silver.
    const w05 = calculate(plan, week("2026-W05", "2026-01-31", "400"), { state: parseState((stateNdjson(w01) as string).replace('"period":"2026-W01"', '"period":"2026-W04"')) });
    expect(lines(w05, "A")).toEqual(["100.00"]);
    expect(bonusReport(w05, "spring").facts.status).toBe("final");
  });

  it("the published tier is readable by a rank requirement (a title for the contest's qualifiers)", () => {
    const top = `ranks:\n  - name: Spring Star\n    requires: { columns: [{ column: spring.tier, minimum: "1" }] }\n`;
    const [jan] = chain(planText("", TIERS, top), { "2026-01": { A: "400", B: "1000" } }) as [RunResult];
    expect([jan.statement("A")?.rank.paidAs, jan.statement("B")?.rank.paidAs]).toEqual([null, "Spring Star"]);
  });
});

describe("validation", () => {
  const codes = (text: string) => {
    const r = safeParsePlan(text);
    return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")]);
  };
  const base = planText();
  it.each([
    ["a window end that is not a period", base.replace('to: "2026-03"', 'to: "2026-13"'), [["PLAN_INVALID_VALUE", "bonuses.0.window.to"]]],
    ["a window ending before it starts", base.replace('from: "2026-01", to: "2026-03"', 'from: "2026-03", to: "2026-01"'), [["PLAN_INVALID_VALUE", "bonuses.0.window.to"]]],
    ["an unknown measure", base.replace("points: [{ measure: PV }]", "points: [{ measure: CV }]"), [["PLAN_UNKNOWN_MEASURE", "bonuses.0.points.0.measure"]]],
    ["a weight of 0", base.replace("points: [{ measure: PV }]", 'points: [{ measure: PV, weight: "0" }]'), [["PLAN_VALUE_RANGE", "bonuses.0.points.0.weight"]]],
    ["thresholds not increasing", base.replace('points: "3000"', 'points: "1000"'), [["PLAN_INVALID_VALUE", "bonuses.0.tiers.1.points"]]],
    ["a threshold of 0", base.replace('points: "1000"', 'points: "0"'), [["PLAN_VALUE_RANGE", "bonuses.0.tiers.0.points"]]],
    ["a tier named twice", base.replace("name: Gold", "name: Silver"), [["PLAN_DUPLICATE_NAME", "bonuses.0.tiers.1.name"]]],
    ["an award with neither amount nor name", base.replace('award: { amount: "100.00" }', "award: {}"), [["PLAN_MISSING_KEY", "bonuses.0.tiers.0.award.amount"]]],
    ["an award of 0", base.replace('award: { amount: "100.00" }', 'award: { amount: "0" }'), [["PLAN_VALUE_RANGE", "bonuses.0.tiers.0.award.amount"]]],
    ["an award in tenths of a cent", base.replace('award: { amount: "100.00" }', 'award: { amount: "100.001" }'), [["PLAN_DECIMAL_PRECISION", "bonuses.0.tiers.0.award.amount"]]],
  ])("%s", (_, text, expected) => {
    expect(codes(text)).toEqual(expected);
  });
});
