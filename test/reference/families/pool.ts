/**
 * Reference `pool` (docs/plan-language.md "`pool`: a fund shared among qualifiers"): the fund (a share of the
 * company volume or an amount, plus the carried remainder), rounded down to whole units, shares (one each, by
 * rank or by points), the qualifiers, the per-share value by `shareRounding`, the lines, the remainder
 * (breakage or carried to the next period) and the accounting. The numbered steps below are the section's.
 */
import { D, type Decimal, roundingMode, sum, ZERO } from "../decimal.js";
import type { BonusOfKind, FamilyLine, ReferenceFamily, ReferenceMember } from "../family.js";

/** The opening / closing company field of a pool with `remainder: carry`: "`<key>.carried`". */
const carriedField = (key: string): string => `${key}.carried`;

export const pool: ReferenceFamily<BonusOfKind<"pool">> = {
  kind: "pool",
  // "State: with remainder: carry the plan keeps state, with one company field <key>.carried (kind money)".
  state: (b) => (b.remainder === "carry" ? [{ name: carriedField(b.key), kind: "money", scope: "company" }] : undefined),
  calculate(b, facts) {
    const carry = b.remainder === "carry"; // "breakage (default) | carry"
    const requiresQualified = b.requiresQualified ?? true;
    // "a unit is one unit of the plan's money scale (0.01 at money.scale: 2)".
    const unit = new D(1).dividedBy(new D(10).pow(facts.moneyScale));

    // 1. "Company volume V = the sum of personal(m, of) over every member, whatever their status or
    //    qualification". 2. "Carried in C: with remainder: carry, the opening state's company field
    //    <key>.carried (0 in a first period); with remainder: breakage, 0."
    const C = carry ? (facts.opening(carriedField(b.key)) as Decimal) : ZERO;
    // 3. "Fund potential P = share × V + C (fund: { share, of }) or amount + C (fund: { amount })".
    let P: Decimal;
    if (b.fund.amount !== undefined) P = new D(b.fund.amount).plus(C);
    else {
      const of = b.fund.of as string;
      const V = sum(facts.members.map((m) => facts.personal(m, of)));
      P = new D(b.fund.share as string).times(V).plus(C);
    }
    // 4. "Fund F = P rounded down to a whole number of units (the largest whole amount not above P). The
    //    part below a unit, P − F, is breakage below-unit."
    const F = P.dividedBy(unit).floor().times(unit);

    // 5. "Shares s(m) of each member, a whole number".
    const shares = (m: ReferenceMember): number => {
      const s = b.shares;
      if (s === undefined) return 1; // "shares left out: 1"
      if (s.ranks !== undefined) {
        // "the n of the highest listed rank at or below m's paid-as rank; 0 when m has no paid-as rank or no
        // listed rank is at or below it".
        const paidAs = facts.paidAs(m);
        if (paidAs === null) return 0;
        const held = facts.rankIndex(paidAs);
        let best = -1;
        let n = 0;
        for (const [rank, count] of Object.entries(s.ranks)) {
          const i = facts.rankIndex(rank);
          if (i <= held && i > best) {
            best = i;
            n = count;
          }
        }
        return n;
      }
      // "⌊v ÷ per⌋, with v = personal(m, measure) (on: personal, the default) or group(m, measure) (on:
      // group), and per a volume of at least 1 (default "1")".
      const measure = s.measure as string;
      const v = s.on === "group" ? facts.group(m, measure) : facts.personal(m, measure);
      return v.dividedBy(new D(s.per ?? "1")).floor().toNumber();
    };

    // 6. "Qualifiers: the members with s(m) ≥ 1 who are paid as rank or higher (when rank is given) and are
    //    qualified (when requiresQualified). S = the sum of their shares."
    const qualifiers = facts.members.filter((m) => {
      if (shares(m) < 1) return false;
      if (b.rank !== undefined) {
        const paidAs = facts.paidAs(m);
        if (paidAs === null || facts.rankIndex(paidAs) < facts.rankIndex(b.rank)) return false;
      }
      return !requiresQualified || facts.isQualified(m);
    });
    const S = qualifiers.reduce((n, m) => n + shares(m), 0);

    // 7. "Per-share value v: when S ≥ 1 and F > 0, F ÷ S rounded to a whole number of units by shareRounding
    //    ... Otherwise v = 0 and nothing is distributed."
    const mode = roundingMode(b.shareRounding ?? "down");
    const v = S >= 1 && F.greaterThan(0) ? F.dividedBy(S).toDecimalPlaces(facts.moneyScale, mode) : ZERO;

    // 8. "each qualifier receives one line when v > 0: base = s(m), rate = v, exact value s(m) × v".
    const lines: FamilyLine[] = [];
    if (v.greaterThan(0)) {
      for (const m of qualifiers) {
        const base = new D(shares(m));
        lines.push({ memberId: m.id, base, rate: v, value: base.times(v) });
      }
    }
    // 9. "Remainder R = F − S × v (F itself when nothing is distributed)."
    const paid = v.times(S);
    const R = F.minus(paid);

    // "Accounting: potential = P; paid = S × v; carried = R (with remainder: carry only); breakage:
    // undistributed (R with remainder: breakage, else 0) and below-unit (P − F)."
    return {
      lines,
      accounting: {
        potential: P,
        paid,
        compressedUp: ZERO,
        ...(carry ? { carried: R } : {}),
        breakage: { undistributed: carry ? ZERO : R, "below-unit": P.minus(F) },
      },
      // "remainder: carry: R becomes the closing company field <key>.carried".
      ...(carry ? { closing: { [carriedField(b.key)]: R } } : {}),
    };
  },
};
