// Members' pay and rank read from a run's columns must equal what their statements say, under every
// rounding policy and money scale: the comparison relies on it instead of rendering a statement per member.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inputArb } from "../../test/arbitraries/inputs.js";
import { planArb } from "../../test/arbitraries/plans.js";
import { parsePlan } from "../plan/parse.js";
import { calculate } from "../run/calculate.js";
import { formatFixed } from "../money/decimal.js";
import { memberColumns } from "./columns.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 200);

describe("memberColumns", () => {
  it("equals every statement's total and paid-as rank, on random plans and genealogies", () => {
    const arb = planArb.chain((p) => inputArb(p.measures, 40, p.placementWidth).map((input) => ({ p, input })));
    fc.assert(
      fc.property(arb, ({ p, input }) => {
        const plan = parsePlan(p.plan);
        const run = calculate(plan, input);
        const cols = memberColumns(run);
        expect(cols.scale).toBe(plan.money.scale);
        for (let i = 0; i < cols.ids.length; i++) {
          const s = run.statement(cols.ids.at(i) as string);
          expect(formatFixed(BigInt(cols.total[i] as number), cols.scale)).toBe(s?.total);
          const r = cols.rank[i] as number;
          expect(r < 0 ? null : plan.ranks[r]?.name).toBe(s?.rank.paidAs);
        }
      }),
      { numRuns },
    );
  });
});
