/**
 * Reference `contest` (docs/plan-language.md "`contest`: points over a window of periods, tiers and awards"):
 * the window and where the run's period stands in it, the period's points and the points so far (state
 * `<key>.points`), tiers, awards (money lines and non-money awards), the published columns and the
 * accounting. Every quoted rule is from that section.
 *
 * Periods are turned into their first and last day (day numbers) by ../dates.ts.
 */
import { D, type Decimal, sum, ZERO } from "../decimal.js";
import { periodDays } from "../dates.js";
import type { BonusOfKind, FamilyLine, ReferenceFamily, ReferenceMember } from "../family.js";

/** The entry as the section writes it. */
interface ContestEntry {
  readonly window: { readonly from: string; readonly to: string };
  readonly points: readonly { readonly measure: string; readonly on?: "personal" | "group" | undefined; readonly weight?: string | undefined }[];
  readonly requiresQualified?: boolean | undefined;
  readonly tiers: readonly { readonly name: string; readonly points: string; readonly award?: { readonly amount?: string | undefined; readonly name?: string | undefined } | undefined }[];
}

/** Where the run's period stands: before, in (first and/or final) or after the window. */
export function standing(period: string, window: { from: string; to: string }): { in: boolean; first: boolean; final: boolean } {
  // "the window runs from the first day of from to the last day of to".
  const start = periodDays(window.from).first;
  const end = periodDays(window.to).last;
  const p = periodDays(period);
  // "P is before the window when it ends before the window's first day, and after it when it starts after
  // the window's last day; otherwise P is in the window"; "first period when it is in the window and starts
  // on or before its first day, and its final period when it is in the window and ends on or after its last day".
  const inWindow = !(p.last < start) && !(p.first > end);
  return { in: inWindow, first: inWindow && p.first <= start, final: inWindow && p.last >= end };
}

/** "Points are counted up to 900,719,925,474.0991 (the most a state keeps) and no further". */
const MOST_POINTS = new D("900719925474.0991");

export const contest: ReferenceFamily<BonusOfKind<"contest">> = {
  kind: "contest",
  // "The entry keeps one state field per member, <key>.points (a volume)".
  state: (entry) => [{ name: `${entry.key}.points`, kind: "volume" }],
  calculate(entry, facts) {
    const b: ContestEntry = entry;
    const where = standing(facts.period, b.window);
    const requiresQualified = b.requiresQualified ?? true;

    // "x(m) = Σ weight × v(m) over the entries of points, where v(m) is personal(m, measure) (on: personal,
    // the default) or group(m, measure) (on: group), the exact sum rounded down to 4 decimal places".
    const x = (m: ReferenceMember): Decimal =>
      sum(b.points.map((e) => new D(e.weight ?? "1").times((e.on ?? "personal") === "group" ? facts.group(m, e.measure) : facts.personal(m, e.measure)))).toDecimalPlaces(4, D.ROUND_DOWN);
    // "P(m): in the window's first period: x(m); in a later period of the window: the opening state's
    // <key>.points (0 ...) plus x(m); before or after the window: 0." Counted up to MOST_POINTS.
    const points = (m: ReferenceMember): Decimal => {
      if (!where.in) return ZERO;
      const so = where.first ? x(m) : (facts.opening(`${entry.key}.points`, m) as Decimal).plus(x(m));
      return D.min(so, MOST_POINTS);
    };
    // "m's tier is the highest tier reached (none when P(m) is below the first threshold)" (numbered from 1; 0 none).
    const tier = (m: ReferenceMember): number => {
      let t = 0;
      b.tiers.forEach((tr, i) => {
        if (points(m).greaterThanOrEqualTo(new D(tr.points))) t = i + 1;
      });
      return t;
    };

    const lines: FamilyLine[] = [];
    const awards: { memberId: string; award: string }[] = [];
    let potential = ZERO;
    let paid = ZERO;
    // "Awards are given in the window's final period only, to each member with a tier who is qualified that
    // period (when requiresQualified ...; with requiresQualified: false, to every member with a tier): the
    // award of the member's tier, and only of that tier".
    if (where.final) {
      for (const m of facts.members) {
        const t = tier(m);
        if (t === 0) continue;
        const award = b.tiers[t - 1]?.award;
        const gets = !requiresQualified || facts.isQualified(m);
        if (award?.amount !== undefined) {
          // "potential = the sum of the award amounts of every member with a tier in the final period (whose
          // tier has an amount), qualified or not; paid = those paid".
          const amount = new D(award.amount);
          potential = potential.plus(amount);
          if (gets) {
            paid = paid.plus(amount);
            lines.push({ memberId: m.id, value: amount });
          }
        }
        if (award?.name !== undefined && gets) awards.push({ memberId: m.id, award: award.name });
      }
    }
    return {
      lines,
      awards,
      accounting: { potential, paid, compressedUp: ZERO, breakage: { "member-unqualified": potential.minus(paid) } },
      // "<key>.points (volume: P(m)) and <key>.tier (count: the tier number, 0 for none)".
      columns: { points: { kind: "volume", of: points }, tier: { kind: "count", of: (m) => new D(tier(m)) } },
      // "its closing value is P(m) in a period of the window other than the final one, and 0 otherwise".
      closing: { [`${entry.key}.points`]: (m: ReferenceMember) => (where.in && !where.final ? points(m) : ZERO) },
    };
  },
};
