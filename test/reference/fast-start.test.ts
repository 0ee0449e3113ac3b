/**
 * Tests of the reference `fast-start` family (test/reference/families/fast-start.ts) and of the measures'
 * `leavesOut` / `volumeOf` in the reference core, on small cases worked by hand from docs/plan-language.md
 * "`fast-start`" and "Leaving out the orders a bonus pays on" (the arithmetic next to each expectation), each
 * at a rule's edge: a window's last day and the day after, days against calendar months (the month of
 * joining is month 1), an order before the join date, a member who joined before the period, the source cap
 * over a chain of periods and the period cap exactly at the cap, the receiver's requirements just met and
 * just missed, breakage against roll-up, and the orders left out of another bonus's volume. Each case is also
 * run by the fast engine, which must write the same statements, summary and state bytes.
 */
import { describe, expect, it } from "vitest";
import { explain } from "../../src/index.js";
import type { MemberInput, OrderInput } from "../../src/input/validate.js";
import { parsePlan } from "../../src/plan/parse.js";
import { byId, pays as paysOf, runBoth } from "./both-engines.js";
import type { ReferenceResult } from "./engine.js";

type Kind = OrderInput["kind"];

function member(id: string, sponsorId: string | null, joinDate = "2024-01-01", status: MemberInput["status"] = "enrolled"): MemberInput {
  return { id, sponsorId, joinDate, status };
}

/** An order `id` of `pv` PV (and `cv` CV, when given) on `date`. */
function order(id: string, memberId: string, date: string, pv: string, kind: Kind = "personal-consumption", cv?: string): OrderInput {
  return { id, memberId, kind, date, volumes: { PV: pv, ...(cv !== undefined ? { CV: cv } : {}) } };
}

/** A plan with PV and CV (personal consumption and customer orders), `measures` added, and `bonuses`. */
function planWith(bonuses: Record<string, unknown>[], shell: Record<string, unknown> = {}, measures: Record<string, unknown> = {}) {
  return parsePlan({
    compplan: 1,
    id: "fast-start-example",
    currency: "USD",
    money: { scale: 2, rounding: { mode: "half-up", applies: "line" } },
    payoutBasis: "PV",
    measures: { PV: { counts: ["personal-consumption", "customer-order"] }, CV: { counts: ["personal-consumption", "customer-order"] }, ...measures },
    ...shell,
    bonuses,
  });
}

/** A fast-start entry `fs` on PV with the docs' rates, `extra` keys added or replacing them. */
function fastStart(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { key: "fs", kind: "fast-start", measure: "PV", window: { days: 60 }, rates: ["0.20", "0.10", "0.05"], ...extra };
}

/**
 * Runs both engines (each from its own opening state) and checks they write the same bytes; explains every
 * member of the fast engine's run (explain checks its lines against the statement's).
 */
function run(...args: Parameters<typeof runBoth>): ReturnType<typeof runBoth> {
  const result = runBoth(...args);
  for (const id of result.fast.memberIds()) explain(result.fast, id);
  return result;
}

/** Every member's subtotal of bonus `key` ("" for none). */
const pays = (ref: ReferenceResult, key = "fs") => paysOf(ref, key);

/** A member's lines of bonus `key`, as `receiver level order base×rate=value (compressed)`. */
function lines(ref: ReferenceResult, id: string, key = "fs"): string[] {
  return byId(ref.statements, id)
    .lines.filter((l) => l.bonus === key)
    .map((l) => `${l.level} ${l.source}/${l.order} ${l.base}×${l.rate}=${l.value}${l.compressed === true ? " compressed" : ""}`);
}

const accountingOf = (ref: ReferenceResult, key = "fs") => ref.summary.bonuses.find((b) => b.key === key)?.accounting;

describe("reference fast-start: the docs' example", () => {
  it("Lisa is paid 71.40 on Megan's three orders; levels 2 and 3 are no-upline breakage of 53.55", () => {
    // 20% × 132 = 26.40, 20% × 78 = 15.60, 20% × 147 = 29.40: 71.40. Potential 35% × 357 = 124.95; no-upline
    // 15% × 357 = 53.55.
    const plan = planWith([fastStart({ requires: { order: { measure: "PV", minimum: "100" } } })]);
    const members = [member("Lisa", null), member("Megan", "Lisa", "2026-10-01")];
    const orders = [order("lisa-lrp", "Lisa", "2026-10-01", "100"), order("megan-1", "Megan", "2026-10-01", "132"), order("megan-2", "Megan", "2026-10-15", "78"), order("megan-3", "Megan", "2026-10-29", "147")];
    const { ref } = run(plan, "2026-10", members, orders);
    expect(pays(ref)).toStrictEqual({ Lisa: "71.40", Megan: "" });
    expect(lines(ref, "Lisa")).toStrictEqual(["1 Megan/megan-1 132×0.2=26.40", "1 Megan/megan-2 78×0.2=15.60", "1 Megan/megan-3 147×0.2=29.40"]);
    expect(byId(ref.statements, "Lisa").lines[0]).toStrictEqual({
      bonus: "fs", kind: "fast-start", level: 1, compressed: false, source: "Megan", order: "megan-1", base: "132", rate: "0.2", value: "26.40", amount: "26.40",
    });
    expect(accountingOf(ref)).toStrictEqual({
      potential: "124.95", paid: "71.40", compressedUp: "0.00",
      breakage: { "no-upline": "53.55", "period-cap": "0.00", "source-cap": "0.00", "upline-unqualified": "0.00" },
    });
  });
});

