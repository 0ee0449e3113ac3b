/**
 * Validated plan decimals as the engine's scaled integers. A leaf module: bonus families import it without
 * importing the plan compiler (which imports the family registry, and so every family).
 */
import { assert } from "../errors/issues.js";
import { RATE_SCALE, VOLUME_SCALE, parseUnits } from "../money/decimal.js";

/** @internal Volume decimal string (already validated) → units of 10^-4. */
export function volumeUnits(text: string): number {
  const u = parseUnits(text, VOLUME_SCALE);
  assert(typeof u === "bigint", "validated-volume", `"${text}" is not a volume`);
  return Number(u);
}

/** @internal Rate decimal string (already validated) → units of 10^-6. */
export function rateUnits(text: string): number {
  const u = parseUnits(text, RATE_SCALE);
  assert(typeof u === "bigint", "validated-rate", `"${text}" is not a rate`);
  return Number(u);
}

/** @internal A decimal string (already validated, at most `scale` places) → units of 10^-scale. */
export function decimalUnits(text: string, scale: number): number {
  const u = parseUnits(text, scale);
  assert(typeof u === "bigint", "validated-units", `"${text}" has more than ${scale} places`);
  return Number(u);
}
