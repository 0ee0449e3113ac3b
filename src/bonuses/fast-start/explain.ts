/**
 * Explaining a fast start bonus for one member (docs/plan-language.md "`fast-start`", docs/audit.md):
 * recomputes only the new members whose orders could reach the member (within the bonus's levels below,
 * or, with roll-up, below them with fewer than D members between who meet the requirements), their
 * fast-start orders with both caps, and the member's own lines in statement order; and says why anything
 * was not paid: orders outside the window, the member's requirements, the caps.
 */
import type { BonusExplanation, ExplainContext, LineBasis, NotPaid, QualificationCheck } from "../../audit/explanation.js";
import { insideWindow, monthOfDay, windowNumber } from "../../measures/join-window.js";
import { VALUE_SCALE, formatRate, formatTrimmed, formatVolume } from "../../money/decimal.js";
import { dateOf, dayNumberOf } from "../../run/period.js";
import { grouped, percentUnits, plural } from "../../audit/words.js";
import type { CompileContext } from "../family.js";
import { type FastStartFacts, type FastStartProgram, PeriodCap, countSource, inSequence, largestOrder, meetsOne, orderBase, orderRange, sequenceOrder } from "./run.js";

/** A fast-start order that reaches the member explained at level k. */
interface Reach {
  readonly o: number;
  readonly s: number;
  readonly level: number;
  readonly distance: number;
  readonly v: number;
  readonly c: number;
}

/** A source member within reach whose orders of the period fell outside their window. */
interface Outside {
  readonly s: number;
  readonly level: number;
  readonly first: number;
  readonly volume: number;
  readonly count: number;
}

/** @internal Builds the `explain` method of a compiled fast-start bonus. */
export function fastStartExplainer(p: FastStartProgram, cc: CompileContext): (ctx: ExplainContext, member: number) => BonusExplanation {
  return (ctx, u) => explainMember(ctx, p, cc.moneyScale, u);
}

