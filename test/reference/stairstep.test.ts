/**
 * Tests of the reference `stairstep` family (test/reference/families/stairstep.ts) on small cases whose
 * numbers are worked by hand from docs/plan-language.md "`stairstep`: a rate from a schedule of steps,
 * differential and breakaway" (the arithmetic is written next to each expectation), each at a rule's
 * boundary. Each case is also run by the fast engine, which must write the same bytes (a differential test on
 * the boundaries, beside the random one).
 */
import { describe, expect, it } from "vitest";
import { calculate, canonicalJson, safeCalculate } from "../../src/index.js";
import type { MemberInput, OrderInput } from "../../src/input/validate.js";
import { parsePlan } from "../../src/plan/parse.js";
import { type ReferenceStatement, type ReferenceSummaryBonus, referenceCalculate } from "./engine.js";

const PERIOD = "2026-10";
const KEY = "performance";

function member(id: string, sponsorId: string | null, rank?: string): MemberInput {
  return { id, sponsorId, joinDate: "2026-01-01", ...(rank !== undefined ? { rank } : {}) };
}

let orderSeq = 0;
/** One personal-consumption order of `pv` PV and (default: the same) `bv` BV. */
function order(memberId: string, pv: string, bv = pv): OrderInput {
  orderSeq += 1;
  return { id: `o${orderSeq}`, memberId, kind: "personal-consumption", date: "2026-10-15", volumes: { PV: pv, BV: bv } };
}

/** A plan with PV and BV (both counting personal consumption) and one stairstep entry `performance`. */
function stairPlan(entry: Record<string, unknown>, shell: Record<string, unknown> = {}) {
  return parsePlan({
    compplan: 1,
    id: "stairstep-example",
    currency: "USD",
    payoutBasis: "PV",
    measures: { PV: { counts: ["personal-consumption"] }, BV: { counts: ["personal-consumption"] } },
    ...shell,
    bonuses: [{ key: KEY, kind: "stairstep", ...entry }],
  });
}

function run(plan: ReturnType<typeof stairPlan>, members: MemberInput[], orders: OrderInput[]) {
  const input = { period: PERIOD, members, orders };
  const ref = referenceCalculate(plan, input);
  const fast = calculate(plan, input);
  expect(Array.from(fast.statements(), (s) => canonicalJson(s))).toStrictEqual(ref.statements.map((s) => canonicalJson(s)));
  expect(canonicalJson(fast.summary)).toBe(canonicalJson(ref.summary));
  return ref;
}

function byId(statements: readonly ReferenceStatement[], id: string): ReferenceStatement {
  const s = statements.find((x) => x.memberId === id);
  if (s === undefined) throw new Error(`no statement for ${id}`);
  return s;
}

/** Every member's stairstep subtotal ("" for none). */
function pays(statements: readonly ReferenceStatement[]): Record<string, string> {
  return Object.fromEntries(statements.map((s) => [s.memberId, s.bonuses[KEY] ?? ""]));
}

/** A stairstep line as the statement shows it (money scale 2, rounded per line). */
function line(source: string | undefined, level: number, base: string, rate: string, value: string, sources = 1, amount = value) {
  return { bonus: KEY, kind: "stairstep", level, sources, ...(source !== undefined ? { source } : {}), base, rate, value, amount };
}

/** Steps by volume, written "minimum rate, minimum rate, …" lowest first. */
function byVolume(steps: string): { minimum: string; rate: string }[] {
  return steps.split(", ").map((step) => {
    const [minimum, rate] = step.split(" ") as [string, string];
    return { minimum, rate };
  });
}

function accounting(bonus: ReferenceSummaryBonus | undefined) {
  return bonus?.accounting;
}

/** A stairstep bonus's summary accounting, exact values at scale 2 ("with compressedUp 0"). */
function books(potential: string, paid: string, withheld: string, memberUnqualified = "0.00", overrideUnqualified = "0.00") {
  return { potential, paid, compressedUp: "0.00", withheld, breakage: { "member-unqualified": memberUnqualified, "override-unqualified": overrideUnqualified } };
}

/** Ranks Bronze < Silver < Gold, none reachable by volume: the members input gives them ("Given ranks"). */
const GIVEN_LADDER = {
  ranks: [
    { name: "Bronze", requires: { personal: { measure: "PV", minimum: "1000000" } } },
    { name: "Silver", requires: { personal: { measure: "PV", minimum: "2000000" } } },
    { name: "Gold", requires: { personal: { measure: "PV", minimum: "3000000" } } },
  ],
};

/** Steps by rank: Bronze 5%, Gold 10% (Silver takes the Bronze step). */
const BRONZE_GOLD = [
  { rank: "Bronze", rate: "0.05" },
  { rank: "Gold", rate: "0.10" },
];

const AMWAY_STEPS = byVolume("300 0.06, 1000 0.09, 2000 0.12, 4000 0.15, 10000 0.21");

