// Settled earnings are what the statements show: on random plans and inputs, settling each bonus's lines
// gives every member's statement amount for that bonus, with either rounding policy.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inputArb } from "../../test/arbitraries/inputs.js";
import { planArb } from "../../test/arbitraries/plans.js";
import { calculate, parsePlan } from "../index.js";
import { formatFixed } from "../money/decimal.js";
import { settleEarnings } from "./settle.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 200);

describe("settleEarnings", () => {
  it("equals every statement's amount per bonus", () => {
    fc.assert(
      fc.property(planArb.chain((p) => fc.record({ p: fc.constant(p), input: inputArb(p.measures) })), ({ p, input }) => {
        const run = calculate(parsePlan(p.plan), input);
        const { lines, compiled, genealogy } = run.internals;
        compiled.bonuses.forEach((b, bi) => {
          // A step's lines are contiguous in the sink.
          let from = -1;
          let to = -1;
          for (let l = 0; l < lines.count; l++) {
            if (lines.bonus[l] !== bi) continue;
            if (from < 0) from = l;
            expect(to < 0 || to === l).toBe(true);
            to = l + 1;
          }
          const settled = from < 0 ? new Float64Array(genealogy.size) : settleEarnings(lines, from, to, genealogy.size, compiled);
          for (let i = 0; i < genealogy.size; i++) {
            const s = run.statement(genealogy.ids.at(i) as string);
            const shown = s?.bonuses[b.key] ?? formatFixed(0n, compiled.moneyScale);
            expect(formatFixed(BigInt(settled[i] as number), compiled.moneyScale)).toBe(shown);
          }
        });
      }),
      { numRuns },
    );
  });
});
