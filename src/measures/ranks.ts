/**
 * Ranks. A member's paid-as rank is the highest rank in the ladder whose every requirement is met this
 * period: qualification, personal volume, group volume (with a leg cap: no first-level leg may supply more
 * than `legCap × minimum` of it), and counts of legs that hold a rank (someone in the leg is paid as that
 * rank or higher) or reach a leg volume. One bottom-up pass: a member's legs are final before the member.
 *
 * The same {@link checkRank} both decides ranks and explains them, so the two cannot disagree.
 */
import { type Issue, issue } from "../errors/issues.js";
import { nameHint } from "../errors/suggest.js";
import type { Genealogy } from "../genealogy/genealogy.js";
import { cut } from "../input/read.js";
import { RATE_SCALE, VALUE_SCALE, formatNumberUnits, formatTrimmed, formatVolume, pow10 } from "../money/decimal.js";
import type { ColumnKind } from "../bonuses/family.js";
import type { CompiledRank } from "../plan/compile.js";
import type { WorkCounter } from "../run/work.js";
import type { MeasureValues } from "./volumes.js";

/** One requirement of a rank, checked for a member, with actual and required values. */
export interface RequirementDetail {
  /** `qualified`, `personal`, `group`, `legs` or `column`. */
  readonly requirement: string;
  /** For a column requirement: the column (`earnings.<key>` or `<key>.<name>`). */
  readonly column?: string;
  readonly measure?: string;
  readonly rank?: string;
  /** For a legs requirement on volume: the leg volume each counted leg reaches. */
  readonly legMinimum?: string;
  readonly actual: string;
  readonly required: string;
  readonly met: boolean;
  /** For a group requirement with a leg cap: the cap per leg and the legs it cut. */
  readonly legCap?: {
    readonly share: string;
    readonly maxPerLeg: string;
    readonly uncapped: string;
    readonly cappedLegs: readonly { readonly leg: string; readonly volume: string; readonly counted: string }[];
  };
}

/**
 * Ranks per member: paid-as and the best rank anywhere in the member's subtree (for leg requirements), and
 * the given rank when the input gives any.
 */
export interface RankValues {
  readonly rank: Int16Array;
  readonly bestInSubtree: Int16Array;
  /** The rank the input gives each member (-1 for none), present when it gives any. */
  readonly given?: Int16Array;
  /** The values of the columns rank requirements read (the plan's `rankColumns`), present when they read any. */
  readonly columns?: readonly Float64Array[];
  /** 1 for a member kept at the opening paid-as rank in grace this period (with a {@link RankHistory}). */
  readonly graced?: Uint8Array;
}

/**
 * @internal What the opening state says about members' ranks (docs/state.md "Paid-as rank over periods"),
 * per member index: the highest rank ever held, last period's paid-as rank (-1 for none) and the periods
 * in grace so far; with the plan's grace and hold.
 */
export interface RankHistory {
  readonly highest: Float64Array;
  readonly paidAs: Float64Array;
  /** Periods in grace so far (undefined: the plan has no grace). */
  readonly grace: Float64Array | undefined;
  readonly graceMax: number;
  readonly holdHighest: boolean;
}

/** How a plan uses a member's given rank (its `givenRank`): a floor under the computed rank, or the paid-as rank. */
export type GivenRankUse = "floor" | "paid-as";

/**
 * @internal The given ranks of a sponsor tree as rank indices of the plan, per member (-1 for none), or a
 * `MEMBER_UNKNOWN_RANK` issue for every member given a rank the plan's ladder does not have. Undefined
 * when the input gives no rank.
 */
export function resolveGivenRanks(g: Genealogy, ranks: readonly CompiledRank[]): { given?: Int16Array; issues: Issue[] } {
  const gr = g.givenRanks;
  if (gr === undefined) return { issues: [] };
  const names = ranks.map((r) => r.name);
  const index = gr.names.map((name) => names.indexOf(name));
  const given = new Int16Array(g.size).fill(-1);
  const issues: Issue[] = [];
  for (let k = 0; k < gr.rows.length; k++) {
    const row = gr.rows[k] as number;
    const code = gr.codes[k] as number;
    const r = index[code] as number;
    if (r >= 0) {
      given[g.memberOfRow[row] as number] = r;
      continue;
    }
    const name = gr.names[code] as string;
    const ladder = names.length === 0 ? " (the plan has no ranks)" : nameHint(name, names, "ranks");
    const base = issue("MEMBER_UNKNOWN_RANK", ["members", row, "rank"], `member "${cut(g.rowIds.at(row) as string)}" is given rank "${cut(name)}", which is not a rank of the plan${ladder}`, name);
    const line = gr.lines?.[k] ?? 0;
    issues.push(gr.file === undefined ? base : line > 0 ? { ...base, file: gr.file, line } : { ...base, file: gr.file });
  }
  return issues.length > 0 ? { issues } : { given, issues };
}

