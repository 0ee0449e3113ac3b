/**
 * Explain: why a member was paid what they were paid, and not more. Recomputes only that member's part of
 * a finished run (no trace is stored while running): the statement's line items with their sources,
 * levels before and after compression, base, rate, plan clause and rounding; every bonus not received or
 * received less of with the reason and values; the paid-as and next rank, requirement by requirement,
 * with leg caps and the smallest additional volume that reaches the next rank.
 *
 * The engine never asks which kind a bonus is: each compiled bonus explains itself through its optional
 * `explain` method. What a family reports about its lines is checked against the statement, so an
 * explanation cannot disagree with what was paid.
 */
import { argumentIssues, isOptions, isRecord, isRun, requireArguments } from "../errors/arguments.js";
import { CompplanError, type Issue, type Result, assert, issue } from "../errors/issues.js";
import { nameHint } from "../errors/suggest.js";
import type { OrderColumns } from "../input/rows.js";
import { type RequirementDetail, checkRank } from "../measures/ranks.js";
import { VALUE_SCALE, formatFixed, formatTrimmed, formatVolume, parseUnits } from "../money/decimal.js";
import { ORDER_KINDS } from "../plan/fields.js";
import type { CalculateInput, PreparedInput } from "../run/calculate.js";
import type { RunParts, RunResult } from "../run/result.js";
import { settleEarnings } from "../run/settle.js";
import { stateColumn } from "../state/state.js";
import { runOrders } from "./inputs.js";
import { type MeasureSpec, orderColumnOf } from "../measures/volumes.js";
import { preorderOf } from "./preorder.js";
import { grouped } from "./words.js";
import type { LineItem, Statement } from "../statement/types.js";
import type {
  AdditionalVolume,
  ColumnShortfall,
  BonusPart,
  ExplainContext,
  ExplainedLine,
  Explanation,
  GivenRankExplanation,
  RankStateExplanation,
  NextRankExplanation,
  QualificationCheck,
  RankExplanation,
  RequirementExplanation,
  RoundingDetail,
  SourceOrder,
  VolumeBreakdown,
} from "./explanation.js";

/** Most orders listed per source member. */
const ORDERS_MAX = 10;
/** Default number of source members listed per line or reason. */
export const SOURCES_MAX_DEFAULT = 20;
/** Most legs named in a requirement's notes. */
const LEGS_NAMED_MAX = 10;

/**
 * The orders of a run indexed by member, so explanations can list the orders each source member placed.
 * Built once per loaded run by {@link indexOrders}; each lookup then costs only that member's orders.
 */
export class OrderIndex {
  private readonly start: Int32Array;
  private readonly list: Int32Array;
  private readonly columns: OrderColumns;
  private readonly measureColumn: Map<string, number>;

