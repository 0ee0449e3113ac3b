// The structure bonus by example, at its rules' edges. Every figure is worked by hand from
// docs/plan-language.md ("`structure`"); none is read back from the engine.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, calculate, explain, parsePlan, safeParsePlan } from "../../index.js";

/** A plan with PV and GV measures, qualification at 50 PV, one structure entry (`entry` indented 4) and `ranks`. */
const planText = (entry: string, extra = "") => `
compplan: 1
id: structure-edges
currency: USD
money: { scale: 2, rounding: { mode: half-up, applies: line } }
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
  GV: { counts: [personal-consumption] }
qualification:
  personal: { measure: PV, minimum: "50" }
${extra}bonuses:
  - key: builder
    kind: structure
${entry}
`;

/** The docs' example entry: level 1 (50.00) own 100, 2 sponsored with 100, team to depth 1 of 400; level 2 (150.00) own 100 and 2 frontline members at level 1. */
const DOCS = `    levels:
      - amount: "50.00"
        personal: { measure: PV, minimum: "100" }
        sponsored: { count: 2, measure: PV, minimum: "100" }
        team: { measure: PV, minimum: "400", depth: 1 }
      - amount: "150.00"
        personal: { measure: PV, minimum: "100" }
        frontline: { count: 2 }`;

type Row = [id: string, sponsor: string | null, pv: string, status?: "enrolled" | "suspended" | "terminated"];
function run(plan: string, tree: Row[]) {
  const members: MemberInput[] = tree.map(([id, sponsorId, , status]) => ({ id, sponsorId, joinDate: "2024-01-01", ...(status !== undefined ? { status } : {}) }));
  const orders: OrderInput[] = tree.flatMap(([id, , pv]) => (pv === "0" ? [] : [{ id: `o-${id}`, memberId: id, kind: "personal-consumption" as const, date: "2026-10-02", volumes: { PV: pv, GV: pv } }]));
  return calculate(parsePlan(plan), { period: "2026-10", members, orders });
}
type Result = ReturnType<typeof run>;
/** A member's structure lines as [level, amount]. */
const lines = (r: Result, id: string) => (r.statement(id)?.lines ?? []).filter((l) => l.bonus === "builder").map((l) => [l.level, l.amount]);

// The docs' tree: A sponsored B, C, D; B sponsored E, F; C sponsored G, H; D sponsored I.
const DOCS_TREE: Row[] = [
  ["A", null, "100"],
  ["B", "A", "150"],
  ["C", "A", "100"],
  ["D", "A", "100"],
  ["E", "B", "100"],
  ["F", "B", "200"],
  ["G", "C", "100"],
  ["H", "C", "200"],
  ["I", "D", "40"],
];

describe("structure: the docs' example", () => {
  const r = run(planText(DOCS), DOCS_TREE);

  it("A meets level 2 and is paid 150.00 only; B and C meet level 1 (C's team exactly 400); D, E … I nothing", () => {
    expect(lines(r, "A")).toEqual([[2, "150.00"]]);
    expect(lines(r, "B")).toEqual([[1, "50.00"]]);
    expect(lines(r, "C")).toEqual([[1, "50.00"]]);
    for (const id of ["D", "E", "F", "G", "H", "I"]) expect(lines(r, id)).toEqual([]);
    expect(r.summary.total).toBe("250.00");
    expect(r.summary.bonuses[0]).toMatchObject({ amount: "250.00", lines: 3, recipients: 3 });
    expect(r.summary.bonuses[0]?.accounting).toBeUndefined();
  });

  it("explain: A's line names its level; D has no level (no sponsored member with 100 PV of two, team 100 + 40); B misses level 2", () => {
    const a = explain(r, "A").bonuses[0];
    expect(a?.lines[0]?.explanation).toBe("the highest level met (own PV 100 of 100; first-level members meeting level 1: 2 of 2): 150.00");
    expect(a?.notPaid).toEqual([]);
    const d = explain(r, "D").bonuses[0];
    expect(d?.notPaid.map((x) => [x.reason, x.message])).toEqual([["no-level", "no level met: level 1 (50.00) needs personally sponsored members with PV ≥ 100: 0 of 2; team PV (you and 1 level below) 140 of 400"]]);
    // The unmet requirements, with actual and required values.
    expect(d?.notPaid[0]?.conditions?.map((c) => [c.condition, c.measure, c.actual, c.required, c.met])).toEqual([
      ["sponsored", "PV", "0", "2", false],
      ["team-volume", "PV", "140", "400", false],
    ]);
    const b = explain(r, "B").bonuses[0];
    expect(b?.notPaid.map((x) => [x.reason, x.message, x.forgone])).toEqual([["next-level", "level 2 (150.00) is not met: first-level members meeting level 1: 0 of 2", "100.00"]]);
  });
});

