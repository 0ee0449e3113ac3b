/**
 * The INDEPENDENT REFERENCE ENGINE: a slow, obviously-correct second implementation of `calculate`, written
 * only from the specification (docs/plan-language.md, docs/statements.md, /work/shared/DOMAIN.md). The fast
 * engine in src/ is compared against it byte for byte on random plans and trees.
 *
 * Style: plain objects per member, recursion with memoisation, decimal.js for every amount, volume and rate
 * (never JS floating point). Each part cites the rule of the specification it implements.
 *
 * The input is assumed valid (validation is the fast engine's job): a measure an order does not mention
 * counts 0, a missing status is "enrolled", and a sponsorId that is null, undefined or "" marks the root.
 */
import { Decimal } from "decimal.js";
import type { MemberInput, OrderInput } from "../../src/input/validate.js";
import type { Plan } from "../../src/plan/parse.js";

/** Every computation uses 80 significant digits, far more than any value in a valid run needs. */
const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_EVEN });
const ZERO = new D(0);

// ---------------------------------------------------------------------------------------------------------
// Output types (docs/statements.md)
// ---------------------------------------------------------------------------------------------------------

/** statements.md "Statement", field `qualification`: each condition checked. */
export type ReferenceQualificationDetail =
  | { condition: "status"; actual: string; required: "enrolled"; met: boolean }
  | { condition: "personal"; measure: string; actual: string; required: string; met: boolean }
  | { condition: "sponsoredActive"; actual: string; required: string; met: boolean };

/** statements.md "Requirement details": one entry of a leg cap's `cappedLegs`. */
export interface ReferenceCappedLeg {
  leg: string;
  volume: string;
  counted: string;
}

/** statements.md "Requirement details". */
export type ReferenceRequirementDetail =
  | { requirement: "qualified"; actual: "yes" | "no"; required: "yes"; met: boolean }
  | { requirement: "personal"; measure: string; actual: string; required: string; met: boolean }
  | {
      requirement: "group";
      measure: string;
      actual: string;
      required: string;
      met: boolean;
      legCap?: { share: string; maxPerLeg: string; uncapped: string; cappedLegs: ReferenceCappedLeg[] };
    }
  | { requirement: "legs"; rank: string; actual: string; required: string; met: boolean }
  | { requirement: "legs"; measure: string; legMinimum: string; actual: string; required: string; met: boolean };

/** statements.md "Statement", field `rank`. */
export interface ReferenceRank {
  paidAs: string | null;
  reference?: string;
  requirements?: ReferenceRequirementDetail[];
  next?: { name: string; reference?: string; requirements: ReferenceRequirementDetail[] };
}

/** statements.md "Line items". */
export interface ReferenceLine {
  bonus: string;
  kind: string;
  level?: number;
  compressed?: boolean;
  sources?: number;
  source?: string;
  base?: string;
  rate?: string;
  value: string;
  amount: string;
  reference?: string;
}

/** statements.md "Statement". */
export interface ReferenceStatement {
  memberId: string;
  sponsorId: string | null;
  status: string;
  qualified: boolean;
  qualification: ReferenceQualificationDetail[];
  rank: ReferenceRank;
  volumes: {
    personal: Record<string, string>;
    group: Record<string, string>;
    personalConsumptionExcluded?: Record<string, string>;
  };
  lines: ReferenceLine[];
  bonuses: Record<string, string>;
  total: string;
}

/** statements.md "Summary", one entry of `bonuses`. */
export interface ReferenceSummaryBonus {
  key: string;
  kind: string;
  amount: string;
  exact: string;
  rounding: string;
  lines: number;
  recipients: number;
  accounting?: {
    potential: string;
    paid: string;
    compressedUp: string;
    breakage: Record<BreakageReason, string>;
  };
}

/** statements.md "Summary". */
export interface ReferenceSummary {
  plan: { id: string; name?: string };
  period: string;
  currency: string;
  members: number;
  qualified: number;
  orders: number;
  volumes: Record<string, string>;
  bonuses: ReferenceSummaryBonus[];
  total: string;
  payoutBasis: string;
  payoutShare: string | null;
  ranks: { rank: string; members: number }[];
  unranked: number;
}

