/**
 * Contest: points from chosen measures accumulated over a window of periods (kept as state between runs),
 * tiers reached by thresholds of points, and in the window's final period an award per member of the tier
 * reached: a money line, or a non-money award (a trip) listed in the statement's `awards`, or both.
 *
 * The rules are docs/plan-language.md, "`contest`"; ./compute.ts computes the window and the points,
 * ./explain.ts explains a member's standing and makes the report (the standings). Invariants: awards only
 * in the final period; potential (money awards of every member with a tier) = paid + breakage
 * `member-unqualified`; the closing points are 0 outside the window and in its final period.
 */
import { z } from "zod";
import { type Issue, type PathSegment, issue } from "../../errors/issues.js";
import { nameHint } from "../../errors/suggest.js";
import { compareDecimal, parseUnits } from "../../money/decimal.js";
import { decimalString, keySchema, measureNameSchema, rankNameSchema, referenceSchema } from "../../plan/fields.js";
import { decimalUnits, volumeUnits } from "../../plan/units.js";
import { type LineSink, addMoneyLine, moneyValue } from "../../run/lines.js";
import { safeParsePeriod } from "../../run/period.js";
import type { BonusFamily, CompiledBonus, LevelAccounting, PublishedColumn, RunContext } from "../family.js";
import { type ContestProgram, contestPoints } from "./compute.js";
import { contestExplainer, contestReporter } from "./explain.js";

/** Most tiers and points entries. */
const TIERS_MAX = 20;
const POINTS_MAX = 10;
/** Largest weight (points per unit of volume). */
const WEIGHT_MAX = "10000";

const periodText = z.string().meta({ description: "A period as a run's period is written: a month 2026-01, an ISO week 2026-W05 or a date range 2026-01-01..2026-01-15.", examples: ["2026-01"] });

const pointsSchema = z
  .strictObject({
    measure: measureNameSchema,
    on: z.enum(["personal", "group"]).default("personal").meta({ description: "Which volume of the measure earns points: the member's personal (default) or group volume." }),
    weight: decimalString("volume").default("1").meta({ description: "Points per unit of volume (default 1), at most 10000." }),
  })
  .meta({ title: "Points", description: "Points per unit of a measure's volume.", examples: [{ measure: "PV" }, { measure: "CV", on: "group", weight: "0.1" }] });

/** A non-money award's text: 1 to 100 characters, no control characters. */
const awardName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]+$/u, "an award is 1 to 100 characters without control characters")
  .meta({ description: "A non-money award (a trip, a prize), recorded in the statement's awards without an amount.", examples: ["Weekend in Lisbon"] });

const tierSchema = z
  .strictObject({
    name: rankNameSchema.meta({ description: "The tier's name (as a rank name), unique in the contest." }),
    points: decimalString("volume").meta({ description: "The points a member needs to reach the tier (greater than 0, above the tier before)." }),
    award: z
      .strictObject({
        amount: decimalString("money").optional().meta({ description: "A money award: a line item of this amount (greater than 0)." }),
        name: awardName.optional(),
      })
      .optional()
      .meta({ title: "Award", description: "What the tier gives in the window's final period: an amount, a non-money award, or both." }),
  })
  .meta({ title: "Tier", description: "A tier of the contest: a threshold of points and its award.", examples: [{ name: "Silver", points: "1000", award: { amount: "100.00" } }] });

/** The zod schema of a `contest` bonus entry. */
const schema = z
  .strictObject({
    kind: z.literal("contest").meta({ description: "The bonus family." }),
    key: keySchema,
    reference: referenceSchema.optional(),
    window: z
      .strictObject({ from: periodText, to: periodText })
      .meta({ title: "Window", description: "The contest's first and last period: it runs from the first day of `from` to the last day of `to`.", examples: [{ from: "2026-01", to: "2026-03" }] }),
    points: z.array(pointsSchema).min(1).max(POINTS_MAX),
    requiresQualified: z.boolean().default(true).meta({ description: "Whether an award needs qualification in the window's final period (default true)." }),
    tiers: z.array(tierSchema).min(1).max(TIERS_MAX),
  })
  .meta({
    title: "Contest",
    description: "Points from measures over a window of periods (state), tiers by points, and awards (money or not) in the final period.",
    examples: [{ kind: "contest", key: "spring", window: { from: "2026-01", to: "2026-03" }, points: [{ measure: "PV" }], tiers: [{ name: "Silver", points: "1000", award: { amount: "100.00" } }] }],
  });

