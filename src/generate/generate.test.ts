// Generated data for every kind of period: the orders fall on the period's days, nobody joins after it ends,
// and the starter plan runs on it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { calculate, parsePlan } from "../index.js";
import { readRecords } from "../input/read.js";
import { parsePeriod } from "../run/period.js";
import { generateData } from "./generate.js";

const starter = parsePlan(readFileSync("plans/starter-unilevel/plan.yaml", "utf8"));

describe.each(["2026-10", "2026-W01", "2026-10-10..2026-10-12"])("generate for %s", (id) => {
  it("orders on the period's days, join dates up to its end, and a run of the starter plan", () => {
    const period = parsePeriod(id);
    let membersCsv = "";
    let ordersCsv = "";
    generateData({ members: 3000, seed: 4, period }, { members: (c) => (membersCsv += c), orders: (c) => (ordersCsv += c) });
    const members = readRecords(membersCsv, { file: "members.csv", kind: "members" }).records as { joinDate: string }[];
    const orders = readRecords(ordersCsv, { file: "orders.csv", kind: "orders" }).records as { date: string }[];
    const days = new Set(orders.map((o) => o.date));
    // 3,000 members place about 4,500 orders: every day of a short period gets some.
    expect(days.size).toBe(period.days);
    for (const d of days) expect(d >= period.start && d <= period.end, d).toBe(true);
    expect(members.every((m) => m.joinDate <= period.end)).toBe(true);
    const run = calculate(starter, { period: id, members: members as never[], orders: orders as never[] });
    expect(run.memberCount).toBe(3000);
    expect(run.period).toEqual(period);
  });
});
