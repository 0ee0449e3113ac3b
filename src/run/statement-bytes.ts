/**
 * Statements rendered straight to UTF-8 bytes: the canonical JSON of docs/statements.md, byte for byte what
 * `canonicalJson(statement)` gives, without building the statement or its strings. Everything constant
 * per plan (keys, bonus keys and kinds, references, measure and rank names, minimums) is encoded once;
 * numbers are written digit by digit; member ids are copied with an ASCII fast path.
 */
import { textOrder } from "../input/text-order.js";
import { MEMBER_STATUSES } from "../genealogy/genealogy.js";
import { sponsoredActiveCount } from "../measures/qualification.js";
import { type RankCheckContext, type RequirementSink, checkRankInto, formatColumn } from "../measures/ranks.js";
import { RATE_SCALE, VALUE_SCALE, VOLUME_SCALE, formatFixed, formatTrimmed, formatVolume } from "../money/decimal.js";
import type { CompiledRank } from "../plan/compile.js";
import { ORDER_KINDS } from "../plan/fields.js";
import { ByteWriter, utf8 } from "./bytes.js";
import { type LineIds, LineTemplate } from "./line-fields.js";
import type { RunParts } from "./result.js";

const PC = ORDER_KINDS.indexOf("personal-consumption");
const q = (text: string) => JSON.stringify(text);
const EMPTY = new Uint8Array(0);

/** @internal What the renderer reads of a finished run: its parts and the lines grouped per member. */
export interface LineIndex {
  readonly parts: RunParts;
  /** Lines of member i are lineOrder[lineStart[i] .. lineStart[i+1]), in statement order. */
  readonly lineStart: Int32Array;
  readonly lineOrder: Int32Array;
  /** Per line: the rounded amount in money units (rounding per line only). */
  readonly lineAmount: Float64Array;
}

/**
 * @internal Member i's subtotal per bonus in money units: `out[b]` for each bonus with lines (the bonus's
 * settled amount, src/run/settle.ts; it may be negative or zero), NaN for the others. Allocation-free.
 */
export function subtotalsInto(x: LineIndex, i: number, out: Float64Array): void {
  const { lines: sink, earnings } = x.parts;
  const { lineStart, lineOrder } = x;
  out.fill(Number.NaN);
  for (let a = lineStart[i] as number, hi = lineStart[i + 1] as number; a < hi; a++) {
    const b = sink.bonus[lineOrder[a] as number] as number;
    out[b] = (earnings[b] as Float64Array)[i] as number;
  }
}

/** Both variants of a piece that depends on a boolean: [false, true]. */
type Pair = [Uint8Array, Uint8Array];

/** The pieces of one rank that do not depend on the member. */
interface RankPieces {
  /** `"given":…,`: the rank given to the member, the first key of `rank`. */
  readonly given: Uint8Array;
  /** `"next":{"name":…,"reference":…,"requirements":[` and the opening of the first requirement. */
  readonly nextHead: Uint8Array;
  /** `"paidAs":…,"reference":…,"requirements":[` and the opening of the first requirement. */
  readonly paidHead: Uint8Array;
  /** `]},` closing `next`, then {@link RankPieces.paidHead} (this rank held, the next one shown). */
  readonly nextToPaid: Uint8Array;
  /**
   * Per requirement, in checking order, by `met`: what follows its variable part (all of a `qualified`
   * detail), up to the opening of the next requirement.
   */
  readonly tails: Pair[];
  /** Leg cap: each capped leg's opening, and what follows the legs up to `uncapped`. */
  readonly cappedLegHead: Uint8Array;
  readonly capMiddle: Uint8Array;
}

/**
 * @internal Renders statements as canonical JSON bytes. The constant text between two variable values is
 * one precomputed piece (most statements take about twenty copies). One renderer serves one run and keeps
 * a little scratch state: it renders one statement at a time.
 */
export class StatementRenderer implements RequirementSink {
  private readonly x: LineIndex;
  private readonly rankCtx: RankCheckContext;
  private readonly amounts: Float64Array;
  private readonly bonusByKey: number[];
  private readonly capped: number[] = [];
  private readonly byId: (a: number, b: number) => number;
  private w: ByteWriter = new ByteWriter(EMPTY);
  /** The rank being checked and the index of its next requirement. */
  private rank = 0;
  private requirement = 0;

