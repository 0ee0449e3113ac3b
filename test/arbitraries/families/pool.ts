// Random `pool` (docs/plan-language.md "`pool`: a fund shared among qualifiers"): none in about half the
// plans, else one or two entries: a fund by share of a measure's company volume (shares up to 0.05, so a
// per-share value stays far below the largest exact rate) or an amount at the plan's money scale (0
// included), shares one each, by rank (when the ladder has ranks) or by points (personal or group, per
// 1 … 250.5), an optional minimum rank, any shareRounding, remainder breakage or carry (or the default).
//
// Edges on purpose: funds of a few units split among many shares (per-share values of 0 or 1 unit, remainders
// up to S − 1 units, negative ones under rounding up), shares of company volumes with 6 places (parts below a
// unit), and, over a chain, the carried remainder added to the next fund.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { fmt, sometimes } from "../values.js";

const entry = fc.record({
  fund: fc.oneof(
    fc.record({ share: fc.oneof(fc.constantFrom(20_000, 50_000, 1, 10_000, 333), fc.integer({ min: 0, max: 50_000 })), of: fc.nat(2) }),
    fc.record({ amount: fc.oneof(fc.constantFrom(0, 1, 2, 7, 100, 1001), fc.integer({ min: 0, max: 100_000_000 })) }),
  ),
  rank: sometimes(fc.nat(3), 2),
  requiresQualified: fc.constantFrom(undefined, true, false),
  shares: fc.oneof(
    fc.constant(undefined),
    fc.record({ ranks: fc.array(fc.record({ rank: fc.nat(3), n: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(1_000_000)) }), { minLength: 1, maxLength: 3 }) }),
    fc.record({ measure: fc.nat(2), on: fc.constantFrom(undefined, "personal", "group"), per: fc.constantFrom(undefined, "1", "50", "100", "250.5") }),
  ),
  shareRounding: fc.constantFrom(undefined, "down", "half-up", "half-even", "half-down", "up"),
  remainder: fc.constantFrom(undefined, "breakage", "carry", "carry"),
  reference: fc.boolean(),
});

const genes = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(entry, { minLength: 1, maxLength: 2 }) });

export const poolArb = familyArbitrary("pool", genes, (entries, ctx) =>
  entries.map((g, i) => {
    const out: Record<string, unknown> = { key: `pool-${i}`, kind: "pool", ...(g.reference ? { reference: `§10.${i}` } : {}) };
    out.fund = "amount" in g.fund ? { amount: fmt(g.fund.amount, ctx.scale) } : { share: fmt(g.fund.share, 6), of: ctx.measure(g.fund.of) };
    if (g.rank !== undefined && ctx.ranks.length > 0) out.rank = ctx.ranks[g.rank % ctx.ranks.length];
    if (g.requiresQualified !== undefined) out.requiresQualified = g.requiresQualified;
    const s = g.shares;
    if (s !== undefined && "ranks" in s) {
      if (ctx.ranks.length > 0) out.shares = { ranks: Object.fromEntries(s.ranks.map((x) => [ctx.ranks[x.rank % ctx.ranks.length] as string, x.n])) };
    } else if (s !== undefined) {
      out.shares = { measure: ctx.measure(s.measure), ...(s.on !== undefined ? { on: s.on } : {}), ...(s.per !== undefined ? { per: s.per } : {}) };
    }
    if (g.shareRounding !== undefined) out.shareRounding = g.shareRounding;
    if (g.remainder !== undefined) out.remainder = g.remainder;
    return out;
  }),
);
