/**
 * Retail profit: what a member earns on their own retail business, as a rate of one of their own measures.
 *
 * Plan behaviour: a measure that counts the relevant order kinds carries the base (for example a measure
 * counting only retail sales whose volume is the retail margin, with rate "1"; or business volume with
 * the plan's retail-profit percentage). `requiresQualified` defaults to false: retail profit is usually
 * earned whether or not the member qualifies for other bonuses.
 * Invariant: at most one line per member; amount = base × rate, rounded by the plan's policy.
 */
import { z } from "zod";
import { type Issue, issue } from "../../errors/issues.js";
import { nameHint } from "../../errors/suggest.js";
import { decimalString, keySchema, measureNameSchema, referenceSchema } from "../../plan/fields.js";
import { rateUnits } from "../../plan/units.js";
import type { LineSink } from "../../run/lines.js";
import type { BonusFamily, CompiledBonus, RunContext } from "../family.js";
import { retailProfitExplainer } from "./explain.js";

/** The zod schema of a `retail-profit` bonus entry. */
const schema = z.strictObject({
  kind: z.literal("retail-profit").meta({ description: "The bonus family." }),
  key: keySchema,
  reference: referenceSchema.optional(),
  measure: measureNameSchema,
  rate: decimalString("rate").default("1"),
  requiresQualified: z.boolean().default(false).meta({ description: "Whether only qualified members are paid.", examples: [false] }),
}).meta({
  title: "Retail profit",
  description: "A rate (default 1) of the member's own volume of a measure, usually one counting retail sales.",
  examples: [{ kind: "retail-profit", key: "retail", measure: "RETAIL", rate: "1" }],
});

/** A retail-profit entry of a plan. */
export type RetailProfitConfig = z.output<typeof schema>;
/** A retail profit entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type RetailProfitInput = z.input<typeof schema>;

export const retailProfit: BonusFamily<RetailProfitConfig, RetailProfitInput> = {
  kind: "retail-profit",
  description: "Retail profit: a rate (default 1) of the member's own volume of a measure, usually one counting retail sales.",
  schema,
  lineFields: [],
  reads: (config) => [`personal.${config.measure}`, ...(config.requiresQualified ? ["qualified"] : [])],
  validate(config, names, path) {
    const issues: Issue[] = [];
    if (!names.measures.has(config.measure)) {
      issues.push(issue("PLAN_UNKNOWN_MEASURE", [...path, "measure"], `unknown measure "${config.measure}"${nameHint(config.measure, names.measures, "measures")}`, config.measure));
    }
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    const measure = ctx.measureIndex(config.measure);
    const rate = rateUnits(config.rate);
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      explain: retailProfitExplainer(config, ctx),
      run(run: RunContext, sink: LineSink, bonusIndex: number): undefined {
        const volume = run.measures.personal[measure] as Float64Array;
        const n = run.genealogy.size;
        for (let i = 0; i < n; i++) {
          const v = volume[i] as number;
          if (v === 0 || rate === 0 || (config.requiresQualified && run.qualified[i] !== 1)) continue;
          sink.add(i, bonusIndex, 0, 0, 1, i, v, rate);
        }
        run.work.add(`bonus:${config.key}`, n);
        return undefined;
      },
    };
  },
};
