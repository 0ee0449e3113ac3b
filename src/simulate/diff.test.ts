// The comparison of two runs: a hand-computed example, the empty-change property, invariants on random
// pairs of plans checked against two separate runs (decimal.js as the independent adder), and a golden
// diff of a published plan change (UPDATE_GOLDEN=1 rewrites the golden file; review it line by line).
import { readFileSync } from "node:fs";
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PERIOD, inputArb, narrowest } from "../../test/arbitraries/inputs.js";
import { expectGolden } from "../../test/support/golden.js";
import { planArb } from "../../test/arbitraries/plans.js";
import { BASE_PLAN, baseMembers, baseOrders } from "../../test/fixtures/base.js";
import { conformanceCase } from "../../test/conformance/cases.js";
import { membersOf, ordersOf } from "../../test/conformance/helpers.js";
import type { MemberInput, OrderInput } from "../input/validate.js";
import { type Plan, orderMeasures, parsePlan } from "../plan/parse.js";
import { calculate, safePrepareInput } from "../run/calculate.js";
import { canonicalJson } from "../statement/canonical.js";
import { fingerprintInput, fingerprintPlan } from "../audit/fingerprint.js";
import { ENGINE_VERSION } from "../audit/version.js";
import { type RunDiff, mergeLadders } from "./diff.js";
import { safeSimulate, simulate } from "./simulate.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 150);
const D = Decimal.clone({ precision: 80 });
const input = { period: PERIOD, members: baseMembers(), orders: baseOrders() };
const plan = parsePlan(BASE_PLAN);

