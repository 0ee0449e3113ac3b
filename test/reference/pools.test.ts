/**
 * Tests of the reference `structure`, `pool` and `rank-advancement` families (test/reference/families/) on
 * small cases worked by hand from docs/plan-language.md (the examples of their sections and the rules'
 * edges; the arithmetic is written next to each expectation). Each case is also run by the fast engine,
 * which must write the same statements, summary and state bytes, period after period.
 */
import { describe, expect, it } from "vitest";
import { calculate, canonicalJson, parseState, stateNdjson } from "../../src/index.js";
import type { MemberInput, OrderInput } from "../../src/input/validate.js";
import { parsePlan } from "../../src/plan/parse.js";
import { type ReferenceResult, referenceCalculate } from "./engine.js";

let orderSeq = 0;
/** One personal-consumption order of the given volumes. */
function order(memberId: string, volumes: Record<string, string>, date: string): OrderInput {
  orderSeq += 1;
  return { id: `o${orderSeq}`, memberId, kind: "personal-consumption", date, volumes };
}

function member(id: string, sponsorId: string | null, rank?: string): MemberInput {
  return { id, sponsorId, joinDate: "2026-01-01", ...(rank !== undefined ? { rank } : {}) };
}

/** A ladder whose ranks nobody reaches by requirements: the members' given ranks (`givenRank: paid-as`) decide. */
function ladder(names: string[]) {
  return names.map((name) => ({ name, requires: { personal: { measure: "PV", minimum: "1000000" } } }));
}

function plan(bonus: Record<string, unknown>, shell: Record<string, unknown> = {}) {
  return parsePlan({
    compplan: 1,
    id: "pools-example",
    currency: "USD",
    payoutBasis: "PV",
    measures: { PV: { counts: ["personal-consumption"] }, CV: { counts: ["personal-consumption"] } },
    ...shell,
    bonuses: [bonus],
  });
}

/** Runs a chain of periods in both engines (each feeding its own closing state forward) and checks they agree. */
function chain(p: ReturnType<typeof plan>, periods: { period: string; members: MemberInput[]; orders: OrderInput[] }[]): ReferenceResult[] {
  let fastState: string | undefined;
  let refState: string | undefined;
  return periods.map((input) => {
    const fast = calculate(p, input, fastState === undefined ? {} : { state: parseState(fastState) });
    const ref = referenceCalculate(p, input, refState === undefined ? {} : { state: refState });
    expect(Array.from(fast.statements(), (s) => canonicalJson(s))).toStrictEqual(ref.statements.map((s) => canonicalJson(s)));
    expect(canonicalJson(fast.summary)).toBe(canonicalJson(ref.summary));
    fastState = stateNdjson(fast);
    refState = ref.state;
    expect(fastState).toBe(refState);
    return ref;
  });
}

/** Every member's subtotal of bonus `key` ("" for none). */
function pays(ref: ReferenceResult, key: string): Record<string, string> {
  return Object.fromEntries(ref.statements.map((s) => [s.memberId, s.bonuses[key] ?? ""]));
}

/** The state's line for a member, parsed ({} when the member has no line), and the header. */
function stateRow(ref: ReferenceResult, id: string): Record<string, unknown> {
  const line = (ref.state ?? "").split("\n").slice(1).find((l) => l.startsWith(`{"id":"${id}"`) || l.includes(`"id":"${id}"`));
  return line === undefined ? {} : (JSON.parse(line) as Record<string, unknown>);
}
function header(ref: ReferenceResult): Record<string, unknown> {
  return JSON.parse((ref.state ?? "").split("\n")[0] ?? "{}") as Record<string, unknown>;
}

