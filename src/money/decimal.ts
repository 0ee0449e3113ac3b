/**
 * Exact decimal arithmetic for the engine. This folder is the only place that imports decimal.js.
 *
 * The hot loops keep amounts as exact scaled integers: a value `x` at scale `s` is the integer `x * 10^s`.
 * Volumes use {@link VOLUME_SCALE}, rates {@link RATE_SCALE}; their product is exact at {@link VALUE_SCALE}.
 * Rounding to a plan's money scale is integer division with a named rounding mode, done in plain numbers
 * while the product is a safe integer and in BigInt beyond that, so results never depend on binary floats.
 */
import { Decimal } from "decimal.js";

/** Decimal places a volume may have. Volumes are held as integers in units of 10^-4. */
export const VOLUME_SCALE = 4;
/** Decimal places a rate or share may have. Rates are held as integers in units of 10^-6. */
export const RATE_SCALE = 6;
/** Scale of an exact value `volume × rate`. */
export const VALUE_SCALE = VOLUME_SCALE + RATE_SCALE;
/** Largest money scale a plan may choose. */
export const MONEY_SCALE_MAX = 4;
/** Largest single order volume accepted. */
export const VOLUME_MAX = "1000000000";

/** How an exact value is rounded to the money scale. Named as in the plan language. */
export type RoundingMode = "half-up" | "half-even" | "half-down" | "down" | "up";

/** The rounding modes, in documentation order. */
export const ROUNDING_MODES: readonly RoundingMode[] = ["half-up", "half-even", "half-down", "down", "up"];

// A private decimal.js constructor: a host application's Decimal.set() cannot change our results.
const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -60, toExpPos: 60 });

const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Why a string is not accepted as a decimal at a given scale. */
export type DecimalProblem = "format" | "precision";

/**
 * Parses a plain decimal string ("12", "0.05", "-3.5") into an integer at `scale`.
 * Rejects exponents, signs other than a leading minus, blanks and more decimal places than `scale`.
 */
export function parseUnits(text: string, scale: number): bigint | DecimalProblem {
  const m = DECIMAL_RE.exec(text);
  if (m === null) return "format";
  const frac = m[3] ?? "";
  if (frac.length > scale && !/^0*$/.test(frac.slice(scale))) return "precision";
  const digits = (m[2] ?? "0") + frac.slice(0, scale).padEnd(scale, "0");
  const u = BigInt(digits);
  return m[1] === "-" ? -u : u;
}

/** Renders an integer at `scale` with exactly `scale` decimal places ("12.50"). */
export function formatFixed(units: bigint, scale: number): string {
  const neg = units < 0n;
  const s = (neg ? -units : units).toString().padStart(scale + 1, "0");
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale);
  return `${neg ? "-" : ""}${int}${scale > 0 ? `.${frac}` : ""}`;
}

/** Renders an integer at `scale` with at least `minScale` decimal places and no trailing zeros beyond. */
export function formatTrimmed(units: bigint, scale: number, minScale = 0): string {
  const fixed = formatFixed(units, scale);
  if (scale <= minScale) return fixed;
  const dot = fixed.indexOf(".");
  let end = fixed.length;
  const keep = dot + 1 + minScale;
  while (end > keep && fixed.charCodeAt(end - 1) === 48) end -= 1;
  if (end === dot + 1) end = dot;
  return fixed.slice(0, end);
}

/** Groups the integer digits of a decimal string for people: "-1234567.50" → "-1,234,567.50". */
export function groupDigits(text: string): string {
  const neg = text.startsWith("-");
  const body = neg ? text.slice(1) : text;
  const dot = body.indexOf(".");
  const int = dot < 0 ? body : body.slice(0, dot);
  const frac = dot < 0 ? "" : body.slice(dot);
  return `${neg ? "-" : ""}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${frac}`;
}

