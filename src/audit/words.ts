/** Small helpers for the sentences explanations and reports give people. */
import { formatTrimmed, groupDigits } from "../money/decimal.js";

/** @internal Groups the integer digits of a decimal string: "1234567.5" → "1,234,567.5". */
export const grouped = groupDigits;


/** @internal A rate in units of 10^-6 as a percentage: 50000 → "5%", 125 → "0.0125%". */
export function percentUnits(rate: number): string {
  return `${formatTrimmed(BigInt(rate), 4)}%`;
}

/** @internal "1 member", "2 members". */
export function plural(n: number, word: string): string {
  return `${grouped(String(n))} ${word}${n === 1 ? "" : "s"}`;
}