describe("the published numbers: YOU and 4 sponsored members, each 300 PV / 18,000 BV", () => {
  // Group PV of YOU = 5 × 300 = 1500 → step 2 (1000 ≤ 1500 < 2000): 9%; each downline 300 → step 1: 6%.
  const members = [member("YOU", null), member("A", "YOU"), member("B", "YOU"), member("C", "YOU"), member("D", "YOU")];
  const orders = ["YOU", "A", "B", "C", "D"].map((id) => order(id, "300", "18000"));
  const entry = { volume: "PV", measure: "BV", steps: AMWAY_STEPS };
  /** One line of YOU's for each of the legs A, B, C and D. */
  const legLines = (base: string, rate: string, value: string) => ["A", "B", "C", "D"].map((leg) => line(leg, 0, base, rate, value));

  it("differential: YOU 9% × 18,000 + 4 × (9% − 6%) × 18,000 = 1620 + 2160 = 3780; each downline 6% × 18,000 = 1080", () => {
    const { statements, summary } = run(stairPlan(entry), members, orders);
    expect(pays(statements)).toStrictEqual({ A: "1080.00", B: "1080.00", C: "1080.00", D: "1080.00", YOU: "3780.00" });
    expect(byId(statements, "YOU").lines).toStrictEqual([...legLines("18000", "0.03", "540.00"), line("YOU", 0, "18000", "0.09", "1620.00")]);
    expect(byId(statements, "A").lines).toStrictEqual([line("A", 0, "18000", "0.06", "1080.00")]);
    // potential = YOU 9% × 90,000 + 4 × 6% × 18,000 = 8100 + 4320 = 12,420; paid = 3780 + 4320 = 8100;
    // withheld = YOU's: 72,000 × min(9%, 6%) = 4320. 8100 + 4320 + 0 = 12,420.
    expect(accounting(summary.bonuses[0])).toStrictEqual(books("12420.00", "8100.00", "4320.00"));
    expect(summary.bonuses[0]?.amount).toBe("8100.00");
  });

  it("deduct agrees: YOU 9% × 90,000 − 4 × 6% × 18,000 = 8100 − 4320 = 3780", () => {
    const { statements, summary } = run(stairPlan({ ...entry, method: "deduct" }), members, orders);
    expect(pays(statements)).toStrictEqual({ A: "1080.00", B: "1080.00", C: "1080.00", D: "1080.00", YOU: "3780.00" });
    expect(byId(statements, "YOU").lines).toStrictEqual([...legLines("18000", "-0.06", "-1080.00"), line("YOU", 0, "90000", "0.09", "8100.00")]);
    // The same accounting: the withheld part is the deduction, 4 × 1080 = 4320.
    expect(accounting(summary.bonuses[0])).toStrictEqual(books("12420.00", "8100.00", "4320.00"));
  });

  it("per-member lines merge YOU's four 3% lines into one of 72,000 without a source (lines made by rate, lowest first)", () => {
    const { statements } = run(stairPlan({ ...entry, lines: "per-member" }), members, orders);
    expect(byId(statements, "YOU").lines).toStrictEqual([line(undefined, 0, "72000", "0.03", "2160.00", 4), line("YOU", 0, "18000", "0.09", "1620.00")]);
  });

  it("method personal pays own BV only: YOU 9% × 18,000 = 1620; group pays the whole group: YOU 9% × 90,000 = 8100", () => {
    expect(pays(run(stairPlan({ ...entry, method: "personal" }), members, orders).statements).YOU).toBe("1620.00");
    const group = run(stairPlan({ ...entry, method: "group" }), members, orders);
    expect(pays(group.statements)).toStrictEqual({ A: "1080.00", B: "1080.00", C: "1080.00", D: "1080.00", YOU: "8100.00" });
    expect(byId(group.statements, "YOU").lines).toStrictEqual([line("YOU", 0, "90000", "0.09", "8100.00")]);
    // Nothing withheld: potential = paid = 8100 + 4320.
    expect(accounting(group.summary.bonuses[0])?.withheld).toBe("0.00");
    expect(accounting(group.summary.bonuses[0])?.potential).toBe("12420.00");
  });
});

