// fast-check arbitrary for chains of consecutive periods (docs/state.md "Running with state"): 2–4 months
// (across a year's end, or a leap February) or ISO weeks (across a year's end, through a 53rd week), on a
// growing tree: members join in later periods (their join date within that period, their sponsor and
// placement parent already there), some are suspended, reinstated or terminated between periods, and each
// period has its own orders dated within it, in shuffled row order.
import fc from "fast-check";
import type { MemberInput, MemberStatus, OrderInput } from "../../src/index.js";
import { type InputShape, JOIN, joinDate as joinDateOf, type PlacementShape, placeMembers, shuffle, writeLeg } from "./inputs.js";
import { type PlanShape, planArb } from "./plans.js";
import { fmt } from "./values.js";

const KINDS = ["personal-consumption", "retail-sale", "customer-order"] as const;
const DAY = 86_400_000;

const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** A chain's periods: their ids and days. */
export interface ChainPeriod {
  id: string;
  days: string[];
}

/** `count` months from `first` (YYYY-MM). */
function months(first: string, count: number): ChainPeriod[] {
  const [y, m] = first.split("-").map(Number) as [number, number];
  return Array.from({ length: count }, (_, k) => {
    const start = Date.UTC(y, m - 1 + k, 1);
    const end = Date.UTC(y, m + k, 1);
    const days = Array.from({ length: (end - start) / DAY }, (_, d) => iso(start + d * DAY));
    return { id: days[0]?.slice(0, 7) as string, days };
  });
}

/** `count` ISO weeks from the one starting on Monday `monday`: the week-year is the year of its Thursday. */
function weeks(monday: string, count: number): ChainPeriod[] {
  const t0 = Date.parse(`${monday}T00:00:00Z`);
  return Array.from({ length: count }, (_, k) => {
    const start = t0 + k * 7 * DAY;
    const thursday = new Date(start + 3 * DAY);
    const year = thursday.getUTCFullYear();
    const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY / 7) + 1;
    return { id: `${year}-W${String(week).padStart(2, "0")}`, days: Array.from({ length: 7 }, (_, d) => iso(start + d * DAY)) };
  });
}

/** Where chains start: months across a year's end and a leap February; weeks across years and a 53rd week. */
const STARTS: ((count: number) => ChainPeriod[])[] = [
  (n) => months("2025-11", n),
  (n) => months("2024-01", n),
  (n) => months("2026-08", n),
  (n) => weeks("2025-12-15", n),
  (n) => weeks("2026-12-14", n),
];

/** A member's status in each period: mostly enrolled; suspended comes and goes; terminated stays. */
const STATUS = fc.constantFrom<MemberStatus>("enrolled", "enrolled", "enrolled", "enrolled", "enrolled", "enrolled", "enrolled", "suspended", "suspended", "terminated");

export interface ChainOptions {
  maxMembers?: number;
  /** The plan's placement width: every period then has a placement tree that wide. */
  placementWidth?: number;
  /** The plan's rank names: some members are given ranks in some periods. */
  ranks?: readonly string[];
  /**
   * Leave out of a period the members terminated in the period before who sponsor and place no one (their
   * state rows are then for members the members file lacks: for plans with `state.unknownMembers: carry`).
   */
  dropTerminated?: boolean;
}

