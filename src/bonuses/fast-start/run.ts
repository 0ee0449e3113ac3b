/**
 * Computing a fast start bonus (rules: docs/plan-language.md, "`fast-start`").
 *
 * One pass over the orders finds the period's fast-start orders (inside their member's window, with a base
 * above 0); they are sorted into order sequence (date, then order id); each is capped by its source's
 * `sourceVolume` and walked up D levels of the sponsor line, each receiver's lines capped by `periodAmount`
 * in the same sequence. Work is members + orders + (fast-start orders × (log + D)): linear in the members
 * for a given plan. The pieces a single member's explanation recomputes (requirements, bases, order
 * sequence, the caps) are exported and shared with ./explain.ts.
 *
 * Invariants: paid + compressedUp + breakage = potential exactly (result.ts checks it on every run); no
 * line has an exact value of 0.
 */
import { MEMBER_STATUSES } from "../../genealogy/genealogy.js";
import { textOrder } from "../../input/text-order.js";
import { type JoinWindow, earliestJoin, insideWindow, joinDayReader, windowLastDay } from "../../measures/join-window.js";
import { ExactProductSum } from "../../money/decimal.js";
import { LINE_COMPRESSED, LineSink, linesByRecipient } from "../../run/lines.js";
import { dayNumberOf } from "../../run/period.js";
import type { LevelAccounting, RunContext, RunOrders } from "../family.js";

/** A compiled fast-start entry: measure indices, volumes in volume units, rates in rate units. */
export interface FastStartProgram {
  readonly key: string;
  /** Measure index of the base. */
  readonly measure: number;
  readonly window: JoinWindow;
  /** Rate of each level, 1 .. D. */
  readonly rates: readonly number[];
  /** Sum of the rates: the potential per unit of base. */
  readonly rateSum: number;
  /** `requires.qualified`. */
  readonly qualified: boolean;
  /** `requires.order`: a measure index and a minimum in volume units; undefined when not required. */
  readonly order: { readonly measure: number; readonly minimum: number } | undefined;
  /** `unqualified: roll-up`. */
  readonly rollUp: boolean;
  /** `caps.sourceVolume` in volume units, -1 for none. */
  readonly sourceVolume: number;
  /** `caps.periodAmount` in value units (10^-10), -1n for none. */
  readonly periodAmount: bigint;
  /** The state field of the source cap (`<key>.counted`), when there is one. */
  readonly counted: string | undefined;
}

/** The state field a source cap keeps, by its name within the bonus. */
export const COUNTED = "counted";

const ENROLLED = MEMBER_STATUSES.indexOf("enrolled");

/** What the computation reads of a run (a step's context, or an explanation's). */
export type FastStartFacts = Pick<RunContext, "genealogy" | "qualified" | "orders" | "period" | "measures"> & {
  opening(field: string): Float64Array | undefined;
};

