// Explaining stairstep, by example. Every figure and reason is worked by hand from docs/plan-language.md
// ("`stairstep`") and docs/audit.md; explain itself checks each explained line against the statement.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { BonusPart } from "../../audit/explanation.js";
import { formatSummary } from "../../cli/format.js";
import { type MemberInput, type OrderInput, calculate, explain, formatExplanation, parsePlan } from "../../index.js";

const AMWAY_STEPS = `
      - { minimum: "300", rate: "0.06" }
      - { minimum: "1000", rate: "0.09" }
      - { minimum: "2000", rate: "0.12" }
      - { minimum: "4000", rate: "0.15" }
      - { minimum: "10000", rate: "0.21" }`;

/** A plan with PV and BV measures, qualification at 50 PV, and one stairstep entry (`entry` indented 4). */
const planText = (entry: string, top = "") => `
compplan: 1
id: stairstep-explain
currency: USD
money: { scale: 2, rounding: { mode: half-up, applies: line } }
payoutBasis: BV
measures:
  PV: { counts: [personal-consumption, customer-order] }
  BV: { counts: [personal-consumption, customer-order] }
qualification:
  personal: { measure: PV, minimum: "50" }
${top}bonuses:
  - key: performance
    kind: stairstep
${entry}
`;

type Row = [id: string, sponsor: string | null, pv: string, bv?: string | undefined, rank?: string];
function run(plan: string, tree: Row[]) {
  const members: MemberInput[] = tree.map(([id, sponsorId, , , rank]) => ({ id, sponsorId, joinDate: "2024-01-01", ...(rank !== undefined ? { rank } : {}) }));
  const orders: OrderInput[] = tree.flatMap(([id, , pv, bv]) =>
    pv === "0" && (bv ?? "0") === "0" ? [] : [{ id: `o-${id}`, memberId: id, kind: "personal-consumption" as const, date: "2026-10-02", volumes: { PV: pv, BV: bv ?? pv } }],
  );
  return calculate(parsePlan(plan), { period: "2026-10", members, orders });
}
type Result = ReturnType<typeof run>;
const part = (r: Result, id: string) => explain(r, id, { bonus: "performance" }).bonuses[0] as BonusPart;
/** A member's explained lines as [level, source, base, rate, amount, explanation]. */
const lines = (r: Result, id: string) => part(r, id).lines.map((l) => [l.level, l.source ?? null, l.base, l.rate, l.amount, l.explanation]);
const reasons = (r: Result, id: string) => part(r, id).notPaid.map((n) => [n.reason, n.message]);

