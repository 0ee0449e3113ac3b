/**
 * The comparison of two runs over the same members and orders: totals, payout share, per bonus, per rank,
 * breakage and compression, the members whose pay or rank changed, and the distribution of pay. Every
 * amount is exact: members' totals are integers in money units, sums are exact, and every decimal in the
 * result is a string (docs/what-if.md describes each field).
 *
 * Percentiles use the nearest-rank method: the p-th percentile of N values sorted ascending is the value at
 * 1-based position ceil(p × N / 100). It is always one member's actual pay, never an interpolation.
 */
import { sameTexts } from "../input/text-list.js";
import { textOrder } from "../input/text-order.js";
import { assert } from "../errors/issues.js";
import { decimalToUnits, subtractDecimals, sumDecimals } from "../money/arith.js";
import { ExactSum, formatFixed, pow10 } from "../money/decimal.js";
import type { RunResult } from "../run/result.js";
import { fingerprintPlan } from "../audit/fingerprint.js";
import { ENGINE_VERSION } from "../audit/version.js";
import type { AppliedChanges } from "./applied.js";
import { type MemberColumns, memberColumns } from "./columns.js";

/** A value before the change, after it, and `after − before`. */
export interface Compared<T> {
  readonly before: T;
  readonly after: T;
  readonly change: T;
}

/** One side of a comparison: which plan ran. */
export interface DiffSide {
  /** The plan's id, name, and fingerprint (SHA-256 of its canonical form, as in a run bundle). */
  readonly plan: { readonly id: string; readonly name?: string; readonly fingerprint: string };
  /** The measure the payout share is a share of. */
  readonly payoutBasis: string;
}

/** Amount paid by one bonus before and after. A bonus only one plan has counts zero in the other. */
export interface BonusDiff {
  readonly key: string;
  /** The bonus family (of the changed plan when both have the key). */
  readonly kind: string;
  /** `both`, or `added` / `removed` when only the changed / only the base plan has it. */
  readonly status: "both" | "added" | "removed";
  readonly before: string;
  readonly after: string;
  readonly change: string;
}

/** Members paid as one rank, and what they were paid in all, before and after. */
export interface RankDiff {
  /** The rank's name; `null` for members with no paid-as rank. */
  readonly rank: string | null;
  readonly members: Compared<number>;
  readonly pay: Compared<string>;
}

/**
 * What level bonuses did with their potential, summed over every bonus that keeps an account (exact
 * values): `potential = paid + compressedUp + withheld + carried + breakage`.
 */
export interface AccountingDiff {
  readonly potential: Compared<string>;
  readonly paid: Compared<string>;
  readonly compressedUp: Compared<string>;
  /** Of differential bonuses (stairstep): the potential that members below the recipients took at their own rates. */
  readonly withheld: Compared<string>;
  /** Of pools that carry their remainder: the part carried to the next period's fund (present when either run has one). */
  readonly carried?: Compared<string>;
  readonly breakage: Compared<string>;
  /** Breakage by reason; every reason either run reports is listed. */
  readonly breakageByReason: Readonly<Record<string, Compared<string>>>;
}

/** How many members gained, lost, or changed rank, and the sums gained and lost. */
export interface MoverCounts {
  /** Members whose pay or paid-as rank changed. */
  readonly changed: number;
  /** Members paid more. */
  readonly gainers: number;
  /** Members paid less. */
  readonly losers: number;
  /** Members paid the same (their rank may still have changed). */
  readonly payUnchanged: number;
  /** Members whose paid-as rank changed. */
  readonly rankChanged: number;
  /** Members paid as a higher rank; ranks of both plans are placed on one merged ladder. */
  readonly rankUp: number;
  /** Members paid as a lower rank. */
  readonly rankDown: number;
  /** Sum of every increase (≥ 0). */
  readonly gained: string;
  /** Sum of every decrease (≤ 0); `gained + lost` is the change of the total. */
  readonly lost: string;
}

/** One member whose pay or paid-as rank changed. */
export interface MemberChange {
  readonly memberId: string;
  readonly before: string;
  readonly after: string;
  readonly change: string;
  readonly rankBefore: string | null;
  readonly rankAfter: string | null;
}

/** One percentile of members' pay, before and after; `null` where there is no one to measure. */
export interface PercentileDiff {
  readonly percentile: number;
  readonly before: string | null;
  readonly after: string | null;
  readonly change: string | null;
}