const SHIFT = pow10(RATE_SCALE);

/**
 * @internal Paid-as rank per member (-1 for none), bottom-up. `given` (from {@link resolveGivenRanks}) sets
 * members' ranks as `use` says.
 */
export function computeRanks(
  g: Genealogy,
  v: MeasureValues,
  qualified: Uint8Array,
  ranks: readonly CompiledRank[],
  work: WorkCounter,
  given?: Int16Array,
  use: GivenRankUse = "floor",
  columns: readonly Float64Array[] = [],
  history?: RankHistory,
): RankValues {
  const n = g.size;
  const rank = new Int16Array(n).fill(-1);
  const best = new Int16Array(n).fill(-1);
  if (ranks.length === 0) return { rank, bestInSubtree: best };
  const paidAsGiven = use === "paid-as";
  const ctx = { g, v, qualified, ranks, best, columns };
  const { order, childStart, childList } = g;
  // The ladder rule (checked when the plan is parsed) makes every rank require at least the lowest rank's
  // qualification and personal minimum, so a member failing either holds no rank: decided without
  // checking each rank from the top.
  const lowest = ranks[0] as CompiledRank;
  const needsQualified = lowest.qualified;
  const floorPv = lowest.personal === undefined ? undefined : (v.personal[lowest.personal.measure] as Float64Array);
  const floorMinimum = lowest.personal?.minimum ?? 0;
  let visits = 0;
  let graced: Uint8Array | undefined;
  for (let j = n - 1; j >= 0; j--) {
    const i = order[j] as number;
    const set = given === undefined ? -1 : (given[i] as number);
    let r = ranks.length - 1;
    if (set >= 0 && paidAsGiven) r = set;
    else {
      if ((needsQualified && qualified[i] !== 1) || (floorPv !== undefined && (floorPv[i] as number) < floorMinimum)) r = -1;
      while (r >= 0 && !checkRank(ctx, i, r)) r--;
      if (set > r) r = set;
      if (history !== undefined) {
        // Hold: never below the highest rank ever held. Grace: kept at last period's rank while in grace.
        if (history.holdHighest && (history.highest[i] as number) > r) r = history.highest[i] as number;
        const before = history.paidAs[i] as number;
        if (history.grace !== undefined && r < before && (history.grace[i] as number) < history.graceMax) {
          r = before;
          (graced ??= new Uint8Array(n))[i] = 1;
        }
      }
    }
    rank[i] = r;
    let b = r;
    for (let c = childStart[i] as number, end = childStart[i + 1] as number; c < end; c++) {
      const cb = best[childList[c] as number] as number;
      if (cb > b) b = cb;
    }
    best[i] = b;
    visits += 1 + ((childStart[i + 1] as number) - (childStart[i] as number)) * (ranks.length + 1);
  }
  work.add("ranks", visits);
  return { rank, bestInSubtree: best, ...(given === undefined ? {} : { given }), ...(columns.length === 0 ? {} : { columns }), ...(graced !== undefined ? { graced } : {}) };
}

/** What {@link checkRank} reads. `best` must be final for every child of the member checked. */
export interface RankCheckContext {
  readonly g: Genealogy;
  readonly v: MeasureValues;
  readonly qualified: Uint8Array;
  readonly ranks: readonly CompiledRank[];
  readonly best: Int16Array;
  /** The values of the plan's `rankColumns` (see {@link RankValues.columns}); needed when a rank reads a column. */
  readonly columns?: readonly Float64Array[] | undefined;
}

/**
 * Checks whether member `i` meets every requirement of rank `r`. With `details`, records every
 * requirement with its values instead of stopping at the first that fails.
 */
