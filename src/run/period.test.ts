import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, dayIndex, isIsoDate, safeParsePeriod } from "./period.js";

describe("months", () => {
  it("a month's first and last day, leap years included", () => {
    expect(safeParsePeriod("2024-02").period).toEqual({ id: "2024-02", kind: "month", start: "2024-02-01", end: "2024-02-29", days: 29 });
    expect(safeParsePeriod("2023-02").period?.end).toBe("2023-02-28");
    expect(safeParsePeriod("1900-02").period?.end).toBe("1900-02-28");
    expect(safeParsePeriod("2000-02").period?.end).toBe("2000-02-29");
    expect(safeParsePeriod("2026-12").period).toMatchObject({ end: "2026-12-31", days: 31 });
    for (const bad of ["2026-13", "2026-00", "2026-1", "26-10", "2026-10-01", 202610, null]) {
      expect(safeParsePeriod(bad).issue?.code).toBe("PERIOD_INVALID");
    }
  });
});

describe("ISO weeks (Monday to Sunday; week 1 holds the year's first Thursday)", () => {
  // From the calendar: 2026 starts on a Thursday (53 weeks); 2020 is a leap year starting on a Wednesday
  // (53 weeks); 2021 starts on a Friday (52 weeks); 2004 starts on a Thursday.
  it.each([
    ["2026-W01", "2025-12-29", "2026-01-04"],
    ["2026-W53", "2026-12-28", "2027-01-03"],
    ["2020-W53", "2020-12-28", "2021-01-03"],
    ["2021-W01", "2021-01-04", "2021-01-10"],
    ["2027-W01", "2027-01-04", "2027-01-10"],
    ["2004-W53", "2004-12-27", "2005-01-02"],
  ])("%s is %s .. %s", (id, start, end) => {
    expect(safeParsePeriod(id).period).toEqual({ id, kind: "week", start, end, days: 7 });
  });

  it("week 53 only in a long year; week 0 never", () => {
    for (const bad of ["2021-W53", "2100-W53", "2026-W00", "2026-W54", "2026-W1", "2026W01", "2026-w01"]) {
      expect(safeParsePeriod(bad).issue?.code, bad).toBe("PERIOD_INVALID");
    }
    expect(safeParsePeriod("2021-W53").issue?.message).toContain("2021 has ISO weeks W01 to W52");
  });

  it("every date lies in the week an independent formula gives it (ordinal day and weekday)", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1901-01-01T00:00:00Z"), max: new Date("2399-12-31T00:00:00Z"), noInvalidDate: true }), (t) => {
        const date = t.toISOString().slice(0, 10);
        const y = t.getUTCFullYear();
        const ordinal = Math.floor((Date.UTC(y, t.getUTCMonth(), t.getUTCDate()) - Date.UTC(y, 0, 1)) / 86_400_000) + 1;
        const weekday = ((t.getUTCDay() + 6) % 7) + 1;
        let week = Math.floor((ordinal - weekday + 10) / 7);
        let year = y;
        const weeksIn = (yy: number) => {
          const p = (x: number) => (x + Math.floor(x / 4) - Math.floor(x / 100) + Math.floor(x / 400)) % 7;
          return p(yy) === 4 || p(yy - 1) === 3 ? 53 : 52;
        };
        if (week < 1) {
          year = y - 1;
          week = weeksIn(year);
        } else if (week > weeksIn(y)) {
          year = y + 1;
          week = 1;
        }
        const p = safeParsePeriod(`${year}-W${String(week).padStart(2, "0")}`).period;
        expect(p, date).toBeDefined();
        expect(p !== undefined && p.start <= date && date <= p.end).toBe(true);
        expect(p === undefined ? -1 : dayIndex(p, date)).toBe(weekday - 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("date ranges", () => {
  it("both days included, at most 366 days", () => {
    expect(safeParsePeriod("2026-10-01..2026-10-15").period).toEqual({ id: "2026-10-01..2026-10-15", kind: "range", start: "2026-10-01", end: "2026-10-15", days: 15 });
    expect(safeParsePeriod("2026-10-05..2026-10-05").period?.days).toBe(1);
    expect(safeParsePeriod("2024-01-01..2024-12-31").period?.days).toBe(366);
    expect(safeParsePeriod("2023-03-01..2024-02-29").period?.days).toBe(366);
    expect(safeParsePeriod("2023-03-01..2024-03-01").issue?.message).toContain("367 days");
  });

  it("a range that ends before it starts, or names no real date, is PERIOD_INVALID saying why", () => {
    expect(safeParsePeriod("2026-10-15..2026-10-01").issue?.message).toContain("ends (2026-10-01) before it starts (2026-10-15)");
    expect(safeParsePeriod("2026-02-29..2026-03-10").issue?.message).toContain("2026-02-29 is not a calendar date");
    for (const bad of ["2026-10-01..", "..2026-10-01", "2026-10-01...2026-10-02", "2026-10-01 .. 2026-10-02", "2026-10-01/2026-10-02"]) {
      expect(safeParsePeriod(bad).issue?.code, bad).toBe("PERIOD_INVALID");
    }
  });
});

describe("days within a period", () => {
  it("day 0 is the first day; the last is days - 1; outside dates fall outside", () => {
    const m = safeParsePeriod("2026-10").period;
    if (m === undefined) throw new Error("no period");
    expect([dayIndex(m, "2026-10-01"), dayIndex(m, "2026-10-31"), dayIndex(m, "2026-09-30"), dayIndex(m, "2026-11-01")]).toEqual([0, 30, -1, 31]);
    const w = safeParsePeriod("2026-W01").period;
    if (w === undefined) throw new Error("no period");
    expect([dayIndex(w, "2025-12-29"), dayIndex(w, "2026-01-04")]).toEqual([0, 6]);
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2023-02-28", 1)).toBe("2023-03-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
  });
});

describe("calendar dates", () => {
  it("real calendar dates only", () => {
    for (const good of ["2024-02-29", "2026-12-31", "2026-01-01"]) expect(isIsoDate(good)).toBe(true);
    for (const bad of ["2023-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-1-1", "20260101", "", 20260101]) expect(isIsoDate(bad)).toBe(false);
  });
});
