// Settled earnings are what the statements show: on random plans and inputs, settling each bonus's lines
// gives every member's statement amount for that bonus, with either rounding policy.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inputArb } from "../../test/arbitraries/inputs.js";
import { planArb } from "../../test/arbitraries/plans.js";
import { calculate, parsePlan } from "../index.js";
import { formatFixed } from "../money/decimal.js";
import { LineSink } from "./lines.js";
import { settleEarnings } from "./settle.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 200);

describe("settleEarnings", () => {
  it("equals every statement's amount per bonus", () => {
    fc.assert(
      fc.property(planArb.chain((p) => fc.record({ p: fc.constant(p), input: inputArb(p.measures, 40, p.placementWidth) })), ({ p, input }) => {
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

describe("settleEarnings at the edges of exact arithmetic", () => {
  it("sums exactly when a line's product is past the safe-integer range, even if the sum comes back under it", () => {
    const sink = new LineSink(8);
    // Member 0: 9,000,000,000 × 1,000,000 = 9,000,000,000,000,000 (safe), then
    // −6,000,000,016,666,667 × 3 = −18,000,000,050,000,001 (past 2^53: as a float it is ...050,000,000).
    // The exact sum, −9,000,000,050,000,001 units of 10^-10, is −90,000,000.50000001 cents: more than half,
    // so −90,000,001 cents in every mode here. The float sum, a tie at −90,000,000.5 cents, would round
    // half-even to −90,000,000.
    sink.add(0, 0, 0, 0, 0, -1, 9_000_000_000, 1_000_000);
    sink.add(0, 0, 0, 0, 0, -1, -6_000_000_016_666_667, 3);
    // Member 1: one line of exactly 0.005 (50 units of 10^-4 at rate 1): half-even 0.00, half-up 0.01.
    sink.add(1, 0, 0, 0, 0, -1, 50, 1_000_000);
    const plan = { moneyScale: 2, rounding: "half-even" as const, roundingApplies: "bonus" as const };
    expect(Array.from(settleEarnings(sink, 0, 3, 2, plan))).toEqual([-90_000_001, 0]);
    expect(Array.from(settleEarnings(sink, 0, 3, 2, { ...plan, rounding: "half-up" }))).toEqual([-90_000_001, 1]);
  });
});
