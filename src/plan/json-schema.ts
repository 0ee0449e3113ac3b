/** The plan language as JSON Schema, for editors. Built from the same zod schemas that validate plans. */
import { z } from "zod";
import { FAMILIES } from "../bonuses/registry.js";
import { planShellSchema } from "./schema.js";

/**
 * The JSON Schema (draft 2020-12) of plan files, for editor completion and checking. The `bonuses` items
 * are the union of every registered bonus family's schema. Decimal strings carry a `pattern`; rules that
 * span several fields (names that must exist, the rank ladder) are checked by {@link parsePlan} only.
 *
 * @returns a JSON-compatible object
 * @example
 * ```ts
 * writeFileSync("plan.schema.json", JSON.stringify(planJsonSchema(), null, 2));
 * ```
 */
export function planJsonSchema(): Record<string, unknown> {
  const bonus = z.union(FAMILIES.map((f) => f.schema) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  const full = planShellSchema.extend({ bonuses: z.array(bonus) }).meta({
    title: "compplan plan (language v1)",
    description: "A direct-selling compensation plan for the compplan engine. See docs/plan-language.md.",
  });
  return z.toJSONSchema(full, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
