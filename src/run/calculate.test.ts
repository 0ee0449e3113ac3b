import { describe, expect, it } from "vitest";
import { calculate, canonicalJson, parsePlan, safeCalculatePrepared, safePrepareInput } from "../index.js";
import { BASE_PLAN, PERIOD, baseMembers, baseOrders } from "../../test/fixtures/base.js";

describe("two plans on one prepared input", () => {
  const base = parsePlan(BASE_PLAN);
  const changed = parsePlan(BASE_PLAN.replace('rates: ["0.05", "0.04", "0.03"]', 'rates: ["0.06", "0.04", "0.03"]')); // A and B are Bronze
  const input = { period: PERIOD, members: baseMembers(), orders: baseOrders() };
  const render = (r: ReturnType<typeof calculate>) => `${Array.from(r.statementsJson()).join("\n")}\n${canonicalJson(r.summary)}`;

  it("reuses volumes, qualification and ranks when the plans define them identically, with the same results", () => {
    const prepared = safePrepareInput(input, new Set(["PV", "CV"]));
    if (!prepared.ok) throw new Error("prepare");
    const a = safeCalculatePrepared(base, prepared.value);
    const b = safeCalculatePrepared(changed, prepared.value);
    if (!a.ok || !b.ok) throw new Error("calculate");
    expect(a.value.work["volumes:members"]).toBeGreaterThan(0);
    expect(b.value.work["volumes:members"]).toBeUndefined(); // reused, not recomputed
    expect(render(a.value)).toBe(render(calculate(base, input)));
    expect(render(b.value)).toBe(render(calculate(changed, input)));
    expect(b.value.summary.total).not.toBe(a.value.summary.total);
  });

  it("recomputes when a rank requirement differs", () => {
    const stricter = parsePlan(BASE_PLAN.replace('minimum: "300" }', 'minimum: "400" }'));
    const prepared = safePrepareInput(input, new Set(["PV", "CV"]));
    if (!prepared.ok) throw new Error("prepare");
    safeCalculatePrepared(base, prepared.value);
    const r = safeCalculatePrepared(stricter, prepared.value);
    if (!r.ok) throw new Error("calculate");
    expect(r.value.work["volumes:members"]).toBeGreaterThan(0);
    expect(render(r.value)).toBe(render(calculate(stricter, input)));
  });
});