describe("steps by volume at their edges", () => {
  const steps = byVolume("100 0.05, 200 0.10");
  const members = [member("A", null), member("X", "A")];

  it("bracket volume exactly at a minimum reaches the step: B(A) = 100 + 100 = 200 → 10%, B(X) = 100 → 5%", () => {
    const { statements } = run(stairPlan({ volume: "PV", steps }), members, [order("A", "100"), order("X", "100")]);
    // A: 100 × 10% + 100 × (10% − 5%) = 10 + 5 = 15; X: 100 × 5% = 5.
    expect(pays(statements)).toStrictEqual({ A: "15.00", X: "5.00" });
  });

  it("one whole unit below: B(A) = 199 → 5%, B(X) = 99 → no step; A takes 5% of X's volume", () => {
    const { statements } = run(stairPlan({ volume: "PV", steps }), members, [order("A", "100"), order("X", "99")]);
    // A: 100 × 5% + 99 × (5% − 0) = 5 + 4.95 = 9.95; X: nothing.
    expect(pays(statements)).toStrictEqual({ A: "9.95", X: "" });
  });

  it("the smallest unit below (0.0001): B(X) = 99.9999 → no step; A's line 99.9999 × 5% = 4.999995 rounds to 5.00", () => {
    const { statements } = run(stairPlan({ volume: "PV", steps }), members, [order("A", "100"), order("X", "99.9999")]);
    expect(byId(statements, "A").lines).toStrictEqual([line("A", 0, "100", "0.05", "5.00"), line("X", 0, "99.9999", "0.05", "4.999995", 1, "5.00")]);
    expect(pays(statements)).toStrictEqual({ A: "10.00", X: "" });
  });

  it("equal rates on consecutive steps: a member below at the same rate takes nothing from the upline's share", () => {
    // Steps 100 → 5%, 200 → 5%, 1000 → 10%. X: 200 → step 2 (5%); Y: 100 → step 1 (5%); A: 100 + 200 + 100 =
    // 400 → step 2 (5%). A: own 100 × 5% = 5, legs X and Y: 5% − 5% = 0 (no line). X: 10, Y: 5.
    const equal = byVolume("100 0.05, 200 0.05, 1000 0.10");
    const plan = stairPlan({ volume: "PV", steps: equal });
    const { statements, summary } = run(plan, [member("A", null), member("X", "A"), member("Y", "A")], [order("A", "100"), order("X", "200"), order("Y", "100")]);
    expect(pays(statements)).toStrictEqual({ A: "5.00", X: "10.00", Y: "5.00" });
    expect(byId(statements, "A").lines).toStrictEqual([line("A", 0, "100", "0.05", "5.00")]);
    // potential = 5% × (400 + 200 + 100) = 35; paid 20; withheld = A's 300 × 5% = 15.
    expect(accounting(summary.bonuses[0])).toMatchObject({ potential: "35.00", paid: "20.00", withheld: "15.00" });
  });

  it("a deep chain of equal rates: each of 10 members is paid only on its own volume", () => {
    // C1 ← C2 ← … ← C10, each 100 PV; steps 100 → 5%, 10,000 → 10%: everyone 5%, h(x, m) = 5% everywhere.
    const ids = Array.from({ length: 10 }, (_, i) => `C${String(i + 1).padStart(2, "0")}`);
    const chain = ids.map((id, i) => member(id, i === 0 ? null : (ids[i - 1] as string)));
    const steps2 = byVolume("100 0.05, 10000 0.10");
    const { statements, summary } = run(stairPlan({ volume: "PV", steps: steps2 }), chain, ids.map((id) => order(id, "100")));
    for (const id of ids) expect(byId(statements, id).lines).toStrictEqual([line(id, 0, "100", "0.05", "5.00")]);
    // potential = 5% × (1000 + 900 + … + 100) = 5% × 5500 = 275; paid = 10 × 5 = 50; withheld = 225.
    expect(accounting(summary.bonuses[0])).toMatchObject({ potential: "275.00", paid: "50.00", withheld: "225.00" });
  });

  it("zero-volume members: a step from minimum 0, no line of value zero, their downline's volume passes through", () => {
    // Steps 0 → 5%, 150 → 10%. A(100) ← Z(0) ← C(100); W(0) under A. B(C) = 100, B(Z) = 100, B(W) = 0: 5%;
    // B(A) = 200: 10%. A: own 10 + Z's leg (h(Z) = 5%, h(C) = 5%): (10% − 5%) × (0 + 100) = 5; W's leg: base 0
    // (no line). Z: own 0 and C at its own rate: nothing. C: 5.
    const steps0 = byVolume("0 0.05, 150 0.10");
    const { statements, summary } = run(
      stairPlan({ volume: "PV", steps: steps0 }),
      [member("A", null), member("Z", "A"), member("C", "Z"), member("W", "A")],
      [order("A", "100"), order("C", "100")],
    );
    expect(pays(statements)).toStrictEqual({ A: "15.00", C: "5.00", W: "", Z: "" });
    expect(byId(statements, "A").lines).toStrictEqual([line("A", 0, "100", "0.1", "10.00"), line("Z", 0, "100", "0.05", "5.00")]);
    // potential = A 10% × 200 + Z 5% × 100 + C 5% × 100 + W 0 = 30; paid 20; withheld A 5 + Z 5 = 10.
    expect(accounting(summary.bonuses[0])).toMatchObject({ potential: "30.00", paid: "20.00", withheld: "10.00" });
  });

  it("on: personal sets the step from own volume alone", () => {
    // Steps 100 → 5%, 200 → 10%, on personal: A(150) → 5%, X(200) → 10%. A: 150 × 5% + X at 10% > 5%: 7.50.
    const { statements } = run(stairPlan({ volume: "PV", on: "personal", steps }), members, [order("A", "150"), order("X", "200")]);
    expect(pays(statements)).toStrictEqual({ A: "7.50", X: "20.00" });
  });
});

