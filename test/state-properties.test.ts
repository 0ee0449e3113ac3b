// Properties of state between periods (docs/state.md) on random chains of periods on growing trees
// (test/arbitraries/chains.ts), each period run from the closing state of the one before: the closing state
// does not depend on the input's row order, conservation holds every period, and a state read back and
// written again gives the same bytes. NUM_RUNS_PROPERTIES (default 300) sets the number of chains (a third).
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RunResult, type StateInput, calculate, canonicalJson, parsePlan, parseState, stateNdjson } from "../src/index.js";
import { chainOf, statePlanArb } from "./arbitraries/chains.js";
import type { InputShape } from "./arbitraries/inputs.js";
import { shuffle } from "./arbitraries/inputs.js";
import { fmt } from "./arbitraries/values.js";

const numRuns = Math.ceil(Number(process.env.NUM_RUNS_PROPERTIES ?? 300) / 3);
const D = Decimal.clone({ precision: 80 });
const arb = statePlanArb.chain((p) => chainOf(p).map((periods) => ({ p, periods })));

/** Runs the periods in a row, each from the previous one's closing state read back from its text. */
function runChain(plan: unknown, periods: readonly InputShape[], each: (run: RunResult, state: string) => void): void {
  const parsed = parsePlan(plan);
  let state: string | undefined;
  for (const input of periods) {
    const run = calculate(parsed, input, state === undefined ? {} : { state: parseState(state) });
    state = stateNdjson(run);
    if (state === undefined) throw new Error("a plan that keeps state wrote none");
    each(run, state);
  }
}

/**
 * A state as read, written again from docs/state.md "The state file": the header's fields, format, period
 * and plan; a row per member read with the values it had (volumes as exact decimals, counts as integers,
 * ranks by name), in the order read.
 */
function rewrite(s: StateInput): string {
  const value = (kind: string, v: number | string) => (kind === "volume" ? fmt(v as number, 4) : v);
  const company: Record<string, unknown> = {};
  s.fields.forEach((f, k) => {
    const v = s.company[k];
    if (v !== undefined) company[f.name] = value(f.kind, v);
  });
  const fields = s.fields.map((f) => ({ kind: f.kind, name: f.name, ...(f.scope !== undefined ? { scope: f.scope } : {}) }));
  const header = canonicalJson({ ...(Object.keys(company).length > 0 ? { company } : {}), fields, format: "compplan-state/1", period: s.period, plan: s.plan });
  const rows = s.ids.map((id, i) => {
    const row: Record<string, unknown> = { id };
    s.fields.forEach((f, k) => {
      const v = s.values[k]?.[i];
      if (v !== undefined) row[f.name] = f.kind === "volume" ? fmt(v as number, 4) : v;
    });
    return canonicalJson(row);
  });
  return `${[header, ...rows].join("\n")}\n`;
}

describe("state over chains of periods", () => {
  it("the closing state is independent of the input's row order (members and orders shuffled)", () => {
    fc.assert(
      fc.property(arb, fc.integer(), ({ p, periods }, seed) => {
        const states: string[] = [];
        runChain(p.plan, periods, (_, state) => states.push(state));
        const shuffled = periods.map((x, k) => ({ ...x, members: shuffle(x.members, seed + k), orders: shuffle(x.orders, seed * 3 + k) }));
        const again: string[] = [];
        runChain(p.plan, shuffled, (_, state) => again.push(state));
        expect(again).toEqual(states);
      }),
      { numRuns },
    );
  });

  it("conservation every period: potential = paid + compressed up + withheld + breakage; statements add up to the summary", () => {
    fc.assert(
      fc.property(arb, ({ p, periods }) => {
        runChain(p.plan, periods, (run) => {
          for (const b of run.summary.bonuses) {
            const a = b.accounting;
            if (a === undefined) continue;
            const parts = Object.values(a.breakage).reduce((x, y) => x.plus(y), new D(a.paid).plus(a.compressedUp).plus(a.withheld ?? "0").plus(a.carried ?? "0"));
            expect(parts.eq(a.potential), `bonus ${b.key} in ${run.period.id}`).toBe(true);
          }
          const totals = Array.from(run.statements(), (s) => s.total).reduce((x, y) => x.plus(y), new D(0));
          expect(totals.eq(run.summary.total)).toBe(true);
        });
      }),
      { numRuns },
    );
  });

  it("a state written, read back and written again gives the same bytes", () => {
    let rows = 0;
    fc.assert(
      fc.property(arb, ({ p, periods }) => {
        runChain(p.plan, periods, (run, state) => {
          const read = parseState(state);
          expect(rewrite(read)).toBe(state);
          expect(read.period).toBe(run.period.id);
          rows += read.ids.length;
        });
      }),
      { numRuns },
    );
    expect(rows).toBeGreaterThan(numRuns);
  });
});