describe("reference fast-start: the window", () => {
  const sponsorAndNew = (joinDate: string, status: MemberInput["status"] = "enrolled") => [member("A", null), member("N", "A", joinDate, status)];
  const plan = (window: Record<string, number>) => planWith([fastStart({ window, rates: ["0.2"] })]);

  it("60 days from 2026-08-01: day 60 (2026-09-29) is inside, day 61 (2026-09-30) outside", () => {
    // Only n1 is a fast-start order: A is paid 20% × 100 = 20.00; n2 is in no figure (potential 20.00).
    const { ref } = run(plan({ days: 60 }), "2026-09", sponsorAndNew("2026-08-01"), [order("n1", "N", "2026-09-29", "100"), order("n2", "N", "2026-09-30", "50")]);
    expect(lines(ref, "A")).toStrictEqual(["1 N/n1 100×0.2=20.00"]);
    expect(accountingOf(ref)?.potential).toBe("20.00");
  });

  it("a member who joined before the period: 30 days from 2026-09-05 end on 2026-10-04 (day 30)", () => {
    // 2026-09-05 is day 1, 2026-09-30 day 26, 2026-10-04 day 30, 2026-10-05 day 31.
    const { ref } = run(plan({ days: 30 }), "2026-10", sponsorAndNew("2026-09-05"), [order("n1", "N", "2026-10-04", "100"), order("n2", "N", "2026-10-05", "100")]);
    expect(lines(ref, "A")).toStrictEqual(["1 N/n1 100×0.2=20.00"]);
  });

  it("days: 1 is the join day alone; an order before the join date is outside", () => {
    const orders = [order("n0", "N", "2026-10-09", "100"), order("n1", "N", "2026-10-10", "70"), order("n2", "N", "2026-10-11", "100")];
    const { ref } = run(plan({ days: 1 }), "2026-10", sponsorAndNew("2026-10-10"), orders);
    expect(lines(ref, "A")).toStrictEqual(["1 N/n1 70×0.2=14.00"]);
  });

  it("months: 2 from 2026-08-20 run through 2026-09-30; 2026-10-01 is month 3", () => {
    // A date-range period holding both days: month number 12 × 0 + 9 − 8 + 1 = 2 on 09-30, 3 on 10-01.
    const { ref } = run(plan({ months: 2 }), "2026-09-25..2026-10-05", sponsorAndNew("2026-08-20"), [order("n1", "N", "2026-09-30", "100"), order("n2", "N", "2026-10-01", "100")]);
    expect(lines(ref, "A")).toStrictEqual(["1 N/n1 100×0.2=20.00"]);
  });

  it("months: the month of joining is month 1 however late: joined 2026-08-31, months: 1 ends that day; days: 2 does not", () => {
    const members = sponsorAndNew("2026-08-31");
    const orders = [order("n1", "N", "2026-08-31", "100"), order("n2", "N", "2026-09-01", "50")];
    expect(lines(run(plan({ months: 1 }), "2026-08-31..2026-09-01", members, orders).ref, "A")).toStrictEqual(["1 N/n1 100×0.2=20.00"]);
    // Two days: 08-31 is day 1 and 09-01 day 2.
    expect(lines(run(plan({ days: 2 }), "2026-08-31..2026-09-01", members, orders).ref, "A")).toStrictEqual(["1 N/n1 100×0.2=20.00", "1 N/n2 50×0.2=10.00"]);
    // Across a year's end: joined 2025-12-31, months: 2 is December and January; 2026-02-01 is month 3.
    const yearEnd = [order("n1", "N", "2026-01-31", "100"), order("n2", "N", "2026-02-01", "50")];
    expect(lines(run(plan({ months: 2 }), "2026-01-31..2026-02-01", sponsorAndNew("2025-12-31"), yearEnd).ref, "A")).toStrictEqual(["1 N/n1 100×0.2=20.00"]);
  });

  it("months: an order before the join date in the month of joining (month number 1) is outside", () => {
    const { ref } = run(plan({ months: 1 }), "2026-10", sponsorAndNew("2026-10-15"), [order("n0", "N", "2026-10-14", "100"), order("n1", "N", "2026-10-15", "40")]);
    expect(lines(ref, "A")).toStrictEqual(["1 N/n1 40×0.2=8.00"]);
    expect(accountingOf(ref)?.potential).toBe("8.00");
  });

  it("the source's status and qualification do not matter: a suspended new member's order pays", () => {
    const p = planWith([fastStart({ window: { days: 30 }, rates: ["0.2"] })], { qualification: { personal: { measure: "PV", minimum: "1000" } } });
    // Qualification at 1,000 PV: nobody qualifies, so A (the receiver) fails too: requires.qualified false.
    const q = planWith([fastStart({ window: { days: 30 }, rates: ["0.2"], requires: { qualified: false } })], { qualification: { personal: { measure: "PV", minimum: "1000" } } });
    const members = sponsorAndNew("2026-10-01", "suspended");
    expect(pays(run(q, "2026-10", members, [order("n1", "N", "2026-10-02", "100")]).ref)).toStrictEqual({ A: "20.00", N: "" });
    const { ref } = run(p, "2026-10", members, [order("n1", "N", "2026-10-02", "100")]);
    expect(pays(ref)).toStrictEqual({ A: "", N: "" });
    expect(accountingOf(ref)?.breakage["upline-unqualified"]).toBe("20.00");
  });

  it("an order whose kind the measure does not count, or of no volume, is not a fast-start order", () => {
    // PV counts personal consumption and customer orders: the retail sale and the 0 PV order are in no figure.
    const orders = [order("n1", "N", "2026-10-02", "100", "retail-sale"), order("n2", "N", "2026-10-02", "0"), order("n3", "N", "2026-10-03", "10", "customer-order")];
    const { ref } = run(plan({ days: 30 }), "2026-10", sponsorAndNew("2026-10-01"), orders);
    expect(lines(ref, "A")).toStrictEqual(["1 N/n3 10×0.2=2.00"]);
    expect(accountingOf(ref)?.potential).toBe("2.00");
  });
});

