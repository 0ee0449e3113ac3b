/**
 * Computing a stairstep bonus (rules: docs/plan-language.md, "`stairstep`").
 *
 * Pass 1, children before parents: each member's bracket volume B and paid group G (breakaway groups
 * left out), step and breakaway. Pass 2 by method. The differential keeps, per member, its group's volume
 * split by the highest paying rate on the path from each unit up to the member (a vector over the plan's
 * distinct rates, at most 31 long): a member's lines on a leg are the leg's vector entries below the
 * member's rate, paid at the difference. Work is n × (distinct rates) plus the override's walk, at most
 * `generations` breakaway ancestors per breakaway member: linear in the members for a given plan.
 *
 * Invariants: paid + withheld + breakage = potential exactly (result.ts checks it on every run); no line has
 * an exact value of 0.
 */
import { ExactProductSum } from "../../money/decimal.js";
import { LineSink, linesByRecipient } from "../../run/lines.js";
import type { LevelAccounting, RunContext } from "../family.js";

/** A compiled stairstep entry: indices, volumes in volume units, rates × point value in rate units. */
export interface StairstepProgram {
  readonly key: string;
  /** Measure index of the bracket volume. */
  readonly volume: number;
  /** Measure index of the paid volume. */
  readonly measure: number;
  /** `on: personal`: the bracket volume is the member's personal volume. */
  readonly personalBracket: boolean;
  /** Step minimums (steps by volume), lowest first; empty for steps by rank. */
  readonly minimums: readonly number[];
  /** Step ranks (steps by rank), lowest first; empty for steps by volume. */
  readonly ranks: readonly number[];
  /** Step rates × point value, in rate units. */
  readonly rates: readonly number[];
  readonly method: "differential" | "deduct" | "personal" | "group";
  /** `unqualified: roll-up`: an unqualified member's rate is 0. */
  readonly rollUp: boolean;
  readonly perMember: boolean;
  /** The breakaway step number, 0 for none. */
  readonly breakawayFrom: number;
  /** Override rates × point value by generation, in rate units. */
  readonly generations: readonly number[];
  readonly minimumGroup: number;
  readonly minimumLegs: number;
}

/** The per-member results of pass 1 (also what explain recomputes). */
export interface StairstepGroups {
  /** Bracket volume B. */
  readonly bracket: Float64Array;
  /** Paid group G. */
  readonly group: Float64Array;
  /** Step number, 0 for none. */
  readonly step: Uint8Array;
  /** 1 when the member breaks away. */
  readonly breakaway: Uint8Array;
}

/** @internal Pass 1: bracket volume, paid group, step and breakaway of every member. */
export function stairstepGroups(run: Pick<RunContext, "genealogy" | "measures" | "qualified" | "rank">, p: StairstepProgram): StairstepGroups {
  const { parent, order } = run.genealogy;
  const n = run.genealogy.size;
  const personalB = run.measures.personal[p.volume] as Float64Array;
  const bracket = Float64Array.from(personalB);
  const group = Float64Array.from(run.measures.personal[p.measure] as Float64Array);
  const step = new Uint8Array(n);
  const breakaway = new Uint8Array(n);
  const byRank = p.ranks.length > 0;
  const steps = p.rates.length;
  for (let i = n - 1; i >= 0; i--) {
    const m = order[i] as number;
    let s = 0;
    if (byRank) {
      const r = run.rank[m] as number;
      for (let k = steps - 1; k >= 0; k--) {
        if ((p.ranks[k] as number) <= r) {
          s = k + 1;
          break;
        }
      }
    } else {
      const b = bracket[m] as number;
      for (let k = steps - 1; k >= 0; k--) {
        if ((p.minimums[k] as number) <= b) {
          s = k + 1;
          break;
        }
      }
    }
    step[m] = s;
    const away = p.breakawayFrom > 0 && run.qualified[m] === 1 && s >= p.breakawayFrom;
    if (away) breakaway[m] = 1;
    const up = parent[m] as number;
    if (up >= 0 && !away) {
      if (!p.personalBracket) bracket[up] = (bracket[up] as number) + (bracket[m] as number);
      group[up] = (group[up] as number) + (group[m] as number);
    }
  }
  return { bracket, group, step, breakaway };
}