describe("structure: requirement boundaries", () => {
  const one = (req: string, amount = "10.00") => planText(`    levels:\n      - amount: "${amount}"\n        ${req}`);

  it("personal: exactly the minimum meets the level; 0.0001 below does not", () => {
    const plan = one(`personal: { measure: PV, minimum: "100" }`);
    expect(lines(run(plan, [["A", null, "100"]]), "A")).toEqual([[1, "10.00"]]);
    expect(lines(run(plan, [["A", null, "99.9999"]]), "A")).toEqual([]);
  });

  it("sponsored: a sponsored member at exactly the minimum counts; a suspended one with the volume does not", () => {
    const plan = one(`sponsored: { count: 2, measure: PV, minimum: "100" }`);
    expect(lines(run(plan, [["A", null, "50"], ["B", "A", "100"], ["C", "A", "100"]]), "A")).toEqual([[1, "10.00"]]);
    expect(lines(run(plan, [["A", null, "50"], ["B", "A", "100"], ["C", "A", "100", "suspended"]]), "A")).toEqual([]);
    // A grandchild is not personally sponsored: B (100) and D below B (100) are one sponsored member.
    expect(lines(run(plan, [["A", null, "50"], ["B", "A", "100"], ["D", "B", "100"]]), "A")).toEqual([]);
  });

  it("team depth: 0 is own volume, 1 adds the first level, 2 the second; no depth is the whole downline", () => {
    // A 100 → B 100 → C 100 → D 100: teams of A to depth 0, 1, 2 and all are 100, 200, 300, 400.
    const tree: Row[] = [["A", null, "100"], ["B", "A", "100"], ["C", "B", "100"], ["D", "C", "100"]];
    const at = (depth: string, minimum: string) => lines(run(one(`team: { measure: PV, minimum: "${minimum}"${depth} }`), tree), "A");
    expect(at(", depth: 0", "100")).toEqual([[1, "10.00"]]);
    expect(at(", depth: 0", "100.0001")).toEqual([]);
    expect(at(", depth: 1", "200")).toEqual([[1, "10.00"]]);
    expect(at(", depth: 1", "200.0001")).toEqual([]);
    expect(at(", depth: 2", "300")).toEqual([[1, "10.00"]]);
    expect(at(", depth: 2", "300.0001")).toEqual([]);
    expect(at("", "400")).toEqual([[1, "10.00"]]);
    expect(at("", "400.0001")).toEqual([]);
    // The team counts every member at the depth, qualified or not (C has 0 PV here).
    const withGap: Row[] = [["A", null, "100"], ["B", "A", "10"], ["C", "B", "0"], ["D", "B", "100"]];
    expect(lines(run(one(`team: { measure: PV, minimum: "210", depth: 2 }`), withGap), "A")).toEqual([[1, "10.00"]]);
  });

  it("a level without requirements is met by every qualified member", () => {
    const r = run(planText(`    levels:\n      - amount: "1.00"`), [["A", null, "50"], ["B", "A", "49.9999"]]);
    expect([lines(r, "A"), lines(r, "B")]).toEqual([[[1, "1.00"]], []]);
  });
});

