/**
 * Level commissions, shared by the families that pay a rate per level of the upline on a per-member base:
 * `unilevel` (the base is each member's own volume) and `matching` (the base is each member's earnings
 * from named bonuses). Not a family itself: it lives beside the family folders, and families call it.
 *
 * Plan behaviour: a qualified member's paid-as rank picks a schedule row (the row of the highest rank they
 * hold, or the base row without a rank); the row's length is the depth it unlocks and its entries the rates.
 * - without compression, every upline member occupies a level; an unqualified one earns nothing and the
 *   level is breakage;
 * - with dynamic compression, unqualified members are skipped; the next qualified member takes the level
 *   ("compressed up"). A qualified member whose rank does not unlock the level still occupies it;
 * - unless `unqualifiedPays`, an unqualified member's own base pays nobody (all breakage).
 * - by generation (`generationRank` ≥ 0), only members holding that rank (paid-as rank at or above it) take
 *   levels: the others are passed through. A level is then a generation: the k-th rank holder above a
 *   source takes generation k (without compression; with dynamic compression unqualified holders are
 *   skipped too). Sponsor levels are the case where every member holds.
 *
 * Invariants: each source's base has `depth` level slots; each slot's potential is the base times the
 * highest rate any row gives that level. Every slot ends up paid (own level), compressed up, or breakage
 * (source unqualified, upline unqualified, level locked, rate below the maximum, no upline), so
 * paid + compressedUp + breakage = potential exactly. Work is at most `depth` upline steps per source:
 * each member points to the nearest ancestor that can take a level (computed top-down in one pass when
 * dynamic compression or generations pass members through), so a run of skipped members is one step.
 */
import { z } from "zod";
import { decimalString, rankNameSchema } from "../plan/fields.js";
import { type Issue, type PathSegment, assert, issue } from "../errors/issues.js";
import { nameHint } from "../errors/suggest.js";
import { rateUnits } from "../plan/units.js";
import { LINE_COMPRESSED, type LineSink } from "../run/lines.js";
import type { CompileContext, LevelAccounting, LineField, PlanNames, RunContext } from "./family.js";
import { type TreeName, treeOf } from "../genealogy/genealogy.js";

/**
 * The detail fields of a level bonus's lines: the level paid, whether it was reached by compression, the
 * number of source members and, when there is exactly one, its id.
 */
export const LEVEL_LINE_FIELDS: readonly LineField[] = [
  { name: "level", column: "level" },
  { name: "compressed", column: "compressed" },
  { name: "sources", column: "sources" },
  { name: "source", column: "source" },
];

/**
 * The zod schema of a level bonus's `schedule`: rows of rates by level, one per paid-as rank (`rank`) and
 * at most one without (the base row). `levelWord` says what a level is in the family's terms.
 */
export function levelScheduleSchema(depthMax: number, levelWord: string, examples: { readonly rates: readonly string[]; readonly ranked: readonly string[] }) {
  return z
    .array(
      z.strictObject({
        rank: rankNameSchema.optional(),
        rates: z
          .array(decimalString("rate"))
          .min(1)
          .max(depthMax)
          .meta({ title: "Rates by level", description: `The rate of each ${levelWord}: the first is level 1 (personally sponsored).`, examples: [[...examples.rates]] }),
      }),
    )
    .min(1)
    .max(100)
    .meta({
      title: "Schedule",
      description: "Rates by level for each paid-as rank (`rank`); an entry without `rank` applies to every qualified member.",
      examples: [[{ rates: [...examples.rates] }, { rank: "Gold", rates: [...examples.ranked] }]],
    });
}

/**
 * The zod schema of a level bonus's optional `generations`: with it, the schedule's levels are generations,
 * each ending at a member holding `rank` (paid-as rank at or above it), instead of sponsor levels.
 */