describe("stairstep explain: the published Amway India example 2 (group PV sets the rate, paid on group BV)", () => {
  const tree: Row[] = [["YOU", null, "300", "18000"], ...["A", "B", "C", "D"].map((id): Row => [id, "YOU", "300", "18000"])];
  const plan = (extra = "") => planText(`    volume: PV\n    measure: BV\n${extra}    steps:${AMWAY_STEPS}`);

  it("YOU: 1,500 group PV sets 9%; each sponsored member's 300 sets 6%, so YOU earns 3% of each group BV 18,000 and 9% of its own", () => {
    const r = run(plan(), tree);
    const leg = (x: string) => [0, x, "18000", "0.03", "540.00", `your group PV 1,500 sets 9%; ${x}'s group PV 300 sets 6%; you earn 9% − 6% = 3% of ${x}'s group BV 18,000 = 540.00`];
    expect(lines(r, "YOU")).toEqual([leg("A"), leg("B"), leg("C"), leg("D"), [0, "YOU", "18000", "0.09", "1620.00", "your group PV 1,500 sets 9%: 9% of your own BV 18,000 = 1,620.00"]]);
    const a = part(r, "YOU").lines[0];
    expect(a?.from).toEqual({ count: 1, volume: "18000", shown: [{ memberId: "A", volume: "18000", distance: 1, level: 1, qualified: true }], omitted: 0 });
    expect(part(r, "YOU").notPaid).toEqual([{ reason: "next-step", message: "step 2 of 5 (9%); 500 more group PV reaches step 3 (12%)", volume: "500", rate: "0.12" }]);
    expect(lines(r, "A")).toEqual([[0, "A", "18000", "0.06", "1080.00", "your group PV 300 sets 6%: 6% of your own BV 18,000 = 1,080.00"]]);
    expect(reasons(r, "A")).toEqual([["next-step", "step 1 of 5 (6%); 700 more group PV reaches step 2 (9%)"]]);
  });

  it("deduct: the gross 9% of the group BV 90,000 (all five members listed), less each sponsored member's 6% of 18,000", () => {
    const r = run(plan("    method: deduct\n"), tree);
    const less = (x: string) => [0, x, "18000", "-0.06", "-1080.00", `less ${x}'s own bonus (you sponsored ${x}): ${x}'s group PV 300 sets 6%: 6% of ${x}'s group BV 18,000 = 1,080.00`];
    expect(lines(r, "YOU")).toEqual([less("A"), less("B"), less("C"), less("D"), [0, "YOU", "90000", "0.09", "8100.00", "your group PV 1,500 sets 9%: 9% of your group BV 90,000 (you and everyone below you) = 8,100.00"]]);
    expect(part(r, "YOU").lines[4]?.from).toMatchObject({ count: 5, volume: "90000", omitted: 0 });
    expect(part(r, "YOU").lines[4]?.from?.shown.map((s) => [s.memberId, s.distance])).toEqual([["A", 1], ["B", 1], ["C", 1], ["D", 1], ["YOU", 0]]);
  });

  it("lines: per-member: the four legs at 3% are one line of 72,000 from 4 sources, named in its note", () => {
    const r = run(plan("    lines: per-member\n"), tree);
    const ex = part(r, "YOU");
    expect(ex.lines.map((l) => [l.sources, l.source ?? null, l.base, l.rate, l.amount])).toEqual([
      [4, null, "72000", "0.03", "2160.00"],
      [1, "YOU", "18000", "0.09", "1620.00"],
    ]);
    expect(ex.lines[0]?.explanation).toBe(
      "your group PV 1,500 sets 9%; you earn 9% − 6% = 3% of BV 72,000 = 2,160.00, merged from 4 lines: A's group 18,000 (A's group PV 300 sets 6%); B's group 18,000 (B's group PV 300 sets 6%); C's group 18,000 (C's group PV 300 sets 6%); D's group 18,000 (D's group PV 300 sets 6%)",
    );
    expect(ex.lines[0]?.from).toMatchObject({ count: 4, volume: "72000", omitted: 0 });
    // At most `sourcesMax` sources are listed; the rest are counted.
    const two = explain(r, "YOU", { bonus: "performance", sourcesMax: 2 }).bonuses[0]?.lines[0]?.from;
    expect(two).toMatchObject({ count: 4, volume: "72000", omitted: 2 });
    expect(two?.shown.map((s) => s.memberId)).toEqual(["A", "B"]);
  });
});

