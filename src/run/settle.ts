/**
 * Settling: the one place rounding is defined. Each bonus's lines are settled right after its step runs,
 * into the amount each member receives from it, in money units, rounded by the plan's policy: with
 * rounding per line, each line is rounded ({@link lineUnits}) and a member's amount is the sum of their
 * rounded lines; per bonus, a member's exact sum is rounded once. A later step that reads
 * `earnings.<key>` (a matching bonus, a cap) reads these amounts; statements, the summary, CSV and explain
 * show them. A step's lines are contiguous in the sink (a step appends all of its lines while it runs), so
 * settling is one pass over them.
 */
import { assert } from "../errors/issues.js";
import { VALUE_SCALE, divRound, mulShiftRoundNumber, pow10 } from "../money/decimal.js";
import type { CompiledPlan } from "../plan/compile.js";
import { LineSink } from "./lines.js";

/** The plan's money policy, as settling reads it. */
export type MoneyPolicy = Pick<CompiledPlan, "moneyScale" | "rounding" | "roundingApplies">;

/** @internal Line l of `sink` rounded alone to money units (what a line shows when rounding is per line). */
export function lineUnits(sink: LineSink, l: number, policy: MoneyPolicy): number {
  return mulShiftRoundNumber(sink.base[l] as number, sink.rate[l] as number, VALUE_SCALE - policy.moneyScale, policy.rounding);
}

/**
 * @internal Per member, the rounded amount of the lines `from .. to-1` of `sink` (one bonus's lines): with
 * rounding per line, the sum of the rounded lines; per bonus, the member's exact sum rounded once. A member
 * without a line of the bonus has 0.
 */
export function settleEarnings(sink: LineSink, from: number, to: number, members: number, policy: MoneyPolicy): Float64Array {
  const out = new Float64Array(members);
  if (policy.roundingApplies === "line") {
    for (let l = from; l < to; l++) {
      const r = sink.recipient[l] as number;
      out[r] = (out[r] as number) + lineUnits(sink, l, policy);
    }
    for (let l = from; l < to; l++) assert(Number.isSafeInteger(out[sink.recipient[l] as number]), "amount-safe-integer", `member ${sink.recipient[l]}`);
    return out;
  }
  // Exact sums in plain numbers while every product and sum is a safe integer; a member whose sum leaves
  // that range is summed again in BigInt. `out` holds the exact sums until each is rounded in place.
  const shift = VALUE_SCALE - policy.moneyScale;
  const mode = policy.rounding;
  let big: Set<number> | undefined;
  for (let l = from; l < to; l++) {
    const r = sink.recipient[l] as number;
    const product = (sink.base[l] as number) * (sink.rate[l] as number);
    const sum = (out[r] as number) + product;
    // Past the safe range either term may be inexact (and signed lines can bring a sum back under it).
    if (Math.abs(product) > Number.MAX_SAFE_INTEGER || Math.abs(sum) > Number.MAX_SAFE_INTEGER) (big ??= new Set()).add(r);
    out[r] = sum;
  }
  const rounded = new Uint8Array(members);
  for (let l = from; l < to; l++) {
    const r = sink.recipient[l] as number;
    if (rounded[r] === 1) continue;
    rounded[r] = 1;
    if (big?.has(r) !== true) out[r] = mulShiftRoundNumber(out[r] as number, 1, shift, mode);
  }
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

/**
 * @internal Settles every bonus of a finished sink whose lines need not be contiguous (one pass per bonus
 * over the lines in sink order): `out[b]` per member, as {@link settleEarnings} gives.
 */
export function settleAll(sink: LineSink, bonuses: number, members: number, policy: MoneyPolicy): Float64Array[] {
  const out: Float64Array[] = [];
  for (let b = 0; b < bonuses; b++) {
    const own = new LineSink(1);
    for (let l = 0; l < sink.count; l++) {
      if (sink.bonus[l] === b) own.add(sink.recipient[l] as number, b, 0, 0, 0, -1, sink.base[l] as number, sink.rate[l] as number);
    }
    out.push(settleEarnings(own, 0, own.count, members, policy));
  }
  return out;
}
