// Random `structure` (docs/plan-language.md "`structure`: fixed amounts for a structure built this period"):
// none in about half the plans, else one entry of 1 to 4 levels, each with any combination of the four
// requirements (personal, sponsored, team to a depth or the whole downline, frontline of any level or the
// one below), amounts at the plan's money scale (0 included, not always increasing), with or without
// requiresQualified.
//
// Edges on purpose: minimums are round volumes the inputs' order volumes (often 50, 100, 150) add up to
// exactly, so volumes land on minimums; a level may have no requirement (every member meets it); a
// frontline level may name its own level or one above it.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { fmt, sometimes } from "../values.js";

const minimum = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 500_000, 1_000_000, 1_500_000, 2_000_000, 4_000_000) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 30_000_000 }) });

const level = fc.record({
  amount: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) }, { weight: 1, arbitrary: fc.constant(0) }),
  personal: sometimes(fc.record({ measure: fc.nat(2), minimum }), 1),
  sponsored: sometimes(fc.record({ count: fc.integer({ min: 1, max: 3 }), measure: fc.nat(2), minimum }), 1),
  team: sometimes(fc.record({ measure: fc.nat(2), minimum, depth: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }), 1),
  frontline: sometimes(fc.record({ count: fc.integer({ min: 1, max: 3 }), level: fc.option(fc.nat(3), { nil: undefined }) }), 1),
});

const genes = sometimes(fc.record({ levels: fc.array(level, { minLength: 1, maxLength: 4 }), requiresQualified: fc.constantFrom(undefined, true, false), reference: fc.boolean() }), 1);

export const structureArb = familyArbitrary("structure", genes, (g, ctx) => {
  if (g === undefined) return [];
  const count = g.levels.length;
  const levels = g.levels.map((l, j) => {
    // Amounts in hundredths of the currency, written at the plan's scale (whole units at scale 0 and 1).
    const out: Record<string, unknown> = { amount: fmt(Math.floor((l.amount * 10 ** ctx.scale) / 100), ctx.scale) };
    if (l.personal !== undefined) out.personal = { measure: ctx.measure(l.personal.measure), minimum: fmt(l.personal.minimum, 4) };
    if (l.sponsored !== undefined) out.sponsored = { count: l.sponsored.count, measure: ctx.measure(l.sponsored.measure), minimum: fmt(l.sponsored.minimum, 4) };
    if (l.team !== undefined) out.team = { measure: ctx.measure(l.team.measure), minimum: fmt(l.team.minimum, 4), ...(l.team.depth !== undefined ? { depth: l.team.depth } : {}) };
    // "frontline.level ... required at level 1, which has no level below".
    if (l.frontline !== undefined) {
      const named = l.frontline.level === undefined && j > 0 ? undefined : 1 + ((l.frontline.level ?? 0) % count);
      out.frontline = { count: l.frontline.count, ...(named !== undefined ? { level: named } : {}) };
    }
    return out;
  });
  return [{ key: "structure", kind: "structure", ...(g.reference ? { reference: "§9.1" } : {}), ...(g.requiresQualified !== undefined ? { requiresQualified: g.requiresQualified } : {}), levels }];
});
