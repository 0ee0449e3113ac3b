// Payout caps by example, at their rules' edges. Every figure is worked by hand from docs/plan-language.md
// ("`payout-cap`"); none is read back from the engine. The capped bonus is a retail profit at rate 1 on a
// measure PAY, so a member's pay is their PAY volume in dollars; FS pays the same way as a second bonus.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, bonusReport, calculate, explain, parsePlan, safeParsePlan } from "../../index.js";

const planText = (entries: string, top = "") => `
compplan: 1
id: cap-edges
currency: USD
money: { scale: 2, rounding: { mode: half-up, applies: line } }
payoutBasis: BV
measures:
  BV: { counts: [personal-consumption] }
  PAY: { counts: [retail-sale] }
  FS: { counts: [customer-order] }
${top}bonuses:
  - { key: commission, kind: retail-profit, measure: PAY }
  - { key: fast-start, kind: retail-profit, measure: FS }
${entries}
`;

/** [id, sponsor, BV, PAY, FS] */
type Row = [id: string, sponsor: string | null, bv: string, pay: string, fs?: string];
function run(entries: string, tree: Row[], top = "") {
  const members: MemberInput[] = tree.map(([id, sponsorId]) => ({ id, sponsorId, joinDate: "2024-01-01" }));
  const orders: OrderInput[] = tree.flatMap(([id, , bv, pay, fs]) => [
    ...(bv !== "0" ? [{ id: `bv-${id}`, memberId: id, kind: "personal-consumption" as const, date: "2026-10-02", volumes: { BV: bv } }] : []),
    ...(pay !== "0" ? [{ id: `pay-${id}`, memberId: id, kind: "retail-sale" as const, date: "2026-10-02", volumes: { PAY: pay } }] : []),
    ...(fs !== undefined ? [{ id: `fs-${id}`, memberId: id, kind: "customer-order" as const, date: "2026-10-02", volumes: { FS: fs } }] : []),
  ]);
  return calculate(parsePlan(planText(entries, top)), { period: "2026-10", members, orders });
}
type Result = ReturnType<typeof run>;
/** A member's lines of bonus `key` as amounts. */
const lines = (r: Result, id: string, key = "cap") => (r.statement(id)?.lines ?? []).filter((l) => l.bonus === key).map((l) => [l.value, l.amount, l.base ?? null, l.rate ?? null]);
const total = (r: Result, id: string) => r.statement(id)?.total;
const summaryOf = (r: Result, key = "cap") => r.summary.bonuses.find((b) => b.key === key);

const COMPANY = `  - key: cap
    kind: payout-cap
    of: [commission]
    company: { measure: BV, share: "0.1" }`;