/** The distribution of members' pay (statement totals), before and after. */
export interface PayDistribution {
  /** Always `nearest-rank`: the value at 1-based position ceil(p × N / 100) of the sorted totals. */
  readonly method: "nearest-rank";
  /** Percentiles over every member, including those paid nothing. */
  readonly members: readonly PercentileDiff[];
  /** Percentiles over the members paid more than zero in that run. */
  readonly payees: readonly PercentileDiff[];
  /** Number of members paid more than zero. */
  readonly payeeCount: Compared<number>;
}

/** One input file of a comparison: its row count and fingerprint (the same as a run bundle records). */
export interface DiffInput {
  readonly count: number;
  /** SHA-256 of the canonical rows: `sha256:` and 64 hex digits. */
  readonly fingerprint: string;
}

/**
 * The comparison of two runs of the same period's members and orders under two plans. Serialise it with
 * {@link canonicalJson}; docs/what-if.md describes every field.
 */
export interface RunDiff {
  /** Version of this format. */
  readonly compplanDiff: 1;
  /** The engine that computed both runs. */
  readonly engine: { readonly name: "compplan"; readonly version: string };
  readonly period: string;
  readonly currency: string;
  /** Decimal places of every amount in the diff: the larger money scale of the two plans. */
  readonly scale: number;
  /** The change set's description, when the comparison applied one that has it. */
  readonly description?: string;
  /**
   * What was changed: the change set's operations, or the differences between two plans. Present in
   * every diff made by `simulate` and `compplan diff`.
   */
  readonly applied?: AppliedChanges;
  /**
   * The fingerprints of the members and orders both runs read. Present in every diff made by `simulate`
   * and `compplan diff`.
   */
  readonly inputs?: { readonly members: DiffInput; readonly orders: DiffInput };
  readonly before: DiffSide;
  readonly after: DiffSide;
  /** Number of members compared (all members of the input). */
  readonly members: number;
  readonly qualified: Compared<number>;
  /** Total paid. */
  readonly total: Compared<string>;
  /** Total paid ÷ total payout-basis volume, 6 decimal places; `null` when that volume is 0. */
  readonly payoutShare: Compared<string | null>;
  /** Per bonus: the base plan's bonuses in order, then bonuses only the changed plan has. */
  readonly bonuses: readonly BonusDiff[];
  /** Per rank of the merged ladder (lowest first), then members with no rank. */
  readonly ranks: readonly RankDiff[];
  readonly accounting: AccountingDiff;
  readonly movers: MoverCounts;
  /** The members whose pay or rank changed, largest change first (then by member id); at most `limit`. */
  readonly changes: readonly MemberChange[];
  /** The largest increases, largest first; at most `limit`. */
  readonly largestGains: readonly MemberChange[];
  /** The largest decreases, largest first; at most `limit`. */
  readonly largestLosses: readonly MemberChange[];
  readonly distribution: PayDistribution;
}

/** Options of a comparison. */
export interface DiffOptions {
  /** Most members listed in `changes`, `largestGains` and `largestLosses` (default 50; counts cover everyone). */
  readonly limit?: number;
  /** Shown in the diff as `description`. */
  readonly description?: string;
  /** Shown in the diff as `applied`. */
  readonly applied?: AppliedChanges;
  /** Shown in the diff as `inputs`. */
  readonly inputs?: { readonly members: DiffInput; readonly orders: DiffInput };
}

/** The percentiles reported, in order. 100 is the highest pay. */
export const PERCENTILES: readonly number[] = [10, 25, 50, 75, 90, 95, 99, 100];
const LIMIT_DEFAULT = 50;

/**
 * @internal Compares two runs over the same prepared input (the same genealogy: member index i is the
 * same member in both). Plans must pay in the same currency (checked by the caller).
 */