describe("reference fast-start: the caps", () => {
  it("source cap 200 in one period, in order sequence (date, then id): 150, 40, then 10 of 30", () => {
    // Sequence n-c (10-01), n-a and n-b (10-03, a before b). c = 150, min(40, 50) = 40, min(30, 10) = 10: used
    // 200 = the cap. A's lines 30.00 + 8.00 + 2.00 = 40.00; source-cap (30 − 10) × 35% = 7.00; no-upline 200 ×
    // 15% = 30.00; potential 220 × 35% = 77.00. The window (to 11-29) is open: N closes at counted 200.
    const plan = planWith([fastStart({ caps: { sourceVolume: "200" } })]);
    const orders = [order("n-b", "N", "2026-10-03", "30"), order("n-a", "N", "2026-10-03", "40"), order("n-c", "N", "2026-10-01", "150")];
    const { ref } = run(plan, "2026-10", [member("A", null), member("N", "A", "2026-10-01")], orders);
    expect(lines(ref, "A")).toStrictEqual(["1 N/n-c 150×0.2=30.00", "1 N/n-a 40×0.2=8.00", "1 N/n-b 10×0.2=2.00"]);
    expect(accountingOf(ref)).toStrictEqual({
      potential: "77.00", paid: "40.00", compressedUp: "0.00",
      breakage: { "no-upline": "30.00", "period-cap": "0.00", "source-cap": "7.00", "upline-unqualified": "0.00" },
    });
    expect(ref.state?.split("\n")[1]).toBe('{"fs.counted":"200","id":"N"}');
  });

  it("source cap 250 over a chain of periods: counted carried, cut when reached, 0 once the window has ended", () => {
    const plan = planWith([fastStart({ rates: ["0.2"], caps: { sourceVolume: "250" } })]);
    // October: N (joined 10-01, window to 11-29) orders 150: counted 150.
    const members = [member("A", null), member("N", "A", "2026-10-01")];
    const oct = run(plan, "2026-10", members, [order("n1", "N", "2026-10-05", "150")]);
    expect(oct.ref.state?.split("\n").slice(1, -1)).toStrictEqual(['{"fs.counted":"150","id":"N"}']);
    // November: n2 60 (used 210), n3 on day 60 (11-29) min(80, 40) = 40 (used 250, cut 40 × 20% = 8.00), n4 on
    // day 61 outside. M joins 11-15 (absent from the opening state: used 0): min(300, 250) = 250, cut 50 × 20% =
    // 10.00. N's window ended on 11-29, before the period's last day: closing 0 (no row); M's goes on: 250.
    const nov = run(plan, "2026-11", [...members, member("M", "A", "2026-11-15")], [
      order("n2", "N", "2026-11-10", "60"),
      order("n3", "N", "2026-11-29", "80"),
      order("n4", "N", "2026-11-30", "500"),
      order("m1", "M", "2026-11-15", "300"),
    ], oct.next);
    expect(lines(nov.ref, "A")).toStrictEqual(["1 M/m1 250×0.2=50.00", "1 N/n2 60×0.2=12.00", "1 N/n3 40×0.2=8.00"]);
    expect(accountingOf(nov.ref)?.breakage["source-cap"]).toBe("18.00");
    expect(nov.ref.state?.split("\n").slice(1, -1)).toStrictEqual(['{"fs.counted":"250","id":"M"}']);
    // December: M is at the cap: c = min(10, 250 − 250) = 0, the whole order is cut (2.00), no line; counted stays 250.
    const dec = run(plan, "2026-12", [...members, member("M", "A", "2026-11-15")], [order("m2", "M", "2026-12-01", "10")], nov.next);
    expect(pays(dec.ref)).toStrictEqual({ A: "", M: "", N: "" });
    expect(accountingOf(dec.ref)?.breakage["source-cap"]).toBe("2.00");
    expect(dec.ref.state?.split("\n").slice(1, -1)).toStrictEqual(['{"fs.counted":"250","id":"M"}']);
  });

  it("a window ending on the period's last day closes at 0; one ending the day after keeps its count", () => {
    // 31 days from 2026-10-01 end on 10-31 (the last day): 0. 32 days end on 11-01: counted 100.
    const members = [member("A", null), member("N", "A", "2026-10-01")];
    const orders = [order("n1", "N", "2026-10-31", "100")];
    const ends = run(planWith([fastStart({ window: { days: 31 }, caps: { sourceVolume: "500" } })]), "2026-10", members, orders);
    expect(ends.ref.state?.split("\n").slice(1, -1)).toStrictEqual([]);
    const goesOn = run(planWith([fastStart({ window: { days: 32 }, caps: { sourceVolume: "500" } })]), "2026-10", members, orders);
    expect(goesOn.ref.state?.split("\n").slice(1, -1)).toStrictEqual(['{"fs.counted":"100","id":"N"}']);
  });

  it("period cap 25.00 at 20%: the receiver's levels in order sequence across sources; cut parts are breakage", () => {
    // Sequence c1 (10-02), b1 (10-05), c2 (10-09). A: c1 100 → 20.00 (earlier 0); b1: ⌊(25 − 20) ÷ 0.2⌋ = 25 →
    // 5.00, cut 75 × 20% = 15.00; c2: ⌊0 ÷ 0.2⌋ = 0, no line, cut 25 × 20% = 5.00. A is paid exactly 25.00.
    const plan = planWith([fastStart({ rates: ["0.2"], caps: { periodAmount: "25.00" } })]);
    const members = [member("A", null), member("B", "A", "2026-10-01"), member("C", "A", "2026-10-01")];
    const { ref } = run(plan, "2026-10", members, [order("b1", "B", "2026-10-05", "100"), order("c1", "C", "2026-10-02", "100"), order("c2", "C", "2026-10-09", "25")]);
    // Lines by source id (B before C), then order sequence.
    expect(lines(ref, "A")).toStrictEqual(["1 B/b1 25×0.2=5.00", "1 C/c1 100×0.2=20.00"]);
    expect(pays(ref)).toStrictEqual({ A: "25.00", B: "", C: "" });
    expect(accountingOf(ref)).toStrictEqual({
      potential: "45.00", paid: "25.00", compressedUp: "0.00",
      breakage: { "no-upline": "0.00", "period-cap": "20.00", "source-cap": "0.00", "upline-unqualified": "0.00" },
    });
  });

  it("period cap exactly reached by one line: nothing cut", () => {
    const plan = planWith([fastStart({ rates: ["0.2"], caps: { periodAmount: "20.00" } })]);
    const { ref } = run(plan, "2026-10", [member("A", null), member("N", "A", "2026-10-01")], [order("n1", "N", "2026-10-02", "100")]);
    expect(lines(ref, "A")).toStrictEqual(["1 N/n1 100×0.2=20.00"]);
    expect(accountingOf(ref)?.breakage["period-cap"]).toBe("0.00");
  });

  it("period cap 10.00 at 30%: the base is the largest multiple of 0.0001 that fits, 33.3333 (9.99999, rounded 10.00)", () => {
    // ⌊10 ÷ 0.3⌋ at 4 places = 33.3333: 33.3333 × 0.3 = 9.99999 ≤ 10; 33.3334 × 0.3 = 10.00002 > 10.
    // Cut (100 − 33.3333) × 0.3 = 20.00001; potential 30.00 = 9.99999 + 20.00001.
    const plan = planWith([fastStart({ rates: ["0.3"], caps: { periodAmount: "10.00" } })]);
    const { ref } = run(plan, "2026-10", [member("A", null), member("N", "A", "2026-10-01")], [order("n1", "N", "2026-10-02", "100")]);
    expect(lines(ref, "A")).toStrictEqual(["1 N/n1 33.3333×0.3=9.99999"]);
    expect(pays(ref)).toStrictEqual({ A: "10.00", N: "" });
    expect(accountingOf(ref)?.breakage["period-cap"]).toBe("20.00001");
  });

  it("both caps: the period cap applies to the base the source cap left", () => {
    // sourceVolume 120: c(n1) = 100, c(n2) = min(50, 20) = 20 (source-cap 30 × 20% = 6.00). Period cap 22.00: n1
    // 20.00, n2 ⌊2 ÷ 0.2⌋ = 10 → 2.00 (period-cap (20 − 10) × 20% = 2.00).
    const plan = planWith([fastStart({ rates: ["0.2"], caps: { sourceVolume: "120", periodAmount: "22.00" } })]);
    const { ref } = run(plan, "2026-10", [member("A", null), member("N", "A", "2026-10-01")], [order("n1", "N", "2026-10-02", "100"), order("n2", "N", "2026-10-03", "50")]);
    expect(lines(ref, "A")).toStrictEqual(["1 N/n1 100×0.2=20.00", "1 N/n2 10×0.2=2.00"]);
    expect(accountingOf(ref)?.breakage).toStrictEqual({ "no-upline": "0.00", "period-cap": "2.00", "source-cap": "6.00", "upline-unqualified": "0.00" });
  });
});