describe("unqualified members: roll-up or breakage", () => {
  // Qualified: PV ≥ 100. Steps 100 → 5%, 500 → 10%, 1000 → 15%. A(500) ← X(50, unqualified) ← Y(100), Y2(400).
  // B(Y) = 100 (5%), B(Y2) = 400 (5%), B(X) = 550 (step 2, 10%), B(A) = 1050 (15%).
  const steps = byVolume("100 0.05, 500 0.10, 1000 0.15");
  const shell = { qualification: { personal: { measure: "PV", minimum: "100" } } };
  const members = [member("A", null), member("X", "A"), member("Y", "X"), member("Y2", "X")];
  const orders = [order("A", "500"), order("X", "50"), order("Y", "100"), order("Y2", "400")];

  it("roll-up: r(X) = 0, so A earns 15% on X's 50 and 15% − 5% on Y and Y2", () => {
    const { statements, summary } = run(stairPlan({ volume: "PV", steps }, shell), members, orders);
    // A: 500 × 15% = 75; X's leg: h(X) = 0 → 50 × 15% = 7.50; h(Y) = h(Y2) = 5% → 500 × 10% = 50. 132.50.
    expect(byId(statements, "A").lines).toStrictEqual([
      line("A", 0, "500", "0.15", "75.00"),
      line("X", 0, "50", "0.15", "7.50"),
      line("X", 0, "500", "0.1", "50.00"),
    ]);
    expect(pays(statements)).toStrictEqual({ A: "132.50", X: "", Y: "5.00", Y2: "20.00" });
    // potential: A 15% × 1050 = 157.5, Y 5, Y2 20 (X none: roll-up) = 182.5; paid 157.5; withheld A's
    // 500 × min(15%, 5%) = 25.
    expect(accounting(summary.bonuses[0])).toStrictEqual(books("182.50", "157.50", "25.00"));
  });

  it("roll-up, per-member: A's own 15% line and the 15% line of X's own volume merge (lines without a source first)", () => {
    const { statements } = run(stairPlan({ volume: "PV", steps, lines: "per-member" }, shell), members, orders);
    expect(byId(statements, "A").lines).toStrictEqual([line(undefined, 0, "550", "0.15", "82.50", 2), line("X", 0, "500", "0.1", "50.00")]);
  });

  it("breakage: r(X) = 10% stays; X's would-be 30 is breakage member-unqualified", () => {
    const { statements, summary } = run(stairPlan({ volume: "PV", steps, unqualified: "breakage" }, shell), members, orders);
    // A: 75 + X's leg, h = 10% for X, Y and Y2: (15% − 10%) × 550 = 27.50 → 102.50.
    expect(byId(statements, "A").lines).toStrictEqual([line("A", 0, "500", "0.15", "75.00"), line("X", 0, "550", "0.05", "27.50")]);
    expect(pays(statements)).toStrictEqual({ A: "102.50", X: "", Y: "5.00", Y2: "20.00" });
    // X would be paid 50 × 10% + 500 × (10% − 5%) = 5 + 25 = 30 (breakage). potential: A 157.5 + X 10% × 550
    // = 55 + Y 5 + Y2 20 = 237.5; paid 127.5; withheld A: 550 × min(15%, 10%) = 55, X: 500 × 5% = 25 → 80;
    // 127.5 + 80 + 30 = 237.5.
    expect(accounting(summary.bonuses[0])).toStrictEqual(books("237.50", "127.50", "80.00", "30.00"));
  });

  it("a suspended member is unqualified whatever its volume", () => {
    const suspended = [member("A", null), { ...member("X", "A"), status: "suspended" as const }];
    const { statements } = run(stairPlan({ volume: "PV", steps }), suspended, [order("A", "500"), order("X", "600")]);
    // B(X) = 600 → 10% but unqualified (roll-up: r = 0); B(A) = 1100 → 15%: 500 × 15% + 600 × 15% = 165.
    expect(pays(statements)).toStrictEqual({ A: "165.00", X: "" });
  });
});

