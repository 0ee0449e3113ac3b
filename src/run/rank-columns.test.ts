import { describe, expect, it } from "vitest";
import { calculate, canonicalJson, parsePlan, safeCalculatePrepared, safeParsePlan, safePrepareInput } from "../index.js";
import { explain } from "../audit/explain.js";
import { formatExplanation } from "../audit/explain-text.js";
import { referenceCalculate } from "../../test/reference/core.js";

// Ranks that read a bonus's earnings. Worked by hand: retail pays 0.25 of a member's own RV. A sells RV 400
// (retail 100.00, exactly Bronze's minimum: Bronze); B sells RV 399.96 (retail 99.99, one cent below: no
// rank). unilevel, listed first, reads rank; retail, listed after it, runs before the ranks.
const plan = (retailRate = "0.25", extra = "") => `compplan: 1
id: columns
currency: USD
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption, retail-sale] }
  RV: { counts: [retail-sale] }
ranks:
  - name: Bronze
    requires:
      qualified: false
      columns: [{ column: earnings.retail, minimum: "100.00" }]
${extra}bonuses:
  - key: unilevel
    kind: unilevel
    measure: PV
    compression: none
    unqualifiedVolumePays: true
    schedule:
      - rates: ["0"]
      - rank: Bronze
        rates: ["0.10"]
  - key: retail
    kind: retail-profit
    measure: RV
    rate: "${retailRate}"
  - key: rank-bonus
    kind: rank-bonus
    amounts: { Bronze: "10.00" }
`;
const input = {
  period: "2026-10",
  members: [
    { id: "A", sponsorId: null, joinDate: "2024-01-01" },
    { id: "B", sponsorId: "A", joinDate: "2024-01-01" },
  ],
  orders: [
    { id: "o1", memberId: "A", kind: "retail-sale" as const, date: "2026-10-02", volumes: { PV: "400", RV: "400" } },
    { id: "o2", memberId: "B", kind: "retail-sale" as const, date: "2026-10-03", volumes: { PV: "399.96", RV: "399.96" } },
  ],
};
const render = (r: ReturnType<typeof calculate>) => `${Array.from(r.statementsJson()).join("\n")}\n${canonicalJson(r.summary)}`;

describe("a rank requirement on a bonus's earnings", () => {
  it("is met at exactly the minimum and not one cent below; the bonus runs before the ranks", () => {
    const run = calculate(parsePlan(plan()), input);
    const a = run.statement("A");
    const b = run.statement("B");
    expect(a?.rank.paidAs).toBe("Bronze");
    expect(a?.rank.requirements).toEqual([{ requirement: "column", column: "earnings.retail", actual: "100.00", required: "100.00", met: true }]);
    expect(a?.bonuses).toEqual({ retail: "100.00", "rank-bonus": "10.00", unilevel: "40.00" }); // 0.10 × B's PV 399.96 = 39.996
    expect(b?.rank.paidAs).toBeNull();
    expect(b?.rank.next?.requirements).toEqual([{ requirement: "column", column: "earnings.retail", actual: "99.99", required: "100.00", met: false }]);
    expect(b?.bonuses).toEqual({ retail: "99.99" });
    // The byte renderer agrees with the objects, and the reference engine (retail, the ranks, then the rest).
    expect(Array.from(run.statementsJson())).toEqual(Array.from(run.statements(), (s) => canonicalJson(s)));
    const ref = referenceCalculate(parsePlan(plan()), input);
    expect(Array.from(run.statementsJson())).toEqual(ref.statements.map((s) => canonicalJson(s)));
  });

  it("is explained by how much more of the column is needed, apart from additional volume", () => {
    const run = calculate(parsePlan(plan()), input);
    const next = explain(run, "B").rank.next;
    expect(next?.requirements[0]).toMatchObject({ requirement: "column", shortfall: "0.01", notes: ["needs 0.01 more earnings from retail; not volume: more volume counts only through what that bonus pays"] });
    expect(next?.additional).toEqual([]);
    expect(next?.columnsNeeded).toEqual([{ column: "earnings.retail", shortfall: "0.01" }]);
    const text = formatExplanation(explain(run, "B"));
    expect(text).toContain("earnings.retail 99.99 of 100.00 required");
    expect(text).toContain("To reach Bronze: 0.01 more earnings.retail (a bonus's result; more volume alone does not reach it)");
    expect(explain(run, "A").rank.next).toBeUndefined();
  });

  it("is not served a stale rank when a second plan on the same prepared input changes the bonus", () => {
    const prepared = safePrepareInput(input, new Set(["PV", "RV"]));
    if (!prepared.ok) throw new Error("prepare");
    const first = safeCalculatePrepared(parsePlan(plan()), prepared.value);
    const lower = parsePlan(plan("0.24")); // A's retail 96.00: no longer Bronze
    const second = safeCalculatePrepared(lower, prepared.value);
    if (!first.ok || !second.ok) throw new Error("calculate");
    expect(first.value.statement("A")?.rank.paidAs).toBe("Bronze");
    expect(second.value.work["volumes:members"]).toBeUndefined(); // volumes and qualification reused
    expect(second.value.statement("A")?.rank.paidAs).toBeNull();
    expect(second.value.statement("A")?.bonuses).toEqual({ retail: "96.00" });
    expect(render(second.value)).toBe(render(calculate(lower, input)));
  });

  it("is a circle when the bonus reads rank: rejected at parse time naming it", () => {
    const r = safeParsePlan(plan().replace("column: earnings.retail", "column: earnings.unilevel"));
    expect(r.ok).toBe(false);
    const i = r.ok ? undefined : r.issues[0];
    expect(i?.code).toBe("PLAN_STEP_CYCLE");
    expect(i?.path).toEqual(["ranks", 0, "requires", "columns", 0, "column"]);
    expect(i?.message).toContain("rank → unilevel → rank");
  });

  it("checks the column, the minimum's places and the ladder", () => {
    const codes = (text: string) => {
      const r = safeParsePlan(text);
      return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join("/")]);
    };
    expect(codes(plan().replace("column: earnings.retail", "column: earnings.retial"))).toEqual([["PLAN_UNKNOWN_COLUMN", "ranks/0/requires/columns/0/column"]]);
    expect(codes(plan().replace("column: earnings.retail", "column: retail.bgv"))).toEqual([["PLAN_UNKNOWN_COLUMN", "ranks/0/requires/columns/0/column"]]);
    expect(codes(plan().replace('minimum: "100.00"', 'minimum: "100.001"'))).toEqual([["PLAN_DECIMAL_PRECISION", "ranks/0/requires/columns/0/minimum"]]);
    expect(codes(plan().replace("currency: USD", "currency: USD\nmoney: { scale: 0 }").replace('"100.00"', '"100.5"'))).toEqual([["PLAN_DECIMAL_PRECISION", "ranks/0/requires/columns/0/minimum"]]);
    const silver = (minimum: string) => `  - name: Silver\n    requires:\n      qualified: false\n      columns: [{ column: earnings.retail, minimum: "${minimum}" }]\n`;
    expect(codes(plan("0.25", silver("99.99")))).toEqual([["PLAN_RANK_LADDER", "ranks/1/requires/columns"]]);
    expect(codes(plan("0.25", silver("100.00")))).toEqual([]);
    expect(codes(plan("0.25", "  - name: Silver\n    requires: { qualified: false }\n"))).toEqual([["PLAN_RANK_LADDER", "ranks/1/requires/columns"]]);
  });
});
