/**
 * Settling a bonus's earnings: the amount each member receives from one bonus, in money units, rounded by
 * the plan's policy exactly as the member's statement shows it. A step that reads `earnings.<key>` (a
 * matching bonus, a cap) reads these. The step's lines are contiguous in the sink (a step appends all of
 * its lines while it runs), so settling is one pass over them.
 */
import { assert } from "../errors/issues.js";
import { VALUE_SCALE, divRound, mulShiftRoundNumber, pow10 } from "../money/decimal.js";
import type { CompiledPlan } from "../plan/compile.js";
import type { LineSink } from "./lines.js";

/**
 * @internal Per member, the rounded amount of the lines `from .. to-1` of `sink` (one bonus's lines): with
 * rounding per line, the sum of the rounded lines; per bonus, the member's exact sum rounded once.
 */
export function settleEarnings(sink: LineSink, from: number, to: number, members: number, compiled: Pick<CompiledPlan, "moneyScale" | "rounding" | "roundingApplies">): Float64Array {
  const shift = VALUE_SCALE - compiled.moneyScale;
  const mode = compiled.rounding;
  const out = new Float64Array(members);
  if (compiled.roundingApplies === "line") {
    for (let l = from; l < to; l++) {
      const r = sink.recipient[l] as number;
      out[r] = (out[r] as number) + mulShiftRoundNumber(sink.base[l] as number, sink.rate[l] as number, shift, mode);
    }
    for (let l = from; l < to; l++) assert(Number.isSafeInteger(out[sink.recipient[l] as number]), "amount-safe-integer", `member ${sink.recipient[l]}`);
    return out;
  }
  // Exact sums in plain numbers while every product and sum is a safe integer; a member whose sum leaves
  // that range is summed again in BigInt.
  const exact = new Float64Array(members);
  let big: Set<number> | undefined;
  for (let l = from; l < to; l++) {
    const r = sink.recipient[l] as number;
    const product = (sink.base[l] as number) * (sink.rate[l] as number);
    const sum = (exact[r] as number) + product;
    // Past the safe range either term may be inexact (and signed lines can bring a sum back under it).
    if (Math.abs(product) > Number.MAX_SAFE_INTEGER || Math.abs(sum) > Number.MAX_SAFE_INTEGER) (big ??= new Set()).add(r);
    exact[r] = sum;
  }
  const touched = new Uint8Array(members);
  for (let l = from; l < to; l++) touched[sink.recipient[l] as number] = 1;
  for (let i = 0; i < members; i++) if (touched[i] === 1 && big?.has(i) !== true) out[i] = mulShiftRoundNumber(exact[i] as number, 1, shift, mode);
  if (big !== undefined) {
    const sums = new Map<number, bigint>();
    for (let l = from; l < to; l++) {
      const r = sink.recipient[l] as number;
      if (big.has(r)) sums.set(r, (sums.get(r) ?? 0n) + BigInt(sink.base[l] as number) * BigInt(sink.rate[l] as number));
    }
    for (const [r, sum] of sums) {
      const amount = divRound(sum, pow10(shift), mode);
      assert(amount <= BigInt(Number.MAX_SAFE_INTEGER) && amount >= -BigInt(Number.MAX_SAFE_INTEGER), "amount-safe-integer", `member ${r}`);
      out[r] = Number(amount);
    }
  }
  return out;
}