describe("stairstep explain: the issue's sentence and legs with several rates", () => {
  it("your group PV 10,000 sets 21%; A's 2,000 sets 12%; you earn 21% − 12% = 9% of A's group BV 120,000 = 10,800", () => {
    const r = run(planText(`    volume: PV\n    measure: BV\n    steps:${AMWAY_STEPS}`), [["YOU", null, "8000", "480000"], ["A", "YOU", "2000", "120000"]]);
    expect(lines(r, "YOU")[0]).toEqual([0, "A", "120000", "0.09", "10800.00", "your group PV 10,000 sets 21%; A's group PV 2,000 sets 12%; you earn 21% − 12% = 9% of A's group BV 120,000 = 10,800.00"]);
    expect(reasons(r, "YOU")).toEqual([]);
  });

  it("a leg split by rates: the part where no one has a rate pays the full rate; the part below a 9% member pays the difference", () => {
    // YOU 2,000 ← U 40 (unqualified: roll-up makes its 9% count 0) ← C 1,000 (9%). YOU's group 3,040: 12%.
    const r = run(planText(`    volume: PV\n    steps:${AMWAY_STEPS}`), [["YOU", null, "2000"], ["U", "YOU", "40"], ["C", "U", "1000"]]);
    expect(lines(r, "YOU")).toEqual([
      [0, "U", "40", "0.12", "4.80", "your group PV 3,040 sets 12%; you earn your full 12% of PV 40 in U's leg = 4.80 (the part of the leg where no one below you has a rate)"],
      [0, "U", "1000", "0.03", "30.00", "your group PV 3,040 sets 12%; C's group PV 1,000 sets 9%; you earn 12% − 9% = 3% of PV 1,000 in U's leg = 30.00 (the part of the leg where 9% is the highest rate below you)"],
      [0, "YOU", "2000", "0.12", "240.00", "your group PV 3,040 sets 12%: 12% of your own PV 2,000 = 240.00"],
    ]);
    expect(part(r, "YOU").lines[1]?.from?.shown.map((s) => [s.memberId, s.volume, s.distance])).toEqual([["C", "1000", 2]]);
  });

  it("rate-not-below: a leg whose rate equals the member's pays nothing, and says whose rate it is", () => {
    // YOU 1,000 + B 10,000 = 11,000: 21%; B's 10,000 also sets 21% (no breakaway in this plan).
    const r = run(planText(`    volume: PV\n    steps:${AMWAY_STEPS}`), [["YOU", null, "1000"], ["B", "YOU", "10000"], ["C", "YOU", "0"]]);
    expect(lines(r, "YOU").map((l) => l.slice(0, 5))).toEqual([[0, "YOU", "1000", "0.21", "210.00"]]);
    expect(part(r, "YOU").notPaid).toEqual([
      {
        reason: "rate-not-below",
        message: "B's leg: B's group PV 10,000 sets 21%, not below your 21%: PV 10,000 there pays you nothing (the rates below take it)",
        volume: "10000",
        rate: "0.21",
        from: { count: 1, volume: "10000", shown: [{ memberId: "B", volume: "10000", distance: 1, level: 1, qualified: true }], omitted: 0 },
      },
    ]);
  });

  it("no-step: the bracket volume below the first minimum, and by how much", () => {
    const r = run(planText(`    volume: PV\n    steps:${AMWAY_STEPS}`), [["A", null, "200"], ["B", "A", "99.9999"]]);
    expect(lines(r, "A")).toEqual([]);
    expect(part(r, "A").notPaid).toEqual([{ reason: "no-step", message: "your group PV 299.9999 is below the first step, 300 for 6% (0.0001 short): no rate", volume: "299.9999", rate: "0.06" }]);
  });
});

describe("stairstep explain: unqualified members", () => {
  // YOU 2,000 ← U 40 (unqualified: below 50 PV; group 1,040 → 9%) ← C 1,000 (9%).
  const tree: Row[] = [["YOU", null, "2000"], ["U", "YOU", "40"], ["C", "U", "1000"]];

  it("roll-up: U's 9% counts as 0 and rolls up to YOU (12%); qualified, U would earn 9% of its own 40 = 3.60 (C's 9% is not below)", () => {
    const r = run(planText(`    volume: PV\n    steps:${AMWAY_STEPS}`), tree);
    expect(lines(r, "U")).toEqual([]);
    const u = part(r, "U").notPaid[0];
    expect(u).toMatchObject({
      reason: "member-unqualified",
      message: "your group PV 1,040 sets 9%, but you were not qualified, so your 9% counts as 0 (unqualified: roll-up) and rolls up: YOU, the nearest member above you with a rate (12%), earns on your group's volume instead",
      volume: "40",
      rate: "0.09",
      forgone: "3.60",
    });
    expect(u?.conditions?.map((c) => [c.condition, c.actual, c.required])).toEqual([["personal", "40", "50"]]);
  });

  it("breakage: U's 9% still counts above; what it would pay U, 3.60, is breakage (as the run's accounting says)", () => {
    const r = run(planText(`    volume: PV\n    unqualified: breakage\n    steps:${AMWAY_STEPS}`), tree);
    expect(part(r, "U").notPaid[0]).toMatchObject({
      reason: "member-unqualified",
      message: "your group PV 1,040 sets 9%, but you were not qualified: what it would pay you is breakage (unqualified: breakage), and the members above still count your 9%",
      forgone: "3.60",
    });
    expect(r.summary.bonuses[0]?.accounting?.breakage["member-unqualified"]).toBe("3.60");
    // YOU's leg through U: U's 9% (unqualified, still counted) sets the rate on the whole 1,040.
    expect(lines(r, "YOU")[0]).toEqual([
      0,
      "U",
      "1040",
      "0.03",
      "31.20",
      "your group PV 3,040 sets 12%; U's group PV 1,040 sets 9% (U is not qualified; under unqualified: breakage the rate still counts); you earn 12% − 9% = 3% of U's group PV 1,040 = 31.20",
    ]);
  });

  it("deduct: an unqualified member's group bonus less the sponsored members' is breakage: 9% of 1,040 − 9% of 1,000 = 3.60", () => {
    const r = run(planText(`    volume: PV\n    method: deduct\n    steps:${AMWAY_STEPS}`), tree);
    expect(part(r, "U").notPaid[0]).toMatchObject({ reason: "member-unqualified", volume: "1040", forgone: "3.60" });
    expect(r.summary.bonuses[0]?.accounting?.breakage["member-unqualified"]).toBe("3.60");
  });
});

