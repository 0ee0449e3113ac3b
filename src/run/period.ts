/** Periods: a calendar month written YYYY-MM, with its first and last day. */
import { CompplanError, type Issue, issue } from "../errors/issues.js";

/** A calculation period: one calendar month. */
export interface Period {
  /** The month, YYYY-MM. */
  readonly id: string;
  /** First day, YYYY-MM-DD. */
  readonly start: string;
  /** Last day, YYYY-MM-DD. */
  readonly end: string;
}

/** @internal Parses "YYYY-MM" into a period, or returns a PERIOD_INVALID issue. */
export function safeParsePeriod(text: unknown): { period?: Period; issue?: Issue } {
  if (typeof text !== "string" || !/^\d{4}-(0[1-9]|1[0-2])$/.test(text)) {
    return { issue: issue("PERIOD_INVALID", ["period"], "the period is a month written YYYY-MM, e.g. 2026-10", text) };
  }
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { period: { id: text, start: `${text}-01`, end: `${text}-${String(last).padStart(2, "0")}` } };
}

/** @internal Throwing form of {@link safeParsePeriod}. */
export function parsePeriod(text: unknown): Period {
  const r = safeParsePeriod(text);
  if (r.period === undefined) throw new CompplanError([r.issue as Issue]);
  return r.period;
}

/** @internal True when `text` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: unknown): text is string {
  if (typeof text !== "string" || !ISO_DATE.test(text)) return false;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 ? (leap ? 29 : 28) : (DAYS[m] as number));
}
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