describe("breakaway", () => {
  const steps = byVolume("100 0.05, 500 0.10, 1000 0.20");
  const entry = { volume: "PV", steps, breakaway: { from: 3, generations: ["0.05"] } };
  const members = [member("U", null), member("D", "U"), member("E", "D")];

  it("exactly at from: D (1000) breaks away; U (1000 alone) is at from and earns 5% of D's group", () => {
    const { statements, summary } = run(stairPlan(entry), members, [order("U", "1000"), order("D", "1000")]);
    // B(D) = 1000 → step 3, qualified: breaks away. B(U) = 1000 (D's group left) → step 3. U: own 1000 × 20% =
    // 200, override generation 1: 5% × G(D) = 5% × 1000 = 50. D: 200.
    expect(byId(statements, "U").lines).toStrictEqual([line("U", 0, "1000", "0.2", "200.00"), line("D", 1, "1000", "0.05", "50.00")]);
    expect(pays(statements)).toStrictEqual({ D: "200.00", E: "", U: "250.00" });
    // potential = U 20% × 1000 + D 20% × 1000 + U's override 50 (+ D's, with nobody below: 0) = 450.
    expect(accounting(summary.bonuses[0])).toMatchObject({ potential: "450.00", paid: "450.00", withheld: "0.00" });
  });

  it("one step below from: D (999) stays in U's group and U is paid the difference", () => {
    const { statements } = run(stairPlan(entry), members, [order("U", "1000"), order("D", "999")]);
    // B(D) = 999 → step 2 (10%); B(U) = 1999 → 20%. U: 200 + 999 × 10% = 299.90; D: 99.90.
    expect(pays(statements)).toStrictEqual({ D: "99.90", E: "", U: "299.90" });
  });

  it("the upline one step below from earns no override and has none to lose", () => {
    const { statements, summary } = run(stairPlan(entry), members, [order("U", "999"), order("D", "1000")]);
    // B(U) = 999 → step 2 (10%): below from, so no override potential. U: 99.90; D: 200.
    expect(pays(statements)).toStrictEqual({ D: "200.00", E: "", U: "99.90" });
    expect(accounting(summary.bonuses[0])).toMatchObject({ potential: "299.90", breakage: { "member-unqualified": "0.00", "override-unqualified": "0.00" } });
  });

  it("breakaway at depth 3 of a leg, and generations counted by the breakaways between", () => {
    // Steps 100 → 5%, 1000 → 10%; from 2; generations 4%, 3%, 2%. U(1000) ← A(100) ← B(100) ← C(1000) ← D(100) ←
    // E(1000) ← F(1000) ← G(1000). B: G 1000, F 1000, E 1000 (each breaks away), D 100, C 1100 (breaks), B 100,
    // A 200, U 1200 (step 2). G (paid group, PV) is the same.
    const steps2 = byVolume("100 0.05, 1000 0.10");
    const chain = ["U", "A", "B", "C", "D", "E", "F", "G"];
    const volumes: Record<string, string> = { U: "1000", A: "100", B: "100", C: "1000", D: "100", E: "1000", F: "1000", G: "1000" };
    const { statements, summary } = run(
      stairPlan({ volume: "PV", steps: steps2, breakaway: { from: 2, generations: ["0.04", "0.03", "0.02"] } }),
      chain.map((id, i) => member(id, i === 0 ? null : (chain[i - 1] as string))),
      chain.map((id) => order(id, volumes[id] as string)),
    );
    // U: own 100 + A's leg (h = 5%) 200 × 5% = 10; generation 1 = C (A, B between do not break away): 4% × 1100
    // = 44; generation 2 = E: 3% × 1000 = 30; generation 3 = F: 2% × 1000 = 20; G is generation 4: nothing.
    expect(byId(statements, "U").lines).toStrictEqual([
      line("A", 0, "200", "0.05", "10.00"),
      line("U", 0, "1000", "0.1", "100.00"),
      line("C", 1, "1100", "0.04", "44.00"),
      line("E", 2, "1000", "0.03", "30.00"),
      line("F", 3, "1000", "0.02", "20.00"),
    ]);
    // C: 100 + D's leg 5 + E 40 + F 30 + G 20 = 195; E: 100 + F 40 + G 30 = 170; F: 100 + G 40 = 140; G 100.
    // A, B, D: 5 each (B's rate equals A's: nothing for A).
    expect(pays(statements)).toStrictEqual({ A: "5.00", B: "5.00", C: "195.00", D: "5.00", E: "170.00", F: "140.00", G: "100.00", U: "204.00" });
    // potential: grosses 120 + 10 + 5 + 110 + 5 + 100 + 100 + 100 = 550, overrides 94 + 90 + 70 + 40 = 294 →
    // 844; paid 824; withheld U 10 + A 5 + C 5 = 20.
    expect(accounting(summary.bonuses[0])).toStrictEqual(books("844.00", "824.00", "20.00"));
  });

  describe("override conditions", () => {
    // Steps 100 → 5%, 1000 → 10%, from 2, generation 1 at 5%. U(1000) has X(1000, breaks away) and Y(500) ←
    // Z(1000, breaks away). B(Y) = 500 (5%); B(U) = 1000 + 500 = 1500. Breakaway legs of U: X and Y.
    const steps2 = byVolume("100 0.05, 1000 0.10");
    const tree = [member("U", null), member("X", "U"), member("Y", "U"), member("Z", "Y")];
    const withY = (y: string) => [order("U", "1000"), order("X", "1000"), order("Y", y), order("Z", "1000")];
    const planWith = (conditions: Record<string, unknown>) => stairPlan({ volume: "PV", steps: steps2, breakaway: { from: 2, generations: ["0.05"], ...conditions } });

    it("minimumGroup exactly met (B(U) = 1500) and minimumLegs 2 met: U earns 5% of X's and Z's groups", () => {
      const { statements, summary } = run(planWith({ minimumGroup: "1500", minimumLegs: 2 }), tree, withY("500"));
      // U: 100 + Y's leg (10% − 5%) × 500 = 25 + 50 + 50 = 225.
      expect(byId(statements, "U").lines).toStrictEqual([
        line("U", 0, "1000", "0.1", "100.00"),
        line("Y", 0, "500", "0.05", "25.00"),
        line("X", 1, "1000", "0.05", "50.00"),
        line("Z", 1, "1000", "0.05", "50.00"),
      ]);
      expect(accounting(summary.bonuses[0])?.breakage).toStrictEqual({ "member-unqualified": "0.00", "override-unqualified": "0.00" });
    });

    it("minimumGroup missed by 0.0001: the override (100) is breakage override-unqualified", () => {
      const { statements, summary } = run(planWith({ minimumGroup: "1500" }), tree, withY("499.9999"));
      // B(U) = 1499.9999 < 1500. U: 100 + 499.9999 × 5% = 24.999995 → 25.00 → 125.00.
      expect(pays(statements).U).toBe("125.00");
      expect(accounting(summary.bonuses[0])?.breakage).toStrictEqual({ "member-unqualified": "0.00", "override-unqualified": "100.00" });
    });

    it("minimumLegs 3 with two breakaway legs: the override is breakage", () => {
      const { statements, summary } = run(planWith({ minimumLegs: 3 }), tree, withY("500"));
      expect(pays(statements).U).toBe("125.00");
      expect(accounting(summary.bonuses[0])?.breakage).toStrictEqual({ "member-unqualified": "0.00", "override-unqualified": "100.00" });
    });

    it("an unqualified upline at from does not break away: no override, no override potential, no pay under roll-up", () => {
      const shell = { qualification: { personal: { measure: "PV", minimum: "100" } } };
      const plan = stairPlan({ volume: "PV", steps: steps2, breakaway: { from: 2, generations: ["0.05"] } }, shell);
      const members = [{ ...member("U", null), status: "terminated" as const }, member("X", "U"), member("Y", "U"), member("Z", "Y")];
      const { statements, summary } = run(plan, members, withY("500"));
      expect(pays(statements)).toStrictEqual({ U: "", X: "100.00", Y: "25.00", Z: "100.00" });
      // U (terminated) is at step 2 (B(U) = 1500) but unqualified, so does not break away: no override could be
      // earned. potential: X 100 + Z 100 + Y 5% × 500 = 25 → 225 = paid; nothing breakage.
      expect(accounting(summary.bonuses[0])).toStrictEqual(books("225.00", "225.00", "0.00"));
    });
  });

  it("method group with breakaway: a unit commission on the member's unit", () => {
    // Steps 100 → 2%, 1000 → 5%, from 2. U(500) ← X(1000, breaks away), Y(200). G(U) = 700 → 2% (below from: no
    // override). U 14, X 50, Y 4.
    const plan = stairPlan({
      volume: "PV",
      method: "group",
      steps: byVolume("100 0.02, 1000 0.05"),
      breakaway: { from: 2, generations: ["0.01"] },
    });
    const { statements } = run(plan, [member("U", null), member("X", "U"), member("Y", "U")], [order("U", "500"), order("X", "1000"), order("Y", "200")]);
    expect(pays(statements)).toStrictEqual({ U: "14.00", X: "50.00", Y: "4.00" });
  });
});

