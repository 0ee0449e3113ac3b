/**
 * Exact allocation: splitting an amount into shares by weights, in whole units of the money scale, with
 * nothing created or lost. Pools split a fund among qualifiers, payout caps scale pay down pro rata, and
 * per-source lines share a rounded amount: each needs shares that add up exactly.
 *
 * Share k's exact value is `amount × weight_k / Σ weights`, a rational number of units. Two methods turn
 * these into whole units:
 *
 * - `largest-remainder`: every share is its exact value truncated toward zero; the units still missing are
 *   handed out one each to the shares with the largest fractional parts (ties: the earlier share first). The
 *   shares add up to the amount and the remainder is 0.
 * - `truncate`: every share is its exact value truncated toward zero; what is left is the `remainder`,
 *   reported (breakage, or carried to the next period's fund by a plan that says so).
 *
 * Either way no share is a whole unit or more away from its exact value. A negative amount is split by its
 * magnitude and every share negated, so a clawback splits exactly as the payment it reverses.
 */
import { assert } from "../errors/issues.js";

/** How {@link allocate} turns exact shares into whole units. */
export type AllocationMethod = "largest-remainder" | "truncate";

/** What {@link allocate} returns: one share per weight, and the units not allocated. */
export interface Allocation {
  /** One share per weight, in whole units, in the weights' order. */
  readonly shares: bigint[];
  /** `amount − Σ shares`: 0 for `largest-remainder`; for `truncate`, of the amount's sign and fewer units than there are shares with a weight. */
  readonly remainder: bigint;
}

/**
 * Splits `amount` (whole units) by `weights` (non-negative integers; scale them to integers first).
 * With no weight above zero, nothing is allocated: every share is 0 and the remainder is the amount.
 *
 * @example
 * ```ts
 * allocate(100n, [1n, 1n, 1n], "largest-remainder"); // { shares: [34n, 33n, 33n], remainder: 0n }
 * allocate(100n, [1n, 1n, 1n], "truncate");          // { shares: [33n, 33n, 33n], remainder: 1n }
 * ```
 */
export function allocate(amount: bigint, weights: readonly bigint[], method: AllocationMethod): Allocation {
  let total = 0n;
  for (const w of weights) {
    assert(w >= 0n, "allocation-weight-non-negative", `weight ${w}`);
    total += w;
  }
  if (total === 0n) return { shares: weights.map(() => 0n), remainder: amount };
  const negative = amount < 0n;
  const magnitude = negative ? -amount : amount;
  const shares = new Array<bigint>(weights.length);
  const fractions = new Array<bigint>(weights.length);
  let given = 0n;
  for (let k = 0; k < weights.length; k++) {
    const numerator = magnitude * (weights[k] as bigint);
    const share = numerator / total;
    shares[k] = share;
    fractions[k] = numerator - share * total;
    given += share;
  }
  let left = magnitude - given;
  if (method === "largest-remainder" && left > 0n) {
    // Fewer units are left than there are shares with a fraction: each gets at most one.
    const order = weights.map((_, k) => k).sort((a, b) => {
      const fa = fractions[a] as bigint;
      const fb = fractions[b] as bigint;
      return fa > fb ? -1 : fa < fb ? 1 : a - b;
    });
    for (let j = 0; left > 0n; j++) {
      const k = order[j] as number;
      shares[k] = (shares[k] as bigint) + 1n;
      left -= 1n;
    }
  }
  return { shares: negative ? shares.map((s) => -s) : shares, remainder: negative ? -left : left };
}
