/**
 * Tests of the reference `payout-cap` and `contest` families (test/reference/families/payout-cap.ts,
 * contest.ts) on small cases whose numbers are worked by hand from docs/plan-language.md "`payout-cap`" and
 * "`contest`" (the arithmetic next to each expectation), each at a rule's edge: the largest remainder and its
 * tie broken by member id, the protected amount and protected bonuses, a pay of exactly the cap, the contest
 * window's edges, a tier reached exactly at its points. Each case is also run by the fast engine, which must
 * write the same bytes (a differential test on the edges, beside the random one).
 */
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/index.js";
import type { MemberInput, OrderInput } from "../../src/input/validate.js";
import { parsePlan } from "../../src/plan/parse.js";
import { byId, pays, runBoth } from "./both-engines.js";
import type { ReferenceResult } from "./engine.js";

function member(id: string, sponsorId: string | null): MemberInput {
  return { id, sponsorId, joinDate: "2025-01-01" };
}

let orderSeq = 0;
/** One personal-consumption order of `pv` PV and `bv` BV on `date`. */
function order(memberId: string, pv: string, bv = "0", date = "2026-10-15"): OrderInput {
  orderSeq += 1;
  return { id: `o${orderSeq}`, memberId, kind: "personal-consumption", date, volumes: { PV: pv, BV: bv } };
}

/** A plan with PV and BV (personal consumption), a retail-profit `retail` paying 1 per PV, and `bonuses` after it. */
function planWith(bonuses: Record<string, unknown>[], shell: Record<string, unknown> = {}) {
  return parsePlan({
    compplan: 1,
    id: "caps-contest-example",
    currency: "USD",
    payoutBasis: "PV",
    measures: { PV: { counts: ["personal-consumption"] }, BV: { counts: ["personal-consumption"] } },
    ...shell,
    bonuses: [{ key: "retail", kind: "retail-profit", measure: "PV", rate: "1" }, ...bonuses],
  });
}

const run = runBoth;

const accountingOf = (ref: ReferenceResult, key: string) => ref.summary.bonuses.find((b) => b.key === key)?.accounting;