export function checkRank(ctx: RankCheckContext, i: number, r: number, details?: RequirementDetail[]): boolean {
  return checkRankInto(ctx, i, r, details === undefined ? undefined : detailSink(ctx, r, details));
}

/**
 * @internal Receives the requirements of one rank as {@link checkRankInto} checks them, in statement order,
 * as plain numbers: no strings or objects are made for it (statement rendering writes them as bytes).
 */
export interface RequirementSink {
  /** The rank requires qualification. */
  qualified(met: boolean): void;
  /** A `personal` or a `group` requirement without leg cap: `actual` volume units of `measure`. */
  volume(requirement: "personal" | "group", measure: number, actual: number, met: boolean): void;
  /** For a group requirement with a leg cap: a first-level leg (`child`) above the cap, in child order. */
  cappedLeg(child: number, volume: number): void;
  /**
   * The group requirement with a leg cap, after its {@link RequirementSink.cappedLeg} calls: `counted` is
   * the exact counted volume at VALUE_SCALE (a number when it is a safe integer), `uncapped` the group
   * volume.
   */
  legCapped(counted: number | bigint, uncapped: number, met: boolean): void;
  /** The rank's `index`-th legs requirement: `count` legs hold the rank or reach the volume. */
  legs(index: number, count: number, met: boolean): void;
  /** The rank's `index`-th column requirement: the member's value of the column, in the column's units. */
  column(index: number, actual: number, met: boolean): void;
}

/**
 * @internal {@link checkRank} reporting to a sink: with `sink`, every requirement is reported (none is
 * skipped after one fails); without, it stops at the first that fails.
 */
export function checkRankInto(ctx: RankCheckContext, i: number, r: number, sink?: RequirementSink): boolean {
  const { g, v, qualified, best } = ctx;
  const spec = ctx.ranks[r] as CompiledRank;
  let ok = true;

  if (spec.qualified) {
    const met = qualified[i] === 1;
    ok &&= met;
    sink?.qualified(met);
    if (!ok && sink === undefined) return false;
  }
  if (spec.personal !== undefined) {
    const actual = (v.personal[spec.personal.measure] as Float64Array)[i] as number;
    const met = actual >= spec.personal.minimum;
    ok &&= met;
    sink?.volume("personal", spec.personal.measure, actual, met);
    if (!ok && sink === undefined) return false;
  }
  if (spec.group !== undefined) {
    const gv = v.group[spec.group.measure] as Float64Array;
    const minimum = spec.group.minimum;
    if (spec.group.legCap < 0) {
      const actual = gv[i] as number;
      const met = actual >= minimum;
      ok &&= met;
      sink?.volume("group", spec.group.measure, actual, met);
    } else {
      // A leg counts min(leg volume, legCap × minimum); own volume counts in full. The cap is exact at
      // VALUE_SCALE; a leg (an integer number of volume units) exceeds it exactly when it exceeds
      // floor(cap / 10^6), so the loop stays in plain numbers and BigInt is used once per check.
      const { cap, threshold, capNumber, requiredNumber } = spec.group;
      const pv = (v.personal[spec.group.measure] as Float64Array)[i] as number;
      let uncapped = pv;
      let cappedCount = 0;
      for (let c = g.childStart[i] as number, end = g.childStart[i + 1] as number; c < end; c++) {
        const child = g.childList[c] as number;
        const leg = gv[child] as number;
        if (leg > threshold) {
          cappedCount++;
          sink?.cappedLeg(child, leg);
        } else uncapped += leg;
      }
      // Exact comparison: in plain numbers while every term is a safe integer, else in BigInt.
      const fast = uncapped * 1e6 + cappedCount * capNumber;
      let met: boolean;
      let counted: bigint | undefined;
      if (fast <= Number.MAX_SAFE_INTEGER && requiredNumber === requiredNumber) met = fast >= requiredNumber;
      else {
        counted = BigInt(uncapped) * SHIFT + BigInt(cappedCount) * cap;
        met = counted >= BigInt(minimum) * SHIFT;
      }
      ok &&= met;
      // fast is exact when it is at most MAX_SAFE_INTEGER (capNumber is NaN when cap is not safe).
      sink?.legCapped(fast <= Number.MAX_SAFE_INTEGER ? fast : (counted ?? BigInt(uncapped) * SHIFT + BigInt(cappedCount) * cap), gv[i] as number, met);
    }
    if (!ok && sink === undefined) return false;
  }
  for (let k = 0; k < spec.legs.length; k++) {
    const leg = spec.legs[k] as CompiledRank["legs"][number];
    let count = 0;
    for (let c = g.childStart[i] as number, end = g.childStart[i + 1] as number; c < end; c++) {
      const child = g.childList[c] as number;
      if (leg.rank >= 0 ? (best[child] as number) >= leg.rank : ((v.group[leg.measure] as Float64Array)[child] as number) >= leg.minimum) count++;
    }
    const met = count >= leg.count;
    ok &&= met;
    sink?.legs(k, count, met);
    if (!ok && sink === undefined) return false;
  }
  for (let k = 0; k < spec.columns.length; k++) {
    const c = spec.columns[k] as CompiledRank["columns"][number];
    const actual = (ctx.columns?.[c.source] as Float64Array)[i] as number;
    const met = actual >= c.minimum;
    ok &&= met;
    sink?.column(k, actual, met);
    if (!ok && sink === undefined) return false;
  }
  return ok;
}

