// The rank-advancement bonus by example, at its rules' edges, over chains of periods. Every figure is worked
// by hand from docs/plan-language.md ("`rank-advancement`") and docs/state.md; none is read back from the
// engine.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type RunResult, calculate, explain, parsePlan, parseState, safeParsePlan, stateNdjson } from "../../index.js";

/**
 * A plan with PV, qualification at 50 PV, the ladder Bronze < Silver < Gold < Platinum (no member meets a
 * requirement of 1,000,000 PV: ranks come from the members' given ranks) and one advancement entry.
 */
const planText = (entry: string) => `
compplan: 1
id: advancement-edges
currency: USD
money: { scale: 2, rounding: { mode: half-up, applies: line } }
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
qualification:
  personal: { measure: PV, minimum: "50" }
ranks:
  - { name: Bronze, requires: { personal: { measure: PV, minimum: "1000000" } } }
  - { name: Silver, requires: { personal: { measure: PV, minimum: "1000000" } } }
  - { name: Gold, requires: { personal: { measure: PV, minimum: "1000000" } } }
  - { name: Platinum, requires: { personal: { measure: PV, minimum: "1000000" } } }
bonuses:
  - key: advancement
    kind: rank-advancement
${entry}
`;

/** The docs' entry: Silver 100.00, Gold 300.00, in 3 instalments. */
const DOCS = `    amounts: { Silver: "100.00", Gold: "300.00" }\n    instalments: 3`;

/** One member per [id, given rank, PV] (all under the root R, who has no rank and no order). */
type Row = [id: string, rank: string | null, pv: string];
const MONTHS = ["2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01"];

/** Runs `plan` over consecutive months from August 2026, one list of members per month, each from the last one's state. */
function chain(plan: string, months: Row[][], first?: { state?: string; from?: number }): RunResult[] {
  const p = parsePlan(plan);
  const out: RunResult[] = [];
  let state = first?.state;
  months.forEach((rows, k) => {
    const period = MONTHS[(first?.from ?? 0) + k] as string;
    const members: MemberInput[] = [{ id: "R", sponsorId: null, joinDate: "2024-01-01" }, ...rows.map(([id, rank]) => ({ id, sponsorId: "R", joinDate: "2024-01-01", ...(rank !== null ? { rank } : {}) }))];
    const orders: OrderInput[] = rows.flatMap(([id, , pv]) => (pv === "0" ? [] : [{ id: `o-${id}-${period}`, memberId: id, kind: "personal-consumption" as const, date: `${period}-03`, volumes: { PV: pv } }]));
    const run = calculate(p, { period, members, orders }, state === undefined ? {} : { state: parseState(state) });
    out.push(run);
    state = stateNdjson(run);
  });
  return out;
}
/** A member's advancement lines as [level (the rank's position), amount]. */
const lines = (r: RunResult | undefined, id: string) => (r?.statement(id)?.lines ?? []).filter((l) => l.bonus === "advancement").map((l) => [l.level, l.amount]);
const accounting = (r: RunResult | undefined) => r?.summary.bonuses[0]?.accounting;
/** The state row of member `id`, as text. */
const row = (r: RunResult | undefined, id: string) => (stateNdjson(r as RunResult) as string).split("\n").find((l) => l.includes(`"id":"${id}"`)) ?? "";
const reasons = (r: RunResult | undefined, id: string) => explain(r as RunResult, id).bonuses[0]?.notPaid.map((n) => [n.reason, n.message]);