describe("reference payout-cap, worked by hand", () => {
  const companyCap = (share: string, protect?: Record<string, unknown>) => ({ key: "cap", kind: "payout-cap", of: ["retail"], company: { measure: "BV", share }, ...(protect !== undefined ? { protect } : {}) });

  it("the docs' example: A = 10% of 10,000 BV = 1,000.00; X 900.00 and Y 300.00 keep 750.00 and 250.00", () => {
    // U = 120,000 cents, R = 100,000: X keeps ⌊100,000 × 90,000 ÷ 120,000⌋ = 75,000, Y 25,000 (remainders 0).
    const { ref } = run(planWith([companyCap("0.1")]), "2026-10", [member("X", null), member("Y", "X")], [order("X", "900", "5000"), order("Y", "300", "5000")]);
    expect(pays(ref, "cap")).toStrictEqual({ X: "-150.00", Y: "-50.00" });
    expect(byId(ref.statements, "X").lines[1]).toStrictEqual({ bonus: "cap", kind: "payout-cap", value: "-150.00", amount: "-150.00" });
    expect(accountingOf(ref, "cap")).toStrictEqual({ potential: "0.00", paid: "-200.00", compressedUp: "0.00", breakage: { capped: "200.00" } });
    expect(ref.summary.total).toBe("1000.00");
  });

  it("largest remainders tie: the units left go to the first ids (A, B keep 66.67; C 66.66)", () => {
    // Three pay 100.00, A = 10% of 2,000 BV = 200.00: each keeps ⌊20,000 × 10,000 ÷ 30,000⌋ = 6,666 cents,
    // remainder 20,000 × 10,000 − 6,666 × 30,000 = 20,000 for all three; d = 2 units go to A and B.
    const members = [member("C", null), member("B", "C"), member("A", "C")];
    const { ref } = run(planWith([companyCap("0.1")]), "2026-10", members, [order("C", "100", "1000"), order("B", "100", "500"), order("A", "100", "500")]);
    expect(pays(ref, "cap")).toStrictEqual({ A: "-33.33", B: "-33.33", C: "-33.34" });
  });

  it("the largest remainder wins before the id: Z (remainder larger) gets the unit, not A", () => {
    // A pays 1.00, Z 2.00 (U = 300 cents); A = 10% of 20 BV = 2.00 (R = 200). A: ⌊200 × 100 ÷ 300⌋ = 66, rem
    // 20,000 − 19,800 = 200; Z: ⌊200 × 200 ÷ 300⌋ = 133, rem 40,000 − 39,900 = 100. d = 200 − 199 = 1 → A
    // (larger remainder 200): A keeps 67 (cut 33), Z 133 (cut 67).
    const { ref } = run(planWith([companyCap("0.1")]), "2026-10", [member("A", null), member("Z", "A")], [order("A", "1", "10"), order("Z", "2", "10")]);
    expect(pays(ref, "cap")).toStrictEqual({ A: "-0.33", Z: "-0.67" });
  });

  it("T = A does not bite: no lines, accounting all 0", () => {
    const { ref } = run(planWith([companyCap("0.1")]), "2026-10", [member("X", null)], [order("X", "100", "1000")]);
    expect(pays(ref, "cap")).toStrictEqual({ X: "" });
    expect(accountingOf(ref, "cap")).toStrictEqual({ potential: "0.00", paid: "0.00", compressedUp: "0.00", breakage: { capped: "0.00" } });
  });

  it("protected pay above the cap (P > A): every reducible unit is cut, the protected amount never", () => {
    // protect.amount 80: X pays 100 (p = 20, Q = 80), Y pays 50 (p = 0, Q = 50); P = 130 > A = 10% of 1,000 = 100:
    // R = 0, X's 20 cut, the named bonus pays 130 > A.
    const { ref } = run(planWith([companyCap("0.1", { amount: "80" })]), "2026-10", [member("X", null), member("Y", "X")], [order("X", "100", "500"), order("Y", "50", "500")]);
    expect(pays(ref, "cap")).toStrictEqual({ X: "-20.00", Y: "" });
  });

  it("per member: a pay of exactly M is not cut; protect.amount and protected bonuses raise the floor", () => {
    // perMember 100, protect.amount 30, protect.bonuses [retail-2] (a second retail-profit, 0.5 per BV).
    // X: retail 100 → S = 100 = M: cut 0. Y: retail 150 → p = 120, Q = 30, c = 120 − (100 − 30) = 50.
    // Z: retail 90, retail-2 40 → S = 130, F = 40, a = 30, p = 60, Q = 70, c = 60 − (100 − 70) = 30 (after: 100).
    // W: retail 0, retail-2 120 → S = 120, F = 120, p = 0: never cut (120 > M).
    const plan = planWith([
      { key: "retail-2", kind: "retail-profit", measure: "BV", rate: "0.5" },
      { key: "cap", kind: "payout-cap", of: ["retail", "retail-2"], perMember: "100", protect: { bonuses: ["retail-2"], amount: "30" } },
    ]);
    const members = [member("W", null), member("X", "W"), member("Y", "W"), member("Z", "W")];
    const { ref } = run(plan, "2026-10", members, [order("X", "100"), order("Y", "150"), order("Z", "90", "80"), order("W", "0", "240")]);
    expect(pays(ref, "cap")).toStrictEqual({ W: "", X: "", Y: "-50.00", Z: "-30.00" });
    expect(accountingOf(ref, "cap")?.breakage).toStrictEqual({ capped: "80.00" });
  });

  it("both caps: the company cap names the per-member cap and caps what it left", () => {
    // perMember 300: X 500 → cut 200 (X 300), Y 100. Company cap 10% of 3,000 BV = 300 over [retail, member-cap]:
    // S(X) = 300, S(Y) = 100, T = 400, U = 40,000 cents, R = 30,000: X keeps 22,500, Y 7,500 → cuts 75.00, 25.00.
    const plan = planWith([
      { key: "member-cap", kind: "payout-cap", of: ["retail"], perMember: "300" },
      { key: "company-cap", kind: "payout-cap", of: ["retail", "member-cap"], company: { measure: "BV", share: "0.1" } },
    ]);
    const { ref } = run(plan, "2026-10", [member("X", null), member("Y", "X")], [order("X", "500", "1500"), order("Y", "100", "1500")]);
    expect(pays(ref, "member-cap")).toStrictEqual({ X: "-200.00", Y: "" });
    expect(pays(ref, "company-cap")).toStrictEqual({ X: "-75.00", Y: "-25.00" });
    expect(ref.summary.total).toBe("300.00");
  });
});

