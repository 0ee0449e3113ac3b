/**
 * Matching bonus: a rate on the earnings of the member's downline from named bonuses, by sponsor level or,
 * with `generations`, by generation (a generation ends at a member holding a named rank).
 *
 * Plan behaviour: each member's base is the sum of what they earned this period from the bonuses listed
 * under `of` (their settled, rounded amounts, exactly as their statement shows them). That base pays the
 * member's upline a rate per level, through the shared level walk (../levels.ts): a schedule row per rank
 * (the row's length is the depth it unlocks), `compression: none` or `dynamic`, the same breakage reasons
 * and the same conservation, paid + compressed up + breakage = potential. A member's earnings count for
 * matching whether or not that member is qualified (they were earned); the upline member must be qualified
 * to be paid. Negative earnings (a clawback) are matched too, as a negative base. By generation, only members
 * holding the named rank take levels (the level walk passes the others through).
 *
 * The engine runs a matching step after the bonuses it matches and settles their earnings first; a plan
 * whose bonuses match each other in a circle is rejected (PLAN_STEP_CYCLE).
 */
import { z } from "zod";
import { type Issue, issue } from "../../errors/issues.js";
import { VOLUME_SCALE } from "../../money/decimal.js";
import { keySchema, referenceSchema } from "../../plan/fields.js";
import type { LineSink } from "../../run/lines.js";
import type { BonusFamily, CompiledBonus, LevelAccounting, RunContext } from "../family.js";
import { compileLevelSchedule, generationsSchema, LEVEL_LINE_FIELDS, levelLinesSchema, levelScheduleSchema, runLevels, validateGenerations, validateLevelSchedule } from "../levels.js";
import { levelExplainer } from "../levels-explain.js";

/** Deepest level a matching schedule may reach. */
export const MATCHING_DEPTH_MAX = 20;

/** The zod schema of a `matching` bonus entry. */
const schema = z
  .strictObject({
    kind: z.literal("matching").meta({ description: "The bonus family." }),
    key: keySchema,
    reference: referenceSchema.optional(),
    of: z
      .array(keySchema)
      .min(1)
      .max(20)
      .meta({ title: "Matched bonuses", description: "The keys of the bonuses whose earnings are matched (their sum per member).", examples: [["unilevel"]] }),
    schedule: levelScheduleSchema(MATCHING_DEPTH_MAX, "sponsor level (or generation, with `generations`)", { rates: ["0.10"], ranked: ["0.10", "0.07"] }),
    generations: generationsSchema.optional(),
    compression: z
      .enum(["none", "dynamic"])
      .default("none")
      .meta({
        title: "Compression",
        description: "none: every upline (by generation: every holder of the generation rank) counts as a level; dynamic: uplines who are not qualified are skipped.",
        examples: ["none"],
      }),
    lines: levelLinesSchema,
  })
  .meta({
    title: "Matching bonus",
    description: "A rate, by sponsor level or by generation, of the earnings of the member's downline from named bonuses.",
    examples: [{ kind: "matching", key: "matching", of: ["unilevel"], schedule: [{ rates: ["0.10", "0.07"] }] }],
  });

/** A matching bonus entry of a plan. */
export type MatchingConfig = z.output<typeof schema>;
/** A matching bonus entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type MatchingInput = z.input<typeof schema>;

export const matching: BonusFamily<MatchingConfig, MatchingInput> = {
  kind: "matching",
  description: "Matching: a rate per sponsor level (or per generation of rank holders) on the downline's earnings from named bonuses, depth unlocked by rank, optional dynamic compression.",
  schema,
  lineFields: LEVEL_LINE_FIELDS,
  reads: (config) => [...config.of.map((k) => `earnings.${k}`), "qualified", "rank"],
  validate(config, names, path) {
    const issues: Issue[] = [];
    config.of.forEach((k, x) => {
      const at = [...path, "of", x];
      if (k === config.key) issues.push(issue("PLAN_STEP_CYCLE", at, `bonus "${k}" cannot match its own earnings`, k));
      else if (!names.bonuses.includes(k)) {
        issues.push(issue("PLAN_UNKNOWN_BONUS", at, `no bonus has the key "${k}" (bonuses: ${names.bonuses.filter((b) => b !== config.key).join(", ") || "none"})`, k));
      } else if (config.of.indexOf(k) !== x) issues.push(issue("PLAN_DUPLICATE_NAME", at, `bonus "${k}" is listed twice`, k));
    });
    issues.push(...validateLevelSchedule(config.schedule, names, [...path, "schedule"]));
    issues.push(...validateGenerations(config.generations, names, [...path, "generations"]));
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    const schedule = compileLevelSchedule(config.schedule, ctx);
    const generationRank = config.generations === undefined ? -1 : ctx.rankIndex(config.generations.rank);
    const options = { key: config.key, dynamic: config.compression === "dynamic", unqualifiedPays: true, generationRank, perSource: config.lines === "per-source" };
    // Earnings are in money units (10^-scale); the level walk's base is in volume units (10^-4).
    const toBase = 10 ** (VOLUME_SCALE - ctx.moneyScale);
    /** Each member's base: the sum of their earnings from the matched bonuses, in volume units. */
    const baseOf = (n: number, earnings: (key: string) => Float64Array): Float64Array => {
      const base = new Float64Array(n);
      for (const k of config.of) {
        const e = earnings(k);
        for (let i = 0; i < n; i++) base[i] = (base[i] as number) + (e[i] as number) * toBase;
      }
      return base;
    };
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      explain: levelExplainer(
        {
          schedule: config.schedule,
          dynamic: options.dynamic,
          unqualifiedPays: true,
          ...(config.generations !== undefined ? { generations: config.generations.rank } : {}),
          baseName: `earnings from ${config.of.join(" and ")}`,
          basePreorder: (ctx) => {
            const base = baseOf(ctx.genealogy.size, (k) => ctx.earnings(k));
            const { member } = ctx.preorder;
            return Float64Array.from(member, (m) => base[m] as number);
          },
          ordersMeasure: -1,
          perSource: options.perSource,
        },
        ctx,
      ),
      run(run: RunContext, sink: LineSink, bonusIndex: number): LevelAccounting {
        const n = run.genealogy.size;
        const base = baseOf(n, (k) => run.earnings(k));
        run.work.add(`bonus:${config.key}`, n * config.of.length);
        return runLevels(run, sink, bonusIndex, schedule, base, options);
      },
    };
  },
};
