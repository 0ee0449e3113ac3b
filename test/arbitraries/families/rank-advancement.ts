// Random `rank-advancement` (docs/plan-language.md "`rank-advancement`: a fixed amount the first period a
// rank is reached"): none in about half the plans with ranks, else one entry with amounts for some ranks (0
// included; amounts of fewer units than instalments, so instalments of 0), 1 … 4 instalments (or 60, or the
// default), whenLost forfeit or pause, withoutState pay or skip, with or without requiresQualified.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { fmt, sometimes } from "../values.js";

const genes = sometimes(
  fc.record({
    amounts: fc.array(fc.record({ rank: fc.nat(3), units: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 100_000_000 })) }), { minLength: 1, maxLength: 4 }),
    instalments: fc.constantFrom(undefined, 1, 2, 3, 3, 4, 60),
    whenLost: fc.constantFrom(undefined, "forfeit", "pause"),
    withoutState: fc.constantFrom(undefined, "pay", "skip"),
    requiresQualified: fc.constantFrom(undefined, true, false),
    reference: fc.boolean(),
  }),
  1,
);

export const rankAdvancementArb = familyArbitrary("rank-advancement", genes, (g, ctx) => {
  if (g === undefined || ctx.ranks.length === 0) return [];
  const amounts = Object.fromEntries(g.amounts.map((a) => [ctx.ranks[a.rank % ctx.ranks.length] as string, fmt(a.units, ctx.scale)]));
  return [
    {
      key: "advancement",
      kind: "rank-advancement",
      ...(g.reference ? { reference: "§11" } : {}),
      amounts,
      ...(g.instalments !== undefined ? { instalments: g.instalments } : {}),
      ...(g.whenLost !== undefined ? { whenLost: g.whenLost } : {}),
      ...(g.withoutState !== undefined ? { withoutState: g.withoutState } : {}),
      ...(g.requiresQualified !== undefined ? { requiresQualified: g.requiresQualified } : {}),
    },
  ];
});
