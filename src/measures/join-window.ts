/**
 * Windows after joining (docs/plan-language.md, "`fast-start`", "The window"): the orders a member places in
 * their first N days (the join day is day 1) or first N calendar months (the month of joining is month 1).
 * A fast start bonus pays on them, and a measure with `leavesOut` leaves them out; both read this module, so
 * the two can never disagree about an order.
 */
import type { TextList } from "../input/text-list.js";
import { dayNumberOf } from "../run/period.js";

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

/** Day numbers of a list of dates (YYYY-MM-DD), each distinct date converted once. */
export function dayNumbers(dates: TextList, count: number): Int32Array {
  const out = new Int32Array(count);
  const known = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const date = dates.at(i) as string;
    let d = known.get(date);
    if (d === undefined) {
      d = dayNumberOf(date);
      known.set(date, d);
    }
    out[i] = d;
  }
  return out;
}

/**
 * Per order, 1 when it is inside its member's window for any of `windows` (the orders a measure with
 * `leavesOut` leaves out). `orderDay` and `joinDay` are day numbers; `member` the member index of each order.
 */
export function insideAnyWindow(windows: readonly JoinWindow[], member: Int32Array, orderDay: Int32Array, joinDay: Int32Array): Uint8Array {
  const out = new Uint8Array(member.length);
  for (let o = 0; o < member.length; o++) {
    const j = joinDay[member[o] as number] as number;
    const d = orderDay[o] as number;
    for (const w of windows) {
      if (insideWindow(w, j, d)) {
        out[o] = 1;
        break;
      }
    }
  }
  return out;
}
