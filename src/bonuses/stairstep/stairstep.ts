/**
 * Stairstep: a member's rate comes from a schedule of steps (on their group or personal volume of a measure,
 * or on their paid-as rank), paid on a measure by one of four methods: `differential` (each unit of a group's
 * volume pays the highest rate on its path, split by the differences of the rates), `deduct` (the group's
 * bonus less the bonuses of the sponsored members), `personal` (own volume at the step's rate) or `group` (a
 * unit commission). A member at or above the `breakaway.from` step breaks away: their group leaves their
 * upline's, and their upline earns a generation override on it instead.
 *
 * The rules are docs/plan-language.md, "`stairstep`"; this file holds the entry's schema, its checks and its
 * compilation; ./run.ts computes it in two bottom-up passes (no walk per member per level); ./explain.ts
 * explains one member's part.
 */
import { z } from "zod";
import { type Issue, issue } from "../../errors/issues.js";
import { nameHint } from "../../errors/suggest.js";
import { RATE_SCALE, VOLUME_SCALE, compareDecimal, formatRate, parseUnits } from "../../money/decimal.js";
import { decimalString, keySchema, measureNameSchema, rankNameSchema, referenceSchema } from "../../plan/fields.js";
import { rateUnits, volumeUnits } from "../../plan/units.js";
import type { LineSink } from "../../run/lines.js";
import type { BonusFamily, CompiledBonus, LevelAccounting, LineField, PublishedColumn, RunContext } from "../family.js";
import { stairstepExplainer } from "./explain.js";
import { type StairstepProgram, runStairstep } from "./run.js";

/** Most steps a schedule may have. */
export const STAIRSTEP_STEPS_MAX = 30;
/** Most override generations. */
export const STAIRSTEP_GENERATIONS_MAX = 20;
/** Largest `pointValue`. */
const POINT_VALUE_MAX = "10000";

const stepSchema = z
  .strictObject({
    minimum: decimalString("volume").optional(),
    rank: rankNameSchema.optional(),
    rate: decimalString("rate"),
  })
  .meta({
    title: "Step",
    description: "A step of the schedule: reached at a bracket volume of at least `minimum`, or by a paid-as rank at or above `rank` (all steps use the same), with its `rate`.",
    examples: [{ minimum: "300", rate: "0.06" }, { rank: "Silver", rate: "0.09" }],
  });

const breakawaySchema = z
  .strictObject({
    from: z.number().int().min(1).max(STAIRSTEP_STEPS_MAX).meta({ description: "The step number (1 = the lowest) from which a qualified member breaks away.", examples: [5] }),
    generations: z
      .array(decimalString("rate"))
      .max(STAIRSTEP_GENERATIONS_MAX)
      .default([])
      .meta({ title: "Override rates", description: "The override rate on the group of each breakaway member of generation 1, 2, … below a breakaway member.", examples: [["0.04", "0.04"]] }),
    minimumGroup: decimalString("volume").optional().meta({ description: "The bracket volume a member needs to earn the override." }),
    minimumLegs: z.number().int().min(1).max(1000).optional().meta({ description: "The number of first-level legs holding a breakaway member that a member needs to earn the override." }),
  })
  .meta({
    title: "Breakaway",
    description: "A qualified member at step `from` or above breaks away: their group leaves their upline's; the breakaway members above earn an override per generation on it.",
    examples: [{ from: 5, generations: ["0.04", "0.04", "0.04"] }],
  });