export const generationsSchema = z
  .strictObject({
    rank: rankNameSchema.meta({
      title: "Generation rank",
      description: "The rank that ends a generation: the k-th member holding it (or a higher paid-as rank) above a source takes generation k; members below it are passed through.",
      examples: ["Gold"],
    }),
  })
  .meta({
    title: "Generations",
    description: "Pay by generation instead of by sponsor level: a generation ends at each member holding `rank` or higher, and only those members are paid.",
    examples: [{ rank: "Gold" }],
  });

/** Checks `generations`: its rank is in the ladder. */
export function validateGenerations(generations: { readonly rank: string } | undefined, names: PlanNames, path: readonly PathSegment[]): Issue[] {
  if (generations === undefined || names.ranks.includes(generations.rank)) return [];
  const { rank } = generations;
  return [issue("PLAN_UNKNOWN_RANK", [...path, "rank"], `unknown rank "${rank}"${nameHint(rank, names.ranks, "ranks")}`, rank)];
}

/** Why a level slot was not paid. */
export const LEVEL_BREAKAGE = ["source-unqualified", "upline-unqualified", "level-locked", "rate-below-maximum", "no-upline"] as const;
const SOURCE_UNQUALIFIED = 0;
const UPLINE_UNQUALIFIED = 1;
const LEVEL_LOCKED = 2;
const NO_UPLINE = 4;

/** A level schedule compiled to indices and rate units. */
export interface LevelSchedule {
  /** Rows sorted by rank index (-1, the base row, first). */
  readonly rows: readonly { readonly rank: number; readonly rates: readonly number[] }[];
  /** The deepest level any row unlocks. */
  readonly depth: number;
  /** rowRates[row * depth + k]: rate units, or -1 where the row does not unlock level k + 1. */
  readonly rowRates: Float64Array;
  /** The highest rate any row gives each level. */
  readonly maxRate: Float64Array;
  /** Levels each row unlocks. */
  readonly rowLevels: Int32Array;
  /** rowOfRank[rank + 1]: the row for a paid-as rank (-1 = no rank), or -1 when no row applies. */
  readonly rowOfRank: Int32Array;
}

/** How {@link runLevels} pays. */
export interface LevelOptions {
  /** The bonus key (for the work counter). */
  readonly key: string;
  /** Dynamic compression: unqualified upline members are skipped. */
  readonly dynamic: boolean;
  /** An unqualified source's base pays its upline too. */
  readonly unqualifiedPays: boolean;
  /** One line per source member (as published plans print them) instead of one per level. */
  readonly perSource: boolean;
  /** The tree whose upline the levels follow (default: the sponsor tree). */
  readonly tree?: TreeName;
  /**
   * Levels are generations ending at members holding this rank index (paid-as rank at or above it);
   * -1: levels are sponsor levels.
   */
  readonly generationRank: number;
}

/**
 * The zod schema of a level bonus's `lines`: one line per recipient and level (`per-level`, the default
 * when absent, so plans written before it keep their fingerprint), or one per recipient, level and source
 * member (`per-source`; rounding per line then rounds each source's line).
 */
export const levelLinesSchema = z
  .enum(["per-level", "per-source"])
  .optional()
  .meta({
    title: "Lines",
    description: "per-level: one line per level paid (its sources counted); per-source: one line per source member, as published plans print them (rounding per line then rounds each).",
    examples: ["per-source"],
  });

/** Checks a schedule's rank names: known, each in one row, and at most one row without a rank (the base row). */
export function validateLevelSchedule(schedule: readonly { readonly rank?: string | undefined }[], names: PlanNames, path: readonly PathSegment[]): Issue[] {
  const issues: Issue[] = [];
  let base = 0;
  const seen = new Set<string>();
  schedule.forEach((row, r) => {
    if (row.rank === undefined) {
      base++;
      if (base > 1) issues.push(issue("PLAN_DUPLICATE_NAME", [...path, r], "only one schedule row may leave out the rank (the base row)"));
    } else if (!names.ranks.includes(row.rank)) {
      issues.push(issue("PLAN_UNKNOWN_RANK", [...path, r, "rank"], `unknown rank "${row.rank}"${nameHint(row.rank, names.ranks, "ranks")}`, row.rank));
    } else if (seen.has(row.rank)) {
      issues.push(issue("PLAN_DUPLICATE_NAME", [...path, r, "rank"], `rank "${row.rank}" has two schedule rows`, row.rank));
    } else seen.add(row.rank);
  });
  return issues;
}

