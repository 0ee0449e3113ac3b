// Chained runs (docs/state.md "A chain of periods"): the range of periods, the split of members and orders
// by date, and a chain run at once equal to its periods run one by one with each closing state passed on.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, parsePlan, parseState, safeCalculate, stateNdjson } from "../index.js";
import { fingerprintStatements } from "../audit/fingerprint.js";
import { runPeriods, safePeriodRange, safeRunPeriods, splitPeriods } from "./chain.js";
import { parsePeriod } from "../run/period.js";
import { GRACE_PLAN } from "../../test/fixtures/state.js";

describe("safePeriodRange", () => {
  it("months and ISO weeks, across a year's end (2026 has 53 ISO weeks)", () => {
    expect(safePeriodRange("2026-11..2027-02").periods).toEqual(["2026-11", "2026-12", "2027-01", "2027-02"]);
    expect(safePeriodRange("2026-W52..2027-W02").periods).toEqual(["2026-W52", "2026-W53", "2027-W01", "2027-W02"]);
    expect(safePeriodRange("2025-W52..2026-W01").periods).toEqual(["2025-W52", "2026-W01"]);
    expect(safePeriodRange("2026-03..2026-03").periods).toEqual(["2026-03"]);
  });
  it("a bad range is PERIOD_INVALID", () => {
    for (const bad of ["2026-06..2026-01", "2026-01..2026-W08", "2026-13..2027-01", "2026-01", "2000-01..2099-12"]) expect(safePeriodRange(bad).issue?.code, bad).toBe("PERIOD_INVALID");
  });
});

const plan = parsePlan(GRACE_PLAN);
const members: MemberInput[] = [
  { id: "A", sponsorId: null, joinDate: "2024-01-01" },
  { id: "B", sponsorId: "A", joinDate: "2026-09-15" },
  { id: "C", sponsorId: "B", joinDate: "2026-10-31" },
];
const order = (id: string, memberId: string, date: string, pv: string): OrderInput => ({ id, memberId, kind: "personal-consumption", date, volumes: { PV: pv } });
const orders: OrderInput[] = [
  order("o1", "A", "2026-09-01", "200"),
  order("o2", "B", "2026-09-30", "100"),
  order("o3", "A", "2026-10-01", "100"),
  order("o4", "C", "2026-10-31", "250"),
  order("o5", "A", "2026-11-30", "100"),
  order("o6", "B", "2026-11-01", "150"),
];

describe("a chain of periods", () => {
  it("splits members by join date and orders by date", () => {
    const shares = splitPeriods({ periods: [], members, orders }, ["2026-09", "2026-10", "2026-11"].map(parsePeriod));
    expect(shares.map((s) => s.members.map((m) => m.id).join(""))).toEqual(["AB", "ABC", "ABC"]);
    expect(shares.map((s) => s.orders.map((o) => o.id).join(" "))).toEqual(["o1 o2", "o3 o4", "o5 o6"]);
  });

  it("run at once equals the periods run one by one, each with the previous closing state (statements and state bytes)", () => {
    const chain = [...runPeriods(plan, { periods: ["2026-09", "2026-10", "2026-11"], members, orders })];
    // By hand: A Silver, Silver in grace, Bronze; B Bronze, kept Bronze in grace, Bronze; C Silver in October.
    expect(chain.map((p) => ["A", "B", "C"].map((id) => p.run.statement(id)?.rank.paidAs ?? "-").join(" "))).toEqual(["Silver Bronze -", "Silver Bronze Silver", "Bronze Bronze Silver"]);
    let state: string | undefined;
    for (const p of chain) {
      const one = safeCalculate(plan, p.input, state === undefined ? {} : { state: parseState(state) });
      if (!one.ok) throw new Error(JSON.stringify(one.issues));
      expect(fingerprintStatements(one.value)).toBe(fingerprintStatements(p.run));
      state = stateNdjson(one.value);
      expect(p.state).toBe(state);
    }
    expect(chain[2]?.state).toContain('{"id":"C","rank.grace":1,"rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":2}\n');
  });

  // The path is the order's index in the whole orders list (o5, o6 are its 5th and 6th), not in the October share.
  it("an order outside the periods is reported by the period it falls beside; periods that do not follow each other are PERIOD_INVALID", () => {
    const late = [...safeRunPeriods(plan, { periods: ["2026-09", "2026-10"], members, orders })];
    const last = late.at(-1);
    expect(last?.ok === false && last.issues.map((i) => `${i.code} ${i.path.join(".")}`)).toEqual(["ORDER_OUTSIDE_PERIOD orders.4.date", "ORDER_OUTSIDE_PERIOD orders.5.date"]);
    // Each names the period it was found in.
    expect(last?.ok === false && last.issues.every((i) => i.message.startsWith("in period 2026-10: "))).toBe(true);
    const gap = [...safeRunPeriods(plan, { periods: ["2026-09", "2026-11"], members, orders })];
    expect(gap).toHaveLength(1);
    expect(gap[0]?.ok === false && gap[0].issues[0]?.code).toBe("PERIOD_INVALID");
  });
});
