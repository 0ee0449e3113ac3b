/**
 * Explaining a level bonus (unilevel on volume, matching on earnings) for one member, by recomputing only
 * that member's part.
 *
 * Walks down from the member (an explicit stack, never recursion) through the levels the schedule can
 * reach: with dynamic compression a run of unqualified members takes no level, so the walk passes through
 * it; without compression every sponsor level is a level. By generation, only holders of the generation
 * rank end a level, so the walk passes through everyone else. Each member found with a base is a source at
 * its level after compression (`level`) and its level counting every holder (`distance`: what it would be
 * without compression, its sponsor distance by sponsor level). The work is bounded by the member's subtree within the schedule's depth (by generation,
 * that depth counts holders only, so it can be the whole subtree); nothing is stored between explanations.
 *
 * A source's base lands in exactly one bucket, with the same rules as the run (levels.ts): paid at the
 * member's own level, compressed up, level locked, source unqualified, or, when the member is not
 * qualified, passed by; by generation, when the member does not hold the generation rank, passed through. The explanation's bases therefore equal the statement's lines, which the caller
 * checks. Not a family: the level families call it.
 */
import type { TextList } from "../input/text-list.js";
import type { BonusExplanation, ExplainContext, LineBasis, NotPaid, Preorder, SourceList } from "../audit/explanation.js";
import type { TreeName } from "../genealogy/genealogy.js";
import { SourceCollector } from "../audit/sources.js";
import { grouped, percentUnits as percent, plural } from "../audit/words.js";
import { VALUE_SCALE, formatRate, formatTrimmed, formatVolume } from "../money/decimal.js";
import { rateUnits } from "../plan/units.js";
import type { CompileContext } from "./family.js";

const DIRECT = 0;
const COMPRESSED = 1;
const LOCKED = 2;
const SOURCE_UNQUALIFIED = 3;
const MEMBER_UNQUALIFIED = 4;
const NOT_HOLDER = 5;
const KINDS = 6;

/** What {@link levelExplainer} needs to know about a level bonus. */
export interface LevelExplainSpec {
  /** The schedule as written (rank names known to the compile context). */
  readonly schedule: readonly { readonly rank?: string | undefined; readonly rates: readonly string[] }[];
  readonly dynamic: boolean;
  readonly unqualifiedPays: boolean;
  /** By generation: the rank that ends a generation (levels are then generations). */
  readonly generations?: string;
  /** What the base is called in explanations: a measure's name, or "earnings from unilevel". */
  readonly baseName: string;
  /** The tree whose levels the bonus pays (default: the sponsor tree). */
  readonly tree?: TreeName;
  /**
   * Each member's base in volume units (10^-4), as the run paid on it, by **preorder position** of the
   * bonus's tree (`preorder`, which is `ctx.preorder` for the sponsor tree): the walk reads a member's
   * subtree as one contiguous range.
   */
  basePreorder(ctx: ExplainContext, preorder: Preorder): Float64Array;
  /** The measure whose orders are listed for a source, or -1 when the base is not a measure's volume. */
  readonly ordersMeasure: number;
  /** The bonus makes one line per source member (`lines: per-source`). */
  readonly perSource: boolean;
}

/**
 * @internal Builds the `explain` method of a level bonus (see ../levels.ts): its lines and what it did not
 * pay, recomputed for one member from the sources in the member's subtree.
 */