describe("stairstep explain: breakaway and its generation override", () => {
  const steps = `\n      - { minimum: "300", rate: "0.06" }\n      - { minimum: "1000", rate: "0.09" }\n      - { minimum: "2000", rate: "0.21" }`;
  const plan = (breakaway: string) => planText(`    volume: PV\n    steps:${steps}\n    breakaway: ${breakaway}`);
  // R 3,000 ← T 500 ← D1 2,000 ← X 100 ← D2 2,500. D2 (2,500) and D1 (2,000 + 100) break away at step 3;
  // T's group is then its own 500 (6%); R's is 3,000 + 500 = 3,500 (21%, breaks away too).
  const tree: Row[] = [["R", null, "3000"], ["T", "R", "500"], ["D1", "T", "2000"], ["X", "D1", "100"], ["D2", "X", "2500"]];

  it("R's overrides name the generation and the breakaway member whose group pays it", () => {
    const r = run(plan('{ from: 3, generations: ["0.04", "0.02"] }'), tree);
    expect(lines(r, "R")).toEqual([
      [0, "R", "3000", "0.21", "630.00", "your group PV 3,500 sets 21%: 21% of your own PV 3,000 = 630.00; you broke away (qualified, at step 3; breakaway from step 3)"],
      [0, "T", "500", "0.15", "75.00", "your group PV 3,500 sets 21%; T's group PV 500 sets 6%; you earn 21% − 6% = 15% of T's group PV 500 = 75.00"],
      [1, "D1", "2100", "0.04", "84.00", "override, generation 1: 4% of D1's group PV 2,100 = 84.00; D1 is the first to break away below you (qualified, at step 3 (21%) with group PV 2,100; breakaway from step 3)"],
      [2, "D2", "2500", "0.02", "50.00", "override, generation 2: 2% of D2's group PV 2,500 = 50.00; D2 is the first to break away below D1, your generation 1 (qualified, at step 3 (21%) with group PV 2,500; breakaway from step 3)"],
    ]);
    // The override's base is the breakaway group: D1 and X (D2's group is a later generation).
    expect(part(r, "R").lines[2]?.from?.shown.map((s) => [s.memberId, s.volume, s.distance])).toEqual([["D1", "2000", 2], ["X", "100", 3]]);
    expect(reasons(r, "R")).toEqual([
      ["breakaway", "D1 broke away (qualified, at step 3 (21%) with group PV 2,100; breakaway from step 3): D1's group PV 2,100 left your bracket and group volume, and pays you no differential; you earn an override on it instead (generation 1, 4%)"],
    ]);
  });

  it("T, who does not break away, is told which leg broke away and that only breakaway members earn its override", () => {
    const r = run(plan('{ from: 3, generations: ["0.04", "0.02"] }'), tree);
    expect(reasons(r, "T")).toEqual([
      ["next-step", "step 1 of 3 (6%); 500 more group PV reaches step 2 (9%)"],
      ["breakaway", "D1 broke away (qualified, at step 3 (21%) with group PV 2,100; breakaway from step 3): D1's group PV 2,100 left your bracket and group volume, and pays you no differential; only a member who breaks away (qualified, at step 3 or above) earns an override on it (you: step 1)"],
    ]);
    // X has no step because D2's 2,500 left its group: 100 is 200 short of 300.
    expect(reasons(r, "X").map(([reason]) => reason)).toEqual(["no-step", "breakaway"]);
    expect(part(r, "X").notPaid[0]?.message).toBe("your group PV 100 is below the first step, 300 for 6% (200 short): no rate");
  });

  it("minimumGroup missed by 0.0001: D1's generation-1 override on D2 (4% of 2,500 = 100) is breakage, with actual vs required", () => {
    const r = run(plan('{ from: 3, generations: ["0.04"], minimumGroup: "2100.0001" }'), tree);
    expect(lines(r, "D1").map((l) => l[0])).toEqual([0, 0]);
    const n = part(r, "D1").notPaid.find((x) => x.reason === "override-unqualified");
    expect(n).toEqual({
      reason: "override-unqualified",
      message: "your overrides need group PV of at least 2,100.0001 (yours: 2,100): the overrides on 1 breakaway group below you, 100.00 in all, are breakage",
      volume: "2500",
      forgone: "100.00",
      conditions: [{ condition: "minimumGroup", measure: "PV", actual: "2100", required: "2100.0001", met: false }],
    });
    expect(part(r, "D1").notPaid.find((x) => x.reason === "breakaway")?.message).toContain("its override, 4% of 2,500, is breakage (see override-unqualified)");
    expect(r.summary.bonuses[0]?.accounting?.breakage["override-unqualified"]).toBe("100.00");
  });

  it("minimumLegs 2: R (one breakaway leg, through T) forgoes 84 + 50; D1 (one, through X) forgoes 100: 234 in all", () => {
    const r = run(plan('{ from: 3, generations: ["0.04", "0.02"], minimumLegs: 2 }'), tree);
    const R = part(r, "R").notPaid.find((x) => x.reason === "override-unqualified");
    expect(R).toMatchObject({ forgone: "134.00", conditions: [{ condition: "minimumLegs", actual: "1", required: "2", met: false }] });
    expect(R?.message).toBe("your overrides need 2 breakaway legs (yours: 1): the overrides on 2 breakaway groups below you, 134.00 in all, are breakage");
    expect(part(r, "D1").notPaid.find((x) => x.reason === "override-unqualified")?.forgone).toBe("100.00");
    expect(r.summary.bonuses[0]?.accounting?.breakage["override-unqualified"]).toBe("234.00");
  });

  it("deduct: a sponsored member who broke away is not deducted (their group left): P's 9% of its own 1,500 only", () => {
    const deduct = planText(`    volume: PV\n    method: deduct\n    steps:${steps}\n    breakaway: { from: 3 }`);
    const r = run(deduct, [["P", null, "1500"], ["Q", "P", "2500"]]);
    expect(lines(r, "P")).toEqual([[0, "P", "1500", "0.09", "135.00", "your group PV 1,500 sets 9%: 9% of your group PV 1,500 (you and everyone below you, down to the members who broke away) = 135.00"]]);
    expect(reasons(r, "P")).toEqual([
      ["next-step", "step 2 of 3 (9%); 500 more group PV reaches step 3 (21%)"],
      ["breakaway", "Q broke away (qualified, at step 3 (21%) with group PV 2,500; breakaway from step 3): Q's group PV 2,500 left your bracket and group volume, and is not part of your group bonus"],
    ]);
  });

  it("method: group: the unit is the leader's group down to the members who broke away", () => {
    const unit = planText(`    volume: PV\n    method: group\n    steps:\n      - { minimum: "2000", rate: "0.09" }\n    breakaway: { from: 1 }`);
    const r = run(unit, [["D", null, "1500"], ["M", "D", "600"], ["E", "M", "2500"]]);
    expect(lines(r, "D")).toEqual([[0, "D", "2100", "0.09", "189.00", "your group PV 2,100 sets 9%: 9% of your unit's PV 2,100 (you and everyone below you, down to the members who broke away) = 189.00; you broke away (qualified, at step 1; breakaway from step 1)"]]);
    expect(reasons(r, "D")).toEqual([["breakaway", "E broke away (qualified, at step 1 (9%) with group PV 2,500; breakaway from step 1): E's group PV 2,500 left your bracket and group volume, and is not part of your unit"]]);
    expect(lines(r, "E")[0]?.[5]).toBe("your group PV 2,500 sets 9%: 9% of your unit's PV 2,500 (you and everyone below you) = 225.00; you broke away (qualified, at step 1; breakaway from step 1): your group is not part of M's");
  });
});