describe("a hand-computed comparison (test/fixtures/base.ts: the chain A ← B ← C)", () => {
  // Before (by hand, docs/plan-language.md): all three qualified (PV 100, 150, 200); group PV A 450, B 350,
  // C 200, so A and B are Bronze (group ≥ 300) and C has no rank. Unilevel on CV (80, 120, 160), levels
  // 5% / 4% / 3% for Bronze: B earns 5% × 160 = 8.00; A earns 4% × 160 + 5% × 120 = 6.40 + 6.00 = 12.40.
  // After: Bronze needs group PV 400 (B drops to no rank, A stays) and Bronze level 1 pays 10%:
  // B, on the base row now, earns 5% × 160 = 8.00; A earns 4% × 160 + 10% × 120 = 6.40 + 12.00 = 18.40.
  const { diff, plan: changed } = simulate(
    plan,
    {
      description: "Bronze needs 400 PV and earns 10% on level 1",
      changes: [
        { set: "ranks[name=Bronze].requires.group.minimum", value: "400" },
        { set: "bonuses[key=unilevel].schedule[rank=Bronze].rates[0]", value: "0.10" },
      ],
    },
    input,
  );

  it("totals, payout share, per bonus", () => {
    expect(diff.description).toBe("Bronze needs 400 PV and earns 10% on level 1");
    expect(diff.total).toEqual({ before: "20.40", after: "26.40", change: "6.00" });
    // 20.40 / 360 CV = 0.05666…; 26.40 / 360 = 0.07333…
    expect(diff.payoutShare).toEqual({ before: "0.056667", after: "0.073333", change: "0.016666" });
    expect(diff.bonuses).toEqual([
      { key: "unilevel", kind: "unilevel", status: "both", before: "20.40", after: "26.40", change: "6.00" },
      { key: "rank-bonus", kind: "rank-bonus", status: "both", before: "0.00", after: "0.00", change: "0.00" },
    ]);
    expect(diff.qualified).toEqual({ before: 3, after: 3, change: 0 });
    expect(diff.members).toBe(3);
  });

  it("what was changed, the engine, and the fingerprints of the inputs and both plans", () => {
    expect(diff.applied).toEqual({
      source: "change-set",
      count: 2,
      list: [
        { op: "set", path: "ranks[name=Bronze].requires.group.minimum", before: "300", after: "400" },
        { op: "set", path: "bonuses[key=unilevel].schedule[rank=Bronze].rates[0]", before: "0.05", after: "0.10" },
      ],
    });
    expect(diff.engine).toEqual({ name: "compplan", version: ENGINE_VERSION });
    // The same fingerprints as the audit functions give from the records (another code path than the
    // prepared input's columns the diff uses).
    const fp = fingerprintInput(plan, input);
    expect(diff.inputs).toEqual({ members: { count: 3, fingerprint: fp.members }, orders: { count: 3, fingerprint: fp.orders } });
    expect(diff.before.plan).toEqual({ id: "base", fingerprint: fingerprintPlan(plan) });
    expect(diff.after.plan.fingerprint).toBe(fingerprintPlan(changed));
    expect(diff.after.plan.fingerprint).not.toBe(diff.before.plan.fingerprint);
  });

  it("per rank: members and their pay", () => {
    expect(diff.ranks).toEqual([
      { rank: "Bronze", members: { before: 2, after: 1, change: -1 }, pay: { before: "20.40", after: "18.40", change: "-2.00" } },
      { rank: "Silver", members: { before: 0, after: 0, change: 0 }, pay: { before: "0.00", after: "0.00", change: "0.00" } },
      { rank: null, members: { before: 1, after: 2, change: 1 }, pay: { before: "0.00", after: "8.00", change: "8.00" } },
    ]);
  });

  it("breakage and compression", () => {
    // Potential: 360 CV × (5% + 4% + 3%) = 43.20 before; × (10% + 4% + 3%) = 61.20 after.
    // No upline above A (or B's 2nd and 3rd level, C's 3rd): 80 × 12% + 120 × 7% + 160 × 3% = 22.80 before;
    // 80 × 17% + 120 × 7% + 160 × 3% = 26.80 after. B pays 5% of C's level-1 slot worth 10%: 8.00 below maximum.
    expect(diff.accounting.potential).toEqual({ before: "43.20", after: "61.20", change: "18.00" });
    expect(diff.accounting.paid).toEqual({ before: "20.40", after: "26.40", change: "6.00" });
    expect(diff.accounting.compressedUp).toEqual({ before: "0.00", after: "0.00", change: "0.00" });
    expect(diff.accounting.breakage).toEqual({ before: "22.80", after: "34.80", change: "12.00" });
    expect(diff.accounting.breakageByReason["no-upline"]).toEqual({ before: "22.80", after: "26.80", change: "4.00" });
    expect(diff.accounting.breakageByReason["rate-below-maximum"]).toEqual({ before: "0.00", after: "8.00", change: "8.00" });
  });

  it("the members who changed, gainers and losers", () => {
    expect(diff.movers).toEqual({ changed: 2, gainers: 1, losers: 0, payUnchanged: 2, rankChanged: 1, rankUp: 0, rankDown: 1, gained: "6.00", lost: "0.00" });
    expect(diff.changes).toEqual([
      { memberId: "A", before: "12.40", after: "18.40", change: "6.00", rankBefore: "Bronze", rankAfter: "Bronze" },
      { memberId: "B", before: "8.00", after: "8.00", change: "0.00", rankBefore: "Bronze", rankAfter: null },
    ]);
    expect(diff.largestGains.map((m) => m.memberId)).toEqual(["A"]);
    expect(diff.largestLosses).toEqual([]);
  });

  it("the distribution of pay (nearest rank)", () => {
    // All members: before 0, 8.00, 12.40; after 0, 8.00, 18.40. Position ceil(p × 3 / 100).
    const all = (p: number, before: string, after: string, change: string) => ({ percentile: p, before, after, change });
    expect(diff.distribution.members).toEqual([
      all(10, "0.00", "0.00", "0.00"),
      all(25, "0.00", "0.00", "0.00"),
      all(50, "8.00", "8.00", "0.00"),
      all(75, "12.40", "18.40", "6.00"),
      all(90, "12.40", "18.40", "6.00"),
      all(95, "12.40", "18.40", "6.00"),
      all(99, "12.40", "18.40", "6.00"),
      all(100, "12.40", "18.40", "6.00"),
    ]);
    // Members paid anything: 8.00, 12.40 before; 8.00, 18.40 after. Position ceil(p × 2 / 100).
    expect(diff.distribution.payees.map((p) => [p.percentile, p.before, p.after])).toEqual([
      [10, "8.00", "8.00"],
      [25, "8.00", "8.00"],
      [50, "8.00", "8.00"],
      [75, "12.40", "18.40"],
      [90, "12.40", "18.40"],
      [95, "12.40", "18.40"],
      [99, "12.40", "18.40"],
      [100, "12.40", "18.40"],
    ]);
    expect(diff.distribution.payeeCount).toEqual({ before: 2, after: 2, change: 0 });
    expect(diff.distribution.method).toBe("nearest-rank");
  });

  it("a second plan with another money scale and a bonus only it has", () => {
    const other = parsePlan(
      BASE_PLAN.replace("currency: USD\n", "currency: USD\nmoney: { scale: 3 }\n").replace("  - key: rank-bonus\n    kind: rank-bonus\n    amounts: { Silver: \"50.00\" }\n", "  - key: retail\n    kind: retail-profit\n    measure: CV\n    rate: \"0.0125\"\n"),
    );
    const { diff: d } = simulate(plan, other, input);
    expect(d.scale).toBe(3);
    // Two whole plans: the diff lists where they differ.
    expect(d.applied?.source).toBe("plan");
    expect(d.applied?.list.map((c) => `${c.op} ${c.path}`)).toEqual(["removed bonuses[key=rank-bonus]", "added bonuses[key=retail]", "changed money.scale"]);
    // Retail profit 1.25% of each member's CV: A 1.000, B 1.500, C 2.000.
    expect(d.bonuses).toEqual([
      { key: "unilevel", kind: "unilevel", status: "both", before: "20.400", after: "20.400", change: "0.000" },
      { key: "rank-bonus", kind: "rank-bonus", status: "removed", before: "0.000", after: "0.000", change: "0.000" },
      { key: "retail", kind: "retail-profit", status: "added", before: "0.000", after: "4.500", change: "4.500" },
    ]);
    expect(d.total).toEqual({ before: "20.400", after: "24.900", change: "4.500" });
    expect(d.changes.map((m) => [m.memberId, m.change])).toEqual([["C", "2.000"], ["B", "1.500"], ["A", "1.000"]]);
  });
});

