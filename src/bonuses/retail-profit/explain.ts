/**
 * Explaining retail profit for one member: the rate applied to their own volume of the measure and the
 * orders it came from, or why there is none (no volume, not qualified where required, a rate of 0).
 */
import type { BonusExplanation, ExplainContext, LineBasis, NotPaid } from "../../audit/explanation.js";
import { SourceCollector } from "../../audit/sources.js";
import { VALUE_SCALE, formatRate, formatTrimmed, formatVolume } from "../../money/decimal.js";
import { ORDER_KINDS } from "../../plan/fields.js";
import { rateUnits } from "../../plan/units.js";
import type { CompileContext } from "../family.js";
import type { RetailProfitConfig } from "./retail-profit.js";

/** @internal Builds the `explain` method of a compiled retail-profit bonus from its plan entry. */
export function retailProfitExplainer(config: RetailProfitConfig, cc: CompileContext): (ctx: ExplainContext, member: number) => BonusExplanation {
  const measure = cc.measureIndex(config.measure);
  const rate = rateUnits(config.rate);
  return (ctx, m) => {
    const spec = ctx.measures.specs[measure] as { name: string; counts: readonly boolean[] };
    const kinds = ORDER_KINDS.filter((_, k) => spec.counts[k]).join(", ");
    const v = (ctx.measures.personal[measure] as Float64Array)[m] as number;
    const lines: LineBasis[] = [];
    const notPaid: NotPaid[] = [];
    const exact = formatTrimmed(BigInt(v) * BigInt(rate), VALUE_SCALE, ctx.moneyScale);
    if (v === 0) {
      notPaid.push({ reason: "no-volume", message: `no ${spec.name} of your own this period (${spec.name} counts ${kinds})` });
    } else if (rate === 0) {
      notPaid.push({ reason: "rate-zero", message: `the plan's rate for this bonus is 0`, volume: formatVolume(v) });
    } else if (config.requiresQualified && ctx.qualified[m] !== 1) {
      notPaid.push({
        reason: "member-unqualified",
        message: `${formatRate(rate)} × ${spec.name} ${formatVolume(v)} = ${exact} is paid only to qualified members`,
        volume: formatVolume(v),
        rate: formatRate(rate),
        forgone: exact,
        conditions: ctx.qualification.filter((c) => !c.met),
      });
    } else {
      const own = new SourceCollector(1, ctx.genealogy.ids);
      own.offer(m, v, 0, 0);
      lines.push({
        base: formatVolume(v),
        rate: formatRate(rate),
        from: own.list(ctx, measure, 1, v),
        note: `rate ${formatRate(rate)} × your own ${spec.name} ${formatVolume(v)} (${spec.name} counts ${kinds})`,
      });
    }
    return { lines, notPaid };
  };
}