/** A sink that records each requirement as a {@link RequirementDetail} in `out`. */
function detailSink(ctx: RankCheckContext, r: number, out: RequirementDetail[]): RequirementSink {
  const { g, v, ranks } = ctx;
  const spec = ranks[r] as CompiledRank;
  const minimumOf = (requirement: "personal" | "group") => (requirement === "personal" ? spec.personal?.minimum : spec.group?.minimum) as number;
  let capped: { leg: string; volume: string; counted: string }[] = [];
  return {
    qualified: (met) => out.push({ requirement: "qualified", actual: met ? "yes" : "no", required: "yes", met }),
    volume: (requirement, measure, actual, met) =>
      out.push({ requirement, measure: measureName(v, measure), actual: formatVolume(actual), required: formatVolume(minimumOf(requirement)), met }),
    cappedLeg: (child, volume) => capped.push({ leg: g.ids.at(child) as string, volume: formatVolume(volume), counted: formatTrimmed((spec.group as NonNullable<CompiledRank["group"]>).cap, VALUE_SCALE) }),
    legCapped: (counted, uncapped, met) => {
      const group = spec.group as NonNullable<CompiledRank["group"]>;
      capped.sort((a, b) => (a.leg < b.leg ? -1 : a.leg > b.leg ? 1 : 0));
      out.push({
        requirement: "group",
        measure: measureName(v, group.measure),
        actual: typeof counted === "number" ? formatNumberUnits(counted, VALUE_SCALE, 0) : formatTrimmed(counted, VALUE_SCALE),
        required: formatVolume(group.minimum),
        met,
        legCap: {
          share: formatTrimmed(BigInt(group.legCap), RATE_SCALE),
          maxPerLeg: formatTrimmed(group.cap, VALUE_SCALE),
          uncapped: formatVolume(uncapped),
          cappedLegs: capped,
        },
      });
      capped = [];
    },
    legs: (index, count, met) => {
      const leg = spec.legs[index] as CompiledRank["legs"][number];
      out.push({
        requirement: "legs",
        ...(leg.rank >= 0 ? { rank: (ranks[leg.rank] as CompiledRank).name } : { measure: measureName(v, leg.measure) }),
        actual: String(count),
        required: String(leg.count),
        ...(leg.rank >= 0 ? {} : { legMinimum: formatVolume(leg.minimum) }),
        met,
      });
    },
    column: (index, actual, met) => {
      const c = spec.columns[index] as CompiledRank["columns"][number];
      out.push({ requirement: "column", column: c.column, actual: formatColumn(c, actual), required: formatColumn(c, c.minimum), met });
    },
  };
}

/**
 * A value of a column a rank requirement reads, as statements show it: money at the plan's scale
 * (`"120.00"`), a volume as volumes are shown, a count as a whole number.
 */
export function formatColumn(c: { readonly kind: ColumnKind; readonly scale: number }, units: number): string {
  return c.kind === "money" ? formatNumberUnits(units, c.scale, c.scale) : c.kind === "volume" ? formatVolume(units) : String(units);
}

function measureName(v: MeasureValues, m: number): string {
  return (v.specs[m] as { name: string }).name;
}
