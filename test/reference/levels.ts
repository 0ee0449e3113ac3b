/**
 * The level commission of the reference engine, as docs/plan-language.md "`unilevel`: level commissions"
 * defines it: schedule rows, depth, maximum rates, slots and their potential, the walk up the sponsor tree
 * with or without compression, paid / compressed up / breakage by reason, and line items. `unilevel` runs it
 * on volumes; `matching` ("A level commission, exactly as unilevel above, with one difference: the base of a
 * source s is not a volume but e(s)") runs it on earnings. Every quoted rule is from the unilevel section.
 */
import { D, type Decimal, ZERO } from "./decimal.js";
import type { FamilyLine, FamilyResult, ReferenceFacts, ReferenceMember } from "./family.js";

/** The five reasons a slot is breakage. */
const BREAKAGE_REASONS = ["source-unqualified", "upline-unqualified", "level-locked", "rate-below-maximum", "no-upline"] as const;
type BreakageReason = (typeof BREAKAGE_REASONS)[number];

/** One schedule row of a level bonus: for a rank, or the base row (no `rank`). */
export interface LevelRow {
  readonly rank?: string | undefined;
  readonly rates: readonly string[];
}

/** A source of a level bonus: its member, the base `v` of each of its slots, and whether its slots can pay. */
export interface LevelSource {
  readonly member: ReferenceMember;
  readonly v: Decimal;
  /** false: "all D slots are breakage (reason source-unqualified), whatever the upline". */
  readonly pays: boolean;
}

/** A level bonus's rows, compression and sources. */
export interface LevelCommission {
  readonly schedule: readonly LevelRow[];
  readonly compression: "none" | "dynamic";
  /** `lines`: "per-level" (absent) or "per-source". */
  readonly lines?: "per-level" | "per-source" | undefined;
  readonly sources: readonly LevelSource[];
  /**
   * "walk up from s's parent in the bonus's tree": a member's parent in that tree (`null` above the root);
   * the sponsor when left out.
   */
  readonly parentOf?: (m: ReferenceMember) => ReferenceMember | null;
  /** matching's `generations.rank` (plan-language.md "By generation: generations"); absent: sponsor levels. */
  readonly generationRank?: string | undefined;
}