function explainMember(ctx: ExplainContext, p: FastStartProgram, scale: number, u: number): BonusExplanation {
  const f: FastStartFacts = ctx;
  const g = ctx.genealogy;
  const orders = ctx.orders;
  const D = p.rates.length;
  const M = (ctx.measures.specs[p.measure] as { name: string }).name;
  const id = (m: number) => g.ids.at(m) as string;
  const start = dayNumberOf(ctx.period.start);
  const days = orders.days();
  const dayOf = (o: number) => start + (days[o] as number);
  const joinOf = (m: number) => dayNumberOf(g.joinDate.at(m) as string);
  const meetsCache = new Map<number, boolean>();
  const meets = (m: number) => {
    let r = meetsCache.get(m);
    if (r === undefined) meetsCache.set(m, (r = meetsOne(f, p, m, largestOrder(f, p, m))));
    return r;
  };
  const opening = p.counted !== undefined ? ctx.opening(p.counted) : undefined;
  const money = (base: number, rate: number) => formatTrimmed(BigInt(base) * BigInt(rate), VALUE_SCALE, scale);
  const windowWords = p.window.unit === "days" ? `${p.window.length}-day window` : `${p.window.length}-month window`;

  // The members whose orders reach u, each with the level u takes (or would take) and the distance.
  const reach: Reach[] = [];
  const outside: Outside[] = [];
  const { childStart, childList } = g;
  // Depth-first below u: (member, distance, members between that meet the requirements).
  const stack: [number, number, number][] = [];
  const push = (m: number, d: number, between: number) => {
    for (let x = childStart[m] as number, hi = childStart[m + 1] as number; x < hi; x++) stack.push([childList[x] as number, d + 1, between]);
  };
  push(u, 0, 0);
  while (stack.length > 0) {
    const [s, d, between] = stack.pop() as [number, number, number];
    const level = p.rollUp ? between + 1 : d;
    if (level > D) continue;
    visitSource(s, d, level);
    push(s, d, between + (p.rollUp && meets(s) ? 1 : 0));
  }

  function visitSource(s: number, distance: number, level: number): void {
    const { lo, hi } = orderRange(orders, s);
    const join = joinOf(s);
    const inside: number[] = [];
    const out: number[] = [];
    for (let o = lo; o < hi; o++) {
      if (orderBase(f, p.measure, o) <= 0) continue;
      if (insideWindow(p.window, join, dayOf(o))) inside.push(o);
      // Outside orders are reasons only when they missed the window by less than its length (or came before joining).
      else if (windowNumber(p.window, join, dayOf(o)) <= 2 * p.window.length) out.push(o);
    }
    if (out.length > 0) {
      inSequence(orders, out);
      outside.push({ s, level, first: out[0] as number, volume: out.reduce((a, o) => a + orderBase(f, p.measure, o), 0), count: out.length });
    }
    if (inside.length === 0) return;
    inSequence(orders, inside);
    const bases = inside.map((o) => orderBase(f, p.measure, o));
    const counted: number[] = [];
    countSource(p, bases, opening !== undefined ? (opening[s] as number) : 0, counted);
    inside.forEach((o, i) => reach.push({ o, s, level, distance, v: bases[i] as number, c: counted[i] as number }));
  }

  const lines: (LineBasis & { key: [number, number, string, number, string] })[] = [];
  const notPaid: NotPaid[] = [];
  const orderWords = (o: number, s: number) => `${id(s)}'s order ${orders.ids.at(o)} (${dateOf(dayOf(o))}, ${windowPlace(p, joinOf(s), dayOf(o))})`;
  const took = reach.filter((r) => r.c > 0);
  if (!meets(u)) {
    // Per level: what the member would have been paid, and the requirements that failed.
    for (let k = 1; k <= D; k++) {
      const at = took.filter((r) => r.level === k);
      if (at.length === 0) continue;
      const rate = p.rates[k - 1] as number;
      const volume = at.reduce((a, r) => a + r.c, 0);
      const where = p.rollUp ? "it went to the next member above who meets them" : "it is not paid to anyone (breakage)";
      notPaid.push({
        reason: "member-unqualified",
        message: `not paid ${percentUnits(rate)} of ${grouped(formatVolume(volume))} ${M} from ${plural(at.length, "fast-start order")} at level ${k} = ${money(volume, rate)}: you did not meet the fast-start requirements; ${where}`,
        level: k,
        volume: formatVolume(volume),
        rate: formatRate(rate),
        forgone: money(volume, rate),
        conditions: failedConditions(ctx, p, u),
      });
    }
  } else {
    // The member's lines, in order sequence for the period cap.
    const inOrder = sequenceOrder(orders);
    const mine = [...took].sort((a, b) => inOrder(a.o, b.o));
    const cap = new PeriodCap(p.periodAmount, 1);
    for (const r of mine) {
      const rate = p.rates[r.level - 1] as number;
      const b = cap.take(0, r.c, rate);
      if (b < r.c && rate > 0) {
        notPaid.push({
          reason: "period-cap",
          message: `${formatVolume(b)} of ${formatVolume(r.c)} ${M} of ${orderWords(r.o, r.s)} paid: the cap of ${formatTrimmed(p.periodAmount, VALUE_SCALE, scale)} per period was reached`,
          level: r.level,
          volume: formatVolume(r.c - b),
          rate: formatRate(rate),
          forgone: money(r.c - b, rate),
        });
      }
      if (b === 0 || rate === 0) continue;
      const compressed = r.distance > r.level;
      const notes = [`${percentUnits(rate)} of ${orderWords(r.o, r.s)}, ${grouped(formatVolume(r.v))} ${M}, at level ${r.level}`];
      if (compressed) notes.push(`rolled up from ${r.distance} levels below: members between did not meet the requirements`);
      if (r.c < r.v) notes.push(`${formatVolume(r.c)} ${M} counted under the cap of ${formatVolume(p.sourceVolume)} per new member`);
      if (b < r.c) notes.push(`${formatVolume(b)} ${M} paid under the cap per period`);
      lines.push({
        fields: { level: r.level, compressed, source: id(r.s), order: orders.ids.at(r.o) as string },
        base: formatVolume(b),
        rate: formatRate(rate),
        note: notes.join("; "),
        key: [r.level, compressed ? 1 : 0, id(r.s), days[r.o] as number, orders.ids.at(r.o) as string],
      });
    }
  }
  for (const r of reach) {
    if (r.c >= r.v) continue;
    const rate = p.rates[r.level - 1] as number;
    notPaid.push({
      reason: "source-cap",
      message: `only ${formatVolume(r.c)} of ${formatVolume(r.v)} ${M} of ${orderWords(r.o, r.s)} counted: the first ${formatVolume(p.sourceVolume)} ${M} of each new member's fast-start orders pay`,
      level: r.level,
      volume: formatVolume(r.v - r.c),
      rate: formatRate(rate),
      forgone: money(r.v - r.c, rate),
    });
  }
  // Latest joiners first: those closest to the window.
  outside.sort((a, b) => joinOf(b.s) - joinOf(a.s) || (id(a.s) < id(b.s) ? -1 : 1));
  for (const x of outside.slice(0, ctx.sourcesMax)) {
    const join = joinOf(x.s);
    const when = dayOf(x.first);
    const why =
      when < join
        ? `${id(x.s)}'s order ${orders.ids.at(x.first)} (${dateOf(when)}) was placed before ${id(x.s)} joined (${dateOf(join)})`
        : p.window.unit === "days"
          ? `${id(x.s)} joined ${when - join} days before their order ${orders.ids.at(x.first)} (${dateOf(when)}), outside the ${windowWords}`
          : `${id(x.s)} joined in ${dateOf(join).slice(0, 7)}; their order ${orders.ids.at(x.first)} (${dateOf(when)}) is in month ${monthOfDay(when) - monthOfDay(join) + 1} of their membership, outside the ${windowWords}`;
    notPaid.push({
      reason: "outside-window",
      message: `not paid on ${plural(x.count, "order")} of ${id(x.s)} (${grouped(formatVolume(x.volume))} ${M}): ${why}`,
      level: x.level,
      volume: formatVolume(x.volume),
      rate: formatRate(p.rates[x.level - 1] as number),
    });
  }
  if (outside.length > ctx.sourcesMax) {
    const rest = outside.slice(ctx.sourcesMax);
    notPaid.push({ reason: "outside-window", message: `and ${plural(rest.length, "more member")} within reach whose orders this period are outside their ${windowWords}`, volume: formatVolume(rest.reduce((a, x) => a + x.volume, 0)) });
  }
  if (reach.length === 0 && outside.length === 0) {
    notPaid.push({ reason: "no-fast-start-orders", message: `no member within ${D} level(s) below you placed an order with ${M} inside their ${windowWords} this period` });
  }
  lines.sort((a, b) => compareKeys(a.key, b.key));
  return { lines: lines.map(({ key: _key, ...basis }) => basis), notPaid };
}

/** Statement order of a member's lines: level, uncompressed first, source id, then date and order id. */
function compareKeys(a: readonly [number, number, string, number, string], b: readonly [number, number, string, number, string]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number | string;
    const y = b[i] as number | string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Where a date falls in a member's window: "day 3 of 60" or "month 2 of 2". */
function windowPlace(p: FastStartProgram, join: number, day: number): string {
  return `${p.window.unit === "days" ? "day" : "month"} ${windowNumber(p.window, join, day)} of ${p.window.length} after joining`;
}

/** The requirements member u failed, with their values. */
function failedConditions(ctx: ExplainContext, p: FastStartProgram, u: number): QualificationCheck[] {
  // The enrolled status is always required; the plan's qualification when `requires.qualified`.
  const out: QualificationCheck[] = ctx.qualification.filter((c) => !c.met && (p.qualified || c.condition === "status"));
  if (p.order !== undefined) {
    const largest = largestOrder(ctx, p, u);
    if (largest < p.order.minimum) {
      out.push({ condition: "order", measure: (ctx.measures.specs[p.order.measure] as { name: string }).name, actual: largest < 0 ? "no order" : formatVolume(largest), required: formatVolume(p.order.minimum), met: false });
    }
  }
  return out;
}
