/**
 * Payout cap: a cap on the pay of named bonuses, either for the whole company (a share of the company's
 * volume of a measure, applied pro rata by the largest remainder) or per member (a maximum per period).
 * Protected pay (named bonuses, a fixed amount per member, money columns other bonuses publish) is never
 * reduced. The cut is shown as one negative line per member: the capped bonuses' own lines stay as they
 * were computed, and the cap's lines say what it took.
 *
 * The rules are docs/plan-language.md, "`payout-cap`"; ./compute.ts computes it, ./explain.ts explains it
 * and makes its report. Invariants: the named bonuses pay exactly the cap after a company cap that bites
 * (unless protected pay alone exceeds it); accounting potential 0 = paid (−cut) + breakage `capped` (cut).
 */
import { z } from "zod";
import { type Issue, type PathSegment, issue } from "../../errors/issues.js";
import { nameHint } from "../../errors/suggest.js";
import { compareDecimal, parseUnits } from "../../money/decimal.js";
import { decimalString, keySchema, measureNameSchema, referenceSchema } from "../../plan/fields.js";
import { decimalUnits, rateUnits, volumeUnits } from "../../plan/units.js";
import { type LineSink, addMoneyLine, moneyValue } from "../../run/lines.js";
import type { BonusFamily, CompiledBonus, LevelAccounting, RunContext } from "../family.js";
import { type CapProgram, computeCap } from "./compute.js";
import { capExplainer, capReporter } from "./explain.js";

/** Most bonuses one cap names. */
const OF_MAX = 20;
/** Largest `pointValue`. */
const POINT_VALUE_MAX = "10000";

const companySchema = z
  .strictObject({
    measure: measureNameSchema.meta({ description: "The measure whose total over all members is the company volume." }),
    share: decimalString("share").meta({ description: "The share of the company volume the named bonuses may pay in all (0 < share ≤ 1)." }),
    pointValue: decimalString("volume").default("1").meta({ description: "Money per unit of volume (default 1: a measure that is already money)." }),
  })
  .meta({ title: "Company cap", description: "A cap on the named bonuses' total pay: share × pointValue × the company's volume of the measure, rounded down.", examples: [{ measure: "BV", share: "0.45" }] });

const protectSchema = z
  .strictObject({
    bonuses: z.array(keySchema).max(OF_MAX).default([]).meta({ description: "Bonuses of `of` counted under the cap but never reduced." }),
    amount: decimalString("money").default("0").meta({ description: "Each member's first amount of the other named bonuses' pay, never reduced." }),
    columns: z.array(z.string()).max(OF_MAX).default([]).meta({ description: "Money columns bonuses publish (`<key>.<name>`) adding to each member's protected amount." }),
  })
  .meta({ title: "Protected pay", description: "Pay the cap never reduces.", examples: [{ bonuses: ["fast-start"], amount: "50.00" }] });

/** The zod schema of a `payout-cap` bonus entry. */
const schema = z
  .strictObject({
    kind: z.literal("payout-cap").meta({ description: "The bonus family." }),
    key: keySchema,
    reference: referenceSchema.optional(),
    of: z.array(keySchema).min(1).max(OF_MAX).meta({ title: "Capped bonuses", description: "The keys of the bonuses whose pay (earnings) is capped.", examples: [["unilevel", "matching"]] }),
    company: companySchema.optional(),
    perMember: decimalString("money").optional().meta({ description: "The most a member is paid from the named bonuses per period." }),
    protect: protectSchema.optional(),
  })
  .meta({
    title: "Payout cap",
    description: "A cap on the pay of named bonuses, for the company (a share of its volume, pro rata) or per member; shown as negative lines.",
    examples: [{ kind: "payout-cap", key: "company-cap", of: ["unilevel"], company: { measure: "BV", share: "0.45" } }],
  });

/** A payout-cap bonus entry of a plan. */
export type PayoutCapConfig = z.output<typeof schema>;
/** A payout-cap entry as written in a plan (defaults not yet applied): for plans written in TypeScript. */
export type PayoutCapInput = z.input<typeof schema>;

