/**
 * Volume measures per member. Personal volume counts the order kinds the measure names, with personal
 * consumption capped where the plan says so; group volume is personal volume plus that of the whole
 * downline, summed bottom-up in one pass. Values are integers in units of 10^-4, exact while every total
 * stays a safe integer (checked once, up front).
 */
import { VOLUME_SCALE } from "../money/decimal.js";
import { type Issue, issue } from "../errors/issues.js";
import type { Genealogy } from "../genealogy/genealogy.js";
import { ORDER_KINDS } from "../plan/fields.js";
import type { OrderColumns } from "../input/rows.js";
import type { WorkCounter } from "../run/work.js";
import { type JoinWindow, earliestJoin, insideWindow, joinDayReader } from "./join-window.js";
import { dayNumberOf } from "../run/period.js";

/** How a measure is computed, in internal units. */
export interface MeasureSpec {
  readonly name: string;
  /** Per order kind (ORDER_KINDS order): does it count? */
  readonly counts: readonly boolean[];
  /** Cap on counted personal consumption per member and period, in units; -1 for none. */
  readonly personalConsumptionCap: number;
  /**
   * An accumulated measure (docs/state.md "Accumulated measures"): the base measure's index, and the
   * periods it spans (0: since joining). It counts no order kind: its personal volume is the carried
   * volume plus the base's personal volume of this period.
   */
  readonly accumulates?: { readonly base: number; readonly periods: number };
  /**
   * The largest total of the measure over all orders (or members, accumulated) computed exactly, in volume
   * units: the safe-integer range, divided by the most a bonus pays per unit of it when that is above 1
   * (BonusFamily.amplifies). Absent: the safe-integer range.
   */
  readonly totalMax?: number;
  /**
   * `leavesOut` (docs/plan-language.md "Leaving out the orders a bonus pays on"): the windows after joining
   * of the bonuses named; an order placed inside any of them by its member counts 0 toward the measure.
   */
  readonly leavesOut?: readonly JoinWindow[];
  /** `volumeOf`: the measure whose order volumes this one reads (orders carry none of its own). */
  readonly volumeOf?: string;
}

/** @internal The name of the orders' volume column a measure reads (its own, or that of its `volumeOf`). */
export function orderColumnOf(spec: MeasureSpec): string {
  return spec.volumeOf ?? spec.name;
}

/** Per-member values of every measure. */
export interface MeasureValues {
  readonly specs: readonly MeasureSpec[];
  /** Counted personal volume per measure. */
  readonly personal: readonly Float64Array[];
  /** Group volume per measure: personal plus the whole downline's personal. */
  readonly group: readonly Float64Array[];
  /**
   * Per measure whose personal consumption is capped: the raw personal-consumption volume, before the cap
   * (what a statement reports as excluded above the cap); undefined for other measures.
   */
  readonly consumption: readonly (Float64Array | undefined)[];
  /**
   * Raw volume per measure and order kind, before counting rules and caps. Made on the first call (for
   * explanations), not by the run: most of these arrays would hold only zeros.
   */
  byKind(): readonly (readonly Float64Array[])[];
  /**
   * Per measure with `leavesOut`, the raw volume per order kind of the orders it left out (included in
   * {@link MeasureValues.byKind}); undefined for other measures. Made on the first call (for explanations).
   */
  leftOutByKind(): readonly (readonly Float64Array[] | undefined)[];
  /** Number of orders per member, made on the first call (for audits). */
  orderCount(): Int32Array;
}

/**
 * Largest total of one measure over all orders, in units. Every per-member, per-level and per-bucket sum
 * is at most this total, so each stays an exact safe integer (about 900 billion of volume).
 */
const TOTAL_MAX = Number.MAX_SAFE_INTEGER;

/** A measure's largest exact total in whole volume, digits grouped ("900,719,925,474"), and why it is lower when it is. */
function totalMaxText(spec: MeasureSpec): string {
  const whole = Math.floor((spec.totalMax ?? TOTAL_MAX) / 10 ** VOLUME_SCALE).toLocaleString("en-US");
  return spec.totalMax === undefined ? whole : `${whole}: a bonus pays more than 1 per unit of it`;
}

