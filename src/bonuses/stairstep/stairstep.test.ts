// Stairstep by example, at its rules' edges. Every figure is worked by hand from docs/plan-language.md
// ("`stairstep`"); none is read back from the engine.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, calculate, parsePlan, safeParsePlan } from "../../index.js";

const AMWAY_STEPS = `
      - { minimum: "300", rate: "0.06" }
      - { minimum: "1000", rate: "0.09" }
      - { minimum: "2000", rate: "0.12" }
      - { minimum: "4000", rate: "0.15" }
      - { minimum: "10000", rate: "0.21" }`;

/** A plan with PV and BV measures, qualification at 50 PV, and one stairstep entry (`entry` indented 4). */
const planText = (entry: string, top = "") => `
compplan: 1
id: stairstep-edges
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
/** A member's stairstep lines as [level (the override generation, 0 otherwise), source, base, rate, amount]. */
const lines = (r: Result, id: string) =>
  (r.statement(id)?.lines ?? []).filter((l) => l.bonus === "performance").map((l) => [l.level, l.source ?? null, l.base, l.rate, l.amount]);
const paid = (r: Result, id: string) => r.statement(id)?.bonuses.performance ?? "0.00";
const accounting = (r: Result) => r.summary.bonuses[0]?.accounting;

describe("stairstep: the published Amway India example 2 (group PV sets the rate, paid on group BV)", () => {
  const tree: Row[] = [["YOU", null, "300", "18000"], ...["A", "B", "C", "D"].map((id): Row => [id, "YOU", "300", "18000"])];
  const plan = (extra = "") => planText(`    volume: PV\n    measure: BV\n${extra}    steps:${AMWAY_STEPS}`);

  it("differential: YOU's 1,500 group PV sets 9%; 9% of own 18,000 + (9% − 6%) of each downline's 18,000 = 3,780; each downline 1,080", () => {
    const r = run(plan(), tree);
    expect(lines(r, "YOU")).toEqual([
      [0, "A", "18000", "0.03", "540.00"],
      [0, "B", "18000", "0.03", "540.00"],
      [0, "C", "18000", "0.03", "540.00"],
      [0, "D", "18000", "0.03", "540.00"],
      [0, "YOU", "18000", "0.09", "1620.00"],
    ]);
    expect(paid(r, "YOU")).toBe("3780.00");
    for (const id of ["A", "B", "C", "D"]) expect(lines(r, id)).toEqual([[0, id, "18000", "0.06", "1080.00"]]);
    // potential 9% × 90,000 + 4 × 6% × 18,000 = 8,100 + 4,320; YOU's 4,320 is withheld by the downlines' 6%.
    expect(accounting(r)).toEqual({ potential: "12420.00", paid: "8100.00", compressedUp: "0.00", withheld: "4320.00", breakage: { "member-unqualified": "0.00", "override-unqualified": "0.00" } });
  });

  it("deduct: the gross 9% of 90,000 = 8,100 less the four downlines' 1,080 each = 3,780", () => {
    const r = run(plan("    method: deduct\n"), tree);
    expect(lines(r, "YOU")).toEqual([
      [0, "A", "18000", "-0.06", "-1080.00"],
      [0, "B", "18000", "-0.06", "-1080.00"],
      [0, "C", "18000", "-0.06", "-1080.00"],
      [0, "D", "18000", "-0.06", "-1080.00"],
      [0, "YOU", "90000", "0.09", "8100.00"],
    ]);
    expect(paid(r, "YOU")).toBe("3780.00");
    expect(accounting(r)).toMatchObject({ potential: "12420.00", paid: "8100.00", withheld: "4320.00" });
  });

  it("lines: per-member merges the four legs paid at 3% into one line of 72,000 from 4 sources (lowest rate first)", () => {
    const r = run(plan("    lines: per-member\n"), tree);
    const you = (r.statement("YOU")?.lines ?? []).map((l) => {
      return [l.base, l.rate, l.sources, l.source ?? null, l.amount];
    });
    expect(you).toEqual([
      ["72000", "0.03", 4, null, "2160.00"],
      ["18000", "0.09", 1, "YOU", "1620.00"],
    ]);
  });
});

describe("stairstep: statement order of per-member lines", () => {
  it("a merged line (no source) comes before the lines with one, which follow by member id, whatever the rates", () => {
    // YOU 2,000 + Z 4,000 (15%) + B, C 2,000 each (12%) = 10,000: 21%. Lines by rate: Z's 21% − 15% = 6%
    // on 4,000 = 240, B and C's 21% − 12% = 9% on 4,000 = 360 (merged), YOU's own 21% on 2,000 = 420.
    const plan = planText(`    volume: PV\n    lines: per-member\n    steps:${AMWAY_STEPS}`);
    const r = run(plan, [["YOU", null, "2000"], ["Z", "YOU", "4000"], ["B", "YOU", "2000"], ["C", "YOU", "2000"]]);
    const you = (r.statement("YOU")?.lines ?? []).map((l) => [l.sources, l.source ?? null, l.base, l.rate, l.amount]);
    expect(you).toEqual([
      [2, null, "4000", "0.09", "360.00"],
      [1, "YOU", "2000", "0.21", "420.00"],
      [1, "Z", "4000", "0.06", "240.00"],
    ]);
  });
});

describe("stairstep: step boundaries", () => {
  const plan = planText(`    volume: PV\n    steps:${AMWAY_STEPS}`);
  it("a bracket volume exactly at a minimum reaches the step; one unit (0.0001) below does not", () => {
    expect(lines(run(plan, [["A", null, "1000"]]), "A")).toEqual([[0, "A", "1000", "0.09", "90.00"]]);
    expect(lines(run(plan, [["A", null, "999.9999"]]), "A")).toEqual([[0, "A", "999.9999", "0.06", "60.00"]]);
    expect(lines(run(plan, [["A", null, "299.9999"]]), "A")).toEqual([]);
  });

  it("the group's volume sets the step: 200 own + 100 below reaches 300 (6%) though neither alone does", () => {
    const r = run(plan, [["A", null, "200"], ["B", "A", "100"]]);
    expect(lines(r, "A")).toEqual([
      [0, "A", "200", "0.06", "12.00"],
      [0, "B", "100", "0.06", "6.00"],
    ]);
    expect(lines(r, "B")).toEqual([]);
  });

  it("equal rates on consecutive steps: a deep chain at the same rate leaves nobody a difference to earn", () => {
    const flat = planText(`    volume: PV\n    steps:\n      - { minimum: "300", rate: "0.06" }\n      - { minimum: "1000", rate: "0.06" }`);
    const r = run(flat, [["A", null, "300"], ["B", "A", "300"], ["C", "B", "300"], ["D", "C", "300"]]);
    for (const id of ["A", "B", "C", "D"]) expect(lines(r, id)).toEqual([[0, id, "300", "0.06", "18.00"]]);
    // potential 6% × (1,200 + 900 + 600 + 300) = 180; all but the 72 paid is withheld by the equal rate below.
    expect(accounting(r)).toMatchObject({ paid: "72.00", withheld: "108.00", potential: "180.00" });
  });

  it("a leg with two rates below the member pays one line per rate", () => {
    // T ← X (0 PV: unqualified, so under roll-up its rate counts 0) ← {Y 1,000 (9%), Z 200 (no step)}.
    // With T at 600 the group is 1,800 (9%): 9% − 9% on Y's 1,000 is nothing; 9% on Z's 200 = 18.
    const r = run(plan, [["T", null, "600"], ["X", "T", "0"], ["Y", "X", "1000"], ["Z", "X", "200"]]);
    expect(lines(r, "T")).toEqual([
      [0, "T", "600", "0.09", "54.00"],
      [0, "X", "200", "0.09", "18.00"],
    ]);
    // With T at 1,000 the group is 2,200 (12%): 12% on Z's 200 = 24 and 12% − 9% on Y's 1,000 = 30, both on leg X.
    const r2 = run(plan, [["T", null, "1000"], ["X", "T", "0"], ["Y", "X", "1000"], ["Z", "X", "200"]]);
    expect(lines(r2, "T")).toEqual([
      [0, "T", "1000", "0.12", "120.00"],
      [0, "X", "200", "0.12", "24.00"],
      [0, "X", "1000", "0.03", "30.00"],
    ]);
  });
});

describe("stairstep: unqualified members", () => {
  // YOU 2,000 ← U 40 (unqualified: below 50 PV; group 1,040 → 9%) ← C 1,000 (9%). YOU's group 3,040 → 12%.
  const tree: Row[] = [["YOU", null, "2000"], ["U", "YOU", "40"], ["C", "U", "1000"]];
  it("roll-up: U's rate counts 0: YOU earns 12% − 9% on C's 1,000 and the full 12% on U's 40", () => {
    const r = run(planText(`    volume: PV\n    steps:${AMWAY_STEPS}`), tree);
    expect(lines(r, "YOU")).toEqual([
      [0, "U", "40", "0.12", "4.80"],
      [0, "U", "1000", "0.03", "30.00"],
      [0, "YOU", "2000", "0.12", "240.00"],
    ]);
    expect(lines(r, "U")).toEqual([]);
    expect(paid(r, "C")).toBe("90.00");
    expect(accounting(r)).toMatchObject({ potential: "454.80", paid: "364.80", withheld: "90.00", breakage: { "member-unqualified": "0.00" } });
  });

  it("breakage: U's 9% still counts, so YOU earns only 3% on U's whole 1,040, and U's own 9% of 40 = 3.60 is breakage", () => {
    const r = run(planText(`    volume: PV\n    unqualified: breakage\n    steps:${AMWAY_STEPS}`), tree);
    expect(lines(r, "YOU")).toEqual([
      [0, "U", "1040", "0.03", "31.20"],
      [0, "YOU", "2000", "0.12", "240.00"],
    ]);
    expect(lines(r, "U")).toEqual([]);
    // potential 12% × 3,040 + 9% × 1,040 + 9% × 1,000 = 364.80 + 93.60 + 90 = 548.40
    expect(accounting(r)).toMatchObject({ potential: "548.40", paid: "361.20", withheld: "183.60", breakage: { "member-unqualified": "3.60" } });
  });
});

describe("stairstep: breakaway and its generation override", () => {
  const steps = `\n      - { minimum: "300", rate: "0.06" }\n      - { minimum: "1000", rate: "0.09" }\n      - { minimum: "2000", rate: "0.21" }`;
  const plan = (breakaway: string) => planText(`    volume: PV\n    steps:${steps}\n    breakaway: ${breakaway}`);
  // R 3,000 ← T 500 ← D1 2,000 ← X 100 ← D2 2,500. D2 (2,500) and D1 (2,000 + 100) reach step 3 and break away;
  // T's group is then its own 500 (6%); R's is 3,000 + 500 = 3,500 (21%, breaks away too).
  const tree: Row[] = [["R", null, "3000"], ["T", "R", "500"], ["D1", "T", "2000"], ["X", "D1", "100"], ["D2", "X", "2500"]];

  it("a breakaway group leaves the upline's: T (500) earns 6% on its own volume only; D1 earns 21% on 2,100 and generation 1 on D2", () => {
    const r = run(plan('{ from: 3, generations: ["0.04", "0.02"] }'), tree);
    expect(lines(r, "D2")).toEqual([[0, "D2", "2500", "0.21", "525.00"]]);
    expect(lines(r, "X")).toEqual([]);
    expect(lines(r, "D1")).toEqual([
      [0, "D1", "2000", "0.21", "420.00"],
      [0, "X", "100", "0.21", "21.00"],
      [1, "D2", "2500", "0.04", "100.00"],
    ]);
    expect(lines(r, "T")).toEqual([[0, "T", "500", "0.06", "30.00"]]);
    // R: own 21% of 3,000; 21% − 6% on T's 500; generation 1 on D1's group (2,100), generation 2 on D2's (2,500).
    expect(lines(r, "R")).toEqual([
      [0, "R", "3000", "0.21", "630.00"],
      [0, "T", "500", "0.15", "75.00"],
      [1, "D1", "2100", "0.04", "84.00"],
      [2, "D2", "2500", "0.02", "50.00"],
    ]);
    // potential: 21%×3,500 + 6%×500 + 21%×2,100 + 21%×2,500 + overrides 100 + 84 + 50 = 735 + 30 + 441 + 525 + 234;
    // paid R 839 + T 30 + D1 541 + D2 525; withheld: the 6% T keeps of R's 21% on its 500.
    expect(accounting(r)).toMatchObject({ potential: "1965.00", paid: "1935.00", withheld: "30.00" });
  });

  it("a member exactly at `from` breaks away; one unit below stays in the upline's group", () => {
    // D1 2,000 with D2 directly below it.
    const at = run(plan('{ from: 3, generations: ["0.04"] }'), [["D1", null, "2000"], ["D2", "D1", "2000"]]);
    expect(lines(at, "D1")).toEqual([
      [0, "D1", "2000", "0.21", "420.00"],
      [1, "D2", "2000", "0.04", "80.00"],
    ]);
    const below = run(plan('{ from: 3, generations: ["0.04"] }'), [["D1", null, "2000"], ["D2", "D1", "1999.9999"]]);
    // D2 at 9% stays in D1's group: D1 earns 21% − 9% = 12% of 1,999.9999 = 239.999988 → 240.00, no override.
    expect(lines(below, "D1")).toEqual([
      [0, "D1", "2000", "0.21", "420.00"],
      [0, "D2", "1999.9999", "0.12", "240.00"],
    ]);
  });

  it("minimumGroup exactly met pays the override; 0.0001 more is breakage (override-unqualified)", () => {
    const met = run(plan('{ from: 3, generations: ["0.04"], minimumGroup: "2100" }'), tree);
    expect(lines(met, "D1").filter((l) => l[0] === 1)).toEqual([[1, "D2", "2500", "0.04", "100.00"]]);
    const missed = run(plan('{ from: 3, generations: ["0.04"], minimumGroup: "2100.0001" }'), tree);
    expect(lines(missed, "D1").filter((l) => l[0] === 1)).toEqual([]);
    // D1 misses (2,100) and R (3,500) meets it: R's generation 1 on D1's 2,100 = 84 is still paid.
    expect(accounting(missed)?.breakage["override-unqualified"]).toBe("100.00");
  });

  it("minimumLegs counts first-level legs holding a breakaway: R has one (through T), so 2 legs loses its overrides", () => {
    const r = run(plan('{ from: 3, generations: ["0.04", "0.02"], minimumLegs: 2 }'), tree);
    expect(lines(r, "R").filter((l) => (l[0] as number) > 0)).toEqual([]);
    // D1 has one breakaway leg (X, holding D2), also below 2: every override (100 + 84 + 50) is breakage.
    expect(accounting(r)?.breakage["override-unqualified"]).toBe("234.00");
  });

  it("method: group is a unit commission: each unit is its leader's group down to the next breakaway", () => {
    const unit = planText(`    volume: PV\n    method: group\n    steps:\n      - { minimum: "2000", rate: "0.09" }\n    breakaway: { from: 1 }`);
    const r = run(unit, [["D", null, "1500"], ["M", "D", "600"], ["E", "M", "2500"]]);
    expect(lines(r, "E")).toEqual([[0, "E", "2500", "0.09", "225.00"]]);
    expect(lines(r, "M")).toEqual([]);
    expect(lines(r, "D")).toEqual([[0, "D", "2100", "0.09", "189.00"]]);
  });
});

describe("stairstep: steps by rank, point value, personal method, published columns", () => {
  const ranks = `givenRank: paid-as
