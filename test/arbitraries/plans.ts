// fast-check arbitraries for plans: measures and order kinds, qualification, rank ladders with leg caps
// (built to respect the ladder rule), unilevel schedules, rank bonuses, retail profit, rounding policies.
import fc from "fast-check";

const KINDS = ["personal-consumption", "retail-sale", "customer-order"] as const;
const RATES = ["0", "0.01", "0.03", "0.05", "0.1", "0.125", "0.333333", "0.5", "1", "0.000001", "0.07"];
const VOLUMES = ["0", "1", "50", "100", "100", "150", "250.5", "300", "500", "1000"];

/** undefined `weightNone` times for every `weightSome` times a value of `arb`. */
function sometimes<T>(arb: fc.Arbitrary<T>, weightNone: number, weightSome = 1): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: weightNone, arbitrary: fc.constant(undefined) }, { weight: weightSome, arbitrary: arb });
}

const rate = fc.oneof(fc.constantFrom(...RATES), fc.integer({ min: 0, max: 1_000_000 }).map((u) => fmt(u, 6)));
const volume = fc.oneof(fc.constantFrom(...VOLUMES), fc.integer({ min: 0, max: 50_000_000 }).map((u) => fmt(u, 4)));

/** Units → plain decimal string with up to `scale` places. */
export function fmt(units: number, scale: number): string {
  const s = String(units).padStart(scale + 1, "0");
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale).replace(/0+$/, "");
  return frac === "" ? int : `${int}.${frac}`;
}

const bigger = (v: string, step: number) => fmt(Math.round(Number(v) * 10_000) + step, 4);

export interface PlanShape {
  plan: Record<string, unknown>;
  measures: string[];
}

