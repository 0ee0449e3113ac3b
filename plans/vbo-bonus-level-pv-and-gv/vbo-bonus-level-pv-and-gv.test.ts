import { describe, expect, it } from "vitest";
import { type OrderInput, calculate } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { PERIOD, loadPlan, membersOf, runFiles, runText } from "../../test/conformance/helpers.js";

const c = conformanceCase("vbo-bonus-level-pv-and-gv");
const plan = loadPlan(new URL("./plan.yaml", import.meta.url));
type Node = { id: string; sponsor: string | null; personalOrderVolume?: number; customerOrderVolume?: number; personalVolume?: number };
type Variant = { name: string; tree: Node[]; expected: { personalVolume: number; groupVolume: number; rate: number; title: string; personalBonus: number } };

/** A member's own orders (and a downline's volume, as published) are personal consumption; online customers' orders are customer orders. */
function ordersOfVariant(tree: Node[]): OrderInput[] {
  return tree.flatMap((n) => {
    const order = (id: string, kind: OrderInput["kind"], v: number | undefined): OrderInput[] => (v === undefined ? [] : [{ id, memberId: n.id, kind, date: "2026-10-15", volumes: { PV: String(v) } }]);
    return [...order(`o-${n.id}`, "personal-consumption", n.personalOrderVolume ?? n.personalVolume), ...order(`c-${n.id}`, "customer-order", n.customerOrderVolume)];
  });
}
const runOf = (tree: Node[]) => calculate(plan, { period: PERIOD, members: membersOf(tree), orders: ordersOfVariant(tree) });
// The files beside the plan: the variant with a downline in members.csv / orders.csv, the other in *-online-customers.csv.
const FILES: Record<string, { members: string; orders: string }> = {
  "BA with online customers": { members: "members-online-customers.csv", orders: "orders-online-customers.csv" },
  "BA with downline": { members: "members.csv", orders: "orders.csv" },
};

describe("vbo-bonus-level-pv-and-gv (published)", () => {
  for (const v of c.variants as Variant[]) {
    describe(v.name, () => {
      const run = runOf(v.tree);
      const you = run.statement("YOU");
      const e = v.expected;

      it(`PV ${e.personalVolume} (own orders and customer orders), GV ${e.groupVolume} (PV included)`, () => {
        expect([you?.volumes.personal.PV, you?.volumes.group.PV]).toEqual([String(e.personalVolume), String(e.groupVolume)]);
      });

      it(`GV ${e.groupVolume} sets ${e.rate * 100}% and the title ${e.title}; the personal bonus is PV × ${e.rate * 100}% = ${e.personalBonus}`, () => {
        expect(you?.rank.paidAs).toBe(e.title);
        expect(you?.rank.requirements?.at(-1)).toMatchObject({ requirement: "column", column: "pv-bonus.step", met: true });
        expect(you?.lines.map((l) => [l.source, l.base, l.rate, l.amount])).toEqual([["YOU", String(e.personalVolume), String(e.rate), money(e.personalBonus)]]);
        expect([you?.bonuses["pv-bonus"], you?.total]).toEqual([money(e.personalBonus), money(e.personalBonus)]);
      });

      it("the files beside the plan (for compplan run) hold the same example", () => {
        expect(runText(runFiles(plan, new URL(".", import.meta.url), FILES[v.name]))).toBe(runText(run));
      });
    });
  }

  it("the case's own figures are those of the variant with a downline", () => {
    const you = runOf(c.tree).statement("YOU");
    expect([you?.volumes.personal.PV, you?.volumes.group.PV, you?.lines[0]?.rate, you?.total]).toEqual([
      String(c.expected.personalVolume),
      String(c.expected.groupVolume),
      String(c.expected.rate),
      money(c.expected.personalBonus),
    ]);
  });
});
