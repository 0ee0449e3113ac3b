/**
 * Computing a structure bonus (rules: docs/plan-language.md, "`structure`"). Team volumes to a depth are
 * summed level by level (one pass over the members per depth); then, children before parents, each member's
 * levels met are decided as bits of one integer, and each first-level member that meets a level named by a
 * `frontline` requirement counts for its sponsor. Work: members × (deepest team depth + 1), linear.
 */
import { MEMBER_STATUSES } from "../../genealogy/genealogy.js";
import { RATE_SCALE, VOLUME_SCALE } from "../../money/decimal.js";
import { LINE_FIXED, type LineSink } from "../../run/lines.js";
import type { RunContext } from "../family.js";

/** One level of a compiled structure bonus: amounts in money units, volumes in volume units, levels 0-based. */
export interface StructureLevel {
  readonly amount: number;
  readonly personal?: { readonly measure: number; readonly minimum: number };
  readonly sponsored?: { readonly count: number; readonly measure: number; readonly minimum: number };
  /** `depth` -1: the whole downline (group volume). */
  readonly team?: { readonly measure: number; readonly minimum: number; readonly depth: number };
  /** `level`: the 0-based level the frontline members must meet. */
  readonly frontline?: { readonly count: number; readonly level: number };
}

/** A compiled structure entry. */
export interface StructureProgram {
  readonly key: string;
  readonly requiresQualified: boolean;
  readonly levels: readonly StructureLevel[];
}

/** What the levels pass computes per member (and explain reads). */
export interface StructureLevels {
  /** Bit j set: the member meets level j + 1. */
  readonly met: Int32Array;
  /** The paid level ℓ(m), 0 for none. */
  readonly level: Uint8Array;
  /** Per level index, its team volume per member (when the level has a `team` requirement). */
  readonly team: readonly (Float64Array | undefined)[];
  /** Per level index, the number of first-level members counting toward its `sponsored` requirement. */
  readonly sponsored: readonly (Int32Array | undefined)[];
  /** Per level index, the number of first-level members meeting the level its `frontline` names. */
  readonly frontline: readonly (Int32Array | undefined)[];
}

const ENROLLED = MEMBER_STATUSES.indexOf("enrolled");

/**
 * Per measure and depth d, the team volume to depth d: the sum of the personal volume at sponsor distance
 * 0 .. d. Each depth adds the volume exactly d levels below, which is the previous depth's exact volume
 * summed over the children.
 */
function teamVolumes(run: Pick<RunContext, "genealogy" | "measures">, measure: number, depth: number): Float64Array[] {
  const { parent } = run.genealogy;
  const n = run.genealogy.size;
  let exact = run.measures.personal[measure] as Float64Array;
  const out = [Float64Array.from(exact)];
  for (let d = 1; d <= depth; d++) {
    const next = new Float64Array(n);
    for (let m = 0; m < n; m++) {
      const up = parent[m] as number;
      if (up >= 0) next[up] = (next[up] as number) + (exact[m] as number);
    }
    const team = Float64Array.from(out[d - 1] as Float64Array);
    for (let m = 0; m < n; m++) team[m] = (team[m] as number) + (next[m] as number);
    out.push(team);
    exact = next;
  }
  return out;
}

