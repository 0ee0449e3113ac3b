// Explain and replay on random plans and inputs (the arbitraries of the differential test):
// - every member's explanation agrees with their statement (explain asserts each line's level, base, rate
//   and sources) and its totals;
// - what explanations say was not paid adds up to the run's own accounting, computed independently by the
//   run: Σ rate-below-maximum `forgone` = that breakage; Σ level-locked volume × the level's maximum rate =
//   level-locked breakage; without compression, Σ member-unqualified volume × maximum rate =
//   upline-unqualified breakage; for stairstep, Σ member-unqualified `forgone` (unqualified: breakage, or
//   method deduct) = member-unqualified breakage and Σ override-unqualified `forgone` = that breakage; for
//   fast-start, Σ period-cap `forgone` = that breakage and (unqualified: breakage) Σ member-unqualified
//   `forgone` = upline-unqualified breakage;
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
        const sums = plan.bonuses.map(() => ({ rateGap: 0n, locked: 0n, upline: 0n, unqualified: 0n, override: 0n, periodCap: 0n }));
        for (const id of run.memberIds()) {
          const e = explain(run, id);
          const s = run.statement(id);
          expect(e.total).toBe(s?.total);
          e.bonuses.forEach((b, i) => {
            expect(b.amount).toBe(s?.bonuses[b.key] ?? (0).toFixed(plan.money.scale));
            const config = plan.bonuses[i];
            if (config?.kind === "stairstep") {
              // What an unqualified member would be paid is breakage unless their rate rolls up (then it is not
              // in the potential, and `forgone` says what they would earn qualified).
              const breakage = config.unqualified === "breakage" || config.method === "deduct";
              const sum = sums[i] as { unqualified: bigint; override: bigint };
              for (const n of b.notPaid) {
                if (n.reason === "member-unqualified" && breakage) sum.unqualified += units(n.forgone as string, VALUE_SCALE);
                if (n.reason === "override-unqualified") sum.override += units(n.forgone as string, VALUE_SCALE);
              }
              return;
            }
            // fast-start: what a receiver who did not meet the requirements would have been paid (breakage mode),
            // and what the period cap cut from each line.
            if (config?.kind === "fast-start") {
              const sum = sums[i] as { unqualified: bigint; periodCap: bigint };
              for (const n of b.notPaid) {
                if (n.reason === "member-unqualified" && config.unqualified === "breakage") sum.unqualified += units(n.forgone as string, VALUE_SCALE);
                if (n.reason === "period-cap") sum.periodCap += units(n.forgone as string, VALUE_SCALE);
              }
              return;
            }
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
          if (b.accounting === undefined) return;
          const sum = sums[i] as { rateGap: bigint; locked: bigint; upline: bigint; unqualified: bigint; override: bigint; periodCap: bigint };
          if (plan.bonuses[i]?.kind === "fast-start") {
            if ((plan.bonuses[i] as { unqualified: string }).unqualified === "breakage") expect(sum.unqualified).toBe(units(b.accounting.breakage["upline-unqualified"] as string, VALUE_SCALE));
            expect(sum.periodCap).toBe(units(b.accounting.breakage["period-cap"] as string, VALUE_SCALE));
            return;
          }
          if (plan.bonuses[i]?.kind === "stairstep") {
            expect(sum.unqualified).toBe(units(b.accounting.breakage["member-unqualified"] as string, VALUE_SCALE));
            expect(sum.override).toBe(units(b.accounting.breakage["override-unqualified"] as string, VALUE_SCALE));
            return;
          }
          if (b.kind !== "unilevel" && b.kind !== "matching") return;
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
