// Fast start by example, at its rules' edges. Every figure is worked by hand from docs/plan-language.md
// ("`fast-start`", "Leaving out the orders a bonus pays on"); none is read back from the engine. Every run
// is also explained member by member: explain checks its lines against the statements.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type RunResult, calculate, explain, parsePlan, parseState, runPeriods, safeParsePlan, simulate, stateNdjson } from "../../index.js";
import { PeriodCap } from "./run.js";

/** A plan with PV, qualification at 50 PV, and one fast-start entry `fs` (`entry` indented 4). */
const planText = (entry: string, measures = "", more = "") => `
compplan: 1
id: fast-start-edges
currency: USD
money: { scale: 2, rounding: { mode: half-up, applies: line } }
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption, customer-order] }
${measures}qualification:
  personal: { measure: PV, minimum: "50" }
bonuses:
  - key: fs
    kind: fast-start
    measure: PV
${entry}
${more}`;

/** [id, sponsor, join date, status]. */
type Member = [string, string | null, string, ("enrolled" | "suspended")?];
/** [order id, member, date, PV, kind]. */
type Order = [string, string, string, string, OrderInput["kind"]?];
const members = (rows: Member[]): MemberInput[] => rows.map(([id, sponsorId, joinDate, status]) => ({ id, sponsorId, joinDate, ...(status !== undefined ? { status } : {}) }));
const orders = (rows: Order[]): OrderInput[] => rows.map(([id, memberId, date, pv, kind]) => ({ id, memberId, kind: kind ?? "personal-consumption", date, volumes: { PV: pv } }));

function run(plan: string, period: string, m: Member[], o: Order[], state?: string): RunResult {
  const r = calculate(parsePlan(plan), { period, members: members(m), orders: orders(o) }, state === undefined ? {} : { state: parseState(state) });
  // Explain checks every line it explains against the statement: every member, every run.
  for (const [id] of m) explain(r, id);
  return r;
}
/** A member's fast-start lines as [level, compressed, source, order, base, rate, amount]. */
const lines = (r: RunResult, id: string) =>
  (r.statement(id)?.lines ?? []).filter((l) => l.bonus === "fs").map((l) => [l.level, l.compressed, l.source, l.order, l.base, l.rate, l.amount]);
const accounting = (r: RunResult) => r.summary.bonuses.find((b) => b.key === "fs")?.accounting;
const notPaid = (r: RunResult, id: string) => explain(r, id, { bonus: "fs" }).bonuses[0]?.notPaid ?? [];
const zero = { "no-upline": "0.00", "period-cap": "0.00", "source-cap": "0.00", "upline-unqualified": "0.00" };