  private readonly bonusFirst: Uint8Array[];
  /** Per bonus, per award it may record: the award's object in a statement's `awards`. */
  private readonly awardPieces: Uint8Array[][];
  private readonly bonusNext: Uint8Array[];
  /** Per bonus, its line items' template. */
  private readonly lineTemplates: LineTemplate[];
  /** The ids a line's detail fields name. */
  private readonly lineIds: LineIds;
  /** Per status: `,"qualification":[` and the status condition, then the next condition's opening or, by qualified, the end of the list. */
  private readonly qualificationHead: Uint8Array[];
  private readonly qualificationOnly: Pair[];
  /** By met, then qualified: a condition's tail, then the next's opening or the end of the list. */
  private readonly personalCondition: Pair[];
  private readonly sponsoredCondition: Pair[];
  private readonly statusTotal: Uint8Array[];
  private readonly measureNext: Uint8Array[];
  private readonly volumesHead: Uint8Array;
  private readonly groupToPersonal: Uint8Array;
  private readonly personalEnd: Uint8Array;
  private readonly personalToExcluded: Uint8Array;
  private readonly ranks: RankPieces[];

  constructor(x: LineIndex) {
    this.x = x;
    const { compiled, genealogy: g, volumes: v, qualified, ranks } = x.parts;
    this.rankCtx = { g, v, qualified, ranks: compiled.ranks, best: ranks.bestInSubtree, columns: ranks.columns };
    this.amounts = new Float64Array(compiled.bonuses.length);
    this.byId = textOrder(g.ids);
    const bonuses = compiled.bonuses;
    this.bonusByKey = bonuses.map((_, b) => b).sort((a, b) => compareText((bonuses[a] as { key: string }).key, (bonuses[b] as { key: string }).key));
    this.bonusFirst = bonuses.map((b) => utf8(`{"bonuses":{${q(b.key)}:"`));
    this.bonusNext = bonuses.map((b) => utf8(`",${q(b.key)}:"`));
    this.lineTemplates = bonuses.map((b) => new LineTemplate(b));
    this.lineIds = { members: g.ids, orders: x.parts.orders.ids };
    this.awardPieces = bonuses.map((b) =>
      (b.awards ?? []).map((name) => utf8(`{"award":${q(name)},"bonus":${q(b.key)},"kind":${q(b.kind)}${b.reference !== undefined ? `,"reference":${q(b.reference)}` : ""}}`)),
    );

    const qs = compiled.qualification;
    const qualifiedEnd = (yes: boolean) => `],"qualified":${yes},"rank":{`;
    const conditionTail = (tail: (met: boolean) => string, last: boolean): Pair[] =>
      [false, true].map((met) => [false, true].map((yes) => utf8(tail(met) + (last ? qualifiedEnd(yes) : CONDITION_OPEN))) as Pair);
    const statusDetail = (s: string) => `,"qualification":[{"actual":${q(s)},"condition":"status","met":${s === "enrolled"},"required":"enrolled"}`;
    const more = qs.personal !== undefined || qs.sponsoredActive > 0;
    this.qualificationHead = MEMBER_STATUSES.map((s) => utf8(statusDetail(s) + (more ? CONDITION_OPEN : "")));
    this.qualificationOnly = MEMBER_STATUSES.map((s) => [false, true].map((yes) => utf8(statusDetail(s) + qualifiedEnd(yes))) as Pair);
    const qp = qs.personal;
    this.personalCondition =
      qp === undefined
        ? []
        : conditionTail((met) => `","condition":"personal","measure":${q(measureName(compiled.measures, qp.measure))},"met":${met},"required":"${formatVolume(qp.minimum)}"}`, qs.sponsoredActive === 0);
    this.sponsoredCondition = conditionTail((met) => `","condition":"sponsoredActive","met":${met},"required":"${qs.sponsoredActive}"}`, true);
    this.statusTotal = MEMBER_STATUSES.map((s) => utf8(`,"status":${q(s)},"total":"`));

    const names = compiled.measures.map((m) => q(m.name));
    const first = names.length > 0 ? `${names[0]}:"` : "";
    const close = names.length > 0 ? '"' : "";
    this.measureNext = names.map((name) => utf8(`",${name}:"`));
    this.volumesHead = utf8(`","volumes":{"group":{${first}`);
    this.groupToPersonal = utf8(`${close}},"personal":{${first}`);
    this.personalEnd = utf8(`${close}}}}`);
    this.personalToExcluded = utf8(`${close}},"personalConsumptionExcluded":{`);
    this.ranks = compiled.ranks.map((rank) => rankPieces(rank, compiled.ranks, compiled.measures));
  }

