/**
 * Exact decimals for the reference engine and the canonical forms it writes them in
 * (docs/statements.md "Canonical form"; docs/plan-language.md "Money and rounding"). Every amount, volume and
 * rate of the reference engine is a decimal.js value made here: never a JavaScript floating-point number.
 */
import { Decimal } from "decimal.js";

/** Every computation uses 80 significant digits, far more than any value in a valid run needs. */
export const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_EVEN });
export const ZERO = new D(0);
export type { Decimal };

/** Never write a negative zero. */
function noNegativeZero(x: Decimal): Decimal {
  return x.isZero() ? ZERO : x;
}

/** "volume, counted volume, leg cap" and "rate, share": the shortest exact form ("100", "0.05", "0"). */
export function fmtShort(x: Decimal): string {
  // decimal.js keeps no trailing zeros, and toFixed() without arguments never uses exponent notation.
  return noNegativeZero(x).toFixed();
}

/** "money amount (rounded)": exactly money.scale decimal places. */
export function fmtMoney(x: Decimal, scale: number): string {
  return noNegativeZero(x).toFixed(scale);
}

/** "exact value (before rounding)": at least money.scale decimal places, no trailing zeros beyond. */
export function fmtExact(x: Decimal, scale: number): string {
  const v = noNegativeZero(x);
  return v.decimalPlaces() <= scale ? v.toFixed(scale) : v.toFixed();
}

/** plan-language.md "Money and rounding": the five modes, mapped to decimal.js. */
export function roundingMode(mode: string): Decimal.Rounding {
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

/** The sum of some exact values (0 for none). */
export function sum(xs: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const x of xs) total = total.plus(x);
  return total;
}