describe("company cap: pro rata by largest remainder", () => {
  it("the docs' example: 10% of BV 10,000 = 1,000.00 against 1,200.00 paid: X 900 keeps 750, Y 300 keeps 250", () => {
    const r = run(COMPANY, [["X", null, "10000", "900"], ["Y", "X", "0", "300"]]);
    // R = 100,000 cents, U = 120,000: X keeps ⌊100,000 × 90,000 ÷ 120,000⌋ = 75,000 (remainder 0), Y 25,000.
    expect(lines(r, "X")).toEqual([["-150.00", "-150.00", null, null]]);
    expect(lines(r, "Y")).toEqual([["-50.00", "-50.00", null, null]]);
    expect([total(r, "X"), total(r, "Y"), r.summary.total]).toEqual(["750.00", "250.00", "1000.00"]);
    expect(summaryOf(r)).toMatchObject({ amount: "-200.00", exact: "-200.00", lines: 2, recipients: 2, accounting: { potential: "0.00", paid: "-200.00", compressedUp: "0.00", breakage: { capped: "200.00" } } });
    // The payout share is after the cap: 1,000.00 ÷ 10,000 BV.
    expect(r.summary.payoutShare).toBe("0.100000");
  });

  it("equal remainders go to the ids that come first (a, b), not to the input order (b, c, a)", () => {
    // A = 10% of 2,000 = 200.00 for three pays of 100.00: ⌊20,000 × 10,000 ÷ 30,000⌋ = 6,666 each, remainder
    // 200,000,000 − 6,666 × 30,000 = 20,000 each; the 2 units left go to a and b.
    const r = run(COMPANY, [["b", null, "2000", "100"], ["c", "b", "0", "100"], ["a", "b", "0", "100"]]);
    expect([lines(r, "a"), lines(r, "b"), lines(r, "c")].map((l) => l[0]?.[1])).toEqual(["-33.33", "-33.33", "-33.34"]);
    expect(r.summary.total).toBe("200.00");
  });

  it("the largest remainder wins over the id: z (remainder 18,334) gets the unit before a and b", () => {
    // A = 100.00 (10% of 1,000), pays z 50.00, a 100.00, b 150.01: U = 30,001 cents, R = 10,000.
    // z: ⌊50,000,000 ÷ 30,001⌋ = 1,666 rem 18,334; a: ⌊100,000,000 ÷ 30,001⌋ = 3,333 rem 6,667;
    // b: ⌊150,010,000 ÷ 30,001⌋ = 5,000 rem 5,000. 9,999 given, 1 left: z keeps 1,667.
    const r = run(COMPANY, [["a", null, "1000", "100"], ["b", "a", "0", "150.01"], ["z", "a", "0", "50"]]);
    expect([lines(r, "z"), lines(r, "a"), lines(r, "b")].map((l) => l[0]?.[1])).toEqual(["-33.33", "-66.67", "-100.01"]);
    expect(r.summary.total).toBe("100.00");
  });

  it("a total pay equal to the cap is not cut; one cent more is cut from the largest remainder's neighbour", () => {
    const equal = run(COMPANY, [["X", null, "10000", "600"], ["Y", "X", "0", "400"]]);
    expect(summaryOf(equal)).toMatchObject({ amount: "0.00", lines: 0, recipients: 0, accounting: { potential: "0.00", paid: "0.00", breakage: { capped: "0.00" } } });
    // T = 1,000.01: R = 100,000, U = 100,001. X: ⌊6,000,000,000 ÷ 100,001⌋ = 59,999 rem 40,001; Y: ⌊4,000,100,000 ÷
    // 100,001⌋ = 40,000 rem 60,000. 1 unit left: Y. Y keeps all 400.01, X is cut 0.01.
    const over = run(COMPANY, [["X", null, "10000", "600"], ["Y", "X", "0", "400.01"]]);
    expect([lines(over, "X"), lines(over, "Y")]).toEqual([[["-0.01", "-0.01", null, null]], []]);
    expect(over.summary.total).toBe("1000.00");
  });

  it("the cap is rounded down to the cent: 33.3333% of BV 1,000.01 = 333.336333… → 333.33", () => {
    const r = run(`  - { key: cap, kind: payout-cap, of: [commission], company: { measure: BV, share: "0.333333" } }`, [["X", null, "1000.01", "400"]]);
    expect(lines(r, "X")).toEqual([["-66.67", "-66.67", null, null]]);
    expect(bonusReport(r, "cap").facts.cap).toBe("333.33");
  });

  it("pointValue: 50% of 500 points at 2.00 a point caps the pay at 500.00", () => {
    const r = run(`  - { key: cap, kind: payout-cap, of: [commission], company: { measure: BV, share: "0.5", pointValue: "2" } }`, [["X", null, "500", "600"]]);
    expect(lines(r, "X")).toEqual([["-100.00", "-100.00", null, null]]);
  });
});

describe("protected pay", () => {
  it("a protected bonus counts under the cap but is never cut: R = 1,000 − 100 = 900.00 for the commissions", () => {
    const entry = `  - { key: cap, kind: payout-cap, of: [commission, fast-start], company: { measure: BV, share: "0.1" }, protect: { bonuses: [fast-start] } }`;
    // T = 1,300, P = 100 (X's fast start), U = 1,200; X keeps ⌊90,000 × 90,000 ÷ 120,000⌋ = 67,500, Y 22,500.
    const r = run(entry, [["X", null, "10000", "900", "100"], ["Y", "X", "0", "300"]]);
    expect([lines(r, "X"), lines(r, "Y")].map((l) => l[0]?.[1])).toEqual(["-225.00", "-75.00"]);
    expect(r.statement("X")?.bonuses["fast-start"]).toBe("100.00");
    expect(r.summary.total).toBe("1000.00");
    expect(bonusReport(r, "cap").facts).toMatchObject({ pay: "1300.00", protected: "100.00", reducible: "1200.00", allowedReducible: "900.00", cut: "300.00", paidAfterCap: "1000.00", members: 2 });
  });

  it("a protected amount per member: each member's first 50.00 is never cut (Z's 30.00 is all protected)", () => {
    const entry = `  - { key: cap, kind: payout-cap, of: [commission], company: { measure: BV, share: "0.1" }, protect: { amount: "50.00" } }`;
    // P = 50 + 50 + 30 = 130, U = 850 + 250 = 1,100, R = 870.00. X: ⌊87,000 × 85,000 ÷ 110,000⌋ = 67,227 rem 30,000;
    // Y: ⌊87,000 × 25,000 ÷ 110,000⌋ = 19,772 rem 80,000; 1 unit left: Y keeps 19,773. Cuts 177.73 and 52.27.
    const r = run(entry, [["X", null, "10000", "900"], ["Y", "X", "0", "300"], ["Z", "X", "0", "30"]]);
    expect([lines(r, "X"), lines(r, "Y"), lines(r, "Z")].map((l) => l[0]?.[1] ?? null)).toEqual(["-177.73", "-52.27", null]);
    expect(r.summary.total).toBe("1000.00");
  });

  it("protected pay alone above the cap: every reducible unit is cut and the total stays above the cap", () => {
    const entry = `  - { key: cap, kind: payout-cap, of: [commission, fast-start], company: { measure: BV, share: "0.1" }, protect: { bonuses: [fast-start] } }`;
    // A = 1,000.00, P = 1,200.00 > A: R = 0, X's commission 300.00 is cut whole; the total is 1,200.00.
    const r = run(entry, [["X", null, "10000", "300", "1200"]]);
    expect(lines(r, "X")).toEqual([["-300.00", "-300.00", null, null]]);
    expect(r.summary.total).toBe("1200.00");
    expect(bonusReport(r, "cap").facts).toMatchObject({ cap: "1000.00", allowedReducible: "0.00", cut: "300.00" });
  });
});

