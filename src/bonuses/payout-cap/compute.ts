/**
 * Computing a payout cap (rules: docs/plan-language.md, "`payout-cap`"): each member's pay from the named
 * bonuses, its protected and reducible parts, and the cut. A company cap scales the reducible pay pro rata
 * to what the cap leaves, by the largest remainder (ties to the member whose id comes first), so the named
 * bonuses pay exactly the cap; a per-member cap cuts each member's pay to the maximum. Linear in the
 * members: the largest remainders are found by selection, not by sorting, and the id order is consulted
 * only for members tied at the last remainder given a unit.
 *
 * Amounts are money units (10^-scale) in plain numbers (each a safe integer, checked), totals in BigInt.
 * The run, the explanation and the report all compute through here.
 */
import { assert } from "../../errors/issues.js";
import { membersById } from "../../genealogy/genealogy.js";
import type { Genealogy } from "../../genealogy/genealogy.js";
import { textOrder } from "../../input/text-order.js";
import { ExactSum, RATE_SCALE, VOLUME_SCALE, pow10 } from "../../money/decimal.js";
import type { MeasureValues } from "../../measures/volumes.js";

/** A compiled payout-cap entry: keys and columns it reads, amounts in money units, the rule. */
export interface CapProgram {
  readonly key: string;
  /** The bonuses capped (their earnings are the pay). */
  readonly of: readonly string[];
  /** The bonuses of `of` never reduced. */
  readonly protectBonuses: readonly string[];
  /** Each member's protected amount of the other bonuses, in money units. */
  readonly protectAmount: number;
  /** Money columns adding to each member's protected amount. */
  readonly protectColumns: readonly string[];
  /** The company rule: the measure index, the share in rate units, money per unit of volume in volume units. */
  readonly company?: { readonly measure: number; readonly share: number; readonly pointValue: number };
  /** The per-member maximum in money units (when there is no company rule). */
  readonly perMember: number;
  /** The plan's money scale. */
  readonly scale: number;
}

/** What the cap reads of a run (a step's RunContext and an explanation's context both provide it). */
export interface CapView {
  readonly genealogy: Genealogy;
  readonly measures: MeasureValues;
  earnings(key: string): Float64Array;
  column(name: string): Float64Array;
}

/** The company figures of a cap, in money units (volume in volume units). */
export interface CapFacts {
  /** Company volume V (company rule). */
  readonly volume?: bigint;
  /** The cap A (company rule). */
  readonly cap?: bigint;
  /** T: the named bonuses' total pay. */
  readonly pay: bigint;
  /** P: the protected pay. */
  readonly protected: bigint;
  /** U: the reducible pay. */
  readonly reducible: bigint;
  /** R: what a biting company cap leaves for the reducible pay (undefined when it does not bite). */
  readonly allowed?: bigint;
  /** C: the total cut. */
  readonly cut: bigint;
  /** Members cut. */
  readonly members: number;
}

/** Per member (money units): pay S, reducible pay p and the cut c; and the company figures. */
export interface CapResult {
  readonly pay: Float64Array;
  readonly reducible: Float64Array;
  readonly cut: Float64Array;
  readonly facts: CapFacts;
}

const SAFE = Number.MAX_SAFE_INTEGER;
const SAFE_BIG = BigInt(SAFE);

/** @internal The cap of one run. */
export function computeCap(view: CapView, p: CapProgram): CapResult {
  const n = view.genealogy.size;
  const pay = new Float64Array(n);
  const shielded = new Float64Array(n);
  for (const k of p.of) {
    const e = view.earnings(k);
    const isProtected = p.protectBonuses.includes(k);
    for (let i = 0; i < n; i++) {
      const v = e[i] as number;
      if (v === 0) continue;
      pay[i] = (pay[i] as number) + v;
      if (isProtected) shielded[i] = (shielded[i] as number) + v;
    }
  }
  const columns = p.protectColumns.map((c) => view.column(c));
  const reducible = new Float64Array(n);
  const payTotal = new ExactSum();
  const reducibleTotal = new ExactSum();
  for (let i = 0; i < n; i++) {
    const s = pay[i] as number;
    // The message is built only when the check fails: this runs once per member.
    if (!Number.isSafeInteger(s)) assert(false, "cap-pay-safe-integer", `${p.key}: member ${i}'s pay from ${p.of.join(", ")}`);
    payTotal.add(s);
    let amount = p.protectAmount;
    for (let k = 0; k < columns.length; k++) amount += (columns[k] as Float64Array)[i] as number;
    const r = s - (shielded[i] as number) - Math.max(0, amount);
    if (r <= 0) continue;
    reducible[i] = r;
    reducibleTotal.add(r);
  }
  const T = payTotal.value();
  const U = reducibleTotal.value();
  const P = T - U;
  const cut = new Float64Array(n);
  let members = 0;
  let C = 0n;
  const settle = () => {
    const total = new ExactSum();
    for (let i = 0; i < n; i++) {
      const c = cut[i] as number;
      if (c === 0) continue;
      members++;
      total.add(c);
    }
    C = total.value();
  };
  if (p.company !== undefined) {
    const volume = new ExactSum();
    const personal = view.measures.personal[p.company.measure] as Float64Array;
    for (let i = 0; i < n; i++) volume.add(personal[i] as number);
    const V = volume.value();
    // share (10^-6) × pointValue (10^-4) × V (10^-4): units of 10^-14, rounded down to money units.
    const A = (BigInt(p.company.share) * BigInt(p.company.pointValue) * V) / pow10(RATE_SCALE + 2 * VOLUME_SCALE - p.scale);
    if (T <= A) return { pay, reducible, cut, facts: { volume: V, cap: A, pay: T, protected: P, reducible: U, cut: 0n, members: 0 } };
    const R = A > P ? A - P : 0n;
    const kept = keepShares(R, U, reducible, view.genealogy);
    for (let i = 0; i < n; i++) cut[i] = (reducible[i] as number) - (kept[i] as number);
    settle();
    return { pay, reducible, cut, facts: { volume: V, cap: A, pay: T, protected: P, reducible: U, allowed: R, cut: C, members } };
  }
  const M = p.perMember;
  for (let i = 0; i < n; i++) {
    const r = reducible[i] as number;
    if (r === 0) continue;
    const q = (pay[i] as number) - r;
    cut[i] = Math.max(0, r - Math.max(0, M - q));
  }
  settle();
  return { pay, reducible, cut, facts: { pay: T, protected: P, reducible: U, cut: C, members } };
}