export function diffRuns(before: RunResult, after: RunResult, options: DiffOptions = {}): RunDiff {
  const ga = before.internals.genealogy;
  const gb = after.internals.genealogy;
  assert(ga === gb || (ga.size === gb.size && sameTexts(ga.ids, gb.ids)), "diff-same-members", "runs over different members");
  assert(before.plan.currency === after.plan.currency, "diff-same-currency", `${before.plan.currency} vs ${after.plan.currency}`);
  const limit = options.limit ?? LIMIT_DEFAULT;
  assert(limit >= 0, "diff-limit", String(limit));
  const a = memberColumns(before);
  const b = memberColumns(after);
  const scale = Math.max(a.scale, b.scale);
  const money = (units: number | bigint) => formatFixed(BigInt(units), scale);
  const n = ga.size;

  const ladder = mergeLadders(before.plan.ranks.map((r) => r.name), after.plan.ranks.map((r) => r.name));
  const position = new Map(ladder.map((name, i) => [name, i]));
  const toMerged = (run: RunResult) => run.plan.ranks.map((r) => position.get(r.name) as number);
  const mergedA = toMerged(before);
  const mergedB = toMerged(after);
  const R = ladder.length;

  const ta = scaled(a, scale);
  const tb = scaled(b, scale);
  const rankMembersA = new Array<number>(R + 1).fill(0);
  const rankMembersB = new Array<number>(R + 1).fill(0);
  const rankPayA = Array.from({ length: R + 1 }, () => new ExactSum());
  const rankPayB = Array.from({ length: R + 1 }, () => new ExactSum());
  const gained = new ExactSum();
  const lost = new ExactSum();
  const sumA = new ExactSum();
  const sumB = new ExactSum();
  let gainers = 0;
  let losers = 0;
  let changed = 0;
  let rankChanged = 0;
  let rankUp = 0;
  let rankDown = 0;
  const ids = ga.ids;
  const delta = (i: number) => (tb[i] as number) - (ta[i] as number);
  const byId = textOrder(ids);
  const changes = new TopK(limit, (x, y) => Math.abs(delta(y)) - Math.abs(delta(x)) || byId(x, y));
  const gains = new TopK(limit, (x, y) => delta(y) - delta(x) || byId(x, y));
  const losses = new TopK(limit, (x, y) => delta(x) - delta(y) || byId(x, y));
  for (let i = 0; i < n; i++) {
    const ra = a.rank[i] as number;
    const rb = b.rank[i] as number;
    // Slot R holds members with no rank.
    const ma = ra < 0 ? R : (mergedA[ra] as number);
    const mb = rb < 0 ? R : (mergedB[rb] as number);
    const pa = ta[i] as number;
    const pb = tb[i] as number;
    rankMembersA[ma] = (rankMembersA[ma] as number) + 1;
    rankMembersB[mb] = (rankMembersB[mb] as number) + 1;
    (rankPayA[ma] as ExactSum).add(pa);
    (rankPayB[mb] as ExactSum).add(pb);
    sumA.add(pa);
    sumB.add(pb);
    const d = pb - pa;
    if (d > 0) {
      gainers++;
      gained.add(d);
      gains.offer(i);
    } else if (d < 0) {
      losers++;
      lost.add(-d);
      losses.offer(i);
    }
    if (ma !== mb) {
      rankChanged++;
      // "No rank" is below every rank.
      const la = ma === R ? -1 : ma;
      const lb = mb === R ? -1 : mb;
      if (lb > la) rankUp++;
      else rankDown++;
    }
    if (d !== 0 || ma !== mb) {
      changed++;
      changes.offer(i);
    }
  }

  const totalA = decimalToUnits(before.summary.total, scale);
  const totalB = decimalToUnits(after.summary.total, scale);
  assert(sumA.value() === totalA && sumB.value() === totalB, "member-totals-match-summary", `${sumA.value()} / ${totalA}, ${sumB.value()} / ${totalB}`);

  const rankName = (m: number) => (m === R ? null : (ladder[m] as string));
  const rankOf = (cols: MemberColumns, merged: readonly number[], i: number) => {
    const r = cols.rank[i] as number;
    return r < 0 ? null : (ladder[merged[r] as number] as string);
  };
  const memberChange = (i: number): MemberChange => ({
    memberId: ids.at(i) as string,
    before: money(ta[i] as number),
    after: money(tb[i] as number),
    change: money(delta(i)),
    rankBefore: rankOf(a, mergedA, i),
    rankAfter: rankOf(b, mergedB, i),
  });
  const compared = (x: bigint, y: bigint): Compared<string> => ({ before: money(x), after: money(y), change: money(y - x) });
  const counts = (x: number, y: number): Compared<number> => ({ before: x, after: y, change: y - x });

  const ranks: RankDiff[] = [];
  for (let m = 0; m <= R; m++) {
    ranks.push({
      rank: rankName(m),
      members: counts(rankMembersA[m] as number, rankMembersB[m] as number),
      pay: compared((rankPayA[m] as ExactSum).value(), (rankPayB[m] as ExactSum).value()),
    });
  }

  const sa = before.summary;
  const sb = after.summary;
  const shareChange = sa.payoutShare !== null && sb.payoutShare !== null ? subtractDecimals(sb.payoutShare, sa.payoutShare, 6) : null;
  // Most members are paid nothing: sort only the non-zero totals (a total may be negative, after a cap or a
  // deduction); the zeros are implied between the negative and the positive ones.
  const sortedA = nonZeroSorted(ta);
  const sortedB = nonZeroSorted(tb);
  const payeesA = sortedA.positives.length;
  const payeesB = sortedB.positives.length;
  const paidA = { negatives: new Float64Array(0), positives: sortedA.positives };
  const paidB = { negatives: new Float64Array(0), positives: sortedB.positives };

  return {
    compplanDiff: 1,
    engine: { name: "compplan", version: ENGINE_VERSION },
    period: sa.period,
    currency: sa.currency,
    scale,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.applied !== undefined ? { applied: options.applied } : {}),
    ...(options.inputs !== undefined ? { inputs: options.inputs } : {}),
    before: side(before),
    after: side(after),
    members: n,
    qualified: counts(sa.qualified, sb.qualified),
    total: compared(totalA, totalB),
    payoutShare: { before: sa.payoutShare, after: sb.payoutShare, change: shareChange },
    bonuses: bonusDiffs(before, after, scale),
    ranks,
    accounting: accountingDiff(before, after, scale),
    movers: {
      changed,
      gainers,
      losers,
      payUnchanged: n - gainers - losers,
      rankChanged,
      rankUp,
      rankDown,
      gained: money(gained.value()),
      lost: money(-lost.value()),
    },
    changes: changes.sorted().map(memberChange),
    largestGains: gains.sorted().map(memberChange),
    largestLosses: losses.sorted().map(memberChange),
    distribution: {
      method: "nearest-rank",
      members: PERCENTILES.map((p) => percentileDiff(p, sortedA, n, sortedB, n, money)),
      payees: PERCENTILES.map((p) => percentileDiff(p, paidA, payeesA, paidB, payeesB, money)),
      payeeCount: counts(payeesA, payeesB),
    },
  };
}

