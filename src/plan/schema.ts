/**
 * The plan language, version 1, as zod schemas. The bonus entries are validated by the schema each bonus
 * family declares (see ../bonuses/registry.ts), so adding a family never touches this file.
 */
import { z } from "zod";
import { MONEY_SCALE_MAX, ROUNDING_MODES } from "../money/decimal.js";
import {
  decimalString,
  keySchema,
  measureNameSchema,
  orderKindSchema,
  rankNameSchema,
  referenceSchema,
  volumeMinimumSchema,
} from "./fields.js";

export const measureSchema = z
  .strictObject({
    description: z.string().max(500).optional(),
    counts: z.array(orderKindSchema).min(1),
    personalConsumptionCap: decimalString("volume").optional(),
    reference: referenceSchema.optional(),
  })
  .meta({ description: "A volume measure: which order kinds count toward it, and an optional cap on personal consumption." });

export const qualificationSchema = z
  .strictObject({
    personal: volumeMinimumSchema.optional(),
    sponsoredActive: z.number().int().min(1).max(1000).optional(),
    reference: referenceSchema.optional(),
  })
  .meta({ description: "When a member is qualified (active) in a period." });

export const legRequirementSchema = z
  .strictObject({
    count: z.number().int().min(1).max(1000),
    rank: rankNameSchema.optional(),
    measure: measureNameSchema.optional(),
    minimum: decimalString("volume").optional(),
  })
  .meta({ description: "At least `count` first-level legs that hold `rank` (someone in the leg is paid as it or higher), or whose leg volume of `measure` reaches `minimum`." });

export const groupRequirementSchema = z.strictObject({
  measure: measureNameSchema,
  minimum: decimalString("volume"),
  legCap: decimalString("share").optional(),
});

export const rankSchema = z.strictObject({
  name: rankNameSchema,
  reference: referenceSchema.optional(),
  requires: z
    .strictObject({
      qualified: z.boolean().default(true),
      personal: volumeMinimumSchema.optional(),
      group: groupRequirementSchema.optional(),
      legs: z.array(legRequirementSchema).max(10).optional(),
    })
    .default({ qualified: true }),
});

export const moneySchema = z.strictObject({
  scale: z.number().int().min(0).max(MONEY_SCALE_MAX).default(2),
  rounding: z
    .strictObject({
      mode: z.enum(ROUNDING_MODES as [string, ...string[]]).default("half-even"),
      applies: z.enum(["line", "bonus"]).default("line"),
    })
    .default({ mode: "half-even", applies: "line" }),
});

/** The plan's top level, with `bonuses` entries left for the families' own schemas. */
export const planShellSchema = z.strictObject({
  compplan: z.literal(1),
  id: keySchema,
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(5000).optional(),
  reference: referenceSchema.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, "a three-letter currency code such as USD"),
  money: moneySchema.default({ scale: 2, rounding: { mode: "half-even", applies: "line" } }),
  payoutBasis: measureNameSchema,
  measures: z.record(measureNameSchema, measureSchema),
  qualification: qualificationSchema.optional(),
  ranks: z.array(rankSchema).max(100).default([]),
  bonuses: z.array(z.looseObject({ kind: z.string(), key: keySchema })).max(100),
});