export function levelExplainer(spec: LevelExplainSpec, cc: CompileContext): (ctx: ExplainContext, member: number) => BonusExplanation {
  const measure = spec.ordersMeasure;
  const rows = spec.schedule
    .map((row) => ({ rank: row.rank === undefined ? -1 : cc.rankIndex(row.rank), name: row.rank, rates: row.rates.map(rateUnits) }))
    .sort((a, b) => a.rank - b.rank);
  const depth = Math.max(...rows.map((r) => r.rates.length));
  const maxRate = Array.from({ length: depth }, (_, k) => Math.max(0, ...rows.map((r) => r.rates[k] ?? 0)));
  const rowFor = (rank: number) => {
    let best = -1;
    rows.forEach((r, i) => {
      if (r.rank <= rank) best = i;
    });
    return best;
  };
  /** Rate units of `row` at level index k, or -1 when the row does not unlock it. */
  const rateOf = (row: number, k: number) => (row < 0 ? -1 : (rows[row]?.rates[k] ?? -1));
  const rowName = (row: number) => rows[row]?.name ?? "the base row";
  const { dynamic, unqualifiedPays } = spec;
  const tree = spec.tree ?? "sponsor";
  // How the tree's generations are named in the notes.
  const below =
    tree === "sponsor"
      ? { first: "you sponsored", nth: (level: number) => `${level} generations below you`, more: (level: number) => `more than ${level} generation${level === 1 ? "" : "s"} below you` }
      : {
          first: "placed directly below you",
          nth: (level: number) => `${level} levels below you in the placement tree`,
          more: (level: number) => `more than ${level} level${level === 1 ? "" : "s"} below you in the placement tree`,
        };
  const genRankName = spec.generations;
  // By generation: the rank index that ends a generation; -1 when levels are sponsor levels.
  const genRank = genRankName === undefined ? -1 : cc.rankIndex(genRankName);
  const unit = genRank >= 0 ? "generation" : "level";

  return (ctx, a) => {
    const memberQualified = ctx.qualified[a] === 1;
    const rankA = ctx.rank[a] as number;
    const memberHolds = rankA >= genRank;
    // A qualified member's row; for an unqualified member, the row they would have had if qualified.
    const row = rowFor(rankA);
    // Per (kind, level) slot: count and total of all sources; the largest few kept by a collector.
    const slots = KINDS * depth;
    const sums = new Float64Array(slots);
    const counts = new Int32Array(slots);
    const keep: (SourceCollector | undefined)[] = new Array(slots);
    const rowRate = new Float64Array(depth);
    for (let k = 0; k < depth; k++) rowRate[k] = rateOf(row, k);
    // One line per source needs every source of a paid slot: keep them all (other lists are cut below).
    const keepMax = spec.perSource ? Number.MAX_SAFE_INTEGER : ctx.sourcesMax;
    const preorder = tree === "sponsor" ? ctx.preorder : ctx.treePreorder(tree);
    walk(ctx, preorder, a, spec.basePreorder(ctx, preorder), { depth, dynamic, unqualifiedPays, genRank, memberQualified, memberHolds, rowRate, sums, counts, keep, sourcesMax: keepMax });
    const buckets = Array.from({ length: slots }, (_, slot) => {
      const count = counts[slot] as number;
      const sum = sums[slot] as number;
      const c = keep[slot];
      return count === 0 || c === undefined ? undefined : { count, volume: sum, all: (x: ExplainContext, m: number) => c.list(x, m, count, sum), list: (x: ExplainContext, m: number) => shorten(c.list(x, m, count, sum), x.sourcesMax) };
    });

    const name = spec.baseName;
    const scale = ctx.moneyScale;
    const exact = (units: number, rate: number) => formatTrimmed(BigInt(units) * BigInt(rate), VALUE_SCALE, scale);
    const members = (n: number) => plural(n, "member");
    const vol = (units: number) => grouped(formatVolume(units));
    const paidAsName = rankA >= 0 ? (ctx.rankNames[rankA] as string) : "no rank";
    const lines: LineBasis[] = [];
    const notPaid: NotPaid[] = [];
    for (let k = 0; k < depth; k++) {
      const level = k + 1;
      const rate = rateOf(row, k);
      for (const kind of [DIRECT, COMPRESSED]) {
        const b = buckets[kind * depth + k];
        if (b === undefined || rate <= 0) continue;
        if (spec.perSource) {
          // One line per source, in member-id order as the statement lists them.
          const sources = [...b.all(ctx, measure).shown].sort((x, y) => (x.memberId < y.memberId ? -1 : x.memberId > y.memberId ? 1 : 0));
          for (const src of sources) {
            lines.push({
              fields: { level, compressed: kind === COMPRESSED, sources: 1, source: src.memberId },
              base: src.volume,
              rate: formatRate(rate),
              from: { count: 1, volume: src.volume, shown: ctx.sourcesMax > 0 ? [src] : [], omitted: ctx.sourcesMax > 0 ? 0 : 1 },
              note:
                kind === DIRECT
                  ? `${percent(rate)} of ${name} ${grouped(src.volume)} from ${src.memberId}, at ${unit} ${level}`
                  : `${percent(rate)} of ${name} ${grouped(src.volume)} from ${src.memberId}, at ${unit} ${level} by dynamic compression (unqualified members between were skipped)`,
            });
          }
          continue;
        }
        const single = b.count === 1 ? b.all(ctx, measure).shown[0]?.memberId : undefined;
        lines.push({
          fields: { level, compressed: kind === COMPRESSED, sources: b.count, ...(single !== undefined ? { source: single } : {}) },
          base: formatVolume(b.volume),
          rate: formatRate(rate),
          from: b.list(ctx, measure),
          note:
            genRankName !== undefined
              ? kind === DIRECT
                ? `${percent(rate)} of ${name} ${vol(b.volume)} from ${members(b.count)} in your generation ${level} (a generation ends at each member holding ${genRankName} or higher), at generation ${level}`
                : `${percent(rate)} of ${name} ${vol(b.volume)} from ${members(b.count)} beyond your generation ${level}, at generation ${level} by dynamic compression (unqualified ${genRankName} holders between were skipped)`
              : kind === DIRECT
                ? `${percent(rate)} of ${name} ${vol(b.volume)} from ${members(b.count)} ${level === 1 ? below.first : below.nth(level)}, at level ${level}`
                : `${percent(rate)} of ${name} ${vol(b.volume)} from ${members(b.count)} ${below.more(level)}, at level ${level} by dynamic compression (unqualified members between were skipped)`,
        });
      }
      const direct = buckets[DIRECT * depth + k];
      const compressed = buckets[COMPRESSED * depth + k];
      const paidVolume = (direct?.volume ?? 0) + (compressed?.volume ?? 0);
      const max = maxRate[k] as number;
      if (paidVolume > 0 && rate < max) {
        const best = rows.findIndex((r) => r.rates[k] === max);
        notPaid.push({
          reason: "rate-below-maximum",
          message: `${unit} ${level}: your rate ${percent(rate)} (${paidAsName}) is below the plan's highest rate for this level, ${percent(max)} (${rowName(best)})`,
          level,
          volume: formatVolume(paidVolume),
          rate: formatRate(rate),
          forgone: exact(paidVolume, max - rate),
          ...(rows[best]?.name !== undefined ? { rank: rows[best]?.name as string } : {}),
        });
      }
      const locked = buckets[LOCKED * depth + k];
      if (locked !== undefined) {
        const unlock = rows.findIndex((r) => r.rank > rankA && r.rates[k] !== undefined);
        const unlockRate = unlock >= 0 ? (rows[unlock]?.rates[k] as number) : -1;
        const why =
          row < 0
            ? `your paid-as rank (${paidAsName}) has no schedule row, so no level is unlocked`
            : `${paidAsName} unlocks ${rows[row]?.rates.length} ${unit}${rows[row]?.rates.length === 1 ? "" : "s"}`;
        notPaid.push({
          reason: "level-locked",
          message: `${unit} ${level} is locked: ${why}${unlock >= 0 ? `; ${rowName(unlock)} unlocks it at ${percent(unlockRate)}` : ""}. ${name} ${vol(locked.volume)} from ${members(locked.count)} is breakage`,
          level,
          volume: formatVolume(locked.volume),
          ...(unlock >= 0 ? { rate: formatRate(unlockRate), forgone: exact(locked.volume, unlockRate) } : {}),
          ...(unlock >= 0 && rows[unlock]?.name !== undefined ? { rank: rows[unlock]?.name as string } : {}),
          from: locked.list(ctx, measure),
        });
      }
      const passed = buckets[MEMBER_UNQUALIFIED * depth + k];
      if (passed !== undefined) {
        const failed = ctx.qualification.filter((c) => !c.met);
        notPaid.push({
          reason: "member-unqualified",
          message: dynamic
            ? `you were not qualified, so dynamic compression skipped you: ${name} ${vol(passed.volume)} from ${members(passed.count)} at your ${unit} ${level} went to the next qualified ${genRankName === undefined ? "member" : `${genRankName} holder`} above`
            : `you were not qualified: your ${unit} ${level}, ${name} ${vol(passed.volume)} from ${members(passed.count)}, is breakage (upline-unqualified)`,
          level,
          volume: formatVolume(passed.volume),
          ...(rate >= 0 ? { rate: formatRate(rate), forgone: exact(passed.volume, rate) } : {}),
          conditions: failed,
          from: passed.list(ctx, measure),
        });
      }
      const notHolder = buckets[NOT_HOLDER * depth + k];
      if (notHolder !== undefined) {
        notPaid.push({
          reason: "rank-not-held",
          message: `you do not hold ${genRankName} (paid-as: ${paidAsName}), and only members holding ${genRankName} or higher take a generation: ${name} ${vol(notHolder.volume)} from ${members(notHolder.count)} that would be your generation ${level} passed you by to the ${genRankName} holders above`,
          level,
          volume: formatVolume(notHolder.volume),
          rank: genRankName as string,
          from: notHolder.list(ctx, measure),
        });
      }
      const unqualified = buckets[SOURCE_UNQUALIFIED * depth + k];
      if (unqualified !== undefined) {
        const would = memberQualified && rate >= 0;
        notPaid.push({
          reason: "source-unqualified",
          message: `${members(unqualified.count)} at your ${unit} ${level} ${unqualified.count === 1 ? "was" : "were"} not qualified: ${name} ${vol(unqualified.volume)} paid no one (the plan does not pay on unqualified members' volume) and is breakage`,
          level,
          volume: formatVolume(unqualified.volume),
          ...(would ? { rate: formatRate(rate), forgone: exact(unqualified.volume, rate) } : {}),
          from: unqualified.list(ctx, measure),
        });
      }
    }
    if (buckets.every((b) => b === undefined)) {
      notPaid.push({
        reason: "no-downline-volume",
        message: `no ${name} from members within the ${depth} ${unit}${depth === 1 ? "" : "s"} this bonus reaches below you`,
      });
    }
    return { lines, notPaid };
  };
}