/** Compiles a validated schedule (rank names known to `ctx`). */
export function compileLevelSchedule(schedule: readonly { readonly rank?: string | undefined; readonly rates: readonly string[] }[], ctx: CompileContext): LevelSchedule {
  const rows = schedule
    .map((row) => ({ rank: row.rank === undefined ? -1 : ctx.rankIndex(row.rank), rates: row.rates.map(rateUnits) }))
    .sort((a, b) => a.rank - b.rank);
  const depth = Math.max(...rows.map((r) => r.rates.length));
  // rowRates[row * depth + k]: rate units, or -1 where the row does not unlock level k + 1.
  const rowRates = new Float64Array(rows.length * depth).fill(-1);
  const maxRate = new Float64Array(depth);
  // Levels a row unlocks: always the first rates.length (rowRates is -1 beyond them).
  const rowLevels = Int32Array.from(rows, (row) => row.rates.length);
  rows.forEach((row, r) =>
    row.rates.forEach((rate, k) => {
      rowRates[r * depth + k] = rate;
      if (rate > (maxRate[k] as number)) maxRate[k] = rate;
    }),
  );
  // rowOfRank[rank + 1]: the row for a paid-as rank (-1 = no rank), or -1 when no row applies.
  const rowOfRank = new Int32Array(ctx.rankCount + 1).fill(-1);
  for (let rank = -1; rank < ctx.rankCount; rank++) {
    let best = -1;
    rows.forEach((row, r) => {
      if (row.rank <= rank) best = r;
    });
    rowOfRank[rank + 1] = best;
  }
  return { rows, depth, rowRates, maxRate, rowLevels, rowOfRank };
}

/**
 * Pays `schedule` up the sponsor tree (or the tree `options.tree` names) on `base` (per member, in volume units of 10^-4), appending one line
 * per recipient and level (and a second, flagged compressed, for levels taken through compression) to
 * `sink`. Returns the accounting.
 */
