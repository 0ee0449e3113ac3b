/**
 * Computing a pool (rules: docs/plan-language.md, "`pool`"): the company volume, the fund, every member's
 * shares and the qualifiers' total in one pass; the per-share value; then one line per qualifier. Money is
 * exact: the fund, the per-share value and the remainder are BigInt money units; shares are whole numbers.
 *
 * Invariant: paid + carried + breakage = potential exactly (result.ts checks it on every run).
 */
import { assert } from "../../errors/issues.js";
import { ExactSum, RATE_SCALE, type RoundingMode, VALUE_SCALE, VOLUME_SCALE, divRound, pow10 } from "../../money/decimal.js";
import type { LineSink } from "../../run/lines.js";
import type { LevelAccounting, RunContext } from "../family.js";

/** How a member's shares are counted. */
export type PoolShares =
  | { readonly by: "equal" }
  /** `byRank[r]`: the shares of a member paid as rank index r (0: none listed at or below it). */
  | { readonly by: "rank"; readonly byRank: readonly number[] }
  /** One share per whole `per` (volume units) of the member's personal or group volume of `measure`. */
  | { readonly by: "volume"; readonly measure: number; readonly group: boolean; readonly per: number };

/** A compiled pool entry. */
export interface PoolProgram {
  readonly key: string;
  /** `share` of company volume of measure `of` (rate units), or a fixed `amount` (money units). */
  readonly fund: { readonly share: number; readonly of: number } | { readonly amount: bigint };
  /** The lowest paid-as rank index that shares; -1 for any member. */
  readonly rank: number;
  readonly requiresQualified: boolean;
  readonly shares: PoolShares;
  readonly rounding: RoundingMode;
  readonly carry: boolean;
  readonly moneyScale: number;
}

/** The pool's figures for a run (what the run pays from and explain reads). */
export interface PoolTotals {
  /** Company volume of the fund's measure, in volume units (0 for a fixed fund). */
  readonly volume: bigint;
  /** Carried in, money units. */
  readonly carriedIn: bigint;
  /** Fund potential P, at VALUE_SCALE. */
  readonly potential: bigint;
  /** Fund F, money units. */
  readonly fund: bigint;
  /** Total shares S of the qualifiers. */
  readonly shares: bigint;
  /** Qualifiers. */
  readonly qualifiers: number;
  /** Per-share value v, money units. */
  readonly value: bigint;
  /** Remainder R = F − S × v, money units. */
  readonly remainder: bigint;
  /** Each member's shares as a qualifier (0: not a qualifier). */
  readonly each: Float64Array;
}

type PoolView = Pick<RunContext, "genealogy" | "measures" | "qualified" | "rank">;

/** @internal The shares of member m (whole shares; 0 for none), whatever the pool's rank and qualification. */
export function sharesOf(ctx: PoolView, p: PoolProgram, m: number): number {
  const s = p.shares;
  if (s.by === "equal") return 1;
  if (s.by === "rank") {
    const r = ctx.rank[m] as number;
    return r < 0 ? 0 : (s.byRank[r] as number);
  }
  return wholeShares(((s.group ? ctx.measures.group : ctx.measures.personal)[s.measure] as Float64Array)[m] as number, s.per);
}

/** @internal Whether member m qualifies (shares aside): paid as the pool's rank or higher, and qualified where required. */
export function meetsPool(ctx: PoolView, p: PoolProgram, m: number): boolean {
  return (p.rank < 0 || (ctx.rank[m] as number) >= p.rank) && (!p.requiresQualified || ctx.qualified[m] === 1);
}

