// Protected pay from a money column another bonus publishes (the way a binary bonus will protect its first
// cycles): no family of the registry publishes a money column yet, so this test adds one, "first", which
// pays nothing and publishes `<key>.protected`: 40.00 for every member with an order. Expected figures are
// worked by hand from docs/plan-language.md ("`payout-cap`").
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

vi.mock("../registry.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../registry.js")>();
  const first = {
    kind: "first",
    description: "test only",
    schema: z.strictObject({ kind: z.literal("first"), key: z.string() }),
    lineFields: [],
    reads: () => [],
    validate: () => [],
    publishes: () => [{ name: "protected", kind: "money" }, { name: "count", kind: "count" }],
    compile: (config: { key: string }) => ({
      key: config.key,
      kind: "first",
      reference: undefined,
      run(ctx: import("../family.js").RunContext) {
        const n = ctx.genealogy.size;
        const values = new Float64Array(n);
        for (let o = 0; o < ctx.orders.count; o++) values[ctx.orders.member[o] as number] = 4000;
        ctx.publish("protected", values);
        ctx.publish("count", new Float64Array(n));
        return undefined;
      },
    }),
  };
  return { ...actual, LIST: [...actual.LIST, first] };
});

const { calculate, parsePlan, safeParsePlan } = await import("../../index.js");

const text = (columns: string) => `
compplan: 1
id: cap-columns
currency: USD
payoutBasis: BV
measures:
  BV: { counts: [personal-consumption] }
  PAY: { counts: [retail-sale] }
bonuses:
  - { key: commission, kind: retail-profit, measure: PAY }
  - { key: cap, kind: payout-cap, of: [commission], perMember: "100.00", protect: { columns: [${columns}] } }
  - { key: binary, kind: first }
`;

describe("protect.columns", () => {
  it("the column's 40.00 adds to the protected amount; the cap runs after the bonus publishing it", () => {
    const members = [
      { id: "X", sponsorId: null, joinDate: "2024-01-01" },
      { id: "Y", sponsorId: "X", joinDate: "2024-01-01" },
    ];
    const orders = [
      { id: "x", memberId: "X", kind: "retail-sale" as const, date: "2026-10-01", volumes: { PAY: "300" } },
      { id: "y", memberId: "Y", kind: "retail-sale" as const, date: "2026-10-01", volumes: { PAY: "30" } },
    ];
    const run = calculate(parsePlan(text("binary.protected")), { period: "2026-10", members, orders });
    // X: pay 300.00, protected 40.00, reducible 260.00; the cap 100.00 leaves 60.00 of it: cut 200.00.
    expect(run.statement("X")?.bonuses.cap).toBe("-200.00");
    // Y: pay 30.00, all protected.
    expect(run.statement("Y")?.bonuses.cap).toBeUndefined();
  });

  it("a column that is not money is PLAN_UNKNOWN_COLUMN, naming the money columns", () => {
    const r = safeParsePlan(text("binary.count"));
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path.join("."), i.message])).toEqual([
      ["PLAN_UNKNOWN_COLUMN", "bonuses.1.protect.columns.0", expect.stringContaining("binary.protected")],
    ]);
  });
});