describe("reference structure (docs example and edges)", () => {
  const builder = {
    key: "builder",
    kind: "structure",
    levels: [
      { amount: "50.00", personal: { measure: "PV", minimum: "100" }, sponsored: { count: 2, measure: "PV", minimum: "100" }, team: { measure: "PV", minimum: "400", depth: 1 } },
      { amount: "150.00", personal: { measure: "PV", minimum: "100" }, frontline: { count: 2 } },
    ],
  };

  it("pays the highest level met only: A 150.00 (level 2), B and C 50.00, D … I nothing", () => {
    // The section's example: qualification at 50 PV. A(100) ← B(150), C(100), D(100); B ← E(100), F(200);
    // C ← G(100), H(200); D ← I(40). B: own 150, E and F sponsored with 100, team 150 + 100 + 200 = 450:
    // level 1. C: team exactly 400: level 1. D: one sponsored member I has 40: none. A: level 1 (three
    // sponsored, team 450) and level 2 (own 100, B and C meet level 1): paid 150.00 only.
    const p = plan(builder, { qualification: { personal: { measure: "PV", minimum: "50" } } });
    const tree: [string, string | null, string][] = [["A", null, "100"], ["B", "A", "150"], ["C", "A", "100"], ["D", "A", "100"], ["E", "B", "100"], ["F", "B", "200"], ["G", "C", "100"], ["H", "C", "200"], ["I", "D", "40"]];
    const [ref] = chain(p, [{ period: "2026-10", members: tree.map(([id, s]) => member(id, s)), orders: tree.map(([id, , pv]) => order(id, { PV: pv }, "2026-10-05")) }]);
    if (ref === undefined) throw new Error("no run");
    expect(pays(ref, "builder")).toStrictEqual({ A: "150.00", B: "50.00", C: "50.00", D: "", E: "", F: "", G: "", H: "", I: "" });
    expect(ref.statements[0]?.lines).toStrictEqual([{ bonus: "builder", kind: "structure", level: 2, value: "150.00", amount: "150.00" }]);
    expect(ref.summary.bonuses[0]?.amount).toBe("250.00");
    expect(ref.summary.bonuses[0]?.accounting).toBeUndefined();
  });

  it("a highest level met with amount 0 pays nothing, and no lower level is paid instead", () => {
    // Level 1 (no requirement) 50.00; level 2 (own PV ≥ 100) 0. A (100 PV) meets both: ℓ = 2, amount 0:
    // nothing. B (99.9999 PV, below by the smallest unit) meets level 1 only: 50.00.
    const p = plan({ key: "builder", kind: "structure", levels: [{ amount: "50.00" }, { amount: "0", personal: { measure: "PV", minimum: "100" } }] });
    const [ref] = chain(p, [{ period: "2026-10", members: [member("A", null), member("B", "A")], orders: [order("A", { PV: "100" }, "2026-10-05"), order("B", { PV: "99.9999" }, "2026-10-05")] }]);
    if (ref === undefined) throw new Error("no run");
    expect(pays(ref, "builder")).toStrictEqual({ A: "", B: "50.00" });
  });

  it("frontline may name a level's own level: two first-level members who meet it themselves", () => {
    // Level 1: own PV ≥ 100 and frontline { count: 2, level: 1 }. C and D (leaves, 100 PV) have no
    // first-level members: not met. B (100 PV) sponsors C and D, neither meets level 1: not met. So nobody.
    // With E and F under C and G and H under D (all leaves): still nobody (leaves never meet it).
    const p = plan({ key: "builder", kind: "structure", levels: [{ amount: "10.00", personal: { measure: "PV", minimum: "100" }, frontline: { count: 2, level: 1 } }] });
    const [ref] = chain(p, [{ period: "2026-10", members: [member("B", null), member("C", "B"), member("D", "B")], orders: ["B", "C", "D"].map((id) => order(id, { PV: "100" }, "2026-10-05")) }]);
    if (ref === undefined) throw new Error("no run");
    expect(pays(ref, "builder")).toStrictEqual({ B: "", C: "", D: "" });
  });
});