describe("rank-advancement: the docs' example, Bronze before, Gold in September, Silver in November", () => {
  const months: Row[][] = [[["A", "Bronze", "100"]], [["A", "Gold", "100"]], [["A", "Gold", "100"]], [["A", "Silver", "100"]], [["A", "Gold", "100"]]];
  const runs = chain(planText(DOCS), months);
  const [aug, sep, oct, nov, dec] = runs;

  it("August: Bronze is reached, but has no amount", () => {
    expect(lines(aug, "A")).toEqual([]);
    expect(reasons(aug, "A")).toEqual([["rank-not-listed", "Bronze, reached this period, has no amount in this bonus"]]);
    expect(row(aug, "A")).toBe('{"id":"A","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":1}');
  });

  it("September: Silver and Gold reached at once: instalment 1 of each, 33.34 and 100.00", () => {
    expect(lines(sep, "A")).toEqual([[2, "33.34"], [3, "100.00"]]);
    expect(row(sep, "A")).toBe('{"advancement.paid.Gold":1,"advancement.paid.Silver":1,"id":"A","rank.highest":"Gold","rank.paidAs":"Gold","rank.periods":1}');
    expect(accounting(sep)).toEqual({ potential: "133.34", paid: "133.34", compressedUp: "0.00", breakage: { "member-unqualified": "0.00", "rank-lost": "0.00" } });
    expect(explain(sep as RunResult, "A").bonuses[0]?.lines.map((l) => l.explanation)).toEqual([
      "first reached Silver this period (paid as Gold; highest rank held before: Bronze): instalment 1 of 3 of Silver's 100.00",
      "first reached Gold this period (paid as Gold; highest rank held before: Bronze): instalment 1 of 3 of Gold's 300.00",
    ]);
  });

  it("October: the second instalments, 33.33 and 100.00", () => {
    expect(lines(oct, "A")).toEqual([[2, "33.33"], [3, "100.00"]]);
    expect(row(oct, "A")).toContain('{"advancement.paid.Gold":2,"advancement.paid.Silver":2,');
  });

  it("November: Silver's last instalment (33.33) completes it; Gold is not held: its third instalment, 100.00, is forfeited", () => {
    expect(lines(nov, "A")).toEqual([[2, "33.33"]]);
    expect(accounting(nov)).toEqual({ potential: "133.33", paid: "33.33", compressedUp: "0.00", breakage: { "member-unqualified": "0.00", "rank-lost": "100.00" } });
    expect(row(nov, "A")).toBe('{"id":"A","rank.highest":"Gold","rank.paidAs":"Silver","rank.periods":1}');
    expect(reasons(nov, "A")).toEqual([
      ["rank-lost", "Gold is not held this period (paid as Silver): its instalments 3 to 3, 100.00, are forfeited"],
      ["already-reached", "no rank above Gold, the highest held before, was reached this period"],
    ]);
  });

  it("December: Gold again is not a new advancement: nothing is paid", () => {
    expect(lines(dec, "A")).toEqual([]);
    expect(accounting(dec)).toMatchObject({ potential: "0.00" });
  });

  it("whenLost: pause keeps Gold's count at 2 through November and pays its 100.00 in December", () => {
    const paused = chain(planText(`${DOCS}\n    whenLost: pause`), months);
    expect(lines(paused[3], "A")).toEqual([[2, "33.33"]]);
    expect(accounting(paused[3])).toMatchObject({ breakage: { "rank-lost": "0.00" } });
    expect(row(paused[3], "A")).toContain('{"advancement.paid.Gold":2,"id":"A"');
    expect(reasons(paused[3], "A")?.[0]).toEqual(["paused", "Gold's instalment 3 of 3 waits for a period in which you are qualified and paid as Gold or higher"]);
    expect(lines(paused[4], "A")).toEqual([[3, "100.00"]]);
    expect(row(paused[4], "A")).not.toContain("advancement.paid");
  });
});

describe("rank-advancement: reaching ranks", () => {
  const amounts = `    amounts: { Silver: "100.00", Gold: "300.00", Platinum: "1000.00" }`;

  it("a member rising from no rank to Platinum in one period is paid every listed rank passed: 100 + 300 + 1,000", () => {
    const [sep] = chain(planText(amounts), [[["A", "Platinum", "100"]]], { from: 1 });
    expect(lines(sep, "A")).toEqual([[2, "100.00"], [3, "300.00"], [4, "1000.00"]]);
  });

  it("withoutState: skip pays nothing in a first period, and pays from the next one; pay (the default) pays all", () => {
    const skip = chain(planText(`${amounts}\n    withoutState: skip`), [[["A", "Silver", "100"]], [["A", "Gold", "100"], ["B", "Silver", "100"]]]);
    expect(lines(skip[0], "A")).toEqual([]);
    expect(reasons(skip[0], "A")).toEqual([["without-state", "no opening state: this period's paid-as ranks are taken as reached before (withoutState: skip)"]]);
    // The first run's closing state holds A's Silver: only Gold is new. B, absent from that state, reaches Silver.
    expect(lines(skip[1], "A")).toEqual([[3, "300.00"]]);
    expect(lines(skip[1], "B")).toEqual([[2, "100.00"]]);
    expect(lines(chain(planText(amounts), [[["A", "Silver", "100"]]])[0], "A")).toEqual([[2, "100.00"]]);
  });

  it("reached while unqualified: the whole amount is breakage and is never paid later, even when qualified at the rank", () => {
    const [sep, oct] = chain(planText(amounts), [[["A", "Silver", "49.9999"]], [["A", "Silver", "100"]]], { from: 1 });
    expect(lines(sep, "A")).toEqual([]);
    expect(accounting(sep)).toMatchObject({ potential: "100.00", paid: "0.00", breakage: { "member-unqualified": "100.00" } });
    expect(reasons(sep, "A")?.[0]?.[0]).toBe("member-unqualified");
    expect(lines(oct, "A")).toEqual([]);
    // requiresQualified: false pays the unqualified member.
    expect(lines(chain(planText(`${amounts}\n    requiresQualified: false`), [[["A", "Silver", "10"]]])[0], "A")).toEqual([[2, "100.00"]]);
  });

  it("a plan whose only stateful bonus has one instalment keeps state: the rank fields", () => {
    const [sep] = chain(planText(amounts), [[["A", "Silver", "100"]]]);
    expect((stateNdjson(sep as RunResult) as string).split("\n")[0]).toContain('"fields":[{"kind":"rank","name":"rank.highest"},{"kind":"rank","name":"rank.paidAs"},{"kind":"count","name":"rank.periods"}]');
  });
});

