// The strongest test a calculation library can have: the fast engine and the independent reference engine
// (test/reference, written from the docs alone) produce byte-identical canonical statements and summaries
// on random plans and inputs. NUM_RUNS (default 2,000) and FC_SEED reproduce a run; `npm run test:deep`
// runs 100,000.
//
// A bonus family is covered by its reference implementation (test/reference/families/<kind>.ts, listed in
// test/reference/families/index.ts) and its plan arbitrary (test/arbitraries/families/<kind>.ts, listed in
// test/arbitraries/families/index.ts); the second test fails until a new kind of the plan schema has both.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calculate, canonicalJson, parsePlan, planJsonSchema } from "../src/index.js";
import { FAMILY_ARBITRARIES } from "./arbitraries/families/index.js";
import { inputArb } from "./arbitraries/inputs.js";
import { planArb } from "./arbitraries/plans.js";
import { referenceCalculate } from "./reference/engine.js";
import { REFERENCE_FAMILIES } from "./reference/families/index.js";

const numRuns = Number(process.env.NUM_RUNS ?? 2000);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

/** Every `kind` constant the plan's JSON Schema allows for a bonus entry. */
function schemaKinds(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const x of node) schemaKinds(x, out);
  else if (typeof node === "object" && node !== null) {
    const kind = (node as { properties?: { kind?: { const?: unknown } } }).properties?.kind?.const;
    if (typeof kind === "string") out.add(kind);
    for (const x of Object.values(node)) schemaKinds(x, out);
  }
  return out;
}

describe("fast engine = reference engine", () => {
  it(`identical canonical statements and summary on ${numRuns} random plans and inputs`, () => {
    const arb = planArb.chain((p) => inputArb(p.measures, 40, p.placementWidth).map((input) => ({ p, input })));
    fc.assert(
      fc.property(arb, ({ p, input }) => {
        const plan = parsePlan(p.plan);
        const fast = calculate(plan, input);
        const ref = referenceCalculate(plan, input);
        const fastStatements = Array.from(fast.statements(), (s) => canonicalJson(s));
        const refStatements = ref.statements.map((s) => canonicalJson(s));
        expect(fastStatements).toEqual(refStatements);
        // The direct writer used by `compplan run` gives the same bytes as serialising the objects.
        expect(Array.from(fast.statementsJson())).toEqual(fastStatements);
        expect(canonicalJson(fast.summary)).toBe(canonicalJson(ref.summary));
      }),
      { numRuns, ...(seed !== undefined ? { seed } : {}), endOnFailure: true },
    );
  });

  it("every bonus kind of the plan schema has a reference family and a plan arbitrary that generates it", () => {
    const kinds = [...schemaKinds(planJsonSchema())].sort();
    expect(kinds.length).toBeGreaterThan(0);
    expect(REFERENCE_FAMILIES.map((f) => f.kind).sort()).toEqual(kinds);
    expect(FAMILY_ARBITRARIES.map((f) => f.kind).sort()).toEqual(kinds);
    // Each arbitrary really generates its kind, and only its kind (500 plans at a fixed seed).
    const generated = new Set<string>();
    for (const { plan } of fc.sample(planArb, { seed: 1, numRuns: 500 })) {
      for (const b of plan.bonuses as { kind: string }[]) generated.add(b.kind);
    }
    expect([...generated].sort()).toEqual(kinds);
    for (const f of FAMILY_ARBITRARIES) {
      const own = fc.sample(f.genes, { seed: 1, numRuns: 200 }).flatMap((g) =>
        f.build(g, { measures: ["PV"], measure: () => "PV", ranks: ["R0", "R1"], scale: 2, bonuses: [{ key: "other", kind: "retail-profit" }] }),
      );
      expect(own.length).toBeGreaterThan(0);
      expect(new Set(own.map((b) => b.kind))).toEqual(new Set([f.kind]));
    }
  });
});