describe("fast-start: the window after joining, at its edges", () => {
  const days60 = planText(`    window: { days: 60 }\n    rates: ["0.10"]`);
  // S qualifies with its own 100 PV; N joined on 2026-08-01.
  const tree: Member[] = [["S", null, "2024-01-01"], ["N", "S", "2026-08-01"]];
  const own: Order = ["s1", "S", "2026-09-01", "100"];

  it("days: the join day is day 1, so 2026-09-29 is day 60 (paid) and 2026-09-30 day 61 (not paid)", () => {
    const r = run(days60, "2026-09", tree, [own, ["n60", "N", "2026-09-29", "100"], ["n61", "N", "2026-09-30", "200"]]);
    // 10% × 100 = 10.00 on day 60; day 61's 200 PV is no fast-start order and in no figure.
    expect(lines(r, "S")).toEqual([[1, false, "N", "n60", "100", "0.1", "10.00"]]);
    expect(accounting(r)).toEqual({ potential: "10.00", paid: "10.00", compressedUp: "0.00", breakage: zero });
    expect(notPaid(r, "S")).toEqual([
      expect.objectContaining({ reason: "outside-window", level: 1, volume: "200", message: "not paid on 1 order of N (200 PV): N joined 60 days before their order n61 (2026-09-30), outside the 60-day window" }),
    ]);
  });

  it("the docs' example: Megan, who joined on 2026-08-01, ordered on 2026-10-14, 74 days later (day 75)", () => {
    const r = run(days60, "2026-10", [["Lisa", null, "2024-01-01"], ["Megan", "Lisa", "2026-08-01"]], [["l", "Lisa", "2026-10-01", "100"], ["o-9", "Megan", "2026-10-14", "147"]]);
    expect(lines(r, "Lisa")).toEqual([]);
    expect(notPaid(r, "Lisa").map((n) => n.message)).toEqual(["not paid on 1 order of Megan (147 PV): Megan joined 74 days before their order o-9 (2026-10-14), outside the 60-day window"]);
  });

  it("months: the month of joining is month 1; joined 2026-08-20 with 2 months, 2026-09-30 is paid and 2026-10-01 is not", () => {
    const plan = planText(`    window: { months: 2 }\n    rates: ["0.10"]`);
    const sep = run(plan, "2026-09", [["S", null, "2024-01-01"], ["N", "S", "2026-08-20"]], [own, ["m2", "N", "2026-09-30", "100"]]);
    expect(lines(sep, "S")).toEqual([[1, false, "N", "m2", "100", "0.1", "10.00"]]);
    const oct = run(plan, "2026-10", [["S", null, "2024-01-01"], ["N", "S", "2026-08-20"]], [["s2", "S", "2026-10-01", "100"], ["m3", "N", "2026-10-01", "100"]]);
    expect(lines(oct, "S")).toEqual([]);
    expect(notPaid(oct, "S")[0]?.message).toBe("not paid on 1 order of N (100 PV): N joined in 2026-08; their order m3 (2026-10-01) is in month 3 of their membership, outside the 2-month window");
  });

  it("an order dated before its member's join date is outside the window", () => {
    const r = run(days60, "2026-10", [["S", null, "2024-01-01"], ["N", "S", "2026-10-10"]], [["s1", "S", "2026-10-01", "100"], ["early", "N", "2026-10-05", "100"]]);
    expect(lines(r, "S")).toEqual([]);
    expect(notPaid(r, "S")[0]?.message).toBe("not paid on 1 order of N (100 PV): N's order early (2026-10-05) was placed before N joined (2026-10-10)");
  });

  it("a window spanning three months pays each order once, in the period that holds it", () => {
    // Joined 2026-09-15: day 60 is 2026-11-13. 10% of each 100 PV order inside: 10.00 a month; 2026-11-14 is day 61.
    const plan = parsePlan(days60);
    const all = orders([
      ["s9", "S", "2026-09-01", "100"], ["s10", "S", "2026-10-01", "100"], ["s11", "S", "2026-11-01", "100"],
      ["a", "N", "2026-09-20", "100"], ["b", "N", "2026-10-15", "100"], ["c", "N", "2026-11-13", "100"], ["d", "N", "2026-11-14", "100"],
    ]);
    const runs = [...runPeriods(plan, { periods: ["2026-09", "2026-10", "2026-11"], members: members([["S", null, "2024-01-01"], ["N", "S", "2026-09-15"]]), orders: all })];
    expect(runs.map((p) => lines(p.run, "S"))).toEqual([
      [[1, false, "N", "a", "100", "0.1", "10.00"]],
      [[1, false, "N", "b", "100", "0.1", "10.00"]],
      [[1, false, "N", "c", "100", "0.1", "10.00"]],
    ]);
  });
});