/** Renders a volume held at {@link VOLUME_SCALE} in its shortest exact form ("100", "12.5"). */
export function formatVolume(units: number | bigint): string {
  return typeof units === "number" ? formatNumberUnits(units, VOLUME_SCALE, 0) : formatTrimmed(units, VOLUME_SCALE);
}

/** Renders a rate held at {@link RATE_SCALE} in its shortest exact form ("0.05"). */
export function formatRate(units: number | bigint): string {
  return typeof units === "number" ? formatNumberUnits(units, RATE_SCALE, 0) : formatTrimmed(units, RATE_SCALE);
}

/**
 * {@link formatTrimmed} for a plain-number integer (and {@link formatFixed} with `minScale = scale`),
 * without BigInt: the same text for every safe integer, BigInt only beyond. Hot in statement rendering.
 */
export function formatNumberUnits(units: number, scale: number, minScale: number): string {
  if (!Number.isSafeInteger(units) || scale > 15) return formatTrimmed(BigInt(units), scale, minScale);
  const neg = units < 0;
  const a = neg ? -units : units;
  const d = NUM_POW10[scale] as number;
  let int = Math.floor(a / d);
  let frac = a - int * d;
  // a / d may be off by one near an integer in floating point: correct with the exact remainder.
  if (frac < 0) {
    int -= 1;
    frac += d;
  } else if (frac >= d) {
    int += 1;
    frac -= d;
  }
  let digits = scale > 0 ? String(frac).padStart(scale, "0") : "";
  let end = digits.length;
  while (end > minScale && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  return `${neg && a !== 0 ? "-" : ""}${int}${digits === "" ? "" : `.${digits}`}`;
}

/** 10^n as a BigInt, for n in 0..40. */
export function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}
const POW10: bigint[] = Array.from({ length: 41 }, (_, i) => 10n ** BigInt(i));

/**
 * Divides `n` by `d` (d > 0) and rounds the quotient with `mode`. Exact for any BigInt operands.
 */
export function divRound(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  let q = a / d;
  const r = a - q * d;
  if (r !== 0n) {
    const twice = r * 2n;
    switch (mode) {
      case "down":
        break;
      case "up":
        q += 1n;
        break;
      case "half-up":
        if (twice >= d) q += 1n;
        break;
      case "half-down":
        if (twice > d) q += 1n;
        break;
      case "half-even":
        if (twice > d || (twice === d && (q & 1n) === 1n)) q += 1n;
        break;
    }
  }
  return neg ? -q : q;
}

/**
 * {@link mulShiftRound} as a plain number, for the hot loop: no BigInt is made while the product is a
 * safe integer. Throws a RangeError when the result is not a safe integer.
 */
export function mulShiftRoundNumber(a: number, b: number, shift: number, mode: RoundingMode): number {
  const p = a * b;
  if (Math.abs(p) <= Number.MAX_SAFE_INTEGER && shift <= 15) return roundSigned(p, NUM_POW10[shift] as number, mode);
  const big = divRound(BigInt(a) * BigInt(b), pow10(shift), mode);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`amount ${big} is beyond the exact range`);
  return Number(big);
}

/**
 * p / d rounded with `mode` for a safe integer p of either sign, rounding the magnitude as {@link divRound}
 * does ("down" toward zero, "up" away from it, halves by the mode), and never giving -0.
 */
function roundSigned(p: number, d: number, mode: RoundingMode): number {
  if (p > 0) return roundQuotient(p, d, mode);
  if (p === 0) return 0; // also for -0, which a product with a negative operand can be
  const q = roundQuotient(-p, d, mode);
  return q === 0 ? 0 : -q;
}

