// Rank rules at their boundaries, by example. Planted bugs here (a leg exactly at its cap; a rank held deep
// inside a leg) used to be caught only by the random differential test. Expected values come from the rule
// as docs/plan-language.md states it (section "Ranks"), worked by hand in each comment.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type Statement, calculate, parsePlan } from "../index.js";

const PERIOD = "2026-10";

const LEG_CAP_PLAN = parsePlan(`
compplan: 1
id: leg-cap-boundary
currency: USD
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
ranks:
  - name: Gold
    requires:
      group: { measure: PV, minimum: "1000", legCap: "0.4" }
bonuses: []
`);

const LEGS_PLAN = parsePlan(`
compplan: 1
id: legs-hold-rank
currency: USD
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
ranks:
  - name: Bronze
    requires:
      personal: { measure: PV, minimum: "100" }
  - name: Silver
    requires:
      personal: { measure: PV, minimum: "100" }
  - name: Gold
    requires:
      personal: { measure: PV, minimum: "100" }
      legs: [{ count: 2, rank: Silver }]
bonuses: []
`);

/** `tree` lists [id, sponsor, personal PV]; the root's sponsor is null. */
function statementOf(plan: typeof LEG_CAP_PLAN, tree: [string, string | null, string][], who = "YOU"): Statement {
  const members: MemberInput[] = tree.map(([id, sponsorId]) => ({ id, sponsorId, joinDate: "2024-01-01" }));
  const orders: OrderInput[] = tree
    .filter(([, , pv]) => pv !== "0")
    .map(([id, , pv]) => ({ id: `o-${id}`, memberId: id, kind: "personal-consumption", date: "2026-10-15", volumes: { PV: pv } }));
  const s = calculate(plan, { period: PERIOD, members, orders }).statement(who);
  if (s === undefined) throw new Error(`no statement for ${who}`);
  return s;
}

describe("group volume with a leg cap: a leg exactly at its cap", () => {
  // Gold: 1,000 PV of group volume, no leg counting more than 0.4 × 1,000 = 400.
  // YOU 100 + L1's leg + L2 300 + L3 200. L1's leg is L1 150 plus L1's child L1a, so the cap is applied to the
  // leg's group volume, not to the first-level member's own volume.
  const tree = (l1a: string): [string, string | null, string][] => [
    ["YOU", null, "100"],
    ["L1", "YOU", "150"],
    ["L1a", "L1", l1a],
    ["L2", "YOU", "300"],
    ["L3", "YOU", "200"],
  ];
  const group = (s: Statement) => s.rank.requirements?.find((r) => r.requirement === "group") ?? s.rank.next?.requirements.find((r) => r.requirement === "group");

  it("a leg of exactly 400 counts in full and is not listed as capped: 100 + 400 + 300 + 200 = 1,000, Gold", () => {
    const s = statementOf(LEG_CAP_PLAN, tree("250"));
    expect(s.rank.paidAs).toBe("Gold");
    expect(group(s)).toMatchObject({ actual: "1000", required: "1000", met: true });
    expect(group(s)?.legCap).toMatchObject({ maxPerLeg: "400", uncapped: "1000", cappedLegs: [] });
  });

  it("a leg one volume unit above the cap (400.0001) counts 400 and is listed: still 1,000, Gold", () => {
    const s = statementOf(LEG_CAP_PLAN, tree("250.0001"));
    expect(s.rank.paidAs).toBe("Gold");
    expect(group(s)).toMatchObject({ actual: "1000", met: true });
    expect(group(s)?.legCap).toMatchObject({ uncapped: "1000.0001", cappedLegs: [{ leg: "L1", volume: "400.0001", counted: "400" }] });
  });

  it("a leg one unit below the cap (399.9999) counts in full: 999.9999, not Gold", () => {
    const s = statementOf(LEG_CAP_PLAN, tree("249.9999"));
    expect(s.rank.paidAs).toBeNull();
    expect(group(s)).toMatchObject({ actual: "999.9999", met: false });
    expect(group(s)?.legCap?.cappedLegs).toEqual([]);
  });

  it("a leg far above the cap still counts only 400: 100 + 400 + 300 + 200 = 1,000, Gold", () => {
    const s = statementOf(LEG_CAP_PLAN, tree("5000"));
    expect(s.rank.paidAs).toBe("Gold");
    expect(group(s)).toMatchObject({ actual: "1000", met: true });
    expect(group(s)?.legCap).toMatchObject({ uncapped: "5750", cappedLegs: [{ leg: "L1", volume: "5150", counted: "400" }] });
  });
});

describe("legs that hold a rank: the rank may be held anywhere inside the leg", () => {
  // Gold: 100 PV and two first-level legs that each hold Silver (someone in the leg is paid as Silver or
  // higher). Silver and Bronze need 100 PV only, so a member with 100 PV is paid as Silver.
  const legs = (s: Statement) => s.rank.requirements?.find((r) => r.requirement === "legs") ?? s.rank.next?.requirements.find((r) => r.requirement === "legs");

  it("L1 holds Silver through D, three levels below it, while L1 itself holds no rank: Gold", () => {
    const s = statementOf(LEGS_PLAN, [
      ["YOU", null, "100"],
      ["L1", "YOU", "0"],
      ["M", "L1", "0"],
      ["D", "M", "100"],
      ["L2", "YOU", "100"],
    ]);
    expect(s.rank.paidAs).toBe("Gold");
    expect(legs(s)).toMatchObject({ rank: "Silver", actual: "2", required: "2", met: true });
  });

  it("the same tree with D one unit short of 100 PV: L1 holds nothing, one leg, not Gold", () => {
    const s = statementOf(LEGS_PLAN, [
      ["YOU", null, "100"],
      ["L1", "YOU", "0"],
      ["M", "L1", "0"],
      ["D", "M", "99.9999"],
      ["L2", "YOU", "100"],
    ]);
    expect(s.rank.paidAs).toBe("Silver");
    expect(legs(s)).toMatchObject({ actual: "1", met: false });
  });

  it("a rank above the one required counts: D paid as Gold deep in L1 holds Silver for YOU", () => {
    const s = statementOf(LEGS_PLAN, [
      ["YOU", null, "100"],
      ["L1", "YOU", "0"],
      ["D", "L1", "100"],
      ["D1", "D", "100"],
      ["D2", "D", "100"],
      ["L2", "YOU", "100"],
    ]);
    expect(statementOf(LEGS_PLAN, [["YOU", null, "100"], ["L1", "YOU", "0"], ["D", "L1", "100"], ["D1", "D", "100"], ["D2", "D", "100"]], "D").rank.paidAs).toBe("Gold");
    expect(s.rank.paidAs).toBe("Gold");
    expect(legs(s)).toMatchObject({ actual: "2", met: true });
  });

  it("two Silvers inside one leg count as one leg: not Gold", () => {
    const s = statementOf(LEGS_PLAN, [
      ["YOU", null, "100"],
      ["L1", "YOU", "0"],
      ["D1", "L1", "100"],
      ["D2", "L1", "100"],
      ["L2", "YOU", "0"],
    ]);
    expect(s.rank.paidAs).toBe("Silver");
    expect(legs(s)).toMatchObject({ actual: "1", met: false });
  });
});