  /** Appends member i's statement (no newline) to `w`. */
  write(w: ByteWriter, i: number): void {
    this.w = w;
    const { genealogy: g, volumes: v, compiled, lines: sink, qualified, ranks } = this.x.parts;
    const { lineStart, lineOrder, lineAmount } = this.x;
    const scale = compiled.moneyScale;
    const lo = lineStart[i] as number;
    const hi = lineStart[i + 1] as number;

    // awards (only when the member has one) come first: `awards` sorts before `bonuses`.
    const awards = this.x.parts.awards?.of(i);
    let open = 0;
    if (awards !== undefined && awards.length > 0) {
      w.bytes(AWARDS_OPEN);
      for (let k = 0; k < awards.length; k++) {
        const [b, award] = awards[k] as readonly [number, number];
        if (k > 0) w.byte(44);
        w.bytes((this.awardPieces[b] as Uint8Array[])[award] as Uint8Array);
      }
      w.bytes(AWARDS_END);
      // The statement's `{` is written: what follows starts after it.
      open = 1;
    }

    // bonuses: subtotal per bonus key, keys sorted. A member has a subtotal exactly when it has lines.
    let total = 0;
    const amounts = this.amounts;
    if (lo === hi) w.bytes(NO_LINES.subarray(open));
    else {
      subtotalsInto(this.x, i, amounts);
      let any = false;
      for (const b of this.bonusByKey) {
        const amount = amounts[b] as number;
        if (Number.isNaN(amount)) continue;
        w.bytes(any ? (this.bonusNext[b] as Uint8Array) : (this.bonusFirst[b] as Uint8Array).subarray(open));
        w.units(amount, scale, scale);
        total += amount;
        any = true;
      }
      w.bytes(BONUSES_TO_LINES);
      const perLine = compiled.roundingApplies === "line";
      for (let a = lo; a < hi; a++) {
        const l = lineOrder[a] as number;
        if (a > lo) w.byte(44);
        (this.lineTemplates[sink.bonus[l] as number] as LineTemplate).write(w, sink, l, this.lineIds, scale, perLine ? (lineAmount[l] as number) : undefined);
      }
      w.bytes(LINES_END);
    }

    w.json(g.ids.at(i) as string);
    const status = g.status[i] as number;
    const yes = qualified[i] === 1 ? 1 : 0;
    const qs = compiled.qualification;
    if (qs.personal === undefined && qs.sponsoredActive === 0) w.bytes((this.qualificationOnly[status] as Pair)[yes]);
    else w.bytes(this.qualificationHead[status] as Uint8Array);
    if (qs.personal !== undefined) {
      const actual = (v.personal[qs.personal.measure] as Float64Array)[i] as number;
      w.units(actual, VOLUME_SCALE, 0);
      w.bytes((this.personalCondition[actual >= qs.personal.minimum ? 1 : 0] as Pair)[yes]);
    }
    if (qs.sponsoredActive > 0) {
      const count = sponsoredActiveCount(g, v, qs, i);
      w.uint(count);
      w.bytes((this.sponsoredCondition[count >= qs.sponsoredActive ? 1 : 0] as Pair)[yes]);
    }

    const given = ranks.given === undefined ? -1 : (ranks.given[i] as number);
    if (given >= 0) w.bytes((this.ranks[given] as RankPieces).given);
    const paidAs = ranks.rank[i] as number;
    const next = this.ranks[paidAs + 1];
    const held = this.ranks[paidAs];
    if (next !== undefined) {
      w.bytes(next.nextHead);
      this.requirements(i, paidAs + 1);
      w.bytes(held === undefined ? NEXT_TO_NULL : held.nextToPaid);
    } else w.bytes(held === undefined ? PAID_AS_NULL : held.paidHead);
    if (held !== undefined) {
      this.requirements(i, paidAs);
      w.bytes(PAID_END);
    }
    const parent = g.parent[i] as number;
    if (parent >= 0) w.json(g.ids.at(parent) as string);
    else w.bytes(NULL);
    w.bytes(this.statusTotal[status] as Uint8Array);
    // Each subtotal is a safe integer; their sum is written exactly even if it is not.
    if (Number.isSafeInteger(total)) w.units(total, scale, scale);
    else {
      let big = 0n;
      for (const amount of amounts) if (!Number.isNaN(amount)) big += BigInt(amount);
      w.ascii(formatFixed(big, scale));
    }

    const measures = compiled.measures;
    w.bytes(this.volumesHead);
    for (let s = 0; s < measures.length; s++) {
      if (s > 0) w.bytes(this.measureNext[s] as Uint8Array);
      w.units((v.group[s] as Float64Array)[i] as number, VOLUME_SCALE, 0);
    }
    w.bytes(this.groupToPersonal);
    let excluded = false;
    for (let s = 0; s < measures.length; s++) {
      if (s > 0) w.bytes(this.measureNext[s] as Uint8Array);
      w.units((v.personal[s] as Float64Array)[i] as number, VOLUME_SCALE, 0);
      if (this.excluded(i, s) > 0) excluded = true;
    }
    if (!excluded) {
      w.bytes(this.personalEnd);
      return;
    }
    w.bytes(this.personalToExcluded);
    let any = false;
    for (let s = 0; s < measures.length; s++) {
      const x = this.excluded(i, s);
      if (x <= 0) continue;
      const next = this.measureNext[s] as Uint8Array;
      // `","NAME":"` without its leading `",` for the first.
      w.bytes(any ? next : next.subarray(2));
      w.units(x, VOLUME_SCALE, 0);
      any = true;
    }
    w.bytes(EXCLUDED_END);
  }

