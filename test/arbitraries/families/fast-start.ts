// Random `fast-start` (docs/plan-language.md "`fast-start`: a rate on a new member's orders in their first days
// or months"): none in about half the plans, else one or two entries, each on any measure orders carry a volume
// of (a `volumeOf` measure included), a window in days or in calendar months, 1 to 4 rates (sometimes 20, the
// most; rates of 0 included), the requirements left out, or with qualification required, dropped or left to
// its default and an own order of a minimum (0, round volumes orders often have, or any), breakage or roll-up
// (or the default), and caps: a source volume (state over a chain of periods), a period amount, both or none.
//
// Edges on purpose: window lengths are mostly those the inputs' join dates sit on the edge of (the inputs join
// members 0, 1, 6, 7, 9, 10, 29, 30, 31, 59, 60, 61 … days before a period starts, or inside it: see
// ../inputs.ts), so orders fall on a window's last day and the day after it; months windows of 1 to 3 months
// meet join dates on a month's last day; source caps and period amounts are round volumes and amounts
// (100 PV at 20% is 20.00) that orders of 50, 100 and 150 reach exactly.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { fmt, rate, sometimes } from "../values.js";

const window = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(1, 2, 7, 10, 30, 31, 60, 61, 90).map((days) => ({ days })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 730 }).map((days) => ({ days })) },
  { weight: 3, arbitrary: fc.constantFrom(1, 1, 2, 3).map((months) => ({ months })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 24 }).map((months) => ({ months })) },
);

/** A volume in units of 10^-4: round ones orders add up to, the smallest unit, or any. */
const volumeUnits = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 500_000, 1_000_000, 1_500_000, 2_000_000, 2_505_000, 10_000_000, 1) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 30_000_000 }) },
);

/** A period amount in hundredths of the currency: round ones (10.00, 20.00, 26.40 …), 0, or any. */
const amountHundredths = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 1000, 2000, 2640, 5000, 10_000, 7140) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 500_000 }) },
);

const entry = fc.record({
  measure: fc.nat(3),
  window,
  rates: fc.oneof({ weight: 12, arbitrary: fc.array(rate, { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.array(rate, { minLength: 20, maxLength: 20 }) }),
  requires: sometimes(
    fc.record({
      qualified: fc.constantFrom(undefined, true, false),
      order: sometimes(fc.record({ measure: fc.nat(3), minimum: volumeUnits }), 1, 2),
    }),
    1,
    2,
  ),
  unqualified: fc.constantFrom(undefined, "breakage", "roll-up"),
  caps: sometimes(fc.record({ sourceVolume: sometimes(volumeUnits, 1, 2), periodAmount: sometimes(amountHundredths, 1, 2) }), 1, 2),
  reference: fc.boolean(),
});

const genes = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(entry, { minLength: 1, maxLength: 2 }) });

export const fastStartArb = familyArbitrary("fast-start", genes, (entries, ctx) =>
  entries.map((e, i) => {
    // "measure must have a volume per order: not an accumulated measure" (nor requires.order.measure).
    const measure = (n: number): string => ctx.measures[n % ctx.measures.length] as string;
    const out: Record<string, unknown> = {
      key: `fast-start-${i}`,
      kind: "fast-start",
      ...(e.reference ? { reference: `§8.${i}` } : {}),
      measure: measure(e.measure),
      window: e.window,
      rates: e.rates,
    };
    if (e.requires !== undefined) {
      out.requires = {
        ...(e.requires.qualified !== undefined ? { qualified: e.requires.qualified } : {}),
        ...(e.requires.order !== undefined ? { order: { measure: measure(e.requires.order.measure), minimum: fmt(e.requires.order.minimum, 4) } } : {}),
      };
    }
    if (e.unqualified !== undefined) out.unqualified = e.unqualified;
    // "caps with neither cap is PLAN_INVALID_VALUE": a caps gene with neither leaves the key out.
    const caps = e.caps;
    if (caps !== undefined && (caps.sourceVolume !== undefined || caps.periodAmount !== undefined)) {
      out.caps = {
        ...(caps.sourceVolume !== undefined ? { sourceVolume: fmt(caps.sourceVolume, 4) } : {}),
        // "caps.periodAmount has at most money.scale decimal places".
        ...(caps.periodAmount !== undefined ? { periodAmount: fmt(Math.floor((caps.periodAmount * 10 ** ctx.scale) / 100), ctx.scale) } : {}),
      };
    }
    return out;
  }),
);
