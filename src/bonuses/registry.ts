/**
 * The bonus families compplan knows. Adding a family: a folder under src/bonuses and one line here.
 */
import { assert } from "../errors/issues.js";
import type { BonusFamily } from "./family.js";
import { matching, type MatchingConfig, type MatchingInput } from "./matching/matching.js";
import { rankBonus, type RankBonusConfig, type RankBonusInput } from "./rank-bonus/rank-bonus.js";
import { retailProfit, type RetailProfitConfig, type RetailProfitInput } from "./retail-profit/retail-profit.js";
import { unilevel, type UnilevelConfig, type UnilevelInput } from "./unilevel/unilevel.js";

/** Every bonus entry a plan may hold. */
export type BonusConfig = UnilevelConfig | RankBonusConfig | RetailProfitConfig | MatchingConfig;

/** A bonus entry as written in a plan file (decimal values as strings, defaults not yet applied). */
export type BonusInput = UnilevelInput | RankBonusInput | RetailProfitInput | MatchingInput;

/** @internal The families, in documentation order. */
export const FAMILIES: readonly BonusFamily<BonusConfig>[] = [unilevel, rankBonus, retailProfit, matching] as unknown as readonly BonusFamily<BonusConfig>[];

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