describe("fast-start: levels up the sponsor line, requirements, breakage or roll-up", () => {
  // A ← B ← C ← N; B's 10 PV is below the 50 PV qualification. N joined 2026-10-01 and ordered 200 PV.
  const tree: Member[] = [["A", null, "2024-01-01"], ["B", "A", "2024-01-01"], ["C", "B", "2024-01-01"], ["N", "C", "2026-10-01"]];
  const ords: Order[] = [["a", "A", "2026-10-01", "100"], ["b", "B", "2026-10-01", "10"], ["c", "C", "2026-10-01", "60"], ["n1", "N", "2026-10-02", "200"]];
  const entry = (extra = "") => `    window: { days: 60 }\n    rates: ["0.20", "0.10", "0.05"]\n${extra}`;

  it("breakage (the default): C 20% × 200 = 40.00, B's 10% is breakage, A 5% = 10.00; potential 35% × 200 = 70.00", () => {
    const r = run(planText(entry()), "2026-10", tree, ords);
    expect(lines(r, "C")).toEqual([[1, false, "N", "n1", "200", "0.2", "40.00"]]);
    expect(lines(r, "B")).toEqual([]);
    expect(lines(r, "A")).toEqual([[3, false, "N", "n1", "200", "0.05", "10.00"]]);
    expect(accounting(r)).toEqual({ potential: "70.00", paid: "50.00", compressedUp: "0.00", breakage: { ...zero, "upline-unqualified": "20.00" } });
    expect(notPaid(r, "B")).toEqual([
      expect.objectContaining({
        reason: "member-unqualified",
        level: 2,
        volume: "200",
        rate: "0.1",
        forgone: "20.00",
        conditions: [expect.objectContaining({ condition: "personal", measure: "PV", actual: "10", required: "50", met: false })],
      }),
    ]);
    expect(notPaid(r, "B")[0]?.message).toContain("it is not paid to anyone (breakage)");
  });

  it("roll-up: B is skipped, A takes level 2 from 3 levels below (compressed); level 3 has nobody above A", () => {
    const r = run(planText(entry("    unqualified: roll-up\n")), "2026-10", tree, ords);
    expect(lines(r, "C")).toEqual([[1, false, "N", "n1", "200", "0.2", "40.00"]]);
    expect(lines(r, "A")).toEqual([[2, true, "N", "n1", "200", "0.1", "20.00"]]);
    // 40.00 paid + 20.00 compressed up + 5% × 200 = 10.00 no-upline = 70.00.
    expect(accounting(r)).toEqual({ potential: "70.00", paid: "40.00", compressedUp: "20.00", breakage: { ...zero, "no-upline": "10.00" } });
    expect(notPaid(r, "B")).toEqual([expect.objectContaining({ reason: "member-unqualified", level: 2, forgone: "20.00" })]);
    expect(notPaid(r, "B")[0]?.message).toContain("it went to the next member above who meets them");
  });

  it("an own order of at least 100: one order of exactly 100 meets it; 99.9999 + 60 (two orders) does not", () => {
    // R (100 in one order) ← X (99.9999 and 60) ← N (50 PV, joined 2026-10-01). X's level 1 is breakage; R's level 2: 10% × 50.
    const plan = planText(entry(`    requires: { order: { measure: PV, minimum: "100" } }\n`).replace(`["0.20", "0.10", "0.05"]`, `["0.10", "0.10"]`));
    const r = run(plan, "2026-10", [["R", null, "2024-01-01"], ["X", "R", "2024-01-01"], ["N", "X", "2026-10-01"]], [
      ["r", "R", "2026-10-01", "100"], ["x1", "X", "2026-10-01", "99.9999"], ["x2", "X", "2026-10-02", "60"], ["n", "N", "2026-10-03", "50"],
    ]);
    expect(r.statement("X")?.qualified).toBe(true); // 159.9999 PV: qualified, but no single order of 100
    expect(lines(r, "X")).toEqual([]);
    expect(lines(r, "R")).toEqual([[2, false, "N", "n", "50", "0.1", "5.00"]]);
    expect(accounting(r)?.breakage["upline-unqualified"]).toBe("5.00");
    expect(notPaid(r, "X")[0]?.conditions).toEqual([{ condition: "order", measure: "PV", actual: "99.9999", required: "100", met: false }]);
  });

  it("the order requirement counts only the kinds its measure counts (volumeOf reads PV's order volumes)", () => {
    // LRP reads the orders' PV but counts personal consumption only: X's 150 PV customer order is no LRP order.
    const plan = planText(entry(`    requires: { qualified: false, order: { measure: LRP, minimum: "100" } }\n`).replace(`["0.20", "0.10", "0.05"]`, `["0.10"]`), "  LRP: { volumeOf: PV, counts: [personal-consumption] }\n");
    const r = run(plan, "2026-10", [["R", null, "2024-01-01"], ["X", "R", "2024-01-01"], ["N", "X", "2026-10-01"]], [["x", "X", "2026-10-01", "150", "customer-order"], ["n", "N", "2026-10-03", "50"]]);
    expect(lines(r, "X")).toEqual([]);
    expect(notPaid(r, "X")[0]?.conditions).toEqual([{ condition: "order", measure: "LRP", actual: "no order", required: "100", met: false }]);
  });

  it("qualified: false pays an enrolled member the plan does not qualify, but never a suspended one", () => {
    // U (0 PV, unqualified) ← N; V (suspended) ← M. Both new members order 100 PV.
    const plan = planText(entry(`    requires: { qualified: false }\n`).replace(`["0.20", "0.10", "0.05"]`, `["0.10"]`));
    const r = run(plan, "2026-10", [["R", null, "2024-01-01"], ["U", "R", "2024-01-01"], ["V", "R", "2024-01-01", "suspended"], ["N", "U", "2026-10-01"], ["M", "V", "2026-10-01"]], [
      ["n", "N", "2026-10-02", "100"], ["m", "M", "2026-10-02", "100"],
    ]);
    expect(lines(r, "U")).toEqual([[1, false, "N", "n", "100", "0.1", "10.00"]]);
    expect(lines(r, "V")).toEqual([]);
    expect(notPaid(r, "V")[0]?.conditions).toEqual([expect.objectContaining({ condition: "status", actual: "suspended", met: false })]);
  });

  it("lines are ordered by level, then source id, then date and order id", () => {
    // R ← P ← {Z, Q}, both new (Z listed first); Q ← K, new. P: level 1 from Q and Z, level 2 from K.
    const plan = planText(entry());
    const r = run(plan, "2026-10", [["R", null, "2024-01-01"], ["P", "R", "2024-01-01"], ["Z", "P", "2026-10-01"], ["Q", "P", "2026-10-01"], ["K", "Q", "2026-10-01"]], [
      ["r", "R", "2026-10-01", "100"], ["p", "P", "2026-10-01", "100"], ["q", "Q", "2026-10-01", "100"],
      ["z2", "Z", "2026-10-09", "10"], ["z1", "Z", "2026-10-02", "20"], ["k", "K", "2026-10-01", "30"],
    ]);
    expect(lines(r, "P")).toEqual([
      // Q first (source id), then Z's orders in date order: z1 (10-02), z2 (10-09).
      [1, false, "Q", "q", "100", "0.2", "20.00"],
      [1, false, "Z", "z1", "20", "0.2", "4.00"],
      [1, false, "Z", "z2", "10", "0.2", "2.00"],
      [2, false, "K", "k", "30", "0.1", "3.00"],
    ]);
  });
});

