/**
 * Structure bonus: fixed amounts for the structure a member has this period, by levels. A level's
 * requirements are any of: own volume, a number of personally sponsored members with volume, a team volume
 * counted down to a depth, a number of first-level members who themselves meet a level of the bonus. The
 * member is paid the amount of the highest level met, only.
 *
 * The rules are docs/plan-language.md, "`structure`"; this file holds the entry's schema, its checks and its
 * compilation; ./run.ts computes the levels in one bottom-up pass.
 */
import { z } from "zod";
import { type Issue, issue } from "../../errors/issues.js";
import { nameHint } from "../../errors/suggest.js";
import { compareDecimal, parseUnits } from "../../money/decimal.js";
import { decimalString, keySchema, measureNameSchema, referenceSchema, volumeMinimumSchema } from "../../plan/fields.js";
import { decimalUnits, volumeUnits } from "../../plan/units.js";
import type { LineSink } from "../../run/lines.js";
import type { BonusFamily, CompiledBonus, LineField, PublishedColumn, RunContext } from "../family.js";
import { structureExplainer } from "./explain.js";
import { type StructureProgram, runStructure } from "./run.js";

/** Most levels a structure bonus may have (a member's levels met are kept as bits of one integer). */
export const STRUCTURE_LEVELS_MAX = 20;
/** Largest amount of a level. */
const AMOUNT_MAX = "1000000000";
/** Deepest team volume. */
const DEPTH_MAX = 20;
/** Largest member count a requirement may ask for. */
const COUNT_MAX = 1000;

const count = z.number().int().min(1).max(COUNT_MAX);

const levelSchema = z
  .strictObject({
    amount: decimalString("money").meta({ description: "The fixed amount paid to a member whose highest level met is this one." }),
    personal: volumeMinimumSchema.optional().meta({ description: "The member's own volume of `measure` is at least `minimum`." }),
    sponsored: z
      .strictObject({ count: count.meta({ description: "How many personally sponsored members." }), measure: measureNameSchema, minimum: decimalString("volume") })
      .optional()
      .meta({ title: "Sponsored members", description: "At least `count` personally sponsored (first-level) members are enrolled with own volume of `measure` at least `minimum`.", examples: [{ count: 3, measure: "PV", minimum: "100" }] }),
    team: z
      .strictObject({
        measure: measureNameSchema,
        minimum: decimalString("volume"),
        depth: z.number().int().min(0).max(DEPTH_MAX).optional().meta({ description: "Sponsor levels below the member that count (0: own volume only; 1: the member and the first level). Left out: the whole downline." }),
      })
      .optional()
      .meta({ title: "Team volume", description: "The volume of `measure` of the member and the members below down to `depth` levels is at least `minimum`.", examples: [{ measure: "PV", minimum: "1000", depth: 1 }] }),
    frontline: z
      .strictObject({
        count: count.meta({ description: "How many first-level members." }),
        level: z.number().int().min(1).max(STRUCTURE_LEVELS_MAX).optional().meta({ description: "The level of this bonus they must meet (default: the level just below)." }),
      })
      .optional()
      .meta({ title: "Frontline members", description: "At least `count` first-level members meet level `level` of this bonus themselves (default: the level below).", examples: [{ count: 2 }] }),
  })
  .meta({
    title: "Structure level",
    description: "One level: its amount and the requirements (all must hold) a member meets it by.",
    examples: [{ amount: "50.00", personal: { measure: "PV", minimum: "100" }, sponsored: { count: 2, measure: "PV", minimum: "100" } }],
  });

/** The zod schema of a `structure` bonus entry. */
const schema = z
  .strictObject({
    kind: z.literal("structure").meta({ description: "The bonus family." }),
    key: keySchema,
    reference: referenceSchema.optional(),
    requiresQualified: z.boolean().default(true).meta({ description: "Whether a member must be qualified to meet any level.", examples: [true] }),
    levels: z.array(levelSchema).min(1).max(STRUCTURE_LEVELS_MAX).meta({ description: "The levels, lowest first: a member is paid the amount of the highest level met." }),
  })
  .meta({
    title: "Structure bonus",
    description: "Fixed amounts for the structure a member has this period (own volume, sponsored members, team volume to a depth, frontline members meeting a lower level), paid at the highest level met.",
    examples: [
      {
        kind: "structure",
        key: "builder",
        levels: [
          { amount: "50.00", personal: { measure: "PV", minimum: "100" }, sponsored: { count: 2, measure: "PV", minimum: "100" } },
          { amount: "150.00", frontline: { count: 2 } },
        ],
      },
    ],
  });