  /** Raw personal consumption of measure s beyond its cap (0 or less when nothing was excluded). */
  private excluded(i: number, s: number): number {
    const { compiled, volumes: v } = this.x.parts;
    const m = compiled.measures[s] as (typeof compiled.measures)[number];
    if (m.personalConsumptionCap < 0 || !m.counts[PC]) return 0;
    return ((v.consumption[s] as Float64Array)[i] as number) - m.personalConsumptionCap;
  }

  private value(product: number, text: string | undefined, scale: number): void {
    if (text === undefined) this.w.units(product, VALUE_SCALE, scale);
    else this.w.ascii(text);
  }

  /** Writes rank r's requirement details for member i (the rank's head has opened the first). */
  private requirements(i: number, r: number): void {
    this.rank = r;
    this.requirement = 0;
    checkRankInto(this.rankCtx, i, r, this);
  }

  /** The tail of the current requirement, by met, and on to the next. */
  private tail(met: boolean): void {
    const tails = (this.ranks[this.rank] as RankPieces).tails;
    this.w.bytes((tails[this.requirement++] as Pair)[met ? 1 : 0]);
  }

  /** @internal {@link RequirementSink} */
  qualified(met: boolean): void {
    this.tail(met);
  }

  /** @internal {@link RequirementSink} */
  volume(_requirement: "personal" | "group", _measure: number, actual: number, met: boolean): void {
    this.w.units(actual, VOLUME_SCALE, 0);
    this.tail(met);
  }

  /** @internal {@link RequirementSink} */
  cappedLeg(child: number): void {
    this.capped.push(child);
  }

  /** @internal {@link RequirementSink} */
  legCapped(counted: number | bigint, uncapped: number, met: boolean): void {
    const w = this.w;
    const pieces = this.ranks[this.rank] as RankPieces;
    if (typeof counted === "number") w.units(counted, VALUE_SCALE, 0);
    else w.ascii(formatTrimmed(counted, VALUE_SCALE));
    w.bytes(CAPPED_LEGS);
    const capped = this.capped;
    if (capped.length > 1) capped.sort(this.byId);
    const { genealogy: g, volumes: v, compiled } = this.x.parts;
    const gv = v.group[(compiled.ranks[this.rank] as CompiledRank).group?.measure as number] as Float64Array;
    for (let k = 0; k < capped.length; k++) {
      const child = capped[k] as number;
      if (k > 0) w.byte(44);
      w.bytes(pieces.cappedLegHead);
      w.json(g.ids.at(child) as string);
      w.bytes(LEG_VOLUME);
      w.units(gv[child] as number, VOLUME_SCALE, 0);
      w.bytes(LEG_END);
    }
    capped.length = 0;
    w.bytes(pieces.capMiddle);
    w.units(uncapped, VOLUME_SCALE, 0);
    this.tail(met);
  }

  /** @internal {@link RequirementSink} */
  legs(_index: number, count: number, met: boolean): void {
    this.w.uint(count);
    this.tail(met);
  }

  /** @internal {@link RequirementSink} */
  column(index: number, actual: number, met: boolean): void {
    const c = (this.x.parts.compiled.ranks[this.rank] as CompiledRank).columns[index] as CompiledRank["columns"][number];
    this.w.ascii(formatColumn(c, actual));
    this.tail(met);
  }
}