describe("fast-start: caps per new member and per period", () => {
  const tree: Member[] = [["S", null, "2024-01-01"], ["N", "S", "2026-10-01"]];
  const capped = (caps: string, rates = `["0.10"]`) => planText(`    window: { days: 60 }\n    rates: ${rates}\n    caps: ${caps}`);

  it("source cap: orders of one day in order-id order; the first 200 PV pays, the rest is breakage; state keeps what counted", () => {
    // Same day: a (100) before b (150) by id, whatever the input's order; b counts 100 of 150; c (30) counts 0.
    const r = run(capped(`{ sourceVolume: "200" }`), "2026-10", tree, [["s", "S", "2026-10-01", "100"], ["b", "N", "2026-10-03", "150"], ["a", "N", "2026-10-03", "100"], ["c", "N", "2026-10-05", "30"]]);
    expect(lines(r, "S")).toEqual([
      [1, false, "N", "a", "100", "0.1", "10.00"],
      [1, false, "N", "b", "100", "0.1", "10.00"],
    ]);
    // Potential 10% × 280 = 28.00 = 20.00 paid + 10% × (50 + 30) = 8.00 source-cap.
    expect(accounting(r)).toEqual({ potential: "28.00", paid: "20.00", compressedUp: "0.00", breakage: { ...zero, "source-cap": "8.00" } });
    expect(notPaid(r, "S").map((n) => [n.reason, n.volume, n.forgone])).toEqual([
      ["source-cap", "50", "5.00"],
      ["source-cap", "30", "3.00"],
    ]);
    // N's window (through 2026-11-29) goes on: the state keeps the 200 counted.
    expect(stateNdjson(r)?.split("\n").slice(1, -1)).toEqual(['{"fs.counted":"200","id":"N"}']);
  });

  it("source cap over the window: October counts 280 of 300, November's 50 PV counts 20; the window then ends, the state forgets N", () => {
    const plan = capped(`{ sourceVolume: "300" }`);
    const oct = run(plan, "2026-10", tree, [["s", "S", "2026-10-01", "100"], ["a", "N", "2026-10-03", "100"], ["b", "N", "2026-10-03", "180"]]);
    expect(stateNdjson(oct)?.split("\n").slice(1, -1)).toEqual(['{"fs.counted":"280","id":"N"}']);
    const nov = run(plan, "2026-11", tree, [["s2", "S", "2026-11-01", "100"], ["d", "N", "2026-11-02", "50"]], stateNdjson(oct));
    expect(lines(nov, "S")).toEqual([[1, false, "N", "d", "20", "0.1", "2.00"]]);
    expect(accounting(nov)?.breakage["source-cap"]).toBe("3.00");
    // Day 60 is 2026-11-29, within November: the closing state keeps nothing of N.
    expect(stateNdjson(nov)?.split("\n").slice(1, -1)).toEqual([]);
  });

  it("period cap: 25.00 per receiver; the crossing order pays the base that fits, later ones nothing", () => {
    // 20% × 100 = 20.00; then 5.00 fits: base 25; then nothing. Cut: 20% × (75 + 100) = 35.00; potential 60.00.
    const r = run(capped(`{ periodAmount: "25.00" }`, `["0.20"]`), "2026-10", tree, [["s", "S", "2026-10-01", "100"], ["a", "N", "2026-10-02", "100"], ["b", "N", "2026-10-03", "100"], ["c", "N", "2026-10-04", "100"]]);
    expect(lines(r, "S")).toEqual([
      [1, false, "N", "a", "100", "0.2", "20.00"],
      [1, false, "N", "b", "25", "0.2", "5.00"],
    ]);
    expect(accounting(r)).toEqual({ potential: "60.00", paid: "25.00", compressedUp: "0.00", breakage: { ...zero, "period-cap": "35.00" } });
    expect(notPaid(r, "S").map((n) => [n.reason, n.volume, n.forgone])).toEqual([
      ["period-cap", "75", "15.00"],
      ["period-cap", "100", "20.00"],
    ]);
  });

  it("period cap across sources takes the orders by date, whatever the source: B1's earlier order first", () => {
    // B1 (10-03, 100) pays 20.00 in full; A1 (10-05, 100) then fits 5.00 (base 25). Statement order is by source id.
    const r = run(capped(`{ periodAmount: "25.00" }`, `["0.20"]`), "2026-10", [["S", null, "2024-01-01"], ["A1", "S", "2026-10-01"], ["B1", "S", "2026-10-01"]], [
      ["s", "S", "2026-10-01", "100"], ["a", "A1", "2026-10-05", "100"], ["b", "B1", "2026-10-03", "100"],
    ]);
    expect(lines(r, "S")).toEqual([
      [1, false, "A1", "a", "25", "0.2", "5.00"],
      [1, false, "B1", "b", "100", "0.2", "20.00"],
    ]);
  });

  it("period cap not divisible by the rate: the base is cut to 4 places, the value stays at or below the cap", () => {
    // 10.00 ÷ 3% = 333.3333…: base 333.3333, value 9.999999 (rounded 10.00); cut 666.6667 × 3% = 20.000001.
    const r = run(capped(`{ periodAmount: "10.00" }`, `["0.03"]`), "2026-10", tree, [["s", "S", "2026-10-01", "100"], ["a", "N", "2026-10-02", "1000"]]);
    expect(lines(r, "S")).toEqual([[1, false, "N", "a", "333.3333", "0.03", "10.00"]]);
    expect(r.statement("S")?.lines[0]?.value).toBe("9.999999");
    expect(accounting(r)).toEqual({ potential: "30.00", paid: "9.999999", compressedUp: "0.00", breakage: { ...zero, "period-cap": "20.000001" } });
  });

  it("the period cap's ledger equals b = min(c, ⌊(cap − spent) / rate⌋) in BigInt, in plain numbers and beyond them", () => {
    let seed = 7;
    const rand = (k: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % k;
    };
    // Caps in value units (10^-10): 25.00, 9,000.00, and 10^12 (beyond the plain-number range).
    for (const cap of [250_000_000_000n, 90_000_000_000_000n, 10n ** 22n]) {
      const ledger = new PeriodCap(cap, 3);
      const spent = [0n, 0n, 0n];
      for (let k = 0; k < 2000; k++) {
        const u = rand(3);
        const c = rand(10) === 0 ? rand(1_000_000) * 1_000_000 : rand(5_000_000);
        const rate = rand(8) === 0 ? 0 : 1 + rand(1_000_000);
        const left = cap - (spent[u] as bigint);
        const want = rate === 0 ? c : left <= 0n ? 0 : BigInt(c) * BigInt(rate) <= left ? c : Number(left / BigInt(rate));
        expect(ledger.take(u, c, rate)).toBe(want);
        spent[u] = (spent[u] as bigint) + BigInt(want) * BigInt(rate);
      }
    }
  });

  it("rounding per line: each order's line is rounded alone", () => {
    // 5% × 12.3 = 0.615 → 0.62 half-up, twice: 1.24 (the exact sum is 1.23).
    const r = run(capped(`{ periodAmount: "100" }`, `["0.05"]`), "2026-10", tree, [["s", "S", "2026-10-01", "100"], ["a", "N", "2026-10-02", "12.3"], ["b", "N", "2026-10-03", "12.3"]]);
    expect(r.statement("S")?.bonuses.fs).toBe("1.24");
    expect(r.summary.bonuses[0]?.exact).toBe("1.23");
  });
});

