// Random `contest` (docs/plan-language.md "`contest`: points over a window of periods, tiers and awards"): none
// in about half the plans, else one or two entries, each with a window around the periods the inputs and
// chains run (so runs fall before, in, on the first and on the final period of a window, and after it; months,
// ISO weeks and date ranges, one-period windows, a window starting inside a period), one or two points
// entries (any measure, personal or group, a weight or the default), one to three tiers with increasing
// thresholds, each with a money award, a non-money award, both or none, and requiresQualified true, false or
// left to its default.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { fmt } from "../values.js";

/** Windows around test/arbitraries/inputs.ts's periods and chains.ts's chain starts. */
const WINDOWS: { from: string; to: string }[] = [
  { from: "2025-12", to: "2026-01" },
  { from: "2024-02", to: "2024-03" },
  { from: "2026-09", to: "2026-09" },
  { from: "2026-10", to: "2026-10" },
  { from: "2025-W52", to: "2026-W01" },
  { from: "2026-12-20..2026-12-31", to: "2027-01-01..2027-01-05" },
  { from: "2026-04", to: "2026-06" },
  { from: "2023-01", to: "2023-02" },
  { from: "2024-01-15..2024-01-20", to: "2024-02-29..2024-02-29" },
  { from: "2026-W52", to: "2026-W53" },
];

const entry = fc.record({
  window: fc.nat(WINDOWS.length - 1),
  points: fc.array(fc.record({ measure: fc.nat(2), on: fc.constantFrom(undefined, "personal", "group"), weight: fc.constantFrom(undefined, "1", "0.1", "2.5", "0.0001", "0.3333", "7") }), { minLength: 1, maxLength: 2 }),
  requiresQualified: fc.constantFrom(undefined, true, false),
  tiers: fc.array(
    fc.record({
      step: fc.oneof(fc.constantFrom(1, 10_000, 1_000_000), fc.integer({ min: 1, max: 30_000_000 })),
      amount: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
      name: fc.option(fc.constantFrom("Weekend in Lisbon", "Pin", "Tablet & case"), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  reference: fc.boolean(),
});

const genes = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(entry, { minLength: 1, maxLength: 2 }) });

export const contestArb = familyArbitrary("contest", genes, (entries, ctx) =>
  entries.map((e, i) => {
    let threshold = 0;
    const tiers = e.tiers.map((t, k) => {
      threshold += t.step;
      const award = { ...(t.amount !== undefined ? { amount: fmt(t.amount, ctx.scale) } : {}), ...(t.name !== undefined ? { name: t.name } : {}) };
      return { name: `Tier ${k + 1}`, points: fmt(threshold, 4), ...(Object.keys(award).length > 0 ? { award } : {}) };
    });
    return {
      key: `contest-${i}`,
      kind: "contest",
      ...(e.reference ? { reference: `§10.${i}` } : {}),
      window: WINDOWS[e.window],
      points: e.points.map((p) => ({ measure: ctx.measure(p.measure), ...(p.on !== undefined ? { on: p.on } : {}), ...(p.weight !== undefined ? { weight: p.weight } : {}) })),
      ...(e.requiresQualified !== undefined ? { requiresQualified: e.requiresQualified } : {}),
      tiers,
    };
  }),
);
