/**
 * Explaining a stairstep bonus for one member (rules: docs/plan-language.md, "`stairstep`") by recomputing
 * only that member's part: the step their bracket volume reaches; for each line its base, rate and what
 * they are made of (for a leg, the members below whose rate is subtracted); the legs that broke away and
 * the override they pay; and what was not paid, and why.
 *
 * Pass 1 of the run (bracket and paid group of every member, run.ts `stairstepGroups`) is recomputed once
 * per run and kept for later explanations of the same run. Then one walk of the member's subtree in
 * preorder: their group (each unit's highest paying rate on its way up to the member, by leg), the first
 * members who break away below it, and, for a member who earns an override, the breakaway groups down to
 * the last generation paid. Nothing is read from a stored trace; the lines are checked against the
 * statement by the caller (src/audit/explain.ts).
 */
import type { BonusExplanation, ExplainContext, LineBasis, NotPaid, QualificationCheck, SourceList } from "../../audit/explanation.js";
import { SourceCollector } from "../../audit/sources.js";
import { grouped, percentUnits as percent, plural } from "../../audit/words.js";
import { textOrder } from "../../input/text-order.js";
import { VALUE_SCALE, VOLUME_SCALE, formatRate, formatTrimmed, formatVolume } from "../../money/decimal.js";
import { rateUnits, volumeUnits } from "../../plan/units.js";
import { type StairstepGroups, type StairstepProgram, stairstepGroups } from "./run.js";
import type { StairstepConfig } from "./stairstep.js";

/** Most members named in one sentence (setters of a rate, parts of a merged line). */
const NAMED_MAX = 3;
/** Most parts listed in the note of a merged (`lines: per-member`) line. */
const PARTS_MAX = 10;

/** Volume from some members: count and total of all of them, the largest few kept. */
class Sources {
  count = 0;
  sum = 0;
  private floor = Number.NEGATIVE_INFINITY;
  private readonly keep: SourceCollector;

  constructor(ctx: ExplainContext) {
    this.keep = new SourceCollector(ctx.sourcesMax, ctx.genealogy.ids);
  }

  add(member: number, volume: number, distance: number): void {
    if (volume === 0) return;
    this.count++;
    this.sum += volume;
    if (volume >= this.floor) this.floor = this.keep.offer(member, volume, distance, distance);
  }

  list(ctx: ExplainContext, measure: number): SourceList {
    return this.keep.list(ctx, measure, this.count, this.sum);
  }
}

/** Volume of one leg of the member's group whose highest paying rate below the member is one value. */
interface Bucket {
  readonly sources: Sources;
  /** The members who set the rate (each the topmost on its way up with it), with the volume they set it on. */
  readonly setters: Setter[];
}

/** A member who sets the highest rate below the explained member for the members below it. */
interface Setter {
  readonly member: number;
  volume: number;
}

/** A first-level member of the explained member and their part of the member's group. */
interface Leg {
  readonly member: number;
  /** By highest paying rate below the member (unscaled rate units), in the order first met. */
  readonly buckets: Map<number, Bucket>;
  /** Every member of the leg within the group. */
  readonly all: Sources;
  /** Whether the leg holds a member who breaks away (for `minimumLegs`). */
  holds: boolean;
}

/** A member below who breaks away, found by the walk. */
interface Away {
  readonly member: number;
  /** Breakaway members from the explained member down to it, itself included. */
  readonly generation: number;
  /** The breakaway member above it within the walk (its generation − 1), or -1 for the explained member. */
  readonly above: number;
  /** The members of its own group (filled only when the walk goes into it). */
  readonly group: Sources;
}

/** What one walk of the member's subtree found. */
interface Walked {
  readonly legs: Leg[];
  readonly aways: Away[];
  /** Every member of the explained member's group, the member included (when the walk lists them). */
  readonly group: Sources;
}