/** A contest bonus entry of a plan. */
export type ContestConfig = z.output<typeof schema>;
/** A contest entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type ContestInput = z.input<typeof schema>;

const PUBLISHED: readonly PublishedColumn[] = [
  { name: "points", kind: "volume" },
  { name: "tier", kind: "count" },
];

export const contest: BonusFamily<ContestConfig, ContestInput> = {
  kind: "contest",
  description: "Contest: points from measures over a window of periods (state), tiers by points, money or non-money awards in the final period.",
  schema,
  lineFields: [],
  reads: (config) => [...config.points.map((e) => `${e.on}.${e.measure}`), ...(config.requiresQualified ? ["qualified"] : [])],
  publishes: () => PUBLISHED,
  state: () => [{ name: "points", kind: "volume" }],
  validate(config, names, path) {
    const issues: Issue[] = [];
    const periods = (["from", "to"] as const).map((end) => {
      const r = safeParsePeriod(config.window[end]);
      if (r.period === undefined) issues.push(issue("PLAN_INVALID_VALUE", [...path, "window", end], r.issue?.message ?? "not a period", config.window[end]));
      return r.period;
    });
    const [from, to] = periods;
    if (from !== undefined && to !== undefined && to.end < from.start) {
      issues.push(issue("PLAN_INVALID_VALUE", [...path, "window", "to"], `the window ends (${to.end}) before it starts (${from.start})`, config.window.to));
    }
    config.points.forEach((e, k) => {
      const at: PathSegment[] = [...path, "points", k];
      if (!names.measures.has(e.measure)) issues.push(issue("PLAN_UNKNOWN_MEASURE", [...at, "measure"], `unknown measure "${e.measure}"${nameHint(e.measure, names.measures, "measures")}`, e.measure));
      if (compareDecimal(e.weight, "0") <= 0 || compareDecimal(e.weight, WEIGHT_MAX) > 0) issues.push(issue("PLAN_VALUE_RANGE", [...at, "weight"], `a weight is greater than 0 and at most ${WEIGHT_MAX}`, e.weight));
    });
    config.tiers.forEach((t, k) => {
      const at: PathSegment[] = [...path, "tiers", k];
      if (config.tiers.findIndex((x) => x.name === t.name) !== k) issues.push(issue("PLAN_DUPLICATE_NAME", [...at, "name"], `tier "${t.name}" is named twice`, t.name));
      if (compareDecimal(t.points, "0") <= 0) issues.push(issue("PLAN_VALUE_RANGE", [...at, "points"], "a tier's threshold is greater than 0", t.points));
      const before = config.tiers[k - 1];
      if (before !== undefined && compareDecimal(t.points, before.points) <= 0) {
        issues.push(issue("PLAN_INVALID_VALUE", [...at, "points"], `tiers are listed lowest first: ${t.points} points must be above the tier before (${before.points})`, t.points));
      }
      const a = t.award;
      if (a === undefined) return;
      if (a.amount === undefined && a.name === undefined) issues.push(issue("PLAN_MISSING_KEY", [...at, "award", "amount"], "an award has an amount (money), a name (a non-money award) or both"));
      if (a.amount !== undefined) {
        if (parseUnits(a.amount, names.moneyScale) === "precision") issues.push(issue("PLAN_DECIMAL_PRECISION", [...at, "award", "amount"], `the plan's money scale allows ${names.moneyScale} decimal places`, a.amount));
        else if (compareDecimal(a.amount, "0") <= 0) issues.push(issue("PLAN_VALUE_RANGE", [...at, "award", "amount"], "an award's amount is greater than 0 (leave it out for a non-money award)", a.amount));
      }
    });
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    const scale = ctx.moneyScale;
    const awards: string[] = [];
    const program: ContestProgram = {
      key: config.key,
      start: safeParsePeriod(config.window.from).period?.start as string,
      end: safeParsePeriod(config.window.to).period?.end as string,
      points: config.points.map((e) => ({ measure: ctx.measureIndex(e.measure), group: e.on === "group", weight: volumeUnits(e.weight) })),
      requiresQualified: config.requiresQualified,
      tiers: config.tiers.map((t) => {
        const name = t.award?.name;
        if (name !== undefined) awards.push(name);
        return { name: t.name, threshold: volumeUnits(t.points), amount: t.award?.amount !== undefined ? decimalUnits(t.award.amount, scale) : 0, award: name !== undefined ? awards.length - 1 : -1 };
      }),
      awards,
      scale,
    };
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      awards,
      explain: contestExplainer(program),
      report: contestReporter(program),
      run(run: RunContext, sink: LineSink, bonusIndex: number): LevelAccounting {
        const n = run.genealogy.size;
        const { place, points, tier } = contestPoints(run, program, n);
        run.publish("points", points);
        run.publish("tier", tier);
        run.close(`${config.key}.points`, place.inWindow && !place.final ? points : new Float64Array(n));
        run.work.add(`bonus:${config.key}`, place.inWindow ? n * config.points.length : 1);
        let potential = 0n;
        let paid = 0n;
        if (place.final) {
          for (let i = 0; i < n; i++) {
            const t = tier[i] as number;
            if (t === 0) continue;
            const spec = program.tiers[t - 1] as ContestProgram["tiers"][number];
            potential += BigInt(spec.amount);
            if (program.requiresQualified && run.qualified[i] !== 1) continue;
            if (spec.amount > 0) {
              addMoneyLine(sink, i, bonusIndex, spec.amount, scale);
              paid += BigInt(spec.amount);
            }
            if (spec.award >= 0) run.award(i, spec.award);
          }
        }
        return { potential: moneyValue(potential, scale), paid: moneyValue(paid, scale), compressedUp: 0n, breakage: { "member-unqualified": moneyValue(potential - paid, scale) } };
      },
    };
  },
};