describe("reference pool (docs example and edges)", () => {
  const ranks = { ranks: ladder(["Silver", "Gold", "Platinum"]), givenRank: "paid-as" };
  const leadership = { key: "leadership-pool", kind: "pool", fund: { share: "0.02", of: "CV" }, rank: "Gold", shares: { ranks: { Gold: 1, Platinum: 2, Diamond: 3 } }, remainder: "carry" };

  it("rounds the per-share value down, carries the remainder, and adds it to the next period's fund", () => {
    // The section's example (without Diamond, not in this ladder). September: CV 50,000.50, fund 2% =
    // 1,000.01; A Platinum (2 shares), B and C Gold (1 each), D Silver (below the pool's rank): S = 4, v =
    // 1,000.01 ÷ 4 = 250.0025 → 250.00; A 500.00, B and C 250.00; R = 1,000.01 − 1,000.00 = 0.01 carried.
    // October: CV 40,000.30, P = 800.006 + 0.01 = 800.016, F = 800.01 (0.006 below-unit); A (2) and B (1)
    // qualify (C is Silver now): v = 800.01 ÷ 3 = 266.67 exactly; A 533.34, B 266.67; nothing carried.
    const p = plan({ ...leadership, shares: { ranks: { Gold: 1, Platinum: 2 } } }, ranks);
    const people = (month: string, r: Record<string, string>) => ["A", "B", "C", "D"].map((id) => ({ ...member(id, id === "A" ? null : "A", r[id]) })).map((m) => ({ ...m, joinDate: `${month}-01` }));
    const [sep, oct] = chain(p, [
      { period: "2026-09", members: people("2026-09", { A: "Platinum", B: "Gold", C: "Gold", D: "Silver" }), orders: [order("A", { CV: "50000.5" }, "2026-09-10")] },
      { period: "2026-10", members: people("2026-09", { A: "Platinum", B: "Gold", C: "Silver", D: "Silver" }), orders: [order("A", { CV: "40000.3" }, "2026-10-10")] },
    ]);
    if (sep === undefined || oct === undefined) throw new Error("no run");
    expect(pays(sep, "leadership-pool")).toStrictEqual({ A: "500.00", B: "250.00", C: "250.00", D: "" });
    expect(sep.statements[0]?.lines).toStrictEqual([{ bonus: "leadership-pool", kind: "pool", base: "2", rate: "250", value: "500.00", amount: "500.00" }]);
    expect(sep.summary.bonuses[0]?.accounting).toStrictEqual({ potential: "1000.01", paid: "1000.00", compressedUp: "0.00", carried: "0.01", breakage: { undistributed: "0.00", "below-unit": "0.00" } });
    expect(header(sep).company).toStrictEqual({ "leadership-pool.carried": "0.01" });
    expect(pays(oct, "leadership-pool")).toStrictEqual({ A: "533.34", B: "266.67", C: "", D: "" });
    expect(oct.summary.bonuses[0]?.accounting).toStrictEqual({ potential: "800.016", paid: "800.01", compressedUp: "0.00", carried: "0.00", breakage: { undistributed: "0.00", "below-unit": "0.006" } });
    expect(header(oct).company).toBeUndefined();
  });

  it("a per-share value rounded up overpays: a negative remainder, breakage or carried", () => {
    // Fund 1.00 among 3 members, one share each: 1.00 ÷ 3 = 0.333… → up 0.34; paid 1.02; R = −0.02.
    const members = [member("A", null), member("B", "A"), member("C", "A")];
    for (const remainder of ["breakage", "carry"] as const) {
      const p = plan({ key: "pool", kind: "pool", fund: { amount: "1.00" }, shareRounding: "up", remainder });
      const [ref] = chain(p, [{ period: "2026-10", members, orders: [] }]);
      if (ref === undefined) throw new Error("no run");
      expect(pays(ref, "pool")).toStrictEqual({ A: "0.34", B: "0.34", C: "0.34" });
      const acc = ref.summary.bonuses[0]?.accounting;
      if (remainder === "breakage") expect(acc).toStrictEqual({ potential: "1.00", paid: "1.02", compressedUp: "0.00", breakage: { undistributed: "-0.02", "below-unit": "0.00" } });
      else {
        expect(acc).toStrictEqual({ potential: "1.00", paid: "1.02", compressedUp: "0.00", carried: "-0.02", breakage: { undistributed: "0.00", "below-unit": "0.00" } });
        expect(header(ref).company).toStrictEqual({ "pool.carried": "-0.02" });
      }
    }
  });

  it("points shares drop the rest of the volume; a fund smaller than the shares pays nothing and is carried whole", () => {
    // Shares per 100 PV: A 250 → 2, B 99.9999 → 0 (not a qualifier), C 100 → 1. S = 3. Fund 0.02: v = 0.02 ÷ 3
    // = 0.00666… → down 0.00: nothing distributed, R = F = 0.02 carried. Next period the fund is 0.02 + 0.02
    // = 0.04 among the same 3 shares: v = 0.01, A 0.02, C 0.01, R = 0.04 − 0.03 = 0.01 carried.
    const p = plan({ key: "pool", kind: "pool", fund: { amount: "0.02" }, shares: { measure: "PV", per: "100" }, remainder: "carry" });
    const members = [member("A", null), member("B", "A"), member("C", "A")];
    const orders = (d: string) => [order("A", { PV: "250" }, d), order("B", { PV: "99.9999" }, d), order("C", { PV: "100" }, d)];
    const [one, two] = chain(p, [
      { period: "2026-09", members, orders: orders("2026-09-03") },
      { period: "2026-10", members, orders: orders("2026-10-03") },
    ]);
    if (one === undefined || two === undefined) throw new Error("no run");
    expect(pays(one, "pool")).toStrictEqual({ A: "", B: "", C: "" });
    expect(one.summary.bonuses[0]?.accounting?.carried).toBe("0.02");
    expect(pays(two, "pool")).toStrictEqual({ A: "0.02", B: "", C: "0.01" });
    expect(two.summary.bonuses[0]?.accounting).toStrictEqual({ potential: "0.04", paid: "0.03", compressedUp: "0.00", carried: "0.01", breakage: { undistributed: "0.00", "below-unit": "0.00" } });
  });
});

