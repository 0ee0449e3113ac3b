// fast-check arbitraries for genealogies (random, deep chain, wide star, bushy), placement trees (random,
// chain, filled to the width) and a period's orders
// (every kind, volumes from zero to large, many per member or none at all), in shuffled row order.
import fc from "fast-check";
import type { MemberInput, OrderInput } from "../../src/index.js";
import { fmt } from "./values.js";

export const PERIOD = "2026-10";
const KINDS = ["personal-consumption", "retail-sale", "customer-order"] as const;
const STATUSES = ["enrolled", "enrolled", "enrolled", "enrolled", "enrolled", "enrolled", "enrolled", "enrolled", "suspended", "terminated"] as const;

export type TreeShape = "random" | "chain" | "star" | "bushy";

/** A join date long before every period. */
const LONG_AGO = { before: -1 } as const;

/**
 * Where a member joins: long ago, `before` days before the period's first day (0: on it) or on the period's
 * day `inside` (0-based, modulo its length). The days before are mostly window lengths of the fast-start
 * arbitrary and one day either side (a join `N − 1` days before the period puts an order on its first day on
 * day N of an N-day window; one on a month's last day is in month 1, and the period's in month 2).
 */
export const JOIN = fc.oneof(
  { weight: 3, arbitrary: fc.constant(LONG_AGO) },
  { weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 6, 7, 9, 10, 29, 30, 31, 59, 60, 61, 89, 90).map((before) => ({ before })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 800 }).map((before) => ({ before })) },
  { weight: 3, arbitrary: fc.nat(30).map((inside) => ({ inside })) },
);

/** The join date a {@link JOIN} gene gives in a period of `days`. */
export function joinDate(join: { before: number } | { inside: number }, days: readonly string[]): string {
  if ("inside" in join) return days[join.inside % days.length] as string;
  if (join.before < 0) return "2022-06-15";
  return new Date(Date.parse(`${days[0] as string}T00:00:00Z`) - join.before * 86_400_000).toISOString().slice(0, 10);
}

/** Sponsor index of member i (> 0) for a shape; `r` is a random number in [0, 1). */
function sponsorOf(shape: TreeShape, i: number, r: number): number {
  switch (shape) {
    case "chain":
      return i - 1;
    case "star":
      return 0;
    case "bushy":
      return Math.floor((i - 1) / 3);
    case "random":
      return Math.floor(r * i);
  }
}

export interface InputShape {
  period: string;
  members: MemberInput[];
  orders: OrderInput[];
}