describe("structure: frontline, the highest level only, qualification", () => {
  it("frontline counts first-level members meeting the named level; one meeting a higher level but not that one does not count", () => {
    // Level 1: own 100; level 2: one sponsored member with any PV; level 3: 2 frontline members meeting level 1.
    const plan = planText(`    levels:
      - amount: "10.00"
        personal: { measure: PV, minimum: "100" }
      - amount: "20.00"
        sponsored: { count: 1, measure: PV, minimum: "1" }
      - amount: "30.00"
        frontline: { count: 2, level: 1 }`);
    // B meets level 1 (own 100); C meets level 2 only (own 60, sponsors D with 60): C does not meet level 1.
    const r = run(plan, [["A", null, "60"], ["B", "A", "100"], ["C", "A", "60"], ["D", "C", "60"]]);
    expect(lines(r, "C")).toEqual([[2, "20.00"]]);
    expect(lines(r, "B")).toEqual([[1, "10.00"]]);
    // A: sponsored (B, C with PV ≥ 1) → level 2; frontline at level 1: only B → not level 3.
    expect(lines(r, "A")).toEqual([[2, "20.00"]]);
    // With C at 100 PV both meet level 1: A reaches level 3 (30.00, only the highest).
    const r2 = run(plan, [["A", null, "60"], ["B", "A", "100"], ["C", "A", "100"], ["D", "C", "60"]]);
    expect(lines(r2, "A")).toEqual([[3, "30.00"]]);
  });

  it("frontline naming its own level: a chain where each member needs one first-level member meeting level 1", () => {
    const plan = planText(`    levels:\n      - amount: "5.00"\n        frontline: { count: 1, level: 1 }`);
    // Nobody at the bottom meets it (no first level), so nobody above does either.
    const r = run(plan, [["A", null, "50"], ["B", "A", "50"], ["C", "B", "50"]]);
    expect(r.summary.total).toBe("0.00");
  });

  it("only the highest level met is paid: a highest level of 0 pays nothing, with no fallback to a lower level", () => {
    const plan = planText(`    levels:
      - amount: "10.00"
        personal: { measure: PV, minimum: "100" }
      - amount: "0"
        personal: { measure: PV, minimum: "200" }`);
    expect(lines(run(plan, [["A", null, "199.9999"]]), "A")).toEqual([[1, "10.00"]]);
    const r = run(plan, [["A", null, "200"]]);
    expect(lines(r, "A")).toEqual([]);
    expect(explain(r, "A").bonuses[0]?.notPaid.map((x) => x.reason)).toEqual(["level-pays-nothing"]);
  });

  it("requiresQualified: an unqualified member meets no level and counts for no sponsor; with false, they do", () => {
    const entry = (q: string) =>
      planText(`    requiresQualified: ${q}\n    levels:\n      - amount: "10.00"\n        personal: { measure: PV, minimum: "40" }\n      - amount: "25.00"\n        frontline: { count: 1 }`);
    // B has 40 PV: meets level 1's own 40, but is unqualified (qualification needs 50).
    const tree: Row[] = [["A", null, "60"], ["B", "A", "40"]];
    const strict = run(entry("true"), tree);
    expect([lines(strict, "A"), lines(strict, "B")]).toEqual([[[1, "10.00"]], []]);
    expect(explain(strict, "B").bonuses[0]?.notPaid.map((x) => [x.reason, x.forgone])).toEqual([["member-unqualified", "10.00"]]);
    const loose = run(entry("false"), tree);
    expect([lines(loose, "A"), lines(loose, "B")]).toEqual([[[2, "25.00"]], [[1, "10.00"]]]);
  });

  it("publishes <key>.level, which a rank requirement can read", () => {
    const plan = planText(
      DOCS,
      `ranks:\n  - name: Builder\n    requires:\n      columns: [{ column: builder.level, minimum: "2" }]\n`,
    );
    const r = run(plan, DOCS_TREE);
    expect(r.statement("A")?.rank.paidAs).toBe("Builder");
    expect(r.statement("B")?.rank.paidAs).toBeNull();
  });
});

describe("structure: validation", () => {
  const codes = (entry: string) => {
    const r = safeParsePlan(planText(entry));
    return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")]);
  };
  it("frontline at level 1 needs its level; a level beyond the bonus's; unknown measure; money places; too many levels", () => {
    expect(codes(`    levels:\n      - amount: "1.00"\n        frontline: { count: 1 }`)).toEqual([["PLAN_MISSING_KEY", "bonuses.0.levels.0.frontline.level"]]);
    expect(codes(`    levels:\n      - amount: "1.00"\n      - amount: "2.00"\n        frontline: { count: 1, level: 3 }`)).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.levels.1.frontline.level"]]);
    expect(codes(`    levels:\n      - amount: "1.00"\n        team: { measure: XV, minimum: "1" }`)).toEqual([["PLAN_UNKNOWN_MEASURE", "bonuses.0.levels.0.team.measure"]]);
    expect(codes(`    levels:\n      - amount: "1.001"`)).toEqual([["PLAN_DECIMAL_PRECISION", "bonuses.0.levels.0.amount"]]);
    expect(codes(`    levels:\n      - amount: "1.00"\n        team: { measure: PV, minimum: "1", depth: 21 }`)).toEqual([["PLAN_VALUE_RANGE", "bonuses.0.levels.0.team.depth"]]);
    expect(codes(`    levels: [${Array.from({ length: 21 }, () => '{ amount: "1" }').join(", ")}]`)).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.levels"]]);
  });
});