interface Walk {
  readonly depth: number;
  readonly dynamic: boolean;
  readonly unqualifiedPays: boolean;
  /** By generation: the rank index that ends a generation; -1 for sponsor levels. */
  readonly genRank: number;
  readonly memberQualified: boolean;
  /** The member holds the generation rank (always, for sponsor levels). */
  readonly memberHolds: boolean;
  /** The member's rate units per level index, -1 where locked. */
  readonly rowRate: Float64Array;
  readonly sums: Float64Array;
  readonly counts: Int32Array;
  readonly keep: (SourceCollector | undefined)[];
  readonly sourcesMax: number;
}

/**
 * Scans member a's subtree in preorder (one contiguous range: memory is read in order), skipping every
 * subtree below the levels the schedule reaches, and puts each source's base in its (kind, level) slot.
 * A stack of open subtrees gives each position the level of its parent; no recursion. Kept apart from the
 * explainer so the hot loop is a small function of typed arrays.
 */
function walk(ctx: ExplainContext, P: Preorder, a: number, base: Float64Array, w: Walk): void {
  const { depth, dynamic, unqualifiedPays, genRank, memberQualified, memberHolds, rowRate, sums, counts, keep } = w;
  const rank = ctx.rank;
  const { end, member } = P;
  const dep = P.depth;
  const qual = P.qualified;
  const ids = ctx.genealogy.ids;
  // The smallest volume worth offering to each slot's collector: most sources are not offered at all.
  const floor = new Float64Array(sums.length).fill(Number.NEGATIVE_INFINITY);
  // Open subtrees: where each ends, the level its members' children take, and the level they would take
  // counting every holder (by sponsor level: their distance - 1). Levels are 0-based here.
  let ends = new Int32Array(64);
  let nextLevel = new Uint8Array(64);
  let nextRaw = new Int32Array(64);
  const start = P.pos[a] as number;
  const stop = end[start] as number;
  const baseDepth = dep[start] as number;
  ends[0] = stop;
  nextLevel[0] = 0;
  nextRaw[0] = 0;
  let open = 1;
  let at = start + 1;
  while (at < stop) {
    while ((ends[open - 1] as number) <= at) open--;
    const k = nextLevel[open - 1] as number;
    const raw = nextRaw[open - 1] as number;
    const v = base[at] as number;
    const xQualified = qual[at] === 1;
    if (v !== 0) {
      // The level before compression: the sponsor distance, or by generation the generation counting
      // every holder.
      const distance = genRank < 0 ? (dep[at] as number) - baseDepth : raw + 1;
      let kind: number;
      if (!xQualified && !unqualifiedPays) kind = SOURCE_UNQUALIFIED;
      else if (!memberHolds) kind = NOT_HOLDER;
      else if (!memberQualified) kind = MEMBER_UNQUALIFIED;
      else if ((rowRate[k] as number) >= 0) kind = raw === k ? DIRECT : COMPRESSED;
      else kind = LOCKED;
      const slot = kind * depth + k;
      sums[slot] = (sums[slot] as number) + v;
      counts[slot] = (counts[slot] as number) + 1;
      if (v >= (floor[slot] as number)) floor[slot] = offer(keep, slot, w.sourcesMax, ids, member[at] as number, v, distance, k + 1);
    }
    // x ends a level for the members below it when it holds (always, by sponsor level); it takes one
    // unless dynamic compression skips it.
    const xHolds = genRank < 0 || (rank[member[at] as number] as number) >= genRank;
    const next = xHolds && (!dynamic || xQualified) ? k + 1 : k;
    const subtreeEnd = end[at] as number;
    if (next >= depth) {
      at = subtreeEnd; // every member below is beyond the schedule's depth
      continue;
    }
    if (subtreeEnd > at + 1) {
      if (open === ends.length) {
        const e = new Int32Array(open * 2);
        e.set(ends);
        ends = e;
        const l = new Uint8Array(open * 2);
        l.set(nextLevel);
        nextLevel = l;
        const r = new Int32Array(open * 2);
        r.set(nextRaw);
        nextRaw = r;
      }
      ends[open] = subtreeEnd;
      nextLevel[open] = next;
      nextRaw[open] = xHolds ? raw + 1 : raw;
      open++;
    }
    at++;
  }
}

/** A source list with at most `max` sources shown (the rest counted as omitted). */
function shorten(list: SourceList, max: number): SourceList {
  return list.shown.length <= max ? list : { ...list, shown: list.shown.slice(0, max), omitted: list.count - max };
}

function offer(keep: (SourceCollector | undefined)[], slot: number, max: number, ids: TextList, x: number, v: number, distance: number, level: number): number {
  let c = keep[slot];
  if (c === undefined) {
    c = new SourceCollector(max, ids);
    keep[slot] = c;
  }
  return c.offer(x, v, distance, level);
}
