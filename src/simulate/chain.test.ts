// What-if over a chain of periods (docs/what-if.md "Over several periods"), on the example chain
// plans/grace-chain (README there). Every expected figure is worked by hand from the plan:
//   qualified with PV ≥ 50; Bronze from group PV 200, Silver from 500; unilevel 10% of level 1's PV;
//   rank bonus Bronze 10.00, Silver 30.00; paidAs.grace 1 in the base plan.
//   January: A group 100 + 400 = 500 → Silver, pays 40 + 30 = 70; B 400 → Bronze, 10.
//   February (C joins): A group 100 + 50 + 100 = 250 → Bronze; B 50 → none; unilevel for A 10% of 150 = 15.
//     grace 1: A Silver in grace, 15 + 30 = 45; B Bronze in grace, 10.     grace 0: A Bronze 15 + 10 = 25; B 0.
//   March: the same volumes. grace 1: grace used, A Bronze 25, B none 0.    grace 0: A Bronze 25, B 0.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, canonicalJson, parsePlan, parseState, runPeriods } from "../index.js";
import { safeSimulatePeriods, simulatePeriods } from "./chain.js";

const here = (f: string) => new URL(`../../plans/grace-chain/${f}`, import.meta.url);
const plan = parsePlan(readFileSync(here("plan.yaml"), "utf8"));
const rows = (f: string) => {
  const [head, ...lines] = readFileSync(here(f), "utf8").trim().split("\n");
  const keys = (head as string).split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, k) => [keys[k] as string, v])));
};
const members: MemberInput[] = rows("members.csv").map((m) => ({ id: m.id as string, sponsorId: m.sponsorId || null, joinDate: m.joinDate as string }));
const orders: OrderInput[] = rows("orders.csv").map((o) => ({ id: o.id as string, memberId: o.memberId as string, kind: "personal-consumption", date: o.date as string, volumes: { PV: o.PV as string } }));
const input = { periods: ["2026-01", "2026-02", "2026-03"], members, orders };

// Grace 0, still keeping state (a `state` section), so both final states have rank fields to compare.
const GRACE_0 = { description: "no grace", changes: [{ set: "paidAs.grace", value: 0 }, { set: "state", value: { unknownMembers: "error" } }] };

