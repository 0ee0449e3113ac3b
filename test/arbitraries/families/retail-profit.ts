// Random `retail-profit` (docs/plan-language.md "`retail-profit`"): at most one per plan, on any measure, any
// rate (0 included), with or without requiresQualified.
import fc from "fast-check";
import { familyArbitrary } from "../family.js";
import { rate } from "../values.js";

const genes = fc.option(fc.record({ measure: fc.nat(2), rate, requiresQualified: fc.boolean() }), { nil: undefined });

export const retailProfitArb = familyArbitrary("retail-profit", genes, (g, ctx) =>
  g === undefined ? [] : [{ key: "retail", kind: "retail-profit", measure: ctx.measure(g.measure), rate: g.rate, requiresQualified: g.requiresQualified }],
);