describe("safeSimulate", () => {
  it("reads anything that is not a plan as a change set, and reports what is wrong with it", () => {
    const r = safeSimulate(plan, {} as never, input);
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path])).toEqual([["CHANGE_INVALID", ["changes"]]]);
  });

  it("compares the same over an input prepared once, and names measures it was not prepared for", () => {
    const change = { changes: [{ set: "bonuses[key=unilevel].schedule[rank=Bronze].rates[0]", value: "0.10" }] };
    const prepared = safePrepareInput(input, new Set(orderMeasures(plan)));
    if (!prepared.ok) throw new Error("prepare");
    const once = simulate(plan, change, prepared.value).diff;
    expect(canonicalJson(once)).toBe(canonicalJson(simulate(plan, change, input).diff));
    // A second comparison on the same prepared input reuses its fingerprints (the very same object).
    const again = simulate(plan, { changes: [] }, prepared.value).diff;
    expect(again.inputs).toBe(once.inputs);
    const [first, ...rest] = Object.keys(plan.measures);
    const withoutFirst = input.orders.map((o) => ({ ...o, volumes: Object.fromEntries(Object.entries(o.volumes).filter(([k]) => k !== first)) }));
    const partial = safePrepareInput({ ...input, orders: withoutFirst }, new Set(rest));
    if (!partial.ok) throw new Error("prepare");
    const r = safeSimulate(plan, change, partial.value);
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path, i.value])).toEqual([["INPUT_INVALID_FIELD", ["measures"], [first]]]);
  });

  it("reports invalid input as safeCalculate does, after the change set is checked", () => {
    const r = safeSimulate(plan, { changes: [] }, { ...input, period: "2026-13" });
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(["PERIOD_INVALID"]);
  });
});

describe("mergeLadders", () => {
  it("keeps the changed ladder and puts removed ranks after their lower neighbour", () => {
    expect(mergeLadders(["A", "B", "C"], ["A", "C"])).toEqual(["A", "B", "C"]);
    expect(mergeLadders(["A", "B"], ["X", "A", "B", "Y"])).toEqual(["X", "A", "B", "Y"]);
    expect(mergeLadders(["A", "B"], [])).toEqual(["A", "B"]);
    expect(mergeLadders([], ["A"])).toEqual(["A"]);
  });
});