describe("rank-advancement: instalments", () => {
  it("0.02 in 3 instalments: 0.01, 0.01, then an instalment of 0 that makes no line but completes the count", () => {
    const runs = chain(planText(`    amounts: { Silver: "0.02" }\n    instalments: 3`), [[["A", "Silver", "100"]], [["A", "Silver", "100"]], [["A", "Silver", "100"]]]);
    expect(runs.map((r) => lines(r, "A"))).toEqual([[[2, "0.01"]], [[2, "0.01"]], []]);
    expect(row(runs[2], "A")).not.toContain("advancement.paid");
  });

  it("an opening count of N or more (a state of a plan with more instalments) has nothing outstanding", () => {
    // Two periods at 3 instalments leave Silver's count at 2; a third period under 2 instalments pays nothing.
    const two = chain(planText(`    amounts: { Silver: "90.00" }\n    instalments: 3`), [[["A", "Silver", "100"]], [["A", "Silver", "100"]]]);
    expect(row(two[1], "A")).toContain('"advancement.paid.Silver":2');
    const [third] = chain(planText(`    amounts: { Silver: "90.00" }\n    instalments: 2`), [[["A", "Silver", "100"]]], { state: stateNdjson(two[1] as RunResult) as string, from: 2 });
    expect(lines(third, "A")).toEqual([]);
    expect(row(third, "A")).not.toContain("advancement.paid");
  });

  it("forfeit when the rank is held but the member is unqualified: the rest is member-unqualified breakage", () => {
    const runs = chain(planText(`    amounts: { Silver: "90.00" }\n    instalments: 3`), [[["A", "Silver", "100"]], [["A", "Silver", "10"]]]);
    expect(lines(runs[0], "A")).toEqual([[2, "30.00"]]);
    expect(accounting(runs[1])).toMatchObject({ potential: "60.00", paid: "0.00", breakage: { "member-unqualified": "60.00", "rank-lost": "0.00" } });
    expect(reasons(runs[1], "A")?.[0]?.[0]).toBe("member-unqualified");
  });

  it("the instalment count of each rank is a state field of the plan, ordered by rank name", () => {
    const [sep] = chain(planText(DOCS), [[["A", "Gold", "100"]]]);
    const header = (stateNdjson(sep as RunResult) as string).split("\n")[0] as string;
    expect(header).toContain('{"kind":"count","name":"advancement.paid.Gold"},{"kind":"count","name":"advancement.paid.Silver"}');
  });
});

describe("rank-advancement: validation", () => {
  const codes = (entry: string) => {
    const r = safeParsePlan(planText(entry));
    return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")]);
  };
  it("ranks of the ladder, money places and size, at least one rank, 1 … 60 instalments", () => {
    expect(codes(`    amounts: { Gld: "1.00" }`)).toEqual([["PLAN_UNKNOWN_RANK", "bonuses.0.amounts.Gld"]]);
    expect(codes(`    amounts: { Gold: "1.001" }`)).toEqual([["PLAN_DECIMAL_PRECISION", "bonuses.0.amounts.Gold"]]);
    expect(codes(`    amounts: { Gold: "1000000000.01" }`)).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.amounts.Gold"]]);
    expect(codes(`    amounts: {}`)).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.amounts"]]);
    expect(codes(`    amounts: { Gold: "1" }\n    instalments: 0`)).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.instalments"]]);
    expect(codes(`    amounts: { Gold: "1" }\n    instalments: 61`)).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.instalments"]]);
  });
});
