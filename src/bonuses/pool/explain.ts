/**
 * Explaining a pool for one member: their shares times the per-share value, and where the fund and the
 * per-share value came from; or why they have no share of it (rank below the pool's, not qualified, no
 * shares, nothing distributed). The pool's totals are computed once per run.
 */
import type { BonusExplanation, ExplainContext, LineBasis, NotPaid } from "../../audit/explanation.js";
import { RATE_SCALE, VOLUME_SCALE, formatFixed, formatRate, formatVolume, groupDigits } from "../../money/decimal.js";
import { type PoolProgram, type PoolTotals, meetsPool, poolTotals, sharesOf } from "./run.js";

/** @internal Builds the `explain` method of a compiled pool. */
export function poolExplainer(p: PoolProgram): (ctx: ExplainContext, member: number) => BonusExplanation {
  const cache = new WeakMap<Uint8Array, PoolTotals>();
  const money = (units: bigint) => groupDigits(formatFixed(units, p.moneyScale));
  const plural = (n: bigint | number, word: string) => `${n} ${word}${n === 1n || n === 1 ? "" : "s"}`;
  return (ctx, m) => {
    let t = cache.get(ctx.qualified);
    if (t === undefined) {
      const carried = p.carry ? BigInt((ctx.opening(`${p.key}.carried`) as Float64Array)[0] as number) : 0n;
      cache.set(ctx.qualified, (t = poolTotals(ctx, p, carried)));
    }
    const totals = t;
    const rankName = (r: number) => ctx.rankNames[r] as string;
    const fund = (): string => {
      const carried = p.carry ? ` + ${money(totals.carriedIn)} carried from the last period` : "";
      const base =
        "share" in p.fund
          ? `${formatRate(p.fund.share)} of the company's ${(ctx.measures.specs[p.fund.of] as { name: string }).name} ${groupDigits(formatVolume(Number(totals.volume)))}`
          : `the fixed ${money(p.fund.amount)}`;
      return `the fund ${money(totals.fund)} (${base}${carried}, in whole units)`;
    };
    const lines: LineBasis[] = [];
    const notPaid: NotPaid[] = [];
    const r = ctx.rank[m] as number;
    if (p.rank >= 0 && r < p.rank) {
      notPaid.push({ reason: "rank-below", message: `not paid: the pool needs ${rankName(p.rank)}; you are ${r < 0 ? "paid as no rank" : `paid as ${rankName(r)}`}`, rank: rankName(p.rank) });
      return { lines, notPaid };
    }
    if (!meetsPool(ctx, p, m)) {
      notPaid.push({ reason: "member-unqualified", message: "not paid: the pool is shared by qualified members only", conditions: ctx.qualification.filter((c) => !c.met) });
      return { lines, notPaid };
    }
    const s = sharesOf(ctx, p, m);
    if (s < 1) {
      const sh = p.shares;
      const why =
        sh.by === "rank"
          ? r < 0
            ? "you have no paid-as rank, so no shares in this pool"
            : `your rank ${rankName(r)} has no shares in this pool`
          : sh.by === "volume"
            ? `your ${sh.group ? "group" : "personal"} ${(ctx.measures.specs[sh.measure] as { name: string }).name} ${formatVolume(((sh.group ? ctx.measures.group : ctx.measures.personal)[sh.measure] as Float64Array)[m] as number)} is below one share's ${formatVolume(sh.per)}`
            : "no shares";
      notPaid.push({ reason: "no-shares", message: `not paid: ${why}` });
      return { lines, notPaid };
    }
    const split = `${fund()} over ${plural(totals.shares, "share")} of ${plural(totals.qualifiers, "qualifier")}`;
    if (totals.value === 0n) {
      notPaid.push({ reason: "nothing-distributed", message: `nothing distributed: ${split} is less than one unit a share` });
      return { lines, notPaid };
    }
    const left = totals.remainder === 0n ? "nothing left" : `${money(totals.remainder)} ${p.carry ? "carried to the next period" : "left as breakage"}`;
    lines.push({
      base: formatVolume(s * 10 ** VOLUME_SCALE),
      rate: formatRate(totals.value * 10n ** BigInt(RATE_SCALE - p.moneyScale)),
      note: `${plural(s, "share")} × ${money(totals.value)} a share: ${split}, rounded ${p.rounding} to ${money(totals.value)} a share (${left})`,
    });
    return { lines, notPaid };
  };
}