describe("simulatePeriods: grace 1 → grace 0 on the grace-chain example", () => {
  const d = simulatePeriods(plan, GRACE_0, input);

  it("per period: only February changes (A Silver → Bronze, B Bronze → none)", () => {
    expect(d.periods.map((p) => p.period)).toEqual(["2026-01", "2026-02", "2026-03"]);
    expect(d.periods.map((p) => p.total)).toEqual([
      { before: "80.00", after: "80.00", change: "0.00" },
      { before: "55.00", after: "25.00", change: "-30.00" },
      { before: "25.00", after: "25.00", change: "0.00" },
    ]);
    const feb = d.periods[1];
    expect(feb?.members).toBe(3);
    expect(feb?.bonuses.map((b) => [b.key, b.before, b.after, b.change])).toEqual([
      ["unilevel", "15.00", "15.00", "0.00"],
      ["rank-bonus", "40.00", "10.00", "-30.00"],
    ]);
    expect(feb?.movers).toMatchObject({ changed: 2, gainers: 0, losers: 2, payUnchanged: 1, rankChanged: 2, rankUp: 0, rankDown: 2, gained: "0.00", lost: "-30.00" });
    expect(feb?.largestLosses).toEqual([
      { memberId: "A", before: "45.00", after: "25.00", change: "-20.00", rankBefore: "Silver", rankAfter: "Bronze" },
      { memberId: "B", before: "10.00", after: "0.00", change: "-10.00", rankBefore: "Bronze", rankAfter: null },
    ]);
    expect(d.periods[0]?.movers.changed).toBe(0);
    expect(d.periods[2]?.movers.changed).toBe(0);
  });

  it("in total: A 140 → 120, B 20 → 10, C 0; the rank bonus 90 → 60", () => {
    expect(d.total).toMatchObject({ first: "2026-01", last: "2026-03", periods: 3, members: 3, total: { before: "160.00", after: "130.00", change: "-30.00" } });
    expect(d.total.bonuses.map((b) => [b.key, b.before, b.after, b.change])).toEqual([
      ["unilevel", "70.00", "70.00", "0.00"],
      ["rank-bonus", "90.00", "60.00", "-30.00"],
    ]);
    expect(d.total.movers).toEqual({ changed: 2, gainers: 0, losers: 2, payUnchanged: 1, moved: 0, gained: "0.00", lost: "-30.00" });
    expect(d.total.changes).toEqual([
      { memberId: "A", before: "140.00", after: "120.00", change: "-20.00" },
      { memberId: "B", before: "20.00", after: "10.00", change: "-10.00" },
    ]);
    expect(d.total.largestGains).toEqual([]);
  });

  it("final state after March: only A's months at Bronze differ (1 under grace, 2 without); rank.grace only the base keeps", () => {
    // Base: A highest Silver, paid as Bronze from March (1 month), grace 0; B highest Bronze.
    // Grace 0: A paid as Bronze since February (2 months); B highest Bronze.
    expect(d.finalState).toMatchObject({ period: "2026-03", members: 1, before: { keeps: true, rows: 2 }, after: { keeps: true, rows: 2 } });
    expect(d.finalState.fields).toEqual([
      { field: "rank.highest", kind: "rank", kept: "both", members: 0 },
      { field: "rank.paidAs", kind: "rank", kept: "both", members: 0 },
      { field: "rank.periods", kind: "count", kept: "both", members: 1 },
      { field: "rank.grace", kind: "count", kept: "before", members: 0 },
    ]);
    expect(d.finalState.examples).toEqual([{ memberId: "A", field: "rank.periods", before: 1, after: 2 }]);
    expect(d.finalState.before.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("each side is the plan's own chain (runPeriods, its closing state passed on), and the comparison is deterministic", () => {
    const changed = parsePlan(readFileSync(here("plan.yaml"), "utf8").replace("grace: 1", "grace: 0\nstate: { unknownMembers: error }"));
    const a = [...runPeriods(plan, input)];
    const b = [...runPeriods(changed, input)];
    expect(d.periods.map((p) => [p.total.before, p.total.after])).toEqual(a.map((r, k) => [r.run.summary.total, b[k]?.run.summary.total]));
    expect(parseState(a[2]?.state as string).ids).toEqual(["A", "B"]);
    expect(canonicalJson(simulatePeriods(plan, GRACE_0, input), 2)).toBe(canonicalJson(d, 2));
  });
});

describe("simulatePeriods: pay moved between periods nets out in the total", () => {
  // Grace 0 and Bronze pays 20.00: B is paid 20 in January and 0 in February instead of 10 and 10;
  // A 70, 35, 35 instead of 70, 45, 25. Per period +10, −20, +10; over the chain nobody gains or loses.
  const d = simulatePeriods(plan, { changes: [...GRACE_0.changes, { set: "bonuses[key=rank-bonus].amounts.Bronze", value: "20.00" }] }, input);
  it("per period the total moves; in total it does not, and A and B are counted as moved, not as losers", () => {
    expect(d.periods.map((p) => p.total.change)).toEqual(["10.00", "-20.00", "10.00"]);
    expect(d.periods[1]?.movers.losers).toBe(2);
    expect(d.total.total).toEqual({ before: "160.00", after: "160.00", change: "0.00" });
    expect(d.total.bonuses.map((b) => b.change)).toEqual(["0.00", "0.00"]);
    expect(d.total.movers).toEqual({ changed: 0, gainers: 0, losers: 0, payUnchanged: 3, moved: 2, gained: "0.00", lost: "0.00" });
    expect(d.total.changes).toEqual([]);
  });
});

describe("simulatePeriods: edge cases", () => {
  it("a changed plan that keeps no state (grace 0 alone): the base's whole final state differs", () => {
    const d = simulatePeriods(plan, { changes: [{ set: "paidAs.grace", value: 0 }] }, input);
    expect(d.total.total.change).toBe("-30.00");
    expect(d.finalState.after).toEqual({ keeps: false, fingerprint: null, rows: 0 });
    expect(d.finalState.members).toBe(2);
    expect(d.finalState.fields.map((f) => [f.field, f.kept, f.members])).toEqual([
      ["rank.highest", "before", 2],
      ["rank.paidAs", "before", 1],
      ["rank.periods", "before", 1],
      ["rank.grace", "before", 0],
    ]);
    expect(d.finalState.examples.slice(0, 2)).toEqual([
      { memberId: "A", field: "rank.highest", before: "Silver", after: null },
      { memberId: "A", field: "rank.paidAs", before: "Bronze", after: null },
    ]);
  });
  it("the same plan twice: every change is zero and the final states are equal", () => {
    const d = simulatePeriods(plan, { changes: [] }, input);
    expect(d.total.movers.changed + d.total.movers.moved + d.finalState.members).toBe(0);
    expect(d.finalState.before.fingerprint).toBe(d.finalState.after.fingerprint);
  });
  it("periods that do not follow each other are PERIOD_INVALID; a misspelt key is an invalid changed plan", () => {
    const r = safeSimulatePeriods(plan, { changes: [] }, { ...input, periods: ["2026-01", "2026-03"] });
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path])).toEqual([["PERIOD_INVALID", ["periods", 1]]]);
    const c = safeSimulatePeriods(plan, { changes: [{ set: "paidAs.grase", value: 0 }] }, input);
    expect(c.ok ? [] : c.issues.map((i) => i.code)).toEqual(["PLAN_UNKNOWN_KEY"]); // a missing key is created, then the plan is invalid
  });
});
