// Random `matching` (docs/plan-language.md "`matching`: a rate on the downline's earnings, by sponsor level"):
// none in about half the plans, else one or two entries, each naming one to three of the bonuses built before
// it in `of` (the other families' entries, and for the second matching entry possibly the first one: a chain,
// never a circle), compression none, dynamic or left to its default, lines per level or per source (or left
// out), a schedule like unilevel's (base row or
// not, rank rows, any rates including 0; ../levels.ts), by sponsor level or (in about half, when the ladder
// has ranks) by generation of any rank of the ladder, with or without a reference. The plan arbitrary may then
// list the entries before the bonuses they read.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { buildSchedule, scheduleGenes } from "../levels.js";

const entry = fc.record({
  of: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  compression: fc.constantFrom(undefined, "none", "dynamic"),
  lines: fc.constantFrom(undefined, "per-level", "per-source"),
  reference: fc.boolean(),
  generations: fc.option(fc.nat(3), { nil: undefined, freq: 2 }),
  ...scheduleGenes,
});

const genes = fc.oneof(
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.array(entry, { minLength: 1, maxLength: 2 }) },
);

export const matchingArb = familyArbitrary("matching", genes, (entries, ctx) => {
  const out: Record<string, unknown>[] = [];
  for (const [i, m] of entries.entries()) {
    // The keys it may read: every bonus built before it, the other matching entries included.
    const readable = [...ctx.bonuses.map((b) => b.key), ...out.map((b) => b.key as string)];
    if (readable.length === 0) continue;
    const of = [...new Set(m.of.map((n) => readable[n % readable.length] as string))];
    out.push({
      key: `match-${i}`,
      kind: "matching",
      ...(m.reference ? { reference: `§6.${i}` } : {}),
      of,
      ...(m.compression !== undefined ? { compression: m.compression } : {}),
      ...(m.lines !== undefined ? { lines: m.lines } : {}),
      ...(m.generations !== undefined && ctx.ranks.length > 0 ? { generations: { rank: ctx.ranks[m.generations % ctx.ranks.length] } } : {}),
      schedule: buildSchedule(m, ctx),
    });
  }
  return out;
});
