// The pool by example, at its rules' edges. Every figure is worked by hand from docs/plan-language.md
// ("`pool`"); none is read back from the engine.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type RunResult, calculate, explain, parsePlan, parseState, safeParsePlan, stateNdjson } from "../../index.js";

/**
 * A plan with PV and CV, qualification at 50 PV, the ladder Silver < Gold < Platinum (no member meets a
 * requirement of 1,000,000 PV: ranks come from the members' given ranks) and one pool entry (indented 4).
 */
const planText = (entry: string) => `
compplan: 1
id: pool-edges
currency: USD
money: { scale: 2, rounding: { mode: half-up, applies: line } }
payoutBasis: CV
measures:
  PV: { counts: [personal-consumption] }
  CV: { counts: [personal-consumption] }
qualification:
  personal: { measure: PV, minimum: "50" }
ranks:
  - { name: Silver, requires: { personal: { measure: PV, minimum: "1000000" } } }
  - { name: Gold, requires: { personal: { measure: PV, minimum: "1000000" } } }
  - { name: Platinum, requires: { personal: { measure: PV, minimum: "1000000" } } }
bonuses:
  - key: pool
    kind: pool
${entry}
`;

/** The docs' entry: 2% of company CV, Gold and up, shares Gold 1 / Platinum 2, truncated, carried. */
const DOCS = `    fund: { share: "0.02", of: CV }
    rank: Gold
    shares: { ranks: { Gold: 1, Platinum: 2 } }
    remainder: carry`;

type Row = [id: string, sponsor: string | null, rank: string | null, pv: string, cv?: string];
function run(plan: string, tree: Row[], period = "2026-10", state?: string): RunResult {
  const members: MemberInput[] = tree.map(([id, sponsorId, rank]) => ({ id, sponsorId, joinDate: "2024-01-01", ...(rank !== null ? { rank } : {}) }));
  const orders: OrderInput[] = tree.flatMap(([id, , , pv, cv]) =>
    pv === "0" && (cv ?? "0") === "0" ? [] : [{ id: `o-${id}`, memberId: id, kind: "personal-consumption" as const, date: `${period}-02`, volumes: { PV: pv, CV: cv ?? pv } }],
  );
  return calculate(parsePlan(plan), { period, members, orders }, state === undefined ? {} : { state: parseState(state) });
}
/** A member's pool lines as [base (shares), rate (per-share value), amount]. */
const lines = (r: RunResult, id: string) => (r.statement(id)?.lines ?? []).filter((l) => l.bonus === "pool").map((l) => [l.base, l.rate, l.amount]);
const accounting = (r: RunResult) => r.summary.bonuses[0]?.accounting;
const reasons = (r: RunResult, id: string) => explain(r, id).bonuses[0]?.notPaid.map((n) => [n.reason, n.message]);

describe("pool: the docs' example over two periods, the remainder carried", () => {
  // September: company CV 20,000.50 + 10,000 × 3 = 50,000.50; A Platinum, B and C Gold, D Silver.
  const september = run(
    planText(DOCS),
    [["A", null, "Platinum", "100", "20000.5"], ["B", "A", "Gold", "100", "10000"], ["C", "A", "Gold", "100", "10000"], ["D", "A", "Silver", "100", "10000"]],
    "2026-09",
  );
  const state = stateNdjson(september) as string;
  // October: company CV 40,000.30; C is paid as Silver now.
  const october = run(
    planText(DOCS),
    [["A", null, "Platinum", "100", "20000.3"], ["B", "A", "Gold", "100", "10000"], ["C", "A", "Silver", "100", "10000"], ["D", "A", "Silver", "100", "0"]],
    "2026-10",
    state,
  );

  it("September: fund 2% × 50,000.50 = 1,000.01 over 4 shares = 250.0025, truncated to 250.00; 0.01 carried", () => {
    expect(lines(september, "A")).toEqual([["2", "250", "500.00"]]);
    expect(lines(september, "B")).toEqual([["1", "250", "250.00"]]);
    expect(lines(september, "C")).toEqual([["1", "250", "250.00"]]);
    expect(lines(september, "D")).toEqual([]);
    expect(accounting(september)).toEqual({ potential: "1000.01", paid: "1000.00", compressedUp: "0.00", carried: "0.01", breakage: { undistributed: "0.00", "below-unit": "0.00" } });
    expect(state.split("\n")[0]).toContain('"company":{"pool.carried":"0.01"}');
    expect(state.split("\n")[0]).toContain('{"kind":"money","name":"pool.carried","scope":"company"}');
  });

  it("October: 2% × 40,000.30 = 800.006, plus 0.01 carried = 800.016: fund 800.01 (0.006 below a unit), 3 shares at 266.67, nothing carried", () => {
    expect(lines(october, "A")).toEqual([["2", "266.67", "533.34"]]);
    expect(lines(october, "B")).toEqual([["1", "266.67", "266.67"]]);
    expect(lines(october, "C")).toEqual([]);
    expect(accounting(october)).toEqual({ potential: "800.016", paid: "800.01", compressedUp: "0.00", carried: "0.00", breakage: { undistributed: "0.00", "below-unit": "0.006" } });
    expect((stateNdjson(october) as string).split("\n")[0]).not.toContain('"company":{');
  });

  it("explain: the line's arithmetic, and C's and D's reasons", () => {
    expect(explain(september, "A").bonuses[0]?.lines[0]?.explanation).toBe(
      "2 shares × 250.00 a share: the fund 1,000.01 (0.02 of the company's CV 50,000.5 + 0.00 carried from the last period, in whole units) over 4 shares of 3 qualifiers, rounded down to 250.00 a share (0.01 carried to the next period)",
    );
    expect(reasons(october, "C")).toEqual([["rank-below", "not paid: the pool needs Gold; you are paid as Silver"]]);
    expect(reasons(september, "D")).toEqual([["rank-below", "not paid: the pool needs Gold; you are paid as Silver"]]);
  });
});

