/**
 * Calendar days for the reference engine: a date `YYYY-MM-DD` as a day number (days since 1970-01-01, UTC),
 * and a run's period (docs/plan-language.md "Inputs the plan is applied to", Period) as its first and last
 * day: a calendar month `2026-10` (1 to 31 October), an ISO week `2026-W07` (Monday to Sunday; "week 1 is the
 * week that holds the year's first Thursday", so the one holding January 4), or a date range
 * `YYYY-MM-DD..YYYY-MM-DD` (both days included).
 */
const DAY = 86_400_000;

/** The day number of a `YYYY-MM-DD` date. */
export function dayOf(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY;
}

/** The day number of the first day of the month `months` calendar months after month `m` (1 … 12) of year `y`. */
export function firstOfMonth(y: number, m: number, months = 0): number {
  return Date.UTC(y, m - 1 + months, 1) / DAY;
}

/** A period's first and last day (day numbers). */
export function periodDays(period: string): { first: number; last: number } {
  const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(period);
  if (range !== null) return { first: dayOf(range[1] as string), last: dayOf(range[2] as string) };
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  if (week !== null) {
    // ISO 8601: week 1 is the week (Monday to Sunday) that holds January 4.
    const jan4 = Date.UTC(Number(week[1]), 0, 4) / DAY;
    const mondayOfWeek1 = jan4 - ((new Date(jan4 * DAY).getUTCDay() + 6) % 7);
    const first = mondayOfWeek1 + (Number(week[2]) - 1) * 7;
    return { first, last: first + 6 };
  }
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month !== null) {
    const y = Number(month[1]);
    const m = Number(month[2]);
    return { first: firstOfMonth(y, m), last: firstOfMonth(y, m, 1) - 1 };
  }
  throw new Error(`reference engine: not a period: ${period}`);
}