/** @internal Runs a stairstep bonus: publishes its columns, adds its lines, returns its accounting. */
export function runStairstep(run: RunContext, sink: LineSink, bonusIndex: number, p: StairstepProgram): LevelAccounting {
  const n = run.genealogy.size;
  const g = stairstepGroups(run, p);
  const { step, group, breakaway } = g;
  const out = p.perMember ? new LineSink(1024) : sink;
  const paid = new ExactProductSum();
  const potential = new ExactProductSum();
  const withheld = new ExactProductSum();
  const unqualified = new ExactProductSum();
  const overrideLost = new ExactProductSum();
  const qualified = run.qualified;
  const stepRate = (m: number): number => {
    const s = step[m] as number;
    return s === 0 ? 0 : (p.rates[s - 1] as number);
  };
  /** A line to `to` when they are paid, or breakage (`member-unqualified`) when they are not. */
  const pay = (to: number, level: number, source: number, base: number, rate: number) => {
    if (base === 0 || rate === 0) return;
    if (qualified[to] === 1) {
      out.add(to, bonusIndex, level, 0, 1, source, base, rate);
      paid.add(base, rate);
    } else unqualified.add(base, rate);
  };
  let work = 2 * n;

  if (p.method === "differential") work += differential(run, p, g, pay, potential, withheld, stepRate);
  else {
    const { childStart, childList } = run.genealogy;
    const personal = run.measures.personal[p.measure] as Float64Array;
    for (let m = 0; m < n; m++) {
      const s = stepRate(m);
      if (s === 0 || (qualified[m] !== 1 && p.rollUp && p.method !== "deduct")) continue;
      if (p.method === "personal") {
        potential.add(personal[m] as number, s);
        pay(m, 0, m, personal[m] as number, s);
        continue;
      }
      potential.add(group[m] as number, s);
      pay(m, 0, m, group[m] as number, s);
      if (p.method === "group") continue;
      const lo = childStart[m] as number;
      const hi = childStart[m + 1] as number;
      work += hi - lo;
      for (let x = lo; x < hi; x++) {
        const c = childList[x] as number;
        if (breakaway[c] === 1) continue;
        const sc = stepRate(c);
        withheld.add(group[c] as number, sc);
        pay(m, 0, c, group[c] as number, -sc);
      }
    }
  }
  if (p.generations.length > 0 && p.breakawayFrom > 0) work += override(run, p, g, out, bonusIndex, paid, potential, overrideLost);
  if (p.perMember) mergeLines(out, sink, n);

  run.publish("step", Float64Array.from(step));
  run.publish("bracket", g.bracket);
  run.publish("group", group);
  run.publish("breakaway", Float64Array.from(breakaway));
  run.work.add(`bonus:${p.key}`, work);
  return {
    potential: potential.value(),
    paid: paid.value(),
    compressedUp: 0n,
    withheld: withheld.value(),
    breakage: { "member-unqualified": unqualified.value(), "override-unqualified": overrideLost.value() },
  };
}

/**
 * The differential (method `differential`): children before parents, each member's group vector `H` (volume
 * by the highest paying rate from the unit up to the member, as an index into the distinct rates) is
 * collapsed at the member's own rate and offered to the parent, who is paid the difference on the entries
 * below their rate. Returns the work done.
 */
function differential(
  run: RunContext,
  p: StairstepProgram,
  g: StairstepGroups,
  pay: (to: number, level: number, source: number, base: number, rate: number) => void,
  potential: ExactProductSum,
  withheld: ExactProductSum,
  stepRate: (m: number) => number,
): number {
  const { parent, order } = run.genealogy;
  const n = run.genealogy.size;
  const personal = run.measures.personal[p.measure] as Float64Array;
  const rates = [...new Set([0, ...p.rates])].sort((a, b) => a - b);
  const K = rates.length;
  const rateIndex = new Map(rates.map((r, k) => [r, k]));
  // The paying rate's index per member: 0 for an unqualified member under roll-up.
  const at = new Uint8Array(n);
  for (let m = 0; m < n; m++) {
    if (run.qualified[m] === 1 || !p.rollUp) at[m] = rateIndex.get(stepRate(m)) as number;
  }
  const H = new Float64Array(n * K);
  for (let i = n - 1; i >= 0; i--) {
    const m = order[i] as number;
    const km = at[m] as number;
    const rm = rates[km] as number;
    const row = m * K;
    if (rm > 0) {
      potential.add(g.group[m] as number, rm);
      pay(m, 0, m, personal[m] as number, rm);
    }
    let below = personal[m] as number;
    for (let k = 0; k < km; k++) {
      below += H[row + k] as number;
      H[row + k] = 0;
    }
    H[row + km] = (H[row + km] as number) + below;
    const up = parent[m] as number;
    if (up < 0 || g.breakaway[m] === 1) continue;
    const ku = at[up] as number;
    const ru = rates[ku] as number;
    const urow = up * K;
    for (let k = 0; k < K; k++) {
      const v = H[row + k] as number;
      if (v === 0) continue;
      if (ru > 0) {
        const rk = rates[k] as number;
        if (rk < ru) pay(up, 0, m, v, ru - rk);
        withheld.add(v, rk < ru ? rk : ru);
      }
      H[urow + k] = (H[urow + k] as number) + v;
    }
  }
  return n * K;
}

