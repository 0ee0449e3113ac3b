/**
 * Tests of the reference engine itself, on small cases whose numbers are derived by hand from
 * docs/plan-language.md and docs/statements.md (the arithmetic is written next to each expectation).
 */
import { describe, expect, it } from "vitest";
import type { MemberInput, OrderInput } from "../../src/input/validate.js";
import { fingerprintPlan } from "../../src/index.js";
import { parsePlan } from "../../src/plan/parse.js";
import { type ReferenceStatement, referenceCalculate } from "./engine.js";

const PERIOD = "2026-10";

function member(id: string, sponsorId: string | null, status?: "enrolled" | "suspended" | "terminated"): MemberInput {
  return status === undefined ? { id, sponsorId, joinDate: "2026-01-01" } : { id, sponsorId, joinDate: "2026-01-01", status };
}

let orderSeq = 0;
function order(memberId: string, kind: OrderInput["kind"], volumes: Record<string, string | number>): OrderInput {
  orderSeq += 1;
  return { id: `o${orderSeq}`, memberId, kind, date: "2026-10-15", volumes };
}

function byId(statements: readonly ReferenceStatement[], id: string): ReferenceStatement {
  const s = statements.find((x) => x.memberId === id);
  if (s === undefined) throw new Error(`no statement for ${id}`);
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// (a) The published worked example
// ---------------------------------------------------------------------------------------------------------
describe("worked example: unilevel 10/5/3 on PV, qualification PV ≥ 100", () => {
  const planFor = (compression: "none" | "dynamic") =>
    parsePlan({
      compplan: 1,
      id: "worked-example",
      name: "Worked example",
      currency: "USD",
      payoutBasis: "PV",
      measures: { PV: { counts: ["personal-consumption", "retail-sale", "customer-order"] } },
      qualification: { personal: { measure: "PV", minimum: "100" } },
      bonuses: [
        {
          key: "unilevel",
          kind: "unilevel",
          measure: "PV",
          compression,
          unqualifiedVolumePays: false,
          schedule: [{ rates: ["0.10", "0.05", "0.03"] }],
        },
      ],
    });
  // Chain TOP(100) ← L1(90) ← L2(120) ← L3(160) ← L4(110) ← L5(105)
  const members = [
    member("TOP", null),
    member("L1", "TOP"),
    member("L2", "L1"),
    member("L3", "L2"),
    member("L4", "L3"),
    member("L5", "L4"),
  ];
  const orders = [
    order("TOP", "personal-consumption", { PV: "100" }),
    order("L1", "personal-consumption", { PV: "90" }),
    order("L2", "personal-consumption", { PV: "120" }),
    order("L3", "personal-consumption", { PV: 160 }), // a number volume is read as String(160)
    order("L4", "personal-consumption", { PV: "110" }),
    order("L5", "personal-consumption", { PV: "105" }),
  ];
  const input = { period: PERIOD, members, orders };

  it("without compression: TOP gets 6.00 + 4.80 = 10.80", () => {
    const { statements, summary } = referenceCalculate(planFor("none"), input);
    expect(statements.map((s) => s.memberId)).toEqual(["L1", "L2", "L3", "L4", "L5", "TOP"]);

    const top = byId(statements, "TOP");
    // level 1 is L1 (unqualified, PV 90 < 100) → breakage; level 2: L2 120 × 0.05 = 6.00;
    // level 3: L3 160 × 0.03 = 4.80. Total 10.80.
    expect(top.lines).toStrictEqual([
      { bonus: "unilevel", kind: "unilevel", level: 2, compressed: false, sources: 1, source: "L2", base: "120", rate: "0.05", value: "6.00", amount: "6.00" },
      { bonus: "unilevel", kind: "unilevel", level: 3, compressed: false, sources: 1, source: "L3", base: "160", rate: "0.03", value: "4.80", amount: "4.80" },
    ]);
    expect(top.bonuses).toStrictEqual({ unilevel: "10.80" });
    expect(top.total).toBe("10.80");
    expect(top.sponsorId).toBeNull();
    expect(top.status).toBe("enrolled");
    // group PV of TOP = 100+90+120+160+110+105 = 685
    expect(top.volumes).toStrictEqual({ personal: { PV: "100" }, group: { PV: "685" } });
    expect(top.rank).toStrictEqual({ paidAs: null });

    // L1 is unqualified and its own volume pays nobody; it receives nothing either (no row).
    const l1 = byId(statements, "L1");
    expect(l1.qualified).toBe(false);
    expect(l1.qualification).toStrictEqual([
      { condition: "status", actual: "enrolled", required: "enrolled", met: true },
      { condition: "personal", measure: "PV", actual: "90", required: "100", met: false },
    ]);
    expect(l1.lines).toStrictEqual([]);
    expect(l1.bonuses).toStrictEqual({});
    expect(l1.total).toBe("0.00");

    // L2: L3 160 × 0.10 = 16.00; L4 110 × 0.05 = 5.50; L5 105 × 0.03 = 3.15 → 24.65
    expect(byId(statements, "L2").total).toBe("24.65");
    // L3: L4 110 × 0.10 = 11.00; L5 105 × 0.05 = 5.25 → 16.25
    expect(byId(statements, "L3").total).toBe("16.25");
    // L4: L5 105 × 0.10 = 10.50
    expect(byId(statements, "L4").total).toBe("10.50");
    expect(byId(statements, "L5").total).toBe("0.00");

    // potential = 685 × (0.10+0.05+0.03) = 123.3
    // paid = 6 + 4.8 + 16 + 5.5 + 3.15 + 11 + 5.25 + 10.5 = 62.2
    // no-upline: TOP 100 × 0.18 = 18, L2 level 3 120 × 0.03 = 3.6 → 21.6
    // source-unqualified: L1 90 × 0.18 = 16.2
    // upline-unqualified (L1 in the path): L2 lvl1 12 + L3 lvl2 8 + L4 lvl3 3.3 = 23.3
    // 62.2 + 21.6 + 16.2 + 23.3 = 123.3 ✓
    expect(summary.bonuses).toStrictEqual([
      {
        key: "unilevel",
        kind: "unilevel",
        amount: "62.20",
        exact: "62.20",
        rounding: "0.00",
        lines: 8,
        recipients: 4,
        accounting: {
          potential: "123.30",
          paid: "62.20",
          compressedUp: "0.00",
          breakage: {
            "level-locked": "0.00",
            "no-upline": "21.60",
            "rate-below-maximum": "0.00",
            "source-unqualified": "16.20",
            "upline-unqualified": "23.30",
          },
        },
      },
    ]);
    // 62.2 / 685 = 0.09080291… → 0.090803
    expect(summary).toMatchObject({
      plan: { id: "worked-example", name: "Worked example" },
      period: PERIOD,
      currency: "USD",
      members: 6,
      qualified: 5,
      orders: 6,
      volumes: { PV: "685" },
      total: "62.20",
      payoutBasis: "PV",
      payoutShare: "0.090803",
      ranks: [],
      unranked: 6,
    });
  });

  it("with dynamic compression: TOP gets 12.00 + 8.00 + 3.30 = 23.30, all compressed up", () => {
    const { statements, summary } = referenceCalculate(planFor("dynamic"), input);
    const top = byId(statements, "TOP");
    // L1 is skipped: L2's level 1 goes to TOP (distance 2): 120 × 0.10 = 12.00;
    // L3's level 2 goes to TOP (distance 3): 160 × 0.05 = 8.00; L4's level 3 to TOP (distance 4): 110 × 0.03 = 3.30
    expect(top.lines).toStrictEqual([
      { bonus: "unilevel", kind: "unilevel", level: 1, compressed: true, sources: 1, source: "L2", base: "120", rate: "0.1", value: "12.00", amount: "12.00" },
      { bonus: "unilevel", kind: "unilevel", level: 2, compressed: true, sources: 1, source: "L3", base: "160", rate: "0.05", value: "8.00", amount: "8.00" },
      { bonus: "unilevel", kind: "unilevel", level: 3, compressed: true, sources: 1, source: "L4", base: "110", rate: "0.03", value: "3.30", amount: "3.30" },
    ]);
    expect(top.total).toBe("23.30");
    // The others are paid as without compression (no unqualified member between them and their sources).
    expect(byId(statements, "L2").total).toBe("24.65");
    expect(byId(statements, "L3").total).toBe("16.25");
    expect(byId(statements, "L4").total).toBe("10.50");
    expect(byId(statements, "L1").lines).toStrictEqual([]);

    // paid = 16 + 5.5 + 3.15 + 11 + 5.25 + 10.5 = 51.4; compressedUp = 23.3
    // no-upline: TOP 18 + L2 lvls 2,3 120 × 0.08 = 9.6 + L3 lvl 3 160 × 0.03 = 4.8 → 32.4
    // source-unqualified 16.2; 51.4 + 23.3 + 32.4 + 16.2 = 123.3 ✓
    expect(summary.bonuses[0]?.accounting).toStrictEqual({
      potential: "123.30",
      paid: "51.40",
      compressedUp: "23.30",
      breakage: {
        "level-locked": "0.00",
        "no-upline": "32.40",
        "rate-below-maximum": "0.00",
        "source-unqualified": "16.20",
        "upline-unqualified": "0.00",
      },
    });
    // total 51.4 + 23.3 = 74.70; 74.7 / 685 = 0.10905109… → 0.109051
    expect(summary.total).toBe("74.70");
    expect(summary.payoutShare).toBe("0.109051");
    expect(summary.bonuses[0]?.lines).toBe(9); // TOP 3 + L2 3 + L3 2 + L4 1
    expect(summary.bonuses[0]?.recipients).toBe(4);
  });

  it("gives the same output for any row order", () => {
    const a = referenceCalculate(planFor("dynamic"), input);
    const b = referenceCalculate(planFor("dynamic"), {
      period: PERIOD,
      members: [...members].reverse(),
      orders: [...orders].reverse(),
    });
    expect(b).toStrictEqual(a);
  });
});

// ---------------------------------------------------------------------------------------------------------
// (b) Leg cap
// ---------------------------------------------------------------------------------------------------------
describe("group requirement with a leg cap", () => {
  const plan = parsePlan({
    compplan: 1,
    id: "leg-cap",
    currency: "USD",
    payoutBasis: "PV",
    measures: { PV: { counts: ["personal-consumption"] } },
    ranks: [
      { name: "Builder", requires: { legs: [{ count: 2, measure: "PV", minimum: "1000" }] } },
      {
        name: "Gold",
        requires: {
          group: { measure: "PV", minimum: "4350", legCap: "0.4" },
          legs: [{ count: 2, measure: "PV", minimum: "1000" }],
        },
      },
    ],
    bonuses: [{ key: "rank-bonus", kind: "rank-bonus", amounts: { Gold: "50.00" } }],
  });
  // R has no own volume; legs A (3000), B (1000), C (600).
  const input = {
    period: PERIOD,
    members: [member("R", ""), member("A", "R"), member("C", "R"), member("B", "R")],
    orders: [
      order("A", "personal-consumption", { PV: "3000" }),
      order("B", "personal-consumption", { PV: "1000" }),
      order("C", "personal-consumption", { PV: "600" }),
    ],
  };

  it("counts 0 + min(3000,1740) + min(1000,1740) + min(600,1740) = 3340 < 4350", () => {
    const { statements, summary } = referenceCalculate(plan, input);
    const r = byId(statements, "R");
    expect(r.sponsorId).toBeNull(); // "" marks the root
    // Builder: legs with group PV ≥ 1000: A (3000), B (1000) → 2 ≥ 2, met; qualified (no qualification block,
    // enrolled) → paid as Builder.
    expect(r.rank).toStrictEqual({
      paidAs: "Builder",
      requirements: [
        { requirement: "qualified", actual: "yes", required: "yes", met: true },
        { requirement: "legs", measure: "PV", legMinimum: "1000", actual: "2", required: "2", met: true },
      ],
      next: {
        name: "Gold",
        requirements: [
          { requirement: "qualified", actual: "yes", required: "yes", met: true },
          {
            requirement: "group",
            measure: "PV",
            // maxPerLeg = 0.4 × 4350 = 1740; counted = 0 + 1740 + 1000 + 600 = 3340
            actual: "3340",
            required: "4350",
            met: false,
            legCap: {
              share: "0.4",
              maxPerLeg: "1740",
              // uncapped = group volume = 3000 + 1000 + 600 = 4600 (it would meet 4350 without the cap)
              uncapped: "4600",
              cappedLegs: [{ leg: "A", volume: "3000", counted: "1740" }],
            },
          },
          { requirement: "legs", measure: "PV", legMinimum: "1000", actual: "2", required: "2", met: true },
        ],
      },
    });
    // A leaf: 0 legs → no rank; next is the lowest rank.
    expect(byId(statements, "A").rank).toStrictEqual({
      paidAs: null,
      next: {
        name: "Builder",
        requirements: [
          { requirement: "qualified", actual: "yes", required: "yes", met: true },
          { requirement: "legs", measure: "PV", legMinimum: "1000", actual: "0", required: "2", met: false },
        ],
      },
    });
    // Gold is the only paying rank and no one holds it.
    expect(r.lines).toStrictEqual([]);
    expect(summary.ranks).toStrictEqual([
      { rank: "Builder", members: 1 },
      { rank: "Gold", members: 0 },
    ]);
    expect(summary.unranked).toBe(3);
    expect(summary.bonuses).toStrictEqual([
      { key: "rank-bonus", kind: "rank-bonus", amount: "0.00", exact: "0.00", rounding: "0.00", lines: 0, recipients: 0 },
    ]);
    expect(summary.total).toBe("0.00");
    expect(summary.payoutShare).toBe("0.000000"); // 0 / 4600 = 0, six places
  });
});

// ---------------------------------------------------------------------------------------------------------
// (c) Personal-consumption cap
// ---------------------------------------------------------------------------------------------------------
describe("personal-consumption cap", () => {
  const plan = parsePlan({
    compplan: 1,
    id: "pc-cap",
    currency: "USD",
    payoutBasis: "PV",
    measures: {
      PV: { counts: ["personal-consumption", "retail-sale"], personalConsumptionCap: "200" },
      CV: { counts: ["personal-consumption", "customer-order"] },
      RS: { counts: ["retail-sale"] },
    },
    qualification: { personal: { measure: "RS", minimum: "100" } },
    bonuses: [{ key: "retail", kind: "retail-profit", measure: "RS" }],
  });
  const input = {
    period: PERIOD,
    members: [member("X", null), member("Y", "X")],
    orders: [
      order("X", "personal-consumption", { PV: "150", CV: "150" }),
      order("X", "personal-consumption", { PV: "120.5", CV: "120.5" }),
      order("X", "retail-sale", { PV: "50", RS: "50" }),
      order("X", "customer-order", { PV: "40", CV: "40" }),
      order("Y", "personal-consumption", { PV: "180", RS: "999" }),
    ],
  };

  it("counts at most 200 of own consumption and reports the excluded part", () => {
    const { statements, summary } = referenceCalculate(plan, input);
    const x = byId(statements, "X");
    // PV: min(150 + 120.5, 200) + retail 50 = 250 (customer order not counted); excluded 270.5 − 200 = 70.5
    // CV (no cap): 150 + 120.5 + 40 = 310.5; RS: 50
    expect(x.volumes).toStrictEqual({
      personal: { PV: "250", CV: "310.5", RS: "50" },
      group: { PV: "430", CV: "310.5", RS: "50" }, // PV 250 + Y 180
      personalConsumptionExcluded: { PV: "70.5" },
    });
    // RS counts only retail sales: X has 50 < 100, so own consumption does not qualify X.
    expect(x.qualified).toBe(false);
    // Y: PV 180 ≤ cap, nothing excluded; RS 999 from a personal-consumption order is not counted.
    const y = byId(statements, "Y");
    expect(y.volumes).toStrictEqual({ personal: { PV: "180", CV: "0", RS: "0" }, group: { PV: "180", CV: "0", RS: "0" } });
    expect(y.qualified).toBe(false);
    // retail-profit default rate "1": X 50 × 1 = 50.00
    expect(x.lines).toStrictEqual([{ bonus: "retail", kind: "retail-profit", base: "50", rate: "1", value: "50.00", amount: "50.00" }]);
    expect(summary.volumes).toStrictEqual({ PV: "430", CV: "310.5", RS: "50" });
    expect(summary.qualified).toBe(0);
    // 50 / 430 = 0.11627906… → 0.116279
    expect(summary.payoutShare).toBe("0.116279");
  });
});

// ---------------------------------------------------------------------------------------------------------
// (d) rank-bonus and retail-profit
// ---------------------------------------------------------------------------------------------------------
describe("rank-bonus and retail-profit", () => {
  const planWith = (retailRequiresQualified: boolean) =>
    parsePlan({
      compplan: 1,
      id: "rank-and-retail",
      currency: "USD",
      payoutBasis: "PV",
      measures: {
        PV: { counts: ["personal-consumption", "retail-sale"] },
        RETAIL: { counts: ["retail-sale"] },
      },
      qualification: { personal: { measure: "PV", minimum: "100" } },
      ranks: [
        { name: "Bronze", requires: { personal: { measure: "PV", minimum: "100" } } },
        {
          name: "Silver",
          requires: {
            personal: { measure: "PV", minimum: "100" },
            group: { measure: "PV", minimum: "1000" },
            legs: [{ count: 1, rank: "Bronze" }],
          },
        },
      ],
      bonuses: [
        { key: "rank-bonus", kind: "rank-bonus", amounts: { Bronze: "25.00", Silver: "100.00" } },
        {
          key: "retail",
          kind: "retail-profit",
          measure: "RETAIL",
          rate: "0.25",
          reference: "§5",
          requiresQualified: retailRequiresQualified,
        },
      ],
    });
  // R(PV 200) ← A(PV 300 + retail 500 with RETAIL 33.33) ← B(PV 50, retail RETAIL 10); R ← C (suspended, PV 150)
  const input = {
    period: PERIOD,
    members: [member("R", null), member("A", "R"), member("B", "A"), member("C", "R", "suspended")],
    orders: [
      order("R", "personal-consumption", { PV: "200" }),
      order("A", "personal-consumption", { PV: "300" }),
      order("A", "retail-sale", { PV: "500", RETAIL: "33.33" }),
      order("B", "personal-consumption", { PV: "50" }),
      order("B", "retail-sale", { RETAIL: "10" }),
      order("C", "personal-consumption", { PV: "150" }),
    ],
  };

  it("pays the paid-as rank's amount and the retail margin", () => {
    const { statements, summary } = referenceCalculate(planWith(false), input);
    const r = byId(statements, "R");
    const a = byId(statements, "A");
    const b = byId(statements, "B");
    const c = byId(statements, "C");

    // A: PV 300 + 500 = 800 ≥ 100, qualified → Bronze. Silver: group 800 + 50 = 850 < 1000; leg B holds no rank.
    expect(a.rank.paidAs).toBe("Bronze");
    expect(a.rank.next?.requirements).toStrictEqual([
      { requirement: "qualified", actual: "yes", required: "yes", met: true },
      { requirement: "personal", measure: "PV", actual: "800", required: "100", met: true },
      { requirement: "group", measure: "PV", actual: "850", required: "1000", met: false },
      { requirement: "legs", rank: "Bronze", actual: "0", required: "1", met: false },
    ]);
    // R: PV 200; group 200 + 850 + 150 = 1200 ≥ 1000; leg A holds Bronze (leg C does not) → Silver; no next.
    expect(r.rank).toStrictEqual({
      paidAs: "Silver",
      requirements: [
        { requirement: "qualified", actual: "yes", required: "yes", met: true },
        { requirement: "personal", measure: "PV", actual: "200", required: "100", met: true },
        { requirement: "group", measure: "PV", actual: "1200", required: "1000", met: true },
        { requirement: "legs", rank: "Bronze", actual: "1", required: "1", met: true },
      ],
    });
    // C is suspended: never qualified, so no rank (Bronze requires qualification).
    expect(c.qualification).toStrictEqual([
      { condition: "status", actual: "suspended", required: "enrolled", met: false },
      { condition: "personal", measure: "PV", actual: "150", required: "100", met: true },
    ]);
    expect(c.status).toBe("suspended");
    expect(c.rank.paidAs).toBeNull();

    expect(r.lines).toStrictEqual([{ bonus: "rank-bonus", kind: "rank-bonus", value: "100.00", amount: "100.00" }]);
    expect(r.total).toBe("100.00");
    // A: rank-bonus 25.00, then retail 33.33 × 0.25 = 8.3325 → 8.33 (half-even, below the tie)
    expect(a.lines).toStrictEqual([
      { bonus: "rank-bonus", kind: "rank-bonus", value: "25.00", amount: "25.00" },
      { bonus: "retail", kind: "retail-profit", base: "33.33", rate: "0.25", value: "8.3325", amount: "8.33", reference: "§5" },
    ]);
    expect(a.bonuses).toStrictEqual({ "rank-bonus": "25.00", retail: "8.33" });
    expect(a.total).toBe("33.33");
    // B: unqualified (PV 50), no rank; retail does not require qualification: 10 × 0.25 = 2.50
    expect(b.lines).toStrictEqual([
      { bonus: "retail", kind: "retail-profit", base: "10", rate: "0.25", value: "2.50", amount: "2.50", reference: "§5" },
    ]);
    expect(b.total).toBe("2.50");

    // rank-bonus: 100 + 25 = 125; retail: 8.33 + 2.50 = 10.83, exact 8.3325 + 2.5 = 10.8325, rounding −0.0025
    expect(summary.bonuses).toStrictEqual([
      { key: "rank-bonus", kind: "rank-bonus", amount: "125.00", exact: "125.00", rounding: "0.00", lines: 2, recipients: 2 },
      { key: "retail", kind: "retail-profit", amount: "10.83", exact: "10.8325", rounding: "-0.0025", lines: 2, recipients: 2 },
    ]);
    expect(summary.total).toBe("135.83");
    // PV total 200 + 800 + 50 + 150 = 1200; 135.83 / 1200 = 0.1131916… → 0.113192
    expect(summary.volumes).toStrictEqual({ PV: "1200", RETAIL: "43.33" });
    expect(summary.payoutShare).toBe("0.113192");
    expect(summary.ranks).toStrictEqual([
      { rank: "Bronze", members: 1 },
      { rank: "Silver", members: 1 },
    ]);
    expect(summary.unranked).toBe(2);
    expect(summary.qualified).toBe(2); // R and A
  });

  it("retail-profit with requiresQualified pays only qualified members", () => {
    const { statements, summary } = referenceCalculate(planWith(true), input);
    expect(byId(statements, "B").lines).toStrictEqual([]);
    expect(byId(statements, "B").total).toBe("0.00");
    expect(summary.bonuses[1]).toStrictEqual({
      key: "retail",
      kind: "retail-profit",
      amount: "8.33",
      exact: "8.3325",
      rounding: "-0.0025",
      lines: 1,
      recipients: 1,
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// (e) Rounding: applies line vs bonus, half-even vs half-up on a tie
// ---------------------------------------------------------------------------------------------------------
describe("rounding", () => {
  const planWith = (mode: "half-even" | "half-up", applies: "line" | "bonus") =>
    parsePlan({
      compplan: 1,
      id: "rounding",
      currency: "USD",
      money: { scale: 2, rounding: { mode, applies } },
      payoutBasis: "PV",
      measures: { PV: { counts: ["personal-consumption"] } },
      bonuses: [
        {
          key: "unilevel",
          kind: "unilevel",
          measure: "PV",
          compression: "none",
          unqualifiedVolumePays: false,
          schedule: [{ rates: ["0.05", "0.05"] }],
        },
      ],
    });
  // R (no volume) ← A (PV 2.5) ← B (PV 2.5). Every slot is 2.5 × 0.05 = 0.125, an exact tie at 2 places.
  // R: level 1 from A 0.125, level 2 from B 0.125. A: level 1 from B 0.125. A's level 2 slot: no-upline 0.125.
  const input = {
    period: PERIOD,
    members: [member("R", null), member("A", "R"), member("B", "A")],
    orders: [order("A", "personal-consumption", { PV: "2.5" }), order("B", "personal-consumption", { PV: "2.5" })],
  };
  const run = (mode: "half-even" | "half-up", applies: "line" | "bonus") => {
    const { statements, summary } = referenceCalculate(planWith(mode, applies), input);
    return {
      r: byId(statements, "R"),
      a: byId(statements, "A"),
      summary,
    };
  };

  it("line, half-even: each 0.125 → 0.12; R 0.24, A 0.12, total 0.36, rounding 0.36 − 0.375 = −0.015", () => {
    const { r, a, summary } = run("half-even", "line");
    expect(r.lines.map((l) => [l.value, l.amount])).toStrictEqual([
      ["0.125", "0.12"],
      ["0.125", "0.12"],
    ]);
    expect(r.bonuses).toStrictEqual({ unilevel: "0.24" });
    expect(a.total).toBe("0.12");
    expect(summary.bonuses[0]).toMatchObject({ amount: "0.36", exact: "0.375", rounding: "-0.015" });
    // potential 5 × 0.10 = 0.5; paid 0.375; no-upline 0.125
    expect(summary.bonuses[0]?.accounting).toMatchObject({ potential: "0.50", paid: "0.375" });
    expect(summary.bonuses[0]?.accounting?.breakage["no-upline"]).toBe("0.125");
    // 0.36 / 5 = 0.072
    expect(summary.payoutShare).toBe("0.072000");
  });

  it("line, half-up: each 0.125 → 0.13; R 0.26, A 0.13, total 0.39, rounding +0.015", () => {
    const { r, a, summary } = run("half-up", "line");
    expect(r.lines.map((l) => l.amount)).toStrictEqual(["0.13", "0.13"]);
    expect(r.total).toBe("0.26");
    expect(a.total).toBe("0.13");
    expect(summary.bonuses[0]).toMatchObject({ amount: "0.39", exact: "0.375", rounding: "0.015" });
    expect(summary.total).toBe("0.39");
  });

  it("bonus, half-even: lines keep exact 0.125; R 0.25 → 0.25, A 0.125 → 0.12; total 0.37, rounding −0.005", () => {
    const { r, a, summary } = run("half-even", "bonus");
    expect(r.lines.map((l) => [l.value, l.amount])).toStrictEqual([
      ["0.125", "0.125"],
      ["0.125", "0.125"],
    ]);
    expect(r.bonuses).toStrictEqual({ unilevel: "0.25" });
    expect(a.lines.map((l) => l.amount)).toStrictEqual(["0.125"]);
    expect(a.total).toBe("0.12");
    expect(summary.bonuses[0]).toMatchObject({ amount: "0.37", exact: "0.375", rounding: "-0.005" });
  });

  it("bonus, half-up: R 0.25, A 0.125 → 0.13; total 0.38, rounding +0.005", () => {
    const { r, a, summary } = run("half-up", "bonus");
    expect(r.total).toBe("0.25");
    expect(a.total).toBe("0.13");
    expect(summary.bonuses[0]).toMatchObject({ amount: "0.38", exact: "0.375", rounding: "0.005" });
  });
});

// ---------------------------------------------------------------------------------------------------------
// More: rank rows, level-locked, rate-below-maximum, sponsoredActive, scale 0
// ---------------------------------------------------------------------------------------------------------
describe("unilevel schedule rows by rank", () => {
  const plan = parsePlan({
    compplan: 1,
    id: "rows",
    currency: "USD",
    payoutBasis: "PV",
    measures: { PV: { counts: ["personal-consumption"] } },
    ranks: [{ name: "Gold", requires: { personal: { measure: "PV", minimum: "500" } } }],
    bonuses: [
      {
        key: "uni",
        kind: "unilevel",
        measure: "PV",
        reference: "§4",
        compression: "none",
        unqualifiedVolumePays: false,
        schedule: [{ rates: ["0.05"] }, { rank: "Gold", rates: ["0.10", "0.05"] }],
      },
    ],
  });
  // R (PV 500, Gold) ← A (100) ← B (200) ← C (100); everyone enrolled and qualified (no qualification block).
  const input = {
    period: PERIOD,
    members: [member("R", null), member("A", "R"), member("B", "A"), member("C", "B")],
    orders: [
      order("R", "personal-consumption", { PV: "500" }),
      order("A", "personal-consumption", { PV: "100" }),
      order("B", "personal-consumption", { PV: "200" }),
      order("C", "personal-consumption", { PV: "100" }),
    ],
  };

  it("uses the Gold row for R and the base row otherwise", () => {
    const { statements, summary } = referenceCalculate(plan, input);
    // D = 2, maxRate(1) = 0.10, maxRate(2) = 0.05
    // R's source: no upline → 500 × 0.15 = 75 no-upline
    // A's source: R lvl 1 (Gold 0.10) 10 paid; lvl 2 → no-upline 100 × 0.05 = 5
    // B's source: A lvl 1 (base 0.05) 10 paid + 200 × (0.10 − 0.05) = 10 rate-below-maximum; R lvl 2 (Gold 0.05) 10 paid
    // C's source: B lvl 1 (base 0.05) 5 paid + 5 rate-below-maximum; A lvl 2: base row has 1 level → 100 × 0.05 = 5 level-locked
    // potential 900 × 0.15 = 135 = paid 35 + rate-below 15 + level-locked 5 + no-upline 80 ✓
    expect(byId(statements, "R").lines).toStrictEqual([
      { bonus: "uni", kind: "unilevel", level: 1, compressed: false, sources: 1, source: "A", base: "100", rate: "0.1", value: "10.00", amount: "10.00", reference: "§4" },
      { bonus: "uni", kind: "unilevel", level: 2, compressed: false, sources: 1, source: "B", base: "200", rate: "0.05", value: "10.00", amount: "10.00", reference: "§4" },
    ]);
    expect(byId(statements, "A").total).toBe("10.00");
    expect(byId(statements, "B").total).toBe("5.00");
    expect(byId(statements, "C").lines).toStrictEqual([]);
    expect(summary.bonuses[0]?.accounting).toStrictEqual({
      potential: "135.00",
      paid: "35.00",
      compressedUp: "0.00",
      breakage: {
        "level-locked": "5.00",
        "no-upline": "80.00",
        "rate-below-maximum": "15.00",
        "source-unqualified": "0.00",
        "upline-unqualified": "0.00",
      },
    });
  });

  it("groups several sources of one level into one line without `source`", () => {
    // R ← A, R ← A2: both A and A2 are level-1 sources for R → one line, base 100 + 300 = 400, sources 2.
    const { statements } = referenceCalculate(plan, {
      period: PERIOD,
      members: [member("R", null), member("A", "R"), member("A2", "R")],
      orders: [
        order("R", "personal-consumption", { PV: "500" }),
        order("A", "personal-consumption", { PV: "100" }),
        order("A2", "personal-consumption", { PV: "300" }),
      ],
    });
    // 400 × 0.10 = 40.00
    expect(byId(statements, "R").lines).toStrictEqual([
      { bonus: "uni", kind: "unilevel", level: 1, compressed: false, sources: 2, base: "400", rate: "0.1", value: "40.00", amount: "40.00", reference: "§4" },
    ]);
  });
});

describe("sponsoredActive and money scale 0", () => {
  it("lists the sponsoredActive counts as strings (a leaf has 0 active sponsored members)", () => {
    const plan = parsePlan({
      compplan: 1,
      id: "sq",
      currency: "INR",
      money: { scale: 0, rounding: { mode: "down" } },
      payoutBasis: "PV",
      measures: { PV: { counts: ["personal-consumption"] } },
      qualification: { sponsoredActive: 1 },
      bonuses: [{ key: "retail", kind: "retail-profit", measure: "PV", rate: "0.333" }],
    });
    const { statements, summary } = referenceCalculate(plan, {
      period: PERIOD,
      members: [member("X", null), member("Y", "X")],
      orders: [order("X", "personal-consumption", { PV: "10" }), order("Y", "personal-consumption", { PV: "5" })],
    });
    const x = byId(statements, "X");
    expect(x.qualification).toStrictEqual([
      { condition: "status", actual: "enrolled", required: "enrolled", met: true },
      { condition: "sponsoredActive", actual: "1", required: "1", met: true },
    ]);
    // X: 10 × 0.333 = 3.33 → "down" at scale 0 → 3; Y: 5 × 0.333 = 1.665 → 1
    expect(x.lines).toStrictEqual([{ bonus: "retail", kind: "retail-profit", base: "10", rate: "0.333", value: "3.33", amount: "3" }]);
    expect(x.total).toBe("3");
    expect(byId(statements, "Y").total).toBe("1");
    // amount 4, exact 4.995, rounding −0.995; 4 / 15 = 0.2666… → 0.266667
    expect(summary.bonuses[0]).toMatchObject({ amount: "4", exact: "4.995", rounding: "-0.995" });
    expect(summary.payoutShare).toBe("0.266667");
  });

  it("payoutShare is null when the payout basis volume is 0", () => {
    const plan = parsePlan({
      compplan: 1,
      id: "empty",
      currency: "USD",
      payoutBasis: "PV",
      measures: { PV: { counts: ["personal-consumption"] } },
      bonuses: [{ key: "retail", kind: "retail-profit", measure: "PV" }],
    });
    const { statements, summary } = referenceCalculate(plan, { period: PERIOD, members: [{ id: "X", joinDate: "2026-01-01" }], orders: [] });
    expect(statements).toHaveLength(1);
    expect(byId(statements, "X").sponsorId).toBeNull();
    expect(byId(statements, "X").qualified).toBe(true);
    expect(summary.payoutShare).toBeNull();
    expect(summary.volumes).toStrictEqual({ PV: "0" });
    expect(summary.plan).toStrictEqual({ id: "empty" });
  });
});

// ---------------------------------------------------------------------------------------------------------
// matching: a level commission on the earnings of other bonuses
// ---------------------------------------------------------------------------------------------------------
describe("matching", () => {
  /** A USD plan paying against its first measure, with these measures and bonuses (and other top-level keys). */
  const planOf = (id: string, measures: Record<string, { counts: string[] }>, bonuses: unknown[], more: Record<string, unknown> = {}) =>
    parsePlan({ compplan: 1, id, currency: "USD", payoutBasis: Object.keys(measures)[0], measures, bonuses, ...more });

  it("the published example: A gets 100.00 (level 1, B) + 84.00 (level 2, C), B gets 120.00 (level 1, C)", () => {
    // plan-language.md "matching": "A sponsored B, B sponsored C; B earned 1,000.00 and C 1,200.00 ...; with
    // rates ["0.10", "0.07"] and everyone qualified, A receives 10% × 1,000 = 100.00 (level 1, source B) and
    // 7% × 1,200 = 84.00 (level 2, source C), and B receives 10% × 1,200 = 120.00." The earnings come from a
    // retail-profit at rate 1 (B's RETAIL 1000, C's 1200); the matching entry is listed first.
    const plan = planOf("matching-example", { RETAIL: { counts: ["retail-sale"] } }, [
      { key: "matching", kind: "matching", reference: "§6", of: ["retail"], schedule: [{ rates: ["0.10", "0.07"] }] },
      { key: "retail", kind: "retail-profit", measure: "RETAIL" },
    ]);
    const input = {
      period: PERIOD,
      members: [member("A", null), member("B", "A"), member("C", "B")],
      orders: [order("B", "retail-sale", { RETAIL: "1000" }), order("C", "retail-sale", { RETAIL: "1200" })],
    };
    const { statements, summary } = referenceCalculate(plan, input);
    const match = { bonus: "matching", kind: "matching", compressed: false, sources: 1, reference: "§6" };
    expect(byId(statements, "A").lines).toStrictEqual([
      { ...match, level: 1, source: "B", base: "1000", rate: "0.1", value: "100.00", amount: "100.00" },
      { ...match, level: 2, source: "C", base: "1200", rate: "0.07", value: "84.00", amount: "84.00" },
    ]);
    const b = byId(statements, "B");
    // Statements keep plan order although matching ran after retail: the matching line, then retail's.
    expect(b.lines).toStrictEqual([
      { ...match, level: 1, source: "C", base: "1200", rate: "0.1", value: "120.00", amount: "120.00" },
      { bonus: "retail", kind: "retail-profit", base: "1000", rate: "1", value: "1000.00", amount: "1000.00" },
    ]);
    expect(b.bonuses).toStrictEqual({ matching: "120.00", retail: "1000.00" });
    expect(b.total).toBe("1120.00");
    expect(byId(statements, "A").total).toBe("184.00");
    expect(summary.bonuses.map((x) => x.key)).toStrictEqual(["matching", "retail"]);
    // potential: (1000 + 1200) × (0.10 + 0.07) = 374; paid 100 + 84 + 120 = 304; B's level 2 has no upline
    // beyond the root A: 1000 × 0.07 = 70. "source-unqualified never occurs" but is listed, as every reason.
    expect(summary.bonuses[0]).toStrictEqual({
      key: "matching",
      kind: "matching",
      amount: "304.00",
      exact: "304.00",
      rounding: "0.00",
      lines: 3,
      recipients: 2,
      accounting: {
        potential: "374.00",
        paid: "304.00",
        compressedUp: "0.00",
        breakage: {
          "level-locked": "0.00",
          "no-upline": "70.00",
          "rate-below-maximum": "0.00",
          "source-unqualified": "0.00",
          "upline-unqualified": "0.00",
        },
      },
    });
  });

  describe("matches the earnings a statement shows: rounded by the plan's policy, summed over `of`", () => {
    // T ← R ← A ← B; PV: A 2.5, B 2.5. Unilevel 5%/5%: every slot 2.5 × 0.05 = 0.125 (a tie at 2 places).
    // R: 0.125 (A) + 0.125 (B); A: 0.125 (B); T: 0.125 (A, level 2). A second bonus "uni-b" is the same.
    const planWith = (applies: "line" | "bonus", of: string[]) =>
      planOf(
        "matching-rounding",
        { PV: { counts: ["personal-consumption"] } },
        [
          { key: "matching", kind: "matching", of, schedule: [{ rates: ["1"] }] },
          ...["uni-a", "uni-b"].map((key) => ({
            key,
            kind: "unilevel",
            measure: "PV",
            compression: "none",
            unqualifiedVolumePays: false,
            schedule: [{ rates: ["0.05", "0.05"] }],
          })),
        ],
        { money: { scale: 2, rounding: { mode: "half-even", applies } } },
      );
    const input = {
      period: PERIOD,
      members: [member("T", null), member("R", "T"), member("A", "R"), member("B", "A")],
      orders: [order("A", "personal-consumption", { PV: "2.5" }), order("B", "personal-consumption", { PV: "2.5" })],
    };
    const matchingOf = (applies: "line" | "bonus", of: string[], id: string) =>
      byId(referenceCalculate(planWith(applies, of), input).statements, id).lines.filter((l) => l.bonus === "matching");

    it("applies line: R's earnings are 0.12 + 0.12 = 0.24 (each line rounded), A's 0.12", () => {
      expect(matchingOf("line", ["uni-a"], "T").map((l) => [l.source, l.base, l.value])).toStrictEqual([["R", "0.24", "0.24"]]);
      expect(matchingOf("line", ["uni-a"], "R").map((l) => [l.source, l.base, l.value])).toStrictEqual([["A", "0.12", "0.12"]]);
    });

    it("applies bonus: R's earnings are round(0.25) = 0.25, A's round(0.125) = 0.12", () => {
      expect(matchingOf("bonus", ["uni-a"], "T").map((l) => [l.source, l.base, l.value])).toStrictEqual([["R", "0.25", "0.25"]]);
      expect(matchingOf("bonus", ["uni-a"], "R").map((l) => [l.source, l.base, l.value])).toStrictEqual([["A", "0.12", "0.12"]]);
    });

    it("two bonuses in `of`: each one's earnings rounded, then summed (A: 0.12 + 0.12 = 0.24, not round(0.25))", () => {
      expect(matchingOf("bonus", ["uni-a", "uni-b"], "R").map((l) => [l.source, l.base, l.value])).toStrictEqual([["A", "0.24", "0.24"]]);
      expect(matchingOf("bonus", ["uni-a", "uni-b"], "T").map((l) => [l.source, l.base, l.value])).toStrictEqual([["R", "0.5", "0.50"]]);
    });
  });

  it("dynamic compression skips an unqualified upline; an unqualified source's earnings still count", () => {
    // R(PV 100) ← U(PV 0, unqualified) ← S(PV 100). Qualification PV ≥ 100. Retail-profit 10% of PV pays R and
    // S 10.00 each, requiresQualified false. A second member X(PV 0, unqualified) under S earns nothing.
    // Matching of retail, rates [0.5]: S's 10.00 → U is skipped → R takes level 1, compressed up (distance 2).
    // With compression none, U takes level 1: upline-unqualified 5.00.
    const planWith = (compression: "none" | "dynamic") =>
      planOf(
        "matching-compression",
        { PV: { counts: ["personal-consumption"] } },
        [
          { key: "retail", kind: "retail-profit", measure: "PV", rate: "0.1" },
          { key: "match", kind: "matching", of: ["retail"], compression, schedule: [{ rates: ["0.5"] }] },
        ],
        { qualification: { personal: { measure: "PV", minimum: "100" } } },
      );
    const input = {
      period: PERIOD,
      members: [member("R", null), member("U", "R"), member("S", "U"), member("X", "S", "suspended")],
      orders: [
        order("R", "personal-consumption", { PV: "100" }),
        order("S", "personal-consumption", { PV: "100" }),
        order("X", "personal-consumption", { PV: "500" }),
      ],
    };
    // X is suspended (unqualified) but earned retail 50.00: its earnings are matched by S (level 1, 25.00).
    const dynamic = referenceCalculate(planWith("dynamic"), input);
    expect(byId(dynamic.statements, "R").lines).toStrictEqual([
      { bonus: "retail", kind: "retail-profit", base: "100", rate: "0.1", value: "10.00", amount: "10.00" },
      { bonus: "match", kind: "matching", level: 1, compressed: true, sources: 1, source: "S", base: "10", rate: "0.5", value: "5.00", amount: "5.00" },
    ]);
    expect(byId(dynamic.statements, "S").lines.filter((l) => l.bonus === "match")).toStrictEqual([
      { bonus: "match", kind: "matching", level: 1, compressed: false, sources: 1, source: "X", base: "50", rate: "0.5", value: "25.00", amount: "25.00" },
    ]);
    // sources S (10), X (50), R (10, no upline): potential 35; paid 25, compressed up 5, no-upline 5.
    expect(dynamic.summary.bonuses[1]?.accounting).toMatchObject({ potential: "35.00", paid: "25.00", compressedUp: "5.00" });
    expect(dynamic.summary.bonuses[1]?.accounting?.breakage).toMatchObject({ "no-upline": "5.00", "source-unqualified": "0.00" });

    const none = referenceCalculate(planWith("none"), input);
    expect(byId(none.statements, "R").lines.filter((l) => l.bonus === "match")).toStrictEqual([]);
    expect(none.summary.bonuses[1]?.accounting?.breakage).toMatchObject({ "upline-unqualified": "5.00", "no-upline": "5.00" });
  });

  it("by generation, the published example: A 10.00 + 10.00, B 20.00 + 5.00, D 10.00, C (not Gold) nothing", () => {
    // plan-language.md "By generation": "A (Gold) sponsored B (Gold), B sponsored C (no rank), C sponsored D
    // (Gold), D sponsored E (no rank); B, C, D and E each earned 100.00 ... A receives 10.00 (generation 1, B)
    // and 5% × 200 = 10.00 (generation 2, C and D); B receives 10% × 200 = 20.00 (generation 1, C and D) and
    // 5.00 (generation 2, E); D receives 10.00 (generation 1, E); C receives nothing (not Gold). Potential
    // 4 × 100 × 15% = 60.00 = paid 55.00 + breakage no-upline 5.00". Gold: a GOLD volume of at least 1;
    // earnings from a retail-profit at rate 1.
    const plan = planOf("matching-generations", { RETAIL: { counts: ["retail-sale"] }, GOLD: { counts: ["customer-order"] } }, [
      { key: "retail", kind: "retail-profit", measure: "RETAIL" },
      { key: "gen", kind: "matching", of: ["retail"], generations: { rank: "Gold" }, schedule: [{ rates: ["0.10", "0.05"] }] },
    ], { ranks: [{ name: "Gold", requires: { personal: { measure: "GOLD", minimum: "1" } } }] });
    const gold = (id: string) => order(id, "customer-order", { GOLD: "1" });
    const earn = (id: string) => order(id, "retail-sale", { RETAIL: "100" });
    const input = {
      period: PERIOD,
      members: [member("A", null), member("B", "A"), member("C", "B"), member("D", "C"), member("E", "D")],
      orders: [gold("A"), gold("B"), gold("D"), earn("B"), earn("C"), earn("D"), earn("E")],
    };
    const { statements, summary } = referenceCalculate(plan, input);
    const gen = (id: string) => byId(statements, id).lines.filter((l) => l.bonus === "gen").map((l) => [l.level, l.compressed, l.source, l.base, l.amount]);
    expect(gen("A")).toStrictEqual([
      [1, false, "B", "100", "10.00"],
      [2, false, undefined, "200", "10.00"],
    ]);
    expect(gen("B")).toStrictEqual([
      [1, false, undefined, "200", "20.00"],
      [2, false, "E", "100", "5.00"],
    ]);
    expect(gen("C")).toStrictEqual([]);
    expect(gen("D")).toStrictEqual([[1, false, "E", "100", "10.00"]]);
    expect(summary.bonuses[1]?.accounting).toMatchObject({ potential: "60.00", paid: "55.00", compressedUp: "0.00" });
    expect(summary.bonuses[1]?.accounting?.breakage).toMatchObject({ "no-upline": "5.00", "upline-unqualified": "0.00", "level-locked": "0.00" });
  });
});

// ---------------------------------------------------------------------------------------------------------
// State between periods (docs/state.md): paid-as rank over periods and the state file
// ---------------------------------------------------------------------------------------------------------
describe("paid-as rank over periods", () => {
  const ladderPlan = (extra: Record<string, unknown>) =>
    parsePlan({
      compplan: 1,
      id: "over-periods",
      currency: "USD",
      payoutBasis: "PV",
      measures: { PV: { counts: ["personal-consumption"] } },
      ranks: [
        { name: "Bronze", requires: { personal: { measure: "PV", minimum: "100" } } },
        { name: "Silver", requires: { personal: { measure: "PV", minimum: "200" } } },
        { name: "Gold", requires: { personal: { measure: "PV", minimum: "200" }, legs: [{ count: 1, rank: "Silver" }] } },
      ],
      bonuses: [],
      ...extra,
    });
  const pv = (period: string, volumes: Record<string, string>): OrderInput[] =>
    Object.entries(volumes).map(([id, v]) => ({ id: `${period}-${id}`, memberId: id, kind: "personal-consumption", date: `${period}-10`, volumes: { PV: v } }));
  /** Runs the periods in a row, each from the previous one's closing state text. */
  const chain = (plan: ReturnType<typeof ladderPlan>, periods: { period: string; members: MemberInput[]; orders: OrderInput[] }[]) => {
    let state: string | undefined;
    return periods.map((input) => {
      const r = referenceCalculate(plan, input, state === undefined ? {} : { state });
      state = r.state;
      return r;
    });
  };
  const rankOf = (r: { statements: ReferenceStatement[] }, id: string) => byId(r.statements, id).rank.paidAs;
  const header = (plan: ReturnType<typeof ladderPlan>, period: string, grace: boolean) =>
    `{"fields":[{"kind":"rank","name":"rank.highest"},{"kind":"rank","name":"rank.paidAs"},{"kind":"count","name":"rank.periods"}${grace ? ',{"kind":"count","name":"rank.grace"}' : ""}],"format":"compplan-state/1","period":"${period}","plan":"${fingerprintPlan(plan)}"}`;

  it("grace 2 exactly used up: Silver, kept two periods at Bronze's volume, Bronze on the third, Silver again", () => {
    const plan = ladderPlan({ paidAs: { grace: 2 } });
    const members = [member("A", null), member("B", "A")];
    // A: 200, 100, 100, 100, 200 PV; B orders nothing (no rank, so no row).
    const runs = chain(
      plan,
      ["2026-08", "2026-09", "2026-10", "2026-11", "2026-12"].map((period, k) => ({ period, members, orders: pv(period, { A: ["200", "100", "100", "100", "200"][k] as string }) })),
    );
    expect(runs.map((r) => rankOf(r, "A"))).toStrictEqual(["Silver", "Silver", "Silver", "Bronze", "Silver"]);
    // Kept in grace: the statement shows the paid-as rank's requirements, unmet (100 < 200).
    expect(byId(runs[1]?.statements ?? [], "A").rank.requirements).toStrictEqual([
      { requirement: "qualified", actual: "yes", required: "yes", met: true },
      { requirement: "personal", measure: "PV", actual: "100", required: "200", met: false },
    ]);
    // rank.grace: 0, 1 (opening 0 < 2), 2 (opening 1 < 2), 0 (opening 2 is not below 2: dropped), 0.
    // rank.periods: 1, 2, 3 (paid as Silver each time), 1 (Bronze), 1 (Silver again).
    const rows = [
      '{"id":"A","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":1}',
      '{"id":"A","rank.grace":1,"rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":2}',
      '{"id":"A","rank.grace":2,"rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":3}',
      '{"id":"A","rank.highest":"Silver","rank.paidAs":"Bronze","rank.periods":1}',
      '{"id":"A","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":1}',
    ];
    const periods = ["2026-08", "2026-09", "2026-10", "2026-11", "2026-12"];
    expect(runs.map((r) => r.state)).toStrictEqual(rows.map((row, k) => `${header(plan, periods[k] as string, true)}\n${row}\n`));
    expect(runs.map((r) => r.overPeriods.grace)).toStrictEqual([0, 1, 1, 0, 0]);
  });

  it("hold highest with a given rank below the highest: floor is raised to the highest; paid-as is exactly the given rank", () => {
    const members = [member("A", null)];
    const september = { period: "2026-09", members, orders: pv("2026-09", { A: "200" }) };
    // October: A orders nothing (computed: no rank) and is given Bronze.
    const october = { period: "2026-10", members: [{ ...member("A", null), rank: "Bronze" }], orders: [] };
    const floor = ladderPlan({ paidAs: { hold: "highest" } });
    const [, held] = chain(floor, [september, october]);
    // Steps: computed none; given Bronze with floor: max(none, Bronze) = Bronze; hold: not below the opening
    // highest (Silver): Silver. periods 1 + 1 = 2 (Silver both periods).
    expect(byId(held?.statements ?? [], "A").rank).toMatchObject({ given: "Bronze", paidAs: "Silver" });
    expect(held?.state).toBe(`${header(floor, "2026-10", false)}\n{"id":"A","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":2}\n`);
    expect(held?.overPeriods).toStrictEqual({ grace: 0, held: 1 });
    // givenRank: paid-as: "the member is paid as the given rank and steps 3 and 4 do not apply"; the highest
    // stays Silver (the higher of the opening one and Bronze), periods restart at 1.
    const exact = ladderPlan({ paidAs: { hold: "highest", grace: 3 }, givenRank: "paid-as" });
    const [, given] = chain(exact, [september, october]);
    expect(byId(given?.statements ?? [], "A").rank).toMatchObject({ given: "Bronze", paidAs: "Bronze" });
    expect(given?.state).toBe(`${header(exact, "2026-10", true)}\n{"id":"A","rank.highest":"Silver","rank.paidAs":"Bronze","rank.periods":1}\n`);
  });

  it("a rank kept in grace deep in a leg counts for the upline's legs requirement", () => {
    // T → M → D. Gold needs 200 PV and one leg holding Silver. September: D Silver (200), T Gold (leg M holds
    // Silver through D). October: D has 100 PV (computed Bronze).
    const members = [member("T", null), member("M", "T"), member("D", "M")];
    const periods = [
      { period: "2026-09", members, orders: pv("2026-09", { T: "200", D: "200" }) },
      { period: "2026-10", members, orders: pv("2026-10", { T: "200", D: "100" }) },
    ];
    // With grace 1, D is kept Silver in October and T's leg M still holds Silver: T stays Gold.
    const [, graced] = chain(ladderPlan({ paidAs: { grace: 1 } }), periods);
    expect(rankOf(graced as { statements: ReferenceStatement[] }, "D")).toBe("Silver");
    expect(byId(graced?.statements ?? [], "T").rank).toMatchObject({
      paidAs: "Gold",
      requirements: [
        { requirement: "qualified", actual: "yes", required: "yes", met: true },
        { requirement: "personal", measure: "PV", actual: "200", required: "200", met: true },
        { requirement: "legs", rank: "Silver", actual: "1", required: "1", met: true },
      ],
    });
    expect(graced?.summary.ranks).toStrictEqual([
      { rank: "Bronze", members: 0 },
      { rank: "Silver", members: 1 },
      { rank: "Gold", members: 1 },
    ]);
    // Without grace (a plan keeping state, grace 0) D is Bronze and T falls to Silver.
    const [, plain] = chain(ladderPlan({ state: {} }), periods);
    expect([rankOf(plain as { statements: ReferenceStatement[] }, "D"), rankOf(plain as { statements: ReferenceStatement[] }, "T")]).toStrictEqual(["Bronze", "Silver"]);
  });

  it("a plan that keeps no state writes none; unknown members' rows are carried unchanged with carry", () => {
    const members = [member("A", null)];
    expect(referenceCalculate(ladderPlan({}), { period: PERIOD, members, orders: [] }).state).toBeUndefined();
    const plan = ladderPlan({ state: { unknownMembers: "carry" } });
    const z = '{"id":"Z","rank.highest":"Gold","rank.paidAs":"Bronze","rank.periods":7}';
    const opening = `${header(plan, "2026-09", false)}\n${z}\n`;
    const r = referenceCalculate(plan, { period: PERIOD, members, orders: pv(PERIOD, { A: "100" }) }, { state: opening });
    expect(r.state).toBe(`${header(plan, PERIOD, false)}\n{"id":"A","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":1}\n${z}\n`);
    expect(() => referenceCalculate(ladderPlan({ state: {} }), { period: PERIOD, members, orders: [] }, { state: opening })).toThrow(/unknown member Z/);
  });
});
