/**
 * The bonus families compplan knows. Adding a family: a folder under src/bonuses and one entry in `LIST`
 * (with its import) and its entry types in the two unions below (the compiler checks they match the list).
 * The kinds parsing accepts and the JSON Schema derive from the list.
 */
import { assert } from "../errors/issues.js";
import type { z } from "zod";
import type { BonusFamily } from "./family.js";
import { matching, type MatchingConfig, type MatchingInput } from "./matching/matching.js";
import { rankBonus, type RankBonusConfig, type RankBonusInput } from "./rank-bonus/rank-bonus.js";
import { retailProfit, type RetailProfitConfig, type RetailProfitInput } from "./retail-profit/retail-profit.js";
import { unilevel, type UnilevelConfig, type UnilevelInput } from "./unilevel/unilevel.js";

/** The families, in documentation order: a new family is one entry here (and its import). */
const LIST = [unilevel, rankBonus, retailProfit, matching] as const;

/** Every bonus entry a plan may hold (as validated, defaults applied). */
export type BonusConfig = UnilevelConfig | RankBonusConfig | RetailProfitConfig | MatchingConfig;

/** A bonus entry as written in a plan file (decimal values as strings, defaults not yet applied). */
export type BonusInput = UnilevelInput | RankBonusInput | RetailProfitInput | MatchingInput;

// The two unions are written out so that the published types do not pull in the engine's internals; the
// compiler checks here that they are exactly the entries of the families in LIST.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const unionsMatchList: [Same<BonusConfig, z.output<(typeof LIST)[number]["schema"]>>, Same<BonusInput, z.input<(typeof LIST)[number]["schema"]>>] = [true, true];
void unionsMatchList;

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
