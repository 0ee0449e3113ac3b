// The random plan generator's bonus families: one line per family. A new family is a file `<kind>.ts` in this
// folder (see ../family.ts) and one line here; the plan arbitrary (../plans.ts) then generates it, so the
// differential test covers it. A family whose entries name other bonuses (matching) comes after those it names (stairstep and fast-start before matching, so a matching bonus may match their earnings, stairstep's negative ones included; payout-cap last, so a cap may name any of them, a contest's awards included). The differential test checks this list names every kind of the plan schema.
import type { FamilyArbitrary } from "../family.js";
import { contestArb } from "./contest.js";
import { fastStartArb } from "./fast-start.js";
import { matchingArb } from "./matching.js";
import { poolArb } from "./pool.js";
import { rankAdvancementArb } from "./rank-advancement.js";
import { payoutCapArb } from "./payout-cap.js";
import { rankBonusArb } from "./rank-bonus.js";
import { retailProfitArb } from "./retail-profit.js";
import { stairstepArb } from "./stairstep.js";
import { structureArb } from "./structure.js";
import { unilevelArb } from "./unilevel.js";

export const FAMILY_ARBITRARIES: readonly FamilyArbitrary[] = [unilevelArb, rankBonusArb, retailProfitArb, stairstepArb, fastStartArb, matchingArb, structureArb, poolArb, rankAdvancementArb, contestArb, payoutCapArb];
