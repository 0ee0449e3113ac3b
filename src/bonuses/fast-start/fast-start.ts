/**
 * Fast start: a rate on the orders a new member places in their first N days (the join day is day 1) or
 * first N calendar months (the month of joining is month 1), paid up the new member's sponsor line (level 1
 * = the sponsor, the written plans' "enroller"), to receivers who meet the entry's requirements; what a
 * level does not pay is breakage unless the plan rolls it up. Caps: the volume of each new member's window
 * orders that pays (`sourceVolume`, over the whole window: the plan then keeps state) and what one receiver
 * earns per period (`periodAmount`). One line per receiver and order. A measure's `leavesOut` leaves the
 * window's orders out of other bonuses' volume.
 *
 * The rules are docs/plan-language.md, "`fast-start`"; this file holds the entry's schema, its checks and its
 * compilation; ./run.ts computes it, ./explain.ts explains one member's part.
 */
import { z } from "zod";
import { type Issue, issue } from "../../errors/issues.js";
import { nameHint } from "../../errors/suggest.js";
import { VALUE_SCALE, parseUnits } from "../../money/decimal.js";
import { decimalString, keySchema, measureNameSchema, referenceSchema, volumeMinimumSchema } from "../../plan/fields.js";
import { rateUnits, volumeUnits } from "../../plan/units.js";
import type { JoinWindow } from "../../measures/join-window.js";
import type { LineSink } from "../../run/lines.js";
import type { PathSegment } from "../../errors/issues.js";
import type { BonusFamily, CompiledBonus, LevelAccounting, LineField, PlanNames, RunContext } from "../family.js";
import { fastStartExplainer } from "./explain.js";
import { COUNTED, type FastStartProgram, runFastStart } from "./run.js";

/** Most levels (rates). */
export const FAST_START_LEVELS_MAX = 20;
/** Longest window in days. */
export const FAST_START_DAYS_MAX = 730;
/** Longest window in calendar months. */
export const FAST_START_MONTHS_MAX = 24;

const windowSchema = z
  .strictObject({
    days: z.number().int().min(1).max(FAST_START_DAYS_MAX).optional().meta({ description: "The first N days after joining, the join day being day 1 (1 to 730).", examples: [60] }),
    months: z.number().int().min(1).max(FAST_START_MONTHS_MAX).optional().meta({ description: "The first N calendar months, the month of joining being month 1 (1 to 24).", examples: [2] }),
  })
  .meta({
    title: "Window after joining",
    description: "The orders a member places in their first `days` days, or first `months` calendar months, are fast-start orders: exactly one of the two.",
    examples: [{ days: 60 }, { months: 2 }],
  });

const requiresSchema = z
  .strictObject({
    qualified: z.boolean().default(true).meta({ description: "The receiver must be qualified by the plan's qualification (default true)." }),
    order: volumeMinimumSchema.optional().meta({ description: "The receiver must have placed an order this period with at least `minimum` of `measure` (one order, of a kind the measure counts)." }),
  })
  .meta({
    title: "Receiver requirements",
    description: "What a member needs to be paid a level: always an enrolled status; the plan's qualification unless `qualified: false`; an own order of a minimum when `order` is given.",
    examples: [{ qualified: true, order: { measure: "PV", minimum: "100" } }],
  });

const capsSchema = z
  .strictObject({
    sourceVolume: decimalString("volume").optional().meta({ description: "Of each new member's fast-start orders, only the first this much volume of `measure` pays, over the whole window (the plan keeps state)." }),
    periodAmount: decimalString("money").optional().meta({ description: "The most one receiver earns from this bonus in one period (exact value)." }),
  })
  .meta({ title: "Caps", description: "A volume cap per new member (over the window) and a money cap per receiver and period.", examples: [{ sourceVolume: "1000", periodAmount: "500.00" }] });

/** The zod schema of a `fast-start` bonus entry. */
const schema = z
  .strictObject({
    kind: z.literal("fast-start").meta({ description: "The bonus family." }),
    key: keySchema,
    reference: referenceSchema.optional(),
    measure: measureNameSchema.meta({ description: "The measure of the orders' volume paid on (not an accumulated one)." }),
    window: windowSchema,
    rates: z.array(decimalString("rate")).min(1).max(FAST_START_LEVELS_MAX).meta({ description: "The rate of each level: level 1 is the new member's sponsor, level 2 the sponsor's sponsor, and so on.", examples: [["0.20", "0.10", "0.05"]] }),
    requires: requiresSchema.default({ qualified: true }),
    unqualified: z
      .enum(["breakage", "roll-up"])
      .default("breakage")
      .meta({ description: "breakage (default): a level whose member does not meet the requirements is not paid; roll-up: such members are skipped and the next member above who meets them takes the level." }),
    caps: capsSchema.optional(),
  })
  .meta({
    title: "Fast start bonus",
    description: "A rate on the orders a new member places in their first days or calendar months, paid to the sponsor (level 1) and the sponsors above, one line per receiver and order.",
    examples: [{ kind: "fast-start", key: "fast-start", measure: "PV", window: { days: 60 }, rates: ["0.20", "0.10", "0.05"], requires: { order: { measure: "PV", minimum: "100" } } }],
  });

