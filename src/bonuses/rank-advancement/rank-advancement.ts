/**
 * Rank advancement bonus: a fixed amount paid once, the first period a member reaches a rank (a rank above
 * the opening state's `rank.highest`, up to this period's paid-as rank; several at once when a member rises
 * several), optionally in instalments over the following periods while the rank is held.
 *
 * The rules are docs/plan-language.md, "`rank-advancement`"; this file holds the entry's schema, its checks
 * and its compilation; ./run.ts computes it.
 */
import { z } from "zod";
import { type Issue, issue } from "../../errors/issues.js";
import { nameHint } from "../../errors/suggest.js";
import { compareDecimal, parseUnits } from "../../money/decimal.js";
import { decimalString, keySchema, rankNameSchema, referenceSchema } from "../../plan/fields.js";
import { decimalUnits } from "../../plan/units.js";
import type { LineSink } from "../../run/lines.js";
import type { StateField } from "../../state/state.js";
import type { BonusFamily, CompiledBonus, LevelAccounting, LineField, RunContext } from "../family.js";
import { advancementExplainer } from "./explain.js";
import { type AdvancementProgram, runAdvancement } from "./run.js";

/** Most instalments. */
export const INSTALMENTS_MAX = 60;
/** Largest amount of one rank. */
export const AMOUNT_MAX = "1000000000";

/** The zod schema of a `rank-advancement` bonus entry. */
const schema = z
  .strictObject({
    kind: z.literal("rank-advancement").meta({ description: "The bonus family." }),
    key: keySchema,
    reference: referenceSchema.optional(),
    amounts: z
      .record(rankNameSchema, decimalString("money"))
      .meta({ title: "Amounts by rank", description: "The amount paid once for first reaching each rank.", examples: [{ Silver: "100.00", Gold: "300.00" }] }),
    requiresQualified: z.boolean().default(true).meta({ description: "Whether a member must be qualified to be paid (an amount not paid for that is lost).", examples: [true] }),
    instalments: z.number().int().min(1).max(INSTALMENTS_MAX).default(1).meta({ description: "In how many instalments, one a period while the rank is held, the amount is paid (default 1: at once)." }),
    whenLost: z.enum(["forfeit", "pause"]).default("forfeit").meta({ description: "A period in which the rank is not held (or the member is unqualified): forfeit the remaining instalments, or pause them." }),
    withoutState: z.enum(["pay", "skip"]).default("pay").meta({ description: "A run without an opening state: pay every rank up to the paid-as rank (no rank held before), or skip (this period's ranks count as reached before)." }),
  })
  .meta({
    title: "Rank advancement bonus",
    description: "A fixed amount paid once, the first period a rank is reached (from the opening state's highest rank), at once or in instalments while the rank is held.",
    examples: [{ kind: "rank-advancement", key: "advancement", amounts: { Silver: "100.00", Gold: "300.00" }, instalments: 3 }],
  });

/** A rank-advancement bonus entry of a plan. */
export type RankAdvancementConfig = z.output<typeof schema>;
/** A rank-advancement bonus entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type RankAdvancementInput = z.input<typeof schema>;

/** Orders strings by UTF-16 code units. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The detail field of an advancement line: the rank's position in the ladder (the CSV already has the column). */
const LINE_FIELDS: readonly LineField[] = [{ name: "level", column: "level" }];

export const rankAdvancement: BonusFamily<RankAdvancementConfig, RankAdvancementInput> = {
  kind: "rank-advancement",
  description: "Rank advancement: a fixed amount paid once, the first period a rank is reached, at once or in instalments while the rank is held.",
  schema,
  lineFields: LINE_FIELDS,
  reads: (config) => ["rank", ...(config.requiresQualified ? ["qualified"] : [])],
  // Always a list: the entry keeps state (it reads rank.highest), with a count per rank when paid in
  // instalments, ordered by rank name (as ids are), so the order never depends on how the plan was written.
  state: (config): readonly StateField[] =>
    config.instalments > 1 ? Object.keys(config.amounts).sort(byCodeUnits).map((rank) => ({ name: `paid.${rank}`, kind: "count" as const })) : [],
  validate(config, names, path) {
    const issues: Issue[] = [];
    if (Object.keys(config.amounts).length === 0) issues.push(issue("PLAN_INVALID_VALUE", [...path, "amounts"], "list at least one rank and its amount"));
    for (const [rank, amount] of Object.entries(config.amounts)) {
      if (!names.ranks.includes(rank)) issues.push(issue("PLAN_UNKNOWN_RANK", [...path, "amounts", rank], `unknown rank "${rank}"${nameHint(rank, names.ranks, "ranks")}`, rank));
      if (typeof parseUnits(amount, names.moneyScale) !== "bigint") issues.push(issue("PLAN_DECIMAL_PRECISION", [...path, "amounts", rank], `the plan's money scale allows ${names.moneyScale} decimal places`, amount));
      else if (compareDecimal(amount, AMOUNT_MAX) > 0) issues.push(issue("PLAN_VALUE_RANGE", [...path, "amounts", rank], `an amount is at most ${AMOUNT_MAX}`, amount));
    }
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    const amounts = new Array<number>(ctx.rankCount).fill(0);
    const fields = new Array<string | undefined>(ctx.rankCount).fill(undefined);
    for (const [rank, amount] of Object.entries(config.amounts)) {
      const r = ctx.rankIndex(rank);
      amounts[r] = decimalUnits(amount, ctx.moneyScale);
      if (config.instalments > 1) fields[r] = `${config.key}.paid.${rank}`;
    }
    const program: AdvancementProgram = {
      key: config.key,
      amounts,
      fields,
      instalments: config.instalments,
      forfeit: config.whenLost === "forfeit",
      skip: config.withoutState === "skip",
      requiresQualified: config.requiresQualified,
      moneyScale: ctx.moneyScale,
    };
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      explain: advancementExplainer(program, ctx),
      run(run: RunContext, sink: LineSink, bonusIndex: number): LevelAccounting {
        return runAdvancement(run, sink, bonusIndex, program);
      },
    };
  },
};