describe("fast-start: no unilevel on fast-start orders (leavesOut)", () => {
  // UPV reads the orders' PV without the fast-start orders; the unilevel pays 2% of UPV at level 1.
  const measures = "  UPV: { volumeOf: PV, counts: [personal-consumption, customer-order], personalConsumptionCap: \"50\", leavesOut: [fs] }\n";
  const unilevel = `  - key: unilevel
    kind: unilevel
    measure: UPV
    compression: none
    unqualifiedVolumePays: true
    schedule: [{ rates: ["0.02"] }]
`;
  const plan = planText(`    window: { days: 10 }\n    rates: ["0.20"]`, measures, unilevel);
  // N joined 2026-10-01: its 10-05 order (200) is inside the 10-day window, its 10-20 order (80) outside.
  const r = run(plan, "2026-10", [["S", null, "2024-01-01"], ["N", "S", "2026-10-01"]], [["s", "S", "2026-10-01", "100"], ["in", "N", "2026-10-05", "200"], ["out", "N", "2026-10-20", "80"]]);

  it("the fast start pays on the order inside the window and the unilevel only on what remains", () => {
    // Fast start 20% × 200 = 40.00. UPV of N: 80 outside, capped at 50 → unilevel 2% × 50 = 1.00.
    expect(r.statement("S")?.bonuses).toEqual({ fs: "40.00", unilevel: "1.00" });
    expect(r.statement("N")?.volumes.personal).toEqual({ PV: "280", UPV: "50" });
    expect(r.statement("N")?.volumes.personalConsumptionExcluded).toEqual({ UPV: "30" });
  });

  it("a what-if that changes the window recomputes the measures that leave its orders out (not reused)", () => {
    // 10 days → 30 days: N's 10-20 order moves inside; UPV of N becomes 0 and the unilevel nothing.
    const sim = simulate(parsePlan(plan), { changes: [{ set: "bonuses[key=fs].window.days", value: 30 }] }, { period: "2026-10", members: members([["S", null, "2024-01-01"], ["N", "S", "2026-10-01"]]), orders: orders([["s", "S", "2026-10-01", "100"], ["in", "N", "2026-10-05", "200"], ["out", "N", "2026-10-20", "80"]]) });
    expect(sim.before.statement("N")?.volumes.personal.UPV).toBe("50");
    expect(sim.after.statement("N")?.volumes.personal.UPV).toBe("0");
    expect(sim.after.statement("S")?.bonuses).toEqual({ fs: "56.00" }); // 20% × (200 + 80)
  });

  it("explain breaks a leavesOut measure down with what was left out", () => {
    const q = parsePlan(plan.replace("personal: { measure: PV, minimum: \"50\" }", "personal: { measure: UPV, minimum: \"50\" }"));
    const again = calculate(q, { period: "2026-10", members: members([["S", null, "2024-01-01"], ["N", "S", "2026-10-01"]]), orders: orders([["s", "S", "2026-10-01", "100"], ["in", "N", "2026-10-05", "200"], ["out", "N", "2026-10-20", "80"]]) });
    const kinds = explain(again, "N").qualification.find((c) => c.condition === "personal")?.breakdown?.kinds;
    expect(kinds?.[0]).toEqual({ kind: "personal-consumption", raw: "280", counted: "50", counts: true, leftOut: "200" });
  });
});

