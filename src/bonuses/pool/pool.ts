/**
 * Pool: a fund (a share of the company's volume of a measure, or a fixed amount) split among the members
 * who qualify (by paid-as rank and qualification), equally or by shares (by rank, or whole shares of a
 * volume), at a per-share value in whole money units rounded as the plan says. What it leaves is breakage,
 * or is carried to the next period's fund (a company state field).
 *
 * The rules are docs/plan-language.md, "`pool`"; this file holds the entry's schema, its checks and its
 * compilation; ./run.ts computes it.
 */
import { z } from "zod";
import { type Issue, issue } from "../../errors/issues.js";
import { nameHint } from "../../errors/suggest.js";
import { ROUNDING_MODES, type RoundingMode, compareDecimal, parseUnits } from "../../money/decimal.js";
import { decimalString, keySchema, measureNameSchema, rankNameSchema, referenceSchema } from "../../plan/fields.js";
import { rateUnits, volumeUnits } from "../../plan/units.js";
import type { LineSink } from "../../run/lines.js";
import type { StateField } from "../../state/state.js";
import type { BonusFamily, CompiledBonus, LevelAccounting, RunContext } from "../family.js";
import { poolExplainer } from "./explain.js";
import { type PoolProgram, type PoolShares, runPool } from "./run.js";

/** Largest fixed fund. */
const AMOUNT_MAX = "1000000000";
/** Most shares one rank may carry. */
const RANK_SHARES_MAX = 1_000_000;

const fundSchema = z
  .strictObject({
    share: decimalString("rate").optional().meta({ description: "The share of the company's volume of `of` this period (\"0.02\" is 2%)." }),
    of: measureNameSchema.optional().meta({ description: "The measure whose company volume (every member's personal volume) the share is of." }),
    amount: decimalString("money").optional().meta({ description: "A fixed fund instead, in money." }),
  })
  .meta({ title: "Pool fund", description: "Either `share` of the company's volume of measure `of`, or a fixed `amount`.", examples: [{ share: "0.02", of: "CV" }, { amount: "5000.00" }] });

const sharesSchema = z
  .strictObject({
    ranks: z.record(rankNameSchema, z.number().int().min(1).max(RANK_SHARES_MAX)).optional().meta({ description: "Shares by paid-as rank: a member has the shares of the highest listed rank at or below theirs." }),
    measure: measureNameSchema.optional().meta({ description: "Points: whole shares of the member's volume of this measure." }),
    on: z.enum(["personal", "group"]).optional().meta({ description: "Which volume of `measure` (default personal)." }),
    per: decimalString("volume").optional().meta({ description: "The volume of one share (default \"1\", at least 1): a member has ⌊volume ÷ per⌋ shares." }),
  })
  .meta({ title: "Pool shares", description: "How many shares each qualifier has: by rank (`ranks`) or by volume (`measure`, `on`, `per`). Left out: one share each.", examples: [{ ranks: { Gold: 1, Diamond: 3 } }, { measure: "PV", per: "100" }] });

/** The zod schema of a `pool` bonus entry. */
const schema = z
  .strictObject({
    kind: z.literal("pool").meta({ description: "The bonus family." }),
    key: keySchema,
    reference: referenceSchema.optional(),
    fund: fundSchema,
    rank: rankNameSchema.optional().meta({ description: "Only members paid as this rank or higher share in the pool." }),
    requiresQualified: z.boolean().default(true).meta({ description: "Whether only qualified members share in the pool.", examples: [true] }),
    shares: sharesSchema.optional(),
    shareRounding: z.enum(ROUNDING_MODES as unknown as [RoundingMode, ...RoundingMode[]]).default("down").meta({ description: "How the per-share value (fund ÷ shares) is rounded to whole money units: down (truncated, the default) or a rounding mode." }),
    remainder: z.enum(["breakage", "carry"]).default("breakage").meta({ description: "What the fund leaves undistributed: breakage (kept), or carried to the next period's fund." }),
  })
  .meta({
    title: "Pool",
    description: "A fund (a share of company volume, or a fixed amount) split among qualifiers by shares at a per-share value in whole money units; the remainder is breakage or carried.",
    examples: [{ kind: "pool", key: "leadership-pool", fund: { share: "0.02", of: "CV" }, rank: "Gold", shares: { ranks: { Gold: 1, Diamond: 3 } }, remainder: "carry" }],
  });

/** A pool bonus entry of a plan. */
export type PoolConfig = z.output<typeof schema>;
/** A pool bonus entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type PoolInput = z.input<typeof schema>;

/** The company field a pool that carries keeps: its undistributed remainder. */
const CARRIED: readonly StateField[] = [{ name: "carried", kind: "money", scope: "company" }];

