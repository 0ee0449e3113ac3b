import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { calculate, calculatePrepared, explain, orderMeasures, prepareFiles } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { loadPlan } from "../../test/conformance/helpers.js";

const c = conformanceCase("doterra-fast-start-lisa-megan");
const plan = loadPlan(new URL("./plan.yaml", import.meta.url));
type Node = { id: string; sponsor: string | null; personalVolume?: number; orders?: number[]; ordersWithinFirst60Days?: boolean };
const tree = c.tree as Node[];
const megan = tree.find((n) => n.id === "Megan") as Node;
const lisa = tree.find((n) => n.id === "Lisa") as Node;
const perOrder: number[] = c.expected.Lisa.fastStartPerOrder;

// The members and orders files beside the plan hold the case: Megan joined on 2026-10-01 and placed her three
// orders within her first 60 days; Lisa placed her 100 PV Loyalty Rewards order.
const file = (f: string) => fileURLToPath(new URL(`./${f}`, import.meta.url));
const prepared = prepareFiles({ period: "2026-10", members: file("members.csv"), orders: file("orders.csv") }, { measures: orderMeasures(plan) });
const run = calculatePrepared(plan, prepared);

describe("doterra-fast-start-lisa-megan (published)", () => {
  it("the files hold the case: Lisa sponsored (enrolled) Megan, Megan's three orders, Lisa's 100 PV order", () => {
    expect(c.expected.currency).toBe(plan.currency);
    expect(run.statement("Megan")?.sponsorId).toBe(megan.sponsor);
    expect(megan.ordersWithinFirst60Days).toBe(true);
    expect(run.statement("Megan")?.volumes.personal.PV).toBe(String((megan.orders as number[]).reduce((a, b) => a + b, 0)));
    expect(run.statement("Lisa")?.volumes.personal.PV).toBe(String(lisa.personalVolume));
  });

  it("Lisa is paid 20% of each of Megan's orders, one line per order: 26.40, 15.60, 29.40", () => {
    const lines = (run.statement("Lisa")?.lines ?? []).filter((l) => l.bonus === "fast-start");
    expect(lines.map((l) => [l.level, l.source, l.order, l.base, l.rate, l.amount])).toEqual(
      (megan.orders as number[]).map((pv, k) => [1, "Megan", `megan-${k + 1}`, String(pv), "0.2", money(perOrder[k] as number)]),
    );
  });

  it("the Fast Start total is 71.40, and Lisa's whole statement", () => {
    expect(run.statement("Lisa")?.bonuses["fast-start"]).toBe(money(c.expected.Lisa.fastStartTotal));
    expect(run.statement("Lisa")?.total).toBe(money(c.expected.Lisa.fastStartTotal));
    expect(run.summary.total).toBe("71.40");
  });

  it("no Unilevel on those orders: Megan's 357 PV counts 0 in UPV, so Lisa's Unilevel is 0", () => {
    expect(run.statement("Megan")?.volumes.personal.UPV).toBe("0");
    expect(run.statement("Lisa")?.bonuses.unilevel).toBeUndefined();
    expect(explain(run, "Lisa", { bonus: "unilevel" }).bonuses[0]?.notPaid.map((n) => n.reason)).toEqual(["no-downline-volume"]);
  });

  it("unearned levels do not roll up: levels 2 and 3 have no enroller above Lisa (breakage 15% × 357 = 53.55)", () => {
    expect(run.summary.bonuses[0]?.accounting).toEqual({
      potential: "124.95",
      paid: "71.40",
      compressedUp: "0.00",
      breakage: { "no-upline": "53.55", "period-cap": "0.00", "source-cap": "0.00", "upline-unqualified": "0.00" },
    });
  });

  it("explain names each order and its day in Megan's 60-day window", () => {
    const lines = explain(run, "Lisa", { bonus: "fast-start" }).bonuses[0]?.lines ?? [];
    expect(lines.map((l) => l.explanation)).toEqual([
      "20% of Megan's order megan-1 (2026-10-01, day 1 of 60 after joining), 132 PV, at level 1",
      "20% of Megan's order megan-2 (2026-10-15, day 15 of 60 after joining), 78 PV, at level 1",
      "20% of Megan's order megan-3 (2026-10-29, day 29 of 60 after joining), 147 PV, at level 1",
    ]);
  });

  it("without her 100 PV Loyalty Rewards order Lisa is paid nothing: the 71.40 is breakage, not rolled up", () => {
    const orders = readFileSync(file("orders.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
    const r = calculate(plan, {
      period: "2026-10",
      members: [{ id: "Lisa", sponsorId: null, joinDate: "2024-01-01" }, { id: "Megan", sponsorId: "Lisa", joinDate: "2026-10-01" }],
      orders: orders.filter(([id]) => id !== "lisa-lrp").map(([id, memberId, , date, pv]) => ({ id: id as string, memberId: memberId as string, kind: "personal-consumption" as const, date: date as string, volumes: { PV: pv as string } })),
    });
    expect(r.statement("Lisa")?.total).toBe("0.00");
    expect(r.summary.bonuses[0]?.accounting?.breakage["upline-unqualified"]).toBe("71.40");
    const why = explain(r, "Lisa", { bonus: "fast-start" }).bonuses[0]?.notPaid[0];
    expect(why).toMatchObject({ reason: "member-unqualified", level: 1, forgone: "71.40" });
    expect(why?.conditions).toContainEqual({ condition: "order", measure: "PV", actual: "no order", required: "100", met: false });
  });
});