describe("fast-start: plan checks", () => {
  const codes = (text: string) => {
    const r = safeParsePlan(text);
    return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")]);
  };
  const entry = (body: string) => planText(body, "  APV: { accumulates: PV }\n");

  it("a window gives exactly one of days and months, in range", () => {
    expect(codes(planText(`    window: { days: 60, months: 2 }\n    rates: ["0.1"]`))).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.window"]]);
    expect(codes(planText(`    window: {}\n    rates: ["0.1"]`))).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.window"]]);
    expect(codes(planText(`    window: { days: 731 }\n    rates: ["0.1"]`))).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.window.days"]]);
    expect(codes(planText(`    window: { months: 0 }\n    rates: ["0.1"]`))).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.window.months"]]);
  });

  it("measures with a volume per order; caps given and in the money scale", () => {
    expect(codes(entry(`    window: { days: 60 }\n    rates: ["0.1"]\n    requires: { order: { measure: APV, minimum: "1" } }`).replace("measure: PV\n    window", "measure: APV\n    window"))).toEqual([
      ["PLAN_INVALID_VALUE", "bonuses.0.measure"],
      ["PLAN_INVALID_VALUE", "bonuses.0.requires.order.measure"],
    ]);
    expect(codes(planText(`    window: { days: 60 }\n    rates: ["0.1"]\n    caps: {}`))).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.caps"]]);
    expect(codes(planText(`    window: { days: 60 }\n    rates: ["0.1"]\n    caps: { periodAmount: "1.005" }`))).toEqual([["PLAN_DECIMAL_PRECISION", "bonuses.0.caps.periodAmount"]]);
    expect(codes(planText(`    window: { days: 60 }\n    rates: []`))[0]?.[1]).toBe("bonuses.0.rates");
  });

  it("leavesOut names bonuses with a window, on a counting measure; volumeOf names a measure orders carry", () => {
    const m = (line: string) => codes(planText(`    window: { days: 60 }\n    rates: ["0.1"]`, `${line}\n`, "  - { key: rb, kind: rank-bonus, amounts: { Gold: \"1\" } }\n").replace("bonuses:", "ranks: [{ name: Gold, requires: {} }]\nbonuses:"));
    expect(m("  U: { counts: [retail-sale], leavesOut: [fz] }")).toEqual([["PLAN_UNKNOWN_BONUS", "measures.U.leavesOut.0"]]);
    expect(m("  U: { counts: [retail-sale], leavesOut: [rb] }")).toEqual([["PLAN_INVALID_VALUE", "measures.U.leavesOut.0"]]);
    expect(m("  U: { counts: [retail-sale], leavesOut: [fs, fs] }")).toEqual([["PLAN_INVALID_VALUE", "measures.U.leavesOut.1"]]);
    expect(m("  U: { accumulates: PV, leavesOut: [fs] }")).toEqual([["PLAN_INVALID_VALUE", "measures.U.leavesOut"]]);
    expect(m("  U: { volumeOf: NOPE, counts: [retail-sale] }")).toEqual([["PLAN_UNKNOWN_MEASURE", "measures.U.volumeOf"]]);
    expect(m("  U: { volumeOf: PV, counts: [retail-sale] }\n  W: { volumeOf: U, counts: [retail-sale] }")).toEqual([["PLAN_INVALID_VALUE", "measures.W.volumeOf"]]);
    expect(m("  U: { accumulates: PV, volumeOf: PV }")).toEqual([["PLAN_INVALID_VALUE", "measures.U.volumeOf"]]);
  });
});