const PC = ORDER_KINDS.indexOf("personal-consumption");
const KINDS = ORDER_KINDS.length;

/**
 * @internal Sums orders into per-member measures; an issue when a measure's total is too large.
 * `carried`, per accumulated measure, is each member's volume carried from earlier periods (from the
 * opening state; all zero when left out). `firstDate`, the period's first day (no order is earlier), lets
 * `leavesOut` pass over the members who joined too long ago for any window without reading their dates.
 */
export function computeVolumes(
  g: Genealogy,
  orders: OrderColumns & { readonly member: Int32Array },
  specs: readonly MeasureSpec[],
  work: WorkCounter,
  carried: readonly (Float64Array | undefined)[] = [],
  firstDate = "0000-01-01",
): { values?: MeasureValues; issues: Issue[] } {
  const n = g.size;
  const issues: Issue[] = [];
  const S = specs.length;
  const personal = specs.map(() => new Float64Array(n));
  const consumption = specs.map((spec) => (spec.personalConsumptionCap >= 0 && spec.counts[PC] === true ? new Float64Array(n) : undefined));
  // Where an order of kind k adds its volume of measure s: the personal volume, the raw consumption of
  // a capped measure, or nowhere (the measure does not count the kind).
  const target: (Float64Array | undefined)[] = new Array(S * KINDS);
  specs.forEach((spec, s) => {
    for (let k = 0; k < KINDS; k++) target[s * KINDS + k] = spec.counts[k] !== true ? undefined : k === PC ? (consumption[s] ?? personal[s]) : personal[s];
  });
  const { member, kinds } = orders;
  // One pass over the orders for every measure (a measure the input has no volume for stays all zero).
  const columns = specs.map((spec) => orders.volumes[orders.measures.indexOf(orderColumnOf(spec))]);
  const leftOut = leftOutOrders(g, orders, specs, firstDate);
  const totals = new Float64Array(S);
  for (let o = 0; o < orders.count; o++) {
    const m = member[o] as number;
    const k = kinds[o] as number;
    for (let s = 0; s < S; s++) {
      const column = columns[s];
      if (column === undefined) continue;
      const v = column[o] as number;
      if (v === 0) continue;
      totals[s] = (totals[s] as number) + v;
      if (leftOut[s]?.[o] === 1) continue;
      const arr = target[s * KINDS + k];
      if (arr !== undefined) arr[m] = (arr[m] as number) + v;
    }
  }
  specs.forEach((spec, s) => {
    if ((totals[s] as number) > (spec.totalMax ?? TOTAL_MAX)) {
      issues.push(issue("RUN_VOLUME_OVERFLOW", ["orders"], `the total of measure ${spec.name} over all orders is too large to compute exactly (at most ${totalMaxText(spec)})`));
    }
  });
  work.add("volumes:orders", orders.count * specs.length);
  if (issues.length > 0) return { issues };

  // Capped personal consumption: the raw sum per member, then at most the cap of it counts.
  for (let s = 0; s < S; s++) {
    const raw = consumption[s];
    if (raw === undefined) continue;
    const p = personal[s] as Float64Array;
    const cap = (specs[s] as MeasureSpec).personalConsumptionCap;
    for (let i = 0; i < n; i++) {
      const v = raw[i] as number;
      p[i] = (p[i] as number) + (v > cap ? cap : v);
    }
  }
  issues.push(...accumulate(specs, personal, carried));
  if (issues.length > 0) return { issues };
  const group = groupSums(g, personal);
  work.add("volumes:members", n * specs.length);
  let byKind: Float64Array[][] | undefined;
  let leftOutByKind: (Float64Array[] | undefined)[] | undefined;
  let orderCount: Int32Array | undefined;
  return {
    values: {
      specs,
      personal,
      group,
      consumption,
      byKind: () => (byKind ??= rawByKind(n, orders, columns)),
      leftOutByKind: () => (leftOutByKind ??= columns.map((column, s) => (leftOut[s] === undefined ? undefined : (rawByKind(n, orders, [column], leftOut[s])[0] as Float64Array[])))),
      orderCount: () => {
        if (orderCount === undefined) {
          orderCount = new Int32Array(n);
          for (let o = 0; o < orders.count; o++) orderCount[member[o] as number] = (orderCount[member[o] as number] as number) + 1;
        }
        return orderCount;
      },
    },
    issues,
  };
}