/** @internal The levels each member meets and the level paid (the pass both the run and explain use). */
export function structureLevels(run: Pick<RunContext, "genealogy" | "measures" | "qualified">, p: StructureProgram): StructureLevels {
  const { parent, order, status } = run.genealogy;
  const n = run.genealogy.size;
  const L = p.levels.length;
  // Team volumes: per measure, every depth up to the deepest asked for.
  const deepest = new Map<number, number>();
  for (const l of p.levels) if (l.team !== undefined && l.team.depth >= 0) deepest.set(l.team.measure, Math.max(deepest.get(l.team.measure) ?? 0, l.team.depth));
  const byMeasure = new Map([...deepest].map(([m, d]) => [m, teamVolumes(run, m, d)]));
  const team = p.levels.map((l) => (l.team === undefined ? undefined : l.team.depth < 0 ? (run.measures.group[l.team.measure] as Float64Array) : (byMeasure.get(l.team.measure)?.[l.team.depth] as Float64Array)));
  const sponsored = p.levels.map((l) => {
    const s = l.sponsored;
    if (s === undefined) return undefined;
    const personal = run.measures.personal[s.measure] as Float64Array;
    const counts = new Int32Array(n);
    for (let c = 0; c < n; c++) {
      const up = parent[c] as number;
      if (up >= 0 && status[c] === ENROLLED && (personal[c] as number) >= s.minimum) counts[up] = (counts[up] as number) + 1;
    }
    return counts;
  });
  // One counter per level a frontline requirement names, shared by the requirements naming it.
  const counters = new Map<number, Int32Array>();
  for (const l of p.levels) if (l.frontline !== undefined && !counters.has(l.frontline.level)) counters.set(l.frontline.level, new Int32Array(n));
  const frontline = p.levels.map((l) => (l.frontline === undefined ? undefined : counters.get(l.frontline.level)));
  const named = [...counters.keys()];
  const namedCounters = named.map((lv) => counters.get(lv) as Int32Array);
  // Each requirement as a column and a minimum, looked up once: (column, minimum) pairs per level.
  const checks = p.levels.map((l, j) => {
    const out: { column: Float64Array | Int32Array; minimum: number }[] = [];
    if (l.personal !== undefined) out.push({ column: run.measures.personal[l.personal.measure] as Float64Array, minimum: l.personal.minimum });
    if (l.sponsored !== undefined) out.push({ column: sponsored[j] as Int32Array, minimum: l.sponsored.count });
    if (l.team !== undefined) out.push({ column: team[j] as Float64Array, minimum: l.team.minimum });
    if (l.frontline !== undefined) out.push({ column: frontline[j] as Int32Array, minimum: l.frontline.count });
    return out;
  });
  const qualified = run.qualified;
  const met = new Int32Array(n);
  const level = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const m = order[i] as number;
    let bits = 0;
    if (!p.requiresQualified || qualified[m] === 1) {
      for (let j = 0; j < L; j++) {
        const c = checks[j] as { column: Float64Array | Int32Array; minimum: number }[];
        let ok = true;
        for (let q = 0; ok && q < c.length; q++) {
          const x = c[q] as { column: Float64Array | Int32Array; minimum: number };
          ok = (x.column[m] as number) >= x.minimum;
        }
        if (ok) bits |= 1 << j;
      }
    }
    met[m] = bits;
    level[m] = bits === 0 ? 0 : 32 - Math.clz32(bits);
    const up = parent[m] as number;
    if (up >= 0 && bits !== 0) {
      for (let a = 0; a < named.length; a++) {
        if ((bits & (1 << (named[a] as number))) !== 0) {
          const c = namedCounters[a] as Int32Array;
          c[up] = (c[up] as number) + 1;
        }
      }
    }
  }
  return { met, level, team, sponsored, frontline };
}

/** A fixed line's rate: 1 (its base is the amount). */
const ONE = 10 ** RATE_SCALE;

/** @internal Runs a structure bonus: publishes `<key>.level` and adds one fixed line per member paid. */
export function runStructure(run: RunContext, sink: LineSink, bonusIndex: number, p: StructureProgram, moneyScale: number): void {
  const n = run.genealogy.size;
  const s = structureLevels(run, p);
  // Amounts in volume units (a fixed line's base): money has at most 4 places.
  const toBase = 10 ** (VOLUME_SCALE - moneyScale);
  for (let m = 0; m < n; m++) {
    const j = s.level[m] as number;
    if (j === 0) continue;
    const amount = (p.levels[j - 1] as StructureLevel).amount;
    if (amount > 0) sink.add(m, bonusIndex, j, LINE_FIXED, 0, -1, amount * toBase, ONE);
  }
  run.publish("level", Float64Array.from(s.level));
  let depth = 0;
  for (const l of p.levels) if (l.team !== undefined) depth = Math.max(depth, l.team.depth);
  run.work.add(`bonus:${p.key}`, n * (2 + depth + p.levels.length));
}
