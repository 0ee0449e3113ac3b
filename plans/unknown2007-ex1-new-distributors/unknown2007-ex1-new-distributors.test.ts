import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, calculate } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { PERIOD, loadPlan, membersOf, ordersOf, runFiles, runText } from "../../test/conformance/helpers.js";

const c = conformanceCase("unknown2007-ex1-new-distributors");
const plan = loadPlan(new URL("./plan.yaml", import.meta.url));
type Node = { id: string; sponsor: string | null; personalVolume: number; isNew: boolean };
const tree = c.tree as Node[];
// The members file gives A the level the source infers (20%): the plan's step of that rate. B, C and D are new
// distributors: no level.
const steps = (plan.bonuses[0] as { steps: { rank: string; rate: string }[] }).steps;
const levelOf = (id: string) => steps.find((s) => Number(s.rate) === c.inputs.levelRate[id])?.rank;
const members = membersOf(tree).map((m) => (levelOf(m.id) === undefined ? m : { ...m, rank: levelOf(m.id) as string }));
const lines = (run: ReturnType<typeof calculate>, id: string) => (run.statement(id)?.lines ?? []).map((l) => [l.level, l.sources, l.source ?? null, l.base, l.rate, l.amount]);

describe("unknown2007-ex1-new-distributors (published)", () => {
  const run = calculate(plan, { period: PERIOD, members, orders: ordersOf(tree, (n: Node) => ({ PV: n.personalVolume })) });
  const a = run.statement("A");

  it("A (20%, own PV 0) earns the direct bonus on the new distributors' PV: (300 B + 300 C + 100 D) × 20% = 140 PV", () => {
    expect(a?.rank.paidAs).toBe("Level 20");
    expect(lines(run, "A")).toEqual([[0, 3, null, "700", "0.2", money(c.expected.A.directBonus)]]);
    expect(a?.bonuses.bonus).toBe(money(c.expected.A.directBonus));
    expect(a?.total).toBe(money(c.expected.A.total));
  });

  it("the new distributors have no level and earn nothing", () => {
    for (const n of tree.filter((n) => n.id !== "A")) {
      expect(n.isNew).toBe(true);
      expect([run.statement(n.id)?.rank.paidAs, run.statement(n.id)?.total]).toEqual([null, "0.00"]);
    }
  });

  it("the members.csv and orders.csv beside the plan (for compplan run) hold the same example", () => {
    expect(runText(runFiles(plan, new URL(".", import.meta.url)))).toBe(runText(run));
  });

  it("the leadership bonus as this plan reads the page (an illustration worked by hand, not a published figure)", () => {
    // L (40%, 100) ← M (40%, 1,000) ← X (no level, 500) ← N (40%, 2,000). M's and N's 40% groups pay L no
    // differential; L earns 1% on generation 1 = M's network less N's (1,000 + 500) and 1% on generation 2 = N's.
    const chain: MemberInput[] = [["L", null], ["M", "L"], ["X", "M"], ["N", "X"]].map(([id, sponsorId]) => ({ id: id as string, sponsorId: sponsorId ?? null, joinDate: "2024-01-01", ...(id === "X" ? {} : { rank: "Level 40" }) }));
    const pv: Record<string, string> = { L: "100", M: "1000", X: "500", N: "2000" };
    const orders: OrderInput[] = Object.entries(pv).map(([id, v]) => ({ id: `o-${id}`, memberId: id, kind: "personal-consumption", date: "2026-10-15", volumes: { PV: v } }));
    const r = calculate(plan, { period: PERIOD, members: chain, orders });
    expect(lines(r, "L")).toEqual([[0, 1, "L", "100", "0.4", "40.00"], [1, 1, "M", "1500", "0.01", "15.00"], [2, 1, "N", "2000", "0.01", "20.00"]]);
    expect(lines(r, "M")).toEqual([[0, 2, null, "1500", "0.4", "600.00"], [1, 1, "N", "2000", "0.01", "20.00"]]);
    expect(lines(r, "N")).toEqual([[0, 1, "N", "2000", "0.4", "800.00"]]);
    expect(lines(r, "X")).toEqual([]);
  });
});
