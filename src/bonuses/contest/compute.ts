/**
 * Computing a contest (rules: docs/plan-language.md, "`contest`"): where the run's period lies in the
 * window, each member's points this period (weights × volumes, rounded down to 4 places) and so far, and
 * the tier reached. The run, the explanation and the report all compute through here.
 */
import type { Period } from "../../run/period.js";
import type { MeasureValues } from "../../measures/volumes.js";

/** A compiled contest entry: the window's days, the points entries, the tiers in volume and money units. */
export interface ContestProgram {
  readonly key: string;
  /** The window's first and last day, YYYY-MM-DD. */
  readonly start: string;
  readonly end: string;
  /** Points entries: a measure index, group (else personal) volume, points per unit in volume units. */
  readonly points: readonly { readonly measure: number; readonly group: boolean; readonly weight: number }[];
  readonly requiresQualified: boolean;
  /** Per tier (lowest first): its name, threshold in volume units, award amount in money units (0: none), award name index (-1: none). */
  readonly tiers: readonly { readonly name: string; readonly threshold: number; readonly amount: number; readonly award: number }[];
  /** The non-money award names, by index. */
  readonly awards: readonly string[];
  readonly scale: number;
}

/** Where a period lies in the window: before it, in it (first and/or final period), or after it. */
export interface WindowPlace {
  readonly status: "before" | "running" | "final" | "after";
  /** The period is in the window. */
  readonly inWindow: boolean;
  /** The window's first period: points start from zero. */
  readonly first: boolean;
  /** The window's final period: awards are given. */
  readonly final: boolean;
}

/** @internal Where period `p` lies in the window (dates compare as text, YYYY-MM-DD). */
export function windowPlace(p: Pick<ContestProgram, "start" | "end">, period: Period): WindowPlace {
  if (period.end < p.start) return { status: "before", inWindow: false, first: false, final: false };
  if (period.start > p.end) return { status: "after", inWindow: false, first: false, final: false };
  const final = period.end >= p.end;
  return { status: final ? "final" : "running", inWindow: true, first: period.start <= p.start, final };
}

const SAFE = Number.MAX_SAFE_INTEGER;
/** Volume units per unit (10^4): weight (10^-4) × volume (10^-4) is in 10^-8. */
const UNIT = 10_000;

/** @internal Member i's points this period, in volume units: Σ weight × volume rounded down to 4 places. */
export function periodPoints(measures: MeasureValues, p: ContestProgram, i: number): number {
  let sum = 0;
  for (const e of p.points) sum += ((e.group ? measures.group : measures.personal)[e.measure] as Float64Array)[i] as number * e.weight;
  if (sum <= SAFE) return (sum - (sum % UNIT)) / UNIT;
  // Beyond the safe integers: the exact sum in BigInt (points are then kept at most SAFE, see below).
  let big = 0n;
  for (const e of p.points) big += BigInt(((e.group ? measures.group : measures.personal)[e.measure] as Float64Array)[i] as number) * BigInt(e.weight);
  const x = big / BigInt(UNIT);
  return x > BigInt(SAFE) ? SAFE : Number(x);
}

/** @internal Points so far: carried + this period's, counted up to the most a state volume keeps. */
export function pointsSoFar(carried: number, thisPeriod: number): number {
  const t = carried + thisPeriod;
  return t > SAFE ? SAFE : t;
}

/** @internal The tier number (1 = the lowest) the points reach, 0 for none. */
export function tierOf(p: ContestProgram, points: number): number {
  let t = 0;
  while (t < p.tiers.length && (p.tiers[t] as { threshold: number }).threshold <= points) t++;
  return t;
}

/** @internal Per member: points this period and so far, and the tier (0 outside the window). */
export function contestPoints(view: { readonly measures: MeasureValues; readonly period: Period; opening(field: string): Float64Array | undefined }, p: ContestProgram, n: number) {
  const place = windowPlace(p, view.period);
  const period = new Float64Array(n);
  const points = new Float64Array(n);
  const tier = new Float64Array(n);
  if (!place.inWindow) return { place, period, points, tier };
  const opening = place.first ? undefined : view.opening(`${p.key}.points`);
  for (let i = 0; i < n; i++) {
    const x = periodPoints(view.measures, p, i);
    const total = pointsSoFar(opening === undefined ? 0 : (opening[i] as number), x);
    period[i] = x;
    points[i] = total;
    if (total > 0) tier[i] = tierOf(p, total);
  }
  return { place, period, points, tier };
}
