/**
 * Computing a fast start bonus (rules: docs/plan-language.md, "`fast-start`").
 *
 * One pass over the orders finds the period's fast-start orders (inside their member's window, with a base
 * above 0); they are sorted into order sequence (date, then order id); each is capped by its source's
 * `sourceVolume` and walked up D levels of the sponsor line, each receiver's lines capped by `periodAmount`
 * in the same sequence. Work is members + orders + (fast-start orders × (log + D)): linear in the members
 * for a given plan. The pieces a single member's explanation recomputes (requirements, bases, the walk,
 * the caps) are exported and shared with ./explain.ts.
 *
 * Invariants: paid + compressedUp + breakage = potential exactly (result.ts checks it on every run); no
 * line has an exact value of 0.
 */
import { MEMBER_STATUSES } from "../../genealogy/genealogy.js";
import { textOrder } from "../../input/text-order.js";
import { type JoinWindow, dayNumbers, insideWindow, windowLastDay } from "../../measures/join-window.js";
import { ExactProductSum } from "../../money/decimal.js";
import { LINE_COMPRESSED, type LineSink } from "../../run/lines.js";
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
  let best = -1;
  for (let o = lo; o < hi; o++) best = Math.max(best, orderBase(f, r.measure, o));
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
  const largest = new Float64Array(n).fill(-1);
  const r = p.order;
  if (r !== undefined) {
    for (let o = 0; o < f.orders.count; o++) {
      const m = f.orders.member[o] as number;
      const v = orderBase(f, r.measure, o);
      if (v > (largest[m] as number)) largest[m] = v;
    }
  }
  const out = new Uint8Array(n);
  for (let m = 0; m < n; m++) if (meetsOne(f, p, m, largest[m] as number)) out[m] = 1;
  return out;
}

/** @internal Day numbers (days since 1970-01-01) of the period's first day and of each member's join date. */
export function periodStartDay(f: FastStartFacts): number {
  return dayNumberOf(f.period.start);
}

/**
 * @internal Sorts orders (indices) into order sequence: by date (day within the period), then order id in
 * UTF-16 code unit order.
 */