describe("pool: per-share rounding and the remainder", () => {
  // A fixed 100.00 among 6 members with one share each: 16.6666… a share.
  const six: Row[] = [["A", null, null, "50"], ...["B", "C", "D", "E", "F"].map((id): Row => [id, "A", null, "50"])];
  const fixed = (extra: string) => planText(`    fund: { amount: "100.00" }\n${extra}`);

  it("down (the default): 16.66 a share, 99.96 paid, 0.04 undistributed breakage", () => {
    const r = run(fixed(""), six);
    expect(lines(r, "A")).toEqual([["1", "16.66", "16.66"]]);
    expect(accounting(r)).toEqual({ potential: "100.00", paid: "99.96", compressedUp: "0.00", breakage: { undistributed: "0.04", "below-unit": "0.00" } });
    expect(stateNdjson(r)).toBeUndefined();
  });

  it("half-up: 16.67 a share pays 100.02, 0.02 more than the fund: the undistributed breakage is -0.02", () => {
    const r = run(fixed("    shareRounding: half-up\n"), six);
    expect(lines(r, "F")).toEqual([["1", "16.67", "16.67"]]);
    expect(accounting(r)).toMatchObject({ paid: "100.02", breakage: { undistributed: "-0.02", "below-unit": "0.00" } });
  });

  it("a negative remainder carried makes the next fund smaller: 100.00 − 0.02 = 99.98, 16.6633… rounds half-up to 16.66, 0.02 carried", () => {
    const plan = fixed("    shareRounding: half-up\n    remainder: carry\n");
    const first = run(plan, six, "2026-09");
    expect(accounting(first)).toMatchObject({ carried: "-0.02", breakage: { undistributed: "0.00" } });
    const second = run(plan, six, "2026-10", stateNdjson(first) as string);
    expect(lines(second, "A")).toEqual([["1", "16.66", "16.66"]]);
    expect(accounting(second)).toEqual({ potential: "99.98", paid: "99.96", compressedUp: "0.00", carried: "0.02", breakage: { undistributed: "0.00", "below-unit": "0.00" } });
  });

  it("nobody qualifies: the whole fund is undistributed, or carried whole", () => {
    const nobody: Row[] = [["A", null, null, "10"]];
    expect(accounting(run(fixed(""), nobody))).toMatchObject({ paid: "0.00", breakage: { undistributed: "100.00" } });
    expect(accounting(run(fixed("    remainder: carry\n"), nobody))).toMatchObject({ paid: "0.00", carried: "100.00" });
    expect(reasons(run(fixed(""), nobody), "A")).toEqual([["member-unqualified", "not paid: the pool is shared by qualified members only"]]);
  });

  it("a fund below one unit a share distributes nothing: 0.05 among 6 is 0.0083 a share, truncated to 0", () => {
    const r = run(planText(`    fund: { amount: "0.05" }`), six);
    expect(r.summary.bonuses[0]?.lines).toBe(0);
    expect(accounting(r)).toMatchObject({ paid: "0.00", breakage: { undistributed: "0.05" } });
    expect(reasons(r, "B")?.[0]?.[0]).toBe("nothing-distributed");
  });

  it("below a unit: 2% of 123.4567 CV = 2.469134, a fund of 2.46; 0.009134 is breakage below-unit", () => {
    const r = run(planText(`    fund: { share: "0.02", of: CV }`), [["A", null, null, "50", "123.4567"]]);
    expect(lines(r, "A")).toEqual([["1", "2.46", "2.46"]]);
    expect(accounting(r)).toEqual({ potential: "2.469134", paid: "2.46", compressedUp: "0.00", breakage: { undistributed: "0.00", "below-unit": "0.009134" } });
  });
});

