/**
 * Periods: a calendar month `YYYY-MM`, an ISO week `YYYY-Www` (Monday to Sunday; week 1 holds the year's
 * first Thursday), or a date range `YYYY-MM-DD..YYYY-MM-DD` (both days included, at most 366 days), each with
 * its first and last day and the number of days. An order's day within the period ({@link dayIndex}) is
 * what daily caps and "first N days" windows read.
 */
import { CompplanError, type Issue, issue } from "../errors/issues.js";

/** The kinds of period. */
export type PeriodKind = "month" | "week" | "range";

/** A calculation period. */
export interface Period {
  /** The period as written: `2026-10`, `2026-W07` or `2026-10-01..2026-10-15`. */
  readonly id: string;
  /** Which of the three forms `id` is. */
  readonly kind: PeriodKind;
  /** First day, YYYY-MM-DD. */
  readonly start: string;
  /** Last day, YYYY-MM-DD (included). */
  readonly end: string;
  /** Number of days from `start` to `end`, both included. */
  readonly days: number;
}

/** The longest date range accepted, in days (a leap year). */
export const PERIOD_DAYS_MAX = 366;

const HELP = "the period is a month YYYY-MM (2026-10), an ISO week YYYY-Www (2026-W07) or a date range YYYY-MM-DD..YYYY-MM-DD (2026-10-01..2026-10-15)";

/** @internal Parses a period, or returns a PERIOD_INVALID issue saying what is wrong. */
export function safeParsePeriod(text: unknown): { period?: Period; issue?: Issue } {
  const bad = (why: string) => ({ issue: issue("PERIOD_INVALID", ["period"], why, text) });
  if (typeof text !== "string") return bad(HELP);
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(text)) {
    const year = Number(text.slice(0, 4));
    const month = Number(text.slice(5, 7));
    const last = daysInMonth(year, month);
    return { period: { id: text, kind: "month", start: `${text}-01`, end: `${text}-${String(last).padStart(2, "0")}`, days: last } };
  }
  const week = /^(\d{4})-W(\d{2})$/.exec(text);
  if (week !== null) {
    const year = Number(week[1]);
    const w = Number(week[2]);
    const weeks = isoWeeksInYear(year);
    if (w < 1 || w > weeks) return bad(`${year} has ISO weeks W01 to W${weeks}; ${HELP}`);
    // Week 1 is the week (Monday to Sunday) that holds 4 January.
    const jan4 = dayNumber(year, 1, 4);
    const monday = jan4 - isoWeekday(jan4) + 1 + (w - 1) * 7;
    return { period: { id: text, kind: "week", start: dateOf(monday), end: dateOf(monday + 6), days: 7 } };
  }
  const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (range !== null) {
    const [, start, end] = range as unknown as [string, string, string];
    for (const d of [start, end]) if (!isIsoDate(d)) return bad(`${d} is not a calendar date; ${HELP}`);
    const days = dayNumberOf(end) - dayNumberOf(start) + 1;
    if (days < 1) return bad(`the range ends (${end}) before it starts (${start})`);
    if (days > PERIOD_DAYS_MAX) return bad(`the range is ${days} days long; a period is at most ${PERIOD_DAYS_MAX} days`);
    return { period: { id: text, kind: "range", start, end, days } };
  }
  return bad(HELP);
}

/** @internal Throwing form of {@link safeParsePeriod}. */
export function parsePeriod(text: unknown): Period {
  const r = safeParsePeriod(text);
  if (r.period === undefined) throw new CompplanError([r.issue as Issue]);
  return r.period;
}

/**
 * The day of `date` (YYYY-MM-DD, a real date) within `period`: 0 for its first day, `period.days - 1` for its
 * last, and outside 0 .. days-1 for a date outside the period.
 */
export function dayIndex(period: Period, date: string): number {
  return dayNumberOf(date) - dayNumberOf(period.start);
}

/**
 * @internal The day within `period` of each of `count` dates (`dateAt(i)`, each within the period), computed
 * once per distinct date.
 */
export function dayIndices(period: Period, count: number, dateAt: (i: number) => string): Uint16Array {
  const out = new Uint16Array(count);
  const known = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const date = dateAt(i);
    let d = known.get(date);
    if (d === undefined) {
      d = dayIndex(period, date);
      known.set(date, d);
    }
    out[i] = d;
  }
  return out;
}

/** @internal The date `days` days after `date` (YYYY-MM-DD; `days` may be negative). */
export function addDays(date: string, days: number): string {
  return dateOf(dayNumberOf(date) + days);
}

/** @internal True when `text` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: unknown): text is string {
  if (typeof text !== "string" || !ISO_DATE.test(text)) return false;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m === 2 ? (leap ? 29 : 28) : (DAYS[m] as number);
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (years 0 to 9999; no two-digit-year mapping). */
function dayNumber(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return Math.round(t.getTime() / MS_PER_DAY);
}

/** @internal Days from 1970-01-01 to `date` (YYYY-MM-DD, a real date). */
export function dayNumberOf(date: string): number {
  return dayNumber(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

/** @internal The date (YYYY-MM-DD) `day` days after 1970-01-01. */
export function dateOf(day: number): string {
  const t = new Date(day * MS_PER_DAY);
  return `${String(t.getUTCFullYear()).padStart(4, "0")}-${String(t.getUTCMonth() + 1).padStart(2, "0")}-${String(t.getUTCDate()).padStart(2, "0")}`;
}

/** Monday 1 … Sunday 7. */
function isoWeekday(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** 53 when the year starts on a Thursday, or is a leap year starting on a Wednesday; else 52. */
function isoWeeksInYear(year: number): number {
  const jan1 = isoWeekday(dayNumber(year, 1, 1));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52;
}
