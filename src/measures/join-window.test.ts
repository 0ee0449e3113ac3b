// The window after joining (docs/plan-language.md "`fast-start`", "The window"): day and month numbers and
// their boundaries, worked by hand from the calendar.
import { describe, expect, it } from "vitest";
import { dateOf, dayNumberOf } from "../run/period.js";
import { earliestJoin, insideWindow, joinDayReader, monthOfDay, windowLastDay, windowNumber } from "./join-window.js";

const day = dayNumberOf;
const days60 = { unit: "days", length: 60 } as const;
const months2 = { unit: "months", length: 2 } as const;

describe("windows after joining", () => {
  it("monthOfDay agrees with the calendar over ten thousand years", () => {
    for (let d = -719_528; d < 2_932_896; d += 97) {
      const s = dateOf(d);
      expect(monthOfDay(d)).toBe(12 * Number(s.slice(0, 4)) + Number(s.slice(5, 7)) - 1);
    }
  });

  it("days: the join day is day 1; joined 2026-08-01, day 60 is 2026-09-29 (inside), 2026-09-30 day 61 (outside)", () => {
    const j = day("2026-08-01");
    expect(windowNumber(days60, j, j)).toBe(1);
    expect(windowNumber(days60, j, day("2026-09-29"))).toBe(60);
    expect(insideWindow(days60, j, day("2026-09-29"))).toBe(true);
    expect(windowNumber(days60, j, day("2026-09-30"))).toBe(61);
    expect(insideWindow(days60, j, day("2026-09-30"))).toBe(false);
    expect(dateOf(windowLastDay(days60, j))).toBe("2026-09-29");
  });

  it("an order dated before the join date is outside, in days and in months", () => {
    const j = day("2026-08-20");
    expect(insideWindow(days60, j, day("2026-08-19"))).toBe(false);
    expect(insideWindow(months2, j, day("2026-08-19"))).toBe(false);
  });

  it("months: the month of joining is month 1; joined 2026-08-20, inside through 2026-09-30, outside from 2026-10-01", () => {
    const j = day("2026-08-20");
    expect(windowNumber(months2, j, j)).toBe(1);
    expect(windowNumber(months2, j, day("2026-09-30"))).toBe(2);
    expect(insideWindow(months2, j, day("2026-09-30"))).toBe(true);
    expect(windowNumber(months2, j, day("2026-10-01"))).toBe(3);
    expect(insideWindow(months2, j, day("2026-10-01"))).toBe(false);
    expect(dateOf(windowLastDay(months2, j))).toBe("2026-09-30");
    // Across a year's end: joined in December, month 2 is January.
    expect(windowNumber(months2, day("2026-12-31"), day("2027-01-31"))).toBe(2);
    expect(dateOf(windowLastDay(months2, day("2026-12-31")))).toBe("2027-01-31");
    expect(dateOf(windowLastDay({ unit: "months", length: 2 }, day("2027-01-05")))).toBe("2027-02-28");
  });

  it("the earliest join date whose window reaches a day: 60 days before 2026-10-01 is 2026-08-03 (day 60 = 2026-10-01)", () => {
    expect(earliestJoin(days60, day("2026-10-01"))).toBe("2026-08-03");
    expect(insideWindow(days60, day("2026-08-03"), day("2026-10-01"))).toBe(true);
    expect(insideWindow(days60, day("2026-08-02"), day("2026-10-01"))).toBe(false);
    // 2 months: joined in September, October is month 2; joined on 31 August, month 3.
    expect(earliestJoin(months2, day("2026-10-01"))).toBe("2026-09-01");
    expect(insideWindow(months2, day("2026-08-31"), day("2026-10-01"))).toBe(false);
  });

  it("join days are read once per member", () => {
    const dates = ["2026-01-31", "2026-02-01"];
    let reads = 0;
    const read = joinDayReader({ length: 2, at: (i) => (reads++, dates[i]) }, 2);
    expect([read(1), read(0), read(1)]).toEqual([day("2026-02-01"), day("2026-01-31"), day("2026-02-01")]);
    expect(reads).toBe(2);
  });
});