describe("reference contest, worked by hand", () => {
  const tiers = [
    { name: "Silver", points: "1000", award: { amount: "100.00" } },
    { name: "Gold", points: "3000", award: { name: "Weekend in Lisbon" } },
  ];
  const contestPlan = (window: { from: string; to: string }, extra: Record<string, unknown> = {}) =>
    planWith([{ key: "spring", kind: "contest", window, points: [{ measure: "PV" }], tiers, ...extra }], { qualification: { personal: { measure: "PV", minimum: "50" } } });

  it("the docs' example over three months: A Silver (100.00), B Gold (an award, no line), C unqualified (breakage)", () => {
    const plan = contestPlan({ from: "2026-01", to: "2026-03" });
    const members = [member("A", null), member("B", "A"), member("C", "A")];
    const months = [
      ["2026-01", [order("A", "400", "0", "2026-01-10"), order("B", "1000", "0", "2026-01-10"), order("C", "1500", "0", "2026-01-10")]],
      ["2026-02", [order("A", "500", "0", "2026-02-10"), order("B", "1000", "0", "2026-02-10")]],
      ["2026-03", [order("A", "300", "0", "2026-03-10"), order("B", "1100", "0", "2026-03-10")]],
    ] as const;
    let state: { fast: string; ref: string } | undefined;
    const results: ReferenceResult[] = [];
    for (const [period, orders] of months) {
      const r = run(plan, period, members, [...orders], state);
      results.push(r.ref);
      state = r.next;
    }
    // Closing states: A 400, then 900, then 0 (the final period).
    expect(results[0]?.state).toContain('"spring.points":"400"');
    expect(results[1]?.state).toContain('"spring.points":"900"');
    expect(results[2]?.state).not.toContain("spring.points\":");
    const march = results[2] as ReferenceResult;
    expect(pays(march, "spring")).toStrictEqual({ A: "100.00", B: "", C: "" });
    expect(byId(march.statements, "B").awards).toStrictEqual([{ award: "Weekend in Lisbon", bonus: "spring", kind: "contest" }]);
    expect(byId(march.statements, "A").awards).toBeUndefined();
    expect(accountingOf(march, "spring")).toStrictEqual({ potential: "200.00", paid: "100.00", compressedUp: "0.00", breakage: { "member-unqualified": "100.00" } });
  });

  it("a tier is reached exactly at its points (1000 → Silver), not a point below (999.9999)", () => {
    const plan = contestPlan({ from: "2026-10", to: "2026-10" });
    const { ref, next } = run(plan, "2026-10", [member("A", null), member("B", "A")], [order("A", "1000"), order("B", "999.9999")]);
    expect(pays(ref, "spring")).toStrictEqual({ A: "100.00", B: "" });
    // A one-period window is first and final: nothing carried.
    expect(next.ref.split("\n").filter((l) => l.includes("spring.points"))).toHaveLength(1); // the header only
  });

  it("points are rounded down to 4 places: 0.3333 × 3000.0002 PV = 999.90006666 → 999.9000, no tier", () => {
    const plan = planWith([{ key: "spring", kind: "contest", window: { from: "2026-10", to: "2026-10" }, points: [{ measure: "PV", weight: "0.3333" }], tiers }]);
    const { ref } = run(plan, "2026-10", [member("A", null)], [order("A", "3000.0002")]);
    expect(pays(ref, "spring")).toStrictEqual({ A: "" });
  });

  it("window edges: a period ending the day before is before (0 points); a month holding the window's first day is its first period", () => {
    // Window 2026-02-15..2026-02-20 .. 2026-03: January is before it; February overlaps it and starts before its
    // first day: the first period (an opening state's points are not added); all of February's volume counts.
    const window = { from: "2026-02-15..2026-02-20", to: "2026-03" };
    const plan = contestPlan(window);
    const members = [member("A", null)];
    const jan = run(plan, "2026-01", members, [order("A", "5000", "0", "2026-01-31")]);
    expect(jan.ref.state).not.toContain("spring.points\":");
    const feb = run(plan, "2026-02", members, [order("A", "600", "0", "2026-02-01")], jan.next);
    expect(feb.ref.state).toContain('"spring.points":"600"');
    const mar = run(plan, "2026-03", members, [order("A", "400", "0", "2026-03-31")], feb.next);
    // 600 + 400 = 1000: Silver, exactly at its threshold.
    expect(pays(mar.ref, "spring")).toStrictEqual({ A: "100.00" });
    const apr = run(plan, "2026-04", members, [order("A", "5000", "0", "2026-04-01")], mar.next);
    expect(pays(apr.ref, "spring")).toStrictEqual({ A: "" });
  });

  it("a chain starting inside the window without an opening state starts at 0; requiresQualified: false awards the unqualified", () => {
    // Window 2026-W05 .. 2026-02: the month 2026-02 is the final period (ends on the window's last day); with no
    // opening state, A's points are February's 1000 alone (Silver). B's 40 PV reach no tier. With
    // requiresQualified: false, C, suspended (so unqualified), still gets Silver.
    const plan = contestPlan({ from: "2026-W05", to: "2026-02" }, { requiresQualified: false });
    const c = { ...member("C", "A"), status: "suspended" as const };
    const { ref } = run(plan, "2026-02", [member("A", null), member("B", "A"), c], [order("A", "1000", "0", "2026-02-02"), order("B", "40", "0", "2026-02-02"), order("C", "1000", "0", "2026-02-02")]);
    expect(pays(ref, "spring")).toStrictEqual({ A: "100.00", B: "", C: "100.00" });
  });
});