function side(run: RunResult): DiffSide {
  return { plan: { ...run.summary.plan, fingerprint: fingerprintPlan(run.plan) }, payoutBasis: run.summary.payoutBasis };
}

/** @internal Members' totals at the comparison's scale (exact: integers times a power of ten, checked safe). */
export function scaled(cols: MemberColumns, scale: number): Float64Array {
  if (cols.scale === scale) return cols.total;
  const factor = Number(pow10(scale - cols.scale));
  const out = new Float64Array(cols.total.length);
  for (let i = 0; i < out.length; i++) {
    const v = (cols.total[i] as number) * factor;
    assert(Number.isSafeInteger(v), "member-total-safe-integer", `member ${cols.ids.at(i)}`);
    out[i] = v;
  }
  return out;
}

/** Values below and above zero, each sorted ascending (the zeros are implied between them). */
interface NonZero {
  readonly negatives: Float64Array;
  readonly positives: Float64Array;
}

/** The values below zero and above zero, each sorted ascending. */
function nonZeroSorted(totals: Float64Array): NonZero {
  let neg = 0;
  let pos = 0;
  for (let i = 0; i < totals.length; i++) {
    const v = totals[i] as number;
    if (v > 0) pos++;
    else if (v < 0) neg++;
  }
  const negatives = new Float64Array(neg);
  const positives = new Float64Array(pos);
  let a = 0;
  let b = 0;
  for (let i = 0; i < totals.length; i++) {
    const v = totals[i] as number;
    if (v > 0) positives[b++] = v;
    else if (v < 0) negatives[a++] = v;
  }
  return { negatives: negatives.sort(), positives: positives.sort() };
}

/**
 * Nearest-rank percentile of `count` values: the smallest are `negatives`, the largest `positives` (each
 * ascending), the rest zero: the value at 1-based position ceil(p × count / 100).
 */
function nearestRank(p: number, values: NonZero, count: number): number | null {
  if (count === 0) return null;
  const rank = Math.max(1, Math.floor((p * count + 99) / 100));
  const { negatives, positives } = values;
  if (rank <= negatives.length) return negatives[rank - 1] as number;
  const belowPositives = count - positives.length;
  return rank <= belowPositives ? 0 : (positives[rank - belowPositives - 1] as number);
}

function percentileDiff(p: number, a: NonZero, countA: number, b: NonZero, countB: number, money: (u: number) => string): PercentileDiff {
  const x = nearestRank(p, a, countA);
  const y = nearestRank(p, b, countB);
  return {
    percentile: p,
    before: x === null ? null : money(x),
    after: y === null ? null : money(y),
    change: x === null || y === null ? null : money(y - x),
  };
}

/** The ladder of the changed plan, with ranks only the base plan has placed after their lower neighbour. */
export function mergeLadders(before: readonly string[], after: readonly string[]): string[] {
  const out = [...after];
  before.forEach((name, j) => {
    if (out.includes(name)) return;
    const below = j === 0 ? -1 : out.indexOf(before[j - 1] as string);
    out.splice(below + 1, 0, name);
  });
  return out;
}