describe("steps by rank, deduct", () => {
  const shell = GIVEN_LADDER;
  const steps = BRONZE_GOLD;

  it("a member below a higher step is paid a negative amount: A 5% × 300 − 10% × 200 = −5", () => {
    const { statements, summary } = run(
      stairPlan({ volume: "PV", method: "deduct", steps }, shell),
      [member("A", null, "Bronze"), member("X", "A", "Gold")],
      [order("A", "100"), order("X", "200")],
    );
    expect(byId(statements, "A").lines).toStrictEqual([line("A", 0, "300", "0.05", "15.00"), line("X", 0, "200", "-0.1", "-20.00")]);
    expect(pays(statements)).toStrictEqual({ A: "-5.00", X: "20.00" });
    expect(byId(statements, "A").total).toBe("-5.00");
    // potential 15 + 20 = 35; paid −5 + 20 = 15; withheld 20.
    expect(accounting(summary.bonuses[0])).toMatchObject({ potential: "35.00", paid: "15.00", withheld: "20.00" });
  });

  it("Silver takes the Bronze step; no rank, no step; the deduction uses an unqualified member's step", () => {
    // A Silver (5%) ← X Gold, suspended (step 10%, not paid) ← Y no rank. G(A) = 100 + 200 + 50 = 350.
    // A: 5% × 350 − 10% × 250 = 17.5 − 25 = −7.50. X would be paid 10% × 250 = 25: breakage member-unqualified.
    const { statements, summary } = run(
      stairPlan({ volume: "PV", method: "deduct", steps }, shell),
      [member("A", null, "Silver"), { ...member("X", "A", "Gold"), status: "suspended" as const }, member("Y", "X")],
      [order("A", "100"), order("X", "200"), order("Y", "50")],
    );
    expect(pays(statements)).toStrictEqual({ A: "-7.50", X: "", Y: "" });
    // potential A 17.5 + X 25 = 42.5; paid −7.5; withheld A's 25 (X's none); breakage 25.
    expect(accounting(summary.bonuses[0])).toMatchObject({ potential: "42.50", paid: "-7.50", withheld: "25.00", breakage: { "member-unqualified": "25.00" } });
  });
});

describe("point value", () => {
  it("pointValue 18: 2600 PV at 12% pays 2600 × 12% × 18 = 5616 in all (a line rate of 2.16 per PV)", () => {
    // YOU(600) ← D1(1000), D2(1000). B(D1) = B(D2) = 1000 → 9%; B(YOU) = 2600 → 12%. YOU: 600 × 2.16 = 1296 +
    // 2 × 1000 × (12% − 9%) × 18 = 2 × 540 → 2376; D1, D2: 1000 × 1.62 = 1620. Sum 5616.
    const plan = stairPlan({ volume: "PV", pointValue: "18", steps: AMWAY_STEPS }, { currency: "INR" });
    const { statements, summary } = run(plan, [member("YOU", null), member("D1", "YOU"), member("D2", "YOU")], [order("YOU", "600"), order("D1", "1000"), order("D2", "1000")]);
    expect(byId(statements, "YOU").lines).toStrictEqual([line("D1", 0, "1000", "0.54", "540.00"), line("D2", 0, "1000", "0.54", "540.00"), line("YOU", 0, "600", "2.16", "1296.00")]);
    expect(pays(statements)).toStrictEqual({ D1: "1620.00", D2: "1620.00", YOU: "2376.00" });
    expect(summary.bonuses[0]?.amount).toBe("5616.00");
  });
});

