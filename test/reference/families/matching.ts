/**
 * Reference `matching` (docs/plan-language.md "`matching`: a rate on the downline's earnings, by sponsor
 * level"): "A level commission, exactly as unilevel above, with one difference: the base of a source s is not
 * a volume but e(s) = the sum over the bonuses named in of of s's earnings from them (see "Bonuses that read
 * other bonuses"), in money." The level commission is ../levels.ts; the earnings are the core's
 * (plan-language.md "Bonuses that read other bonuses: earnings and the order of steps").
 */
import { sum } from "../decimal.js";
import type { BonusOfKind, ReferenceFamily } from "../family.js";
import { type LevelSource, levelCommission } from "../levels.js";

export const matching: ReferenceFamily<BonusOfKind<"matching">> = {
  kind: "matching",
  // "The matching bonus runs after every bonus it names."
  reads: (bonus) => bonus.of,
  calculate(bonus, facts) {
    // "Sources: every member s with e(s) ≠ 0 (earnings may be negative ...; such a source is matched as a
    // negative base). There is no unqualifiedVolumePays key: a source's earnings count whether or not the
    // source is qualified (they were earned)." So every source pays ("source-unqualified never occurs").
    const sources: LevelSource[] = [];
    for (const s of facts.members) {
      const e = sum(bonus.of.map((key) => facts.earnings(key, s)));
      if (!e.isZero()) sources.push({ member: s, v: e, pays: true });
    }
    // "compression: none | dynamic (default none)". "A line's base is the sum of the matched earnings of its
    // sources, written like an amount's exact value (no trailing zeros)": read as the parenthesis says, the
    // shortest exact form ("1000", "0.24"), as every base is written. (An exact value in statements.md's
    // table keeps at least money.scale places, "1000.00": the sentence is ambiguous; the fast engine writes
    // "1000".)
    // "With generations, each level of the schedule is a generation instead of a sponsor level" (the walk of
    // "By generation: generations", in ../levels.ts).
    return levelCommission({ schedule: bonus.schedule, compression: bonus.compression, lines: bonus.lines, sources, generationRank: bonus.generations?.rank }, facts);
  },
};