/**
 * The largest-remainder split of R units by the weights w (R < Σ w = U): ⌊R × w ÷ U⌋ each, then one unit
 * more to each of the R − Σ⌊…⌋ largest remainders `R × w mod U`, equal remainders in member id order.
 */
function keepShares(R: bigint, U: bigint, w: Float64Array, g: Genealogy): Float64Array {
  const n = w.length;
  const kept = new Float64Array(n);
  if (R === 0n) return kept;
  if (U > SAFE_BIG) return keepSharesBig(R, U, w, g);
  const r = Number(R);
  const u = Number(U);
  const bigR = R;
  // rem[i]: the remainder of a member with a weight, -1 for the others (remainders are ≥ 0).
  const rem = new Float64Array(n).fill(-1);
  let given = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const x = w[i] as number;
    if (x <= 0) continue;
    weighted++;
    const product = r * x;
    let share: number;
    let left: number;
    if (product <= SAFE) {
      left = product % u;
      share = (product - left) / u;
    } else {
      const big = bigR * BigInt(x);
      const q = big / U;
      share = Number(q);
      left = Number(big - q * U);
    }
    kept[i] = share;
    rem[i] = left;
    given += share;
  }
  const d = r - given;
  if (d === 0) return kept;
  assert(d > 0 && d < weighted, "cap-largest-remainder", `${d} units left for ${weighted} shares`);
  const values = new Float64Array(weighted);
  for (let i = 0, k = 0; i < n; i++) if ((rem[i] as number) >= 0) values[k++] = rem[i] as number;
  // The d-th largest remainder: every member above it gets a unit, and as many tied at it as are left.
  const t = kthLargest(values, d);
  let left = d;
  let tied = 0;
  for (let i = 0; i < n; i++) {
    const x = rem[i] as number;
    if (x > t) {
      kept[i] = (kept[i] as number) + 1;
      left--;
    } else if (x === t) tied++;
  }
  if (tied === left) {
    for (let i = 0; i < n; i++) if (rem[i] === t) kept[i] = (kept[i] as number) + 1;
    return kept;
  }
  const byId = membersById(g);
  for (let k = 0; left > 0; k++) {
    const i = byId[k] as number;
    if (rem[i] !== t) continue;
    kept[i] = (kept[i] as number) + 1;
    left--;
  }
  return kept;
}

/** {@link keepShares} in BigInt throughout: for a reducible total beyond the safe integers. */
function keepSharesBig(R: bigint, U: bigint, w: Float64Array, g: Genealogy): Float64Array {
  const n = w.length;
  const kept = new Float64Array(n);
  const rem = new Map<number, bigint>();
  let given = 0n;
  for (let i = 0; i < n; i++) {
    const x = w[i] as number;
    if (x <= 0) continue;
    const big = R * BigInt(x);
    const q = big / U;
    kept[i] = Number(q);
    rem.set(i, big - q * U);
    given += q;
  }
  const byId = textOrder(g.ids);
  const order = [...rem.keys()].sort((a, b) => {
    const x = rem.get(a) as bigint;
    const y = rem.get(b) as bigint;
    return x > y ? -1 : x < y ? 1 : byId(a, b);
  });
  for (let k = 0, left = R - given; left > 0n; k++, left--) {
    const i = order[k] as number;
    kept[i] = (kept[i] as number) + 1;
  }
  return kept;
}

/** The k-th largest value of `values` (1-based), by selection; reorders `values`. */
function kthLargest(values: Float64Array, k: number): number {
  // The (len − k)-th smallest, 0-based: Hoare selection with a median-of-three pivot.
  const target = values.length - k;
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    const a = values[lo] as number;
    const b = values[mid] as number;
    const c = values[hi] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const x = values[i] as number;
        values[i] = values[j] as number;
        values[j] = x;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target] as number;
  }
  return values[target] as number;
}