/** UTF-16 code unit order, as canonical JSON sorts keys and statements are ordered. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function measureName(measures: readonly { readonly name: string }[], m: number): string {
  return (measures[m] as { name: string }).name;
}

/** A rank's constant pieces; the requirements in the order {@link checkRankInto} reports them. */
function rankPieces(rank: CompiledRank, ranks: readonly CompiledRank[], measures: readonly { readonly name: string }[]): RankPieces {
  const name = (m: number) => q(measureName(measures, m));
  // Each requirement: whether its detail opens with `{"actual":"` (all but qualified), and its tail.
  const details: { open: boolean; tail: (met: boolean) => string }[] = [];
  if (rank.qualified) details.push({ open: false, tail: (met) => `{"actual":"${met ? "yes" : "no"}","met":${met},"required":"yes","requirement":"qualified"}` });
  // After a volume's digits: the string's closing quote (and with a leg cap, the legCap object's brace).
  const volume = (requirement: string, m: number, minimum: number, close: string) => (met: boolean) =>
    `${close},"measure":${name(m)},"met":${met},"required":"${formatVolume(minimum)}","requirement":"${requirement}"}`;
  if (rank.personal !== undefined) details.push({ open: true, tail: volume("personal", rank.personal.measure, rank.personal.minimum, '"') });
  const group = rank.group;
  if (group !== undefined) details.push({ open: true, tail: volume("group", group.measure, group.minimum, group.legCap < 0 ? '"' : '"}') });
  for (const leg of rank.legs) {
    details.push({
      open: true,
      tail:
        leg.rank >= 0
          ? (met) => `","met":${met},"rank":${q((ranks[leg.rank] as CompiledRank).name)},"required":"${leg.count}","requirement":"legs"}`
          : (met) => `","legMinimum":"${formatVolume(leg.minimum)}","measure":${name(leg.measure)},"met":${met},"required":"${leg.count}","requirement":"legs"}`,
    });
  }
  for (const c of rank.columns) {
    details.push({ open: true, tail: (met) => `","column":${q(c.column)},"met":${met},"required":"${formatColumn(c, c.minimum)}","requirement":"column"}` });
  }
  const open = (k: number) => (details[k]?.open === true ? ACTUAL_OPEN : "");
  const tails = details.map((d, k) => [false, true].map((met) => utf8(d.tail(met) + (k + 1 < details.length ? `,${open(k + 1)}` : ""))) as Pair);
  const reference = rank.reference === undefined ? "" : `,"reference":${q(rank.reference)}`;
  const paidHead = `"paidAs":${q(rank.name)}${reference},"requirements":[${open(0)}`;
  const capped = group !== undefined && group.legCap >= 0;
  return {
    given: utf8(`"given":${q(rank.name)},`),
    nextHead: utf8(`"next":{"name":${q(rank.name)}${reference},"requirements":[${open(0)}`),
    paidHead: utf8(paidHead),
    nextToPaid: utf8(`]},${paidHead}`),
    tails,
    cappedLegHead: capped ? utf8(`{"counted":"${formatTrimmed(group.cap, VALUE_SCALE)}","leg":`) : EMPTY,
    capMiddle: capped ? utf8(`],"maxPerLeg":"${formatTrimmed(group.cap, VALUE_SCALE)}","share":"${formatTrimmed(BigInt(group.legCap), RATE_SCALE)}","uncapped":"`) : EMPTY,
  };
}

const ACTUAL_OPEN = '{"actual":"';
const CONDITION_OPEN = `,${ACTUAL_OPEN}`;
const NO_LINES = utf8('{"bonuses":{},"lines":[],"memberId":');
const AWARDS_OPEN = utf8('{"awards":[');
const AWARDS_END = utf8("],");
const BONUSES_TO_LINES = utf8('"},"lines":[');
const LINES_END = utf8('],"memberId":');
const NEXT_TO_NULL = utf8(']},"paidAs":null},"sponsorId":');
const PAID_AS_NULL = utf8('"paidAs":null},"sponsorId":');
const PAID_END = utf8(']},"sponsorId":');
const NULL = utf8("null");
const EXCLUDED_END = utf8('"}}}');
const CAPPED_LEGS = utf8('","legCap":{"cappedLegs":[');
const LEG_VOLUME = utf8(',"volume":"');
const LEG_END = utf8('"}');
