/** The plan language as JSON Schema, for editors. Built from the same zod schemas that validate plans. */
import { z } from "zod";
import type { BonusInput } from "../bonuses/registry.js";
import { FAMILIES } from "../bonuses/lookup.js";
import { planShellSchema } from "./schema.js";

/**
 * A plan as written, for plans built in TypeScript: the input of {@link parsePlan}. Decimal values are
 * strings (`rates: ["0.05"]`, never `0.05`), fields with defaults may be left out.
 *
 * @example
 * ```ts
 * const input: PlanInput = { compplan: 1, id: "mini", currency: "USD", payoutBasis: "CV",
 *   measures: { CV: { counts: ["personal-consumption"] } },
 *   bonuses: [{ kind: "retail-profit", key: "retail", measure: "CV", rate: "0.1" }] };
 * const plan = parsePlan(input);
 * ```
 */
export type PlanInput = Omit<z.input<typeof planShellSchema>, "bonuses"> & { readonly bonuses: readonly BonusInput[] };

const OPTIONS = { io: "input", unrepresentable: "any" } as const;

/**
 * The JSON Schema (draft 2020-12) of plan files, for editor completion and checking; the package ships it
 * as `compplan/schema/plan.schema.json`. Fields carry titles, descriptions and examples. A `bonuses` entry
 * is chosen by its `kind`: each family's schema applies under `if: { kind: const }` / `then`, so a mistake
 * inside an entry is checked against that entry's family only and reported once, and an unknown `kind` is
 * one `enum` error. Decimal strings carry a `pattern`; rules that span several fields (names that must
 * exist, the rank ladder) are checked by {@link parsePlan} only.
 *
 * @returns a JSON-compatible object
 * @example
 * ```ts
 * writeFileSync("plan.schema.json", JSON.stringify(planJsonSchema(), null, 2));
 * ```
 */
export function planJsonSchema(): Record<string, unknown> {
  const full = planShellSchema.extend({ bonuses: z.array(z.unknown()).max(100) }).meta({
    title: "compplan plan (language v1)",
    description: "A direct-selling compensation plan for the compplan engine. See docs/plan-language.md.",
  });
  const schema = z.toJSONSchema(full, OPTIONS) as Record<string, unknown> & { properties: Record<string, Record<string, unknown>> };
  const defs: Record<string, unknown> = {};
  const kinds = FAMILIES.map((f) => {
    const { $schema: _, ...family } = z.toJSONSchema(f.schema, OPTIONS) as Record<string, unknown>;
    defs[f.kind] = family;
    return f.kind;
  });
  schema.properties.bonuses = {
    ...schema.properties.bonuses,
    title: "Bonuses",
    description: "The bonuses the plan pays, each chosen by its `kind`; `key` names it in statements.",
    items: {
      type: "object",
      required: ["kind", "key"],
      properties: { kind: { title: "Bonus family", description: "The kind of bonus; the other fields depend on it.", enum: kinds } },
      allOf: kinds.map((kind) => ({
        if: { properties: { kind: { const: kind } }, required: ["kind"] },
        then: { $ref: `#/$defs/${kind}` },
      })),
    },
  };
  return { ...schema, $defs: { ...((schema.$defs as Record<string, unknown> | undefined) ?? {}), ...defs } };
}
