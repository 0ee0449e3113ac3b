// fast-check arbitraries for plans: the core every plan has (measures and order kinds, qualification, rank
// ladders with leg caps built to respect the ladder rule, rounding policies, payout basis) and, from the list
// in families/index.ts, the bonuses of every family (each family's arbitrary in families/<kind>.ts).
import fc from "fast-check";
import { FAMILY_ARBITRARIES } from "./families/index.js";
import { fmt, sometimes, volume } from "./values.js";

export { fmt } from "./values.js";

const KINDS = ["personal-consumption", "retail-sale", "customer-order"] as const;

const bigger = (v: string, step: number) => fmt(Math.round(Number(v) * 10_000) + step, 4);

export interface PlanShape {
  plan: Record<string, unknown>;
  measures: string[];
  /** The plan's placement width, when it declares a placement tree (inputs must then have one). */
  placementWidth?: number;
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
    // Each family's genes, in list order (drawn between the ladder and the money policy, as they always were).
    families: fc.tuple(...FAMILY_ARBITRARIES.map((f) => f.genes)),
    money: fc.record({ scale: fc.integer({ min: 0, max: 4 }), mode: fc.constantFrom("half-up", "half-even", "half-down", "down", "up"), applies: fc.constantFrom("line", "bonus") }),
    basis: fc.nat(2),
    // Half the plans list their bonuses in a shuffled order:
    // statements and the summary follow plan order while a bonus runs after those it reads.
    shuffle: fc.option(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), { nil: undefined }),
    // How members' given ranks are used (inputs give them with givenRanksArb): the default, or either option.
    givenRank: fc.constantFrom(undefined, "floor", "paid-as"),
    // A third of the plans declare a placement tree, binary most often (docs/plan-language.md "The two trees").
    placement: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(2, 2, 3, 4) }),
    // Sometimes ranks from R<from> up require earnings of a retail-profit bonus (which does not read rank):
    // a minimum in hundredths of the currency, growing by `step` per rank.
    rankColumn: sometimes(fc.record({ from: fc.nat(3), amount: fc.integer({ min: 0, max: 20_000 }), step: fc.integer({ min: 0, max: 5_000 }) }), 1),
    // Half the plans keep state (docs/state.md): a `state` section, and/or paid-as rank over periods.
    state: fc.constantFrom<Record<string, unknown> | undefined>(undefined, undefined, undefined, {}, { unknownMembers: "carry" }, { unknownMembers: "error" }),
    paidAs: sometimes(fc.record({ grace: fc.integer({ min: 0, max: 3 }), hold: fc.constantFrom(undefined, "none", "highest") }), 1),
    // A quarter of the plans have an accumulated measure AV (docs/state.md "Accumulated measures"), since
    // joining or over a window, which qualification, ranks and bonuses then sometimes use.
    accumulated: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ base: fc.nat(3), periods: fc.constantFrom(undefined, 2, 3, 12) }) }),
    // A third of the plans have a measure UV reading another measure's order volumes (docs/plan-language.md
    // "Leaving out the orders a bonus pays on: leavesOut, and volumeOf") with its own counts and cap, which
    // takes the place of one of PV, CV, BV (slot) wherever the plan's parts pick a measure. When the plan has
    // fast-start bonuses, UV, or the order measure `on`, leaves out the orders of some of them (`leaves`,
    // left out when empty).
    uv: sometimes(
      fc.record({
        of: fc.nat(2),
        counts: fc.subarray([...KINDS], { minLength: 1 }),
        cap: sometimes(volume, 3),
        slot: fc.nat(2),
        leaves: fc.array(fc.nat(), { maxLength: 2 }),
        on: fc.constantFrom<number | undefined>(undefined, undefined, undefined, 0, 1),
      }),
      2,
    ),
    // Sometimes ranks from R<from> up require a column a stairstep bonus with steps by volume publishes
    // (docs/plan-language.md "`stairstep`", published columns): its step, bracket or paid group volume, or
    // whether the member breaks away; the minimum growing by `step` per rank.
    stairColumn: sometimes(fc.record({ from: fc.nat(3), column: fc.constantFrom("step", "step", "bracket", "group", "breakaway"), minimum: fc.nat(3), step: fc.nat(1), volume: fc.constantFrom(0, 50, 100, 300, 1000, 150.25) }), 2),
  })
  .map((g) => {
    const names = ["PV", "CV", "BV"].slice(0, g.measureCount);
    const measures: Record<string, unknown> = {};
    names.forEach((n, i) => {
      measures[n] = { counts: g.counts[i], ...(g.caps[i] !== undefined ? { personalConsumptionCap: g.caps[i] } : {}) };
    });
    // Orders carry the order measures (names); the plan's parts use UV in place of the measure in its slot,
    // and the accumulated one in place of the third (unless UV has that slot). AV accumulates UV at times.
    const uv = g.uv;
    if (uv !== undefined) {
      measures.UV = { volumeOf: names[uv.of % names.length], counts: uv.counts, ...(uv.cap !== undefined ? { personalConsumptionCap: uv.cap } : {}) };
    }
    if (g.accumulated !== undefined) {
      const base = uv !== undefined && g.accumulated.base === 3 ? "UV" : names[g.accumulated.base % names.length];
      measures.AV = { accumulates: base, ...(g.accumulated.periods !== undefined ? { periods: g.accumulated.periods } : {}) };
    }
    const pick = (i: number) =>
      uv !== undefined && i % 3 === uv.slot ? "UV" : g.accumulated !== undefined && i % 3 === 2 ? "AV" : (names[i % names.length] as string);
    const plan: Record<string, unknown> = {
      compplan: 1,
      id: "generated",
      currency: "USD",
      money: { scale: g.money.scale, rounding: { mode: g.money.mode, applies: g.money.applies } },
      payoutBasis: names[g.basis % names.length] as string,
      measures,
    };
    if (g.placement !== undefined) plan.placement = { width: g.placement };
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
    if (g.givenRank !== undefined) plan.givenRank = g.givenRank;
    if (g.state !== undefined) plan.state = g.state;
    if (g.paidAs !== undefined) plan.paidAs = { grace: g.paidAs.grace, ...(g.paidAs.hold !== undefined ? { hold: g.paidAs.hold } : {}) };
    // Bonuses in family list order, each family's entries in its own order; each family sees the entries of
    // the families before it.
    const bonuses: Record<string, unknown>[] = [];
    FAMILY_ARBITRARIES.forEach((f, i) => {
      const built = bonuses.map((b) => ({ key: b.key as string, kind: b.kind as string }));
      bonuses.push(...f.build(g.families[i], { measures: uv !== undefined ? [...names, "UV"] : names, measure: pick, ranks: ranks.map((r) => r.name as string), scale: g.money.scale, bonuses: built, placement: g.placement !== undefined }));
    });
    // Fisher–Yates with the drawn numbers.
    if (g.shuffle !== undefined) {
      for (let i = bonuses.length - 1; i > 0; i--) {
        const j = (g.shuffle[i] ?? 0) % (i + 1);
        [bonuses[i], bonuses[j]] = [bonuses[j] as Record<string, unknown>, bonuses[i] as Record<string, unknown>];
      }
    }
    plan.bonuses = bonuses;
    // "leavesOut: [K, …] names bonus keys, each a bonus whose family pays on the orders placed inside a window
    // after joining": some of the fast-start bonuses, each once, on UV or on an order measure.
    const windows = bonuses.filter((b) => b.kind === "fast-start").map((b) => b.key as string);
    if (uv !== undefined && windows.length > 0 && uv.leaves.length > 0) {
      const leavesOut = [...new Set(uv.leaves.map((n) => windows[n % windows.length] as string))];
      const on = uv.on === undefined ? "UV" : (names[uv.on % names.length] as string);
      measures[on] = { ...(measures[on] as Record<string, unknown>), leavesOut };
    }
    // A rank requirement on a bonus's earnings: the ranks then run after that bonus (listed anywhere).
    const retail = bonuses.find((b) => b.kind === "retail-profit");
    const rc = g.rankColumn;
    if (rc !== undefined && retail !== undefined) {
      ranks.forEach((rank, r) => {
        if (r < rc.from) return;
        const hundredths = rc.amount + rc.step * (r - rc.from);
        const minimum = fmt(Math.floor((hundredths * 10 ** g.money.scale) / 100), g.money.scale);
        (rank.requires as Record<string, unknown>).columns = [{ column: `earnings.${retail.key as string}`, minimum }];
      });
    }
    const stair = bonuses.find((b) => b.kind === "stairstep" && (b.steps as { minimum?: string }[])[0]?.minimum !== undefined);
    const sc = g.stairColumn;
    if (sc !== undefined && stair !== undefined) {
      ranks.forEach((rank, r) => {
        if (r < sc.from) return;
        const grown = sc.minimum + sc.step * (r - sc.from);
        const minimum = sc.column === "step" ? String(grown) : sc.column === "breakaway" ? String(Math.min(1, grown)) : fmt(Math.round(sc.volume * 10_000) * (1 + grown), 4);
        const requires = rank.requires as { columns?: unknown[] };
        requires.columns = [...(requires.columns ?? []), { column: `${stair.key as string}.${sc.column}`, minimum }];
      });
    }
    return { plan, measures: names, ...(g.placement !== undefined ? { placementWidth: g.placement } : {}) };
  });