/** A chain of 2–4 consecutive periods' inputs for the given measures. */
export function chainArb(measures: readonly string[], options: ChainOptions = {}): fc.Arbitrary<InputShape[]> {
  const max = options.maxMembers ?? 25;
  const ranks = options.ranks ?? [];
  const order = fc.record({
    kind: fc.constantFrom(...KINDS),
    day: fc.nat(30),
    volumes: fc.array(
      fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 3_000_000 }) }, { weight: 2, arbitrary: fc.constantFrom(0, 1_000_000, 2_500_000, 10_000_000) }),
      { minLength: 3, maxLength: 3 },
    ),
  });
  return fc
    .record({
      count: fc.integer({ min: 2, max: 4 }),
      start: fc.nat(STARTS.length - 1),
      n: fc.integer({ min: 2, max: max }),
      // Most members are there from the first period; the others join in a later one.
      joins: fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) }), { minLength: max, maxLength: max }),
      joinDay: fc.array(fc.nat(30), { minLength: max, maxLength: max }),
      // Half the members there from the first period join long ago, or days before it (inputs.ts's JOIN).
      joinBefore: fc.array(JOIN, { minLength: max, maxLength: max }),
      chain: fc.boolean(),
      r: fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: max, maxLength: max }),
      statuses: fc.array(fc.array(STATUS, { minLength: 4, maxLength: 4 }), { minLength: max, maxLength: max }),
      perMember: fc.array(fc.array(fc.constantFrom(0, 0, 1, 1, 1, 2, 3), { minLength: max, maxLength: max }), { minLength: 4, maxLength: 4 }),
      orders: fc.array(fc.array(order, { minLength: max * 3, maxLength: max * 3 }), { minLength: 4, maxLength: 4 }),
      placement: fc.record({
        given: fc.integer({ min: 0, max: 3 }).map((x) => options.placementWidth !== undefined || x === 0),
        shape: fc.constantFrom<PlacementShape>("random", "chain", "filled"),
        r: fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: max, maxLength: max }),
      }),
      given: fc.option(fc.array(fc.array(fc.integer({ min: -8, max: Math.max(0, ranks.length - 1) }), { minLength: 4, maxLength: 4 }), { minLength: max, maxLength: max }), { freq: 2, nil: undefined }),
      ids: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,5}$/), { minLength: max, maxLength: max }),
      shuffleSeed: fc.integer(),
    })
    .map((g) => {
      const periods = (STARTS[g.start] as (n: number) => ChainPeriod[])(g.count);
      const n = g.n;
      // Join periods in member order, so a member's sponsor and placement parent (earlier members) are
      // always there when the member joins. The root is there from the first period.
      const join = g.joins.slice(0, n).map((j, i) => (i === 0 ? 0 : Math.min(j, g.count - 1))).sort((a, b) => a - b);
      const ids = g.ids.slice(0, n);
      const sponsor = (i: number) => (g.chain ? i - 1 : Math.floor((g.r[i] ?? 0) * i));
      const placed = g.placement.given ? placeMembers(n, options.placementWidth ?? 2, g.placement.shape, g.placement.r) : undefined;
      const parents = new Set<number>();
      for (let i = 1; i < n; i++) {
        parents.add(sponsor(i));
        if (placed !== undefined) parents.add((placed[i] as { parent: number }).parent);
      }
      // Statuses: terminated stays terminated; the root stays enrolled.
      const status: MemberStatus[][] = ids.map((_, i) =>
        (g.statuses[i] as MemberStatus[]).reduce<MemberStatus[]>((acc, s) => [...acc, i === 0 ? "enrolled" : acc.at(-1) === "terminated" ? "terminated" : s], []),
      );
      let orderId = 0;
      return periods.map((period, k): InputShape => {
        const present = ids.flatMap((id, i) => {
          if ((join[i] as number) > k) return [];
          if (options.dropTerminated === true && k > 0 && status[i]?.[k - 1] === "terminated" && !parents.has(i)) return [];
          return [i];
        });
        const members: MemberInput[] = present.map((i) => {
          const id = ids[i] as string;
          const j = join[i] as number;
          const days = (periods[j] as ChainPeriod).days;
          const joinDate = j === 0 && i % 2 === 0 ? joinDateOf(g.joinBefore[i] ?? { before: -1 }, days) : (days[(g.joinDay[i] ?? 0) % days.length] as string);
          const at = placed?.[i];
          const r = g.given?.[i]?.[k] ?? -1;
          return {
            id,
            sponsorId: i === 0 ? null : (ids[sponsor(i)] as string),
            joinDate,
            status: status[i]?.[k] ?? "enrolled",
            ...(at !== undefined && at.parent >= 0 ? { placementId: ids[at.parent] as string, leg: writeLeg(at.leg, i % 3) } : {}),
            ...(r >= 0 && ranks.length > 0 ? { rank: ranks[r] as string } : {}),
          };
        });
        const orders: OrderInput[] = [];
        const pool = g.orders[k] ?? [];
        let next = 0;
        for (const i of present) {
          for (let c = 0; c < (g.perMember[k]?.[i] ?? 0); c++) {
            const o = pool[next++];
            if (o === undefined) break;
            const volumes: Record<string, string> = {};
            measures.forEach((m, x) => {
              volumes[m] = fmt(o.volumes[x] ?? 0, 4);
            });
            orders.push({ id: `o${++orderId}`, memberId: ids[i] as string, kind: o.kind, date: period.days[o.day % period.days.length] as string, volumes });
          }
        }
        return { period: period.id, members: shuffle(members, g.shuffleSeed + k), orders: shuffle(orders, g.shuffleSeed * 7 + k) };
      });
    });
}

/** Plans with a ladder that keep state (a `state` section), most of them with grace or hold or both. */
export const statePlanArb: fc.Arbitrary<PlanShape> = fc
  .tuple(
    planArb,
    fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 4, arbitrary: fc.record({ grace: fc.integer({ min: 0, max: 3 }), hold: fc.constantFrom("none", "highest") }) },
    ),
    fc.constantFrom({}, { unknownMembers: "carry" }),
  )
  .filter(([p]) => (p.plan.ranks as unknown[]).length > 0)
  .map(([p, paidAs, state]) => ({ ...p, plan: { ...p.plan, state: p.plan.state ?? state, ...(paidAs !== undefined ? { paidAs } : {}) } }));

/**
 * A chain for a plan: its measures, ranks (given to some members) and placement width; members terminated
 * in a period are left out of the next ones when the plan carries unknown members' state rows.
 */
export function chainOf(p: PlanShape, maxMembers?: number): fc.Arbitrary<InputShape[]> {
  const carry = (p.plan.state as { unknownMembers?: string } | undefined)?.unknownMembers === "carry";
  const ranks = (p.plan.ranks as { name: string }[]).map((r) => r.name);
  return chainArb(p.measures, {
    ranks,
    dropTerminated: carry,
    ...(maxMembers !== undefined ? { maxMembers } : {}),
    ...(p.placementWidth !== undefined ? { placementWidth: p.placementWidth } : {}),
  });
}
