// Random `rank-bonus` (docs/plan-language.md "`rank-bonus`: a fixed amount per paid-as rank"): at most one
// per plan, when the plan has ranks: an amount for every rank (0 included) at the plan's money scale, with
// or without requiresQualified.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { fmt } from "../values.js";

const genes = fc.option(
  fc.record({ amounts: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 4, maxLength: 4 }), requiresQualified: fc.boolean() }),
  { nil: undefined },
);

export const rankBonusArb = familyArbitrary("rank-bonus", genes, (g, ctx) => {
  if (g === undefined || ctx.ranks.length === 0) return [];
  const amounts: Record<string, string> = {};
  ctx.ranks.forEach((rank, r) => {
    amounts[rank] = fmt(g.amounts[r] ?? 0, ctx.scale);
  });
  return [{ key: "rank-bonus", kind: "rank-bonus", amounts, requiresQualified: g.requiresQualified }];
});