/** A structure bonus entry of a plan. */
export type StructureConfig = z.output<typeof schema>;
/** A structure bonus entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type StructureInput = z.input<typeof schema>;

/** The published column: the level paid. */
const PUBLISHED: readonly PublishedColumn[] = [{ name: "level", kind: "count" }];

/** The detail field of a structure line: the level paid (the CSV already has the column). */
const LINE_FIELDS: readonly LineField[] = [{ name: "level", column: "level" }];

/** The measures an entry names, once each. */
function measuresOf(config: StructureConfig): { personal: Set<string>; group: Set<string> } {
  const personal = new Set<string>();
  const group = new Set<string>();
  for (const l of config.levels) {
    if (l.personal !== undefined) personal.add(l.personal.measure);
    if (l.sponsored !== undefined) personal.add(l.sponsored.measure);
    if (l.team !== undefined) (l.team.depth === undefined ? group : personal).add(l.team.measure);
  }
  return { personal, group };
}

/** @internal Compiles an entry into what ./run.ts and ./explain.ts compute from. */
export function structureProgram(config: StructureConfig, measureIndex: (name: string) => number, moneyScale: number): StructureProgram {
  return {
    key: config.key,
    requiresQualified: config.requiresQualified,
    levels: config.levels.map((l, j) => ({
      amount: decimalUnits(l.amount, moneyScale),
      ...(l.personal !== undefined ? { personal: { measure: measureIndex(l.personal.measure), minimum: volumeUnits(l.personal.minimum) } } : {}),
      ...(l.sponsored !== undefined ? { sponsored: { count: l.sponsored.count, measure: measureIndex(l.sponsored.measure), minimum: volumeUnits(l.sponsored.minimum) } } : {}),
      ...(l.team !== undefined ? { team: { measure: measureIndex(l.team.measure), minimum: volumeUnits(l.team.minimum), depth: l.team.depth ?? -1 } } : {}),
      ...(l.frontline !== undefined ? { frontline: { count: l.frontline.count, level: (l.frontline.level ?? j) - 1 } } : {}),
    })),
  };
}

export const structure: BonusFamily<StructureConfig, StructureInput> = {
  kind: "structure",
  description: "Structure bonus: fixed amounts for own volume, sponsored members, team volume to a depth and frontline members meeting a lower level, paid at the highest level met.",
  schema,
  lineFields: LINE_FIELDS,
  reads: (config) => {
    const { personal, group } = measuresOf(config);
    return [...[...personal].map((m) => `personal.${m}`), ...[...group].map((m) => `group.${m}`), ...(config.requiresQualified ? ["qualified"] : [])];
  },
  publishes: () => PUBLISHED,
  validate(config, names, path) {
    const issues: Issue[] = [];
    const measure = (m: string, at: readonly (string | number)[]) => {
      if (!names.measures.has(m)) issues.push(issue("PLAN_UNKNOWN_MEASURE", [...path, ...at], `unknown measure "${m}"${nameHint(m, names.measures, "measures")}`, m));
    };
    config.levels.forEach((l, j) => {
      const at = ["levels", j];
      if (typeof parseUnits(l.amount, names.moneyScale) !== "bigint") {
        issues.push(issue("PLAN_DECIMAL_PRECISION", [...path, ...at, "amount"], `the plan's money scale allows ${names.moneyScale} decimal places`, l.amount));
      } else if (compareDecimal(l.amount, AMOUNT_MAX) > 0) issues.push(issue("PLAN_VALUE_RANGE", [...path, ...at, "amount"], `an amount is at most ${AMOUNT_MAX}`, l.amount));
      if (l.personal !== undefined) measure(l.personal.measure, [...at, "personal", "measure"]);
      if (l.sponsored !== undefined) measure(l.sponsored.measure, [...at, "sponsored", "measure"]);
      if (l.team !== undefined) measure(l.team.measure, [...at, "team", "measure"]);
      const f = l.frontline;
      if (f === undefined) return;
      if (f.level === undefined && j === 0) {
        issues.push(issue("PLAN_MISSING_KEY", [...path, ...at, "frontline", "level"], "level 1 has no level below: name the level the frontline members must meet (frontline.level)"));
      } else if (f.level !== undefined && f.level > config.levels.length) {
        issues.push(issue("PLAN_VALUE_RANGE", [...path, ...at, "frontline", "level"], `frontline.level is a level of this bonus, 1 .. ${config.levels.length}`, f.level));
      }
    });
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    const program = structureProgram(config, ctx.measureIndex, ctx.moneyScale);
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      explain: structureExplainer(program, ctx),
      run(run: RunContext, sink: LineSink, bonusIndex: number): undefined {
        runStructure(run, sink, bonusIndex, program, ctx.moneyScale);
        return undefined;
      },
    };
  },
};