export function sequence(orders: RunOrders, list: number[]): number[] {
  const days = orders.days();
  const byId = textOrder(orders.ids);
  return list.sort((a, b) => (days[a] as number) - (days[b] as number) || byId(a, b));
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

/** One level of a fast-start order: who takes it (or -1) and how far above the source they are. */
export interface LevelTaken {
  /** The member taking the level, -1 when the walk passed the root. */
  receiver: number;
  /** Their distance above the source (0 when none). */
  distance: number;
  /** 1 when they meet `requires` (always, with roll-up). */
  meets: boolean;
}

/**
 * @internal The D levels of a fast-start order of source s: with `breakage`, the member at distance k
 * takes level k; with roll-up, members who do not meet `requires` are skipped (`next(m)`: the nearest
 * member above m who meets them, -1 past the root).
 */
export function walkLevels(f: FastStartFacts, p: FastStartProgram, s: number, meets: (m: number) => boolean, next: (m: number) => number, out: LevelTaken[]): void {
  const { parent, depth } = f.genealogy;
  out.length = 0;
  let u = s;
  for (let k = 1; k <= p.rates.length; k++) {
    u = u < 0 ? -1 : p.rollUp ? next(u) : (parent[u] as number);
    out.push(u < 0 ? { receiver: -1, distance: 0, meets: false } : { receiver: u, distance: (depth[s] as number) - (depth[u] as number), meets: p.rollUp || meets(u) });
  }
}

/**
 * @internal The base a receiver is paid on under the period cap, given what their earlier lines of the
 * period are worth (`spent`, value units): the largest base ≤ c whose value fits in what is left.
 */
export function periodCapped(p: FastStartProgram, c: number, rate: number, spent: bigint): number {
  if (p.periodAmount < 0n || rate === 0) return c;
  const left = p.periodAmount - spent;
  if (left <= 0n) return 0;
  const full = BigInt(c) * BigInt(rate);
  return full <= left ? c : Number(left / BigInt(rate));
}

/** @internal Runs a fast-start bonus: adds its lines, closes its state, returns its accounting. */
export function runFastStart(run: RunContext, sink: LineSink, bonusIndex: number, p: FastStartProgram): LevelAccounting {
  const g = run.genealogy;
  const n = g.size;
  const orders = run.orders;
  const meets = meetsAll(run, p);
  const joinDay = dayNumbers(g.joinDate, n);
  const start = periodStartDay(run);
  const days = orders.days();

  // The fast-start orders, in order sequence.
  const list: number[] = [];
  for (let o = 0; o < orders.count; o++) {
    if (orderBase(run, p.measure, o) > 0 && insideWindow(p.window, joinDay[orders.member[o] as number] as number, start + (days[o] as number))) list.push(o);
  }
  sequence(orders, list);

  // With roll-up: the nearest member above each member who meets the requirements (parents first).
  let nextMeeting: Int32Array | undefined;
  if (p.rollUp) {
    nextMeeting = new Int32Array(n);
    const { parent, order } = g;
    for (let i = 0; i < n; i++) {
      const m = order[i] as number;
      const up = parent[m] as number;
      nextMeeting[m] = up < 0 ? -1 : meets[up] === 1 ? up : (nextMeeting[up] as number);
    }
  }
  const next = (m: number) => (nextMeeting as Int32Array)[m] as number;
  const meetsAt = (m: number) => meets[m] === 1;

  const opening = p.counted !== undefined ? run.opening(p.counted) : undefined;
  const used = opening !== undefined ? Float64Array.from(opening) : new Float64Array(n);
  const spent = new Map<number, bigint>();
  const potential = new ExactProductSum();
  const paid = new ExactProductSum();
  const compressedUp = new ExactProductSum();
  const sourceCap = new ExactProductSum();
  const unqualified = new ExactProductSum();
  const noUpline = new ExactProductSum();
  const periodCap = new ExactProductSum();
  const levels: LevelTaken[] = [];
  const counted: number[] = [];
  for (const o of list) {
    const s = orders.member[o] as number;
    const v = orderBase(run, p.measure, o);
    counted.length = 0;
    used[s] = countSource(p, [v], used[s] as number, counted);
    const c = counted[0] as number;
    potential.add(v, p.rateSum);
    if (c < v) sourceCap.add(v - c, p.rateSum);
    if (c === 0) continue;
    walkLevels(run, p, s, meetsAt, next, levels);
    levels.forEach((t, i) => {
      const k = i + 1;
      const rate = p.rates[i] as number;
      if (t.receiver < 0) noUpline.add(c, rate);
      else if (!t.meets) unqualified.add(c, rate);
      else {
        const before = spent.get(t.receiver) ?? 0n;
        const b = periodCapped(p, c, rate, before);
        if (b < c) periodCap.add(c - b, rate);
        if (b === 0 || rate === 0) return;
        if (p.periodAmount >= 0n) spent.set(t.receiver, before + BigInt(b) * BigInt(rate));
        const up = t.distance > k;
        (up ? compressedUp : paid).add(b, rate);
        sink.add(t.receiver, bonusIndex, k, up ? LINE_COMPRESSED : 0, 1, s, b, rate, o);
      }
    });
  }

  if (p.counted !== undefined) {
    // Closing: what the window counted so far, 0 once the window ends by the period's last day.
    const end = dayNumberOf(run.period.end);
    for (let m = 0; m < n; m++) if ((used[m] as number) > 0 && windowLastDay(p.window, joinDay[m] as number) <= end) used[m] = 0;
    run.close(p.counted, used);
  }
  run.work.add(`bonus:${p.key}`, 2 * n + orders.count + list.length * (p.rates.length + Math.ceil(Math.log2(list.length + 1))));
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