describe("reference fast-start: receivers, breakage and roll-up", () => {
  it("qualification just met (100 PV) pays; just missed (99.9999 PV) is upline-unqualified breakage", () => {
    // N1 under R1 (100 PV), N2 under R2 (99.9999 PV), both under A (100 PV); rates 20% / 10%, N1 and N2 order 100.
    // R1 20.00; R2's 20.00 is breakage; A 10.00 + 10.00 at level 2. Potential 2 × 100 × 30% = 60.00.
    const plan = planWith([fastStart({ rates: ["0.2", "0.1"] })], { qualification: { personal: { measure: "PV", minimum: "100" } } });
    const members = [member("A", null), member("R1", "A"), member("R2", "A"), member("N1", "R1", "2026-10-01"), member("N2", "R2", "2026-10-01")];
    const orders = [order("a", "A", "2026-10-01", "100"), order("r1", "R1", "2026-10-01", "100"), order("r2", "R2", "2026-10-01", "99.9999"), order("n1", "N1", "2026-10-02", "100"), order("n2", "N2", "2026-10-02", "100")];
    const { ref } = run(plan, "2026-10", members, orders);
    expect(pays(ref)).toStrictEqual({ A: "20.00", N1: "", N2: "", R1: "20.00", R2: "" });
    expect(lines(ref, "A")).toStrictEqual(["2 N1/n1 100×0.1=10.00", "2 N2/n2 100×0.1=10.00"]);
    expect(accountingOf(ref)).toStrictEqual({
      potential: "60.00", paid: "40.00", compressedUp: "0.00",
      breakage: { "no-upline": "0.00", "period-cap": "0.00", "source-cap": "0.00", "upline-unqualified": "20.00" },
    });
  });

  it("an own order of 100 PV: one order (not a sum), of a kind PV counts, by an enrolled member; qualification dropped", () => {
    // Nobody is qualified (1,000 PV), requires.qualified false. R1: one 100 PV order (met). R2: 60 + 60 (no single
    // order of 100). R3: a 150 PV retail sale (PV does not count it). R4: a 100 PV customer order (met). R5:
    // suspended with a 100 PV order. Each sponsors a new member ordering 50: 10.00 to R1 and R4, 30.00 breakage.
    const plan = planWith([fastStart({ rates: ["0.2"], requires: { qualified: false, order: { measure: "PV", minimum: "100" } } })], {
      qualification: { personal: { measure: "PV", minimum: "1000" } },
    });
    const members = [member("A", null), ...[1, 2, 3, 4, 5].flatMap((i) => [member(`R${i}`, "A", "2024-01-01", i === 5 ? "suspended" : "enrolled"), member(`N${i}`, `R${i}`, "2026-10-01")])];
    const orders = [
      order("r1", "R1", "2026-10-01", "100"),
      order("r2a", "R2", "2026-10-01", "60"),
      order("r2b", "R2", "2026-10-02", "60"),
      order("r3", "R3", "2026-10-01", "150", "retail-sale"),
      order("r4", "R4", "2026-10-01", "100", "customer-order"),
      order("r5", "R5", "2026-10-01", "100"),
      ...[1, 2, 3, 4, 5].map((i) => order(`n${i}`, `N${i}`, "2026-10-03", "50")),
    ];
    const { ref } = run(plan, "2026-10", members, orders);
    expect(Object.entries(pays(ref)).filter(([, x]) => x !== "")).toStrictEqual([["R1", "10.00"], ["R4", "10.00"]]);
    expect(accountingOf(ref)?.breakage["upline-unqualified"]).toBe("30.00");
  });

  it("an own order of at least 0 PV: an order of a kind PV does not count is none; no order is none", () => {
    // R's only order is a retail sale (PV counts personal consumption and customer orders), S has none, T a 0 PV
    // personal consumption order (counted, 0 ≥ 0: met). Each sponsors a new member ordering 50: T 10.00.
    const plan = planWith([fastStart({ rates: ["0.2"], requires: { order: { measure: "PV", minimum: "0" } } })]);
    const members = [member("A", null), ...["R", "S", "T"].flatMap((r) => [member(r, "A"), member(`N${r}`, r, "2026-10-01")])];
    const orders = [order("r", "R", "2026-10-01", "150", "retail-sale"), order("t", "T", "2026-10-01", "0"), ...["R", "S", "T"].map((r) => order(`n${r}`, `N${r}`, "2026-10-02", "50"))];
    const { ref } = run(plan, "2026-10", members, orders);
    expect(Object.entries(pays(ref)).filter(([, x]) => x !== "")).toStrictEqual([["T", "10.00"]]);
    expect(accountingOf(ref)?.breakage["upline-unqualified"]).toBe("20.00");
  });

  it("an own order of at least 0 CV when no order mentions CV: a counted order's volume is 0, which meets it", () => {
    // "A measure an order does not mention counts 0 for that order": R's 100 PV order has 0 CV ≥ 0 (met).
    const plan = planWith([fastStart({ rates: ["0.2"], requires: { order: { measure: "CV", minimum: "0" } } })]);
    const members = [member("A", null), member("R", "A"), member("N", "R", "2026-10-01")];
    const { ref } = run(plan, "2026-10", members, [order("r", "R", "2026-10-01", "100"), order("n", "N", "2026-10-02", "50")]);
    expect(pays(ref)).toStrictEqual({ A: "", N: "", R: "10.00" });
  });

  it("an own order just below the minimum (99.9999) misses; the minimum read on another measure", () => {
    // requires.order on CV: R's order has 100 PV but 99.9999 CV; S's has 100 CV.
    const plan = planWith([fastStart({ rates: ["0.2"], requires: { order: { measure: "CV", minimum: "100" } } })]);
    const members = [member("A", null), member("R", "A"), member("S", "A"), member("N", "R", "2026-10-01"), member("M", "S", "2026-10-01")];
    const orders = [order("r", "R", "2026-10-01", "100", "personal-consumption", "99.9999"), order("s", "S", "2026-10-01", "1", "personal-consumption", "100"), order("n", "N", "2026-10-02", "50"), order("m", "M", "2026-10-02", "50")];
    const { ref } = run(plan, "2026-10", members, orders);
    expect(pays(ref)).toStrictEqual({ A: "", M: "", N: "", R: "", S: "10.00" });
  });

  const chain = [member("A", null), member("B", "A"), member("C", "B"), member("N", "C", "2026-10-01")];
  const chainOrders = [order("a", "A", "2026-10-01", "100"), order("b", "B", "2026-10-01", "100"), order("n1", "N", "2026-10-02", "100")];
  const qualified = { qualification: { personal: { measure: "PV", minimum: "100" } } };

  it("breakage (the default): C, unqualified, breaks level 1; B and A take levels 2 and 3", () => {
    // C: 100 × 20% = 20.00 upline-unqualified; B 10.00 (level 2); A 5.00 (level 3).
    const { ref } = run(planWith([fastStart()], qualified), "2026-10", chain, chainOrders);
    expect(pays(ref)).toStrictEqual({ A: "5.00", B: "10.00", C: "", N: "" });
    expect(accountingOf(ref)).toStrictEqual({
      potential: "35.00", paid: "15.00", compressedUp: "0.00",
      breakage: { "no-upline": "0.00", "period-cap": "0.00", "source-cap": "0.00", "upline-unqualified": "20.00" },
    });
  });

  it("roll-up: C is skipped, B takes level 1 and A level 2, both compressed; level 3 has nobody", () => {
    // B: level 1 at distance 2 (compressed) 20.00; A: level 2 at distance 3 (compressed) 10.00; no-upline 5.00.
    const { ref } = run(planWith([fastStart({ unqualified: "roll-up" })], qualified), "2026-10", chain, chainOrders);
    expect(lines(ref, "B")).toStrictEqual(["1 N/n1 100×0.2=20.00 compressed"]);
    expect(lines(ref, "A")).toStrictEqual(["2 N/n1 100×0.1=10.00 compressed"]);
    expect(accountingOf(ref)).toStrictEqual({
      potential: "35.00", paid: "0.00", compressedUp: "30.00",
      breakage: { "no-upline": "5.00", "period-cap": "0.00", "source-cap": "0.00", "upline-unqualified": "0.00" },
    });
  });

  it("roll-up with everyone qualified: nothing is compressed", () => {
    const orders = [...chainOrders, order("c", "C", "2026-10-01", "100")];
    const { ref } = run(planWith([fastStart({ unqualified: "roll-up" })], qualified), "2026-10", chain, orders);
    expect(lines(ref, "C")).toStrictEqual(["1 N/n1 100×0.2=20.00"]);
    expect(accountingOf(ref)?.compressedUp).toBe("0.00");
  });

  it("roll-up with a period cap: the part cut is period-cap breakage, it does not roll up", () => {
    // B (level 1, compressed) may earn 5.00: base ⌊5 ÷ 0.2⌋ = 25, cut 75 × 20% = 15.00; A (level 2) 10.00.
    const plan = planWith([fastStart({ unqualified: "roll-up", caps: { periodAmount: "5.00" } })], qualified);
    const { ref } = run(plan, "2026-10", chain, chainOrders);
    expect(lines(ref, "B")).toStrictEqual(["1 N/n1 25×0.2=5.00 compressed"]);
    expect(lines(ref, "A")).toStrictEqual(["2 N/n1 50×0.1=5.00 compressed"]);
    // A's level 2 is 10.00 capped at 5.00 too: base 50, cut 50 × 10% = 5.00.
    expect(accountingOf(ref)?.breakage["period-cap"]).toBe("20.00");
  });

  it("lines ordered by level, then source, then order sequence; a rate of 0 makes no line; rounding per bonus", () => {
    // A sponsored B (new), B sponsored C (new); rates 0 / 12.5%. A: level 2 on C's orders (level 1 on B's pays
    // 0: no line). B: level 2 has nobody above A... B is level 1 of C at rate 0: no line. A's level-2 lines on
    // c2 (10-01) then c1 (10-04): 0.1 × 0.125 = 0.0125 and 0.3 × 0.125 = 0.0375, subtotal 0.05 (half-up).
    const plan = planWith([fastStart({ rates: ["0", "0.125"] })], { money: { scale: 2, rounding: { mode: "half-up", applies: "bonus" } } });
    const members = [member("A", null), member("B", "A", "2026-10-01"), member("C", "B", "2026-10-01")];
    const { ref } = run(plan, "2026-10", members, [order("c1", "C", "2026-10-04", "0.3"), order("c2", "C", "2026-10-01", "0.1"), order("b1", "B", "2026-10-02", "5")]);
    expect(lines(ref, "A")).toStrictEqual(["2 C/c2 0.1×0.125=0.0125", "2 C/c1 0.3×0.125=0.0375"]);
    expect(pays(ref)).toStrictEqual({ A: "0.05", B: "", C: "" });
    // Potential (5 + 0.4) × 12.5% = 0.675; B's level 2 has nobody above A: no-upline 5 × 12.5% = 0.625.
    expect(accountingOf(ref)?.potential).toBe("0.675");
    expect(accountingOf(ref)?.breakage["no-upline"]).toBe("0.625");
  });
});