describe("more breakaway: deduct with overrides merged per member, steps by rank", () => {
  it("deduct leaves the breakaway legs out; per member, two generation-1 overrides of one rate are one line", () => {
    // Steps 100 → 5%, 1000 → 10%; from 2; generation 1 at 2%; deduct, per member. U(1000) ← D1(1000), D2(1000)
    // (each breaks away), Y(200, 5%). B(U) = 1000 + 200 = 1200 → step 2: U (the top) breaks away too.
    // U: 10% × G(U) = 10% × 1200 = 120 − 5% × 200 = 10 (D1, D2 not deducted: they left) + 2% × (1000 + 1000) = 40
    // → 150. D1, D2: 100 each; Y: 10.
    const plan = stairPlan({ volume: "PV", method: "deduct", lines: "per-member", steps: byVolume("100 0.05, 1000 0.10"), breakaway: { from: 2, generations: ["0.02"] } });
    const { statements, summary } = run(plan, [member("U", null), member("D1", "U"), member("D2", "U"), member("Y", "U")], [order("U", "1000"), order("D1", "1000"), order("D2", "1000"), order("Y", "200")]);
    expect(byId(statements, "U").lines).toStrictEqual([line("U", 0, "1200", "0.1", "120.00"), line("Y", 0, "200", "-0.05", "-10.00"), line(undefined, 1, "2000", "0.02", "40.00", 2)]);
    expect(pays(statements)).toStrictEqual({ D1: "100.00", D2: "100.00", U: "150.00", Y: "10.00" });
    // potential: grosses 120 + 100 + 100 + 10 + U's overrides 40 = 370; paid 360; withheld U's deduction 10.
    expect(accounting(summary.bonuses[0])).toStrictEqual(books("370.00", "360.00", "10.00"));
  });

  it("steps by rank: from counts steps; a Gold leg breaks away and its group is overridden", () => {
    // Ranks Bronze < Silver < Gold (given). Steps Bronze 5%, Gold 10%; from 2 (the Gold step); generation 1 at
    // 3%. A (Gold, 100) ← X (Gold, 200) ← Y (Bronze, 50). X breaks away; A (the top) too. A: 10% × 100 = 10 +
    // override 3% × G(X) = 3% × 250 = 7.50 → 17.50. X: 20 + (10% − 5%) × 50 = 22.50. Y: 2.50.
    const plan = stairPlan({ volume: "PV", steps: BRONZE_GOLD, breakaway: { from: 2, generations: ["0.03"] } }, GIVEN_LADDER);
    const { statements, summary } = run(plan, [member("A", null, "Gold"), member("X", "A", "Gold"), member("Y", "X", "Bronze")], [order("A", "100"), order("X", "200"), order("Y", "50")]);
    expect(byId(statements, "A").lines).toStrictEqual([line("A", 0, "100", "0.1", "10.00"), line("X", 1, "250", "0.03", "7.50")]);
    expect(pays(statements)).toStrictEqual({ A: "17.50", X: "22.50", Y: "2.50" });
    // potential: A 10% × 100 + X 10% × 250 + Y 5% × 50 + A's override 7.5 = 45; paid 42.5; withheld X's 2.5.
    expect(accounting(summary.bonuses[0])).toStrictEqual(books("45.00", "42.50", "2.50"));
  });
});

describe("breakaway with method personal", () => {
  it("a breakaway lowers the upline's bracket, so its rate; the override applies as with every method", () => {
    // Steps 100 → 5%, 1000 → 10%; from 2; generation 1 at 2%. T(1000) ← D(1000), U(500) ← V(1000). D and V
    // break away (B = 1000, step 2); B(U) = 500 (V left) → 5%: U 5% × 500 = 25 (with V in its bracket it would
    // be 1500 → 10%). B(T) = 1000 + 500 = 1500 → step 2: T (the top) breaks away; generation 1 = D and V (U
    // does not break away). T: 10% × 1000 + 2% × 1000 × 2 = 140. D, V: 100 each.
    const plan = stairPlan({ volume: "PV", method: "personal", steps: byVolume("100 0.05, 1000 0.10"), breakaway: { from: 2, generations: ["0.02"] } });
    const { statements, summary } = run(
      plan,
      [member("T", null), member("D", "T"), member("U", "T"), member("V", "U")],
      [order("T", "1000"), order("D", "1000"), order("U", "500"), order("V", "1000")],
    );
    expect(byId(statements, "T").lines).toStrictEqual([line("T", 0, "1000", "0.1", "100.00"), line("D", 1, "1000", "0.02", "20.00"), line("V", 1, "1000", "0.02", "20.00")]);
    expect(pays(statements)).toStrictEqual({ D: "100.00", T: "140.00", U: "25.00", V: "100.00" });
    // potential: own-volume grosses 100 + 100 + 100 + 25 = 325, T's overrides 40 → 365 = paid; nothing withheld.
    expect(accounting(summary.bonuses[0])).toStrictEqual(books("365.00", "365.00", "0.00"));
  });
});