/** @internal Compiles an entry. */
function poolProgram(config: PoolConfig, measureIndex: (name: string) => number, rankIndex: (name: string) => number, rankCount: number, moneyScale: number): PoolProgram {
  const f = config.fund;
  const s = config.shares;
  let shares: PoolShares = { by: "equal" };
  if (s?.ranks !== undefined) {
    // Each rank takes the shares of the highest listed rank at or below it.
    const listed = new Array<number>(rankCount).fill(0);
    for (const [rank, n] of Object.entries(s.ranks)) listed[rankIndex(rank)] = n;
    const byRank: number[] = [];
    let last = 0;
    for (let r = 0; r < rankCount; r++) byRank.push((last = (listed[r] as number) > 0 ? (listed[r] as number) : last));
    shares = { by: "rank", byRank };
  } else if (s?.measure !== undefined) shares = { by: "volume", measure: measureIndex(s.measure), group: s.on === "group", per: volumeUnits(s.per ?? "1") };
  const amount = f.amount !== undefined ? parseUnits(f.amount, moneyScale) : undefined;
  return {
    key: config.key,
    fund: typeof amount === "bigint" ? { amount } : { share: rateUnits(f.share ?? "0"), of: measureIndex(f.of ?? "") },
    rank: config.rank !== undefined ? rankIndex(config.rank) : -1,
    requiresQualified: config.requiresQualified,
    shares,
    rounding: config.shareRounding,
    carry: config.remainder === "carry",
    moneyScale,
  };
}

export const pool: BonusFamily<PoolConfig, PoolInput> = {
  kind: "pool",
  description: "Pool: a share of company volume (or a fixed fund) split among qualifiers by shares at a per-share value in whole money units; the remainder is breakage or carried to the next period.",
  schema,
  lineFields: [],
  reads: (config) => {
    const reads: string[] = [];
    if (config.fund.of !== undefined) reads.push(`personal.${config.fund.of}`);
    const s = config.shares;
    if (s?.measure !== undefined) {
      const column = `${s.on === "group" ? "group" : "personal"}.${s.measure}`;
      if (!reads.includes(column)) reads.push(column);
    }
    if (config.rank !== undefined || s?.ranks !== undefined) reads.push("rank");
    if (config.requiresQualified) reads.push("qualified");
    return reads;
  },
  state: (config) => (config.remainder === "carry" ? CARRIED : undefined),
  validate(config, names, path) {
    const issues: Issue[] = [];
    const measure = (m: string | undefined, at: readonly (string | number)[]) => {
      if (m !== undefined && !names.measures.has(m)) issues.push(issue("PLAN_UNKNOWN_MEASURE", [...path, ...at], `unknown measure "${m}"${nameHint(m, names.measures, "measures")}`, m));
    };
    const rank = (r: string, at: readonly (string | number)[]) => {
      if (!names.ranks.includes(r)) issues.push(issue("PLAN_UNKNOWN_RANK", [...path, ...at], `unknown rank "${r}"${nameHint(r, names.ranks, "ranks")}`, r));
    };
    const f = config.fund;
    const byShare = f.share !== undefined && f.of !== undefined;
    if (byShare === (f.amount !== undefined) || (!byShare && (f.share !== undefined || f.of !== undefined))) {
      issues.push(issue("PLAN_INVALID_VALUE", [...path, "fund"], "a fund is either a share of company volume ({ share, of }) or a fixed { amount }", f));
    }
    measure(f.of, ["fund", "of"]);
    if (f.amount !== undefined) {
      if (typeof parseUnits(f.amount, names.moneyScale) !== "bigint") issues.push(issue("PLAN_DECIMAL_PRECISION", [...path, "fund", "amount"], `the plan's money scale allows ${names.moneyScale} decimal places`, f.amount));
      else if (compareDecimal(f.amount, AMOUNT_MAX) > 0) issues.push(issue("PLAN_VALUE_RANGE", [...path, "fund", "amount"], `a fixed fund is at most ${AMOUNT_MAX}`, f.amount));
    }
    if (config.rank !== undefined) rank(config.rank, ["rank"]);
    const s = config.shares;
    if (s !== undefined) {
      const byRanks = s.ranks !== undefined;
      if (byRanks === (s.measure !== undefined) || (byRanks && (s.on !== undefined || s.per !== undefined))) {
        issues.push(issue("PLAN_INVALID_VALUE", [...path, "shares"], "shares are either by rank ({ ranks }) or by volume ({ measure, on, per }); left out, one share each", s));
      }
      if (s.ranks !== undefined) {
        if (Object.keys(s.ranks).length === 0) issues.push(issue("PLAN_INVALID_VALUE", [...path, "shares", "ranks"], "list at least one rank and its shares"));
        for (const r of Object.keys(s.ranks)) rank(r, ["shares", "ranks", r]);
      }
      measure(s.measure, ["shares", "measure"]);
      if (s.per !== undefined && compareDecimal(s.per, "1") < 0) issues.push(issue("PLAN_VALUE_RANGE", [...path, "shares", "per"], "the volume of one share (per) is at least 1", s.per));
    }
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    const program = poolProgram(config, ctx.measureIndex, ctx.rankIndex, ctx.rankCount, ctx.moneyScale);
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      explain: poolExplainer(program),
      run(run: RunContext, sink: LineSink, bonusIndex: number): LevelAccounting {
        return runPool(run, sink, bonusIndex, program);
      },
    };
  },
};