/** True when every `change` in the diff is zero and nobody is listed as changed. */
function expectZeroDiff(d: RunDiff): void {
  const zero = (v: unknown) => v === null || v === 0 || (typeof v === "string" && new D(v).isZero());
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) node.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (typeof node === "object" && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        if (k === "change") expect(zero(v), `${path}.change = ${String(v)}`).toBe(true);
        walk(v, `${path}.${k}`);
      }
    }
  };
  walk(d, "diff");
  expect(d.movers).toMatchObject({ changed: 0, gainers: 0, losers: 0, payUnchanged: d.members, rankChanged: 0, rankUp: 0, rankDown: 0 });
  expect(new D(d.movers.gained).isZero() && new D(d.movers.lost).isZero()).toBe(true);
  expect([d.changes, d.largestGains, d.largestLosses]).toEqual([[], [], []]);
  expect(d.before).toEqual(d.after);
}

/** Orders restricted to a plan's measures, so the plan can also be run on its own. */
function ordersFor(orders: readonly OrderInput[], measures: readonly string[]): OrderInput[] {
  return orders.map((o) => ({ ...o, volumes: Object.fromEntries(Object.entries(o.volumes).filter(([m]) => measures.includes(m))) }));
}

describe("properties", () => {
  it("an empty change set gives an all-zero diff (random plans and genealogies)", () => {
    const arb = planArb.chain((p) => inputArb(p.measures, 40, p.placementWidth).map((i) => ({ p, i })));
    fc.assert(
      fc.property(arb, ({ p, i }) => {
        const base = parsePlan(p.plan);
        expectZeroDiff(simulate(base, { changes: [] }, i).diff);
        // The same plan given as a second plan is an identity change too.
        expectZeroDiff(simulate(base, base, i).diff);
      }),
      { numRuns },
    );
  });

  it("two random plans: the comparison equals two separate runs, and its parts add up", () => {
    const arb = fc
      .tuple(planArb, planArb)
      .chain(([p, q]) => inputArb([...new Set([...p.measures, ...q.measures])], 40, narrowest(p.placementWidth, q.placementWidth)).map((i) => ({ p, q, i })));
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 6 }), ({ p, q, i }, limit) => {
        const a = parsePlan(p.plan);
        const b = parsePlan(q.plan);
        const { diff } = simulate(a, b, i, { limit });
        const full = simulate(a, b, i, { limit: Number.POSITIVE_INFINITY }).diff;
        const runA = calculate(a, { ...i, orders: ordersFor(i.orders, p.measures) });
        const runB = calculate(b, { ...i, orders: ordersFor(i.orders, q.measures) });
        const n = i.members.length;
        const eq = (x: string, y: string | Decimal) => expect(new D(x).eq(y), `${x} = ${String(y)}`).toBe(true);
        eq(diff.total.before, runA.summary.total);
        eq(diff.total.after, runB.summary.total);
        eq(diff.total.change, new D(runB.summary.total).minus(runA.summary.total));
        expect(diff.payoutShare.before).toBe(runA.summary.payoutShare);
        expect(diff.payoutShare.after).toBe(runB.summary.payoutShare);
        // Every member's pay and rank, from the statements of the separate runs.
        const pay = new Map<string, [string, string, string | null, string | null]>();
        for (const m of i.members as MemberInput[]) {
          const sa = runA.statement(m.id);
          const sb = runB.statement(m.id);
          pay.set(m.id, [sa?.total ?? "", sb?.total ?? "", sa?.rank.paidAs ?? null, sb?.rank.paidAs ?? null]);
        }
        const moved = [...pay].filter(([, [x, y, r, s]]) => !new D(x).eq(y) || r !== s);
        const delta = (id: string) => {
          const [x, y] = pay.get(id) as [string, string, string | null, string | null];
          return new D(y).minus(x);
        };
        expect(diff.movers.changed).toBe(moved.length);
        expect(diff.movers.gainers).toBe(moved.filter(([id]) => delta(id).gt(0)).length);
        expect(diff.movers.losers).toBe(moved.filter(([id]) => delta(id).lt(0)).length);
        expect(diff.movers.gainers + diff.movers.losers + diff.movers.payUnchanged).toBe(n);
        eq(new D(diff.movers.gained).plus(diff.movers.lost).toString(), new D(diff.total.change));
        // The full list is every changed member, largest change first, then by id; the limited list is its prefix.
        expect(full.changes.map((c) => c.memberId).sort()).toEqual(moved.map(([id]) => id).sort());
        for (const c of full.changes) {
          const [x, y, r, s] = pay.get(c.memberId) as [string, string, string | null, string | null];
          eq(c.before, x);
          eq(c.after, y);
          eq(c.change, new D(y).minus(x));
          expect([c.rankBefore, c.rankAfter]).toEqual([r, s]);
        }
        for (let k = 1; k < full.changes.length; k++) {
          const x = full.changes[k - 1] as RunDiff["changes"][number];
          const y = full.changes[k] as RunDiff["changes"][number];
          const cmp = new D(x.change).abs().comparedTo(new D(y.change).abs());
          expect(cmp > 0 || (cmp === 0 && x.memberId < y.memberId)).toBe(true);
        }
        expect(diff.changes).toEqual(full.changes.slice(0, limit));
        expect(diff.largestGains).toEqual(full.largestGains.slice(0, limit));
        expect(diff.largestLosses).toEqual(full.largestLosses.slice(0, limit));
        expect(full.largestGains.length).toBe(diff.movers.gainers);
        // Per rank: every member counted once, and the pay per rank adds up to the total.
        for (const side of ["before", "after"] as const) {
          expect(diff.ranks.reduce((s, r) => s + r.members[side], 0)).toBe(n);
          eq(diff.ranks.reduce((s, r) => s.plus(r.pay[side]), new D(0)).toString(), new D(diff.total[side]));
          eq(diff.bonuses.reduce((s, r) => s.plus(r[side]), new D(0)).toString(), new D(diff.total[side]));
        }
        // Percentiles by nearest rank, recomputed from the statements.
        const sorted = (k: 0 | 1) => [...pay.values()].map((v) => new D(v[k])).sort((x, y) => x.comparedTo(y));
        const nearest = (xs: Decimal[], pc: number) => (xs.length === 0 ? null : (xs[Math.max(1, Math.ceil((pc * xs.length) / 100)) - 1] as Decimal));
        for (const [k, side] of [[0, "before"], [1, "after"]] as const) {
          const xs = sorted(k);
          const paid = xs.filter((x) => x.gt(0));
          expect(diff.distribution.payeeCount[side]).toBe(paid.length);
          diff.distribution.members.forEach((pc) => eq(pc[side] as string, nearest(xs, pc.percentile) as Decimal));
          diff.distribution.payees.forEach((pc) => {
            const v = nearest(paid, pc.percentile);
            if (v === null) expect(pc[side]).toBeNull();
            else eq(pc[side] as string, v);
          });
        }
      }),
      { numRuns: Math.ceil(numRuns / 2) },
    );
  });
});

