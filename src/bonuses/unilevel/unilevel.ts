/**
 * Unilevel level commissions: every member's own volume of the chosen measure pays their upline a rate per
 * level, through the shared level walk (../levels.ts, which states the rules and invariants: schedule rows by
 * rank, compression, breakage, conservation).
 * - `compression: none` or `dynamic`; `unqualifiedVolumePays: false` makes an unqualified member's own
 *   volume pay nobody (all breakage).
 * - `tree: placement` follows the placement tree's upline instead of the sponsor tree's (the plan must
 *   declare `placement`); compression skips unqualified members on that upline.
 */
import { z } from "zod";
import { type Issue, issue } from "../../errors/issues.js";
import { nameHint } from "../../errors/suggest.js";
import { keySchema, measureNameSchema, referenceSchema } from "../../plan/fields.js";
import type { LineSink } from "../../run/lines.js";
import { compileLevelSchedule, LEVEL_BREAKAGE, LEVEL_LINE_FIELDS, levelLinesSchema, levelScheduleSchema, runLevels, validateLevelSchedule } from "../levels.js";
import type { BonusFamily, CompiledBonus, LevelAccounting, RunContext } from "../family.js";
import { unilevelExplainer } from "./explain.js";

/** Deepest level a unilevel schedule may reach. */
export const UNILEVEL_DEPTH_MAX = 50;

/** The zod schema of a `unilevel` bonus entry. */
const schema = z.strictObject({
  kind: z.literal("unilevel").meta({ description: "The bonus family." }),
  key: keySchema,
  reference: referenceSchema.optional(),
  measure: measureNameSchema,
  schedule: levelScheduleSchema(UNILEVEL_DEPTH_MAX, "level", { rates: ["0.05", "0.04"], ranked: ["0.05", "0.04", "0.03", "0.02"] }),
  compression: z.enum(["none", "dynamic"]).meta({
    title: "Compression",
    description: "none: every upline counts as a level; dynamic: uplines who are not qualified are skipped and the level passes to the next qualified one.",
    examples: ["dynamic"],
  }),
  lines: levelLinesSchema,
  unqualifiedVolumePays: z.boolean().meta({ title: "Unqualified volume pays", description: "Whether the volume of members who are not qualified pays the upline.", examples: [false] }),
  tree: z.enum(["sponsor", "placement"]).optional().meta({
    title: "Tree",
    description:
      "The tree whose upline the levels follow: sponsor (the default) or placement (level commissions of a binary or matrix plan; the plan then declares `placement`). Qualification, ranks and group volumes stay on the sponsor tree.",
    examples: ["placement"],
  }),
}).meta({
  title: "Unilevel bonus",
  description: "A rate of the volume of each member down the sponsor tree, by level (level 1 = personally sponsored), with a schedule per paid-as rank.",
  examples: [{ kind: "unilevel", key: "unilevel", measure: "CV", schedule: [{ rates: ["0.05", "0.04", "0.03"] }], compression: "dynamic", unqualifiedVolumePays: false }],
});

/** A unilevel bonus entry of a plan. */
export type UnilevelConfig = z.output<typeof schema>;
/** A unilevel bonus entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type UnilevelInput = z.input<typeof schema>;

/** Why a level slot was not paid. */
export const UNILEVEL_BREAKAGE = LEVEL_BREAKAGE;

export const unilevel: BonusFamily<UnilevelConfig, UnilevelInput> = {
  kind: "unilevel",
  description: "Level commissions: a rate per level of the upline on each member's volume, depth unlocked by rank, optional dynamic compression.",
  schema,
  lineFields: LEVEL_LINE_FIELDS,
  reads: (config) => [`personal.${config.measure}`, "qualified", "rank", ...(config.tree === "placement" ? ["tree.placement"] : [])],
  validate(config, names, path) {
    const issues: Issue[] = [];
    if (!names.measures.has(config.measure)) {
      issues.push(issue("PLAN_UNKNOWN_MEASURE", [...path, "measure"], `unknown measure "${config.measure}"${nameHint(config.measure, names.measures, "measures")}`, config.measure));
    }
    if (config.tree === "placement" && !names.placement) {
      issues.push(issue("PLAN_INVALID_VALUE", [...path, "tree"], "tree: placement needs a placement tree: declare it at the top of the plan, e.g. placement: { width: 2 } for a binary tree", config.tree));
    }
    issues.push(...validateLevelSchedule(config.schedule, names, [...path, "schedule"]));
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    const measure = ctx.measureIndex(config.measure);
    const schedule = compileLevelSchedule(config.schedule, ctx);
    const options = { key: config.key, dynamic: config.compression === "dynamic", unqualifiedPays: config.unqualifiedVolumePays, tree: config.tree ?? "sponsor", perSource: config.lines === "per-source", generationRank: -1 } as const;
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      explain: unilevelExplainer(config, ctx),
      run(run: RunContext, sink: LineSink, bonusIndex: number): LevelAccounting {
        return runLevels(run, sink, bonusIndex, schedule, run.measures.personal[measure] as Float64Array, options);
      },
    };
  },
};
