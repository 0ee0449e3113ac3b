/**
 * Reference `fast-start` (docs/plan-language.md "`fast-start`: a rate on a new member's orders in their first
 * days or months"): the window after joining (days or calendar months), the period's fast-start orders in
 * order sequence, the source cap over the window (state `<key>.counted`), the receivers' requirements, the
 * walk up the sponsor tree with breakage or roll-up, the period cap, one line per receiver and order, and
 * the accounting. Every quoted rule is from that section.
 *
 * The window is also what a measure's `leavesOut` reads ("Leaving out the orders a bonus pays on"): the core
 * asks {@link fastStart}'s `insideWindow`, so "the window is the bonus's own, so the two can never disagree".
 */
import { D, type Decimal, ZERO } from "../decimal.js";
import { dayOf, firstOfMonth, periodDays } from "../dates.js";
import type { BonusOfKind, FamilyLine, ReferenceFamily, ReferenceMember, ReferenceOrder } from "../family.js";

/** The entry as the section writes it. */
interface FastStartEntry {
  readonly key: string;
  readonly measure: string;
  readonly window: FastStartWindow;
  readonly rates: readonly string[];
  readonly requires?: { readonly qualified?: boolean | undefined; readonly order?: { readonly measure: string; readonly minimum: string } | undefined } | undefined;
  readonly unqualified?: "breakage" | "roll-up" | undefined;
  readonly caps?: { readonly sourceVolume?: string | undefined; readonly periodAmount?: string | undefined } | undefined;
}

/** `window: { days: N }` or `window: { months: N }`: "A window gives exactly one of days and months". */
interface FastStartWindow {
  readonly days?: number | undefined;
  readonly months?: number | undefined;
}

/** A date's year and month (1 … 12). */
function yearMonth(date: string): { y: number; m: number } {
  const [y, m] = date.split("-").map(Number) as [number, number];
  return { y, m };
}

/**
 * "The window. A member's window starts on their joinDate ... and is counted in days or in calendar months":
 * whether an order dated `date` of a member who joined on `joinDate` is inside it.
 */
export function insideWindow(window: FastStartWindow, joinDate: string, date: string): boolean {
  // "Either way an order dated before the source's join date is outside (the input allows such a date)."
  if (dayOf(date) < dayOf(joinDate)) return false;
  if (window.days !== undefined) {
    // "the day number of a date D for member s is D − joinDate(s) + 1 in calendar days, so the join day is
    // day 1. An order is inside s's window when its day number is 1 .. N."
    const day = dayOf(date) - dayOf(joinDate) + 1;
    return day >= 1 && day <= window.days;
  }
  if (window.months !== undefined) {
    // "the month number of a date D for member s is 12 × (year(D) − year(joinDate)) + month(D) −
    // month(joinDate) + 1, so the calendar month of joining is month 1 (however late in it the member
    // joined). An order is inside when its month number is 1 .. N".
    const d = yearMonth(date);
    const j = yearMonth(joinDate);
    const month = 12 * (d.y - j.y) + d.m - j.m + 1;
    return month >= 1 && month <= window.months;
  }
  throw new Error("reference fast-start: a window gives exactly one of days and months");
}

/**
 * The window's last day (a day number): "its last day is joinDate + N − 1, or the last day of month number N".
 */
function windowLastDay(window: FastStartWindow, joinDate: string): number {
  if (window.days !== undefined) return dayOf(joinDate) + window.days - 1;
  const j = yearMonth(joinDate);
  // Month number N is the calendar month N − 1 after the month of joining; its last day is the day before
  // the first day of the month after it.
  return firstOfMonth(j.y, j.m, window.months as number) - 1;
}

/** The step of a line's base under the period cap: "the largest multiple of 0.0001". */
const UNIT = new D("0.0001");

const REASONS = ["source-cap", "upline-unqualified", "no-upline", "period-cap"] as const;
type Reason = (typeof REASONS)[number];

