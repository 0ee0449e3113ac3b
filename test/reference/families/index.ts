/**
 * The reference engine's bonus families: one line per family. A new family is a file `<kind>.ts` in this
 * folder implementing {@link ReferenceFamily} from its section of docs/plan-language.md, and one line here.
 * The differential test checks that this list names exactly the kinds the fast engine's plan schema has.
 */
import type { ReferenceFamily } from "../family.js";
import { contest } from "./contest.js";
import { fastStart } from "./fast-start.js";
import { matching } from "./matching.js";
import { pool } from "./pool.js";
import { rankAdvancement } from "./rank-advancement.js";
import { payoutCap } from "./payout-cap.js";
import { rankBonus } from "./rank-bonus.js";
import { retailProfit } from "./retail-profit.js";
import { stairstep } from "./stairstep.js";
import { structure } from "./structure.js";
import { unilevel } from "./unilevel.js";

export const REFERENCE_FAMILIES: readonly ReferenceFamily[] = [unilevel, rankBonus, retailProfit, matching, stairstep, fastStart, structure, pool, rankAdvancement, payoutCap, contest];
