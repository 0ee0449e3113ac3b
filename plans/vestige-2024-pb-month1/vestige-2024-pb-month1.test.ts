import { describe, expect, it } from "vitest";
import { type Plan, applyChangeSet, calculate } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { PERIOD, loadPlan, membersOf, ordersOf, runFiles, runText, sumMoney } from "../../test/conformance/helpers.js";

const c = conformanceCase("vestige-2024-pb-month1");
const plan = loadPlan(new URL("./plan.yaml", import.meta.url));
type Node = { id: string; sponsor: string | null; personalVolume: number };
const tree = c.tree as Node[];
const DOWNLINES = ["A", "B", "C"];
// The members file gives each member the level the source states: the plan's step of that rate.
const steps = (plan.bonuses[0] as { steps: { rank: string; rate: string }[] }).steps;
const levelOf = (id: string) => steps.find((s) => s.rate === String(c.inputs.levelRate[id]))?.rank;
const members = membersOf(tree).map((m) => ({ ...m, rank: levelOf(m.id) as string }));
const input = { period: PERIOD, members, orders: ordersOf(tree, (n: Node) => ({ PV: n.personalVolume })) };
const set = (p: Plan, path: string, value: string) => applyChangeSet(p, { changes: [{ set: path, value }] });

describe("vestige-2024-pb-month1 (published)", () => {
  const run = calculate(plan, input);
  const you = run.statement("YOU");
  const performance = (id: string) => (run.statement(id)?.lines ?? []).filter((l) => l.bonus === "performance");
  const gross = performance("YOU").find((l) => l.source === "YOU");

  it("each member is paid at the level the source states; 1 point = Rs 18", () => {
    for (const n of tree) expect(run.statement(n.id)?.rank.paidAs).toBe(levelOf(n.id));
    expect(levelOf("YOU")).toBe("Level 12");
    expect(plan.bonuses[0]).toMatchObject({ pointValue: String(c.inputs.rupeesPerPoint) });
  });

  it("the group: GPV 2,600 × 12% = 312 points × Rs 18 = Rs 5,616", () => {
    expect(you?.volumes.group.PV).toBe(String(c.expected.groupPV.YOU));
    expect([gross?.base, gross?.amount]).toEqual([String(c.expected.groupPV.YOU), money(c.expected.groupPoolRs)]);
    // In points (a point worth 1): the group's 312.
    const points = calculate(set(plan, "bonuses[key=performance].pointValue", "1"), input).statement("YOU");
    expect(points?.lines.find((l) => l.source === "YOU")?.amount).toBe(money(c.expected.groupPoolPoints));
  });

  it("each downline gets its own level % of its own PV: A 300 × 5% = 15 × 18 = Rs 270; B and C 1,000 × 8% = 80 × 18 = Rs 1,440", () => {
    for (const id of DOWNLINES) {
      expect(run.statement(id)?.bonuses.performance).toBe(money(c.expected.downlineRs[id]));
      expect(performance("YOU").find((l) => l.source === id)?.amount).toBe(`-${money(c.expected.downlineRs[id])}`);
    }
  });

  it("Rs 3,150 distributed to the downlines; YOU keeps the balance, Rs 2,466", () => {
    const distributed = performance("YOU").filter((l) => l.source !== "YOU");
    expect(sumMoney(distributed.map((l) => l.amount))).toBe(money(-c.expected.distributedToDownlinesRs));
    expect(run.summary.bonuses[0]?.accounting?.withheld).toBe(money(c.expected.distributedToDownlinesRs));
    expect([you?.bonuses.performance, you?.total]).toEqual([money(c.expected.YOU_Rs), money(c.expected.YOU_Rs)]);
  });

  it("the differential view gives YOU the same: 12% × 300 + (12 − 5)% × 300 + (12 − 8)% × 1,000 × 2 = 137 points = Rs 2,466", () => {
    const differential = set(plan, "bonuses[key=performance].method", "differential");
    expect(calculate(differential, input).statement("YOU")?.total).toBe(money(c.expected.YOU_Rs));
    expect(calculate(set(differential, "bonuses[key=performance].pointValue", "1"), input).statement("YOU")?.total).toBe("137.00");
  });

  it("the members.csv and orders.csv beside the plan (for compplan run) hold the same example", () => {
    expect(runText(runFiles(plan, new URL(".", import.meta.url)))).toBe(runText(run));
  });
});
