// Properties every run must have, on random plans and inputs. Amount checks use decimal.js as an
// independent adder of the rendered strings.
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, calculate, canonicalJson, parsePlan } from "../src/index.js";
import { stringify as stringifyYaml } from "yaml";
import { PERIOD, inputArb, shuffle } from "./arbitraries/inputs.js";
import { planArb } from "./arbitraries/plans.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 300);
const D = Decimal.clone({ precision: 80 });
const sum = (xs: string[]) => xs.reduce((a, x) => a.plus(new D(x)), new D(0));
const arb = planArb.chain((p) => inputArb(p.measures, 40, p.placementWidth).map((input) => ({ p, input })));
const run = (plan: unknown, input: { period: string; members: MemberInput[]; orders: OrderInput[] }) => calculate(parsePlan(plan), input);
const render = (r: ReturnType<typeof run>) => `${Array.from(r.statements(), (s) => canonicalJson(s)).join("\n")}\n${canonicalJson(r.summary)}`;

describe("properties of every run", () => {
  it("conservation: potential = paid + compressed up + withheld + breakage, for each bonus with an account and in total", () => {
    fc.assert(
      fc.property(arb, ({ p, input }) => {
        const r = run(p.plan, input);
        let potential = new D(0);
        let accounted = new D(0);
        for (const b of r.summary.bonuses) {
          const a = b.accounting;
          if (a === undefined) continue;
          // statements.md "Summary": stairstep adds withheld, "and then potential = paid + compressedUp + withheld
          // + Σ breakage" (+ a pool's carried, statements.md).
          const parts = new D(a.paid).plus(a.compressedUp).plus(a.withheld ?? "0").plus(a.carried ?? "0").plus(sum(Object.values(a.breakage)));
          expect(parts.eq(a.potential), `bonus ${b.key}`).toBe(true);
          // The exact value of the lines is what was paid and compressed up; the amount differs only by rounding.
          expect(new D(a.paid).plus(a.compressedUp).eq(b.exact)).toBe(true);
          expect(new D(b.exact).plus(b.rounding).eq(b.amount)).toBe(true);
          potential = potential.plus(a.potential);
          accounted = accounted.plus(parts);
        }
        expect(accounted.eq(potential)).toBe(true);
      }),
      { numRuns },
    );
  });

  it("no line pays an unqualified member where the bonus requires qualification; no amount is negative but a deduction's", () => {
    fc.assert(
      fc.property(arb, ({ p, input }) => {
        const r = run(p.plan, input);
        const bonuses = (p.plan.bonuses as { key: string; kind: string; requiresQualified?: boolean; method?: string }[]) ?? [];
        // plan-language.md "stairstep": an unqualified member is never paid (roll-up: rate 0; breakage and
        // deduct: "what m would be paid is breakage").
        const needsQualified = new Set(bonuses.filter((b) => b.kind === "unilevel" || b.kind === "stairstep" || (b.requiresQualified !== false && b.kind === "rank-bonus")).map((b) => b.key));
        // Only stairstep's deduct makes negative lines ("The amount may be negative"), and a matching bonus
        // then matches negative earnings; and a payout-cap, whose lines are its cuts. A cap never takes more
        // than the pay it names, so totals stay at 0 or above.
        const signed = bonuses.some((b) => b.kind === "stairstep" && b.method === "deduct");
        for (const s of r.statements()) {
          for (const l of s.lines) {
            if (needsQualified.has(l.bonus)) expect(s.qualified, `${s.memberId} paid by ${l.bonus}`).toBe(true);
            expect(new D(l.value).isZero()).toBe(false);
            if (signed) continue;
            // plan-language.md "payout-cap": "Its line items are negative" (the cut), never zero.
            if (l.kind === "payout-cap") {
              expect(new D(l.value).lt(0)).toBe(true);
              continue;
            }
            expect(new D(l.amount).isNegative()).toBe(false);
            expect(new D(l.value).gt(0)).toBe(true);
          }
          if (!signed) expect(new D(s.total).isNegative()).toBe(false);
        }
      }),
      { numRuns },
    );
  });

  it("statement totals add up to the summary total, per bonus and overall", () => {
    fc.assert(
      fc.property(arb, ({ p, input }) => {
        const r = run(p.plan, input);
        const statements = Array.from(r.statements());
        expect(sum(statements.map((s) => s.total)).eq(r.summary.total)).toBe(true);
        for (const b of r.summary.bonuses) {
          expect(sum(statements.map((s) => s.bonuses[b.key] ?? "0")).eq(b.amount)).toBe(true);
          expect(statements.reduce((n, s) => n + s.lines.filter((l) => l.bonus === b.key).length, 0)).toBe(b.lines);
        }
        for (const s of statements) expect(sum(Object.values(s.bonuses)).eq(s.total)).toBe(true);
      }),
      { numRuns },
    );
  });

  it("deterministic and independent of row order: same bytes for the same input shuffled", () => {
    fc.assert(
      fc.property(arb, fc.integer(), ({ p, input }, seed) => {
        const a = render(run(p.plan, input));
        const b = render(run(p.plan, { period: input.period, members: shuffle(input.members, seed), orders: shuffle(input.orders, seed + 1) }));
        expect(b).toBe(a);
        expect(render(run(p.plan, input))).toBe(a);
      }),
      { numRuns: Math.ceil(numRuns / 2) },
    );
  });

  it("an identity change of plan (re-serialised, keys reordered, YAML instead of JSON) changes nothing", () => {
    fc.assert(
      fc.property(arb, ({ p, input }) => {
        const original = render(run(p.plan, input));
        // Keys reordered, as JSON text.
        expect(render(run(canonicalJson(p.plan), input))).toBe(original);
        // The same plan as YAML text, keys in reverse order.
        const reversed = JSON.parse(JSON.stringify(p.plan), function (this: unknown, _k, v) {
          return v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v;
        });
        expect(render(run(stringifyYaml(reversed), input))).toBe(original);
      }),
      { numRuns: Math.ceil(numRuns / 2) },
    );
  });
});

