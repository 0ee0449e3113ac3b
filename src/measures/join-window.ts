/**
 * Windows after joining (docs/plan-language.md, "`fast-start`", "The window"): the orders a member places in
 * their first N days (the join day is day 1) or first N calendar months (the month of joining is month 1).
 * A fast start bonus pays on them, and a measure with `leavesOut` leaves them out; both read this module, so
 * the two can never disagree about an order.
 */
import type { TextList } from "../input/text-list.js";
import { dateOf, dayNumberOf } from "../run/period.js";

/** A window after joining: `length` days (1 .. 730) or calendar months (1 .. 24). */
export interface JoinWindow {
  readonly unit: "days" | "months";
  readonly length: number;
}

/**
 * The calendar month of a day number (days since 1970-01-01, proleptic Gregorian), as 12 × year + month − 1:
 * arithmetic only (the civil-from-days algorithm), as it runs once per order.
 */
export function monthOfDay(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return 12 * year + month - 1;
}

/** The day number of the first day of a month given as 12 × year + month − 1. */
function firstDayOfMonth(month: number): number {
  return dayNumberOf(`${String(Math.floor(month / 12)).padStart(4, "0")}-${String((month % 12) + 1).padStart(2, "0")}-01`);
}

/**
 * The day (or month) number of an order in its member's window: the join day (month) is 1. Below 1 for an
 * order dated before the join date, whatever the unit.
 */
export function windowNumber(w: JoinWindow, joinDay: number, orderDay: number): number {
  if (orderDay < joinDay) return 0;
  return w.unit === "days" ? orderDay - joinDay + 1 : monthOfDay(orderDay) - monthOfDay(joinDay) + 1;
}

/** The last day (a day number) inside a member's window. */
export function windowLastDay(w: JoinWindow, joinDay: number): number {
  if (w.unit === "days") return joinDay + w.length - 1;
  // The first day of the month after the last month of the window, minus one.
  return firstDayOfMonth(monthOfDay(joinDay) + w.length) - 1;
}

/** True when an order of day number `orderDay` is inside the window of a member who joined on `joinDay`. */
export function insideWindow(w: JoinWindow, joinDay: number, orderDay: number): boolean {
  const k = windowNumber(w, joinDay, orderDay);
  return k >= 1 && k <= w.length;
}

/**
 * The earliest join date (YYYY-MM-DD) whose window holds a day on or after `firstDay`: a member who joined
 * before it has no order inside their window from that day on. Comparing join dates as text with it (dates
 * written YYYY-MM-DD sort as text in calendar order) passes over most members without converting a date.
 */
export function earliestJoin(w: JoinWindow, firstDay: number): string {
  return dateOf(w.unit === "days" ? firstDay - w.length + 1 : firstDayOfMonth(monthOfDay(firstDay) - w.length + 1));
}

/** The day number of text m of a list of dates (YYYY-MM-DD), converted on first use (each distinct date once). */
export function joinDayReader(dates: TextList, count: number): (m: number) => number {
  const known = new Map<string, number>();
  const cache = new Float64Array(count).fill(Number.NaN);
  return (m) => {
    let d = cache[m] as number;
    if (Number.isNaN(d)) {
      const date = dates.at(m) as string;
      d = known.get(date) ?? dayNumberOf(date);
      known.set(date, d);
      cache[m] = d;
    }
    return d;
  };
}