/** Every day from `first` for `days` days, as YYYY-MM-DD. */
function daysFrom(first: string, days: number): string[] {
  const t = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: days }, (_, k) => new Date(t + k * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Periods of every kind and length: months of 31, 30, 28 and 29 days (leap February); ISO weeks, one across
 * a year's end (2026-W01 starts on 2025-12-29) and a 53rd week (2026-W53 ends on 2027-01-03); date ranges,
 * one across a leap day, and one of a single day.
 */
const PERIODS: [string, string[]][] = [
  ["2026-10", daysFrom("2026-10-01", 31)],
  ["2026-04", daysFrom("2026-04-01", 30)],
  ["2023-02", daysFrom("2023-02-01", 28)],
  ["2024-02", daysFrom("2024-02-01", 29)],
  ["2025-12", daysFrom("2025-12-01", 31)],
  ["2026-W01", daysFrom("2025-12-29", 7)],
  ["2026-W53", daysFrom("2026-12-28", 7)],
  ["2024-02-20..2024-03-05", daysFrom("2024-02-20", 15)],
  ["2026-11-30..2026-11-30", ["2026-11-30"]],
];

/** How the placement tree is drawn: under random members, as a chain, or filled level by level. */
export type PlacementShape = "random" | "chain" | "filled";

/**
 * Placement parent and leg of each member i > 0 (member 0 is the root), a valid tree `width` wide:
 * every position holds at most one member and every parent comes earlier, so there is no cycle.
 * "chain" hangs each member under the one before (a deep chain, unlike most sponsor trees); "filled"
 * fills the positions breadth-first (every parent exactly at the width); "random" picks a random earlier
 * member with a free position, and a random free leg.
 */
export function placeMembers(n: number, width: number, shape: PlacementShape, r: readonly number[]): { parent: number; leg: number }[] {
  const used: Set<number>[] = Array.from({ length: n }, () => new Set());
  const out: { parent: number; leg: number }[] = [{ parent: -1, leg: 0 }];
  for (let i = 1; i < n; i++) {
    const x = r[i] ?? 0;
    let parent: number;
    let leg: number;
    if (shape === "filled") {
      parent = Math.floor((i - 1) / width);
      leg = ((i - 1) % width) + 1;
    } else {
      parent = shape === "chain" ? i - 1 : Math.floor(x * i);
      // The first member from there (cyclically among the earlier ones) with a free position.
      while ((used[parent] as Set<number>).size >= width) parent = (parent + 1) % i;
      const free = Array.from({ length: width }, (_, k) => k + 1).filter((l) => !(used[parent] as Set<number>).has(l));
      leg = free[Math.floor(((x * 7919) % 1) * free.length)] as number;
    }
    (used[parent] as Set<number>).add(leg);
    out.push({ parent, leg });
  }
  return out;
}

/** A leg written as the input may write it: L/R for 1 and 2, a number, or a string of digits. */
export function writeLeg(leg: number, style: number): string | number {
  if (style === 0 && leg <= 2) return leg === 1 ? "L" : "R";
  return style === 1 ? leg : String(leg);
}

/**
 * Members and orders for the given measures. `maxMembers` keeps the reference engine fast. With
 * `placementWidth` (a plan that declares a placement tree) every input has a valid placement tree that
 * wide; otherwise a few inputs have a binary one, which such a plan ignores.
 */
export function inputArb(measures: readonly string[], maxMembers = 40, placementWidth?: number): fc.Arbitrary<InputShape> {
  return fc
    .record({
      n: fc.integer({ min: 1, max: maxMembers }),
      shape: fc.constantFrom<TreeShape>("random", "random", "chain", "star", "bushy"),
      r: fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: maxMembers, maxLength: maxMembers }),
      statuses: fc.array(fc.constantFrom(...STATUSES), { minLength: maxMembers, maxLength: maxMembers }),
      ids: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,6}$/), { minLength: maxMembers, maxLength: maxMembers }),
      // Orders per member: most members order once or twice; some never, some often.
      perMember: fc.array(fc.constantFrom(0, 1, 1, 1, 2, 2, 3, 5), { minLength: maxMembers, maxLength: maxMembers }),
      orders: fc.array(
        fc.record({
          kind: fc.constantFrom(...KINDS),
          day: fc.integer({ min: 1, max: 31 }),
          volumes: fc.array(
            fc.oneof(
              { weight: 6, arbitrary: fc.integer({ min: 0, max: 2_000_000 }) },
              { weight: 2, arbitrary: fc.constantFrom(0, 10_000, 500_000, 1_000_000, 1_500_000, 1_250, 1_000_005) },
              { weight: 1, arbitrary: fc.integer({ min: 0, max: 10_000_000_000_000 }) },
            ),
            { minLength: 3, maxLength: 3 },
          ),
          omit: fc.array(fc.integer({ min: 0, max: 7 }).map((x) => x === 0), { minLength: 3, maxLength: 3 }),
        }),
        { minLength: maxMembers * 5, maxLength: maxMembers * 5 },
      ),
      shuffleSeed: fc.integer(),
      joins: fc.array(JOIN, { minLength: maxMembers, maxLength: maxMembers }),
      period: fc.constantFrom(...PERIODS),
      placement: fc.record({
        given: fc.integer({ min: 0, max: 4 }).map((x) => placementWidth !== undefined || x === 0),
        shape: fc.constantFrom<PlacementShape>("random", "random", "chain", "filled"),
        r: fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: maxMembers, maxLength: maxMembers }),
        style: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: maxMembers, maxLength: maxMembers }),
      }),
    })
    .map((g) => {
      const ids = g.ids.slice(0, g.n);
      const placed = g.placement.given ? placeMembers(g.n, placementWidth ?? 2, g.placement.shape, g.placement.r) : undefined;
      const members: MemberInput[] = ids.map((id, i) => {
        const at = placed?.[i];
        return {
          id,
          sponsorId: i === 0 ? null : (ids[sponsorOf(g.shape, i, g.r[i] ?? 0)] as string),
          joinDate: joinDate(g.joins[i] ?? LONG_AGO, g.period[1]),
          status: i === 0 ? "enrolled" : (g.statuses[i] ?? "enrolled"),
          ...(at !== undefined && at.parent >= 0 ? { placementId: ids[at.parent] as string, leg: writeLeg(at.leg, g.placement.style[i] ?? 0) } : {}),
        };
      });
      const orders: OrderInput[] = [];
      let next = 0;
      for (let i = 0; i < g.n; i++) {
        for (let k = 0; k < (g.perMember[i] ?? 0); k++) {
          const o = g.orders[next++];
          if (o === undefined) break;
          const volumes: Record<string, string> = {};
          measures.forEach((m, j) => {
            if (o.omit[j] !== true) volumes[m] = fmt(o.volumes[j] ?? 0, 4);
          });
          const days = g.period[1];
          orders.push({ id: `o${next}`, memberId: ids[i] as string, kind: o.kind, date: days[(o.day - 1) % days.length] as string, volumes });
        }
      }
      return { period: g.period[0], members: shuffle(members, g.shuffleSeed), orders: shuffle(orders, g.shuffleSeed * 7 + 1) };
    });
}

/** The placement width an input for two plans needs: the narrower of their trees (undefined: neither has one). */
export function narrowest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** A deterministic Fisher–Yates shuffle. */
export function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * The input with, in about half the cases, some members given a rank of `ranks` (the members' `rank`
 * field: a rank the company set), about one member in four; members without one have no field, an empty
 * one or null. Unchanged when the ladder is empty.
 */
export function givenRanksArb(input: InputShape, ranks: readonly string[]): fc.Arbitrary<InputShape> {
  const n = input.members.length;
  if (ranks.length === 0) return fc.constant(input);
  const pick = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(-1, -2, -3) }, { weight: 1, arbitrary: fc.nat(ranks.length - 1) });
  return fc.option(fc.array(pick, { minLength: n, maxLength: n }), { freq: 2, nil: undefined }).map((given) => {
    if (given === undefined) return input;
    const members = input.members.map((m, i) => {
      const r = given[i] ?? -1;
      // -1: no field; -2: empty; -3: null (all three mean none).
      return r >= 0 ? { ...m, rank: ranks[r] as string } : r === -2 ? { ...m, rank: "" } : r === -3 ? { ...m, rank: null } : m;
    });
    return { ...input, members };
  });
}