ranks:
  - { name: Level 5, requires: { personal: { measure: PV, minimum: "1000000" } } }
  - { name: Level 8, requires: { personal: { measure: PV, minimum: "2000000" } } }
  - { name: Level 12, requires: { personal: { measure: PV, minimum: "3000000" } } }
`;
  const rankSteps = `    steps:\n      - { rank: Level 5, rate: "0.05" }\n      - { rank: Level 8, rate: "0.08" }\n      - { rank: Level 12, rate: "0.12" }`;

  it("points at Rs 18 (Vestige's month 1): YOU at 12% keeps 2,466 of the 5,616; A 270, B and C 1,440 each", () => {
    const plan = planText(`    volume: PV\n    pointValue: "18"\n${rankSteps}`, ranks);
    const r = run(plan, [["YOU", null, "300", undefined, "Level 12"], ["A", "YOU", "300", undefined, "Level 5"], ["B", "YOU", "1000", undefined, "Level 8"], ["C", "YOU", "1000", undefined, "Level 8"]]);
    expect(lines(r, "YOU")).toEqual([
      [0, "A", "300", "1.26", "378.00"],
      [0, "B", "1000", "0.72", "720.00"],
      [0, "C", "1000", "0.72", "720.00"],
      [0, "YOU", "300", "2.16", "648.00"],
    ]);
    expect(paid(r, "YOU")).toBe("2466.00");
    expect([paid(r, "A"), paid(r, "B"), paid(r, "C")]).toEqual(["270.00", "1440.00", "1440.00"]);
  });

  it("deduct with steps by rank goes negative when a sponsored member's step is higher: 5% of 1,100 − 8% of 1,000 = −25", () => {
    const plan = planText(`    volume: PV\n    method: deduct\n${rankSteps}`, ranks);
    const r = run(plan, [["P", null, "100", undefined, "Level 5"], ["C", "P", "1000", undefined, "Level 8"]]);
    expect(lines(r, "P")).toEqual([
      [0, "C", "1000", "-0.08", "-80.00"],
      [0, "P", "1100", "0.05", "55.00"],
    ]);
    expect(paid(r, "P")).toBe("-25.00");
    expect(r.statement("P")?.total).toBe("-25.00");
    expect(accounting(r)).toMatchObject({ potential: "135.00", paid: "55.00", withheld: "80.00" });
  });

  it("method: personal pays own volume at the rate the group sets (VBO: 600 PV, 5,000 GV → 25% = 150); the step gives a title", () => {
    const vbo = planText(
      `    volume: PV\n    method: personal\n    steps:\n      - { minimum: "200", rate: "0.03" }\n      - { minimum: "600", rate: "0.09" }\n      - { minimum: "5000", rate: "0.25" }`,
      `ranks:\n  - { name: VIP, requires: { qualified: false, columns: [{ column: performance.step, minimum: "2" }] } }\n  - { name: Executive Manager, requires: { qualified: false, columns: [{ column: performance.step, minimum: "3" }] } }\n`,
    );
    const r = run(vbo, [["YOU", null, "600"], ["DOWN", "YOU", "4400"]]);
    expect(lines(r, "YOU")).toEqual([[0, "YOU", "600", "0.25", "150.00"]]);
    expect(r.statement("YOU")?.rank.paidAs).toBe("Executive Manager");
    const alone = run(vbo, [["YOU", null, "600"]]);
    expect(lines(alone, "YOU")).toEqual([[0, "YOU", "600", "0.09", "54.00"]]);
    expect(alone.statement("YOU")?.rank.paidAs).toBe("VIP");
  });
});

describe("stairstep: breakaway with method personal", () => {
  it("a breakaway leaves the upline's bracket volume: A (100) over B (1,000, breaks away at step 2) is at 10%, not 20%", () => {
    const steps = `\n      - { minimum: "100", rate: "0.10" }\n      - { minimum: "1000", rate: "0.20" }`;
    const tree: Row[] = [["A", null, "100"], ["B", "A", "1000"]];
    const away = run(planText(`    volume: PV\n    method: personal\n    steps:${steps}\n    breakaway: { from: 2 }`), tree);
    expect(lines(away, "A")).toEqual([[0, "A", "100", "0.1", "10.00"]]);
    expect(lines(away, "B")).toEqual([[0, "B", "1000", "0.2", "200.00"]]);
    const stays = run(planText(`    volume: PV\n    method: personal\n    steps:${steps}`), tree);
    expect(lines(stays, "A")).toEqual([[0, "A", "100", "0.2", "20.00"]]);
  });
});

describe("stairstep: plan checks", () => {
  const codes = (entry: string, top = "") => {
    const r = safeParsePlan(planText(entry, top));
    return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")]);
  };
  it("steps: lowest first, rates never decrease, all by volume or all by rank", () => {
    expect(codes(`    volume: PV\n    steps:\n      - { minimum: "300", rate: "0.06" }\n      - { minimum: "300", rate: "0.09" }`)).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.steps.1.minimum"]]);
    expect(codes(`    volume: PV\n    steps:\n      - { minimum: "300", rate: "0.06" }\n      - { minimum: "400", rate: "0.05" }`)).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.steps.1.rate"]]);
    expect(codes(`    volume: PV\n    steps:\n      - { minimum: "300", rate: "0.06" }\n      - { rank: Gold, rate: "0.09" }`, "ranks:\n  - { name: Gold }\n")).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.steps.1"]]);
    expect(codes(`    volume: PV\n    steps:\n      - { rate: "0.06" }`)).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.steps.0"]]);
  });
  it("rate × pointValue must keep 6 decimal places; breakaway.from is a step number", () => {
    expect(codes(`    volume: PV\n    pointValue: "0.5"\n    steps:\n      - { minimum: "300", rate: "0.000001" }`)).toEqual([["PLAN_DECIMAL_PRECISION", "bonuses.0.steps.0.rate"]]);
    expect(codes(`    volume: PV\n    pointValue: "0"\n    steps:\n      - { minimum: "300", rate: "0.06" }`)).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.pointValue"]]);
    expect(codes(`    volume: PV\n    steps:\n      - { minimum: "300", rate: "0.06" }\n    breakaway: { from: 2 }`)).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.breakaway.from"]]);
  });
  it("an unknown measure or rank is named with a hint", () => {
    expect(codes(`    volume: PVX\n    steps:\n      - { minimum: "300", rate: "0.06" }`)).toEqual([["PLAN_UNKNOWN_MEASURE", "bonuses.0.volume"]]);
    expect(codes(`    volume: PV\n    steps:\n      - { rank: Gld, rate: "0.06" }`, "ranks:\n  - { name: Gold }\n")).toEqual([["PLAN_UNKNOWN_RANK", "bonuses.0.steps.0.rank"]]);
  });
});
