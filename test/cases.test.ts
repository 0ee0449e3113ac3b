// Declarative business cases: a plan, an input, and the expected amounts as exact strings, each worked
// by hand from the plan's definition (the arithmetic is in the `why` of each case). No tolerance.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type Statement, calculate, parsePlan } from "../src/index.js";

const PERIOD = "2026-10";
const m = (id: string, sponsorId: string | null, status: MemberInput["status"] = "enrolled"): MemberInput => ({ id, sponsorId, joinDate: "2025-01-01", status });
let orderNo = 0;
const o = (memberId: string, kind: OrderInput["kind"], volumes: Record<string, string>): OrderInput => ({ id: `o${++orderNo}`, memberId, kind, date: "2026-10-10", volumes });

interface Case {
  name: string;
  why: string;
  plan: Record<string, unknown>;
  members: MemberInput[];
  orders: OrderInput[];
  expect: Record<string, Partial<{ qualified: boolean; paidAs: string | null; total: string; personal: Record<string, string>; excluded: Record<string, string>; lines: [string, number | undefined, string][] }>>;
}

const base = (extra: Record<string, unknown>) => ({ compplan: 1, id: "case", currency: "USD", payoutBasis: "PV", bonuses: [], ...extra });
const uni = (rates: string[], compression = "dynamic", extra: Record<string, unknown> = {}) => ({
  key: "u", kind: "unilevel", measure: "PV", compression, unqualifiedVolumePays: false, schedule: [{ rates }], ...extra,
});
const ALL = ["personal-consumption", "retail-sale", "customer-order"];

