// Explain and replay on random plans and inputs (the arbitraries of the differential test):
// - every member's explanation agrees with their statement (explain asserts each line's level, base, rate
//   and sources) and its totals;
// - what explanations say was not paid adds up to the run's own accounting, computed independently by the
//   run: Σ rate-below-maximum `forgone` = that breakage; Σ level-locked volume × the level's maximum rate =
//   level-locked breakage; without compression, Σ member-unqualified volume × maximum rate =
//   upline-unqualified breakage;
// - an untouched run replays from its bundle, and any single changed statement byte is caught.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Plan, bundleJson, calculate, canonicalJson, createBundle, explain, parsePlan, replay } from "../src/index.js";
import { RATE_SCALE, VALUE_SCALE, VOLUME_SCALE, parseUnits } from "../src/money/decimal.js";
import { inputArb } from "./arbitraries/inputs.js";
import { planArb } from "./arbitraries/plans.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 300);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

const units = (text: string, scale: number): bigint => {
  const u = parseUnits(text, scale);
  if (typeof u !== "bigint") throw new Error(`not a decimal: ${text}`);
  return u;
};

describe("explain on random plans and inputs", () => {
  it(`agrees with every statement and adds up to the run's accounting (${numRuns} runs)`, () => {
    const arb = planArb.chain((p) => inputArb(p.measures, 40, p.placementWidth).map((input) => ({ p, input })));
    fc.assert(
      fc.property(arb, ({ p, input }) => {
        const plan: Plan = parsePlan(p.plan);
        const run = calculate(plan, input);
        const sums = plan.bonuses.map(() => ({ rateGap: 0n, locked: 0n, upline: 0n }));
        for (const id of run.memberIds()) {
          const e = explain(run, id);
          const s = run.statement(id);
          expect(e.total).toBe(s?.total);
          e.bonuses.forEach((b, i) => {
            expect(b.amount).toBe(s?.bonuses[b.key] ?? (0).toFixed(plan.money.scale));
            const config = plan.bonuses[i];
            // The level bonuses (unilevel on volume, matching on earnings) explain what they did not pay.
            if (config?.kind !== "unilevel" && config?.kind !== "matching") return;
            const max = (k: number) => config.schedule.reduce((m, row) => (row.rates[k - 1] !== undefined && units(row.rates[k - 1] as string, RATE_SCALE) > m ? units(row.rates[k - 1] as string, RATE_SCALE) : m), 0n);
            const sum = sums[i] as { rateGap: bigint; locked: bigint; upline: bigint };
            for (const n of b.notPaid) {
              if (n.reason === "rate-below-maximum") sum.rateGap += units(n.forgone as string, VALUE_SCALE);
              if (n.reason === "level-locked") sum.locked += units(n.volume as string, VOLUME_SCALE) * max(n.level as number);
              if (n.reason === "member-unqualified" && config.compression === "none") sum.upline += units(n.volume as string, VOLUME_SCALE) * max(n.level as number);
            }
          });
        }
        run.summary.bonuses.forEach((b, i) => {
          if (b.accounting === undefined || (b.kind !== "unilevel" && b.kind !== "matching")) return;
          const sum = sums[i] as { rateGap: bigint; locked: bigint; upline: bigint };
          expect(sum.rateGap).toBe(units(b.accounting.breakage["rate-below-maximum"] as string, VALUE_SCALE));
          expect(sum.locked).toBe(units(b.accounting.breakage["level-locked"] as string, VALUE_SCALE));
          expect(sum.upline).toBe(units(b.accounting.breakage["upline-unqualified"] as string, VALUE_SCALE));
        });
      }),
      { numRuns, ...(seed !== undefined ? { seed } : {}), endOnFailure: true },
    );
  });
});

describe("replay on random plans and inputs", () => {
  it("an untouched run replays; one changed character in the statements is named", () => {
    const arb = planArb.chain((p) => inputArb(p.measures, 40, p.placementWidth).chain((input) => fc.nat().map((at) => ({ p, input, at }))));
    fc.assert(
      fc.property(arb, ({ p, input, at }) => {
        const run = calculate(parsePlan(p.plan), input);
        const bundle = bundleJson(createBundle(run, input, { embedInputs: true }));
        const statements = Array.from(run.statements(), (s) => `${canonicalJson(s)}\n`).join("");
        expect(replay(bundle, { statements: [statements] }).ok).toBe(true);
        // Change one digit somewhere in the statements.
        const digits = [...statements.matchAll(/\d/g)].map((m) => m.index as number);
        if (digits.length === 0) return;
        const i = digits[at % digits.length] as number;
        const changed = statements.slice(0, i) + String((Number(statements[i]) + 1) % 10) + statements.slice(i + 1);
        const report = replay(bundle, { statements: [changed] });
        expect(report.ok).toBe(false);
        expect(report.differences[0]?.check).toBe("statements");
      }),
      { numRuns: Math.ceil(numRuns / 3), ...(seed !== undefined ? { seed } : {}), endOnFailure: true },
    );
  });
});