describe("published columns read by a rank requirement", () => {
  it("a step gives a title: step ≥ 3 is Silver Producer; Direct also needs a bracket of 10,000", () => {
    // YOU(2000) ← X(300): B(X) = 300 → step 1; B(YOU) = 2300 → step 3 (2000 ≤ 2300 < 4000).
    const shell = {
      ranks: [
        { name: "Silver Producer", requires: { columns: [{ column: "performance.step", minimum: "3" }] } },
        {
          name: "Direct",
          requires: {
            columns: [
              { column: "performance.step", minimum: "3" },
              { column: "performance.bracket", minimum: "10000" },
            ],
          },
        },
      ],
    };
    const { statements } = run(stairPlan({ volume: "PV", steps: AMWAY_STEPS }, shell), [member("YOU", null), member("X", "YOU")], [order("YOU", "2000"), order("X", "300")]);
    const you = byId(statements, "YOU");
    expect(you.rank.paidAs).toBe("Silver Producer");
    // statements.md: "a published volume column is written like volumes, a count as a whole number".
    expect(you.rank.next?.requirements).toStrictEqual([
      { requirement: "qualified", actual: "yes", required: "yes", met: true },
      { requirement: "column", column: "performance.step", actual: "3", required: "3", met: true },
      { requirement: "column", column: "performance.bracket", actual: "2300", required: "10000", met: false },
    ]);
    expect(byId(statements, "X").rank).toStrictEqual({
      paidAs: null,
      next: {
        name: "Silver Producer",
        requirements: [
          { requirement: "qualified", actual: "yes", required: "yes", met: true },
          { requirement: "column", column: "performance.step", actual: "1", required: "3", met: false },
        ],
      },
    });
  });
});

// Where the fast engine disagreed with the docs: each case is the smallest found, the expectation is the
// docs' (the reference engine's). All three are fixed; they stay as examples at those edges.
describe("fast engine disagreements found by the reference (fixed)", () => {
  it("statements.md orders a member's lines of one level by source, lines without a source first: sources Z, (none), A come out (none), A, M, Z", () => {
    // Steps 100 → 5%, 200 → 10%, 300 → 15%, 1000 → 20%, per member. M(200) ← A(100, 5%), Z(300, 15%), B(200, 10%),
    // C(200, 10%): B(M) = 1000 → 20%. M's lines: own 20% (source M), A's leg 15% (source A), B and C 10%
    // (merged: no source), Z's leg 5% (source Z). The merged line comes first, then A, M, Z.
    const plan = stairPlan({ volume: "PV", lines: "per-member", steps: byVolume("100 0.05, 200 0.10, 300 0.15, 1000 0.20") });
    const input = { period: PERIOD, members: [member("M", null), member("A", "M"), member("Z", "M"), member("B", "M"), member("C", "M")], orders: [order("M", "200"), order("A", "100"), order("Z", "300"), order("B", "200"), order("C", "200")] };
    const m = Array.from(calculate(plan, input).statements()).find((s) => s.memberId === "M");
    expect((m?.lines ?? []).map((l) => l.source ?? null)).toStrictEqual([null, "A", "M", "Z"]);
  });

  it("an amount beyond the exact range (pointValue 10000, money scale 4) is RUN_VOLUME_OVERFLOW naming the measure, not a RangeError", () => {
    // One member, one order of 1,000,000,000 PV, one step of rate 1 from 0, pointValue 10000: 10^13 is beyond
    // 900,719,925,474 (the exact range). The run refuses with the coded issue (docs: "Point value").
    const plan = stairPlan({ volume: "PV", pointValue: "10000", steps: byVolume("0 1") }, { money: { scale: 4 } });
    const input = { period: PERIOD, members: [member("R", null)], orders: [order("R", "1000000000")] };
    const r = safeCalculate(plan, input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => [i.code, i.message.includes("measure PV")])).toStrictEqual([["RUN_VOLUME_OVERFLOW", true]]);
  });

  it("a matching bonus on stairstep earnings beyond the exact range: refused (RUN_VOLUME_OVERFLOW) instead of losing digits", () => {
    // R ← S(563,148,892.0601 PV); one step from 0 at 51.51%, pointValue 10000 (5151 per PV): S would earn
    // 2,900,779,943,001.575, beyond what a matching base holds exactly, so the run refuses.
    const plan = parsePlan({
      compplan: 1,
      id: "stairstep-matched",
      currency: "USD",
      money: { scale: 3 },
      payoutBasis: "PV",
      measures: { PV: { counts: ["personal-consumption"] } },
      bonuses: [
        { key: KEY, kind: "stairstep", volume: "PV", pointValue: "10000", steps: byVolume("0 0.5151") },
        { key: "match", kind: "matching", of: [KEY], schedule: [{ rates: ["0.1"] }] },
      ],
    });
    const input = { period: PERIOD, members: [member("R", null), member("S", "R")], orders: [{ id: "o1", memberId: "S", kind: "personal-consumption" as const, date: "2026-10-15", volumes: { PV: "563148892.0601" } }] };
    const r = safeCalculate(plan, input);
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toStrictEqual(["RUN_VOLUME_OVERFLOW"]);
    // One tenth of that volume is inside the range, and both engines agree on its matching base exactly.
    const small = { ...input, orders: [{ id: "o1", memberId: "S", kind: "personal-consumption" as const, date: "2026-10-15", volumes: { PV: "56314889.2060" } }] };
    const base = byId(referenceCalculate(plan, small).statements, "R").lines[0]?.base;
    expect(Array.from(calculate(plan, small).statements()).find((s) => s.memberId === "R")?.lines[0]?.base).toBe(base);
  });
});