function bonusDiffs(before: RunResult, after: RunResult, scale: number): BonusDiff[] {
  const amount = (text: string) => formatFixed(decimalToUnits(text, scale), scale);
  const zero = formatFixed(0n, scale);
  const inAfter = new Map(after.summary.bonuses.map((x) => [x.key, x]));
  const inBefore = new Set(before.summary.bonuses.map((x) => x.key));
  const out: BonusDiff[] = before.summary.bonuses.map((x) => {
    const y = inAfter.get(x.key);
    const was = amount(x.amount);
    const now = y === undefined ? zero : amount(y.amount);
    return { key: x.key, kind: y?.kind ?? x.kind, status: y === undefined ? "removed" : "both", before: was, after: now, change: subtractDecimals(now, was, scale) };
  });
  for (const y of after.summary.bonuses) {
    if (inBefore.has(y.key)) continue;
    const now = amount(y.amount);
    out.push({ key: y.key, kind: y.kind, status: "added", before: zero, after: now, change: now });
  }
  return out;
}

function accountingDiff(before: RunResult, after: RunResult, scale: number): AccountingDiff {
  const collect = (run: RunResult) => {
    const acc = run.summary.bonuses.flatMap((x) => (x.accounting !== undefined ? [x.accounting] : []));
    const reasons = new Map<string, string[]>();
    for (const x of acc) for (const [reason, v] of Object.entries(x.breakage)) reasons.set(reason, [...(reasons.get(reason) ?? []), v]);
    return {
      potential: sumDecimals(acc.map((x) => x.potential), scale),
      paid: sumDecimals(acc.map((x) => x.paid), scale),
      compressedUp: sumDecimals(acc.map((x) => x.compressedUp), scale),
      withheld: sumDecimals(acc.flatMap((x) => (x.withheld !== undefined ? [x.withheld] : [])), scale),
      carried: acc.some((x) => x.carried !== undefined) ? sumDecimals(acc.flatMap((x) => (x.carried !== undefined ? [x.carried] : [])), scale) : undefined,
      breakage: sumDecimals(acc.flatMap((x) => Object.values(x.breakage)), scale),
      reasons: new Map([...reasons].map(([k, v]) => [k, sumDecimals(v, scale)])),
    };
  };
  const x = collect(before);
  const y = collect(after);
  const cmp = (p: string, q: string): Compared<string> => ({ before: p, after: q, change: subtractDecimals(q, p, scale) });
  const zero = sumDecimals([], scale);
  const reasons = [...new Set([...x.reasons.keys(), ...y.reasons.keys()])].sort();
  return {
    potential: cmp(x.potential, y.potential),
    paid: cmp(x.paid, y.paid),
    compressedUp: cmp(x.compressedUp, y.compressedUp),
    withheld: cmp(x.withheld, y.withheld),
    ...(x.carried !== undefined || y.carried !== undefined ? { carried: cmp(x.carried ?? zero, y.carried ?? zero) } : {}),
    breakage: cmp(x.breakage, y.breakage),
    breakageByReason: Object.fromEntries(reasons.map((r) => [r, cmp(x.reasons.get(r) ?? zero, y.reasons.get(r) ?? zero)])),
  };
}

/**
 * @internal The best `k` items offered, by a comparator (negative: first argument is better). A binary heap whose
 * root is the worst item kept, so each offer costs O(log k) and a million offers stay cheap.
 */
export class TopK {
  private readonly heap: number[] = [];

  constructor(
    private readonly k: number,
    private readonly better: (x: number, y: number) => number,
  ) {}

  offer(item: number): void {
    if (this.k === 0) return;
    const h = this.heap;
    if (h.length < this.k) {
      h.push(item);
      let c = h.length - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        // Keep the worst at the root: a parent must be no better than its child.
        if (this.better(h[p] as number, h[c] as number) < 0) {
          [h[p], h[c]] = [h[c] as number, h[p] as number];
          c = p;
        } else break;
      }
      return;
    }
    if (this.better(item, h[0] as number) >= 0) return;
    h[0] = item;
    let p = 0;
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let worst = p;
      if (l < h.length && this.better(h[worst] as number, h[l] as number) < 0) worst = l;
      if (r < h.length && this.better(h[worst] as number, h[r] as number) < 0) worst = r;
      if (worst === p) break;
      [h[p], h[worst]] = [h[worst] as number, h[p] as number];
      p = worst;
    }
  }

  /** The items kept, best first. */
  sorted(): number[] {
    return [...this.heap].sort(this.better);
  }
}
