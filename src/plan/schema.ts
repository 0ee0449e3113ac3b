/**
 * The plan language, version 1, as zod schemas. The bonus entries are validated by the schema each bonus
 * family declares (see ../bonuses/registry.ts), so adding a family never touches this file.
 */
import { z } from "zod";
import { MONEY_SCALE_MAX, ROUNDING_MODES, type RoundingMode } from "../money/decimal.js";
import {
  PLACEMENT_WIDTH_MAX,
  decimalString,
  keySchema,
  measureNameSchema,
  orderKindSchema,
  rankNameSchema,
  referenceSchema,
  volumeMinimumSchema,
} from "./fields.js";

/** The most periods an accumulated measure may span (`periods`). */
export const ACCUMULATED_PERIODS_MAX = 60;

export const measureSchema = z
  .strictObject({
    description: z.string().max(500).optional(),
    counts: z.array(orderKindSchema).min(1).optional().meta({
      title: "Counts",
      description: "The order kinds whose volume counts toward the measure (a measure has counts, or accumulates another measure).",
      examples: [["personal-consumption", "customer-order"]],
    }),
    personalConsumptionCap: decimalString("volume").optional(),
    accumulates: measureNameSchema.optional().meta({
      title: "Accumulates",
      description:
        "An accumulated measure (docs/state.md): its personal volume is the base measure's personal volume of this period plus what was carried from earlier periods (since joining, or over `periods`). It has no counts and the base is not itself accumulated. The plan then keeps state between periods.",
      examples: ["PV"],
    }),
    periods: z.number().int().min(2).max(ACCUMULATED_PERIODS_MAX).optional().meta({
      title: "Periods",
      description: "With accumulates: the last N periods, this one included (2 to 60). Left out: since joining.",
      examples: [4],
    }),
    volumeOf: measureNameSchema.optional().meta({
      title: "Volume of",
      description:
        "The measure reads the orders' volume of another measure (one orders carry) instead of a volume of its own, with its own counts, cap and leavesOut: e.g. PV without the fast-start orders. Orders carry no volume of it.",
      examples: ["PV"],
    }),
    leavesOut: z.array(keySchema).min(1).max(20).optional().meta({
      title: "Leaves out",
      description:
        "Bonus keys whose orders the measure does not count: the orders placed inside the window after joining of each bonus named (a fast start), whatever their kind and volume. E.g. a unilevel measure without the fast-start orders.",
      examples: [["fast-start"]],
    }),
    reference: referenceSchema.optional(),
  })
  .meta({
    title: "Measure",
    description:
      "A volume measure: which order kinds count toward it, with an optional cap on personal consumption; or an accumulated measure, the sum of another measure over earlier periods and this one.",
    examples: [{ description: "Personal volume", counts: ["personal-consumption", "customer-order"] }, { accumulates: "PV", periods: 4 }],
    // For editors: counts or accumulates, never both (parsePlan reports each case at its key).
    oneOf: [
      { required: ["counts"], not: { anyOf: [{ required: ["accumulates"] }, { required: ["periods"] }] } },
      { required: ["accumulates"], not: { anyOf: [{ required: ["counts"] }, { required: ["personalConsumptionCap"] }, { required: ["leavesOut"] }, { required: ["volumeOf"] }] } },
    ],
  });


export const qualificationSchema = z
  .strictObject({
    personal: volumeMinimumSchema.optional(),
    sponsoredActive: z.number().int().min(1).max(1000).optional(),
    reference: referenceSchema.optional(),
  })
  .meta({
    title: "Qualification",
    description: "When a member is qualified (active) in a period: a personal volume minimum, and how many personally sponsored members must be qualified.",
    examples: [{ personal: { measure: "PV", minimum: "100" } }],
  });

export const legRequirementSchema = z
  .strictObject({
    count: z.number().int().min(1).max(1000),
    rank: rankNameSchema.optional(),
    measure: measureNameSchema.optional(),
    minimum: decimalString("volume").optional(),
  })
  .meta({
    title: "Leg requirement",
    description: "At least `count` first-level legs that hold `rank` (someone in the leg is paid as it or higher), or whose leg volume of `measure` reaches `minimum`.",
    examples: [{ count: 2, rank: "Silver" }, { count: 3, measure: "CV", minimum: "500" }],
  });

export const groupRequirementSchema = z
  .strictObject({
    measure: measureNameSchema,
    minimum: decimalString("volume"),
    legCap: decimalString("share").optional(),
  })
  .meta({
    title: "Group requirement",
    description: "The group volume of `measure` must reach `minimum`; with `legCap`, no first-level leg counts for more than that share of `minimum`.",
    examples: [{ measure: "CV", minimum: "1000", legCap: "0.5" }],
  });

export const columnRequirementSchema = z
  .strictObject({
    column: z.string().min(1).max(200),
    minimum: decimalString("volume"),
  })
  .meta({
    title: "Column requirement",
    description:
      "The member's value of a per-member column a bonus publishes must reach `minimum`: `earnings.<key>` (what bonus `<key>` paid the member, in money, at most the plan's money scale in places) or `<key>.<name>` (a column bonus `<key>` declares it publishes). The bonus runs before the ranks, so it must not read `rank`.",
    examples: [{ column: "earnings.retail", minimum: "100.00" }],
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
      columns: z.array(columnRequirementSchema).max(10).optional(),
    })
    .default({ qualified: true }),
}).meta({
  title: "Rank",
  description: "A rank of the ladder, lowest first; a member is paid as the highest rank whose requirements they meet.",
  examples: [{ name: "Bronze", requires: { personal: { measure: "PV", minimum: "100" } } }],
});

