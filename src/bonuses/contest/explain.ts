/**
 * Explaining a contest for one member (the points so far, the tier reached, what the next tier needs, and
 * in the final period the award or why there is none) and its report over the run: the standings.
 */
import type { BonusExplanation, ExplainContext, LineBasis, NotPaid } from "../../audit/explanation.js";
import { grouped } from "../../audit/words.js";
import { membersById } from "../../genealogy/genealogy.js";
import { formatFixed, formatVolume } from "../../money/decimal.js";
import type { BonusReportBody, ReportValue } from "../family.js";
import { type ContestProgram, contestPoints, periodPoints, pointsSoFar, tierOf, windowPlace } from "./compute.js";

type Tier = ContestProgram["tiers"][number];

/** @internal Builds the `explain` method of a compiled contest. */
export function contestExplainer(p: ContestProgram): (ctx: ExplainContext, member: number) => BonusExplanation {
  const money = (units: number) => grouped(formatFixed(BigInt(units), p.scale));
  const pts = (units: number) => grouped(formatVolume(units));
  const window = `the contest runs from ${p.start} to ${p.end}`;
  return (ctx, m) => {
    const place = windowPlace(p, ctx.period);
    if (!place.inWindow) {
      return { lines: [], notPaid: [{ reason: "outside-window", message: `${window}; this period (${ctx.period.id}) is ${place.status} it` }] };
    }
    const x = periodPoints(ctx.measures, p, m);
    const carried = place.first ? 0 : ((ctx.opening(`${p.key}.points`)?.[m] as number | undefined) ?? 0);
    const points = pointsSoFar(carried, x);
    const t = tierOf(p, points);
    const reached = t > 0 ? (p.tiers[t - 1] as Tier) : undefined;
    const next = p.tiers[t];
    const standing = `${pts(points)} points (${place.first ? "the window's first period: " : `${pts(carried)} from earlier periods + `}${pts(x)} this period)${reached !== undefined ? `, ${reached.name} reached (${pts(reached.threshold)} needed)` : ""}`;
    const toNext = next === undefined ? "" : `; ${next.name} needs ${pts(next.threshold)}: ${pts(next.threshold - points)} to go`;
    const notPaid: NotPaid[] = [];
    if (!place.final) {
      notPaid.push({
        reason: "window-open",
        message: `the awards are given in the contest's final period (the one holding ${p.end}); so far ${standing}${toNext}`,
        ...(next !== undefined ? { volume: formatVolume(next.threshold - points) } : {}),
      });
      return { lines: [], notPaid };
    }
    if (reached === undefined) {
      const first = p.tiers[0] as Tier;
      notPaid.push({ reason: "below-tier", message: `${standing}: ${first.name} needs ${pts(first.threshold)}, ${pts(first.threshold - points)} more`, volume: formatVolume(first.threshold - points) });
      return { lines: [], notPaid };
    }
    const lines: LineBasis[] = [];
    const awards: { award: string; note: string }[] = [];
    const why = `${window}: ${standing}`;
    if (p.requiresQualified && ctx.qualified[m] !== 1) {
      notPaid.push({
        reason: "member-unqualified",
        message: `${why}, but the award needs qualification in the final period`,
        ...(reached.amount > 0 ? { forgone: formatFixed(BigInt(reached.amount), p.scale) } : {}),
        conditions: ctx.qualification.filter((c) => !c.met),
      });
    } else {
      if (reached.amount > 0) lines.push({ note: `the ${reached.name} award of ${money(reached.amount)}: ${why}` });
      if (reached.award >= 0) awards.push({ award: p.awards[reached.award] as string, note: `the ${reached.name} award: ${why}` });
    }
    if (next !== undefined) {
      const more = next.amount - reached.amount;
      notPaid.push({
        reason: "next-tier",
        message: `${next.name} needed ${pts(next.threshold)} points, ${pts(next.threshold - points)} more${more > 0 && reached.amount > 0 ? `; its award is ${money(next.amount)}` : ""}`,
        volume: formatVolume(next.threshold - points),
        ...(more > 0 && reached.amount > 0 ? { forgone: formatFixed(BigInt(more), p.scale) } : {}),
      });
    }
    return { lines, notPaid, awards };
  };
}

/** @internal Builds the `report` method of a compiled contest: the standings (docs/plan-language.md "`contest`"). */
export function contestReporter(p: ContestProgram): (ctx: ExplainContext) => BonusReportBody {
  const money = (units: number | bigint) => formatFixed(BigInt(units), p.scale);
  return (ctx) => {
    const g = ctx.genealogy;
    const { place, period, points, tier } = contestPoints(ctx, p, g.size);
    const counts = p.tiers.map(() => 0);
    const listed: number[] = [];
    let awarded = 0;
    let amount = 0n;
    const award = (i: number): Tier | undefined => {
      const t = tier[i] as number;
      if (!place.final || t === 0 || (p.requiresQualified && ctx.qualified[i] !== 1)) return undefined;
      return p.tiers[t - 1];
    };
    for (const i of membersById(g)) {
      if ((points[i] as number) <= 0) continue;
      listed.push(i);
      const t = tier[i] as number;
      if (t > 0) counts[t - 1] = (counts[t - 1] as number) + 1;
      const a = award(i);
      if (a === undefined || (a.amount === 0 && a.award < 0)) continue;
      awarded++;
      amount += BigInt(a.amount);
    }
    // Most points first; the sort is stable, so equal points stay in member id order.
    listed.sort((a, b) => (points[b] as number) - (points[a] as number));
    const facts: Record<string, ReportValue> = { status: place.status, windowStart: p.start, windowEnd: p.end, membersWithPoints: listed.length };
    p.tiers.forEach((t, k) => {
      facts[`tier:${t.name}`] = counts[k] as number;
    });
    facts.awarded = awarded;
    facts.awardedAmount = money(amount);
    const rows = listed.map((i) => {
      const t = tier[i] as number;
      const next = p.tiers[t];
      const a = award(i);
      return {
        memberId: g.ids.at(i) as string,
        points: formatVolume(points[i] as number),
        thisPeriod: formatVolume(period[i] as number),
        tier: t > 0 ? (p.tiers[t - 1] as Tier).name : null,
        nextTier: next?.name ?? null,
        toNextTier: next !== undefined ? formatVolume(next.threshold - (points[i] as number)) : null,
        qualified: ctx.qualified[i] === 1,
        awardAmount: a !== undefined && a.amount > 0 ? money(a.amount) : null,
        awardName: a !== undefined && a.award >= 0 ? (p.awards[a.award] as string) : null,
      };
    });
    return { facts, columns: ["memberId", "points", "thisPeriod", "tier", "nextTier", "toNextTier", "qualified", "awardAmount", "awardName"], rows };
  };
}
