/**
 * Reference `rank-bonus` (docs/plan-language.md "`rank-bonus`: a fixed amount per paid-as rank").
 */
import { D } from "../decimal.js";
import type { BonusOfKind, FamilyLine, ReferenceFamily } from "../family.js";

export const rankBonus: ReferenceFamily<BonusOfKind<"rank-bonus">> = {
  kind: "rank-bonus",
  calculate(bonus, facts) {
    // "A member whose paid-as rank is listed receives that amount (one line, no base or rate); a rank not
    // listed, or listed with "0", pays nothing. With requiresQualified, unqualified members receive nothing."
    // (A "0" amount is a line of exact value zero, which the core drops.)
    const lines: FamilyLine[] = [];
    for (const m of facts.members) {
      const rank = facts.paidAs(m);
      if (rank === null) continue;
      const amount = bonus.amounts[rank];
      if (amount === undefined) continue;
      if (bonus.requiresQualified && !facts.isQualified(m)) continue;
      lines.push({ memberId: m.id, value: new D(amount) });
    }
    return { lines };
  },
};