/** A fast-start bonus entry of a plan. */
export type FastStartConfig = z.output<typeof schema>;
/** A fast-start bonus entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type FastStartInput = z.input<typeof schema>;

/**
 * The detail fields of fast-start lines: the level, whether it was rolled up to the receiver, the new member
 * who placed the order, and the order itself (`order`, a field no other family has: it adds the `order`
 * column to the statements CSV).
 */
const LINE_FIELDS: readonly LineField[] = [
  { name: "level", column: "level" },
  { name: "compressed", column: "compressed" },
  { name: "source", column: "source" },
  { name: "order", column: "order" },
];

/** The entry's window after joining. */
function joinWindow(config: FastStartConfig): JoinWindow {
  return config.window.days !== undefined ? { unit: "days", length: config.window.days } : { unit: "months", length: config.window.months ?? 1 };
}

/** A measure of the entry must have a volume per order (not be accumulated). */
function checkOrderMeasure(name: string, names: PlanNames, at: readonly PathSegment[]): Issue[] {
  if (!names.measures.has(name)) return [issue("PLAN_UNKNOWN_MEASURE", at, `unknown measure "${name}"${nameHint(name, names.measures, "measures")}`, name)];
  if (!names.orderVolumes.has(name)) return [issue("PLAN_INVALID_VALUE", at, `"${name}" is an accumulated measure: it has no volume per order; name a measure orders carry`, name)];
  return [];
}

export const fastStart: BonusFamily<FastStartConfig, FastStartInput> = {
  kind: "fast-start",
  description: "Fast start: a rate on the orders a new member places in their first days or calendar months, paid up the sponsor line by level, with receiver requirements, roll-up or breakage, and caps per new member and per period.",
  schema,
  lineFields: LINE_FIELDS,
  reads: (config) => (config.requires.qualified ? ["qualified"] : []),
  orderWindow: joinWindow,
  state: (config) => (config.caps?.sourceVolume !== undefined ? [{ name: COUNTED, kind: "volume" }] : undefined),
  validate(config, names, path) {
    const issues: Issue[] = [...checkOrderMeasure(config.measure, names, [...path, "measure"])];
    if (config.requires.order !== undefined) issues.push(...checkOrderMeasure(config.requires.order.measure, names, [...path, "requires", "order", "measure"]));
    if ((config.window.days === undefined) === (config.window.months === undefined)) {
      issues.push(issue("PLAN_INVALID_VALUE", [...path, "window"], "a window gives exactly one of days (the first N days after joining) and months (the first N calendar months)", config.window));
    }
    const caps = config.caps;
    if (caps !== undefined) {
      if (caps.sourceVolume === undefined && caps.periodAmount === undefined) issues.push(issue("PLAN_INVALID_VALUE", [...path, "caps"], "caps gives sourceVolume, periodAmount or both (leave caps out for none)", caps));
      if (caps.periodAmount !== undefined && typeof parseUnits(caps.periodAmount, names.moneyScale) !== "bigint") {
        issues.push(issue("PLAN_DECIMAL_PRECISION", [...path, "caps", "periodAmount"], `the plan's money scale allows ${names.moneyScale} decimal places`, caps.periodAmount));
      }
    }
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    const rates = config.rates.map(rateUnits);
    const order = config.requires.order;
    const caps = config.caps;
    const program: FastStartProgram = {
      key: config.key,
      measure: ctx.measureIndex(config.measure),
      window: joinWindow(config),
      rates,
      rateSum: rates.reduce((a, r) => a + r, 0),
      qualified: config.requires.qualified,
      order: order !== undefined ? { measure: ctx.measureIndex(order.measure), minimum: volumeUnits(order.minimum) } : undefined,
      rollUp: config.unqualified === "roll-up",
      sourceVolume: caps?.sourceVolume !== undefined ? volumeUnits(caps.sourceVolume) : -1,
      periodAmount: caps?.periodAmount !== undefined ? (parseUnits(caps.periodAmount, VALUE_SCALE) as bigint) : -1n,
      counted: caps?.sourceVolume !== undefined ? `${config.key}.${COUNTED}` : undefined,
    };
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      explain: fastStartExplainer(program, ctx),
      run(run: RunContext, sink: LineSink, bonusIndex: number): LevelAccounting {
        return runFastStart(run, sink, bonusIndex, program);
      },
    };
  },
};
