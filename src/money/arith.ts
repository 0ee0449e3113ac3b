/**
 * Exact arithmetic on the decimal strings compplan writes (amounts, exact values, shares), for code that
 * compares finished runs: a difference or a sum is computed on scaled BigInt integers, never on floats.
 * Built on the scaled-integer helpers of ./decimal.ts; no decimal.js value is created here.
 */
import { assert } from "../errors/issues.js";
import { formatTrimmed, parseUnits } from "./decimal.js";

/** Number of decimal places written in a plain decimal string ("12.50" → 2, "3" → 0). */
export function decimalPlaces(text: string): number {
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** @internal A plain decimal string that compplan wrote, as an integer at `scale` (exact). */
export function decimalToUnits(text: string, scale: number): bigint {
  const u = parseUnits(text, scale);
  assert(typeof u === "bigint", "decimal-string", `"${text}" is not a decimal with at most ${scale} places`);
  return u;
}

/**
 * The exact difference `after − before` of two plain decimal strings, written with at least `minPlaces`
 * decimal places and no trailing zeros beyond ("12.50" − "10.00" → "2.50"; "0.0125" − "0.01" → "0.0025").
 */
export function subtractDecimals(after: string, before: string, minPlaces: number): string {
  const scale = Math.max(decimalPlaces(after), decimalPlaces(before), minPlaces);
  return formatTrimmed(decimalToUnits(after, scale) - decimalToUnits(before, scale), scale, minPlaces);
}

/**
 * The exact sum of plain decimal strings, written with at least `minPlaces` decimal places and no
 * trailing zeros beyond. The sum of no values is zero.
 */
export function sumDecimals(values: readonly string[], minPlaces: number): string {
  let scale = minPlaces;
  for (const v of values) scale = Math.max(scale, decimalPlaces(v));
  let total = 0n;
  for (const v of values) total += decimalToUnits(v, scale);
  return formatTrimmed(total, scale, minPlaces);
}


/** Re-exported from decimal.ts, where the engine's own hot loop uses it. */
export { mulShiftRoundNumber } from "./decimal.js";