/** A line before per-member merging: its recipient-side facts and the words for it. */
interface Piece {
  readonly level: number;
  /** The line's source member, -1 for none. */
  readonly source: number;
  readonly base: number;
  /** Rate × point value, in rate units. */
  readonly rate: number;
  readonly note: () => string;
  /** What the piece adds to a merged line's note ("A's group BV 18,000, where A's … sets 6%"). */
  readonly part: () => string;
  /** Opening words of a merged line of its kind ("your group PV 1,500 sets 9%; you earn 9% − 6% = 3%"). */
  readonly head: () => string;
  readonly from: readonly Sources[];
}

/** @internal Builds the `explain` method of a compiled stairstep bonus from its plan entry and program. */
export function stairstepExplainer(config: StairstepConfig, p: StairstepProgram): (ctx: ExplainContext, member: number) => BonusExplanation {
  const pointValue = volumeUnits(config.pointValue);
  const unitPoint = pointValue === 10 ** VOLUME_SCALE;
  const stepUnits = config.steps.map((s) => rateUnits(s.rate));
  const genUnits = (config.breakaway?.generations ?? []).map(rateUnits);
  /** Rate units × point value, as the run computes them (stairstep.ts `compile`). */
  const scaled = (u: number) => (u * pointValue) / 10 ** VOLUME_SCALE;
  const byRank = p.ranks.length > 0;
  const volumeName = config.volume;
  const measureName = config.measure ?? config.volume;
  const cache = new WeakMap<Uint8Array, StairstepGroups>();

  return (ctx, m) => {
    let g = cache.get(ctx.qualified);
    if (g === undefined) cache.set(ctx.qualified, (g = stairstepGroups(ctx, p)));
    const G = g;
    const q = ctx.qualified;
    const ids = ctx.genealogy.ids;
    const id = (x: number) => ids.at(x) as string;
    const vol = (units: number) => grouped(formatVolume(units));
    const money = (base: number, rate: number) => grouped(formatTrimmed(BigInt(base) * BigInt(rate), VALUE_SCALE, ctx.moneyScale));
    const stepRate = (x: number) => ((G.step[x] as number) === 0 ? 0 : (stepUnits[(G.step[x] as number) - 1] as number));
    /** The paying rate r(x), unscaled: 0 for an unqualified member under roll-up. */
    const paying = (x: number) => (q[x] === 1 || !p.rollUp ? stepRate(x) : 0);
    const rankName = (x: number) => ((ctx.rank[x] as number) >= 0 ? `paid-as rank ${ctx.rankNames[ctx.rank[x] as number]}` : "no paid-as rank");
    const bracketWords = (x: number) => (byRank ? rankName(x) : `${p.personalBracket ? "personal" : "group"} ${volumeName} ${vol(G.bracket[x] as number)}`);
    const owner = (x: number) => (x === m ? "your" : `${id(x)}'s`);
    /** "A's group PV 2,000 sets 12%". */
    const sets = (x: number) => `${owner(x)} ${bracketWords(x)} sets ${percent(stepRate(x))}`;
    /** "at step 5 (21%) with group PV 12,000". */
    const atStep = (x: number) => `at step ${G.step[x]} (${percent(stepRate(x))}) with ${bracketWords(x)}`;
    /** A member who sets a rate below m, with a word when they are not qualified (unqualified: breakage). */
    const setsBelow = (x: number) => `${sets(x)}${q[x] === 1 ? "" : ` (${id(x)} is not qualified; under unqualified: breakage the rate still counts)`}`;
    /** A rate and its point value: "21%", "21% − 12% = 9%", "(21% − 12%) × 18 = 1.62 per PV". */
    const rateWords = (R: number, h: number) => {
      const diff = h === 0 ? percent(R) : `${percent(R)} − ${percent(h)}`;
      if (unitPoint) return h === 0 ? diff : `${diff} = ${percent(R - h)}`;
      return `${h === 0 ? diff : `(${diff})`} × ${vol(pointValue)} = ${formatRate(scaled(R) - scaled(h))} per ${measureName}`;
    };
    /** The rate words followed by "of" (or, per unit of volume, "on"): "9% of", "9% × 18 = 1.62 per PV on". */
    const rateOf = (r: number, h: number) => `${rateWords(r, h)} ${unitPoint ? "of" : "on"}`;
    const R = stepRate(m);
    const paid = q[m] === 1;
    const yours = sets(m);
    const up = ctx.genealogy.parent[m] as number;
    /** Said once, on the own (or gross) line of a member who breaks away. */
    const brokeAway = G.breakaway[m] === 1 ? `; you broke away (qualified, at step ${G.step[m]}; breakaway from step ${p.breakawayFrom})${up >= 0 ? `: your group is not part of ${id(up)}'s` : ""}` : "";

    const lines: LineBasis[] = [];
    const notPaid: NotPaid[] = [];
    const pieces: Piece[] = [];
    const earnsOverride = G.breakaway[m] === 1 && genUnits.length > 0 && p.breakawayFrom > 0;
    // Method personal without a breakaway needs no group (its lines are the member's own volume).
    const w = p.method === "personal" && p.breakawayFrom === 0 ? undefined : walk(ctx, m, G, p, p.method === "differential" ? paying : () => 0, earnsOverride ? genUnits.length : 0, p.method === "deduct", p.method !== "differential");
    const personal = (ctx.measures.personal[p.measure] as Float64Array)[m] as number;
    const own = new Sources(ctx);
    own.add(m, personal, 0);
    const groupV = G.group[m] as number;
    const awayNote = w !== undefined && w.aways.some((a) => a.generation === 1) ? ", down to the members who broke away" : "";

    // Would-be pieces at the member's step rate: lines when the member is paid, forgone otherwise.
    if (R > 0) {
      const r = scaled(R);
      switch (p.method) {
        case "personal":
          if (personal !== 0) pieces.push({ level: 0, source: m, base: personal, rate: r, note: () => `${yours}: ${rateOf(R, 0)} your own ${measureName} ${vol(personal)} = ${money(personal, r)}${brokeAway}`, part: () => `your own ${vol(personal)}`, head: () => `${yours}: ${rateOf(R, 0)}`, from: [own] });
          break;
        case "group":
          if (groupV !== 0) pieces.push({ level: 0, source: m, base: groupV, rate: r, note: () => `${yours}: ${rateOf(R, 0)} your unit's ${measureName} ${vol(groupV)} (you and everyone below you${awayNote}) = ${money(groupV, r)}${brokeAway}`, part: () => `your unit's ${vol(groupV)}`, head: () => `${yours}: ${rateOf(R, 0)}`, from: [(w as Walked).group] });
          break;
        case "deduct": {
          const walked = w as Walked;
          if (groupV !== 0) pieces.push({ level: 0, source: m, base: groupV, rate: r, note: () => `${yours}: ${rateOf(R, 0)} your group ${measureName} ${vol(groupV)} (you and everyone below you${awayNote}) = ${money(groupV, r)}${brokeAway}`, part: () => `your group ${vol(groupV)}`, head: () => `${yours}: ${rateOf(R, 0)}`, from: [walked.group] });
          for (const leg of walked.legs) {
            const c = leg.member;
            const gc = G.group[c] as number;
            const sc = stepRate(c);
            // A sponsored member who broke away is not deducted: their group left the member's.
            if (G.breakaway[c] === 1 || gc === 0 || sc === 0) continue;
            const unq = q[c] === 1 ? "" : ` (deducted though ${id(c)} is not qualified)`;
            pieces.push({
              level: 0,
              source: c,
              base: gc,
              rate: -scaled(sc),
              note: () => `less ${id(c)}'s own bonus (you sponsored ${id(c)}): ${sets(c)}: ${rateOf(sc, 0)} ${id(c)}'s group ${measureName} ${vol(gc)} = ${money(gc, scaled(sc))}${unq}`,
              part: () => `${id(c)}'s group ${vol(gc)}`,
              head: () => `less the own bonuses of members you sponsored: ${rateOf(sc, 0)}`,
              from: [leg.all],
            });
          }
          break;
        }
        case "differential": {
          if (personal !== 0) pieces.push({ level: 0, source: m, base: personal, rate: r, note: () => `${yours}: ${rateOf(R, 0)} your own ${measureName} ${vol(personal)} = ${money(personal, r)}${brokeAway}`, part: () => `your own ${vol(personal)}`, head: () => `${yours}; you earn ${rateOf(R, 0)}`, from: [own] });
          for (const leg of (w as Walked).legs) {
            const c = leg.member;
            const whole = leg.buckets.size === 1;
            for (const h of [...leg.buckets.keys()].sort((a, b) => a - b)) {
              const b = leg.buckets.get(h) as Bucket;
              if (h >= R || b.sources.sum === 0) continue;
              const rate = r - scaled(h);
              const earn = () => {
                const where = whole ? `${id(c)}'s group ${measureName} ${vol(b.sources.sum)}` : `${measureName} ${vol(b.sources.sum)} in ${id(c)}'s leg`;
                const which = whole ? "" : ` (the part of the leg where ${h === 0 ? "no one below you has a rate" : `${percent(h)} is the highest rate below you`})`;
                return `you earn ${h === 0 ? "your full " : ""}${rateOf(R, h)} ${where} = ${money(b.sources.sum, rate)}${which}`;
              };
              pieces.push({
                level: 0,
                source: c,
                base: b.sources.sum,
                rate,
                note: () => h === 0 ? `${yours}; ${whole ? `no one in ${id(c)}'s group has a rate, so ` : ""}${earn()}` : `${yours}; ${setters(b, h)}; ${earn()}`,
                part: () => whole ? `${id(c)}'s group ${vol(b.sources.sum)}${h === 0 ? "" : ` (${setters(b, h)})`}` : `${vol(b.sources.sum)} in ${id(c)}'s leg${h === 0 ? "" : ` (${setters(b, h)})`}`,
                head: () => `${yours}; you earn ${rateOf(R, h)}`,
                from: [b.sources],
              });
            }
          }
          break;
        }
      }
    }
    if (earnsOverride) {
      for (const a of (w as Walked).aways) {
        const u = genUnits[a.generation - 1];
        const gd = G.group[a.member] as number;
        if (u === undefined || u === 0 || gd === 0) continue;
        const d = id(a.member);
        const where = a.generation === 1 ? "you" : `${id(a.above)}, your generation ${a.generation - 1}`;
        pieces.push({
          level: a.generation,
          source: a.member,
          base: gd,
          rate: scaled(u),
          note: () => `override, generation ${a.generation}: ${rateOf(u, 0)} ${d}'s group ${measureName} ${vol(gd)} = ${money(gd, scaled(u))}; ${d} is the first to break away below ${where} (qualified, ${atStep(a.member)}; breakaway from step ${p.breakawayFrom})`,
          part: () => `${d}'s group ${vol(gd)}`,
          head: () => `override, generation ${a.generation}: ${rateOf(u, 0)} the groups of the members who broke away at your generation ${a.generation}`,
          from: [a.group],
        });
      }
    }

    // The override conditions (a breakaway member always is qualified).
    const legsHeld = w === undefined ? 0 : w.legs.filter((l) => l.holds).length;
    const failed: QualificationCheck[] = [];
    if (earnsOverride) {
      const bracket = G.bracket[m] as number;
      if (bracket < p.minimumGroup) failed.push({ condition: "minimumGroup", measure: volumeName, actual: formatVolume(bracket), required: formatVolume(p.minimumGroup), met: false });
      if (legsHeld < p.minimumLegs) failed.push({ condition: "minimumLegs", actual: String(legsHeld), required: String(p.minimumLegs), met: false });
    }
    const levelZero = pieces.filter((x) => x.level === 0);
    const overrides = pieces.filter((x) => x.level > 0);
    const value = (xs: readonly Piece[]) => xs.reduce((s, x) => s + BigInt(x.base) * BigInt(x.rate), 0n);
    const shown = [...(paid ? levelZero : []), ...(failed.length === 0 ? overrides : [])];
    for (const l of order(ctx, config.lines === "per-member" ? merge(shown, (base, rate) => `${measureName} ${vol(base)} = ${money(base, rate)}`) : shown.map((x) => ({ ...x, sources: 1 })))) {
      lines.push({
        fields: { level: l.level, sources: l.sources, ...(l.source >= 0 ? { source: id(l.source) } : {}) },
        base: formatVolume(l.base),
        rate: formatRate(l.rate),
        from: fromOf(ctx, l.from, p.measure),
        note: l.note(),
      });
    }

    // Why nothing, or less.
    const firstStep = config.steps[0] as (typeof config.steps)[number];
    if (R === 0 && (G.step[m] as number) === 0) {
      if (byRank) {
        const yourRank = (ctx.rank[m] as number) >= 0 ? `your ${rankName(m)} is below` : "you have no paid-as rank, below";
        notPaid.push({ reason: "no-step", message: `${yourRank} the first step's rank ${firstStep.rank} (${percent(stepUnits[0] as number)}): no rate`, rank: firstStep.rank as string });
      } else {
        const first = p.minimums[0] as number;
        const have = G.bracket[m] as number;
        notPaid.push({
          reason: "no-step",
          message: `your ${bracketWords(m)} is below the first step, ${vol(first)} for ${percent(stepUnits[0] as number)} (${vol(first - have)} short): no rate`,
          volume: formatVolume(have),
          rate: formatRate(scaled(stepUnits[0] as number)),
        });
      }
    } else if (R === 0) {
      notPaid.push({ reason: "rate-zero", message: `${yours}: the plan's rate of step ${G.step[m]} is 0` });
    }
    if (R > 0 && !paid) {
      const would = levelZero;
      const forgone = formatTrimmed(value(would), VALUE_SCALE, ctx.moneyScale);
      const volume = would.filter((x) => x.rate > 0).reduce((s, x) => s + x.base, 0);
      const conditions = ctx.qualification.filter((c) => !c.met);
      const but = `${yours}, but you were not qualified`;
      let message: string;
      if (p.method === "deduct") message = `${but}: your group's bonus less the bonuses of the members you sponsored is breakage (a deduct bonus pays qualified members only)`;
      else if (!p.rollUp) message = `${but}: what it would pay you is breakage (unqualified: breakage), and the members above still count your ${percent(R)}`;
      else if (p.method === "differential") message = `${but}, so your ${percent(R)} counts as 0 (unqualified: roll-up) and rolls up: ${rolledTo(ctx, G, m, paying, id)}`;
      else message = `${but}, so it pays you nothing (unqualified: roll-up)`;
      notPaid.push({ reason: "member-unqualified", message, volume: formatVolume(volume), rate: formatRate(scaled(R)), forgone, conditions });
    }
    const s = G.step[m] as number;
    if (s > 0 && s < config.steps.length) {
      const next = config.steps[s] as (typeof config.steps)[number];
      const nextRate = stepUnits[s] as number;
      if (byRank) {
        notPaid.push({ reason: "next-step", message: `step ${s} of ${config.steps.length} (${percent(R)}); paid as ${next.rank} reaches step ${s + 1} (${percent(nextRate)})`, rate: formatRate(scaled(nextRate)), rank: next.rank as string });
      } else {
        const more = (p.minimums[s] as number) - (G.bracket[m] as number);
        notPaid.push({
          reason: "next-step",
          message: `step ${s} of ${config.steps.length} (${percent(R)}); ${vol(more)} more ${p.personalBracket ? "personal" : "group"} ${volumeName} reaches step ${s + 1} (${percent(nextRate)})`,
          volume: formatVolume(more),
          rate: formatRate(scaled(nextRate)),
        });
      }
    }
    if (w !== undefined && p.method === "differential" && paid && R > 0) {
      for (const leg of [...w.legs].sort(byMember(ctx))) {
        const blocked = [...leg.buckets.entries()].filter(([h, b]) => h >= R && b.sources.sum !== 0);
        if (blocked.length === 0) continue;
        const sum = blocked.reduce((t, [, b]) => t + b.sources.sum, 0);
        const setBy = blocked.flatMap(([, b]) => b.setters).filter((x) => x.volume !== 0);
        const named = topSetters(ctx, setBy).map((y) => `${setsBelow(y.member)}, not below your ${percent(R)}`);
        const more = setBy.length - named.length;
        notPaid.push({
          reason: "rate-not-below",
          message: `${id(leg.member)}'s leg: ${named.join("; ")}${more > 0 ? `; and ${plural(more, "more member")}` : ""}: ${measureName} ${vol(sum)} there pays you nothing (the rates below take it)`,
          volume: formatVolume(sum),
          rate: formatRate(scaled(R)),
          from: fromOf(ctx, blocked.map(([, b]) => b.sources), p.measure),
        });
      }
    }
    // Who broke away below the member: their groups left the member's.
    const bracketLeaves = !p.personalBracket && !byRank;
    const pays = p.method === "differential" ? ", and pays you no differential" : p.method === "deduct" ? ", and is not part of your group bonus" : p.method === "group" ? ", and is not part of your unit" : "";
    for (const a of w?.aways ?? []) {
      if (a.generation !== 1) continue;
      const d = id(a.member);
      const gd = G.group[a.member] as number;
      const left = bracketLeaves
        ? `group ${volumeName} ${vol(G.bracket[a.member] as number)}${measureName === volumeName ? "" : ` and group ${measureName} ${vol(gd)}`} left your bracket and group volume`
        : `group ${measureName} ${vol(gd)} left your group volume`;
      const u = genUnits[0];
      const instead = !earnsOverride
        ? genUnits.length === 0
          ? ""
          : `; only a member who breaks away (qualified, at step ${p.breakawayFrom} or above) earns an override on it (you: ${s === 0 ? "no step" : `step ${s}`}${paid ? "" : ", not qualified"})`
        : u === undefined || u === 0 || gd === 0
          ? ""
          : failed.length > 0
            ? `; its override, ${rateOf(u, 0)} ${vol(gd)}, is breakage (see override-unqualified)`
            : `; you earn an override on it instead (generation 1, ${rateWords(u, 0)})`;
      notPaid.push({
        reason: "breakaway",
        message: `${d} broke away (qualified, ${atStep(a.member)}; breakaway from step ${p.breakawayFrom}): ${d}'s ${left}${pays}${instead}`,
        volume: formatVolume(gd),
      });
    }
    if (earnsOverride && failed.length > 0 && overrides.length > 0) {
      const forgone = formatTrimmed(value(overrides), VALUE_SCALE, ctx.moneyScale);
      const what = failed.map((c) => (c.condition === "minimumGroup" ? `${p.personalBracket ? "personal" : "group"} ${volumeName} of at least ${vol(p.minimumGroup)} (yours: ${vol(G.bracket[m] as number)})` : `${plural(p.minimumLegs, "breakaway leg")} (yours: ${legsHeld})`));
      notPaid.push({
        reason: "override-unqualified",
        message: `your overrides need ${what.join(" and ")}: the overrides on ${plural(overrides.length, "breakaway group")} below you, ${grouped(forgone)} in all, are breakage`,
        volume: formatVolume(overrides.reduce((t, x) => t + x.base, 0)),
        forgone,
        conditions: failed,
      });
    }
    return { lines, notPaid };

    /** The members who set rate h on a bucket, the ones setting most of its volume first. */
    function setters(b: Bucket, h: number): string {
      const all = b.setters.filter((x) => x.volume !== 0);
      const top = topSetters(ctx, all);
      if (top.length === 1 && all.length === 1) return setsBelow((top[0] as Setter).member);
      const names = top.map((y) => `${owner(y.member)} ${bracketWords(y.member)}`);
      const more = all.length - top.length;
      return `${names.join(", ")}${more > 0 ? ` and ${plural(more, "more member")}` : ""} each set ${percent(h)}`;
    }
  };
}

