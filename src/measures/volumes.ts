/**
 * Volume measures per member. Personal volume counts the order kinds the measure names, with personal
 * consumption capped where the plan says so; group volume is personal volume plus that of the whole
 * downline, summed bottom-up in one pass. Values are integers in units of 10^-4, exact while every total
 * stays a safe integer (checked once, up front).
 */
import { type Issue, issue } from "../errors/issues.js";
import type { Genealogy } from "../genealogy/genealogy.js";
import { ORDER_KINDS } from "../plan/fields.js";
import type { OrderColumns } from "../input/rows.js";
import type { WorkCounter } from "../run/work.js";

/** How a measure is computed, in internal units. */
export interface MeasureSpec {
  readonly name: string;
  /** Per order kind (ORDER_KINDS order): does it count? */
  readonly counts: readonly boolean[];
  /** Cap on counted personal consumption per member and period, in units; -1 for none. */
  readonly personalConsumptionCap: number;
}

/** Per-member values of every measure. */
export interface MeasureValues {
  readonly specs: readonly MeasureSpec[];
  /** Counted personal volume per measure. */
  readonly personal: readonly Float64Array[];
  /** Group volume per measure: personal plus the whole downline's personal. */
  readonly group: readonly Float64Array[];
  /** Raw volume per measure and order kind, before counting rules and caps. */
  readonly byKind: readonly (readonly Float64Array[])[];
  /** Number of orders per member. */
  readonly orderCount: Int32Array;
}

/**
 * Largest total of one measure over all orders, in units. Every per-member, per-level and per-bucket sum
 * is at most this total, so each stays an exact safe integer (about 900 billion of volume).
 */
const TOTAL_MAX = Number.MAX_SAFE_INTEGER;

/** @internal Sums orders into per-member measures; an issue when a measure's total is too large. */
export function computeVolumes(
  g: Genealogy,
  orders: OrderColumns & { readonly member: Int32Array },
  specs: readonly MeasureSpec[],
  work: WorkCounter,
): { values?: MeasureValues; issues: Issue[] } {
  const n = g.size;
  const issues: Issue[] = [];
  const byKind = specs.map(() => ORDER_KINDS.map(() => new Float64Array(n)));
  const orderCount = new Int32Array(n);
  const { member, kinds } = orders;
  for (let o = 0; o < orders.count; o++) {
    const m = member[o] as number;
    orderCount[m] = (orderCount[m] as number) + 1;
  }
  for (let s = 0; s < specs.length; s++) {
    const spec = specs[s] as MeasureSpec;
    const column = orders.volumes[orders.measures.indexOf(spec.name)];
    if (column === undefined) continue; // the input has no volume for this measure: all zero
    const kindArrays = byKind[s] as Float64Array[];
    let total = 0;
    for (let o = 0; o < orders.count; o++) {
      const v = column[o] as number;
      if (v === 0) continue;
      const arr = kindArrays[kinds[o] as number] as Float64Array;
      const m = member[o] as number;
      arr[m] = (arr[m] as number) + v;
      total += v;
    }
    if (total > TOTAL_MAX) {
      issues.push(issue("RUN_VOLUME_OVERFLOW", ["orders"], `the total of measure ${spec.name} over all orders is too large to compute exactly (at most 900,719,925,474)`));
    }
  }
  work.add("volumes:orders", orders.count * (specs.length + 1));
  if (issues.length > 0) return { issues };

  const personal: Float64Array[] = [];
  const group: Float64Array[] = [];
  for (let s = 0; s < specs.length; s++) {
    const spec = specs[s] as MeasureSpec;
    const kinds = byKind[s] as Float64Array[];
    const p = new Float64Array(n);
    for (let k = 0; k < ORDER_KINDS.length; k++) {
      if (!spec.counts[k]) continue;
      const arr = kinds[k] as Float64Array;
      const capped = ORDER_KINDS[k] === "personal-consumption" && spec.personalConsumptionCap >= 0;
      for (let i = 0; i < n; i++) {
        const v = arr[i] as number;
        p[i] = (p[i] as number) + (capped && v > spec.personalConsumptionCap ? spec.personalConsumptionCap : v);
      }
    }
    personal.push(p);
    group.push(groupSums(g, p));
  }
  work.add("volumes:members", n * specs.length);
  return { values: { specs, personal, group, byKind, orderCount }, issues };
}

/** Personal plus whole-downline volume, bottom-up over the precomputed order. */
function groupSums(g: Genealogy, personal: Float64Array): Float64Array {
  const out = Float64Array.from(personal);
  const { order, parent } = g;
  for (let j = order.length - 1; j > 0; j--) {
    const m = order[j] as number;
    const p = parent[m] as number;
    out[p] = (out[p] as number) + (out[m] as number);
  }
  return out;
}