/** The zod schema of a `stairstep` bonus entry. */
const schema = z
  .strictObject({
    kind: z.literal("stairstep").meta({ description: "The bonus family." }),
    key: keySchema,
    reference: referenceSchema.optional(),
    volume: measureNameSchema.meta({ description: "The measure whose volume sets the step (steps by volume), and the bracket volume published." }),
    on: z.enum(["group", "personal"]).optional().meta({ description: "Which volume of `volume` sets the step: group (the default; breakaway groups excluded) or personal." }),
    measure: measureNameSchema.optional().meta({ description: "The measure paid on (default: the `volume` measure)." }),
    pointValue: decimalString("volume").default("1").meta({ description: "Money per unit of paid volume (default 1), e.g. \"18\" rupees per point." }),
    method: z
      .enum(["differential", "deduct", "personal", "group"])
      .default("differential")
      .meta({ description: "differential: the rate minus the rates below on each unit of the group; deduct: the group's bonus less the sponsored members'; personal: own volume at the step's rate; group: the group (unit) at the step's rate." }),
    unqualified: z
      .enum(["roll-up", "breakage"])
      .default("roll-up")
      .meta({ description: "roll-up: an unqualified member's rate counts as 0 (the upline earns it); breakage: it still counts and what the member would be paid is breakage." }),
    lines: z.enum(["per-leg", "per-member"]).default("per-leg").meta({ description: "per-leg: one line per first-level member and rate; per-member: one line per rate and generation." }),
    steps: z.array(stepSchema).min(1).max(STAIRSTEP_STEPS_MAX),
    breakaway: breakawaySchema.optional(),
  })
  .meta({
    title: "Stairstep bonus",
    description: "A rate from a schedule of steps on group volume (or rank), paid differentially on the group, with optional breakaway and generation override.",
    examples: [
      {
        kind: "stairstep",
        key: "performance",
        volume: "PV",
        measure: "BV",
        steps: [
          { minimum: "300", rate: "0.06" },
          { minimum: "1000", rate: "0.09" },
        ],
      },
    ],
  });

/** A stairstep bonus entry of a plan. */
export type StairstepConfig = z.output<typeof schema>;
/** A stairstep bonus entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type StairstepInput = z.input<typeof schema>;

/** The published columns, by name (`<key>.step`, …). */
const PUBLISHED: readonly PublishedColumn[] = [
  { name: "step", kind: "count" },
  { name: "bracket", kind: "volume" },
  { name: "group", kind: "volume" },
  { name: "breakaway", kind: "count" },
];

/**
 * The detail fields of stairstep lines: `level`, the override generation (0 on the other lines, as matching
 * by generation calls its generations levels), the number of sources (per-member lines merge several) and
 * the leg or source. The statements CSV already has these columns.
 */
const LINE_FIELDS: readonly LineField[] = [
  { name: "level", column: "level" },
  { name: "sources", column: "sources" },
  { name: "source", column: "source" },
];

/** Whether `rate × pointValue` (both decimal strings) has at most RATE_SCALE places. */
function paysExactly(rate: string, pointValue: string): boolean {
  const r = parseUnits(rate, RATE_SCALE);
  const p = parseUnits(pointValue, VOLUME_SCALE);
  if (typeof r !== "bigint" || typeof p !== "bigint") return false;
  return (r * p) % 10n ** BigInt(VOLUME_SCALE) === 0n;
}