describe("fast-start: random trees, every option; explain recomputes each member's part and must agree", () => {
  // A seeded generator (xorshift): the runs are the same each time.
  let seed = 0x2f6b_1e37;
  const rand = (k: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % k;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)] as T;
  for (let t = 0; t < 60; t++) {
    const n = 2 + rand(40);
    const tree: Member[] = [];
    for (let i = 0; i < n; i++) {
      const join = `2026-${pick(["07", "08", "09", "09", "10", "10"])}-${String(1 + rand(28)).padStart(2, "0")}`;
      const sponsor = i === 0 ? null : `M${rand(i)}`;
      tree.push(rand(10) === 0 ? [`M${i}`, sponsor, join, "suspended"] : [`M${i}`, sponsor, join]);
    }
    const ords: Order[] = [];
    for (let k = 0, count = rand(4 * n); k < count; k++) {
      ords.push([`o${rand(1000)}-${k}`, `M${rand(n)}`, `2026-10-${String(1 + rand(31)).padStart(2, "0")}`, String(rand(5) * 25 + rand(100) / 4), pick(["personal-consumption", "customer-order", "retail-sale"] as const)]);
    }
    const window = pick(["{ days: 30 }", "{ days: 61 }", "{ months: 1 }", "{ months: 3 }"]);
    const options = [
      `    window: ${window}`,
      `    rates: ${pick(['["0.2"]', '["0.2", "0.1", "0.05"]', '["0.1", "0", "0.07", "0.03"]'])}`,
      `    unqualified: ${pick(["breakage", "roll-up"])}`,
      pick(["", `    requires: { qualified: ${pick(["true", "false"])}, order: { measure: PV, minimum: "${pick(["25", "50.25", "75"])}" } }`]),
      pick(["", `    caps: { sourceVolume: "${pick(["40", "100"])}" }`, `    caps: { periodAmount: "${pick(["3.00", "7.50"])}" }`, `    caps: { sourceVolume: "60", periodAmount: "5.00" }`]),
    ].filter((x) => x !== "");
    it(`case ${t}: ${n} members, ${ords.length} orders, ${options.map((o) => o.trim()).join("; ")}`, () => {
      const r = run(planText(options.join("\n")), "2026-10", tree, ords);
      // Conservation is asserted by the run itself; every line's value is its base × rate and non-zero.
      for (const [id] of tree) for (const l of r.statement(id)?.lines ?? []) expect(l.value).not.toMatch(/^-?0\.0+$/);
    });
  }
});