describe("golden diff: the published plan without compression, changed to dynamic compression", () => {
  const golden = new URL("../../test/golden/globalmlm-compression.diff.json", import.meta.url);
  const c = conformanceCase("globalmlm-unilevel-compression-line");
  const tree = c.tree as { id: string; sponsor: string | null; personalVolume: number }[];
  const base = parsePlan(readFileSync(new URL("../../plans/globalmlm-unilevel-compression/plan-without-compression.yaml", import.meta.url), "utf8"));
  const change = { description: "Dynamic compression instead of none", changes: [{ set: "bonuses[key=unilevel].compression", value: "dynamic" }] };
  const lineInput = { period: PERIOD, members: membersOf(tree), orders: ordersOf(tree, (n: { personalVolume: number }) => ({ PV: n.personalVolume })) };
  const { diff, plan: changed } = simulate(base, change, lineInput);

  it("matches the golden file", () => {
    const text = `${canonicalJson(diff, 2)}\n`;
    expectGolden(golden, text);
  });

  it("reproduces the published figures: TOP earns 10.80 without compression and 23.30 with it", () => {
    const top = diff.changes.find((m) => m.memberId === "TOP");
    expect(top).toMatchObject({ before: "10.80", after: "23.30", change: "12.50" });
    // The change set gives the published compression plan, apart from its id and name.
    const published = parsePlan(readFileSync(new URL("../../plans/globalmlm-unilevel-compression/plan.yaml", import.meta.url), "utf8")) as Plan;
    expect(canonicalJson({ ...changed, id: published.id, name: published.name })).toBe(canonicalJson(published));
  });
});
