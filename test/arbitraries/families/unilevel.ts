// Random `unilevel` bonuses (docs/plan-language.md "`unilevel`: level commissions"): none, one or two per
// plan, each on any measure, both compressions, with or without unqualifiedVolumePays, with or without a base
// row, and up to three rows for ranks of the ladder (rows of 1 to 6 levels, any rates including 0).
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { rate } from "../values.js";

const genes = fc.array(
  fc.record({
    measure: fc.nat(2),
    compression: fc.constantFrom("none", "dynamic"),
    unqualifiedVolumePays: fc.boolean(),
    baseRow: fc.option(fc.array(rate, { minLength: 1, maxLength: 5 }), { nil: undefined }),
    rankRows: fc.array(fc.record({ rank: fc.nat(3), rates: fc.array(rate, { minLength: 1, maxLength: 6 }) }), { maxLength: 3 }),
  }),
  { minLength: 0, maxLength: 2 },
);

export const unilevelArb = familyArbitrary("unilevel", genes, (unilevels, ctx) =>
  unilevels.map((u, i) => {
    const schedule: Record<string, unknown>[] = [];
    if (u.baseRow !== undefined) schedule.push({ rates: u.baseRow });
    // At most one row per rank (a rank named twice is a plan error); none when the ladder is empty.
    const seen = new Set<number>();
    for (const row of u.rankRows) {
      if (ctx.ranks.length === 0 || seen.has(row.rank % ctx.ranks.length)) continue;
      seen.add(row.rank % ctx.ranks.length);
      schedule.push({ rank: ctx.ranks[row.rank % ctx.ranks.length], rates: row.rates });
    }
    if (schedule.length === 0) schedule.push({ rates: ["0.05"] });
    return {
      key: `uni-${i}`,
      kind: "unilevel",
      reference: `§4.${i}`,
      measure: ctx.measure(u.measure),
      compression: u.compression,
      unqualifiedVolumePays: u.unqualifiedVolumePays,
      schedule,
    };
  }),
);
