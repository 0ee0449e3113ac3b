// The strongest test a calculation library can have: the fast engine and the independent reference engine
// (test/reference, written from the docs alone) produce byte-identical canonical statements and summaries
// on random plans and inputs. NUM_RUNS (default 1,000) and FC_SEED reproduce a run; `npm run test:deep`
// runs 100,000.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calculate, canonicalJson, parsePlan } from "../src/index.js";
import { inputArb } from "./arbitraries/inputs.js";
import { planArb } from "./arbitraries/plans.js";
import { referenceCalculate } from "./reference/engine.js";

const numRuns = Number(process.env.NUM_RUNS ?? 2000);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

describe("fast engine = reference engine", () => {
  it(`identical canonical statements and summary on ${numRuns} random plans and inputs`, () => {
    const arb = planArb.chain((p) => inputArb(p.measures).map((input) => ({ p, input })));
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
});