/** The largest few setters by the volume they set the rate on (ties by member id). */
function topSetters(ctx: ExplainContext, setBy: readonly Setter[]): Setter[] {
  const byId = textOrder(ctx.genealogy.ids);
  return [...setBy].sort((a, b) => b.volume - a.volume || byId(a.member, b.member)).slice(0, NAMED_MAX);
}

/** Legs ordered by member id. */
function byMember(ctx: ExplainContext): (a: Leg, b: Leg) => number {
  const byId = textOrder(ctx.genealogy.ids);
  return (a, b) => byId(a.member, b.member);
}

/** Who earns an unqualified member's rolled-up rate: the nearest member above with a paying rate. */
function rolledTo(ctx: ExplainContext, g: StairstepGroups, m: number, paying: (x: number) => number, id: (x: number) => string): string {
  const parent = ctx.genealogy.parent;
  for (let u = parent[m] as number; u >= 0; u = parent[u] as number) {
    const r = paying(u);
    if (r > 0) return `${id(u)}, the nearest member above you with a rate (${percent(r)}), earns on your group's volume instead`;
    if (g.breakaway[u] === 1) break;
  }
  return "no member above you has a rate, so no one earns it";
}

/** One source list for the sources of one or more parts (disjoint sets of members). */
function fromOf(ctx: ExplainContext, parts: readonly Sources[], measure: number): SourceList {
  const lists = parts.map((s) => s.list(ctx, measure));
  if (lists.length === 1) return lists[0] as SourceList;
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const shown = lists
    .flatMap((l) => l.shown)
    .sort((a, b) => volumeUnits(b.volume) - volumeUnits(a.volume) || byId(a.memberId, b.memberId))
    .slice(0, ctx.sourcesMax);
  const count = parts.reduce((t, s) => t + s.count, 0);
  return { count, volume: formatVolume(parts.reduce((t, s) => t + s.sum, 0)), shown, omitted: count - shown.length };
}