/** @internal The pool's fund, shares, per-share value and remainder, given the amount carried in (money units). */
export function poolTotals(ctx: PoolView, p: PoolProgram, carriedIn: bigint): PoolTotals {
  const n = ctx.genealogy.size;
  const toValue = pow10(VALUE_SCALE - p.moneyScale);
  let volume = 0n;
  let potential: bigint;
  if ("share" in p.fund) {
    const personal = ctx.measures.personal[p.fund.of] as Float64Array;
    const sum = new ExactSum();
    for (let m = 0; m < n; m++) sum.add(personal[m] as number);
    volume = sum.value();
    potential = volume * BigInt(p.fund.share) + carriedIn * toValue;
  } else potential = (p.fund.amount + carriedIn) * toValue;
  // Rounded down (toward minus infinity) to whole money units.
  let fund = potential / toValue;
  if (fund * toValue > potential) fund -= 1n;
  const each = qualifierShares(ctx, p);
  const total = new ExactSum();
  let qualifiers = 0;
  for (let m = 0; m < n; m++) {
    const s = each[m] as number;
    if (s === 0) continue;
    total.add(s);
    qualifiers++;
  }
  const shares = total.value();
  const value = shares >= 1n && fund > 0n ? divRound(fund, shares, p.rounding) : 0n;
  return { volume, carriedIn, potential, fund, shares, qualifiers, value, remainder: fund - shares * value, each };
}

/** Every member's shares as a qualifier: 0 for a member who does not qualify (one pass, columns looked up once). */
function qualifierShares(ctx: PoolView, p: PoolProgram): Float64Array {
  const n = ctx.genealogy.size;
  const rank = ctx.rank;
  const qualified = ctx.qualified;
  const out = new Float64Array(n);
  const s = p.shares;
  const volume = s.by === "volume" ? ((s.group ? ctx.measures.group : ctx.measures.personal)[s.measure] as Float64Array) : undefined;
  for (let m = 0; m < n; m++) {
    const r = rank[m] as number;
    if ((p.rank >= 0 && r < p.rank) || (p.requiresQualified && qualified[m] !== 1)) continue;
    if (s.by === "equal") out[m] = 1;
    else if (s.by === "rank") out[m] = r < 0 ? 0 : (s.byRank[r] as number);
    else out[m] = wholeShares(volume?.[m] as number, s.per);
  }
  return out;
}

/** ⌊v / per⌋ exactly: the division in floating point may land on the wrong side of a whole number. */
function wholeShares(v: number, per: number): number {
  let q = Math.floor(v / per);
  if (q * per > v) q--;
  else if ((q + 1) * per <= v) q++;
  return q;
}

/** @internal Runs a pool: one line per qualifier, the closing carried remainder, the accounting. */
export function runPool(run: RunContext, sink: LineSink, bonusIndex: number, p: PoolProgram): LevelAccounting {
  const n = run.genealogy.size;
  const field = `${p.key}.carried`;
  const carriedIn = p.carry ? BigInt((run.opening(field) as Float64Array)[0] as number) : 0n;
  const t = poolTotals(run, p, carriedIn);
  const toValue = pow10(VALUE_SCALE - p.moneyScale);
  if (t.value > 0n) {
    // The per-share value as a line rate (rate units): exact while it is a safe integer.
    const rate = t.value * pow10(RATE_SCALE - p.moneyScale);
    assert(rate <= BigInt(Number.MAX_SAFE_INTEGER), "pool-share-value-range", `pool ${p.key}: a per-share value of ${t.value} units is beyond the exact range of a line rate`);
    const r = Number(rate);
    const unit = 10 ** VOLUME_SCALE;
    for (let m = 0; m < n; m++) {
      const s = t.each[m] as number;
      if (s >= 1) sink.add(m, bonusIndex, 0, 0, 0, -1, s * unit, r);
    }
  }
  if (p.carry) run.close(field, Float64Array.of(Number(t.remainder)));
  run.work.add(`bonus:${p.key}`, 2 * n);
  const remainder = t.remainder * toValue;
  return {
    potential: t.potential,
    paid: t.shares * t.value * toValue,
    compressedUp: 0n,
    ...(p.carry ? { carried: remainder } : {}),
    breakage: { undistributed: p.carry ? 0n : remainder, "below-unit": t.potential - t.fund * toValue },
  };
}