export function runLevels(run: RunContext, sink: LineSink, bonusIndex: number, schedule: LevelSchedule, base: Float64Array, options: LevelOptions): LevelAccounting {
  const { rows, depth, rowRates, maxRate, rowLevels, rowOfRank } = schedule;
  const { dynamic, unqualifiedPays, generationRank, perSource } = options;
  const { genealogy: g, qualified, rank } = run;
  const n = g.size;
  // The chosen tree's own arrays: the walks below read them directly, whichever tree it is.
  const { parent, depth: treeDepth, order } = treeOf(g, options.tree);
  const generations = generationRank >= 0;
  // A member holds when it can end a generation (every member, by sponsor level); it takes a level when
  // it holds and, with dynamic compression, is qualified.
  const holds = (m: number) => !generations || (rank[m] as number) >= generationRank;
  // Per member: the nearest proper ancestor that takes a level, and the number of holders among its
  // proper ancestors (its depth, by sponsor level), top-down. The first lets a walk skip a run of members
  // that take no level in one step, keeping it at most `depth` steps per source; the second tells a level
  // taken at its own generation (paid) from one taken through compression.
  let nextUp: Int32Array = parent;
  let holdersAbove: Int32Array = treeDepth;
  if (dynamic || generations) {
    nextUp = new Int32Array(n);
    if (generations) holdersAbove = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      const m = order[j] as number;
      const p = parent[m] as number;
      if (p < 0) {
        nextUp[m] = -1;
        continue;
      }
      const h = holds(p);
      nextUp[m] = h && (!dynamic || qualified[p] === 1) ? p : (nextUp[p] as number);
      if (generations) holdersAbove[m] = (holdersAbove[p] as number) + (h ? 1 : 0);
    }
  }
  // Per source that pays (own volume, and qualified unless unqualified volume pays): the deepest
  // level it can reach is its distance to the ancestor (in holders: 1 + the holders strictly between).
  // So a member needs slots only down to its farthest paying source below, capped at the schedule
  // depth: none at all for the many members with no paying downline, which keeps the slots few and
  // close together.
  const pays = (s: number) => (base[s] as number) !== 0 && (unqualifiedPays || qualified[s] === 1);
  const below = new Uint8Array(n);
  for (let j = order.length - 1; j > 0; j--) {
    const m = order[j] as number;
    const p = parent[m] as number;
    const b = below[m] as number;
    const reach = Math.min(depth, Math.max(b > 0 ? b + (holds(m) ? 1 : 0) : 0, pays(m) ? 1 : 0));
    if (reach > (below[p] as number)) below[p] = reach;
  }
  // Per (recipient with a row, level the row unlocks and a source can reach): the direct and (with
  // compression) compressed base, each with a tag: 0 none yet, s + 1 for a single source s, -count
  // for several. Interleaved, so that adding a source to a slot touches one cache line; a member's
  // slots start at its block.
  const width = dynamic ? 4 : 2;
  // Everything one upline step reads, packed per member so that a step touches one cache line:
  // [next member up that takes a level, holders above (depth, by sponsor level), block start in acc
  // (-1 qualified without a schedule row, -2 unqualified), levels with slots].
  const up = new Int32Array(4 * n);
  // Per qualified member with a row: the row (levels beyond the slots are locked or unreachable).
  const rowOf = new Int8Array(n).fill(-1);
  let used = 0;
  for (let i = 0; i < n; i++) {
    const b = 4 * i;
    up[b] = nextUp[i] as number;
    up[b + 1] = holdersAbove[i] as number;
    let block = -2;
    let levels = 0;
    if (qualified[i] === 1 && holds(i)) {
      const row = rowOfRank[(rank[i] as number) + 1] as number;
      block = -1;
      if (row >= 0) {
        levels = Math.min(rowLevels[row] as number, below[i] as number);
        rowOf[i] = row;
        if (levels > 0) {
          block = used;
          used += levels * width;
        }
      }
    }
    up[b + 2] = block;
    up[b + 3] = levels;
  }
  assert(used < 2 ** 31, "unilevel-slots", `${used} slots`);
  const acc = new Float64Array(used);
  const breakageBase = new Float64Array(LEVEL_BREAKAGE.length * depth);
  let total = 0;
  let steps = 0;
  for (let s = 0; s < n; s++) {
    const v = base[s] as number;
    if (v === 0) continue;
    total += v;
    let k = 0;
    if (qualified[s] !== 1 && !unqualifiedPays) {
      for (; k < depth; k++) breakageBase[SOURCE_UNQUALIFIED * depth + k] = (breakageBase[SOURCE_UNQUALIFIED * depth + k] as number) + v;
      continue;
    }
    let a = up[4 * s] as number;
    const sourceDepth = up[4 * s + 1] as number;
    while (k < depth && a >= 0) {
      steps++;
      const b = 4 * a;
      const block = up[b + 2] as number;
      if (block !== -2) {
        // Levels beyond the slots are locked: a source reaches this far, so the row stops short.
        if (k < (up[b + 3] as number)) {
          // Without compression every step is one level, so every source is direct. A holder a is in
          // generation holdersAbove(s) - holdersAbove(a) of s (a itself is one of the holders above s).
          const compressed = sourceDepth - (up[b + 1] as number) === k + 1 ? 0 : 2;
          const slot = block + k * width + compressed;
          acc[slot] = (acc[slot] as number) + v;
          if (perSource) {
            const rate = rowRates[(rowOf[a] as number) * depth + k] as number;
            if (rate > 0) sink.add(a, bonusIndex, k + 1, compressed === 0 ? 0 : LINE_COMPRESSED, 1, s, v, rate);
          }
          const tag = acc[slot + 1] as number;
          acc[slot + 1] = tag === 0 ? s + 1 : tag > 0 ? -2 : tag - 1;
        } else breakageBase[LEVEL_LOCKED * depth + k] = (breakageBase[LEVEL_LOCKED * depth + k] as number) + v;
      } else {
        // Only reached without compression: the unqualified member (holder) holds the level unpaid.
        breakageBase[UPLINE_UNQUALIFIED * depth + k] = (breakageBase[UPLINE_UNQUALIFIED * depth + k] as number) + v;
      }
      k++;
      a = up[b] as number;
    }
    for (; k < depth; k++) breakageBase[NO_UPLINE * depth + k] = (breakageBase[NO_UPLINE * depth + k] as number) + v;
  }
  // Lines, and the paid/compressed/rate-gap value per (row, level) bucket.
  const paidBase = new Float64Array(rows.length * depth);
  const compressedBase = new Float64Array(rows.length * depth);
  for (let a = 0; a < n; a++) {
    const block = up[4 * a + 2] as number;
    if (block < 0) continue;
    const row = rowOf[a] as number;
    for (let k = 0, levels = up[4 * a + 3] as number; k < levels; k++) {
      const slot = block + k * width;
      const rate = rowRates[row * depth + k] as number;
      // A slot paid at rate 0 stays in the accounting (its gap to the maximum is breakage) but makes no line.
      const d = acc[slot + 1] as number;
      if (d !== 0) {
        if (rate > 0 && !perSource) sink.add(a, bonusIndex, k + 1, 0, d > 0 ? 1 : -d, d > 0 ? d - 1 : -1, acc[slot] as number, rate);
        paidBase[row * depth + k] = (paidBase[row * depth + k] as number) + (acc[slot] as number);
      }
      const c = dynamic ? (acc[slot + 3] as number) : 0;
      if (c !== 0) {
        if (rate > 0 && !perSource) sink.add(a, bonusIndex, k + 1, LINE_COMPRESSED, c > 0 ? 1 : -c, c > 0 ? c - 1 : -1, acc[slot + 2] as number, rate);
        compressedBase[row * depth + k] = (compressedBase[row * depth + k] as number) + (acc[slot + 2] as number);
      }
    }
  }
  run.work.add(`bonus:${options.key}`, n + steps + n + (generations ? n : 0));
  let potential = 0n;
  for (let k = 0; k < depth; k++) potential += BigInt(total) * BigInt(maxRate[k] as number);
  let paid = 0n;
  let compressedUp = 0n;
  let rateGap = 0n;
  for (let r = 0; r < rows.length; r++) {
    for (let k = 0; k < depth; k++) {
      const rate = rowRates[r * depth + k] as number;
      if (rate < 0) continue;
      const b = (paidBase[r * depth + k] as number) + (compressedBase[r * depth + k] as number);
      paid += BigInt(paidBase[r * depth + k] as number) * BigInt(rate);
      compressedUp += BigInt(compressedBase[r * depth + k] as number) * BigInt(rate);
      rateGap += BigInt(b) * BigInt((maxRate[k] as number) - rate);
    }
  }
  const breakage: Record<string, bigint> = {};
  LEVEL_BREAKAGE.forEach((reason, x) => {
    let sum = 0n;
    for (let k = 0; k < depth; k++) sum += BigInt(breakageBase[x * depth + k] as number) * BigInt(maxRate[k] as number);
    breakage[reason] = sum;
  });
  breakage["rate-below-maximum"] = rateGap;
  return { potential, paid, compressedUp, breakage };
}