const CASES: Case[] = [
  {
    name: "personal consumption alone meets the PV minimum",
    why: "B buys 100 PV for own use; PV counts personal consumption, minimum 100: qualified. A earns 10% of 100 = 10.00.",
    plan: base({ measures: { PV: { counts: ALL } }, qualification: { personal: { measure: "PV", minimum: "100" } }, bonuses: [uni(["0.10"])] }),
    members: [m("A", null), m("B", "A")],
    orders: [o("A", "personal-consumption", { PV: "100" }), o("B", "personal-consumption", { PV: "100" })],
    expect: { B: { qualified: true, personal: { PV: "100" } }, A: { total: "10.00", lines: [["u", 1, "10.00"]] } },
  },
  {
    name: "a PV that counts only retail sales: own consumption does not qualify",
    why: "B's 100 PV is own consumption; PV counts retail-sale only, so B's PV is 0 < 100: unqualified; B's volume pays nobody.",
    plan: base({ measures: { PV: { counts: ["retail-sale"] } }, qualification: { personal: { measure: "PV", minimum: "100" } }, bonuses: [uni(["0.10"])] }),
    members: [m("A", null), m("B", "A")],
    orders: [o("A", "retail-sale", { PV: "100" }), o("B", "personal-consumption", { PV: "100" })],
    expect: { B: { qualified: false, personal: { PV: "0" } }, A: { qualified: true, total: "0.00" } },
  },
  {
    name: "a cap on counted personal consumption",
    why: "Cap 60: B's 100 of own consumption counts 60, plus 30 retail = 90 < 100: unqualified; 40 excluded.",
    plan: base({ measures: { PV: { counts: ALL, personalConsumptionCap: "60" } }, qualification: { personal: { measure: "PV", minimum: "100" } } }),
    members: [m("A", null), m("B", "A")],
    orders: [o("B", "personal-consumption", { PV: "70" }), o("B", "personal-consumption", { PV: "30" }), o("B", "retail-sale", { PV: "30" })],
    expect: { B: { qualified: false, personal: { PV: "90" }, excluded: { PV: "40" } } },
  },
  {
    name: "depth unlocked by rank: a level the rank does not unlock is not paid",
    why: "Base row pays 1 level, Gold 3. A (no rank, GV 300 < 1000) earns only level 1: 10% of B's 100 = 10.00; C and D's levels are locked.",
    plan: base({
      measures: { PV: { counts: ALL } },
      ranks: [{ name: "Gold", requires: { group: { measure: "PV", minimum: "1000" } } }],
      bonuses: [{ key: "u", kind: "unilevel", measure: "PV", compression: "none", unqualifiedVolumePays: true, schedule: [{ rates: ["0.10"] }, { rank: "Gold", rates: ["0.10", "0.05", "0.05"] }] }],
    }),
    members: [m("A", null), m("B", "A"), m("C", "B"), m("D", "C")],
    orders: [o("B", "personal-consumption", { PV: "100" }), o("C", "personal-consumption", { PV: "100" }), o("D", "personal-consumption", { PV: "100" })],
    expect: { A: { paidAs: null, total: "10.00", lines: [["u", 1, "10.00"]] }, B: { total: "10.00" }, C: { total: "10.00" } },
  },
  {
    name: "dynamic compression rolls up past a terminated member",
    why: "B is terminated (never qualified). With compression, C's 200 pays A at level 1: 10% = 20.00 (compressed).",
    plan: base({ measures: { PV: { counts: ALL } }, bonuses: [uni(["0.10", "0.05"])] }),
    members: [m("A", null), m("B", "A", "terminated"), m("C", "B")],
    orders: [o("C", "personal-consumption", { PV: "200" })],
    expect: { A: { total: "20.00", lines: [["u", 1, "20.00"]] }, B: { qualified: false, total: "0.00" } },
  },
  {
    name: "rounding per line versus per bonus",
    why: "A gets 12.5% of B's 1 PV (level 1) and of C's 1 PV (level 2): two lines of exact value 0.125. Half-even per line rounds each to 0.12: total 0.24.",
    plan: base({ measures: { PV: { counts: ALL } }, money: { scale: 2, rounding: { mode: "half-even", applies: "line" } }, bonuses: [uni(["0.125", "0.125"], "none", { unqualifiedVolumePays: true })] }),
    members: [m("A", null), m("B", "A"), m("C", "B")],
    orders: [o("B", "personal-consumption", { PV: "1" }), o("C", "personal-consumption", { PV: "1" })],
    expect: { A: { total: "0.24", lines: [["u", 1, "0.12"], ["u", 2, "0.12"]] } },
  },
  {
    name: "rounding per bonus: the exact subtotal is rounded once",
    why: "Same as above with applies: bonus: lines show 0.125 each; A's subtotal round(0.25) = 0.25.",
    plan: base({ measures: { PV: { counts: ALL } }, money: { scale: 2, rounding: { mode: "half-even", applies: "bonus" } }, bonuses: [uni(["0.125", "0.125"], "none", { unqualifiedVolumePays: true })] }),
    members: [m("A", null), m("B", "A"), m("C", "B")],
    orders: [o("B", "personal-consumption", { PV: "1" }), o("C", "personal-consumption", { PV: "1" })],
    expect: { A: { total: "0.25", lines: [["u", 1, "0.125"], ["u", 2, "0.125"]] } },
  },
  {
    name: "rank bonus and retail profit",
    why: "A: GV 600 ≥ 500 → Silver, rank bonus 25.00. Retail profit at rate 1 on RETAIL (retail sales only): A sold 12.5 of margin → 12.50; C's own consumption is not retail.",
    plan: base({
      measures: { PV: { counts: ALL }, RETAIL: { counts: ["retail-sale"] } },
      ranks: [{ name: "Silver", requires: { group: { measure: "PV", minimum: "500" } } }],
      bonuses: [{ key: "rb", kind: "rank-bonus", amounts: { Silver: "25.00" } }, { key: "rp", kind: "retail-profit", measure: "RETAIL" }],
    }),
    members: [m("A", null), m("B", "A"), m("C", "A")],
    orders: [o("A", "retail-sale", { PV: "100", RETAIL: "12.5" }), o("B", "personal-consumption", { PV: "300" }), o("C", "personal-consumption", { PV: "200", RETAIL: "0" })],
    expect: { A: { paidAs: "Silver", total: "37.50", lines: [["rb", undefined, "25.00"], ["rp", undefined, "12.50"]] }, C: { paidAs: null, total: "0.00" } },
  },
  {
    name: "qualification needs active personally sponsored members",
    why: "sponsoredActive 2 and 100 PV: A has B (150, active) and C (50, not active): 1 < 2, A is unqualified although A's own PV is 100. B has no sponsored members: unqualified too.",
    plan: base({ measures: { PV: { counts: ALL } }, qualification: { personal: { measure: "PV", minimum: "100" }, sponsoredActive: 2 } }),
    members: [m("A", null), m("B", "A"), m("C", "A")],
    orders: [o("A", "personal-consumption", { PV: "100" }), o("B", "personal-consumption", { PV: "150" }), o("C", "personal-consumption", { PV: "50" })],
    expect: { A: { qualified: false }, B: { qualified: false } },
  },
];

describe("declarative business cases", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const run = calculate(parsePlan(c.plan), { period: PERIOD, members: c.members, orders: c.orders });
      for (const [id, e] of Object.entries(c.expect)) {
        const s = run.statement(id) as Statement;
        if (e.qualified !== undefined) expect(s.qualified, `${id} qualified`).toBe(e.qualified);
        if (e.paidAs !== undefined) expect(s.rank.paidAs, `${id} paid as`).toBe(e.paidAs);
        if (e.total !== undefined) expect(s.total, `${id} total`).toBe(e.total);
        if (e.personal !== undefined) expect(s.volumes.personal).toMatchObject(e.personal);
        if (e.excluded !== undefined) expect(s.volumes.personalConsumptionExcluded).toEqual(e.excluded);
        if (e.lines !== undefined) expect(s.lines.map((l) => [l.bonus, l.level, l.amount])).toEqual(e.lines);
      }
    });
  }
});
