import { describe, expect, it } from "vitest";
import { isIsoDate, safeParsePeriod } from "./period.js";

describe("periods and dates", () => {
  it("a month's first and last day, leap years included", () => {
    expect(safeParsePeriod("2024-02").period).toEqual({ id: "2024-02", start: "2024-02-01", end: "2024-02-29" });
    expect(safeParsePeriod("2023-02").period?.end).toBe("2023-02-28");
    expect(safeParsePeriod("1900-02").period?.end).toBe("1900-02-28");
    expect(safeParsePeriod("2000-02").period?.end).toBe("2000-02-29");
    expect(safeParsePeriod("2026-12").period?.end).toBe("2026-12-31");
    for (const bad of ["2026-13", "2026-00", "2026-1", "26-10", "2026-10-01", 202610, null]) {
      expect(safeParsePeriod(bad).issue?.code).toBe("PERIOD_INVALID");
    }
  });

  it("real calendar dates only", () => {
    for (const good of ["2024-02-29", "2026-12-31", "2026-01-01"]) expect(isIsoDate(good)).toBe(true);
    for (const bad of ["2023-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-1-1", "20260101", "", 20260101]) expect(isIsoDate(bad)).toBe(false);
  });
});
