import { describe, expect, it } from "vitest";
import { calculate } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { PERIOD, loadPlan, membersOf, ordersOf, runFiles, runText } from "../../test/conformance/helpers.js";

const c = conformanceCase("lifeleadership-differential");
const plan = loadPlan(new URL("./plan.yaml", import.meta.url));
type Node = { id: string; sponsor: string | null; personalVolume: number };
const tree = c.tree as Node[];

describe("lifeleadership-differential (published)", () => {
  const run = calculate(plan, { period: PERIOD, members: membersOf(tree), orders: ordersOf(tree, (n: Node) => ({ PV: n.personalVolume })) });
  const you = run.statement("YOU");
  const line = (id: string, source: string) => run.statement(id)?.lines.find((l) => l.source === source);

  it("YOU's total PV 1,500 sets 15%; the downline team's 1,000 sets 12%", () => {
    expect(you?.volumes.group.PV).toBe(String(c.expected.YOU.totalPV));
    expect(line("YOU", "YOU")?.rate).toBe(String(c.expected.YOU.rate));
    expect(run.statement("TEAM")?.volumes.group.PV).toBe(String(tree.find((n) => n.id === "TEAM")?.personalVolume));
    expect(line("TEAM", "TEAM")?.rate).toBe(String(c.expected.TEAM.rate));
  });

  it("YOU's differential bonus on the team: (15% − 12%) × 1,000 PV = $30", () => {
    const onTeam = line("YOU", "TEAM");
    expect([onTeam?.base, onTeam?.rate, onTeam?.amount]).toEqual(["1000", "0.03", money(c.expected.YOU.differentialBonusOnTEAM)]);
  });

  it("the members.csv and orders.csv beside the plan (for compplan run) hold the same example", () => {
    expect(runText(runFiles(plan, new URL(".", import.meta.url)))).toBe(runText(run));
  });
});