describe("reference rank-advancement (docs example and edges)", () => {
  const shell = { ranks: ladder(["Bronze", "Silver", "Gold", "Platinum"]), givenRank: "paid-as" };
  const advancement = (extra: Record<string, unknown> = {}) => ({ key: "advancement", kind: "rank-advancement", amounts: { Silver: "100.00", Gold: "300.00" }, instalments: 3, ...extra });
  const month = (period: string, rank: string, more: MemberInput[] = []) => ({ period, members: [member("A", null, rank), ...more], orders: [] });

  it("a jump of two ranks pays each in instalments; a lost rank forfeits its rest (rank-lost)", () => {
    // The section's example. August (first run, withoutState: skip): A is Bronze, taken as reached before.
    // September: Gold, reaches Silver and Gold: 33.34 (level 2) and 100.00 (level 3); counts 1 and 1.
    // October: Gold: 33.33 and 100.00; counts 2 and 2. November: Silver: Silver's third, 33.33 (count 0);
    // Gold not held: its third, 100.00, is breakage rank-lost (count 0).
    const p = plan(advancement({ withoutState: "skip" }), shell);
    const [aug, sep, oct, nov] = chain(p, [month("2026-08", "Bronze"), month("2026-09", "Gold"), month("2026-10", "Gold"), month("2026-11", "Silver")]);
    if (aug === undefined || sep === undefined || oct === undefined || nov === undefined) throw new Error("no run");
    expect(pays(aug, "advancement")).toStrictEqual({ A: "" });
    expect(sep.statements[0]?.lines).toStrictEqual([
      { bonus: "advancement", kind: "rank-advancement", level: 2, value: "33.34", amount: "33.34" },
      { bonus: "advancement", kind: "rank-advancement", level: 3, value: "100.00", amount: "100.00" },
    ]);
    expect(stateRow(sep, "A")).toMatchObject({ "advancement.paid.Gold": 1, "advancement.paid.Silver": 1 });
    expect(pays(oct, "advancement")).toStrictEqual({ A: "133.33" });
    expect(stateRow(oct, "A")).toMatchObject({ "advancement.paid.Gold": 2, "advancement.paid.Silver": 2 });
    expect(pays(nov, "advancement")).toStrictEqual({ A: "33.33" });
    expect(nov.summary.bonuses[0]?.accounting).toStrictEqual({ potential: "133.33", paid: "33.33", compressedUp: "0.00", breakage: { "member-unqualified": "0.00", "rank-lost": "100.00" } });
    expect(stateRow(nov, "A")["advancement.paid.Gold"]).toBeUndefined();
  });

  it("whenLost: pause keeps the count and pays the next instalment when the rank is held again", () => {
    // As above under pause: November (Silver) Gold's count stays 2 and nothing is broken; December (Gold
    // again) its third instalment, 100.00, is paid (count 0).
    const p = plan(advancement({ withoutState: "skip", whenLost: "pause" }), shell);
    const runs = chain(p, [month("2026-08", "Bronze"), month("2026-09", "Gold"), month("2026-10", "Gold"), month("2026-11", "Silver"), month("2026-12", "Gold")]);
    const [nov, dec] = runs.slice(3);
    if (nov === undefined || dec === undefined) throw new Error("no run");
    expect(nov.summary.bonuses[0]?.accounting?.breakage).toStrictEqual({ "member-unqualified": "0.00", "rank-lost": "0.00" });
    expect(stateRow(nov, "A")["advancement.paid.Gold"]).toBe(2);
    expect(dec.statements[0]?.lines).toStrictEqual([{ bonus: "advancement", kind: "rank-advancement", level: 3, value: "100.00", amount: "100.00" }]);
    expect(stateRow(dec, "A")["advancement.paid.Gold"]).toBeUndefined();
  });

  it("without an opening state, pay reaches every rank up to the paid-as rank; an unqualified member's amount is breakage", () => {
    // withoutState: pay (default), one instalment: A Gold reaches Silver and Gold: 100.00 + 300.00. B (Gold,
    // suspended, so unqualified) reaches both too: 400.00 member-unqualified, never paid later.
    const p = plan({ key: "advancement", kind: "rank-advancement", amounts: { Silver: "100.00", Gold: "300.00" } }, shell);
    const b = { ...member("B", "A", "Gold"), status: "suspended" as const };
    const [first, second] = chain(p, [month("2026-09", "Gold", [b]), month("2026-10", "Gold", [{ ...b, status: "enrolled" }])]);
    if (first === undefined || second === undefined) throw new Error("no run");
    expect(pays(first, "advancement")).toStrictEqual({ A: "400.00", B: "" });
    expect(first.summary.bonuses[0]?.accounting).toStrictEqual({ potential: "800.00", paid: "400.00", compressedUp: "0.00", breakage: { "member-unqualified": "400.00", "rank-lost": "0.00" } });
    expect(pays(second, "advancement")).toStrictEqual({ A: "", B: "" });
  });

  it("an amount of fewer units than instalments: instalments of 0 make no line but count as paid", () => {
    // Silver 0.02 in 3: 0.01, 0.01, 0.00. September 0.01 (count 1), October 0.01 (count 2), November the
    // 0.00 instalment: no line, count 0 (complete).
    const p = plan({ key: "advancement", kind: "rank-advancement", amounts: { Silver: "0.02" }, instalments: 3 }, shell);
    const [sep, oct, nov] = chain(p, [month("2026-09", "Silver"), month("2026-10", "Silver"), month("2026-11", "Silver")]);
    if (sep === undefined || oct === undefined || nov === undefined) throw new Error("no run");
    expect([pays(sep, "advancement"), pays(oct, "advancement"), pays(nov, "advancement")]).toStrictEqual([{ A: "0.01" }, { A: "0.01" }, { A: "" }]);
    expect(stateRow(oct, "A")["advancement.paid.Silver"]).toBe(2);
    expect(stateRow(nov, "A")["advancement.paid.Silver"]).toBeUndefined();
  });
});