// Found while adding the caps to the random plans: two caps naming the same bonus, neither naming the other,
// cut it twice (the docs allow it: "the second names the first in its of when it should cap what is left
// after the first"; nothing requires it). The total is negative in both engines, and the what-if comparison
// takes negative totals (its distribution places them below the zeros).
describe("negative totals", () => {
  it("two caps naming the same bonus cut it twice: a total of −10.00, and simulate compares it", () => {
    const plan = planWith([
      { key: "cap-a", kind: "payout-cap", of: ["retail"], perMember: "0" },
      { key: "cap-b", kind: "payout-cap", of: ["retail"], perMember: "0" },
    ]);
    const { ref } = run(plan, "2026-10", [member("A", null)], [order("A", "10")]);
    expect(byId(ref.statements, "A").total).toBe("-10.00");
    const d = simulate(plan, plan, { period: "2026-10", members: [member("A", null), member("B", "A")], orders: [order("A", "10")] }).diff;
    // Members A (−10.00) and B (0.00): the 50th percentile is the lower one, −10.00; the 100th is 0.00.
    expect(d.distribution.members.find((x: { percentile: number }) => x.percentile === 50)?.before).toBe("-10.00");
    expect(d.distribution.members.find((x: { percentile: number }) => x.percentile === 100)?.before).toBe("0.00");
    expect(d.distribution.payeeCount).toEqual({ before: 0, after: 0, change: 0 });
  });
});