  /** @internal Use {@link indexOrders}. */
  constructor(columns: OrderColumns, member: Int32Array, memberCount: number) {
    this.columns = columns;
    this.measureColumn = new Map(columns.measures.map((name, m) => [name, m]));
    const start = new Int32Array(memberCount + 1);
    for (let o = 0; o < columns.count; o++) {
      const m = (member[o] as number) + 1;
      start[m] = (start[m] as number) + 1;
    }
    for (let i = 0; i < memberCount; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
    const fill = start.slice(0, memberCount);
    const list = new Int32Array(columns.count);
    for (let o = 0; o < columns.count; o++) {
      const m = member[o] as number;
      list[fill[m] as number] = o;
      fill[m] = (fill[m] as number) + 1;
    }
    this.start = start;
    this.list = list;
  }

  /** Number of orders of member index `member`. */
  countOf(member: number): number {
    return (this.start[member + 1] as number) - (this.start[member] as number);
  }

  /**
   * The orders of member index `member` with a non-zero volume of the measure, ordered by order id.
   * @internal
   */
  ordersOf(member: number, measure: string): { orders: SourceOrder[]; omitted: number } {
    const column = this.measureColumn.get(measure);
    const cols = this.columns;
    const found: SourceOrder[] = [];
    if (column === undefined) return { orders: found, omitted: 0 };
    const volumes = cols.volumes[column] as Float64Array;
    for (let a = this.start[member] as number, end = this.start[member + 1] as number; a < end; a++) {
      const o = this.list[a] as number;
      const v = volumes[o] as number;
      if (v > 0) found.push({ id: cols.ids.at(o) as string, kind: ORDER_KINDS[cols.kinds[o] as number] as SourceOrder["kind"], volume: formatVolume(v) });
    }
    found.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return { orders: found.slice(0, ORDERS_MAX), omitted: Math.max(0, found.length - ORDERS_MAX) };
  }
}

/**
 * Indexes the orders of a run by member, for {@link explain} to list each source's orders. Pass the input
 * the run was computed from; the number of orders of every member is checked against the run.
 *
 * @param run - a finished run
 * @param input - the run's input (as given to `calculate`), or the prepared input it was run on
 * @returns the index
 * @throws CompplanError with `ORDER_*`/`INPUT_*` issues for invalid orders, or `AUDIT_INPUT_MISMATCH` when
 *   the orders are not the run's
 * @example
 * ```ts
 * const orders = indexOrders(run, input);
 * const why = explain(run, "M0000042", { orders });
 * ```
 */
export function indexOrders(run: RunResult, input: CalculateInput | PreparedInput): OrderIndex {
  requireArguments("indexOrders", [["run", isRun(run), "a RunResult from calculate", run], ["input", isRecord(input), "an object { period, members, orders } or a prepared input", input]]);
  const { columns, member } = runOrders(run, input);
  return new OrderIndex(columns, member, run.internals.genealogy.size);
}

/**
 * Builds, once per run, the index explanations scan: the sponsor tree in depth-first preorder with the
 * run's qualification and volumes laid out the same way (one pass over the tree; O(members) memory, no
 * line items). {@link explain} builds it on first use otherwise; call this while loading a run so that
 * every explanation costs only its own member's part.
 *
 * @param run - a finished run
 * @example
 * ```ts
 * const run = calculate(plan, input);
 * prepareExplain(run); // part of loading
 * const why = explain(run, "M0000042");
 * ```
 */
export function prepareExplain(run: RunResult): void {
  requireArguments("prepareExplain", [["run", isRun(run), "a RunResult from calculate", run]]);
  const p = preorderOf(run);
  for (let m = 0; m < run.internals.compiled.measures.length; m++) p.personal(m);
}

/** Options of {@link explain}. */
export interface ExplainOptions {
  /** Explain only this bonus (its key); the other bonuses are left out. */
  readonly bonus?: string;
  /** The run's orders by member, from {@link indexOrders}: source members are listed with their orders. */
  readonly orders?: OrderIndex;
  /** Most source members listed per line or reason (largest volume first); default 20. */
  readonly sourcesMax?: number;
}

/** True for options {@link safeExplain} can use. */
function isExplainOptions(o: unknown): boolean {
  if (o === undefined) return true;
  if (!isOptions(o)) return false;
  const { bonus, orders, sourcesMax } = o as ExplainOptions;
  return (bonus === undefined || typeof bonus === "string") && (orders === undefined || orders instanceof OrderIndex) && (sourcesMax === undefined || (Number.isSafeInteger(sourcesMax) && sourcesMax >= 0));
}

/**
 * Explains one member's statement: every line item with its sources, levels before and after
 * compression, base, rate, plan clause and rounding; every bonus not received, or received less of, with
 * the failed condition and its values; the paid-as and next rank with each requirement, leg caps, and the
 * smallest additional volume that reaches the next rank. Recomputes only this member's part of the run.
 *
 * @param run - a finished run
 * @param memberId - the member's id
 * @param options - a single bonus, an order index, how many sources to list
 * @returns the explanation, or `AUDIT_UNKNOWN_MEMBER` / `AUDIT_UNKNOWN_BONUS` issues
 * @example
 * ```ts
 * const r = safeExplain(run, "M0000042");
 * if (r.ok) process.stdout.write(formatExplanation(r.value));
 * ```
 */
export function safeExplain(run: RunResult, memberId: string, options: ExplainOptions = {}): Result<Explanation> {
  const bad = argumentIssues("safeExplain", [
    ["run", isRun(run), "a RunResult from calculate", run],
    ["memberId", typeof memberId === "string", "a member id (a string)", memberId],
    ["options", isExplainOptions(options), "undefined or { bonus?: a bonus key, orders?: an OrderIndex, sourcesMax?: an integer ≥ 0 }", options],
  ]);
  if (bad.length > 0) return { ok: false, issues: bad };
  const p = run.internals;
  const g = p.genealogy;
  const i = g.indexOf.get(memberId);
  const issues: Issue[] = [];
  if (i === undefined) issues.push(issue("AUDIT_UNKNOWN_MEMBER", ["memberId"], `"${memberId}" is not a member of this run`, memberId));
  if (options.bonus !== undefined && !p.compiled.bonuses.some((b) => b.key === options.bonus)) {
    issues.push(issue("AUDIT_UNKNOWN_BONUS", ["bonus"], `the plan has no bonus "${options.bonus}"${nameHint(String(options.bonus), p.compiled.bonuses.map((b) => b.key), "bonuses")}`, options.bonus));
  }
  if (i === undefined || issues.length > 0) return { ok: false, issues };
  const statement = run.statement(memberId);
  assert(statement !== undefined, "explain-statement", memberId);
  return { ok: true, value: explainMember(run, i, statement, options) };
}

/**
 * Explains one member's statement; throws when the member or bonus is unknown. See {@link safeExplain}.
 *
 * @param run - a finished run
 * @param memberId - the member's id
 * @param options - a single bonus, an order index, how many sources to list
 * @returns the explanation
 * @throws CompplanError with `AUDIT_UNKNOWN_MEMBER` or `AUDIT_UNKNOWN_BONUS`
 * @example
 * ```ts
 * const why = explain(run, "M0000042", { bonus: "unilevel" });
 * for (const b of why.bonuses) for (const n of b.notPaid) console.log(n.message);
 * ```
 */
export function explain(run: RunResult, memberId: string, options: ExplainOptions = {}): Explanation {
  const r = safeExplain(run, memberId, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

/** Per run: the settled earnings of each bonus an explanation has asked for. */
const EARNINGS = new WeakMap<RunParts, Map<string, Float64Array>>();

/** The settled amounts of bonus `key` per member, from its lines (contiguous in the run's line sink). */
function earningsOf(run: RunResult, key: string): Float64Array {
  const p = run.internals;
  let cache = EARNINGS.get(p);
  if (cache === undefined) EARNINGS.set(p, (cache = new Map()));
  let e = cache.get(key);
  if (e === undefined) {
    const b = p.compiled.bonuses.findIndex((x) => x.key === key);
    assert(b >= 0, "explain-earnings-bonus", key);
    const sink = p.lines;
    let from = 0;
    while (from < sink.count && sink.bonus[from] !== b) from++;
    let to = from;
    while (to < sink.count && sink.bonus[to] === b) to++;
    e = settleEarnings(sink, from, to, p.genealogy.size, p.compiled);
    cache.set(key, e);
  }
  return e;
}

/**
 * @internal What a family's `explain` (and `report`) reads of a run: `qualification` is the conditions of
 * the member explained (none for a report).
 */
export function explainContext(run: RunResult, qualification: ExplainContext["qualification"], options: ExplainOptions): ExplainContext {
  const p = run.internals;
  const { compiled } = p;
  const orders = options.orders;
  return {
    genealogy: p.genealogy,
    // Laid out on first use (once per run): a report may never need it.
    get preorder() {
      return preorderOf(run);
    },
    treePreorder: (tree) => preorderOf(run, tree),
    measures: p.volumes,
    qualified: p.qualified,
    rank: p.ranks.rank,
    rankNames: compiled.ranks.map((r) => r.name),
    moneyScale: compiled.moneyScale,
    qualification,
    sourcesMax: options.sourcesMax ?? SOURCES_MAX_DEFAULT,
    ordersOf: (member, measure) => orders?.ordersOf(member, orderColumnOf(compiled.measures[measure] as MeasureSpec)),
    earnings: (key) => earningsOf(run, key),
    period: run.period,
    orders: p.orders,
    column: (name) => {
      assert(p.columns !== undefined, "explain-columns", name);
      return p.columns.column(name);
    },
    opening: (field) => (p.opening === undefined ? undefined : stateColumn(p.opening, field)),
    openingGiven: p.openingInput !== undefined,
  };
}

function explainMember(run: RunResult, i: number, statement: Statement, options: ExplainOptions): Explanation {
  const p = run.internals;
  const { compiled } = p;
  const qualification: QualificationCheck[] = statement.qualification.map((c) => {
    if (c.condition !== "personal" || c.measure === undefined) return c;
    return { ...c, breakdown: breakdown(run, i, c.measure) };
  });
  const ctx = explainContext(run, statement.qualification, options);
  const bonuses: BonusPart[] = [];
  compiled.bonuses.forEach((b, bi) => {
    if (options.bonus !== undefined && b.key !== options.bonus) return;
    const items = statement.lines.filter((l) => l.bonus === b.key);
    const own = b.explain?.(ctx, i, bi);
    const bases = own?.lines ?? [];
    assert(own === undefined || bases.length === items.length, "explain-matches-statement", `bonus ${b.key}, member ${statement.memberId}: ${bases.length} explained lines, ${items.length} on the statement`);
    const lines: ExplainedLine[] = items.map((line, k) => {
      const basis = bases[k];
      if (basis !== undefined) {
        const fields = basis.fields ?? {};
        const same = basis.base === line.base && basis.rate === line.rate && Object.keys(fields).every((k) => fields[k] === (line as unknown as Readonly<Record<string, unknown>>)[k]);
        assert(same, "explain-matches-statement", `bonus ${b.key}, member ${statement.memberId}, line ${k}: explained ${JSON.stringify({ ...basis, from: undefined })} vs ${JSON.stringify(line)}`);
      }
      return {
        ...line,
        explanation: basis?.note ?? "this bonus family gives no further explanation",
        ...(basis?.from !== undefined ? { from: basis.from } : {}),
        rounding: lineRounding(run, line),
      };
    });
    const awarded = (statement.awards ?? []).filter((a) => a.bonus === b.key);
    const awardBases = own?.awards ?? [];
    assert(
      own === undefined || (awardBases.length === awarded.length && awardBases.every((a, k) => a.award === awarded[k]?.award)),
      "explain-matches-statement",
      `bonus ${b.key}, member ${statement.memberId}: explained awards ${JSON.stringify(awardBases.map((a) => a.award))}, on the statement ${JSON.stringify(awarded.map((a) => a.award))}`,
    );
    const amount = statement.bonuses[b.key] ?? formatFixed(0n, compiled.moneyScale);
    const perBonus = compiled.roundingApplies === "bonus" && items.length > 0;
    bonuses.push({
      key: b.key,
      kind: b.kind,
      ...(b.reference !== undefined ? { reference: b.reference } : {}),
      amount,
      lines,
      ...(perBonus ? { rounding: rounding(run, sumValues(items), amount, "bonus") } : {}),
      // Failed conditions carry their breakdown by order kind, as in the qualification section.
      ...(awarded.length > 0 ? { awards: awarded.map((a, k) => ({ award: a.award, explanation: awardBases[k]?.note ?? "this bonus family gives no further explanation" })) } : {}),
      notPaid: (own?.notPaid ?? []).map((n) =>
        n.conditions === undefined ? n : { ...n, conditions: n.conditions.map((c) => qualification.find((q) => q.condition === c.condition && q.measure === c.measure) ?? c) },
      ),
    });
  });
  return {
    memberId: statement.memberId,
    sponsorId: statement.sponsorId,
    period: run.period.id,
    plan: run.plan.id,
    currency: run.plan.currency,
    status: statement.status,
    qualified: statement.qualified,
    qualification,
    rank: explainRank(run, i, statement),
    volumes: statement.volumes,
    bonuses,
    total: statement.total,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Money

const units = (text: string): bigint => {
  const u = parseUnits(text, VALUE_SCALE);
  assert(typeof u === "bigint", "explain-decimal", text);
  return u;
};

function sumValues(items: readonly LineItem[]): string {
  let sum = 0n;
  for (const l of items) sum += units(l.value);
  return sum.toString();
}

function lineRounding(run: RunResult, line: LineItem): RoundingDetail {
  if (run.internals.compiled.roundingApplies === "bonus") return rounding(run, units(line.value).toString(), line.value, "line-exact");
  return rounding(run, units(line.value).toString(), line.amount, "line");
}

/** `exactUnits` at VALUE_SCALE (as a bigint string), `rounded` a decimal string. */
function rounding(run: RunResult, exactUnits: string, rounded: string, where: "line" | "line-exact" | "bonus"): RoundingDetail {
  const c = run.internals.compiled;
  const exact = BigInt(exactUnits);
  return {
    mode: c.rounding,
    applies: where === "bonus" || where === "line-exact" ? "bonus" : "line",
    scale: c.moneyScale,
    exact: formatTrimmed(exact, VALUE_SCALE, c.moneyScale),
    rounded,
    difference: formatTrimmed(units(rounded) - exact, VALUE_SCALE, c.moneyScale),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Volumes and qualification

function breakdown(run: RunResult, i: number, measure: string): VolumeBreakdown {
  const p = run.internals;
  const m = p.compiled.measures.findIndex((s) => s.name === measure);
  const spec = p.compiled.measures[m];
  assert(spec !== undefined, "explain-measure", measure);
  const acc = spec.accumulates;
  if (acc !== undefined) {
    // An accumulated measure: what was carried from earlier periods, and the base's volume this period by kind.
    const base = breakdown(run, i, (p.compiled.measures[acc.base] as { name: string }).name);
    const thisPeriod = (p.volumes.personal[acc.base] as Float64Array)[i] as number;
    const carried = ((p.volumes.personal[m] as Float64Array)[i] as number) - thisPeriod;
    return { ...base, measure, accumulated: { base: base.measure, periods: acc.periods, carried: formatVolume(carried), thisPeriod: formatVolume(thisPeriod) } };
  }
  const leftOutByKind = spec.leavesOut !== undefined ? p.volumes.leftOutByKind()[m] : undefined;
  const kinds = ORDER_KINDS.map((kind, k) => {
    const raw = ((p.volumes.byKind()[m] as readonly Float64Array[])[k] as Float64Array)[i] as number;
    // Orders a bonus pays on that the measure leaves out (leavesOut) count nothing; the cap applies to the rest.
    const leftOut = leftOutByKind === undefined ? 0 : (((leftOutByKind[k] as Float64Array)[i] as number) ?? 0);
    const kept = raw - leftOut;
    const counts = spec.counts[k] === true;
    const capped = kind === "personal-consumption" && spec.personalConsumptionCap >= 0 && kept > spec.personalConsumptionCap;
    const counted = !counts ? 0 : capped ? spec.personalConsumptionCap : kept;
    return { kind, raw: formatVolume(raw), counted: formatVolume(counted), counts, ...(leftOutByKind !== undefined ? { leftOut: formatVolume(leftOut) } : {}) };
  });
  return { measure, kinds, ...(spec.personalConsumptionCap >= 0 ? { personalConsumptionCap: formatVolume(spec.personalConsumptionCap) } : {}) };
}

// ---------------------------------------------------------------------------------------------------------
// Ranks

function explainRank(run: RunResult, i: number, statement: Statement): RankExplanation {
  const r = statement.rank;
  const state = explainRankState(run, i, r.given !== undefined && run.internals.compiled.givenRank === "paid-as");
  const out: RankExplanation = {
    ...(r.given !== undefined ? { given: explainGiven(run, i, r.given, r.paidAs) } : {}),
    ...(state !== undefined ? { state } : {}),
    paidAs: r.paidAs,
    ...(r.reference !== undefined ? { reference: r.reference } : {}),
    ...(r.requirements !== undefined ? { requirements: r.requirements.map((d) => explainRequirement(run, i, d)) } : {}),
  };
  if (r.next === undefined) return out;
  const requirements = r.next.requirements.map((d) => explainRequirement(run, i, d));
  const next: NextRankExplanation = {
    name: r.next.name,
    ...(r.next.reference !== undefined ? { reference: r.next.reference } : {}),
    requirements,
    additional: additionalVolume(requirements, statement),
    legsNeeded: requirements.reduce((a, d) => a + (d.legsNeeded ?? 0), 0),
    ...columnsNeeded(requirements),
    otherUnmet: requirements.some((d) => d.requirement === "qualified" && !d.met) && statement.qualification.some((c) => !c.met && c.condition !== "personal"),
  };
  return { ...out, next };
}

/** The computed rank: the highest rank whose requirements are all met (the legs below are final); -1 for none. */
function computedRank(run: RunResult, i: number): number {
  const p = run.internals;
  const ctx = { g: p.genealogy, v: p.volumes, qualified: p.qualified, ranks: p.compiled.ranks, best: p.ranks.bestInSubtree, columns: p.ranks.columns };
  let c = p.compiled.ranks.length - 1;
  while (c >= 0 && !checkRank(ctx, i, c)) c--;
  return c;
}

/**
 * How the opening state decided the paid-as rank (docs/state.md "Paid-as rank over periods"): kept in grace,
 * held at the highest rank, grace used, or as the requirements give. Undefined for a plan without rank state.
 */
function explainRankState(run: RunResult, i: number, paidAsGiven: boolean): RankStateExplanation | undefined {
  const p = run.internals;
  const opening = p.opening;
  if (opening === undefined) return undefined;
  const column = (name: string) => opening.columns[opening.fields.findIndex((f) => f.name === name)]?.[i];
  const highest = column("rank.highest");
  const before = column("rank.paidAs");
  if (highest === undefined || before === undefined) return undefined;
  const names = p.compiled.ranks.map((r) => r.name);
  const name = (r: number) => (r >= 0 ? (names[r] as string) : null);
  const graceBefore = column("rank.grace");
  const open = { highest: name(highest), paidAs: name(before), periods: column("rank.periods") ?? 0, ...(graceBefore !== undefined ? { grace: graceBefore } : {}) };
  const rank = p.ranks.rank[i] as number;
  // The rank before hold and grace: the computed one, raised to a given rank (floor) or replaced by it (paid-as).
  const given = p.ranks.given?.[i] ?? -1;
  const computed = paidAsGiven ? given : Math.max(computedRank(run, i), given);
  const gives = `requirements give ${name(computed) ?? "no rank"}`;
  const base = { opening: open, computed: name(computed) };
  if (p.ranks.graced?.[i] === 1) {
    return { ...base, reason: "kept-in-grace", message: `${name(rank)} kept in grace, period ${(graceBefore ?? 0) + 1} of ${p.compiled.rankGrace} (${gives})` };
  }
  if (rank > computed && p.compiled.holdHighest && rank === highest) {
    return { ...base, reason: "held-at-highest", message: `held at ${name(rank)}, the highest rank held (${gives})` };
  }
  if (!paidAsGiven && p.compiled.rankGrace > 0 && rank < before) {
    return { ...base, reason: "grace-used", message: `${name(before)} not kept: ${p.compiled.rankGrace === 1 ? "its period of grace is" : `its ${p.compiled.rankGrace} periods of grace are`} used (${gives})` };
  }
  const history = open.highest === null ? "no rank held before" : `highest rank held before: ${open.highest}; last period ${open.paidAs ?? "no rank"}`;
  return { ...base, reason: "from-requirements", message: `${name(rank) ?? "no rank"} from this period's requirements (${history})` };
}

/** How the given rank decided the paid-as rank: the rank the requirements alone give, and the plan's rule. */
function explainGiven(run: RunResult, i: number, given: string, paidAs: string | null): GivenRankExplanation {
  const p = run.internals;
  const use = p.compiled.givenRank;
  // The computed rank: the highest rank whose requirements are all met (the legs below are final).
  const c = computedRank(run, i);
  const computed = c >= 0 ? (p.compiled.ranks[c] as { name: string }).name : null;
  const alone = `the requirements alone give ${computed ?? "no rank"}`;
  if (use === "paid-as") return { rank: given, use, computed, reason: "given-rank-paid-as", message: `paid as ${given}: rank given in the members file (paid-as); ${alone}` };
  if (paidAs === given && computed !== given) return { rank: given, use, computed, reason: "given-rank-floor", message: `paid as ${given}: rank given in the members file (floor); ${alone}` };
  return { rank: given, use, computed, reason: "computed-rank-not-below-given", message: `paid as ${paidAs} by the requirements, not below the rank ${given} given in the members file (floor)` };
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function explainRequirement(run: RunResult, i: number, d: RequirementDetail): RequirementExplanation {
  const p = run.internals;
  const g = p.genealogy;
  const notes: string[] = [];
  const measureIndex = (name: string | undefined) => p.compiled.measures.findIndex((s) => s.name === name);
  const children = () => {
    const out: number[] = [];
    for (let c = g.childStart[i] as number, end = g.childStart[i + 1] as number; c < end; c++) out.push(g.childList[c] as number);
    return out;
  };
  const shortfall =
    d.met || d.requirement === "qualified" || d.requirement === "legs"
      ? undefined
      : d.requirement === "column"
        ? columnShortfall(run, d)
        : formatTrimmed(units(d.required) - units(d.actual), VALUE_SCALE);
  let legsNeeded: number | undefined;
  switch (d.requirement) {
    case "qualified":
      if (!d.met) notes.push("not qualified this period (see qualification)");
      break;
    case "personal": {
      const a = d.measure === undefined ? undefined : breakdown(run, i, d.measure).accumulated;
      if (a !== undefined) notes.push(`${d.measure}: carried from earlier periods ${grouped(a.carried)} + this period's ${a.base} ${grouped(a.thisPeriod)}`);
      if (!d.met) notes.push(`needs ${grouped(shortfall ?? "")} more ${d.measure} of your own`);
      break;
    }
    case "group": {
      const cap = d.legCap;
      if (cap === undefined) {
        if (!d.met) notes.push(`needs ${grouped(shortfall ?? "")} more group ${d.measure}: your own or anyone's below you`);
        break;
      }
      for (const leg of cap.cappedLegs.slice(0, LEGS_NAMED_MAX)) {
        notes.push(`leg ${leg.leg} supplies ${grouped(leg.volume)} of group ${d.measure} but counts ${grouped(leg.counted)} under the ${percentOf(cap.share)} cap`);
      }
      if (cap.cappedLegs.length > LEGS_NAMED_MAX) notes.push(`… and ${cap.cappedLegs.length - LEGS_NAMED_MAX} more legs capped the same way (all are listed in legCap.cappedLegs)`);
      if (!d.met) {
        // Room below the cap in legs not yet capped: volume added there counts in full up to the cap.
        const m = measureIndex(d.measure);
        const gv = p.volumes.group[m] as Float64Array;
        const max = units(cap.maxPerLeg);
        let room = 0n;
        for (const c of children()) {
          const leg = BigInt(gv[c] as number) * 1_000_000n;
          if (leg < max) room += max - leg;
        }
        const capped = cap.cappedLegs.map((l) => l.leg);
        notes.push(
          `needs ${grouped(shortfall ?? "")} more counted group ${d.measure}, from outside capped legs: your own volume, new legs, or legs below the cap of ${grouped(cap.maxPerLeg)} per leg (room for ${grouped(formatTrimmed(room, VALUE_SCALE))} in the legs below it)` +
            (capped.length > 0 ? `; more volume in ${capped.length === 1 ? "leg" : "legs"} ${capped.slice(0, LEGS_NAMED_MAX).join(", ")}${capped.length > LEGS_NAMED_MAX ? ", …" : ""} counts nothing` : ""),
        );
      }
      break;
    }
    case "column":
      if (!d.met) notes.push(`needs ${grouped(shortfall ?? "")} more ${columnWords(d.column ?? "")}; not volume: more volume counts only through what that bonus pays`);
      break;
    case "legs": {
      const kids = children();
      if (d.rank !== undefined) {
        const r = p.compiled.ranks.findIndex((x) => x.name === d.rank);
        const holding = kids.filter((c) => (p.ranks.bestInSubtree[c] as number) >= r).map((c) => g.ids.at(c) as string).sort(byString);
        if (holding.length > 0) notes.push(`legs holding ${d.rank} or higher: ${holding.slice(0, LEGS_NAMED_MAX).join(", ")}${holding.length > LEGS_NAMED_MAX ? `, … (${holding.length})` : ""}`);
        if (!d.met) {
          legsNeeded = Number(d.required) - Number(d.actual);
          notes.push(`needs ${legsNeeded} more first-level leg${legsNeeded === 1 ? "" : "s"} holding ${d.rank} (a leg holds a rank when someone in it is paid as that rank or higher)`);
        }
      } else {
        const m = measureIndex(d.measure);
        const gv = p.volumes.group[m] as Float64Array;
        const min = units(d.legMinimum ?? "0");
        if (!d.met) {
          legsNeeded = Number(d.required) - Number(d.actual);
          const closest = kids
            .map((c) => ({ id: g.ids.at(c) as string, v: BigInt(gv[c] as number) * 1_000_000n }))
            .filter((x) => x.v < min)
            .sort((x, y) => (x.v > y.v ? -1 : x.v < y.v ? 1 : byString(x.id, y.id)))
            .slice(0, legsNeeded);
          notes.push(`needs ${legsNeeded} more first-level leg${legsNeeded === 1 ? "" : "s"} with group ${d.measure} of at least ${grouped(d.legMinimum ?? "0")}`);
          if (closest.length > 0) {
            notes.push(`closest: ${closest.map((x) => `leg ${x.id} has ${grouped(formatTrimmed(x.v, VALUE_SCALE))} (${grouped(formatTrimmed(min - x.v, VALUE_SCALE))} short)`).join(", ")}`);
          }
        }
      }
      break;
    }
  }
  return {
    ...d,
    ...(shortfall !== undefined ? { shortfall } : {}),
    ...(legsNeeded !== undefined ? { legsNeeded } : {}),
    notes,
  };
}

/** How much more of its column an unmet column requirement needs, written as the column's values are. */
function columnShortfall(run: RunResult, d: RequirementDetail): string {
  const c = run.internals.compiled.ranks.flatMap((r) => r.columns).find((x) => x.column === d.column);
  assert(c !== undefined, "explain-column", d.column ?? "");
  const missing = units(d.required) - units(d.actual);
  return c.kind === "money" ? formatFixed(missing / 10n ** BigInt(VALUE_SCALE - c.scale), c.scale) : formatTrimmed(missing, VALUE_SCALE);
}

/** `earnings.retail` → "earnings from retail"; another column by its name. */
function columnWords(column: string): string {
  return column.startsWith("earnings.") ? `earnings from ${column.slice("earnings.".length)}` : column;
}

/**
 * The unmet column requirements of the next rank, with what each needs: a bonus's result, which additional
 * volume does not meet (so they are not part of {@link additionalVolume}). Absent when none is unmet.
 */
function columnsNeeded(requirements: readonly RequirementExplanation[]): { columnsNeeded?: readonly ColumnShortfall[] } {
  const out = requirements.filter((d) => d.requirement === "column" && !d.met).map((d) => ({ column: d.column ?? "", shortfall: d.shortfall ?? "" }));
  return out.length > 0 ? { columnsNeeded: out } : {};
}

/**
 * The smallest additional volume per measure that meets every unmet volume requirement of the next rank.
 * Volume added to the member's own counted personal volume counts toward the personal requirement and in
 * full toward the group requirement (a leg cap never limits own volume), so per measure it is the largest
 * shortfall among that measure's unmet requirements (and the qualification minimum, when the rank needs
 * qualification). Column requirements are not volume requirements and are left out.
 */
function additionalVolume(requirements: readonly RequirementExplanation[], statement: Statement): AdditionalVolume[] {
  const needs = new Map<string, { volume: bigint; personal: boolean; group: boolean; capped: boolean }>();
  const need = (measure: string, volume: bigint, kind: "personal" | "group" | "capped") => {
    const n = needs.get(measure) ?? { volume: 0n, personal: false, group: false, capped: false };
    if (volume > n.volume) n.volume = volume;
    if (kind === "personal") n.personal = true;
    else if (kind === "capped") n.capped = true;
    else n.group = true;
    needs.set(measure, n);
  };
  for (const d of requirements) {
    if (d.met || d.shortfall === undefined || d.measure === undefined) continue;
    need(d.measure, units(d.shortfall), d.requirement === "personal" ? "personal" : d.legCap !== undefined ? "capped" : "group");
  }
  if (requirements.some((d) => d.requirement === "qualified" && !d.met)) {
    for (const c of statement.qualification) {
      if (c.condition === "personal" && !c.met && c.measure !== undefined) need(c.measure, units(c.required) - units(c.actual), "personal");
    }
  }
  return [...needs.entries()]
    .sort(([a], [b]) => byString(a, b))
    .map(([measure, n]) => ({
      measure,
      volume: formatTrimmed(n.volume, VALUE_SCALE),
      where: n.personal
        ? n.group || n.capped
          ? "in your own orders: they count toward both the personal and the group requirement"
          : "in your own orders"
        : n.capped
          ? "outside capped legs: your own orders, new legs, or legs still below the cap"
          : "in your own orders or anyone's below you",
    }));
}

/** "0.4" → "40%". */
function percentOf(share: string): string {
  // share × 100 at scale 8 has the same digits as share at VALUE_SCALE (10).
  return `${formatTrimmed(units(share), 8)}%`;
}