describe("per-member cap", () => {
  const entry = `  - { key: cap, kind: payout-cap, of: [commission, fast-start], perMember: "500.00", protect: { bonuses: [fast-start] } }`;
  const r = run(entry, [
    ["X", null, "0", "900"],
    ["Y", "X", "0", "500"],
    ["Z", "X", "0", "500.01"],
    ["W", "X", "0", "100", "700"],
  ]);

  it("900.00 is cut to 500.00; exactly 500.00 is not cut; 500.01 loses a cent", () => {
    expect([lines(r, "X"), lines(r, "Y"), lines(r, "Z")].map((l) => l[0]?.[1] ?? null)).toEqual(["-400.00", null, "-0.01"]);
  });

  it("protected pay above the maximum is kept, and only the rest is cut: W keeps its fast start of 700.00", () => {
    expect(lines(r, "W")).toEqual([["-100.00", "-100.00", null, null]]);
    expect(total(r, "W")).toBe("700.00");
  });

  it("accounting moves the cut from paid to breakage; the report lists the members cut by id", () => {
    expect(summaryOf(r)?.accounting).toEqual({ potential: "0.00", paid: "-500.01", compressedUp: "0.00", breakage: { capped: "500.01" } });
    const report = bonusReport(r, "cap");
    // Pay 900 + 500 + 500.01 + 800 = 2,700.01, of which W's fast start 700 is protected; cut 400 + 0.01 + 100.
    expect(report.facts).toEqual({ rule: "perMember", perMember: "500.00", pay: "2700.01", protected: "700.00", reducible: "2000.01", cut: "500.01", paidAfterCap: "2200.00", members: 3 });
    expect(report.rows).toEqual([
      { memberId: "W", pay: "800.00", protected: "700.00", reducible: "100.00", kept: "0.00", cut: "100.00" },
      { memberId: "X", pay: "900.00", protected: "0.00", reducible: "900.00", kept: "500.00", cut: "400.00" },
      { memberId: "Z", pay: "500.01", protected: "0.00", reducible: "500.01", kept: "500.00", cut: "0.01" },
    ]);
  });
});

describe("bonuses reading a capped bonus, and two caps in a row", () => {
  const MATCH = (of: string) => `  - { key: commission-cap, kind: payout-cap, of: [commission], perMember: "600.00" }
  - { key: match, kind: matching, of: [${of}], schedule: [{ rates: ["0.10"] }] }`;
  const tree: Row[] = [["A", null, "0", "0"], ["B", "A", "0", "1000"]];

  it("a matching bonus naming only the capped bonus matches the uncapped pay: 10% of 1,000.00", () => {
    const r = run(MATCH("commission"), tree);
    expect(r.statement("A")?.bonuses.match).toBe("100.00");
    expect(r.statement("B")?.bonuses["commission-cap"]).toBe("-400.00");
  });

  it("naming the cap too matches the capped pay: 10% of (1,000.00 − 400.00)", () => {
    expect(run(MATCH("commission, commission-cap"), tree).statement("A")?.bonuses.match).toBe("60.00");
  });

  it("a company cap naming a per-member cap caps what it leaves: X 900 → 500 → 375, Y 300 → 225", () => {
    const entries = `  - { key: member-cap, kind: payout-cap, of: [commission], perMember: "500.00" }
  - { key: cap, kind: payout-cap, of: [commission, member-cap], company: { measure: BV, share: "0.1" } }`;
    // A = 600.00; after the member cap X has 500 and Y 300: R = 60,000 of U = 80,000: X keeps 37,500, Y 22,500.
    const r = run(entries, [["X", null, "6000", "900"], ["Y", "X", "0", "300"]]);
    expect([lines(r, "X"), lines(r, "Y")].map((l) => l[0]?.[1])).toEqual(["-125.00", "-75.00"]);
    expect([total(r, "X"), total(r, "Y"), r.summary.total]).toEqual(["375.00", "225.00", "600.00"]);
  });

  it("a member whose pay from the named bonuses is not above zero is never cut", () => {
    // The second cap names only the first one's (negative) cut: S(X) = −400.00, p = 0.
    const entries = `  - { key: member-cap, kind: payout-cap, of: [commission], perMember: "500.00" }
  - { key: cap, kind: payout-cap, of: [member-cap], perMember: "0" }`;
    const r = run(entries, [["X", null, "0", "900"]]);
    expect(lines(r, "X")).toEqual([]);
  });
});

