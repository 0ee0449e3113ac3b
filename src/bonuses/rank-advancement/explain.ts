/**
 * Explaining a rank-advancement bonus for one member: each rank paid this period (first reached, or an
 * instalment of a rank reached before), and what was not paid and why: no rank, no rank above the highest
 * held before, a rank reached while unqualified, instalments forfeited or waiting, a first period skipped.
 */
import type { BonusExplanation, ExplainContext, LineBasis, NotPaid } from "../../audit/explanation.js";
import { formatFixed, groupDigits } from "../../money/decimal.js";
import type { CompileContext } from "../family.js";
import { type AdvancementProgram, advancementStep, heldBefore } from "./run.js";

/** @internal Builds the `explain` method of a compiled rank-advancement bonus. */
export function advancementExplainer(p: AdvancementProgram, cc: CompileContext): (ctx: ExplainContext, member: number) => BonusExplanation {
  const money = (units: number) => groupDigits(formatFixed(BigInt(units), cc.moneyScale));
  const N = p.instalments;
  return (ctx, m) => {
    const name = (k: number) => ctx.rankNames[k] as string;
    const highest = ctx.opening("rank.highest") as Float64Array;
    const r = ctx.rank[m] as number;
    const h = heldBefore(p, ctx.openingGiven, highest, r, m);
    const opened = highest[m] as number;
    const qualified = ctx.qualified[m] === 1;
    const lines: LineBasis[] = [];
    const notPaid: NotPaid[] = [];
    const before = opened < 0 ? "no rank held before" : `highest rank held before: ${name(opened)}`;
    const of = (k: number, i: number) => (N === 1 ? `${money(p.amounts[k] as number)}` : `instalment ${i} of ${N} of ${name(k)}'s ${money(p.amounts[k] as number)}`);
    let reachedAny = false;
    // A rank reached this period that has an amount (paid, or lost while unqualified).
    let reachedListed = false;
    for (let k = 0; k < p.amounts.length; k++) {
      const field = p.fields[k];
      const paidBefore = field === undefined ? 0 : ((ctx.opening(field) as Float64Array)[m] as number);
      const s = advancementStep(p, k, h, r, qualified, paidBefore);
      if (h < k && k <= r) reachedAny = true;
      if ((s.kind === "paid" || s.kind === "lost") && s.reached) reachedListed = true;
      if (s.kind === "paid" && s.amount > 0) {
        lines.push({
          fields: { level: k + 1 },
          note: s.reached
            ? `first reached ${name(k)} this period (paid as ${name(r)}; ${before}): ${of(k, 1)}`
            : `${name(k)}, reached in an earlier period and held this period (paid as ${name(r)}): ${of(k, s.i)}`,
        });
      } else if (s.kind === "lost") {
        const message =
          s.reached
            ? `${name(k)} was reached this period while not qualified: its ${money(s.amount)} is not paid, now or later`
            : s.reason === "rank-lost"
              ? `${name(k)} is not held this period (${r < 0 ? "no paid-as rank" : `paid as ${name(r)}`}): its instalments ${s.paid + 1} to ${N}, ${money(s.amount)}, are forfeited`
              : `not qualified this period: ${name(k)}'s instalments ${s.paid + 1} to ${N}, ${money(s.amount)}, are forfeited`;
        notPaid.push({ reason: s.reason, message, rank: name(k), forgone: money(s.amount), ...(s.reason === "member-unqualified" ? { conditions: ctx.qualification.filter((c) => !c.met) } : {}) });
      } else if (s.kind === "paused") {
        notPaid.push({
          reason: "paused",
          message: `${name(k)}'s instalment ${s.paid + 1} of ${N} waits for a period in which you are ${p.requiresQualified ? "qualified and " : ""}paid as ${name(k)} or higher`,
          rank: name(k),
        });
      }
    }
    if (!ctx.openingGiven && p.skip) {
      notPaid.push({ reason: "without-state", message: "no opening state: this period's paid-as ranks are taken as reached before (withoutState: skip)" });
    } else if (r < 0 && lines.length === 0 && notPaid.length === 0) {
      notPaid.push({ reason: "no-rank", message: "no paid-as rank this period" });
    } else if (!reachedAny && r >= 0) {
      const top = Math.max(h, r);
      let next = top + 1;
      while (next < p.amounts.length && (p.amounts[next] as number) <= 0) next++;
      const then = next < p.amounts.length ? `; ${name(next)}, not reached yet, pays ${money(p.amounts[next] as number)} the first period it is reached` : "";
      notPaid.push({
        reason: "already-reached",
        message: `no rank above ${name(top)}, the highest held before, was reached this period${then}`,
        ...(next < p.amounts.length ? { rank: name(next) } : {}),
      });
    } else if (reachedAny && !reachedListed) {
      notPaid.push({ reason: "rank-not-listed", message: `${name(r)}, reached this period, has no amount in this bonus` });
    }
    return { lines, notPaid };
  };
}