/** A line as the statement has it: a piece, or pieces merged (`lines: per-member`). */
interface Line extends Piece {
  readonly sources: number;
}

/**
 * `lines: per-member` (run.ts `mergeLines`): a member's pieces of one level and rate make one line (its
 * sources counted, its source kept only when one), in order of level and rate; a zero base makes none.
 */
function merge(pieces: readonly Piece[], value: (base: number, rate: number) => string): Line[] {
  const sorted = pieces.map((x, i) => ({ x, i })).sort((a, b) => a.x.level - b.x.level || a.x.rate - b.x.rate || a.i - b.i);
  const out: Line[] = [];
  for (let a = 0; a < sorted.length; ) {
    const first = (sorted[a] as { x: Piece }).x;
    let b = a;
    const group: Piece[] = [];
    while (b < sorted.length && (sorted[b] as { x: Piece }).x.level === first.level && (sorted[b] as { x: Piece }).x.rate === first.rate) group.push((sorted[b++] as { x: Piece }).x);
    a = b;
    const base = group.reduce((t, x) => t + x.base, 0);
    if (base === 0) continue;
    if (group.length === 1) {
      out.push({ ...first, sources: 1 });
      continue;
    }
    const parts = () => group.slice(0, PARTS_MAX).map((x) => x.part());
    const more = group.length - Math.min(group.length, PARTS_MAX);
    out.push({
      ...first,
      source: -1,
      base,
      sources: group.length,
      note: () => `${first.head()} ${value(base, first.rate)}, merged from ${group.length} lines: ${parts().join("; ")}${more > 0 ? `; and ${more} more` : ""}`,
      from: group.flatMap((x) => x.from),
    });
  }
  return out;
}