/**
 * The breakaway override: each breakaway member's group pays its k-th breakaway ancestor the generation-k
 * rate, when that ancestor meets the conditions (else breakage). Returns the work done.
 */
function override(run: RunContext, p: StairstepProgram, g: StairstepGroups, out: LineSink, bonusIndex: number, paid: ExactProductSum, potential: ExactProductSum, lost: ExactProductSum): number {
  const { parent, order } = run.genealogy;
  const n = run.genealogy.size;
  const { breakaway, group, bracket } = g;
  // Nearest breakaway member strictly above each member, parents first.
  const nearest = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const m = order[i] as number;
    const up = parent[m] as number;
    nearest[m] = up < 0 ? -1 : breakaway[up] === 1 ? up : (nearest[up] as number);
  }
  // Breakaway legs: first-level members whose leg (them or below) holds a breakaway member.
  const holds = new Uint8Array(n);
  const legs = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const m = order[i] as number;
    if (breakaway[m] === 1) holds[m] = 1;
    const up = parent[m] as number;
    if (up >= 0 && holds[m] === 1) {
      legs[up] = (legs[up] as number) + 1;
      holds[up] = 1;
    }
  }
  let work = 2 * n;
  for (let i = 0; i < n; i++) {
    const d = order[i] as number;
    if (breakaway[d] !== 1) continue;
    const v = group[d] as number;
    let u = nearest[d] as number;
    for (let k = 1; u >= 0 && k <= p.generations.length; k++, u = nearest[u] as number) {
      work++;
      const rate = p.generations[k - 1] as number;
      if (v === 0 || rate === 0) continue;
      potential.add(v, rate);
      const earns = run.qualified[u] === 1 && (bracket[u] as number) >= p.minimumGroup && (legs[u] as number) >= p.minimumLegs;
      if (earns) {
        out.add(u, bonusIndex, k, 0, 1, d, v, rate);
        paid.add(v, rate);
      } else lost.add(v, rate);
    }
  }
  return work;
}

/**
 * `lines: per-member`: merges each recipient's lines of one generation and rate (sources counted), in the
 * order (recipient, generation, rate). Lines are bucketed by recipient in linear time; a recipient's lines
 * are few (at most one per distinct rate and generation after merging), so each bucket is merged by a scan.
 */
function mergeLines(from: LineSink, to: LineSink, n: number): void {
  const { start, order: byRecipient } = linesByRecipient(from, n);
  // Per recipient: the distinct (level, rate) keys met so far, each with its base, count and first line.
  const keys: { level: number; rate: number; base: number; sources: number; first: number }[] = [];
  for (let r = 0; r < n; r++) {
    const lo = start[r] as number;
    const hi = start[r + 1] as number;
    if (lo === hi) continue;
    keys.length = 0;
    for (let a = lo; a < hi; a++) {
      const l = byRecipient[a] as number;
      const level = from.level[l] as number;
      const rate = from.rate[l] as number;
      let key = keys.find((k) => k.level === level && k.rate === rate);
      if (key === undefined) {
        key = { level, rate, base: 0, sources: 0, first: l };
        keys.push(key);
      }
      key.base += from.base[l] as number;
      key.sources++;
    }
    keys.sort((x, y) => x.level - y.level || x.rate - y.rate);
    for (const k of keys) {
      if (k.base !== 0) to.add(r, from.bonus[k.first] as number, k.level, 0, k.sources, k.sources === 1 ? (from.source[k.first] as number) : -1, k.base, k.rate);
    }
  }
}
