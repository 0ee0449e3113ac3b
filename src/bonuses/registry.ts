/**
 * The bonus families compplan knows. Adding a family: a folder under src/bonuses and one entry in `LIST`
 * (with its import). The plan's bonus union, the kinds parsing accepts and the JSON Schema derive from it.
 */
import { assert } from "../errors/issues.js";
import type { z } from "zod";
import type { BonusFamily } from "./family.js";
import { matching } from "./matching/matching.js";
import { rankBonus } from "./rank-bonus/rank-bonus.js";
import { retailProfit } from "./retail-profit/retail-profit.js";
import { unilevel } from "./unilevel/unilevel.js";

/** The families, in documentation order: a new family is one entry here (and its import). */
const LIST = [unilevel, rankBonus, retailProfit, matching] as const;

/** Every bonus entry a plan may hold (as validated, defaults applied): derived from the registry. */
export type BonusConfig = z.output<(typeof LIST)[number]["schema"]>;

/** A bonus entry as written in a plan file (decimal values as strings, defaults not yet applied). */
export type BonusInput = z.input<(typeof LIST)[number]["schema"]>;

/** @internal The families, in documentation order. */
export const FAMILIES: readonly BonusFamily<BonusConfig>[] = LIST as unknown as readonly BonusFamily<BonusConfig>[];

const BY_KIND = new Map(FAMILIES.map((f) => [f.kind, f]));

/** @internal The family of a kind, or undefined for an unknown kind. */
export function findFamily(kind: string): BonusFamily<BonusConfig> | undefined {
  return BY_KIND.get(kind);
}

/** @internal The family of a kind that validation already accepted. */
export function familyFor(kind: string): BonusFamily<BonusConfig> {
  const f = BY_KIND.get(kind);
  assert(f !== undefined, "validated-bonus-kind", kind);
  return f;
}