/**
 * The statement's order of a member's lines of one bonus (src/run/result.ts): level, then lines without a
 * source, then by source id, then the order the run made them (here: the pieces' order).
 */
function order(ctx: ExplainContext, lines: readonly Line[]): Line[] {
  const byId = textOrder(ctx.genealogy.ids);
  return lines
    .map((l, i) => ({ l, i }))
    .sort((a, b) => a.l.level - b.l.level || (a.l.source === b.l.source ? a.i - b.i : a.l.source < 0 ? -1 : b.l.source < 0 ? 1 : byId(a.l.source, b.l.source)))
    .map((x) => x.l);
}

/** What the members below an open subtree's root inherit in the walk. */
interface Frame {
  readonly leg: Leg;
  /** The breakaway member whose group this is; undefined in the explained member's group. */
  readonly away: Away | undefined;
  /** The highest paying rate so far on the way down (unscaled), its bucket and the member who set it. */
  readonly h: number;
  readonly bucket: Bucket | undefined;
  readonly setter: Setter | undefined;
}

/**
 * Walks member m's subtree in preorder (a contiguous range; an explicit stack, no recursion): each member
 * of m's group goes to its leg and, for the differential, to the bucket of the highest paying rate on its
 * way up to m (`paying`; 0 everywhere otherwise). A member who breaks away is recorded with its generation
 * and the walk goes into its group only while its generation is at most `generations` (the override's),
 * so that an override line can list its group; below that nothing is visited. `byLeg`: also list each
 * leg's members (method deduct); `whole`: the whole group's (methods deduct and group). Per member the walk does a few array reads and additions; a frame is
 * made only where something changes (a new leg, rate or breakaway group).
 */