/**
 * Accumulated measures (docs/state.md "Accumulated measures"): personal(M) = carried + personal(base) this
 * period, for every member. An issue when a measure's total over the members is too large to stay exact.
 */
function accumulate(specs: readonly MeasureSpec[], personal: readonly Float64Array[], carried: readonly (Float64Array | undefined)[]): Issue[] {
  const issues: Issue[] = [];
  specs.forEach((spec, s) => {
    if (spec.accumulates === undefined) return;
    const p = personal[s] as Float64Array;
    const base = personal[spec.accumulates.base] as Float64Array;
    const c = carried[s];
    let total = 0;
    for (let i = 0; i < p.length; i++) {
      const v = (c === undefined ? 0 : (c[i] as number)) + (base[i] as number);
      p[i] = v;
      total += Math.abs(v);
    }
    if (total > (spec.totalMax ?? TOTAL_MAX)) issues.push(issue("RUN_VOLUME_OVERFLOW", ["state"], `the total of accumulated measure ${spec.name} over all members is too large to compute exactly (at most ${totalMaxText(spec)})`));
  });
  return issues;
}

/**
 * Per measure, the orders its `leavesOut` leaves out (1 for a left-out order), or undefined for a measure
 * without it. Measures naming the same windows share one array.
 */
function leftOutOrders(g: Genealogy, orders: OrderColumns & { readonly member: Int32Array }, specs: readonly MeasureSpec[], firstDate: string): (Uint8Array | undefined)[] {
  if (specs.every((s) => s.leavesOut === undefined)) return specs.map(() => undefined);
  const joinDay = joinDayReader(g.joinDate, g.size);
  const orderDay = joinDayReader(orders.dates, orders.count);
  const firstDay = dayNumberOf(firstDate);
  const made = new Map<string, Uint8Array>();
  return specs.map((spec) => {
    const windows = spec.leavesOut;
    if (windows === undefined) return undefined;
    const key = JSON.stringify(windows);
    let mask = made.get(key);
    if (mask === undefined) {
      // Members who joined before every window's earliest join date have no order inside any of them.
      const from = windows.map((w) => earliestJoin(w, firstDay)).sort()[0] as string;
      mask = new Uint8Array(orders.count);
      for (let o = 0; o < orders.count; o++) {
        const m = orders.member[o] as number;
        if ((g.joinDate.at(m) as string) < from) continue;
        const j = joinDay(m);
        const d = orderDay(o);
        if (windows.some((w) => insideWindow(w, j, d))) mask[o] = 1;
      }
      made.set(key, mask);
    }
    return mask;
  });
}

/**
 * Raw volume per measure (columns) and order kind, per member; with `only`, of the orders it marks (1) only.
 */
function rawByKind(n: number, orders: OrderColumns & { readonly member: Int32Array }, columns: readonly (Float64Array | undefined)[], only?: Uint8Array): Float64Array[][] {
  const out = columns.map(() => ORDER_KINDS.map(() => new Float64Array(n)));
  const { member, kinds } = orders;
  columns.forEach((column, s) => {
    if (column === undefined) return;
    const byKind = out[s] as Float64Array[];
    for (let o = 0; o < orders.count; o++) {
      if (only !== undefined && only[o] !== 1) continue;
      const arr = byKind[kinds[o] as number] as Float64Array;
      arr[member[o] as number] = (arr[member[o] as number] as number) + (column[o] as number);
    }
  });
  return out;
}

/** Personal plus whole-downline volume of every measure, in one bottom-up pass over the precomputed order. */
function groupSums(g: Genealogy, personal: readonly Float64Array[]): Float64Array[] {
  const out = personal.map((p) => Float64Array.from(p));
  const { order, parent } = g;
  const S = out.length;
  for (let j = order.length - 1; j > 0; j--) {
    const m = order[j] as number;
    const p = parent[m] as number;
    for (let s = 0; s < S; s++) {
      const a = out[s] as Float64Array;
      a[p] = (a[p] as number) + (a[m] as number);
    }
  }
  return out;
}