export const fastStart: ReferenceFamily<BonusOfKind<"fast-start">> = {
  kind: "fast-start",
  // "A plan with caps.sourceVolume keeps state (docs/state.md): one per-member field <key>.counted (volume)".
  state: (entry) => (entry.caps?.sourceVolume === undefined ? undefined : [{ name: `${entry.key}.counted`, kind: "volume" }]),
  insideWindow: (entry, joinDate, date) => insideWindow(entry.window, joinDate, date),
  calculate(entry, facts) {
    const b: FastStartEntry = entry;
    // "level k's rate": rates[k − 1]; "D is the number of rates".
    const rates = b.rates.map((r) => new D(r));
    const depth = rates.length;
    const rateSum = rates.reduce((acc, r) => acc.plus(r), ZERO);
    const counted = `${b.key}.counted`;
    const sourceVolume = b.caps?.sourceVolume === undefined ? undefined : new D(b.caps.sourceVolume);
    const periodAmount = b.caps?.periodAmount === undefined ? undefined : new D(b.caps.periodAmount);

    // "v(o) is the order's volume of measure (of the measure it names in volumeOf, when it has one) when
    // measure counts the order's kind, else 0."
    const v = (o: ReferenceOrder): Decimal => facts.orderVolume(o, b.measure) ?? ZERO;
    // "An order o of the period is a fast-start order when it is inside its source's window and its base v(o)
    // is above 0." "The period's fast-start orders are taken in order sequence: by date, then by order id
    // (UTF-16 code unit order)".
    const fastStartOrders = facts.orders
      .filter((o) => insideWindow(b.window, o.member.joinDate, o.date) && v(o).greaterThan(0))
      .sort((x, y) => (x.date !== y.date ? (x.date < y.date ? -1 : 1) : x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

    // "Source cap: ... each order's counted base is c(o) = min(v(o), sourceVolume − used), where used is the
    // counted base of the source's earlier fast-start orders: those of earlier periods of the window (the
    // opening state's <key>.counted, 0 without an opening state or for a member absent from it) plus those
    // earlier in this period. Without the cap c(o) = v(o)."
    const used = new Map<string, Decimal>();
    const usedBefore = (m: ReferenceMember): Decimal => used.get(m.id) ?? (facts.opening(counted, m) as Decimal);
    const countedThisPeriod = new Map<string, Decimal>();
    const c = new Map<ReferenceOrder, Decimal>();
    for (const o of fastStartOrders) {
      let base = v(o);
      if (sourceVolume !== undefined) {
        // (A state written under a plan with a smaller cap cannot leave less than nothing.)
        base = D.max(ZERO, D.min(base, sourceVolume.minus(usedBefore(o.member))));
        used.set(o.member.id, usedBefore(o.member).plus(base));
      }
      c.set(o, base);
      countedThisPeriod.set(o.member.id, (countedThisPeriod.get(o.member.id) ?? ZERO).plus(base));
    }

    // "A member meets the requirements (requires) when their status is enrolled and: qualified: true (the
    // default): they are qualified ...; qualified: false drops that condition; order: { measure, minimum }
    // (optional): they placed at least one order this period of a kind measure counts whose volume of measure
    // (read as for a base) is at least minimum (one order, not a sum ...). Every condition given must hold."
    const requiresQualified = b.requires?.qualified ?? true;
    const orderRequirement = b.requires?.order;
    const meets = (m: ReferenceMember): boolean => {
      if (m.status !== "enrolled") return false;
      if (requiresQualified && !facts.isQualified(m)) return false;
      if (orderRequirement !== undefined) {
        const minimum = new D(orderRequirement.minimum);
        const own = facts.orders.filter((o) => o.member === m);
        if (!own.some((o) => facts.orderVolume(o, orderRequirement.measure)?.greaterThanOrEqualTo(minimum) === true)) return false;
      }
      return true;
    };

    const acc = {
      potential: ZERO,
      paid: ZERO,
      compressedUp: ZERO,
      breakage: Object.fromEntries(REASONS.map((r) => [r, ZERO])) as Record<Reason, Decimal>,
    };
    const addBreakage = (reason: Reason, x: Decimal): void => {
      acc.breakage[reason] = acc.breakage[reason].plus(x);
    };
    const lines: FamilyLine[] = [];
    // "Period cap: ... the exact value of the receiver's earlier lines of the period".
    const earned = new Map<string, Decimal>();

    for (const o of fastStartOrders) {
      const s = o.member;
      const base = c.get(o) as Decimal;
      // "potential: v(o) × (rates[0] + … + rates[D − 1]) for every fast-start order o"; "source-cap
      // ((v(o) − c(o)) at every level's rate)".
      acc.potential = acc.potential.plus(v(o).times(rateSum));
      addBreakage("source-cap", v(o).minus(base).times(rateSum));
      // "For each fast-start order o with c(o) > 0, walk up the sponsor tree from o's source s".
      if (!base.greaterThan(0)) continue;

      /** Receiver a takes level k at distance `distance` from s. */
      const take = (a: ReferenceMember, k: number, distance: number): void => {
        const rate = rates[k - 1] as Decimal;
        let paidBase = base;
        if (periodAmount !== undefined && rate.greaterThan(0)) {
          // "each line's base is the largest multiple of 0.0001 not above c(o) whose value, added to the exact
          // value of the receiver's earlier lines of the period, stays at or below periodAmount".
          const earlier = earned.get(a.id) ?? ZERO;
          const fits = (x: Decimal): boolean => earlier.plus(x.times(rate)).lessThanOrEqualTo(periodAmount);
          paidBase = periodAmount.minus(earlier).dividedBy(rate).toDecimalPlaces(4, D.ROUND_DOWN);
          while (paidBase.greaterThan(0) && !fits(paidBase)) paidBase = paidBase.minus(UNIT);
          while (fits(paidBase.plus(UNIT))) paidBase = paidBase.plus(UNIT);
          paidBase = D.max(ZERO, D.min(base, paidBase));
          // "The part cut, (c(o) − b) × rate, is breakage (period-cap): it does not roll up to anyone."
          addBreakage("period-cap", base.minus(paidBase).times(rate));
        }
        const value = paidBase.times(rate);
        earned.set(a.id, (earned.get(a.id) ?? ZERO).plus(value));
        // "The value is paid when the receiver's distance from s equals k and compressed up (the line's
        // compressed is true) when greater."
        const compressed = distance > k;
        if (compressed) acc.compressedUp = acc.compressedUp.plus(value);
        else acc.paid = acc.paid.plus(value);
        // "Line items: one per receiver and fast-start order ...: level = k, compressed ..., source = the new
        // member's id, order = the order's id, base = the base after both caps, rate = rates[k − 1]. A level
        // paid at a rate of 0, or on a base of 0, makes no line" (the core drops a zero value).
        if (paidBase.greaterThan(0)) lines.push({ memberId: a.id, fields: { level: k, compressed, source: s.id, order: o.id }, base: paidBase, rate, value });
      };

      let k = 1;
      let distance = 1;
      for (let a = s.sponsor; a !== null && k <= depth; a = a.sponsor, distance++) {
        if ((b.unqualified ?? "breakage") === "breakage") {
          // "the member at distance k above s takes level k. If they meet the requirements they are paid
          // c(o) × rates[k − 1] (subject to the period cap); if not, that value is breakage
          // (upline-unqualified): it does not roll up."
          if (meets(a)) take(a, k, distance);
          else addBreakage("upline-unqualified", base.times(rates[k - 1] as Decimal));
          k++;
        } else if (meets(a)) {
          // roll-up: "members who do not meet the requirements are skipped and take no level; the next member
          // above who meets them takes level k".
          take(a, k, distance);
          k++;
        }
      }
      // "Levels left when the walk passes the root are breakage (no-upline), in both modes."
      for (; k <= depth; k++) addBreakage("no-upline", base.times(rates[k - 1] as Decimal));
    }

    const { last } = periodDays(facts.period);
    return {
      // "In a statement a member's lines of the bonus are ordered by level, then uncompressed before
      // compressed, then source id, then order sequence": made in order sequence, the core sorts the rest.
      lines,
      accounting: acc,
      ...(sourceVolume === undefined
        ? {}
        : {
            // "<key>.counted (volume): at the end of the period, 0 when the member's window ends on or before
            // the period's last day ..., else the opening value plus the counted base of the member's
            // fast-start orders this period."
            closing: {
              [counted]: (m: ReferenceMember) =>
                windowLastDay(b.window, m.joinDate) <= last ? ZERO : (facts.opening(counted, m) as Decimal).plus(countedThisPeriod.get(m.id) ?? ZERO),
            },
          }),
    };
  },
};
