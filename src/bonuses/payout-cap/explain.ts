/**
 * Explaining a payout cap for one member (the figures of the cut, or nothing when the member was not cut)
 * and its report over the run (the company figures and the members cut). Both recompute the cap through
 * ./compute.ts, once per run.
 */
import type { BonusExplanation, ExplainContext } from "../../audit/explanation.js";
import { membersById } from "../../genealogy/genealogy.js";
import { formatFixed, formatVolume } from "../../money/decimal.js";
import type { BonusReportBody, ReportValue } from "../family.js";
import { type CapProgram, type CapResult, computeCap } from "./compute.js";
import { grouped, percentUnits } from "../../audit/words.js";

/** The cap of the run an explanation context belongs to, computed once per run. */
function capOf(p: CapProgram): (ctx: ExplainContext) => CapResult {
  let last: { measures: object; earnings: Float64Array; result: CapResult } | undefined;
  return (ctx) => {
    const earnings = ctx.earnings(p.of[0] as string);
    if (last === undefined || last.measures !== ctx.measures || last.earnings !== earnings) last = { measures: ctx.measures, earnings, result: computeCap(ctx, p) };
    return last.result;
  };
}

/** @internal Builds the `explain` method of a compiled payout cap. */
export function capExplainer(p: CapProgram): (ctx: ExplainContext, member: number) => BonusExplanation {
  const cap = capOf(p);
  const money = (units: number | bigint) => grouped(formatFixed(BigInt(units), p.scale));
  const named = p.of.join(", ");
  return (ctx, m) => {
    const { pay, reducible, cut, facts } = cap(ctx);
    const c = cut[m] as number;
    if (c <= 0) return { lines: [], notPaid: [] };
    const s = pay[m] as number;
    const r = reducible[m] as number;
    const own = `your pay from ${named} is ${money(s)} (${money(s - r)} protected, ${money(r)} reducible)`;
    const perUnit = p.company === undefined || p.company.pointValue === 10_000 ? "" : ` × ${formatVolume(p.company.pointValue)} per unit`;
    let why: string;
    if (p.company !== undefined) {
      const company = `the company cap is ${percentUnits(p.company.share)}${perUnit} of the company's ${ctx.measures.specs[p.company.measure]?.name} ${grouped(formatVolume(facts.volume ?? 0n))} = ${money(facts.cap ?? 0n)}`;
      why = `${company}; ${named} paid ${money(facts.pay)} in all before it (${money(facts.protected)} protected, ${money(facts.reducible)} reducible), so the reducible pay is scaled down to ${money(facts.allowed ?? 0n)} (pro rata, largest remainder); ${own}, and you keep ${money(r - c)} of the reducible pay`;
    } else {
      why = `the cap is ${money(p.perMember)} per member; ${own}, so ${s - r >= p.perMember ? "only the protected pay is kept" : `it is cut to ${money(p.perMember)}`}`;
    }
    return {
      lines: [{ note: `${why}: a cut of ${money(c)}` }],
      notPaid: [{ reason: "capped", message: `${why}: cut by ${money(c)}`, forgone: formatFixed(BigInt(c), p.scale) }],
    };
  };
}

/** @internal Builds the `report` method of a compiled payout cap (docs/plan-language.md "`payout-cap`"). */
export function capReporter(p: CapProgram): (ctx: ExplainContext) => BonusReportBody {
  const cap = capOf(p);
  const money = (units: number | bigint) => formatFixed(BigInt(units), p.scale);
  return (ctx) => {
    const { pay, reducible, cut, facts } = cap(ctx);
    const facts_: Record<string, ReportValue> = { rule: p.company !== undefined ? "company" : "perMember" };
    if (p.company !== undefined) {
      facts_.volume = formatVolume(facts.volume ?? 0n);
      facts_.cap = money(facts.cap ?? 0n);
    } else facts_.perMember = money(p.perMember);
    Object.assign(facts_, {
      pay: money(facts.pay),
      protected: money(facts.protected),
      reducible: money(facts.reducible),
      ...(p.company !== undefined ? { allowedReducible: facts.allowed === undefined ? null : money(facts.allowed) } : {}),
      cut: money(facts.cut),
      paidAfterCap: money(facts.pay - facts.cut),
      members: facts.members,
    });
    const rows: Record<string, ReportValue>[] = [];
    const ids = ctx.genealogy.ids;
    for (const i of membersById(ctx.genealogy)) {
      const c = cut[i] as number;
      if (c <= 0) continue;
      const s = pay[i] as number;
      const r = reducible[i] as number;
      rows.push({ memberId: ids.at(i) as string, pay: money(s), protected: money(s - r), reducible: money(r), kept: money(r - c), cut: money(c) });
    }
    return { facts: facts_, columns: ["memberId", "pay", "protected", "reducible", "kept", "cut"], rows };
  };
}