describe("explain", () => {
  it("the cut line and a `capped` reason with the company's figures", () => {
    const r = run(COMPANY, [["X", null, "10000", "900"], ["Y", "X", "0", "300"]]);
    const part = explain(r, "X", { bonus: "cap" }).bonuses[0];
    expect(part?.lines.map((l) => l.amount)).toEqual(["-150.00"]);
    expect(part?.lines[0]?.explanation).toContain("the company cap is 10% of the company's BV 10,000 = 1,000.00");
    expect(part?.notPaid).toEqual([expect.objectContaining({ reason: "capped", forgone: "150.00" })]);
    expect(part?.notPaid[0]?.message).toContain("scaled down to 1,000.00");
    expect(explain(r, "Y", { bonus: "commission" }).bonuses[0]?.notPaid).toEqual([]);
  });

  it("a member not cut has nothing to explain", () => {
    const r = run(COMPANY, [["X", null, "10000", "600"], ["Y", "X", "0", "400"]]);
    expect(explain(r, "Y", { bonus: "cap" }).bonuses[0]).toMatchObject({ lines: [], notPaid: [] });
  });
});

describe("validation", () => {
  const codes = (entry: string) => {
    const r = safeParsePlan(planText(entry));
    return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")]);
  };
  it.each([
    ["no rule", `  - { key: cap, kind: payout-cap, of: [commission] }`, [["PLAN_MISSING_KEY", "bonuses.2.company"]]],
    ["both rules", `  - { key: cap, kind: payout-cap, of: [commission], perMember: "1", company: { measure: BV, share: "0.1" } }`, [["PLAN_INVALID_VALUE", "bonuses.2.perMember"]]],
    ["an unknown bonus", `  - { key: cap, kind: payout-cap, of: [comission], perMember: "1" }`, [["PLAN_UNKNOWN_BONUS", "bonuses.2.of.0"]]],
    ["its own key", `  - { key: cap, kind: payout-cap, of: [cap], perMember: "1" }`, [["PLAN_STEP_CYCLE", "bonuses.2.of.0"]]],
    ["a key twice", `  - { key: cap, kind: payout-cap, of: [commission, commission], perMember: "1" }`, [["PLAN_DUPLICATE_NAME", "bonuses.2.of.1"]]],
    ["an unknown measure", `  - { key: cap, kind: payout-cap, of: [commission], company: { measure: CV, share: "0.1" } }`, [["PLAN_UNKNOWN_MEASURE", "bonuses.2.company.measure"]]],
    ["a share of 0", `  - { key: cap, kind: payout-cap, of: [commission], company: { measure: BV, share: "0" } }`, [["PLAN_RATE_RANGE", "bonuses.2.company.share"]]],
    ["a point value of 0", `  - { key: cap, kind: payout-cap, of: [commission], company: { measure: BV, share: "0.1", pointValue: "0" } }`, [["PLAN_VALUE_RANGE", "bonuses.2.company.pointValue"]]],
    ["a maximum in tenths of a cent", `  - { key: cap, kind: payout-cap, of: [commission], perMember: "1.001" }`, [["PLAN_DECIMAL_PRECISION", "bonuses.2.perMember"]]],
    ["a protected bonus not capped", `  - { key: cap, kind: payout-cap, of: [commission], perMember: "1", protect: { bonuses: [fast-start] } }`, [["PLAN_INVALID_VALUE", "bonuses.2.protect.bonuses.0"]]],
    ["a protected column no bonus publishes", `  - { key: cap, kind: payout-cap, of: [commission], perMember: "1", protect: { columns: [binary.protected] } }`, [["PLAN_UNKNOWN_COLUMN", "bonuses.2.protect.columns.0"]]],
  ])("%s", (_, entry, expected) => {
    expect(codes(entry)).toEqual(expected);
  });

  it("a cap and a matching bonus that read each other are a circle", () => {
    const entries = `  - { key: cap, kind: payout-cap, of: [commission, match], perMember: "1" }
  - { key: match, kind: matching, of: [commission, cap], schedule: [{ rates: ["0.1"] }] }`;
    expect(codes(entries).map((c) => c[0])).toEqual(["PLAN_STEP_CYCLE"]);
  });
});
