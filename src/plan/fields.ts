/**
 * Field schemas shared by the plan schema and the bonus families: names, decimal strings by kind, references.
 * Decimal values are strings in plan files, never JSON or YAML floats, so no precision is lost on the way in.
 */
import { z } from "zod";
import { MONEY_SCALE_MAX, RATE_SCALE, VOLUME_SCALE, compareDecimal, parseUnits } from "../money/decimal.js";

/** The order kinds the plan language knows: own consumption, retail sales, customer orders. */
export const ORDER_KINDS = ["personal-consumption", "retail-sale", "customer-order"] as const;
/** The kind of an order: bought for the member's own use, sold to a retail customer, or placed by a customer. */
export type OrderKind = (typeof ORDER_KINDS)[number];

export const orderKindSchema = z.enum(ORDER_KINDS).meta({
  title: "Order kind",
  description: "personal-consumption: bought for the member's own use; retail-sale: sold by the member to a retail customer; customer-order: placed by a customer of the member.",
  examples: ["personal-consumption"],
});
export const measureNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, "a measure name is a letter then up to 31 letters, digits or _")
  .meta({ title: "Measure name", description: "The name of a measure declared under `measures`: a letter, then up to 31 letters, digits or _.", examples: ["PV", "CV"] });
/** @internal What a rank name may be: a letter or a digit, then up to 63 letters, digits, spaces or _.'&+-. */
export const RANK_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 _.'&+-]{0,63}$/;
export const rankNameSchema = z
  .string()
  .regex(RANK_NAME_RE, "a rank name starts with a letter or a digit, then up to 63 letters, digits, spaces or _.'&+-")
  .meta({ title: "Rank name", description: "The name of a rank of the `ranks` ladder: 1 to 64 letters, digits, spaces or _.'&+-.", examples: ["Bronze", "Gold Director"] });
export const keySchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, "a key is lower-case letters, digits and -, starting with a letter")
  .meta({ title: "Key", description: "An identifier: lower-case letters, digits and -, starting with a letter (at most 64).", examples: ["unilevel", "rank-bonus"] });
export const referenceSchema = z
  .string()
  .min(1)
  .max(500)
  .meta({ title: "Reference", description: "Where this rule comes from in the company's written plan (a section or page), for auditors.", examples: ["Policies and procedures, section 4.2"] });

type DecimalKind = "volume" | "rate" | "share" | "money";
const SCALE: Record<DecimalKind, number> = {
  volume: VOLUME_SCALE,
  rate: RATE_SCALE,
  share: RATE_SCALE,
  money: MONEY_SCALE_MAX,
};

const EXAMPLES: Record<DecimalKind, readonly string[]> = {
  volume: ["100", "2500.5"],
  rate: ["0.05", "0.125"],
  share: ["0.4", "1"],
  money: ["50.00", "1250"],
};

const DESCRIPTION: Record<DecimalKind, string> = {
  volume: "a volume as a decimal string, e.g. \"100\" (at most 4 decimal places)",
  rate: "a rate between 0 and 1 as a decimal string, e.g. \"0.05\" for 5% (at most 6 decimal places)",
  share: "a share greater than 0 and at most 1 as a decimal string, e.g. \"0.4\" for 40%",
  money: "an amount of money as a decimal string, e.g. \"50.00\" (at most the plan's money scale)",
};

/**
 * A non-negative decimal string of a given kind: volumes (4 places), rates 0..1 (6 places),
 * shares 0 < x ≤ 1 (6 places), money (4 places; the plan's own scale is checked later).
 */
export function decimalString(kind: DecimalKind) {
  return z.unknown().check((ctx) => {
    const v = ctx.value;
    if (v === undefined) {
      ctx.issues.push({ code: "custom", input: v, params: { code: "PLAN_MISSING_KEY" }, message: "required" });
      return;
    }
    if (typeof v !== "string") {
      ctx.issues.push({
        code: "custom",
        input: v,
        params: { code: "PLAN_DECIMAL_FORMAT" },
        message:
          typeof v === "number"
            ? `write ${kind === "rate" || kind === "share" ? "rates" : "amounts"} as quoted decimal strings, e.g. "${String(v)}", so no precision is lost`
            : "expected a decimal string such as \"0.05\"",
      });
      return;
    }
    const units = parseUnits(v, SCALE[kind]);
    if (units === "format" || (typeof units === "bigint" && units < 0n)) {
      ctx.issues.push({
        code: "custom",
        input: v,
        params: { code: "PLAN_DECIMAL_FORMAT" },
        message: "expected a non-negative decimal string such as \"100\" or \"0.05\" (no exponent, no sign)",
      });
      return;
    }
    if (units === "precision") {
      ctx.issues.push({
        code: "custom",
        input: v,
        params: { code: "PLAN_DECIMAL_PRECISION" },
        message: `at most ${SCALE[kind]} decimal places for a ${kind}`,
      });
      return;
    }
    if ((kind === "rate" || kind === "share") && compareDecimal(v, "1") > 0) {
      ctx.issues.push({
        code: "custom",
        input: v,
        params: { code: "PLAN_RATE_RANGE" },
        message: `a ${kind} is between 0 and 1 ("0.05" is 5%)`,
      });
    } else if (kind === "share" && units === 0n) {
      ctx.issues.push({
        code: "custom",
        input: v,
        params: { code: "PLAN_RATE_RANGE" },
        message: "a share must be greater than 0",
      });
    } else if (kind === "volume" && compareDecimal(v, "100000000000") > 0) {
      // 10^11 in units of 10^-4 is 10^15, still an exact safe integer.
      ctx.issues.push({
        code: "custom",
        input: v,
        params: { code: "PLAN_VALUE_RANGE" },
        message: "a volume in a plan is at most 100,000,000,000",
      });
    }
  })
    .meta({
      type: "string",
      pattern: `^\\d+(\\.\\d{1,${SCALE[kind]}})?$`,
      title: `Decimal ${kind}`,
      description: DESCRIPTION[kind],
      examples: [...EXAMPLES[kind]],
    }) as unknown as z.ZodType<string, string>;
}

/** The zod schema of a volume requirement (`{ measure, minimum }`). */
export const volumeMinimumSchema = z
  .strictObject({
    measure: measureNameSchema,
    minimum: decimalString("volume"),
  })
  .meta({ title: "Volume minimum", description: "The member's `measure` must reach at least `minimum`.", examples: [{ measure: "PV", minimum: "100" }] });
/** A volume requirement: `measure` reaches at least `minimum`. */
export type VolumeMinimum = z.output<typeof volumeMinimumSchema>;

/** The widest placement tree a plan may declare, and the largest leg position an input may give. */
export const PLACEMENT_WIDTH_MAX = 1000;