export const planArb: fc.Arbitrary<PlanShape> = fc
  .record({
    measureCount: fc.integer({ min: 1, max: 3 }),
    counts: fc.array(fc.subarray([...KINDS], { minLength: 1 }), { minLength: 3, maxLength: 3 }),
    caps: fc.array(sometimes(volume, 3), { minLength: 3, maxLength: 3 }),
    qualification: fc.option(
      fc.record({ minimum: sometimes(volume, 1, 4), measure: fc.nat(2), sponsoredActive: sometimes(fc.integer({ min: 1, max: 2 }), 5) }),
      { nil: undefined },
    ),
    rankCount: fc.constantFrom(0, 1, 2, 3, 3, 4, 4),
    rankParts: fc.record({
      qualified: fc.boolean(),
      personal: fc.option(volume, { nil: undefined }),
      group: fc.option(fc.record({ minimum: fc.constantFrom("100", "300", "600", "1000", "2500", "150.25"), legCap: fc.option(fc.constantFrom("0.4", "0.5", "0.6", "1", "0.333333"), { nil: undefined }) }), { nil: undefined }),
      legsFrom: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      legsByVolume: fc.boolean(),
      steps: fc.array(fc.integer({ min: 0, max: 3_000_000 }), { minLength: 4, maxLength: 4 }),
      measure: fc.nat(2),
    }),
    unilevels: fc.array(
      fc.record({
        measure: fc.nat(2),
        compression: fc.constantFrom("none", "dynamic"),
        unqualifiedVolumePays: fc.boolean(),
        baseRow: fc.option(fc.array(rate, { minLength: 1, maxLength: 5 }), { nil: undefined }),
        rankRows: fc.array(fc.record({ rank: fc.nat(3), rates: fc.array(rate, { minLength: 1, maxLength: 6 }) }), { maxLength: 3 }),
      }),
      { minLength: 0, maxLength: 2 },
    ),
    rankBonus: fc.option(fc.record({ amounts: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 4, maxLength: 4 }), requiresQualified: fc.boolean() }), { nil: undefined }),
    retail: fc.option(fc.record({ measure: fc.nat(2), rate, requiresQualified: fc.boolean() }), { nil: undefined }),
    money: fc.record({ scale: fc.integer({ min: 0, max: 4 }), mode: fc.constantFrom("half-up", "half-even", "half-down", "down", "up"), applies: fc.constantFrom("line", "bonus") }),
    basis: fc.nat(2),
  })
  .map((g) => {
    const names = ["PV", "CV", "BV"].slice(0, g.measureCount);
    const pick = (i: number) => names[i % names.length] as string;
    const measures: Record<string, unknown> = {};
    names.forEach((n, i) => {
      measures[n] = { counts: g.counts[i], ...(g.caps[i] !== undefined ? { personalConsumptionCap: g.caps[i] } : {}) };
    });
    const plan: Record<string, unknown> = {
      compplan: 1,
      id: "generated",
      currency: "USD",
      money: { scale: g.money.scale, rounding: { mode: g.money.mode, applies: g.money.applies } },
      payoutBasis: pick(g.basis),
      measures,
    };
    if (g.qualification !== undefined) {
      plan.qualification = {
        ...(g.qualification.minimum !== undefined ? { personal: { measure: pick(g.qualification.measure), minimum: g.qualification.minimum } } : {}),
        ...(g.qualification.sponsoredActive !== undefined ? { sponsoredActive: g.qualification.sponsoredActive } : {}),
      };
    }
    // A ladder that respects the ladder rule: the same requirement kinds on every rank, minimums growing.
    const ranks: Record<string, unknown>[] = [];
    const p = g.rankParts;
    let personal = p.personal;
    let group: string | undefined = p.group?.minimum;
    for (let r = 0; r < g.rankCount; r++) {
      const requires: Record<string, unknown> = { qualified: p.qualified };
      if (personal !== undefined) requires.personal = { measure: pick(p.measure), minimum: personal };
      if (group !== undefined) requires.group = { measure: pick(p.measure), minimum: group, ...(p.group?.legCap !== undefined ? { legCap: p.group.legCap } : {}) };
      if (p.legsFrom !== undefined && r >= p.legsFrom) {
        requires.legs = p.legsByVolume
          ? [{ count: 1 + Math.floor((r - p.legsFrom) / 2), measure: pick(p.measure), minimum: fmt(1000 * 10_000 * (r - p.legsFrom + 1), 4) }]
          : [{ count: 1 + Math.floor((r - p.legsFrom) / 2), rank: `R${r - p.legsFrom}` }];
      }
      ranks.push({ name: `R${r}`, ...(r % 2 === 0 ? { reference: `§3.${r}` } : {}), requires });
      const step = p.steps[r] ?? 0;
      if (personal !== undefined) personal = bigger(personal, step % 1_000_000);
      if (group !== undefined) group = bigger(group, step);
    }
    plan.ranks = ranks;
    const bonuses: Record<string, unknown>[] = [];
    g.unilevels.forEach((u, i) => {
      const schedule: Record<string, unknown>[] = [];
      if (u.baseRow !== undefined) schedule.push({ rates: u.baseRow });
      const seen = new Set<number>();
      for (const row of u.rankRows) {
        if (g.rankCount === 0 || seen.has(row.rank % g.rankCount)) continue;
        seen.add(row.rank % g.rankCount);
        schedule.push({ rank: `R${row.rank % g.rankCount}`, rates: row.rates });
      }
      if (schedule.length === 0) schedule.push({ rates: ["0.05"] });
      bonuses.push({ key: `uni-${i}`, kind: "unilevel", reference: `§4.${i}`, measure: pick(u.measure), compression: u.compression, unqualifiedVolumePays: u.unqualifiedVolumePays, schedule });
    });
    if (g.rankBonus !== undefined && g.rankCount > 0) {
      const amounts: Record<string, string> = {};
      for (let r = 0; r < g.rankCount; r++) amounts[`R${r}`] = fmt(g.rankBonus.amounts[r] ?? 0, g.money.scale);
      bonuses.push({ key: "rank-bonus", kind: "rank-bonus", amounts, requiresQualified: g.rankBonus.requiresQualified });
    }
    if (g.retail !== undefined) bonuses.push({ key: "retail", kind: "retail-profit", measure: pick(g.retail.measure), rate: g.retail.rate, requiresQualified: g.retail.requiresQualified });
    plan.bonuses = bonuses;
    return { plan, measures: names };
  });