describe("reference measures: leavesOut and volumeOf", () => {
  it("UPV leaves out the orders inside the window (any kind), counts the others, and its cap applies to what remains", () => {
    // Window 10 days from 10-10 (to 10-19). N: n1 10-10 PC 120 (inside: left out of UPV, paid by fs); n2 10-09 PC 80
    // (before joining: counted); n3 10-12 retail 50 (inside: left out, though fs pays nothing on it); n4 10-20 PC 70
    // (day 11: counted). UPV raw PC 80 + 70 = 150, capped at 100 (50 excluded); retail 0. PV (no retail) 270.
    // fs: A 20% × 120 = 24.00. Unilevel on UPV: A 10% × 100 = 10.00.
    const plan = planWith(
      [fastStart({ window: { days: 10 }, rates: ["0.2"] }), { key: "unilevel", kind: "unilevel", measure: "UPV", compression: "none", unqualifiedVolumePays: false, schedule: [{ rates: ["0.1"] }] }],
      {},
      { UPV: { volumeOf: "PV", counts: ["personal-consumption", "retail-sale"], personalConsumptionCap: "100", leavesOut: ["fs"] } },
    );
    const orders = [order("n1", "N", "2026-10-10", "120"), order("n2", "N", "2026-10-09", "80"), order("n3", "N", "2026-10-12", "50", "retail-sale"), order("n4", "N", "2026-10-20", "70")];
    const { ref } = run(plan, "2026-10", [member("A", null), member("N", "A", "2026-10-10")], orders);
    const n = byId(ref.statements, "N");
    expect(n.volumes.personal).toStrictEqual({ CV: "0", PV: "270", UPV: "100" });
    expect(n.volumes.personalConsumptionExcluded).toStrictEqual({ UPV: "50" });
    expect(byId(ref.statements, "A").bonuses).toStrictEqual({ fs: "24.00", unilevel: "10.00" });
  });

  it("an order left out though the fast start paid nothing on it (a source cap of 0, no upline); orders measure leaving out", () => {
    // CV itself leaves out fs's orders: N's inside order (10-05) counts 0 CV, the one after the 7-day window
    // (10-08) 30. The root N has no upline and the cap is 0: fs pays nothing, yet the order is left out.
    const plan = planWith([fastStart({ window: { days: 7 }, caps: { sourceVolume: "0" } })], {}, { CV: { counts: ["personal-consumption"], leavesOut: ["fs"] } });
    const { ref } = run(plan, "2026-10", [member("N", null, "2026-10-01")], [order("n1", "N", "2026-10-05", "100", "personal-consumption", "40"), order("n2", "N", "2026-10-08", "100", "personal-consumption", "30")]);
    expect(byId(ref.statements, "N").volumes.personal).toStrictEqual({ CV: "30", PV: "200" });
    expect(accountingOf(ref)?.breakage["source-cap"]).toBe("35.00");
  });

  it("two fast-start bonuses: an order inside either window is left out", () => {
    // fs (7 days) and fs-months (months: 1). N joined 09-28: n1 (10-04) is day 7 of fs (inside) and in month 2 of
    // fs-months (outside); n2 (10-05) is in neither. M joined 10-20: m1 (10-31) is day 12 of fs (outside) and in
    // month 1 of fs-months (inside). UPV: N 50, M 0.
    const plan = planWith(
      [fastStart({ window: { days: 7 } }), fastStart({ key: "fs-months", window: { months: 1 } })],
      {},
      { UPV: { volumeOf: "PV", counts: ["personal-consumption"], leavesOut: ["fs", "fs-months"] } },
    );
    const members = [member("A", null), member("N", "A", "2026-09-28"), member("M", "A", "2026-10-20")];
    const { ref } = run(plan, "2026-10", members, [order("n1", "N", "2026-10-04", "100"), order("n2", "N", "2026-10-05", "50"), order("m1", "M", "2026-10-31", "70")]);
    expect(byId(ref.statements, "N").volumes.personal.UPV).toBe("50");
    expect(byId(ref.statements, "M").volumes.personal.UPV).toBe("0");
    expect(byId(ref.statements, "A").volumes.group.UPV).toBe("50");
  });

  it("a fast start on a volumeOf measure: the base is the order's volume of the measure read, its own counts; no cap on a base", () => {
    // UV reads PV's order volumes, counting personal consumption only, capped at 10 a member: N's personal UV is
    // 10, but the base of n1 is its whole 100 PV (20.00 to A); the customer order n2 is not counted by UV.
    const plan = planWith([fastStart({ measure: "UV", rates: ["0.2"] })], {}, { UV: { volumeOf: "PV", counts: ["personal-consumption"], personalConsumptionCap: "10" } });
    const { ref } = run(plan, "2026-10", [member("A", null), member("N", "A", "2026-10-01")], [order("n1", "N", "2026-10-02", "100"), order("n2", "N", "2026-10-02", "40", "customer-order")]);
    expect(byId(ref.statements, "N").volumes.personal.UV).toBe("10");
    expect(lines(ref, "A")).toStrictEqual(["1 N/n1 100×0.2=20.00"]);
  });
});