describe("stairstep explain: steps by rank and a point value; the personal method", () => {
  const ranks = `givenRank: paid-as
ranks:
  - { name: Level 5, requires: { personal: { measure: PV, minimum: "1000000" } } }
  - { name: Level 8, requires: { personal: { measure: PV, minimum: "2000000" } } }
  - { name: Level 12, requires: { personal: { measure: PV, minimum: "3000000" } } }
`;
  const rankSteps = `    steps:\n      - { rank: Level 5, rate: "0.05" }\n      - { rank: Level 8, rate: "0.08" }\n      - { rank: Level 12, rate: "0.12" }`;

  it("points at Rs 18: each rate is shown with its point value: (12% − 5%) × 18 = 1.26 per PV on A's 300 = 378", () => {
    const plan = planText(`    volume: PV\n    pointValue: "18"\n${rankSteps}`, ranks);
    const r = run(plan, [["YOU", null, "300", undefined, "Level 12"], ["A", "YOU", "300", undefined, "Level 5"], ["B", "YOU", "1000", undefined, "Level 8"], ["N", "YOU", "100"]]);
    expect(lines(r, "YOU")).toEqual([
      [0, "A", "300", "1.26", "378.00", "your paid-as rank Level 12 sets 12%; A's paid-as rank Level 5 sets 5%; you earn (12% − 5%) × 18 = 1.26 per PV on A's group PV 300 = 378.00"],
      [0, "B", "1000", "0.72", "720.00", "your paid-as rank Level 12 sets 12%; B's paid-as rank Level 8 sets 8%; you earn (12% − 8%) × 18 = 0.72 per PV on B's group PV 1,000 = 720.00"],
      [0, "N", "100", "2.16", "216.00", "your paid-as rank Level 12 sets 12%; no one in N's group has a rate, so you earn your full 12% × 18 = 2.16 per PV on N's group PV 100 = 216.00"],
      [0, "YOU", "300", "2.16", "648.00", "your paid-as rank Level 12 sets 12%: 12% × 18 = 2.16 per PV on your own PV 300 = 648.00"],
    ]);
    expect(part(r, "N").notPaid).toEqual([{ reason: "no-step", message: "you have no paid-as rank, below the first step's rank Level 5 (5%): no rate", rank: "Level 5" }]);
    expect(part(r, "A").notPaid).toEqual([{ reason: "next-step", message: "step 1 of 3 (5%); paid as Level 8 reaches step 2 (8%)", rate: "1.44", rank: "Level 8" }]);
  });

  it("a matching bonus per source on deduct earnings explains a negative one too: M matches P's −25 and Q's 10 at 10%", () => {
    // P (Level 5, 100) over C (Level 8, 1,000): 5% of 1,100 − 8% of 1,000 = −25; Q (Level 5, 200): 5% of 200 = 10.
    const entry = `    volume: PV\n    method: deduct\n${rankSteps}\n  - key: matching\n    kind: matching\n    of: [performance]\n    lines: per-source\n    schedule: [{ rates: ["0.10"] }]`;
    const r = run(planText(entry, ranks), [["M", null, "100"], ["P", "M", "100", undefined, "Level 5"], ["C", "P", "1000", undefined, "Level 8"], ["Q", "M", "200", undefined, "Level 5"]]);
    const m = explain(r, "M", { bonus: "matching" }).bonuses[0];
    expect(m?.lines.map((l) => [l.source, l.base, l.amount])).toEqual([
      ["P", "-25", "-2.50"],
      ["Q", "10", "1.00"],
    ]);
  });

  it("method: personal: own volume at the rate the group sets (VBO: 600 PV, 5,000 GV → 25% = 150)", () => {
    const vbo = planText(`    volume: PV\n    method: personal\n    steps:\n      - { minimum: "200", rate: "0.03" }\n      - { minimum: "600", rate: "0.09" }\n      - { minimum: "5000", rate: "0.25" }`);
    const r = run(vbo, [["YOU", null, "600"], ["DOWN", "YOU", "4400"]]);
    expect(lines(r, "YOU")).toEqual([[0, "YOU", "600", "0.25", "150.00", "your group PV 5,000 sets 25%: 25% of your own PV 600 = 150.00"]]);
  });
});