export const stairstep: BonusFamily<StairstepConfig, StairstepInput> = {
  kind: "stairstep",
  description: "Stairstep: a rate from steps on group volume (or rank), paid by differential, deduction, on own volume or on the unit; optional breakaway with a generation override.",
  schema,
  lineFields: LINE_FIELDS,
  reads: (config) => {
    const measure = config.measure ?? config.volume;
    const reads = [`personal.${config.volume}`, "qualified"];
    if (measure !== config.volume) reads.push(`personal.${measure}`);
    if (config.steps.some((s) => s.rank !== undefined)) reads.push("rank");
    return reads;
  },
  publishes: () => PUBLISHED,
  amplifies(config) {
    // A bound on what one member is paid per unit of the paid measure's total: twice the top step's rate
    // (a deduct member's gross line and its deductions) plus every override rate, times the point value.
    const pv = BigInt(volumeUnits(config.pointValue));
    const top = config.steps.map((s) => BigInt(rateUnits(s.rate))).reduce((a, b) => (b > a ? b : a), 0n);
    const overrides = (config.breakaway?.generations ?? []).reduce((sum, g) => sum + BigInt(rateUnits(g)), 0n);
    return [{ measure: config.measure ?? config.volume, factor: formatRate(((2n * top + overrides) * pv) / 10n ** BigInt(VOLUME_SCALE)) }];
  },
  validate(config, names, path) {
    const issues: Issue[] = [];
    for (const field of ["volume", "measure"] as const) {
      const m = config[field];
      if (m !== undefined && !names.measures.has(m)) issues.push(issue("PLAN_UNKNOWN_MEASURE", [...path, field], `unknown measure "${m}"${nameHint(m, names.measures, "measures")}`, m));
    }
    const byRank = config.steps[0]?.rank !== undefined;
    config.steps.forEach((s, i) => {
      const at = [...path, "steps", i];
      if ((s.rank !== undefined) === (s.minimum !== undefined)) {
        issues.push(issue("PLAN_INVALID_VALUE", at, "a step has either `minimum` (a bracket volume) or `rank` (a paid-as rank), not both and not neither", s));
        return;
      }
      if ((s.rank !== undefined) !== byRank) {
        issues.push(issue("PLAN_INVALID_VALUE", at, `every step of a schedule is by ${byRank ? "rank" : "volume (minimum)"}, like the first`, s));
        return;
      }
      if (s.rank !== undefined && !names.ranks.includes(s.rank)) issues.push(issue("PLAN_UNKNOWN_RANK", [...at, "rank"], `unknown rank "${s.rank}"${nameHint(s.rank, names.ranks, "ranks")}`, s.rank));
      const prev = config.steps[i - 1];
      if (prev === undefined) return;
      if (s.minimum !== undefined && prev.minimum !== undefined && compareDecimal(s.minimum, prev.minimum) <= 0) {
        issues.push(issue("PLAN_INVALID_VALUE", [...at, "minimum"], `steps are listed lowest first: minimum ${s.minimum} must be above the step before (${prev.minimum})`, s.minimum));
      }
      if (s.rank !== undefined && prev.rank !== undefined && names.ranks.includes(s.rank) && names.ranks.indexOf(s.rank) <= names.ranks.indexOf(prev.rank)) {
        issues.push(issue("PLAN_INVALID_VALUE", [...at, "rank"], `steps by rank follow the ladder, each rank once: "${s.rank}" must be above "${prev.rank}"`, s.rank));
      }
      if (compareDecimal(s.rate, prev.rate) < 0) issues.push(issue("PLAN_INVALID_VALUE", [...at, "rate"], `a step's rate never decreases: ${s.rate} is below the step before (${prev.rate})`, s.rate));
    });
    if (byRank && config.on !== undefined) issues.push(issue("PLAN_INVALID_VALUE", [...path, "on"], "`on` chooses the volume that sets a step by volume; steps by rank take the paid-as rank", config.on));
    if (compareDecimal(config.pointValue, "0") <= 0 || compareDecimal(config.pointValue, POINT_VALUE_MAX) > 0) {
      issues.push(issue("PLAN_VALUE_RANGE", [...path, "pointValue"], `pointValue must be greater than 0 and at most ${POINT_VALUE_MAX}`, config.pointValue));
    } else {
      const check = (rate: string, at: readonly (string | number)[]) => {
        if (!paysExactly(rate, config.pointValue)) issues.push(issue("PLAN_DECIMAL_PRECISION", [...path, ...at], `rate ${rate} × pointValue ${config.pointValue} has more than ${RATE_SCALE} decimal places`, rate));
      };
      config.steps.forEach((s, i) => check(s.rate, ["steps", i, "rate"]));
      config.breakaway?.generations.forEach((g, i) => check(g, ["breakaway", "generations", i]));
    }
    const b = config.breakaway;
    if (b !== undefined) {
      if (b.from > config.steps.length) issues.push(issue("PLAN_VALUE_RANGE", [...path, "breakaway", "from"], `breakaway.from is a step number, 1 .. ${config.steps.length}`, b.from));
    }
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    const pointValue = volumeUnits(config.pointValue);
    const scaled = (rate: string) => (rateUnits(rate) * pointValue) / 10 ** VOLUME_SCALE;
    const b = config.breakaway;
    const program: StairstepProgram = {
      key: config.key,
      volume: ctx.measureIndex(config.volume),
      measure: ctx.measureIndex(config.measure ?? config.volume),
      personalBracket: config.on === "personal",
      minimums: config.steps.flatMap((s) => (s.minimum !== undefined ? [volumeUnits(s.minimum)] : [])),
      ranks: config.steps.flatMap((s) => (s.rank !== undefined ? [ctx.rankIndex(s.rank)] : [])),
      rates: config.steps.map((s) => scaled(s.rate)),
      method: config.method,
      rollUp: config.unqualified === "roll-up",
      perMember: config.lines === "per-member",
      breakawayFrom: b?.from ?? 0,
      generations: (b?.generations ?? []).map(scaled),
      minimumGroup: b?.minimumGroup !== undefined ? volumeUnits(b.minimumGroup) : 0,
      minimumLegs: b?.minimumLegs ?? 0,
    };
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      run(run: RunContext, sink: LineSink, bonusIndex: number): LevelAccounting {
        return runStairstep(run, sink, bonusIndex, program);
      },
      explain: stairstepExplainer(config, program),
    };
  },
};
