/**
 * Explaining the rank bonus for one member: the fixed amount of their paid-as rank, or why there is none
 * (no paid-as rank, a rank without an amount, not qualified), and the next rank that pays more.
 */
import type { BonusExplanation, ExplainContext, LineBasis, NotPaid } from "../../audit/explanation.js";
import { formatFixed, parseUnits } from "../../money/decimal.js";
import type { CompileContext } from "../family.js";
import type { RankBonusConfig } from "./rank-bonus.js";

/** @internal Builds the `explain` method of a compiled rank bonus from its plan entry. */
export function rankBonusExplainer(config: RankBonusConfig, cc: CompileContext): (ctx: ExplainContext, member: number) => BonusExplanation {
  const scale = cc.moneyScale;
  // Amount per rank in money units; 0 when the rank is not listed (it pays nothing).
  const amounts: bigint[] = new Array<bigint>(cc.rankCount).fill(0n);
  for (const [rank, amount] of Object.entries(config.amounts)) {
    const units = parseUnits(amount, scale);
    if (typeof units === "bigint") amounts[cc.rankIndex(rank)] = units;
  }
  const money = (units: bigint) => formatFixed(units, scale);
  /** The lowest rank above `from` paying more than `from` does (-1: none). */
  const better = (from: number) => {
    const floor = from >= 0 ? (amounts[from] as bigint) : 0n;
    for (let r = from + 1; r < amounts.length; r++) if ((amounts[r] as bigint) > floor) return r;
    return -1;
  };
  return (ctx, m) => {
    const r = ctx.rank[m] as number;
    const qualified = ctx.qualified[m] === 1;
    const name = (i: number) => ctx.rankNames[i] as string;
    const lines: LineBasis[] = [];
    const notPaid: NotPaid[] = [];
    const next = better(r);
    const amount = r >= 0 ? (amounts[r] as bigint) : 0n;
    if (r >= 0 && amount > 0n && (!config.requiresQualified || qualified)) {
      lines.push({ note: `the fixed amount ${money(amount)} for the paid-as rank ${name(r)}` });
      if (next >= 0) {
        const more = (amounts[next] as bigint) - amount;
        notPaid.push({
          reason: "higher-rank-pays-more",
          message: `${name(next)} pays ${money(amounts[next] as bigint)}, ${money(more)} more than ${name(r)}`,
          rank: name(next),
          forgone: money(more),
        });
      }
    } else if (r < 0) {
      notPaid.push({
        reason: "no-rank",
        message: `no paid-as rank this period${next >= 0 ? `; ${name(next)} is the lowest rank with an amount (${money(amounts[next] as bigint)})` : ""}`,
        ...(next >= 0 ? { rank: name(next) } : {}),
      });
    } else if (amount > 0n) {
      notPaid.push({
        reason: "member-unqualified",
        message: `paid as ${name(r)}, which pays ${money(amount)}, but this bonus is paid only to qualified members`,
        forgone: money(amount),
        conditions: ctx.qualification.filter((c) => !c.met),
      });
    } else {
      notPaid.push({
        reason: "rank-not-listed",
        message: `the paid-as rank ${name(r)} has no amount in this bonus${next >= 0 ? `; ${name(next)} pays ${money(amounts[next] as bigint)}` : ""}`,
        ...(next >= 0 ? { rank: name(next) } : {}),
      });
    }
    return { lines, notPaid };
  };
}
