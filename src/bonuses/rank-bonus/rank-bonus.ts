/**
 * Rank bonus: a fixed amount for holding a paid-as rank in the period.
 *
 * Plan behaviour: a member whose paid-as rank is listed in `amounts` receives that amount; a rank not
 * listed pays nothing (there is no fallback to a lower rank). With `requiresQualified` (the default) an
 * unqualified member receives nothing, whatever rank the ladder gave them.
 * Invariant: at most one line per member.
 */
import { z } from "zod";
import { type Issue, issue } from "../../errors/issues.js";
import { nameHint } from "../../errors/suggest.js";
import { MONEY_SCALE_MAX, RATE_SCALE, VOLUME_SCALE, parseUnits } from "../../money/decimal.js";
import { assert } from "../../errors/issues.js";
import { decimalString, keySchema, rankNameSchema, referenceSchema } from "../../plan/fields.js";
import { LINE_FIXED, type LineSink } from "../../run/lines.js";
import type { BonusFamily, CompiledBonus, RunContext } from "../family.js";
import { rankBonusExplainer } from "./explain.js";

/** The zod schema of a `rank-bonus` bonus entry. */
const schema = z.strictObject({
  kind: z.literal("rank-bonus").meta({ description: "The bonus family." }),
  key: keySchema,
  reference: referenceSchema.optional(),
  amounts: z
    .record(rankNameSchema, decimalString("money"))
    .meta({ title: "Amounts by rank", description: "The amount paid to a member paid as each rank.", examples: [{ Silver: "100.00", Gold: "250.00" }] }),
  requiresQualified: z.boolean().default(true).meta({ description: "Whether only qualified members are paid.", examples: [true] }),
}).meta({
  title: "Rank bonus",
  description: "A fixed amount for each paid-as rank held in the period.",
  examples: [{ kind: "rank-bonus", key: "rank-bonus", amounts: { Gold: "250.00" } }],
});

/** A rank-bonus entry of a plan. */
export type RankBonusConfig = z.output<typeof schema>;
/** A rank bonus entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type RankBonusInput = z.input<typeof schema>;

const ONE = 10 ** RATE_SCALE;

export const rankBonus: BonusFamily<RankBonusConfig, RankBonusInput> = {
  kind: "rank-bonus",
  description: "A fixed amount for each paid-as rank held in the period.",
  schema,
  lineFields: [],
  reads: (config) => ["rank", ...(config.requiresQualified ? ["qualified"] : [])],
  validate(config, names, path) {
    const issues: Issue[] = [];
    if (Object.keys(config.amounts).length === 0) {
      issues.push(issue("PLAN_INVALID_VALUE", [...path, "amounts"], "list at least one rank and its amount"));
    }
    for (const [rank, amount] of Object.entries(config.amounts)) {
      if (!names.ranks.includes(rank)) issues.push(issue("PLAN_UNKNOWN_RANK", [...path, "amounts", rank], `unknown rank "${rank}"${nameHint(rank, names.ranks, "ranks")}`, rank));
      if (typeof parseUnits(amount, names.moneyScale) !== "bigint") {
        issues.push(issue("PLAN_DECIMAL_PRECISION", [...path, "amounts", rank], `the plan's money scale allows ${names.moneyScale} decimal places`, amount));
      }
    }
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    // amountByRank[rank]: the amount in volume-scale units (exact: money has at most 4 places), or -1.
    const amountByRank = new Float64Array(ctx.rankCount).fill(-1);
    for (const [rank, amount] of Object.entries(config.amounts)) {
      const u = parseUnits(amount, VOLUME_SCALE);
      assert(typeof u === "bigint" && VOLUME_SCALE >= MONEY_SCALE_MAX, "validated-money", amount);
      amountByRank[ctx.rankIndex(rank)] = Number(u);
    }
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      explain: rankBonusExplainer(config, ctx),
      run(run: RunContext, sink: LineSink, bonusIndex: number): undefined {
        const { qualified, rank } = run;
        const n = run.genealogy.size;
        for (let i = 0; i < n; i++) {
          const r = rank[i] as number;
          if (r < 0 || (config.requiresQualified && qualified[i] !== 1)) continue;
          const amount = amountByRank[r] as number;
          if (amount > 0) sink.add(i, bonusIndex, 0, LINE_FIXED, 0, -1, amount, ONE);
        }
        run.work.add(`bonus:${config.key}`, n);
        return undefined;
      },
    };
  },
};
