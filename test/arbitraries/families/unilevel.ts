// Random `unilevel` bonuses (docs/plan-language.md "`unilevel`: level commissions"): none, one or two per
// plan, each on any measure, both compressions, with or without unqualifiedVolumePays, lines per level (written or
// not) or per source, with or without a base row, and up to three rows for ranks of the ladder (rows of 1 to 6
// levels, any rates including 0; ../levels.ts); in a plan with a placement tree, on either tree.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { buildSchedule, scheduleGenes } from "../levels.js";

const genes = fc.array(
  fc.record({
    measure: fc.nat(2),
    compression: fc.constantFrom("none", "dynamic"),
    unqualifiedVolumePays: fc.boolean(),
    lines: fc.constantFrom(undefined, "per-level", "per-source"),
    // In a plan with a placement tree, half the bonuses walk it, some saying `tree: sponsor` outright.
    tree: fc.constantFrom(undefined, "placement", "placement", "sponsor"),
    ...scheduleGenes,
  }),
  { minLength: 0, maxLength: 2 },
);

export const unilevelArb = familyArbitrary("unilevel", genes, (unilevels, ctx) =>
  unilevels.map((u, i) => ({
    key: `uni-${i}`,
    kind: "unilevel",
    reference: `§4.${i}`,
    measure: ctx.measure(u.measure),
    compression: u.compression,
    unqualifiedVolumePays: u.unqualifiedVolumePays,
    ...(u.lines !== undefined ? { lines: u.lines } : {}),
    ...(u.tree === undefined || (u.tree === "placement" && ctx.placement !== true) ? {} : { tree: u.tree }),
    schedule: buildSchedule(u, ctx),
  })),
);
