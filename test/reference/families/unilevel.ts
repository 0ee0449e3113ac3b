/**
 * Reference `unilevel` (docs/plan-language.md "`unilevel`: level commissions"): level commissions with
 * compression and full accounting, on the volume of a measure, up the sponsor tree or (`tree: placement`)
 * the placement tree ("The two trees"). The level commission itself (rows, slots,
 * the walk, accounting, line items) is ../levels.ts; every quoted rule is from that section.
 */
import type { BonusOfKind, ReferenceFamily, ReferenceMember } from "../family.js";
import { type LevelSource, levelCommission } from "../levels.js";

export const unilevel: ReferenceFamily<BonusOfKind<"unilevel">> = {
  kind: "unilevel",
  calculate(bonus, facts) {
    // "Sources: every member s with personal(s, measure) = v > 0."
    const sources: LevelSource[] = [];
    for (const s of facts.members) {
      const v = facts.personal(s, bonus.measure);
      if (!v.greaterThan(0)) continue;
      // "If s is not qualified and unqualifiedVolumePays is false, all D slots are breakage (reason
      // source-unqualified), whatever the upline."
      sources.push({ member: s, v, pays: facts.isQualified(s) || bonus.unqualifiedVolumePays });
    }
    // "Tree: the upline the levels follow. sponsor (the default): a member's parent is its sponsor.
    // placement: a member's parent is its placement parent" (qualification and ranks stay the facts').
    const parentOf = bonus.tree === "placement" ? (m: ReferenceMember) => m.placementParent : (m: ReferenceMember) => m.sponsor;
    return levelCommission({ schedule: bonus.schedule, compression: bonus.compression, lines: bonus.lines, sources, parentOf }, facts);
  },
};
