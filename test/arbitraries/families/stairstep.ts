// Random `stairstep` (docs/plan-language.md "`stairstep`: a rate from a schedule of steps, differential and
// breakaway"): none in about half the plans, else one or two entries, each with steps by volume (on group or
// personal volume, or left to the default) or, when the ladder has ranks, by rank; any method (or the default),
// unqualified roll-up or breakage (or the default), lines per leg or per member (or left out), a point value
// or none, paid on another measure or not, and in about two thirds a breakaway from any step (1 to the top), with
// override rates for 1 to 3 generations or the key left out, and optional minimumGroup and minimumLegs.
//
// Edges on purpose: minimums are sums of small round volumes (0, 0.0001, 1, 50, 100, 150, …) that the inputs'
// order volumes (often 50, 100, 150) add up to exactly, so bracket volumes land on minimums; a step may start
// at 0 (every member has one, zero-volume members too); consecutive rates are often equal, so chains of equal
// rates (nobody below takes anything) are common, and a schedule may be one rate throughout; breakaway from
// step 1 makes almost every qualified member break away, at every depth.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { fmt, sometimes } from "../values.js";

/** Rates in units of 10^-4 (at most 4 places, so rate × a point value of at most 2 places has at most 6). */
const rateUnits = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 100, 300, 500, 600, 900, 1200, 1500, 2100, 125) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 10_000 }) });
/** A rate step up: 0 (equal rates) most often. */
const rateStep = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.constantFrom(100, 200, 300, 500, 600, 1) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }) });
/** A volume step up in units of 10^-4: round volumes orders add up to, the smallest unit, or any. */
const volumeStep = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(500_000, 1_000_000, 1_500_000, 2_000_000, 5_000_000, 10_000, 1, 10_000_000) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30_000_000 }) },
);

const entry = fc.record({
  volume: fc.nat(2),
  measure: fc.option(fc.nat(2), { nil: undefined }),
  on: fc.constantFrom(undefined, "group", "personal"),
  byRank: fc.boolean(),
  // Point values up to 18: the fast engine computes amounts exactly only up to about 9 × 10^11 (an amount
  // beyond throws a RangeError, a matched base beyond loses digits), and the inputs' volumes reach 10^10.
  pointValue: fc.constantFrom(undefined, undefined, "1", "18", "0.5", "2.5", "0.01"),
  method: fc.constantFrom(undefined, "differential", "deduct", "personal", "group"),
  unqualified: fc.constantFrom(undefined, "roll-up", "breakage"),
  lines: fc.constantFrom(undefined, "per-leg", "per-member"),
  // Steps: the first minimum (0 or a step up) and rate, then up to 4 more steps up.
  first: fc.record({ minimum: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: volumeStep }), rate: rateUnits }),
  more: fc.array(fc.record({ minimum: volumeStep, rate: rateStep, rank: fc.nat(3) }), { maxLength: 4 }),
  breakaway: sometimes(
    fc.record({
      // From step 1 or 2 most often, so that breakaways (and overrides above them) are common.
      from: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: fc.nat(4) }),
      generations: fc.option(fc.array(rateUnits, { minLength: 1, maxLength: 3 }), { nil: undefined, freq: 4 }),
      minimumGroup: sometimes(fc.oneof(fc.constant(0), volumeStep), 2),
      minimumLegs: sometimes(fc.integer({ min: 1, max: 3 }), 2),
    }),
    1,
    2,
  ),
  reference: fc.boolean(),
});

const genes = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(entry, { minLength: 1, maxLength: 2 }) });

export const stairstepArb = familyArbitrary("stairstep", genes, (entries, ctx) =>
  entries.map((g, i) => {
    const out: Record<string, unknown> = { key: `stair-${i}`, kind: "stairstep", ...(g.reference ? { reference: `§7.${i}` } : {}), volume: ctx.measure(g.volume) };
    if (g.measure !== undefined) out.measure = ctx.measure(g.measure);
    if (g.pointValue !== undefined) out.pointValue = g.pointValue;
    if (g.method !== undefined) out.method = g.method;
    if (g.unqualified !== undefined) out.unqualified = g.unqualified;
    if (g.lines !== undefined) out.lines = g.lines;
    // Rates never decrease and stay at most 1.
    const rates: number[] = [g.first.rate];
    for (const s of g.more) rates.push(Math.min(10_000, (rates[rates.length - 1] as number) + s.rate));
    if (g.byRank && ctx.ranks.length > 0) {
      // Ranks of the ladder in ladder order, each once: the distinct ones the genes pick, sorted.
      const picked = [...new Set([g.first.rate % ctx.ranks.length, ...g.more.map((s) => s.rank % ctx.ranks.length)])].sort((a, b) => a - b);
      out.steps = picked.map((r, k) => ({ rank: ctx.ranks[r] as string, rate: fmt(rates[k] as number, 4) }));
    } else {
      if (g.on !== undefined) out.on = g.on;
      // Minimums strictly increase.
      let minimum = g.first.minimum;
      out.steps = rates.map((rate, k) => {
        if (k > 0) minimum += (g.more[k - 1] as { minimum: number }).minimum;
        return { minimum: fmt(minimum, 4), rate: fmt(rate, 4) };
      });
    }
    const b = g.breakaway;
    if (b !== undefined) {
      const count = (out.steps as unknown[]).length;
      out.breakaway = {
        from: 1 + (b.from % count),
        ...(b.generations !== undefined ? { generations: b.generations.map((x) => fmt(x, 4)) } : {}),
        ...(b.minimumGroup !== undefined ? { minimumGroup: fmt(b.minimumGroup, 4) } : {}),
        ...(b.minimumLegs !== undefined ? { minimumLegs: b.minimumLegs } : {}),
      };
    }
    return out;
  }),
);