export const payoutCap: BonusFamily<PayoutCapConfig, PayoutCapInput> = {
  kind: "payout-cap",
  description: "Payout cap: the named bonuses' pay capped for the company (a share of its volume, pro rata) or per member, with protected pay; negative lines.",
  schema,
  lineFields: [],
  reads: (config) => [...config.of.map((k) => `earnings.${k}`), ...(config.protect?.columns ?? []), ...(config.company !== undefined ? [`personal.${config.company.measure}`] : [])],
  validate(config, names, path) {
    const issues: Issue[] = [];
    config.of.forEach((k, x) => {
      const at = [...path, "of", x];
      if (k === config.key) issues.push(issue("PLAN_STEP_CYCLE", at, `a cap cannot cap its own pay ("${k}")`, k));
      else if (!names.bonuses.includes(k)) issues.push(issue("PLAN_UNKNOWN_BONUS", at, `no bonus has the key "${k}" (bonuses: ${names.bonuses.filter((b) => b !== config.key).join(", ") || "none"})`, k));
      else if (config.of.indexOf(k) !== x) issues.push(issue("PLAN_DUPLICATE_NAME", at, `bonus "${k}" is listed twice`, k));
    });
    const c = config.company;
    if (c === undefined && config.perMember === undefined) {
      issues.push(issue("PLAN_MISSING_KEY", [...path, "company"], "a payout cap has a rule: company (a share of the company's volume) or perMember (a maximum per member)"));
    }
    if (c !== undefined && config.perMember !== undefined) {
      issues.push(issue("PLAN_INVALID_VALUE", [...path, "perMember"], "a payout cap has one rule, company or perMember: write a second entry for the other (naming the first in its `of` to cap what the first leaves)", config.perMember));
    }
    if (c !== undefined) {
      if (!names.measures.has(c.measure)) issues.push(issue("PLAN_UNKNOWN_MEASURE", [...path, "company", "measure"], `unknown measure "${c.measure}"${nameHint(c.measure, names.measures, "measures")}`, c.measure));
      if (compareDecimal(c.pointValue, "0") <= 0 || compareDecimal(c.pointValue, POINT_VALUE_MAX) > 0) {
        issues.push(issue("PLAN_VALUE_RANGE", [...path, "company", "pointValue"], `pointValue must be greater than 0 and at most ${POINT_VALUE_MAX}`, c.pointValue));
      }
    }
    const money = (value: string | undefined, at: readonly PathSegment[]) => {
      if (value !== undefined && parseUnits(value, names.moneyScale) === "precision") {
        issues.push(issue("PLAN_DECIMAL_PRECISION", [...path, ...at], `the plan's money scale allows ${names.moneyScale} decimal places`, value));
      }
    };
    money(config.perMember, ["perMember"]);
    money(config.protect?.amount, ["protect", "amount"]);
    config.protect?.bonuses.forEach((k, x) => {
      if (!config.of.includes(k)) issues.push(issue("PLAN_INVALID_VALUE", [...path, "protect", "bonuses", x], `protected bonus "${k}" must be one of the capped bonuses (of: ${config.of.join(", ")})`, k));
    });
    config.protect?.columns.forEach((col, x) => {
      if (names.columns.get(col) === "money") return;
      const money = [...names.columns].filter(([, kind]) => kind === "money").map(([name]) => name);
      const list = money.length === 0 ? " (no bonus of the plan publishes a money column)" : nameHint(col, money, "money columns");
      issues.push(issue("PLAN_UNKNOWN_COLUMN", [...path, "protect", "columns", x], `"${col}" is not a money column a bonus of the plan publishes${list}`, col));
    });
    return issues;
  },
  compile(config, ctx): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields"> {
    const scale = ctx.moneyScale;
    const c = config.company;
    const program: CapProgram = {
      key: config.key,
      of: config.of,
      protectBonuses: config.protect?.bonuses ?? [],
      protectAmount: decimalUnits(config.protect?.amount ?? "0", scale),
      protectColumns: config.protect?.columns ?? [],
      ...(c !== undefined ? { company: { measure: ctx.measureIndex(c.measure), share: rateUnits(c.share), pointValue: volumeUnits(c.pointValue) } } : {}),
      perMember: config.perMember !== undefined ? decimalUnits(config.perMember, scale) : -1,
      scale,
    };
    return {
      key: config.key,
      kind: config.kind,
      reference: config.reference,
      explain: capExplainer(program),
      report: capReporter(program),
      run(run: RunContext, sink: LineSink, bonusIndex: number): LevelAccounting {
        const { cut, facts } = computeCap(run, program);
        const n = run.genealogy.size;
        for (let i = 0; i < n; i++) {
          const x = cut[i] as number;
          if (x > 0) addMoneyLine(sink, i, bonusIndex, -x, scale);
        }
        run.work.add(`bonus:${config.key}`, n * (config.of.length + 1));
        const value = moneyValue(facts.cut, scale);
        return { potential: 0n, paid: -value, compressedUp: 0n, breakage: { capped: value } };
      },
    };
  },
};
