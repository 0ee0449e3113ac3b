/**
 * Computing a rank-advancement bonus (rules: docs/plan-language.md, "`rank-advancement`"): per member, the
 * ranks reached this period (above the opening `rank.highest`, up to the paid-as rank) start their
 * instalments, and the instalments in progress (the opening `<key>.paid.<Rank>`) go on, wait or are
 * forfeited. One pass over the members, each over the listed ranks: linear.
 *
 * Invariant: paid + breakage = potential exactly (result.ts checks it on every run).
 */
import { assert } from "../../errors/issues.js";
import { ExactSum, RATE_SCALE, VALUE_SCALE, VOLUME_SCALE, pow10 } from "../../money/decimal.js";
import { LINE_FIXED, type LineSink } from "../../run/lines.js";
import type { LevelAccounting, RunContext } from "../family.js";

/** A compiled rank-advancement entry. */
export interface AdvancementProgram {
  readonly key: string;
  /** Per rank index: its amount in money units, 0 when not listed or listed at 0. */
  readonly amounts: readonly number[];
  /** The state field of each listed rank's instalment count (`<key>.paid.<Rank>`), by rank index; empty with one instalment. */
  readonly fields: readonly (string | undefined)[];
  readonly instalments: number;
  readonly forfeit: boolean;
  /** `withoutState: skip`. */
  readonly skip: boolean;
  readonly requiresQualified: boolean;
  readonly moneyScale: number;
}

/** @internal Instalment i (1-based) of `amount` money units in `n` instalments. */
export function instalment(amount: number, n: number, i: number): number {
  return Math.floor(amount / n) + (i <= amount % n ? 1 : 0);
}

/** @internal The instalments after the first `paid` of `amount` in `n`, in money units. */
export function remaining(amount: number, n: number, paid: number): number {
  return (n - paid) * Math.floor(amount / n) + Math.max(0, (amount % n) - paid);
}

/** What happens to one rank of one member this period. */
export type AdvancementStep =
  | { readonly kind: "none" }
  /** Instalment `i` is paid (`reached`: the rank was reached this period). */
  | { readonly kind: "paid"; readonly i: number; readonly amount: number; readonly reached: boolean }
  /** Lost: the whole amount (reached while unqualified) or the rest (forfeited), by reason. */
  | { readonly kind: "lost"; readonly amount: number; readonly reason: "member-unqualified" | "rank-lost"; readonly reached: boolean; readonly paid: number }
  /** An instalment waits (`whenLost: pause`): `paid` so far. */
  | { readonly kind: "paused"; readonly paid: number };

/** What a member's rank k (index) does this period, from the opening highest rank `h`, paid-as `r` and instalments paid `p`. */
export function advancementStep(p: AdvancementProgram, k: number, h: number, r: number, qualified: boolean, paid: number): AdvancementStep {
  const amount = p.amounts[k] as number;
  if (amount <= 0) return { kind: "none" };
  const okQualified = !p.requiresQualified || qualified;
  const N = p.instalments;
  if (h < k && k <= r) {
    if (okQualified) return { kind: "paid", i: 1, amount: instalment(amount, N, 1), reached: true };
    return { kind: "lost", amount, reason: "member-unqualified", reached: true, paid: 0 };
  }
  // Nothing running; a count of N or more (a state of a plan with more instalments) has nothing outstanding.
  if (N === 1 || paid < 1 || paid >= N) return { kind: "none" };
  if (r >= k && okQualified) return { kind: "paid", i: paid + 1, amount: instalment(amount, N, paid + 1), reached: false };
  if (!p.forfeit) return { kind: "paused", paid };
  return { kind: "lost", amount: remaining(amount, N, paid), reason: r < k ? "rank-lost" : "member-unqualified", reached: false, paid };
}

/** @internal The opening highest rank a member is taken to have held: none without state, its paid-as rank under `skip`. */
export function heldBefore(p: AdvancementProgram, openingGiven: boolean, highest: Float64Array, r: number, m: number): number {
  if (!openingGiven && p.skip) return Math.max(highest[m] as number, r);
  return highest[m] as number;
}

const ONE = 10 ** RATE_SCALE;

/** @internal Runs a rank-advancement bonus: one fixed line per rank paid, the closing instalment counts, the accounting. */
export function runAdvancement(run: RunContext, sink: LineSink, bonusIndex: number, p: AdvancementProgram): LevelAccounting {
  const n = run.genealogy.size;
  const highest = run.opening("rank.highest");
  assert(highest !== undefined, "advancement-rank-state", `${p.key}: a plan with a rank-advancement bonus keeps rank state`);
  const opening = p.fields.map((f) => (f === undefined ? undefined : (run.opening(f) as Float64Array)));
  const closing = opening.map((o) => (o === undefined ? undefined : new Float64Array(n)));
  const rank = run.rank;
  const qualified = run.qualified;
  // Without an opening state under `skip`, every member is taken to have held their paid-as rank already.
  const skipAll = !run.openingGiven && p.skip;
  const toBase = 10 ** (VOLUME_SCALE - p.moneyScale);
  const paid = new ExactSum();
  const unqualified = new ExactSum();
  const lost = new ExactSum();
  // The ranks with an amount, each with its opening and closing counts (none with one instalment).
  const listed = p.amounts.flatMap((a, k) => (a > 0 ? [k] : []));
  const opens = listed.map((k) => opening[k]);
  const closes = listed.map((k) => closing[k]);
  for (let m = 0; m < n; m++) {
    const r = rank[m] as number;
    const h = skipAll ? Math.max(highest[m] as number, r) : (highest[m] as number);
    for (let a = 0; a < listed.length; a++) {
      const k = listed[a] as number;
      const o = opens[a];
      const before = o === undefined ? 0 : (o[m] as number);
      // Most members reach no rank and have no instalment running: nothing to do (the closing count stays 0).
      if (before < 1 && !(h < k && k <= r)) continue;
      const s = advancementStep(p, k, h, r, qualified[m] === 1, before);
      let after = 0;
      if (s.kind === "paid") {
        // An instalment of 0 (an amount of fewer units than instalments) counts but makes no line.
        if (s.amount > 0) sink.add(m, bonusIndex, k + 1, LINE_FIXED, 0, -1, s.amount * toBase, ONE);
        paid.add(s.amount);
        after = s.i === p.instalments ? 0 : s.i;
      } else if (s.kind === "lost") (s.reason === "rank-lost" ? lost : unqualified).add(s.amount);
      else if (s.kind === "paused") after = s.paid;
      const c = closes[a];
      if (c !== undefined) c[m] = after;
    }
  }
  p.fields.forEach((f, k) => {
    if (f !== undefined) run.close(f, closing[k] as Float64Array);
  });
  run.work.add(`bonus:${p.key}`, n * (1 + listed.length));
  const toValue = pow10(VALUE_SCALE - p.moneyScale);
  const breakage = { "member-unqualified": unqualified.value() * toValue, "rank-lost": lost.value() * toValue };
  const paidValue = paid.value() * toValue;
  return { potential: paidValue + breakage["member-unqualified"] + breakage["rank-lost"], paid: paidValue, compressedUp: 0n, breakage };
}