export interface ReferenceInput {
  period: string;
  members: readonly MemberInput[];
  orders: readonly OrderInput[];
}

/** plan-language.md "unilevel": the five reasons a slot is breakage. */
type BreakageReason = "source-unqualified" | "upline-unqualified" | "level-locked" | "rate-below-maximum" | "no-upline";
const BREAKAGE_REASONS: readonly BreakageReason[] = [
  "source-unqualified",
  "upline-unqualified",
  "level-locked",
  "rate-below-maximum",
  "no-upline",
];

// ---------------------------------------------------------------------------------------------------------
// Decimal formatting (statements.md "Canonical form")
// ---------------------------------------------------------------------------------------------------------

/** Never write a negative zero. */
function noNegativeZero(x: Decimal): Decimal {
  return x.isZero() ? ZERO : x;
}

/** "volume, counted volume, leg cap" and "rate, share": the shortest exact form ("100", "0.05", "0"). */
function fmtShort(x: Decimal): string {
  // decimal.js keeps no trailing zeros, and toFixed() without arguments never uses exponent notation.
  return noNegativeZero(x).toFixed();
}

/** "money amount (rounded)": exactly money.scale decimal places. */
function fmtMoney(x: Decimal, scale: number): string {
  return noNegativeZero(x).toFixed(scale);
}

/** "exact value (before rounding)": at least money.scale decimal places, no trailing zeros beyond. */
function fmtExact(x: Decimal, scale: number): string {
  const v = noNegativeZero(x);
  return v.decimalPlaces() <= scale ? v.toFixed(scale) : v.toFixed();
}

/** plan-language.md "Money and rounding": the five modes, mapped to decimal.js. */
function roundingMode(mode: string): Decimal.Rounding {
  switch (mode) {
    case "half-up":
      return Decimal.ROUND_HALF_UP; // ties away from zero
    case "half-even":
      return Decimal.ROUND_HALF_EVEN; // ties to the even digit
    case "half-down":
      return Decimal.ROUND_HALF_DOWN; // ties toward zero
    case "down":
      return Decimal.ROUND_DOWN; // toward zero (truncate)
    case "up":
      return Decimal.ROUND_UP; // away from zero
    default:
      throw new Error(`unknown rounding mode ${mode}`);
  }
}

/** UTF-16 code unit order, JavaScript's default string comparison. */
function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// Internal model
// ---------------------------------------------------------------------------------------------------------

interface Member {
  id: string;
  sponsorId: string | null;
  status: string;
  sponsor: Member | null;
  /** First-level members (personally sponsored), ordered by id. */
  children: Member[];
}

/** A line item before formatting; `value` is its exact value. */
interface RawLine {
  memberId: string;
  bonusIndex: number;
  bonus: string;
  kind: string;
  level?: number;
  compressed?: boolean;
  sources?: number;
  source?: string;
  base?: Decimal;
  rate?: Decimal;
  value: Decimal;
  reference?: string;
}

type RankRequires = Plan["ranks"][number]["requires"];

// ---------------------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------------------