/** @internal The orders of member m: `orders.member` is sorted (orders are numbered by member). */
export function orderRange(orders: RunOrders, m: number): { lo: number; hi: number } {
  const member = orders.member;
  const first = (x: number) => {
    let lo = 0;
    let hi = orders.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((member[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return { lo: first(m), hi: first(m + 1) };
}

/** @internal The base v(o) of order o: its volume of the measure when the measure counts its kind, else 0. */
export function orderBase(f: FastStartFacts, measure: number, o: number): number {
  const column = f.orders.volumes(measure);
  if (column === undefined) return 0;
  const counts = f.measures.specs[measure]?.counts;
  return counts?.[f.orders.kinds[o] as number] === true ? (column[o] as number) : 0;
}

/**
 * @internal The largest own order of member m this period of the `requires.order` measure (of a kind it
 * counts), -1 when the member has no such order.
 */
export function largestOrder(f: FastStartFacts, p: FastStartProgram, m: number): number {
  const r = p.order;
  if (r === undefined) return -1;
  const { lo, hi } = orderRange(f.orders, m);
  const counts = f.measures.specs[r.measure]?.counts ?? [];
  let best = -1;
  // An order of a kind the measure does not count is no such order (its base 0 would meet a minimum of 0).
  for (let o = lo; o < hi; o++) if (counts[f.orders.kinds[o] as number] === true) best = Math.max(best, orderBase(f, r.measure, o));
  return best;
}

/** @internal Whether member m meets `requires`: enrolled, qualified when asked, and an own order of the minimum. */
export function meetsOne(f: FastStartFacts, p: FastStartProgram, m: number, largest: number): boolean {
  if (f.genealogy.status[m] !== ENROLLED) return false;
  if (p.qualified && f.qualified[m] !== 1) return false;
  return p.order === undefined || largest >= p.order.minimum;
}

/** Per member, 1 when they meet `requires` (one pass over the members and one over the orders). */
function meetsAll(f: FastStartFacts, p: FastStartProgram): Uint8Array {
  const n = f.genealogy.size;
  const r = p.order;
  const largest = new Float64Array(r === undefined ? 0 : n).fill(-1);
  const column = r === undefined ? undefined : f.orders.volumes(r.measure);
  if (r !== undefined && column !== undefined) {
    const counts = f.measures.specs[r.measure]?.counts ?? [];
    const { member, kinds } = f.orders;
    for (let o = 0; o < f.orders.count; o++) {
      if (counts[kinds[o] as number] !== true) continue;
      const m = member[o] as number;
      const v = column[o] as number;
      if (v > (largest[m] as number)) largest[m] = v;
    }
  }
  const out = new Uint8Array(n);
  const { status } = f.genealogy;
  const qualified = f.qualified;
  const minimum = r === undefined ? -1 : r.minimum;
  // meetsOne for every member, inlined.
  for (let m = 0; m < n; m++) {
    if (status[m] === ENROLLED && (!p.qualified || qualified[m] === 1) && (r === undefined || (largest[m] as number) >= minimum)) out[m] = 1;
  }
  return out;
}

/** @internal Day numbers (days since 1970-01-01) of the period's first day and of each member's join date. */
export function periodStartDay(f: FastStartFacts): number {
  return dayNumberOf(f.period.start);
}

/**
 * @internal The comparator of order sequence over order indices: by date (day within the period), then order
 * id in UTF-16 code unit order.
 */
export function sequenceOrder(orders: RunOrders): (a: number, b: number) => number {
  const days = orders.days();
  const byId = textOrder(orders.ids);
  return (a, b) => (days[a] as number) - (days[b] as number) || byId(a, b);
}

/** @internal Sorts orders (indices) into order sequence ({@link sequenceOrder}), in place. */
export function inSequence(orders: RunOrders, list: number[]): number[] {
  return list.sort(sequenceOrder(orders));
}

/**
 * @internal The counted base of each fast-start order of one source, in order sequence: at most what is
 * left of `sourceVolume` after `used` (what earlier orders of the window counted). Returns the new `used`.
 */
export function countSource(p: FastStartProgram, bases: readonly number[], used: number, out: number[]): number {
  for (const v of bases) {
    const c = p.sourceVolume < 0 ? v : Math.min(v, Math.max(0, p.sourceVolume - used));
    out.push(c);
    used += c;
  }
  return used;
}

/** Largest rate in rate units (a rate is at most 1). */
const RATE_MAX = 1_000_000;

/**
 * @internal The period cap's ledger: what each receiver's lines of the period are worth so far (value units,
 * 10^-10), and the base each next line is paid on: the largest base ≤ c whose value fits in what is left.
 * In plain numbers while the cap (and so every sum and compared product) is an exact safe integer, in
 * BigInt beyond.
 */
export class PeriodCap {
  private readonly spent: Float64Array | undefined;
  private readonly spentBig = new Map<number, bigint>();
  private readonly cap: number;

  /** @param receivers - the number of receivers (member indices 0 .. receivers − 1) */
  constructor(
    private readonly capBig: bigint,
    receivers: number,
  ) {
    const safe = capBig >= 0n && capBig + 2n * BigInt(RATE_MAX) <= BigInt(Number.MAX_SAFE_INTEGER);
    this.spent = safe ? new Float64Array(receivers) : undefined;
    this.cap = Number(capBig);
  }

  /** The base receiver u is paid on for a line of counted base c at `rate`; records its value. */
  take(u: number, c: number, rate: number): number {
    if (this.cap < 0 || rate === 0) return c;
    const spent = this.spent;
    if (spent !== undefined) {
      const left = this.cap - (spent[u] as number);
      if (left <= 0) return 0;
      // Exact: left is a safe integer, and a product above 2^53 compares above it however it rounds.
      let b = c;
      if (c * rate > left) {
        b = Math.floor(left / rate);
        while (b * rate > left) b--;
        while ((b + 1) * rate <= left) b++;
      }
      spent[u] = (spent[u] as number) + b * rate;
      return b;
    }
    const before = this.spentBig.get(u) ?? 0n;
    const left = this.capBig - before;
    if (left <= 0n) return 0;
    const b = BigInt(c) * BigInt(rate) <= left ? c : Number(left / BigInt(rate));
    this.spentBig.set(u, before + BigInt(b) * BigInt(rate));
    return b;
  }
}

/** @internal Runs a fast-start bonus: adds its lines, closes its state, returns its accounting. */
export function runFastStart(run: RunContext, sink: LineSink, bonusIndex: number, p: FastStartProgram): LevelAccounting {
  const g = run.genealogy;
  const n = g.size;
  const orders = run.orders;
  const meets = meetsAll(run, p);
  const joinDay = joinDayReader(g.joinDate, n);
  const start = periodStartDay(run);
  // Members who joined before this have no order of the period inside their window.
  const joinedFrom = earliestJoin(p.window, start);
  const days = orders.days();
  const D = p.rates.length;

  // The fast-start orders. Orders are numbered by member, so each source's are together and are put in
  // order sequence among themselves (the source cap and the lines' order need no more).
  const column = orders.volumes(p.measure);
  const counts = run.measures.specs[p.measure]?.counts ?? [];
  const before = sequenceOrder(orders);
  const list: number[] = [];
  if (column !== undefined) {
    let from = 0;
    for (let o = 0; o < orders.count; o++) {
      const m = orders.member[o] as number;
      if (from < list.length && orders.member[list[from] as number] !== m) from = list.length;
      if (counts[orders.kinds[o] as number] !== true || (column[o] as number) <= 0 || (g.joinDate.at(m) as string) < joinedFrom) continue;
      if (!insideWindow(p.window, joinDay(m), start + (days[o] as number))) continue;
      // Insertion into the source's few orders so far, in order sequence.
      let at = list.length;
      list.push(o);
      while (at > from && before(list[at - 1] as number, o) > 0) {
        list[at] = list[at - 1] as number;
        at--;
      }
      list[at] = o;
    }
  }

  // With roll-up: the nearest member above each member who meets the requirements (parents first).
  const { parent, order, depth } = g;
  let nextMeeting: Int32Array | undefined;
  if (p.rollUp) {
    nextMeeting = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const m = order[i] as number;
      const up = parent[m] as number;
      nextMeeting[m] = up < 0 ? -1 : meets[up] === 1 ? up : (nextMeeting[up] as number);
    }
  }
  const up = nextMeeting ?? parent;

  const opening = p.counted !== undefined ? run.opening(p.counted) : undefined;
  const used = opening !== undefined ? Float64Array.from(opening) : new Float64Array(n);
  const potential = new ExactProductSum();
  const paid = new ExactProductSum();
  const compressedUp = new ExactProductSum();
  const sourceCap = new ExactProductSum();
  const unqualified = new ExactProductSum();
  const noUpline = new ExactProductSum();
  const periodCap = new ExactProductSum();
  // Each level a receiver takes: a line at once, or with a period cap a level to cap first (below).
  const capped = p.periodAmount >= 0n;
  const held = new LineSink(capped ? list.length : 0);
  const pay = capped ? held : sink;
  for (const o of list) {
    const s = orders.member[o] as number;
    const v = (column as Float64Array)[o] as number;
    const c = p.sourceVolume < 0 ? v : Math.min(v, Math.max(0, p.sourceVolume - (used[s] as number)));
    used[s] = (used[s] as number) + c;
    potential.add(v, p.rateSum);
    if (c < v) sourceCap.add(v - c, p.rateSum);
    if (c === 0) continue;
    let u = s;
    for (let k = 1; k <= D; k++) {
      const rate = p.rates[k - 1] as number;
      u = u < 0 ? -1 : (up[u] as number);
      if (u < 0) noUpline.add(c, rate);
      else if (!p.rollUp && meets[u] !== 1) unqualified.add(c, rate);
      else if (rate !== 0) {
        const compressed = (depth[s] as number) - (depth[u] as number) > k;
        if (!capped) (compressed ? compressedUp : paid).add(c, rate);
        pay.add(u, bonusIndex, k, compressed ? LINE_COMPRESSED : 0, 1, s, c, rate, o);
      }
    }
  }
  if (capped) {
    // The period cap takes each receiver's levels in order sequence: grouped by receiver (linear), each
    // receiver's few sorted.
    const cap = new PeriodCap(p.periodAmount, n);
    const { start: from, order: byReceiver } = linesByRecipient(held, n);
    const one: number[] = [];
    const inOrder = (x: number, y: number) => before(held.order[x] as number, held.order[y] as number);
    for (let r = 0; r < n; r++) {
      const lo = from[r] as number;
      const hi = from[r + 1] as number;
      if (lo === hi) continue;
      one.length = 0;
      for (let a = lo; a < hi; a++) one.push(byReceiver[a] as number);
      if (one.length > 1) one.sort(inOrder);
      for (const l of one) {
        const c = held.base[l] as number;
        const rate = held.rate[l] as number;
        const b = cap.take(r, c, rate);
        if (b < c) periodCap.add(c - b, rate);
        if (b === 0) continue;
        const flags = held.flags[l] as number;
        ((flags & LINE_COMPRESSED) !== 0 ? compressedUp : paid).add(b, rate);
        sink.add(r, bonusIndex, held.level[l] as number, flags, 1, held.source[l] as number, b, rate, held.order[l] as number);
      }
    }
  }

  if (p.counted !== undefined) {
    // Closing: what the window counted so far, 0 once the window ends by the period's last day.
    const end = dayNumberOf(run.period.end);
    for (let m = 0; m < n; m++) if ((used[m] as number) > 0 && windowLastDay(p.window, joinDay(m)) <= end) used[m] = 0;
    run.close(p.counted, used);
  }
  run.work.add(`bonus:${p.key}`, 3 * n + orders.count + list.length * D * (capped ? 2 : 1));
  return {
    potential: potential.value(),
    paid: paid.value(),
    compressedUp: compressedUp.value(),
    breakage: {
      "no-upline": noUpline.value(),
      "period-cap": periodCap.value(),
      "source-cap": sourceCap.value(),
      "upline-unqualified": unqualified.value(),
    },
  };
}