export function levelCommission(bonus: LevelCommission, facts: ReferenceFacts): FamilyResult {
  const { isQualified } = facts;
  const schedule = bonus.schedule;
  // "Depth D of the bonus: the longest row."
  const depth = Math.max(...schedule.map((row) => row.rates.length));
  // "Maximum rate of level k: the largest rates[k-1] of any row (rows too short count 0)."
  const maxRate = (k: number): Decimal => {
    let best = ZERO;
    for (const row of schedule) {
      const r = row.rates[k - 1];
      if (r !== undefined) best = D.max(best, new D(r));
    }
    return best;
  };
  // "Schedule row of a member: only qualified members have one. It is the row of the highest rank r ≤ the
  // member's paid-as rank among rows that name a rank; if there is none, the base row (no rank), if the
  // plan has one."
  const rowOf = (a: ReferenceMember): readonly string[] | null => {
    if (!isQualified(a)) return null;
    const paidAsName = facts.paidAs(a);
    const paidAs = paidAsName === null ? -1 : facts.rankIndex(paidAsName);
    let best: { index: number; rates: readonly string[] } | null = null;
    for (const row of schedule) {
      if (row.rank === undefined) continue;
      const i = facts.rankIndex(row.rank);
      if (i >= 0 && i <= paidAs && (best === null || i > best.index)) best = { index: i, rates: row.rates };
    }
    if (best !== null) return best.rates;
    const base = schedule.find((row) => row.rank === undefined);
    return base === undefined ? null : base.rates;
  };

  const acc = {
    potential: ZERO,
    paid: ZERO,
    compressedUp: ZERO,
    breakage: Object.fromEntries(BREAKAGE_REASONS.map((r) => [r, ZERO])) as Record<BreakageReason, Decimal>,
  };
  const addBreakage = (reason: BreakageReason, x: Decimal): void => {
    acc.breakage[reason] = acc.breakage[reason].plus(x);
  };
  // "Line items: one per recipient a, level k and kind (paid at own level, or compressed up)".
  const groups = new Map<
    string,
    { recipient: string; level: number; compressed: boolean; rate: Decimal; base: Decimal; sources: string[] }
  >();

  for (const { member: s, v, pays } of bonus.sources) {
    // "Each source has D slots, one per level k = 1..D. The potential of slot k is v × maxRate(k)."
    for (let k = 1; k <= depth; k++) acc.potential = acc.potential.plus(v.times(maxRate(k)));

    // "If s is not qualified and unqualifiedVolumePays is false, all D slots are breakage (reason
    // source-unqualified), whatever the upline."
    if (!pays) {
      for (let k = 1; k <= depth; k++) addBreakage("source-unqualified", v.times(maxRate(k)));
      continue;
    }

    // "A qualified member a taking level k: if a's row unlocks k, a is paid v × rate_a(k) for this slot;
    // the value is paid when a's distance from s is exactly k and compressed up when it is greater. The
    // slot's remaining v × (maxRate(k) − rate_a(k)) is breakage (rate-below-maximum). If a's row does not
    // unlock k (or a has no row), the whole slot is breakage (level-locked); a still occupies level k."
    const take = (a: ReferenceMember, k: number, distance: number): void => {
      const row = rowOf(a);
      const rateText = row === null ? undefined : row[k - 1];
      if (rateText === undefined) {
        addBreakage("level-locked", v.times(maxRate(k)));
        return;
      }
      const rate = new D(rateText);
      const value = v.times(rate);
      const compressed = distance > k;
      if (compressed) acc.compressedUp = acc.compressedUp.plus(value);
      else acc.paid = acc.paid.plus(value);
      addBreakage("rate-below-maximum", v.times(maxRate(k).minus(rate)));
      // "`lines: per-source`: one line per recipient, level, kind and source member (base = v, sources = 1,
      // source = s)".
      const perSource = bonus.lines === "per-source" ? `\u0000${s.id}` : "";
      const groupKey = `${a.id}\u0000${k}\u0000${compressed}${perSource}`;
      let g = groups.get(groupKey);
      if (g === undefined) {
        g = { recipient: a.id, level: k, compressed, rate, base: ZERO, sources: [] };
        groups.set(groupKey, g);
      }
      g.base = g.base.plus(v);
      g.sources.push(s.id);
    };

    if (bonus.generationRank !== undefined) {
      walkGenerations(s, v, bonus.generationRank, take);
      continue;
    }
    // "Otherwise walk up from s's parent in the bonus's tree (its sponsor, unless tree: placement),
    // assigning levels k = 1, 2, …"
    const parentOf = bonus.parentOf ?? ((m: ReferenceMember) => m.sponsor);
    let k = 1;
    let distance = 1;
    for (let a = parentOf(s); a !== null && k <= depth; a = parentOf(a), distance++) {
      if (bonus.compression === "none") {
        // "each upline member at distance d takes level k = d. If that member is not qualified, slot k is
        // breakage (upline-unqualified)."
        if (isQualified(a)) take(a, k, distance);
        else addBreakage("upline-unqualified", v.times(maxRate(k)));
        k++;
      } else {
        // "unqualified upline members are skipped and take no level; the next qualified member takes
        // level k. A qualified member always takes the next level."
        if (isQualified(a)) {
          take(a, k, distance);
          k++;
        }
      }
    }
    // "Slots left when the walk passes the root are breakage (no-upline)."
    for (; k <= depth; k++) addBreakage("no-upline", v.times(maxRate(k)));
  }

  // matching by generation (plan-language.md "By generation: generations").
  function walkGenerations(s: ReferenceMember, v: Decimal, rankName: string, take: (a: ReferenceMember, k: number, generation: number) => void): void {
    // "A member holds the generation rank R when their paid-as rank is R or higher in the ladder
    // (qualified or not)".
    const holds = (m: ReferenceMember): boolean => {
      const p = facts.paidAs(m);
      return p !== null && facts.rankIndex(p) >= facts.rankIndex(rankName);
    };
    // "Walk up from s's sponsor, passing over every member who does not hold R, assigning generations
    // k = 1, 2, …"
    let k = 1;
    // "the generation of a holder u for source s is 1 + the number of holders strictly between s and u"
    let holdersBetween = 0;
    for (let u = s.sponsor; u !== null && k <= depth; u = u.sponsor) {
      if (!holds(u)) continue; // "passed through: they take no generation, end none and are never paid"
      const generation = holdersBetween + 1;
      holdersBetween++;
      if (bonus.compression === "none") {
        // "each holder u takes generation k = u's generation for s. If u is not qualified, slot k is
        // breakage (upline-unqualified): the unqualified holder still ends the generation."
        k = generation;
        if (k > depth) break;
        if (isQualified(u)) take(u, k, generation);
        else addBreakage("upline-unqualified", v.times(maxRate(k)));
        k++;
      } else if (isQualified(u)) {
        // "unqualified holders are skipped too and take no generation; the next qualified holder takes
        // generation k. A qualified holder always takes the next generation." take: "paid when it equals k
        // and compressed up when it is greater".
        take(u, k, generation);
        k++;
      }
    }
    // "Generations left when the walk passes the root (no holder above) are breakage (no-upline)."
    for (; k <= depth; k++) addBreakage("no-upline", v.times(maxRate(k)));
  }

  const lines = [...groups.values()].map((g): FamilyLine => {
    // "base = the sum of v over those slots, rate = rate_a(k), sources = number of source members, source =
    // the source's id when there is exactly one, level = k, compressed = true/false. Its exact value is
    // base × rate." ("A slot paid at a rate of 0 ... produces no line": the core drops zero values.)
    const fields: Record<string, number | boolean | string> = { level: g.level, compressed: g.compressed, sources: g.sources.length };
    if (g.sources.length === 1 && g.sources[0] !== undefined) fields.source = g.sources[0];
    return { memberId: g.recipient, fields, base: g.base, rate: g.rate, value: g.base.times(g.rate) };
  });
  // "Conservation: for the bonus, paid + compressedUp + breakage = potential exactly" (checked by the core).
  return { lines, accounting: acc };
}