describe("stairstep explain: breakaway with method personal", () => {
  it("A (100) over B (1,000, breaks away at step 2): A is told B's 1,000 left its bracket, so 10% not 20%; A's override on B", () => {
    const steps = `\n      - { minimum: "100", rate: "0.10" }\n      - { minimum: "1000", rate: "0.20" }`;
    const r = run(planText(`    volume: PV\n    method: personal\n    steps:${steps}\n    breakaway: { from: 1, generations: ["0.05"] }`), [["A", null, "100"], ["B", "A", "1000"]]);
    // A (100: step 1, qualified) and B (1,000: step 2) both break away; A's generation 1 is B: 5% of 1,000 = 50.
    expect(lines(r, "A")).toEqual([
      [0, "A", "100", "0.1", "10.00", "your group PV 100 sets 10%: 10% of your own PV 100 = 10.00; you broke away (qualified, at step 1; breakaway from step 1)"],
      [1, "B", "1000", "0.05", "50.00", "override, generation 1: 5% of B's group PV 1,000 = 50.00; B is the first to break away below you (qualified, at step 2 (20%) with group PV 1,000; breakaway from step 1)"],
    ]);
    expect(reasons(r, "A")).toEqual([
      ["next-step", "step 1 of 2 (10%); 900 more group PV reaches step 2 (20%)"],
      ["breakaway", "B broke away (qualified, at step 2 (20%) with group PV 1,000; breakaway from step 1): B's group PV 1,000 left your bracket and group volume; you earn an override on it instead (generation 1, 5%)"],
    ]);
  });
});

