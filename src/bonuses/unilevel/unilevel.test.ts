// Unilevel accounting: every slot of potential lands in exactly one bucket, with the right reason.
import { describe, expect, it } from "vitest";
import { calculate, parsePlan } from "../../index.js";

const plan = (compression: "none" | "dynamic", unqualifiedVolumePays: boolean) =>
  parsePlan({
    compplan: 1,
    id: "u",
    currency: "USD",
    payoutBasis: "PV",
    measures: { PV: { counts: ["personal-consumption"] } },
    qualification: { personal: { measure: "PV", minimum: "100" } },
    ranks: [{ name: "Gold", requires: { personal: { measure: "PV", minimum: "500" } } }],
    bonuses: [{ key: "u", kind: "unilevel", measure: "PV", compression, unqualifiedVolumePays, schedule: [{ rates: ["0.10"] }, { rank: "Gold", rates: ["0.20", "0.10"] }] }],
  });

// R (Gold, 500) ← Q (100) ← X (unqualified, 50) ← S (100). Max rates: level 1 20%, level 2 10%.
const input = {
  period: "2026-10",
  members: [
    { id: "R", sponsorId: null, joinDate: "2025-01-01" },
    { id: "Q", sponsorId: "R", joinDate: "2025-01-01" },
    { id: "X", sponsorId: "Q", joinDate: "2025-01-01" },
    { id: "S", sponsorId: "X", joinDate: "2025-01-01" },
  ],
  orders: [
    { id: "1", memberId: "R", kind: "personal-consumption" as const, date: "2026-10-01", volumes: { PV: "500" } },
    { id: "2", memberId: "Q", kind: "personal-consumption" as const, date: "2026-10-01", volumes: { PV: "100" } },
    { id: "3", memberId: "X", kind: "personal-consumption" as const, date: "2026-10-01", volumes: { PV: "50" } },
    { id: "4", memberId: "S", kind: "personal-consumption" as const, date: "2026-10-01", volumes: { PV: "100" } },
  ],
};

describe("unilevel accounting", () => {
  it("without compression", () => {
    const a = calculate(plan("none", false), input).summary.bonuses[0]?.accounting;
    // Potential: (500 + 100 + 50 + 100) × 30% = 225.
    // R: no upline, 2 slots → no-upline 150. Q: L1 R pays 20% = 20 (paid); L2 none → no-upline 10.
    // X: unqualified source → source-unqualified 15. S: L1 X unqualified → upline-unqualified 20;
    //   L2 Q, base row unlocks 1 level only → level-locked 10.
    expect(a).toEqual({
      potential: "225.00",
      paid: "20.00",
      compressedUp: "0.00",
      breakage: { "source-unqualified": "15.00", "upline-unqualified": "20.00", "level-locked": "10.00", "rate-below-maximum": "0.00", "no-upline": "160.00" },
    });
  });

  it("with dynamic compression", () => {
    const a = calculate(plan("dynamic", false), input).summary.bonuses[0]?.accounting;
    // S: X skipped; Q takes L1 at 10% (compressed, distance 2): 10, gap to 20% → rate-below-maximum 10;
    //   R takes L2 at 10% (compressed, distance 3): 10. Others as without compression.
    expect(a).toEqual({
      potential: "225.00",
      paid: "20.00",
      compressedUp: "20.00",
      breakage: { "source-unqualified": "15.00", "upline-unqualified": "0.00", "level-locked": "0.00", "rate-below-maximum": "10.00", "no-upline": "160.00" },
    });
  });

  it("an unqualified member's volume pays when the plan says so", () => {
    const run = calculate(plan("dynamic", true), input);
    // X's 50: L1 Q at 10% = 5 (direct), gap 5; L2 R at 10% = 5 (direct).
    expect(run.statement("Q")?.lines.map((l) => [l.level, l.compressed, l.source, l.amount])).toEqual([
      [1, false, "X", "5.00"],
      [1, true, "S", "10.00"],
    ]);
  });
});

describe("unilevel lines: per-source", () => {
  // Rounding per line, half-up to cents, 5% on levels 1 and 2, dynamic compression. R sponsors B and A (listed
  // in that order); B sponsors U (no volume, so unqualified), who sponsors C. Each of A, B and C has 0.1 PV.
  const perSourcePlan = (lines: "per-level" | "per-source") =>
    parsePlan({
      compplan: 1,
      id: "per-source",
      currency: "USD",
      money: { scale: 2, rounding: { mode: "half-up", applies: "line" } },
      payoutBasis: "PV",
      measures: { PV: { counts: ["personal-consumption"] } },
      qualification: { personal: { measure: "PV", minimum: "0.1" } },
      ranks: [],
      bonuses: [{ key: "u", kind: "unilevel", measure: "PV", compression: "dynamic", unqualifiedVolumePays: false, lines, schedule: [{ rates: ["0.05", "0.05"] }] }],
    });
  const pc = (id: string, memberId: string, pv: string) => ({ id, memberId, kind: "personal-consumption" as const, date: "2026-10-01", volumes: { PV: pv } });
  const tree = {
    period: "2026-10",
    members: [
      { id: "R", sponsorId: null, joinDate: "2025-01-01" },
      { id: "B", sponsorId: "R", joinDate: "2025-01-01" },
      { id: "A", sponsorId: "R", joinDate: "2025-01-01" },
      { id: "U", sponsorId: "B", joinDate: "2025-01-01" },
      { id: "C", sponsorId: "U", joinDate: "2025-01-01" },
    ],
    orders: [pc("1", "R", "0.1"), pc("2", "A", "0.1"), pc("3", "B", "0.1"), pc("4", "C", "0.1")],
  };

  it("pays one line per source, each rounded alone (5% of 0.1 = 0.005, half-up 0.01), ordered by level, compression, source id", () => {
    const r = calculate(perSourcePlan("per-source"), tree).statement("R");
    expect(r?.lines.map((l) => [l.level, l.compressed, l.sources, l.source, l.base, l.rate, l.value, l.amount])).toEqual([
      [1, false, 1, "A", "0.1", "0.05", "0.005", "0.01"],
      [1, false, 1, "B", "0.1", "0.05", "0.005", "0.01"],
      // C is three generations down; U (unqualified) is skipped, so C is R's level 2, compressed.
      [2, true, 1, "C", "0.1", "0.05", "0.005", "0.01"],
    ]);
    expect(r?.bonuses.u).toBe("0.03");
  });

  it("per level, the same sources make one line per level: 0.2 × 5% = 0.01 at level 1", () => {
    const r = calculate(perSourcePlan("per-level"), tree).statement("R");
    expect(r?.lines.map((l) => [l.level, l.compressed, l.sources, l.source, l.base, l.amount])).toEqual([
      [1, false, 2, undefined, "0.2", "0.01"],
      [2, true, 1, "C", "0.1", "0.01"],
    ]);
    expect(r?.bonuses.u).toBe("0.02");
  });
});
