/**
 * The reference engine's accumulated measures (docs/state.md "Accumulated measures"), from an opening state
 * text: the numbers worked by hand, and the same chain of periods in the fast engine, whose statements,
 * summaries and state files must be the reference's byte for byte.
 */
import { describe, expect, it } from "vitest";
import { calculate, canonicalJson, parsePlan, parseState, stateNdjson } from "../../src/index.js";
import type { MemberInput, OrderInput } from "../../src/input/validate.js";
import { referenceCalculate } from "./engine.js";

const plan = parsePlan(`
compplan: 1
id: accumulated-reference
currency: USD
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption, retail-sale] }
  APV: { accumulates: PV }
  PV3: { accumulates: PV, periods: 3 }
qualification: { personal: { measure: PV3, minimum: "50" } }
ranks:
  - name: Bronze
    requires: { personal: { measure: APV, minimum: "250" } }
bonuses:
  - { key: uni, kind: unilevel, measure: APV, compression: dynamic, unqualifiedVolumePays: false, schedule: [{ rates: ["0.1", "0.05"] }] }
`);
const members: MemberInput[] = [
  { id: "A", sponsorId: null, joinDate: "2024-01-01" },
  { id: "B", sponsorId: "A", joinDate: "2024-01-01" },
  { id: "C", sponsorId: "B", joinDate: "2024-01-01" },
];
const orders = (period: string, pv: Record<string, string>): OrderInput[] =>
  Object.entries(pv).map(([id, v]) => ({ id: `o${id}`, memberId: id, kind: "personal-consumption", date: `${period}-10`, volumes: { PV: v } }));
const periods: [string, Record<string, string>][] = [
  ["2026-09", { A: "100", B: "200", C: "30" }],
  ["2026-10", { A: "100", C: "20" }],
  ["2026-11", { A: "60", B: "10" }],
  ["2026-12", { C: "5" }],
];

describe("reference engine: accumulated measures over a chain of periods", () => {
  it("carried volume from the opening state text, and the closing values of the fields", () => {
    let state: string | undefined;
    const ref: ReturnType<typeof referenceCalculate>[] = [];
    for (const [period, pv] of periods) {
      const input = { period, members, orders: orders(period, pv) };
      const fast = calculate(plan, input, state === undefined ? {} : { state: parseState(state) });
      const r = referenceCalculate(plan, input, state === undefined ? {} : { state });
      ref.push(r);
      expect(Array.from(fast.statements(), (s) => canonicalJson(s))).toEqual(r.statements.map((s) => canonicalJson(s)));
      expect(canonicalJson(fast.summary)).toBe(canonicalJson(r.summary));
      state = stateNdjson(fast) as string;
      // The fast engine's state file is the reference's, byte for byte.
      expect(state).toBe(r.state);
    }
    // By hand: B's APV 200, 200, 210, 210; PV3 200, 200, 210 (200 + 0 + 10), then 10 (September's 200 out).
    const b = (k: number) => ref[k]?.statements.find((s) => s.memberId === "B")?.volumes.personal;
    expect([0, 1, 2, 3].map((k) => [b(k)?.APV, b(k)?.PV3])).toEqual([["200", "200"], ["200", "200"], ["210", "210"], ["210", "10"]]);
    // A reaches Bronze in 2026-11 (APV 100 + 100 + 60 = 260) and keeps it in 2026-12 (APV 260; PV3 60 + 100 + 0 = 160: qualified).
    expect(ref.map((r) => r.statements.find((s) => s.memberId === "A")?.rank.paidAs ?? null)).toEqual([null, null, "Bronze", "Bronze"]);
    expect(ref[3]?.state?.split("\n")[1]).toBe('{"APV":"260","PV3.2":"60","id":"A","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":2}');
  });
});
