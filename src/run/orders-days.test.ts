// A step reads each order's member, kind and day within the period (RunContext.orders). No family reads the
// days yet, so the test wraps retail-profit's compiled step to see what a step is given.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunContext } from "../bonuses/family.js";
import { retailProfit } from "../bonuses/retail-profit/retail-profit.js";
import { type OrderInput, calculate, parsePlan } from "../index.js";
import { ORDER_KINDS } from "../plan/fields.js";
import { dayIndices, parsePeriod } from "./period.js";

afterEach(() => vi.restoreAllMocks());

const plan = parsePlan(`
compplan: 1
id: days
currency: USD
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption, retail-sale] }
bonuses:
  - key: retail
    kind: retail-profit
    measure: PV
`);

describe("RunContext.orders", () => {
  it("gives each order its member, kind and day within an ISO week (Monday 0 … Sunday 6)", () => {
    let seen: RunContext | undefined;
    const compile = retailProfit.compile.bind(retailProfit);
    vi.spyOn(retailProfit, "compile").mockImplementation((config, ctx) => {
      const step = compile(config, ctx);
      return { ...step, run: (run, sink, b) => ((seen = run), step.run(run, sink, b)) };
    });
    // 2026-W01 runs from Monday 2025-12-29 to Sunday 2026-01-04.
    const orders: OrderInput[] = [
      { id: "o1", memberId: "B", kind: "retail-sale", date: "2026-01-04", volumes: { PV: "1" } },
      { id: "o2", memberId: "A", kind: "personal-consumption", date: "2025-12-29", volumes: { PV: "2" } },
      { id: "o3", memberId: "B", kind: "personal-consumption", date: "2025-12-31", volumes: { PV: "3" } },
    ];
    const run = calculate(plan, {
      period: "2026-W01",
      members: [
        { id: "A", sponsorId: null, joinDate: "2025-01-01" },
        { id: "B", sponsorId: "A", joinDate: "2025-01-01" },
      ],
      orders,
    });
    expect(run.statement("B")?.total).toBe("4.00");
    const o = seen?.orders;
    if (o === undefined) throw new Error("the step was not run");
    const ids = run.internals.genealogy.ids;
    // Orders are numbered by member (A's first), each member's in input order.
    const rows = Array.from({ length: o.count }, (_, i) => [ids.at(o.member[i] as number), ORDER_KINDS[o.kinds[i] as number], o.days()[i]]);
    expect(rows).toEqual([
      ["A", "personal-consumption", 0],
      ["B", "retail-sale", 6],
      ["B", "personal-consumption", 2],
    ]);
    expect(o.days()).toBe(o.days()); // computed once
  });

  it("dayIndices computes each distinct date once and agrees with the period's days", () => {
    const p = parsePeriod("2026-10-10..2026-10-12");
    const dates = ["2026-10-12", "2026-10-10", "2026-10-11", "2026-10-12"];
    expect(Array.from(dayIndices(p, dates.length, (i) => dates[i] as string))).toEqual([2, 0, 1, 2]);
  });
});
