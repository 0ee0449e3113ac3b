/**
 * The bonus families compplan knows: the one file a new family is added to. Adding a family: a folder under
 * src/bonuses, then here its import, its entry in `LIST`, its entry types in the two unions below (the
 * compiler checks they match the list) and in the public re-export. The kinds parsing accepts, the JSON
 * Schema, the CSV columns and the package's exported entry types (src/index.ts re-exports this file's
 * types) all derive from this file.
 */
import type { z } from "zod";
import { contest, type ContestConfig, type ContestInput } from "./contest/contest.js";
import { fastStart, type FastStartConfig, type FastStartInput } from "./fast-start/fast-start.js";
import { matching, type MatchingConfig, type MatchingInput } from "./matching/matching.js";
import { payoutCap, type PayoutCapConfig, type PayoutCapInput } from "./payout-cap/payout-cap.js";
import { rankBonus, type RankBonusConfig, type RankBonusInput } from "./rank-bonus/rank-bonus.js";
import { retailProfit, type RetailProfitConfig, type RetailProfitInput } from "./retail-profit/retail-profit.js";
import { stairstep, type StairstepConfig, type StairstepInput } from "./stairstep/stairstep.js";
import { structure, type StructureConfig, type StructureInput } from "./structure/structure.js";
import { pool, type PoolConfig, type PoolInput } from "./pool/pool.js";
import { rankAdvancement, type RankAdvancementConfig, type RankAdvancementInput } from "./rank-advancement/rank-advancement.js";
import { unilevel, type UnilevelConfig, type UnilevelInput } from "./unilevel/unilevel.js";

export type { UnilevelConfig, UnilevelInput } from "./unilevel/unilevel.js";
export type { RankBonusConfig, RankBonusInput } from "./rank-bonus/rank-bonus.js";
export type { RetailProfitConfig, RetailProfitInput } from "./retail-profit/retail-profit.js";
export type { MatchingConfig, MatchingInput } from "./matching/matching.js";
export type { StairstepConfig, StairstepInput } from "./stairstep/stairstep.js";
export type { FastStartConfig, FastStartInput } from "./fast-start/fast-start.js";
export type { PayoutCapConfig, PayoutCapInput } from "./payout-cap/payout-cap.js";
export type { ContestConfig, ContestInput } from "./contest/contest.js";
export type { StructureConfig, StructureInput } from "./structure/structure.js";
export type { PoolConfig, PoolInput } from "./pool/pool.js";
export type { RankAdvancementConfig, RankAdvancementInput } from "./rank-advancement/rank-advancement.js";

/** @internal The families, in documentation order: a new family is one entry here (and its import). */
export const LIST = [unilevel, rankBonus, retailProfit, matching, stairstep, fastStart, structure, pool, rankAdvancement, payoutCap, contest] as const;

/** Every bonus entry a plan may hold (as validated, defaults applied). */
export type BonusConfig = UnilevelConfig | RankBonusConfig | RetailProfitConfig | MatchingConfig | StairstepConfig | FastStartConfig | StructureConfig | PoolConfig | RankAdvancementConfig | PayoutCapConfig | ContestConfig;

/** A bonus entry as written in a plan file (decimal values as strings, defaults not yet applied). */
export type BonusInput = UnilevelInput | RankBonusInput | RetailProfitInput | MatchingInput | StairstepInput | FastStartInput | StructureInput | PoolInput | RankAdvancementInput | PayoutCapInput | ContestInput;

// The two unions are written out so that the published types do not pull in the engine's internals; the
// compiler checks here that they are exactly the entries of the families in LIST.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const unionsMatchList: [Same<BonusConfig, z.output<(typeof LIST)[number]["schema"]>>, Same<BonusInput, z.input<(typeof LIST)[number]["schema"]>>] = [true, true];
void unionsMatchList;