describe("pool: shares and qualifiers", () => {
  it("by rank: a rank not listed takes the highest listed rank below it; a rank below every listed one has no share", () => {
    // Shares Silver 1, Platinum 3: Gold takes Silver's 1. Fund 50.00 over 1 + 1 + 3 = 5 shares: 10.00 each.
    const r = run(planText(`    fund: { amount: "50.00" }\n    shares: { ranks: { Silver: 1, Platinum: 3 } }`), [
      ["A", null, "Platinum", "50"],
      ["B", "A", "Gold", "50"],
      ["C", "A", "Silver", "50"],
      ["D", "A", null, "50"],
    ]);
    expect([lines(r, "A"), lines(r, "B"), lines(r, "C"), lines(r, "D")]).toEqual([[["3", "10", "30.00"]], [["1", "10", "10.00"]], [["1", "10", "10.00"]], []]);
    expect(reasons(r, "D")).toEqual([["no-shares", "not paid: you have no paid-as rank, so no shares in this pool"]]);
  });

  it("the pool's rank: paid as exactly Gold shares, Silver does not; requiresQualified false lets an unqualified Gold share", () => {
    const entry = (q: string) => planText(`    fund: { amount: "10.00" }\n    rank: Gold\n    requiresQualified: ${q}`);
    const tree: Row[] = [["A", null, "Gold", "50"], ["B", "A", "Silver", "50"], ["C", "A", "Gold", "49.9999"]];
    const strict = run(entry("true"), tree);
    expect([lines(strict, "A"), lines(strict, "B"), lines(strict, "C")]).toEqual([[["1", "10", "10.00"]], [], []]);
    const loose = run(entry("false"), tree);
    expect([lines(loose, "A"), lines(loose, "C")]).toEqual([[["1", "5", "5.00"]], [["1", "5", "5.00"]]]);
  });

  it("points: one share per whole 100 PV (250 is 2, 100 is 1, 99.9999 is none); group volume with on: group", () => {
    const tree: Row[] = [["A", null, null, "250"], ["B", "A", null, "100"], ["C", "A", null, "99.9999"]];
    const r = run(planText(`    fund: { amount: "30.00" }\n    shares: { measure: PV, per: "100" }`), tree);
    expect([lines(r, "A"), lines(r, "B"), lines(r, "C")]).toEqual([[["2", "10", "20.00"]], [["1", "10", "10.00"]], []]);
    expect(reasons(r, "C")).toEqual([["no-shares", "not paid: your personal PV 99.9999 is below one share's 100"]]);
    // A's group is 449.9999: 4 shares; B 1, C none: 5 shares at 6.00.
    const g = run(planText(`    fund: { amount: "30.00" }\n    shares: { measure: PV, on: group, per: "100" }`), tree);
    expect([lines(g, "A"), lines(g, "B")]).toEqual([[["4", "6", "24.00"]], [["1", "6", "6.00"]]]);
  });
});

describe("pool: validation", () => {
  const codes = (entry: string) => {
    const r = safeParsePlan(planText(entry));
    return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")]);
  };
  it("a fund is a share of a measure or an amount; shares by rank or by volume; per at least 1; names; limits", () => {
    expect(codes(`    fund: { share: "0.02", of: CV, amount: "1.00" }`)).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.fund"]]);
    expect(codes(`    fund: { share: "0.02" }`)).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.fund"]]);
    expect(codes(`    fund: { share: "0.02", of: XV }`)).toEqual([["PLAN_UNKNOWN_MEASURE", "bonuses.0.fund.of"]]);
    expect(codes(`    fund: { amount: "1000000000.01" }`)).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.fund.amount"]]);
    expect(codes(`    fund: { amount: "1.001" }`)).toEqual([["PLAN_DECIMAL_PRECISION", "bonuses.0.fund.amount"]]);
    expect(codes(`    fund: { amount: "1" }\n    rank: Gld`)).toEqual([["PLAN_UNKNOWN_RANK", "bonuses.0.rank"]]);
    expect(codes(`    fund: { amount: "1" }\n    shares: { ranks: { Gold: 1 }, measure: PV }`)).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.shares"]]);
    expect(codes(`    fund: { amount: "1" }\n    shares: { ranks: { Gold: 1 }, per: "2" }`)).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.shares"]]);
    expect(codes(`    fund: { amount: "1" }\n    shares: { measure: PV, per: "0.5" }`)).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.shares.per"]]);
    expect(codes(`    fund: { amount: "1" }\n    shares: { ranks: { Gold: 0 } }`)).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.shares.ranks.Gold"]]);
    expect(codes(`    fund: { amount: "1" }\n    shareRounding: nearest`)).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.shareRounding"]]);
  });
});