export function referenceCalculate(
  plan: Plan,
  input: ReferenceInput,
): { statements: ReferenceStatement[]; summary: ReferenceSummary } {
  const scale = plan.money.scale;
  const mode = roundingMode(plan.money.rounding.mode);
  const round = (x: Decimal): Decimal => x.toDecimalPlaces(scale, mode);
  const measureNames = Object.keys(plan.measures);
  const ladder = plan.ranks;
  const ladderIndex = (name: string): number => ladder.findIndex((r) => r.name === name);

  // ----- Members and the sponsor tree -----------------------------------------------------------------
  // "Members: id, sponsorId (empty for the one root), status: enrolled (default), suspended or terminated."
  const members = new Map<string, Member>();
  for (const m of input.members) {
    const sponsorId = m.sponsorId === null || m.sponsorId === undefined || m.sponsorId === "" ? null : m.sponsorId;
    members.set(m.id, { id: m.id, sponsorId, status: m.status ?? "enrolled", sponsor: null, children: [] });
  }
  for (const m of members.values()) {
    if (m.sponsorId !== null) {
      const sponsor = members.get(m.sponsorId);
      if (sponsor === undefined) throw new Error(`unknown sponsor ${m.sponsorId}`);
      m.sponsor = sponsor;
      sponsor.children.push(m);
    }
  }
  for (const m of members.values()) m.children.sort((a, b) => byString(a.id, b.id));
  // statements.md: "Members are ordered by memberId (UTF-16 code unit order)."
  const ordered = [...members.values()].sort((a, b) => byString(a.id, b.id));

  // ----- Measures: personal and group volume ---------------------------------------------------------
  // "raw volume by kind: the sum of M over m's orders of each kind." A measure an order does not mention
  // counts 0 for that order. A customer order is attributed to the member it names.
  const raw = new Map<string, Map<string, Map<string, Decimal>>>(); // member -> measure -> kind -> sum
  const rawOf = (memberId: string, measure: string, kind: string): Decimal =>
    raw.get(memberId)?.get(measure)?.get(kind) ?? ZERO;
  for (const o of input.orders) {
    for (const measure of measureNames) {
      const given = o.volumes[measure];
      const v = given === undefined ? ZERO : new D(String(given));
      let byMeasure = raw.get(o.memberId);
      if (byMeasure === undefined) raw.set(o.memberId, (byMeasure = new Map()));
      let byKind = byMeasure.get(measure);
      if (byKind === undefined) byMeasure.set(measure, (byKind = new Map()));
      byKind.set(o.kind, (byKind.get(o.kind) ?? ZERO).plus(v));
    }
  }

  // "personal volume: the sum of the raw volume of the kinds listed in counts, except that personal
  // consumption counts at most personalConsumptionCap (when given): min(raw personal consumption, cap).
  // Kinds not listed count 0."
  const personalMemo = new Map<string, Decimal>();
  const excludedMemo = new Map<string, Decimal>(); // raw personal consumption minus what counted, when > 0
  const personal = (m: Member, measure: string): Decimal => {
    const memoKey = `${m.id}\u0000${measure}`;
    const memo = personalMemo.get(memoKey);
    if (memo !== undefined) return memo;
    const def = plan.measures[measure];
    if (def === undefined) throw new Error(`unknown measure ${measure}`);
    let sum = ZERO;
    for (const kind of new Set(def.counts)) {
      const r = rawOf(m.id, measure, kind);
      if (kind === "personal-consumption" && def.personalConsumptionCap !== undefined) {
        const cap = new D(def.personalConsumptionCap);
        const counted = D.min(r, cap);
        sum = sum.plus(counted);
        // statements.md: personalConsumptionExcluded "present only when a cap excluded something".
        if (r.greaterThan(counted)) excludedMemo.set(memoKey, r.minus(counted));
      } else {
        sum = sum.plus(r);
      }
    }
    personalMemo.set(memoKey, sum);
    return sum;
  };

  // "group volume: personal volume of m plus the personal volume of every member below m in the sponsor
  // tree (the whole downline; no breakaway in v1)."
  const groupMemo = new Map<string, Decimal>();
  const group = (m: Member, measure: string): Decimal => {
    const memoKey = `${m.id}\u0000${measure}`;
    const memo = groupMemo.get(memoKey);
    if (memo !== undefined) return memo;
    let sum = personal(m, measure);
    for (const c of m.children) sum = sum.plus(group(c, measure));
    groupMemo.set(memoKey, sum);
    return sum;
  };

  // ----- Qualification --------------------------------------------------------------------------------
  // "A member is qualified when all of these hold: 1. their status is enrolled; 2. when personal is given:
  // personal(m, measure) ≥ minimum; 3. when sponsoredActive is given: at least that many of m's
  // personally sponsored members (first level) are active: enrolled and meeting the personal minimum
  // (when there is one). Their own sponsoring is not required of them."
  // Absent `qualification`: every enrolled member is qualified.
  const qualificationMemo = new Map<string, { qualified: boolean; details: ReferenceQualificationDetail[] }>();
  const qualification = (m: Member): { qualified: boolean; details: ReferenceQualificationDetail[] } => {
    const memo = qualificationMemo.get(m.id);
    if (memo !== undefined) return memo;
    const details: ReferenceQualificationDetail[] = [];
    // statements.md: conditions "in this order: status (always); personal ...; sponsoredActive ...".
    details.push({ condition: "status", actual: m.status, required: "enrolled", met: m.status === "enrolled" });
    const q = plan.qualification;
    if (q?.personal !== undefined) {
      const actual = personal(m, q.personal.measure);
      const minimum = new D(q.personal.minimum);
      details.push({
        condition: "personal",
        measure: q.personal.measure,
        actual: fmtShort(actual),
        required: fmtShort(minimum),
        met: actual.greaterThanOrEqualTo(minimum),
      });
    }
    if (q?.sponsoredActive !== undefined) {
      const minimum = q.personal === undefined ? undefined : { measure: q.personal.measure, value: new D(q.personal.minimum) };
      const isActive = (c: Member) =>
        c.status === "enrolled" && (minimum === undefined || personal(c, minimum.measure).greaterThanOrEqualTo(minimum.value));
      const count = m.children.filter(isActive).length;
      details.push({
        condition: "sponsoredActive",
        actual: String(count),
        required: String(q.sponsoredActive),
        met: count >= q.sponsoredActive,
      });
    }
    const result = { qualified: details.every((d) => d.met), details };
    qualificationMemo.set(m.id, result);
    return result;
  };
  const isQualified = (m: Member): boolean => qualification(m).qualified;

  // ----- Ranks ----------------------------------------------------------------------------------------
  // "A leg holds rank: c or someone below c has a paid-as rank at or above rank."
  const highestInSubtreeMemo = new Map<string, number>();
  const highestRankInSubtree = (c: Member): number => {
    const memo = highestInSubtreeMemo.get(c.id);
    if (memo !== undefined) return memo;
    let best = paidAsIndex(c);
    for (const g of c.children) best = Math.max(best, highestRankInSubtree(g));
    highestInSubtreeMemo.set(c.id, best);
    return best;
  };

  /**
   * Checks every requirement of one rank for a member, in the statement order `qualified`, `personal`,
   * `group`, then each `legs` requirement in plan order. "Every listed requirement must hold"; "All
   * requirements are listed even after one fails."
   */
  const checkRank = (m: Member, requires: RankRequires): { met: boolean; details: ReferenceRequirementDetail[] } => {
    const details: ReferenceRequirementDetail[] = [];
    // `qualified` (default true): "the member is qualified". Listed only when the rank requires it.
    if (requires.qualified) {
      const q = isQualified(m);
      details.push({ requirement: "qualified", actual: q ? "yes" : "no", required: "yes", met: q });
    }
    // `personal: { measure, minimum }`: personal(m, measure) ≥ minimum.
    if (requires.personal !== undefined) {
      const actual = personal(m, requires.personal.measure);
      const minimum = new D(requires.personal.minimum);
      details.push({
        requirement: "personal",
        measure: requires.personal.measure,
        actual: fmtShort(actual),
        required: fmtShort(minimum),
        met: actual.greaterThanOrEqualTo(minimum),
      });
    }
    if (requires.group !== undefined) {
      const g = requires.group;
      const minimum = new D(g.minimum);
      if (g.legCap === undefined) {
        // `group: { measure, minimum }`: group(m, measure) ≥ minimum.
        const actual = group(m, g.measure);
        details.push({
          requirement: "group",
          measure: g.measure,
          actual: fmtShort(actual),
          required: fmtShort(minimum),
          met: actual.greaterThanOrEqualTo(minimum),
        });
      } else {
        // `group: { measure, minimum, legCap }`: personal(m, measure) + Σ over first-level members c of
        // min(group(c, measure), legCap × minimum) ≥ minimum (exact decimals; own volume counts in full).
        const share = new D(g.legCap);
        const maxPerLeg = share.times(minimum);
        let counted = personal(m, g.measure);
        const cappedLegs: ReferenceCappedLeg[] = [];
        for (const c of m.children) {
          // children are ordered by id: "cappedLegs ... ordered by leg id"
          const legVolume = group(c, g.measure);
          counted = counted.plus(D.min(legVolume, maxPerLeg));
          // "each first-level leg whose leg volume exceeds maxPerLeg"
          if (legVolume.greaterThan(maxPerLeg)) {
            cappedLegs.push({ leg: c.id, volume: fmtShort(legVolume), counted: fmtShort(maxPerLeg) });
          }
        }
        details.push({
          requirement: "group",
          measure: g.measure,
          actual: fmtShort(counted),
          required: fmtShort(minimum),
          met: counted.greaterThanOrEqualTo(minimum),
          legCap: {
            share: fmtShort(share),
            maxPerLeg: fmtShort(maxPerLeg),
            uncapped: fmtShort(group(m, g.measure)),
            cappedLegs,
          },
        });
      }
    }
    for (const leg of requires.legs ?? []) {
      if (leg.rank !== undefined) {
        // `legs: [{ count, rank }]`: at least count first-level members c whose leg holds rank.
        const needed = ladderIndex(leg.rank);
        const actual = m.children.filter((c) => highestRankInSubtree(c) >= needed).length;
        details.push({
          requirement: "legs",
          rank: leg.rank,
          actual: String(actual),
          required: String(leg.count),
          met: actual >= leg.count,
        });
      } else {
        // `legs: [{ count, measure, minimum }]`: at least count first-level members c with
        // group(c, measure) ≥ minimum.
        const measure = leg.measure ?? "";
        const minimum = new D(leg.minimum ?? "0");
        const actual = m.children.filter((c) => group(c, measure).greaterThanOrEqualTo(minimum)).length;
        details.push({
          requirement: "legs",
          measure,
          legMinimum: fmtShort(minimum),
          actual: String(actual),
          required: String(leg.count),
          met: actual >= leg.count,
        });
      }
    }
    return { met: details.every((d) => d.met), details };
  };

  // "The paid-as rank of a member is the highest rank in the ladder whose requirements are all met; a
  // member meeting none has no rank." (-1 = no rank)
  const paidAsMemo = new Map<string, number>();
  const paidAsIndex = (m: Member): number => {
    const memo = paidAsMemo.get(m.id);
    if (memo !== undefined) return memo;
    let index = -1;
    for (let i = ladder.length - 1; i >= 0; i--) {
      const rank = ladder[i];
      if (rank !== undefined && checkRank(m, rank.requires).met) {
        index = i;
        break;
      }
    }
    paidAsMemo.set(m.id, index);
    return index;
  };

  // ----- Bonuses ----------------------------------------------------------------------------------------
  const rawLines: RawLine[] = [];
  const accounting = new Map<
    number,
    { potential: Decimal; paid: Decimal; compressedUp: Decimal; breakage: Record<BreakageReason, Decimal> }
  >();

  plan.bonuses.forEach((bonus, bonusIndex) => {
    // "an optional reference that is carried to each line item it produces"
    const withReference = <T extends object>(line: T): T & { reference?: string } =>
      bonus.reference === undefined ? line : { ...line, reference: bonus.reference };

    if (bonus.kind === "unilevel") {
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
      // "Schedule row of a member: only qualified members have one. It is the row of the highest rank
      // r ≤ the member's paid-as rank among rows that name a rank; if there is none, the base row (no
      // rank), if the plan has one."
      const rowOf = (a: Member): readonly string[] | null => {
        if (!isQualified(a)) return null;
        const paidAs = paidAsIndex(a);
        let best: { index: number; rates: readonly string[] } | null = null;
        for (const row of schedule) {
          if (row.rank === undefined) continue;
          const i = ladderIndex(row.rank);
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

      // "Sources: every member s with personal(s, measure) = v > 0."
      for (const s of ordered) {
        const v = personal(s, bonus.measure);
        if (!v.greaterThan(0)) continue;
        // "Each source has D slots, one per level k = 1..D. The potential of slot k is v × maxRate(k)."
        for (let k = 1; k <= depth; k++) acc.potential = acc.potential.plus(v.times(maxRate(k)));

        // "If s is not qualified and unqualifiedVolumePays is false, all D slots are breakage (reason
        // source-unqualified), whatever the upline."
        if (!isQualified(s) && !bonus.unqualifiedVolumePays) {
          for (let k = 1; k <= depth; k++) addBreakage("source-unqualified", v.times(maxRate(k)));
          continue;
        }

        // "A qualified member a taking level k: if a's row unlocks k, a is paid v × rate_a(k) for this
        // slot; the value is paid when a's distance from s is exactly k and compressed up when it is
        // greater. The slot's remaining v × (maxRate(k) − rate_a(k)) is breakage (rate-below-maximum). If
        // a's row does not unlock k (or a has no row), the whole slot is breakage (level-locked); a still
        // occupies level k."
        const take = (a: Member, k: number, distance: number): void => {
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
          const groupKey = `${a.id}\u0000${k}\u0000${compressed}`;
          let g = groups.get(groupKey);
          if (g === undefined) {
            g = { recipient: a.id, level: k, compressed, rate, base: ZERO, sources: [] };
            groups.set(groupKey, g);
          }
          g.base = g.base.plus(v);
          g.sources.push(s.id);
        };

        // "Otherwise walk up from s's sponsor, assigning levels k = 1, 2, …"
        let k = 1;
        let distance = 1;
        for (let a = s.sponsor; a !== null && k <= depth; a = a.sponsor, distance++) {
          if (bonus.compression === "none") {
            // "each upline member at distance d takes level k = d. If that member is not qualified, slot k
            // is breakage (upline-unqualified)."
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

      // "Conservation: for the bonus, paid + compressedUp + breakage = potential exactly".
      const breakageSum = BREAKAGE_REASONS.reduce((sum, r) => sum.plus(acc.breakage[r]), ZERO);
      if (!acc.paid.plus(acc.compressedUp).plus(breakageSum).equals(acc.potential)) {
        throw new Error(`reference engine: conservation fails for bonus ${bonus.key}`);
      }
      accounting.set(bonusIndex, acc);

      for (const g of groups.values()) {
        // "base = the sum of v over those slots, rate = rate_a(k), sources = number of source members,
        // source = the source's id when there is exactly one, level = k, compressed = true/false. Its exact
        // value is base × rate."
        const line: RawLine = withReference({
          memberId: g.recipient,
          bonusIndex,
          bonus: bonus.key,
          kind: bonus.kind,
          level: g.level,
          compressed: g.compressed,
          sources: g.sources.length,
          base: g.base,
          rate: g.rate,
          value: g.base.times(g.rate),
        });
        if (g.sources.length === 1 && g.sources[0] !== undefined) line.source = g.sources[0];
        rawLines.push(line);
      }
    } else if (bonus.kind === "rank-bonus") {
      // "A member whose paid-as rank is listed receives that amount (one line, no base or rate); a rank not
      // listed pays nothing. With requiresQualified, unqualified members receive nothing."
      for (const m of ordered) {
        const index = paidAsIndex(m);
        if (index < 0) continue;
        const rankName = ladder[index]?.name;
        if (rankName === undefined) continue;
        const amount = bonus.amounts[rankName];
        if (amount === undefined) continue;
        if (bonus.requiresQualified && !isQualified(m)) continue;
        rawLines.push(
          withReference({ memberId: m.id, bonusIndex, bonus: bonus.key, kind: bonus.kind, value: new D(amount) }),
        );
      }
    } else if (bonus.kind === "retail-profit") {
      // "Each member with personal(m, measure) = v > 0 (and qualified, when requiresQualified) receives one
      // line: base = v, rate, exact value v × rate."
      const rate = new D(bonus.rate);
      for (const m of ordered) {
        const v = personal(m, bonus.measure);
        if (!v.greaterThan(0)) continue;
        if (bonus.requiresQualified && !isQualified(m)) continue;
        rawLines.push(
          withReference({
            memberId: m.id,
            bonusIndex,
            bonus: bonus.key,
            kind: bonus.kind,
            base: v,
            rate,
            value: v.times(rate),
          }),
        );
      }
    } else {
      throw new Error(`reference engine: unknown bonus kind ${(bonus as { kind: string }).kind}`);
    }
  });

  // ----- Money and rounding -------------------------------------------------------------------------------
  // "applies: line (default): each line item's amount is its exact value rounded; a member's bonus subtotal
  // is the sum of its lines' amounts. applies: bonus: line items show exact values; each member's subtotal
  // per bonus is the exact sum rounded. A member's statement total is the sum of their bonus subtotals."
  const applies = plan.money.rounding.applies;
  const lineAmount = (l: RawLine): Decimal => (applies === "line" ? round(l.value) : l.value);
  const fmtLineAmount = (l: RawLine): string =>
    applies === "line" ? fmtMoney(lineAmount(l), scale) : fmtExact(l.value, scale);

  /** subtotal of one member for one bonus, from that member's lines of that bonus (at least one). */
  const subtotal = (lines: readonly RawLine[]): Decimal => {
    if (applies === "line") return lines.reduce((sum, l) => sum.plus(round(l.value)), ZERO);
    return round(lines.reduce((sum, l) => sum.plus(l.value), ZERO));
  };

  // statements.md: lines "ordered by the bonus's position in the plan, then level (lines without a level
  // first), then compressed false before true".
  const lineOrder = (a: RawLine, b: RawLine): number => {
    if (a.bonusIndex !== b.bonusIndex) return a.bonusIndex - b.bonusIndex;
    const la = a.level ?? -Infinity;
    const lb = b.level ?? -Infinity;
    if (la !== lb) return la < lb ? -1 : 1;
    const ca = a.compressed === true ? 1 : 0;
    const cb = b.compressed === true ? 1 : 0;
    return ca - cb;
  };

  const formatLine = (l: RawLine): ReferenceLine => {
    const out: ReferenceLine = { bonus: l.bonus, kind: l.kind, value: fmtExact(l.value, scale), amount: fmtLineAmount(l) };
    if (l.level !== undefined) out.level = l.level;
    if (l.compressed !== undefined) out.compressed = l.compressed;
    if (l.sources !== undefined) out.sources = l.sources;
    if (l.source !== undefined) out.source = l.source;
    if (l.base !== undefined) out.base = fmtShort(l.base);
    if (l.rate !== undefined) out.rate = fmtShort(l.rate);
    if (l.reference !== undefined) out.reference = l.reference;
    return out;
  };

  // Per-bonus totals for the summary.
  const bonusAmount = plan.bonuses.map(() => ZERO); // "amount = sum of members' subtotals"
  const bonusExact = plan.bonuses.map(() => ZERO); // "exact = sum of the exact values of its lines"
  const bonusLines = plan.bonuses.map(() => 0);
  const bonusRecipients = plan.bonuses.map(() => 0);

  // ----- Statements -----------------------------------------------------------------------------------------
  const statements: ReferenceStatement[] = ordered.map((m) => {
    const q = qualification(m);

    // statements.md "rank": paidAs; requirements only when paidAs is not null; next only when a rank above
    // paidAs exists (the lowest rank when paidAs is null).
    const paidAs = paidAsIndex(m);
    const rank: ReferenceRank = { paidAs: paidAs < 0 ? null : (ladder[paidAs]?.name ?? null) };
    const paidRank = ladder[paidAs];
    if (paidAs >= 0 && paidRank !== undefined) {
      rank.requirements = checkRank(m, paidRank.requires).details;
      // statements.md: rank.reference is the paid-as rank's plan clause, when it has one.
      if (paidRank.reference !== undefined) rank.reference = paidRank.reference;
    }
    const nextRank = ladder[paidAs + 1];
    if (nextRank !== undefined) {
      rank.next = { name: nextRank.name, requirements: checkRank(m, nextRank.requires).details };
      if (nextRank.reference !== undefined) rank.next.reference = nextRank.reference;
    }

    // statements.md "volumes": every measure, personal and group; personalConsumptionExcluded only when a
    // cap excluded something.
    const personalOut: Record<string, string> = {};
    const groupOut: Record<string, string> = {};
    const excludedOut: Record<string, string> = {};
    for (const measure of measureNames) {
      personalOut[measure] = fmtShort(personal(m, measure));
      groupOut[measure] = fmtShort(group(m, measure));
      const excluded = excludedMemo.get(`${m.id}\u0000${measure}`);
      if (excluded !== undefined) excludedOut[measure] = fmtShort(excluded);
    }
    const volumes: ReferenceStatement["volumes"] = { personal: personalOut, group: groupOut };
    if (Object.keys(excludedOut).length > 0) volumes.personalConsumptionExcluded = excludedOut;

    // Lines, subtotals per bonus (keys with at least one line), total.
    // plan-language.md: "No line item is ever produced with an exact value of zero."
    const mine = rawLines.filter((l) => l.memberId === m.id && !l.value.isZero()).sort(lineOrder);
    const bonuses: Record<string, string> = {};
    let total = ZERO;
    plan.bonuses.forEach((bonus, bonusIndex) => {
      const ofBonus = mine.filter((l) => l.bonusIndex === bonusIndex);
      if (ofBonus.length === 0) return;
      const sub = subtotal(ofBonus);
      bonuses[bonus.key] = fmtMoney(sub, scale);
      total = total.plus(sub);
      bonusAmount[bonusIndex] = (bonusAmount[bonusIndex] ?? ZERO).plus(sub);
      bonusExact[bonusIndex] = ofBonus.reduce((sum, l) => sum.plus(l.value), bonusExact[bonusIndex] ?? ZERO);
      bonusLines[bonusIndex] = (bonusLines[bonusIndex] ?? 0) + ofBonus.length;
      bonusRecipients[bonusIndex] = (bonusRecipients[bonusIndex] ?? 0) + 1;
    });

    return {
      memberId: m.id,
      sponsorId: m.sponsorId,
      status: m.status,
      qualified: q.qualified,
      qualification: q.details,
      rank,
      volumes,
      lines: mine.map(formatLine),
      bonuses,
      total: fmtMoney(total, scale),
    };
  });

  // ----- Summary ------------------------------------------------------------------------------------------
  // "volumes: per measure, the sum of every member's personal volume"
  const volumeTotals: Record<string, Decimal> = {};
  for (const measure of measureNames) {
    volumeTotals[measure] = ordered.reduce((sum, m) => sum.plus(personal(m, measure)), ZERO);
  }

  const summaryBonuses: ReferenceSummaryBonus[] = plan.bonuses.map((bonus, i) => {
    const amount = bonusAmount[i] ?? ZERO;
    const exact = bonusExact[i] ?? ZERO;
    const entry: ReferenceSummaryBonus = {
      key: bonus.key,
      kind: bonus.kind,
      amount: fmtMoney(amount, scale),
      exact: fmtExact(exact, scale),
      // "rounding = amount − exact" (may be negative; never "-0.00")
      rounding: fmtExact(amount.minus(exact), scale),
      lines: bonusLines[i] ?? 0,
      recipients: bonusRecipients[i] ?? 0,
    };
    const acc = accounting.get(i);
    if (acc !== undefined) {
      // "accounting: level bonuses only, exact values ... (every reason listed, zero or not)"
      entry.accounting = {
        potential: fmtExact(acc.potential, scale),
        paid: fmtExact(acc.paid, scale),
        compressedUp: fmtExact(acc.compressedUp, scale),
        breakage: Object.fromEntries(BREAKAGE_REASONS.map((r) => [r, fmtExact(acc.breakage[r], scale)])) as Record<
          BreakageReason,
          string
        >,
      };
    }
    return entry;
  });

  // "total: sum of bonus amounts = sum of statement totals"
  const total = bonusAmount.reduce((sum, a) => sum.plus(a), ZERO);

  // "payoutShare: total ÷ volumes[payoutBasis], 6 decimal places, half-even; null when that volume is 0".
  const basis = volumeTotals[plan.payoutBasis] ?? ZERO;
  const payoutShare = basis.isZero()
    ? null
    : total.dividedBy(basis).toFixed(6, Decimal.ROUND_HALF_EVEN);

  // "ranks: one entry per rank of the ladder, in ladder order, with the number of members paid as it;
  // unranked counts the rest"
  const ranks = ladder.map((r, i) => ({ rank: r.name, members: ordered.filter((m) => paidAsIndex(m) === i).length }));
  const unranked = ordered.filter((m) => paidAsIndex(m) < 0).length;

  const summary: ReferenceSummary = {
    plan: plan.name === undefined ? { id: plan.id } : { id: plan.id, name: plan.name },
    period: input.period,
    currency: plan.currency,
    members: ordered.length,
    qualified: ordered.filter((m) => isQualified(m)).length,
    orders: input.orders.length,
    volumes: Object.fromEntries(measureNames.map((measure) => [measure, fmtShort(volumeTotals[measure] ?? ZERO)])),
    bonuses: summaryBonuses,
    total: fmtMoney(total, scale),
    payoutBasis: plan.payoutBasis,
    payoutShare,
    ranks,
    unranked,
  };

  return { statements, summary };
}