export const moneySchema = z
  .strictObject({
    scale: z.number().int().min(0).max(MONEY_SCALE_MAX).default(2).meta({ title: "Money scale", description: "Decimal places of paid amounts.", examples: [2] }),
    rounding: z
      .strictObject({
        mode: z
          .enum(ROUNDING_MODES as unknown as [RoundingMode, ...RoundingMode[]])
          .default("half-even")
          .meta({ title: "Rounding mode", description: "How an amount is rounded to the money scale.", examples: ["half-even"] }),
        applies: z
          .enum(["line", "bonus"])
          .default("line")
          .meta({ title: "Rounding applies to", description: "line: each statement line is rounded; bonus: a member's total of a bonus is rounded once.", examples: ["line"] }),
      })
      .default({ mode: "half-even", applies: "line" }),
  })
  .meta({ title: "Money", description: "How amounts are rounded and to how many decimal places.", examples: [{ scale: 2, rounding: { mode: "half-even", applies: "line" } }] });

export const placementSchema = z
  .strictObject({
    width: z
      .number()
      .int()
      .min(2)
      .max(PLACEMENT_WIDTH_MAX)
      .meta({ title: "Width", description: "How many members may be placed directly under one member: 2 for a binary tree, 3 for a 3-wide matrix, …", examples: [2, 3] }),
  })
  .meta({
    title: "Placement tree",
    description: "The plan uses a placement tree (binary or matrix) besides the sponsor tree: members give their placementId and leg, and no leg position may exceed the width.",
    examples: [{ width: 2 }],
  });

/** The plan's top level, with `bonuses` entries left for the families' own schemas. */
export const planShellSchema = z.strictObject({
  compplan: z.literal(1).meta({ title: "Plan language version", description: "Always 1: the version of the plan language this file is written in.", examples: [1] }),
  id: keySchema.meta({ title: "Plan id", description: "The plan's identifier: lower-case letters, digits and -, starting with a letter.", examples: ["acme-unilevel"] }),
  name: z.string().min(1).max(200).optional().meta({ title: "Name", description: "The plan's name for people.", examples: ["Acme unilevel 2026"] }),
  description: z.string().max(5000).optional().meta({ title: "Description", description: "What the plan is, for people reading it." }),
  reference: referenceSchema.optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "a three-letter currency code such as USD")
    .meta({ title: "Currency", description: "The ISO 4217 code of the currency amounts are paid in.", examples: ["USD", "EUR"] }),
  money: moneySchema.default({ scale: 2, rounding: { mode: "half-even", applies: "line" } }),
  payoutBasis: measureNameSchema.meta({
    title: "Payout basis",
    description: "The measure the payout share is computed against (total paid / total of this measure).",
    examples: ["CV"],
  }),
  measures: z.record(measureNameSchema, measureSchema).meta({ title: "Measures", description: "The volume measures the plan uses, by name.", examples: [{ PV: { counts: ["personal-consumption"] } }] }),
  qualification: qualificationSchema.optional(),
  ranks: z.array(rankSchema).max(100).default([]).meta({ title: "Ranks", description: "The rank ladder, lowest rank first." }),
  placement: placementSchema.optional(),
  bonuses: z.array(z.looseObject({ kind: z.string(), key: keySchema })).max(100),
  state: z
    .strictObject({
      unknownMembers: z.enum(["error", "carry"]).optional().meta({
        title: "Unknown members",
        description: "What a state row for a member who is not in the members file does: error (the default) or carry (written unchanged to the closing state).",
        examples: ["carry"],
      }),
    })
    .optional()
    .meta({
      title: "State",
      description: "The plan keeps state between periods (docs/state.md): a run reads the previous period's closing state and writes its own.",
      examples: [{}, { unknownMembers: "carry" }],
    }),
  paidAs: z
    .strictObject({
      grace: z.number().int().min(0).max(120).optional().meta({
        title: "Grace",
        description: "Periods a member keeps a paid-as rank after missing its requirements (0, the default: none). Needs state between periods.",
        examples: [2],
      }),
      hold: z.enum(["none", "highest"]).optional().meta({
        title: "Hold",
        description: "highest: a member is never paid below the highest rank ever held (a lifetime title); none (the default). Needs state between periods.",
        examples: ["highest"],
      }),
    })
    .optional()
    .meta({ title: "Paid-as rank over periods", description: "Grace and hold of the paid-as rank across periods (docs/state.md).", examples: [{ grace: 2 }] }),
  givenRank: z
    .enum(["floor", "paid-as"])
    .optional()
    .meta({
      title: "Given rank",
      description:
        "How a rank the members file gives a member (the `rank` column: a rank the company set) is used. floor (the default): the member is paid as the higher of the computed rank and the given rank. paid-as: the member is paid as exactly the given rank, even below the computed one. Members without a given rank are computed as usual.",
      examples: ["floor", "paid-as"],
    }),
});