function walk(ctx: ExplainContext, m: number, g: StairstepGroups, p: StairstepProgram, paying: (x: number) => number, generations: number, byLeg: boolean, whole: boolean): Walked {
  const P = ctx.preorder;
  const { end, member, depth } = P;
  const personal = P.personal(p.measure);
  const start = P.pos[m] as number;
  const stop = end[start] as number;
  const top = depth[start] as number;
  const legs: Leg[] = [];
  const aways: Away[] = [];
  const group = new Sources(ctx);
  group.add(m, personal[start] as number, 0);
  const goInto = Math.max(generations, 1);
  // Open subtrees: where each ends, and the frame its members inherit.
  let ends = new Int32Array(64);
  const frames: Frame[] = [];
  let open = 0;
  let at = start + 1;
  while (at < stop) {
    while (open > 0 && (ends[open - 1] as number) <= at) open--;
    const x = member[at] as number;
    let f: Frame;
    if (open === 0) {
      const leg: Leg = { member: x, buckets: new Map(), all: new Sources(ctx), holds: false };
      legs.push(leg);
      f = { leg, away: undefined, h: 0, bucket: undefined, setter: undefined };
    } else f = frames[open - 1] as Frame;
    if (g.breakaway[x] === 1) {
      const generation = f.away === undefined ? 1 : f.away.generation + 1;
      f.leg.holds = true;
      if (generation > goInto) {
        at = end[at] as number;
        continue;
      }
      const away: Away = { member: x, generation, above: f.away === undefined ? -1 : f.away.member, group: new Sources(ctx) };
      aways.push(away);
      if (generation > generations) {
        at = end[at] as number;
        continue;
      }
      f = { leg: f.leg, away, h: 0, bucket: undefined, setter: undefined };
    }
    const v = personal[at] as number;
    if (f.away !== undefined) f.away.group.add(x, v, (depth[at] as number) - top);
    else {
      const r = paying(x);
      if (r > f.h || f.bucket === undefined) {
        const raise = r > f.h;
        const h = raise ? r : f.h;
        let bucket = f.leg.buckets.get(h);
        if (bucket === undefined) f.leg.buckets.set(h, (bucket = { sources: new Sources(ctx), setters: [] }));
        const setter = raise ? { member: x, volume: 0 } : f.setter;
        if (raise) bucket.setters.push(setter as Setter);
        f = { leg: f.leg, away: undefined, h, bucket, setter };
      }
      if (v !== 0) {
        const distance = (depth[at] as number) - top;
        (f.bucket as Bucket).sources.add(x, v, distance);
        if (f.setter !== undefined) f.setter.volume += v;
        if (byLeg) f.leg.all.add(x, v, distance);
        if (whole) group.add(x, v, distance);
      }
    }
    const e = end[at] as number;
    if (e > at + 1) {
      if (open === ends.length) {
        const grown = new Int32Array(open * 2);
        grown.set(ends);
        ends = grown;
      }
      ends[open] = e;
      frames[open] = f;
      open++;
    }
    at++;
  }
  return { legs, aways, group };
}