describe("linear work, proved by counting", () => {
  // Each pass counts its member visits and upline steps. The counts must stay within a fixed multiple of
  // members + orders, times the plan depth for level bonuses, on every shape, including the one that
  // makes naive dynamic compression (and naive generations) quadratic: a long chain of unqualified members
  // under a qualified root.
  const plan = parsePlan({
    compplan: 1,
    id: "work",
    currency: "USD",
    payoutBasis: "PV",
    measures: { PV: { counts: ["personal-consumption"] } },
    qualification: { personal: { measure: "PV", minimum: "100" } },
    // R0 is held by exactly the qualified members: matching by generation of R0 must jump the runs of
    // members between holders (in the chains, up to the whole chain) instead of walking them.
    ranks: [
      { name: "R0", requires: { personal: { measure: "PV", minimum: "100" } } },
      { name: "R1", requires: { personal: { measure: "PV", minimum: "100" }, group: { measure: "PV", minimum: "300", legCap: "0.5" }, legs: [{ count: 1, measure: "PV", minimum: "50" }] } },
    ],
    bonuses: [
      { key: "u", kind: "unilevel", measure: "PV", compression: "dynamic", unqualifiedVolumePays: true, schedule: [{ rates: ["0.1", "0.05", "0.03", "0.02", "0.01"] }] },
      { key: "m", kind: "matching", of: ["u"], generations: { rank: "R0" }, schedule: [{ rates: ["0.1", "0.05", "0.03", "0.02", "0.01"] }] },
      // Stairstep: a vector per member over its distinct rates, and at most `generations` breakaway
      // ancestors per breakaway member (in the chains every tenth qualified member or so breaks away).
      {
        key: "s",
        kind: "stairstep",
        volume: "PV",
        steps: [
          { minimum: "100", rate: "0.02" },
          { minimum: "300", rate: "0.04" },
          { minimum: "1000", rate: "0.06" },
        ],
        breakaway: { from: 3, generations: ["0.01", "0.01", "0.01", "0.01", "0.01"] },
      },
    ],
  });
  const DEPTH = 5;

  function chainInput(n: number, qualifiedEvery: number) {
    const members: MemberInput[] = [];
    const orders: OrderInput[] = [];
    for (let i = 0; i < n; i++) {
      members.push({ id: `m${i}`, sponsorId: i === 0 ? null : `m${i - 1}`, joinDate: "2025-01-01" });
      orders.push({ id: `o${i}`, memberId: `m${i}`, kind: "personal-consumption", date: "2026-10-01", volumes: { PV: i % qualifiedEvery === 0 ? "100" : "10" } });
    }
    return { period: PERIOD, members, orders };
  }

  function starInput(n: number) {
    const members: MemberInput[] = [{ id: "root", sponsorId: null, joinDate: "2025-01-01" }];
    const orders: OrderInput[] = [];
    for (let i = 1; i < n; i++) {
      members.push({ id: `m${i}`, sponsorId: "root", joinDate: "2025-01-01" });
      orders.push({ id: `o${i}`, memberId: `m${i}`, kind: "personal-consumption", date: "2026-10-01", volumes: { PV: "100" } });
    }
    return { period: PERIOD, members, orders };
  }

  const perUnit = (work: Readonly<Record<string, number>>, units: number) =>
    Object.fromEntries(Object.entries(work).map(([pass, w]) => [pass, w / units]));

  for (const [name, make] of [
    ["chain, every member qualified", (n: number) => chainInput(n, 1)],
    ["chain, only the root qualified (adversarial for compression)", (n: number) => chainInput(n, n)],
    ["chain, one in 50 qualified", (n: number) => chainInput(n, 50)],
    ["star", (n: number) => starInput(n)],
  ] as const) {
    it(`${name}: work per member is bounded and does not grow with size`, () => {
      const small = calculate(plan, make(2_000));
      const large = calculate(plan, make(40_000));
      const units = (r: typeof small) => r.summary.members + r.summary.orders;
      const a = perUnit(small.work, units(small));
      const b = perUnit(large.work, units(large));
      for (const [pass, w] of Object.entries(b)) {
        // Every pass: at most (2 + 2 × depth) units of work per member-or-order (ranks: per rank per child).
        expect(w, pass).toBeLessThanOrEqual(2 + 2 * DEPTH);
        // And about the same per-unit work at 20× the size: quadratic work would grow 20×, n·log n about
        // 1.4×. The 10% allows boundary effects (members near the root have fewer levels above them).
        expect(w, pass).toBeLessThanOrEqual((a[pass] ?? 0) * 1.1 + 0.01);
      }
    });
  }
});
