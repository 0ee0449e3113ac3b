/**
 * Reference `retail-profit` (docs/plan-language.md "`retail-profit`").
 */
import { D } from "../decimal.js";
import type { BonusOfKind, FamilyLine, ReferenceFamily } from "../family.js";

export const retailProfit: ReferenceFamily<BonusOfKind<"retail-profit">> = {
  kind: "retail-profit",
  calculate(bonus, facts) {
    // "Each member with personal(m, measure) = v > 0 (and qualified, when requiresQualified) receives one line
    // (none when rate is "0"): base = v, rate, exact value v × rate." (The core drops a zero value.)
    const rate = new D(bonus.rate);
    const lines: FamilyLine[] = [];
    for (const m of facts.members) {
      const v = facts.personal(m, bonus.measure);
      if (!v.greaterThan(0)) continue;
      if (bonus.requiresQualified && !facts.isQualified(m)) continue;
      lines.push({ memberId: m.id, base: v, rate, value: v.times(rate) });
    }
    return { lines };
  },
};