describe("stairstep explain: as text, and the run summary", () => {
  it("formatExplanation heads stairstep lines `line` (level 0 is no level) and overrides by their level; the summary adds up with withheld", () => {
    const plan = planText(`    volume: PV\n    steps:\n      - { minimum: "300", rate: "0.06" }\n      - { minimum: "2000", rate: "0.21" }\n    breakaway: { from: 2, generations: ["0.04"] }`);
    const r = run(plan, [["R", null, "2000"], ["T", "R", "300"], ["D", "T", "2500"]]);
    const text = formatExplanation(explain(r, "R", { bonus: "performance" }));
    expect(text).toContain("  line: your group PV 2,300 sets 21%; T's group PV 300 sets 6%; you earn 21% − 6% = 15% of T's group PV 300 = 45.00\n      300 × 0.15 = 45.00;");
    expect(text).toContain("  level 1: override, generation 1: 4% of D's group PV 2,500 = 100.00;");
    expect(text).not.toContain("level 0");
    // potential 21% × 2,300 + 6% × 300 + 21% × 2,500 + 4% × 2,500 = 483 + 18 + 525 + 100; withheld: T's 6% of 300.
    expect(formatSummary(r.summary, parsePlan(plan))).toContain("potential 1,126.00 = paid 1,108.00 + compressed up 0.00 + withheld 18.00 + breakage 0");
  });
});

describe("stairstep explain: rate zero, and the reasons are documented", () => {
  it("a step whose rate is 0 pays nothing and says so", () => {
    const r = run(planText(`    volume: PV\n    steps:\n      - { minimum: "100", rate: "0" }\n      - { minimum: "200", rate: "0.1" }`), [["A", null, "150"]]);
    expect(lines(r, "A")).toEqual([]);
    expect(reasons(r, "A")).toEqual([
      ["rate-zero", "your group PV 150 sets 0%: the plan's rate of step 1 is 0"],
      ["next-step", "step 1 of 2 (0%); 50 more group PV reaches step 2 (10%)"],
    ]);
  });

  it("docs/audit.md lists every notPaid reason stairstep gives", () => {
    const row = readFileSync(new URL("../../../docs/audit.md", import.meta.url), "utf8").split("\n").find((l) => l.startsWith("| stairstep |")) ?? "";
    for (const reason of ["no-step", "rate-zero", "member-unqualified", "next-step", "rate-not-below", "breakaway", "override-unqualified"]) expect(row).toContain(`\`${reason}\``);
  });
});
