// Random `payout-cap` (docs/plan-language.md "`payout-cap`: a cap on the pay of named bonuses, for the company
// or per member"): none in about half the plans, else one or two entries, each capping one to three of the
// bonuses built before it (the second may name the first: "Both caps"), a company cap (any measure, a share
// from tiny to 1, a point value or the default) or a per-member cap (an amount at the plan's scale, 0
// included), sometimes protecting some of the bonuses it names and/or a first amount of each member's pay.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { fmt, sometimes } from "../values.js";

const entry = fc.record({
  of: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  company: fc.option(
    fc.record({ measure: fc.nat(2), share: fc.constantFrom("0.000001", "0.001", "0.01", "0.05", "0.1", "0.45", "1"), pointValue: fc.constantFrom(undefined, "1", "0.5", "2.25", "0.0001") }),
    { nil: undefined, freq: 2 },
  ),
  perMember: fc.oneof(fc.constantFrom(0, 1, 100), fc.integer({ min: 0, max: 5_000_000 })),
  protect: sometimes(fc.record({ bonuses: fc.array(fc.nat(), { maxLength: 2 }), amount: sometimes(fc.integer({ min: 0, max: 500_000 }), 1) }), 1),
  reference: fc.boolean(),
});

const genes = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(entry, { minLength: 1, maxLength: 2 }) });

export const payoutCapArb = familyArbitrary("payout-cap", genes, (entries, ctx) => {
  const out: Record<string, unknown>[] = [];
  for (const [i, e] of entries.entries()) {
    // "of (at least one bonus key of the plan, each once; not its own key)": bonuses built before it, the
    // first cap included for the second.
    const readable = [...ctx.bonuses.map((b) => b.key), ...out.map((b) => b.key as string)];
    if (readable.length === 0) continue;
    // A cap naming a bonus an earlier cap names also names that cap ("Both caps": it caps what the first left),
    // so two caps never cut the same pay twice.
    const named = e.of.map((n) => readable[n % readable.length] as string);
    const earlier = out.filter((cap) => (cap.of as string[]).some((key) => named.includes(key))).map((cap) => cap.key as string);
    const of = [...new Set([...named, ...earlier])];
    const protectedKeys = [...new Set((e.protect?.bonuses ?? []).map((n) => of[n % of.length] as string))];
    const protect =
      e.protect === undefined
        ? undefined
        : { ...(protectedKeys.length > 0 ? { bonuses: protectedKeys } : {}), ...(e.protect.amount !== undefined ? { amount: fmt(e.protect.amount, ctx.scale) } : {}) };
    out.push({
      key: `cap-${i}`,
      kind: "payout-cap",
      ...(e.reference ? { reference: `§9.${i}` } : {}),
      of,
      ...(e.company !== undefined
        ? { company: { measure: ctx.measure(e.company.measure), share: e.company.share, ...(e.company.pointValue !== undefined ? { pointValue: e.company.pointValue } : {}) } }
        : { perMember: fmt(e.perMember, ctx.scale) }),
      ...(protect !== undefined && Object.keys(protect).length > 0 ? { protect } : {}),
    });
  }
  return out;
});