/** floor(p / d) rounded with `mode`, for non-negative safe integers p and d. */
function roundQuotient(p: number, d: number, mode: RoundingMode): number {
  let q = Math.floor(p / d);
  let r = p - q * d;
  // p / d in floating point may be off by one ulp near an integer: correct with the exact remainder.
  if (r < 0) {
    q -= 1;
    r += d;
  } else if (r >= d) {
    q += 1;
    r -= d;
  }
  if (r !== 0) {
    const twice = r * 2;
    switch (mode) {
      case "down":
        break;
      case "up":
        q += 1;
        break;
      case "half-up":
        if (twice >= d) q += 1;
        break;
      case "half-down":
        if (twice > d) q += 1;
        break;
      case "half-even":
        if (twice > d || (twice === d && q % 2 === 1)) q += 1;
        break;
    }
  }
  return q;
}

/**
 * Rounds the exact product `a × b` (safe integers of either sign) divided by `10^shift`, with `mode`.
 * Uses plain-number integer arithmetic while every intermediate is a safe integer, BigInt otherwise;
 * the two paths give identical results (a property test proves it against decimal.js).
 */
export function mulShiftRound(a: number, b: number, shift: number, mode: RoundingMode): bigint {
  const p = a * b;
  if (Math.abs(p) <= Number.MAX_SAFE_INTEGER && shift <= 15) return BigInt(roundSigned(p, NUM_POW10[shift] as number, mode));
  return divRound(BigInt(a) * BigInt(b), pow10(shift), mode);
}
const NUM_POW10: number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** Rounds an integer at `fromScale` to `toScale` (toScale ≤ fromScale) with `mode`. */
export function rescale(units: bigint, fromScale: number, toScale: number, mode: RoundingMode): bigint {
  if (toScale >= fromScale) return units * pow10(toScale - fromScale);
  return divRound(units, pow10(fromScale - toScale), mode);
}

/**
 * The ratio `numerator / denominator` of two integers at the same scale, as a decimal string with
 * `places` decimal places (half-even). Returns null when the denominator is zero.
 */
export function formatRatio(numerator: bigint, denominator: bigint, places: number): string | null {
  if (denominator === 0n) return null;
  return new D(numerator.toString()).div(new D(denominator.toString())).toFixed(places, Decimal.ROUND_HALF_EVEN);
}

/**
 * Converts a plain decimal string to its canonical form: no leading zeros, no trailing fractional zeros,
 * no "-0" ("0100.50" → "100.5"). Returns null when the text is not a plain decimal.
 */
export function canonicalDecimal(text: string): string | null {
  if (!DECIMAL_RE.test(text)) return null;
  const d = new D(text);
  return d.isZero() ? "0" : d.toFixed();
}

/** Compares two plain decimal strings numerically: -1, 0 or 1. Both must be valid decimals. */
export function compareDecimal(a: string, b: string): number {
  return new D(a).comparedTo(new D(b));
}

/**
 * An exact running sum of safe integers of either sign: adds in plain numbers and moves the sum into a
 * BigInt before it could leave the safe-integer range, so no addition is ever rounded.
 */
export class ExactSum {
  private small = 0;
  private big = 0n;

  /** Adds a safe integer. */
  add(x: number): void {
    if (Math.abs(this.small + x) > Number.MAX_SAFE_INTEGER) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
    this.small += x;
  }

  /** The exact sum. */
  value(): bigint {
    return this.big + BigInt(this.small);
  }
}

/**
 * An exact sum of products `base × rate` (safe integers of either sign), bucketed by rate so that a run
 * of millions of lines needs one BigInt multiplication per distinct rate, not per line.
 */
export class ExactProductSum {
  private readonly buckets = new Map<number, ExactSum>();

  /** Adds `base × rate`. */
  add(base: number, rate: number): void {
    let b = this.buckets.get(rate);
    if (b === undefined) {
      b = new ExactSum();
      this.buckets.set(rate, b);
    }
    b.add(base);
  }

  /** The exact sum of every product added. */
  value(): bigint {
    let total = 0n;
    for (const [rate, sum] of this.buckets) total += sum.value() * BigInt(rate);
    return total;
  }
}
