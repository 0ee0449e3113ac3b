/**
 * The orchestrator: validate inputs, build the sponsor tree, compute volumes, qualification and ranks,
 * run the bonus steps in the order of what they read (settling a bonus's earnings when a later step reads
 * them), then finalize amounts and the summary. It never asks which kind a bonus is; each compiled bonus
 * runs itself against the shared context.
 */
import { argumentIssues, isNameSet, isOptions, isRecord } from "../errors/arguments.js";
import { CompplanError, type Issue, type Result, assert, issue } from "../errors/issues.js";
import { type Genealogy, buildGenealogy } from "../genealogy/genealogy.js";
import type { OrderColumns, RecordOrigin } from "../input/rows.js";
import { type MemberInput, type OrderInput, validateMembers, validateOrders } from "../input/validate.js";
import { numberOrdersByMember } from "../input/order-number.js";
import { computeQualification } from "../measures/qualification.js";
import { type RankHistory, type RankValues, computeRanks, resolveGivenRanks } from "../measures/ranks.js";
import { type StateColumns, type StateInput, initialColumns, resolveState, stateColumn } from "../state/state.js";
import { type MeasureValues, computeVolumes, orderColumnOf } from "../measures/volumes.js";
import { canonicalJson } from "../statement/canonical.js";
import type { LevelAccounting, RunContext, RunOrders } from "../bonuses/family.js";
import { type CompiledPlan, accumulatedFields, compilePlan } from "../plan/compile.js";
import { type Plan, orderMeasures, planArgument } from "../plan/parse.js";
import { AwardRecords } from "./awards.js";
import { ColumnStore } from "./columns.js";
import { LineSink } from "./lines.js";
import { type Period, dayIndices, safeParsePeriod } from "./period.js";
import { RunResult } from "./result.js";
import { settleEarnings } from "./settle.js";
import { WorkCounter } from "./work.js";

/** A period's input: the month, its members and its orders. */
export interface CalculateInput {
  /** The month, YYYY-MM. */
  readonly period: string;
  readonly members: readonly MemberInput[];
  readonly orders: readonly OrderInput[];
}

/** A phase of a run, reported to {@link CalculateOptions.onPhase}. */
export type Phase = "validate" | "genealogy" | "volumes" | "qualification" | "ranks" | "bonuses" | "finalize";

/** Options for {@link calculate}. The library never logs; a caller that wants progress passes a callback. */
export interface CalculateOptions {
  /**
   * Called when each phase starts; the CLI uses it for progress and timings. When ranks read a bonus's
   * column, `ranks` comes between two `bonuses` phases (the bonuses the ranks read, then the others).
   */
  readonly onPhase?: (phase: Phase) => void;
  /** Where each record came from (file and line), for error messages; set by file readers. */
  readonly memberOrigins?: readonly RecordOrigin[];
  readonly orderOrigins?: readonly RecordOrigin[];
  /**
   * The opening state: the previous period's closing state, from {@link safeParseState} (docs/state.md).
   * Left out for a plan that keeps state, every member starts at the initial values (a first period).
   */
  readonly state?: StateInput;
}

/**
 * A period's input, validated and with its sponsor tree built, ready to be run under one or more plans.
 * Built by {@link safePrepareInput}; a comparison of two plans prepares once and calculates twice.
 */
export interface PreparedInput {
  /** The period. */
  readonly period: Period;
  /** @internal */
  readonly genealogy: Genealogy;
  /** @internal Orders in columns, numbered by member, with `member[i]` the member index of order i. */
  readonly orders: OrderColumns & { readonly member: Int32Array };
  /** The measure names orders were validated against. */
  readonly measures: ReadonlySet<string>;
}

/**
 * Validates a period's input and builds its sponsor tree, once, for one or more plans.
 *
 * @param input - the period, members and orders
 * @param measures - the measure names orders may carry (for several plans: the union of their measures)
 * @returns the prepared input, or every issue (`PERIOD_*`, `INPUT_*`, `MEMBER_*`, `ORDER_*`)
 */
export function safePrepareInput(input: CalculateInput, measures: ReadonlySet<string>, options: CalculateOptions = {}): Result<PreparedInput> {
  const bad = argumentIssues("safePrepareInput", [
    ["input", isRecord(input), "an object { period, members, orders }", input],
    ["measures", isNameSet(measures), "a Set of measure names", measures],
    ["options", isOptions(options, "onPhase"), OPTIONS, options],
  ]);
  if (bad.length > 0) return { ok: false, issues: bad };
  const phase = options.onPhase ?? (() => {});
  phase("validate");
  const period = safeParsePeriod(input.period);
  if (period.period === undefined) return { ok: false, issues: [period.issue as Issue] };
  const issues: Issue[] = [];
  if (!Array.isArray(input.members) || input.members.length === 0) {
    issues.push({ code: "INPUT_EMPTY", path: ["members"], message: "there are no members" });
  }
  if (!Array.isArray(input.orders)) {
    issues.push({ code: "INPUT_INVALID_FIELD", path: ["orders"], message: "orders must be an array (it may be empty)" });
  }
  if (issues.length > 0) return { ok: false, issues };
  const members = validateMembers(input.members, period.period, "members", options.memberOrigins);
  const orders = validateOrders(input.orders, period.period, measures, "orders", options.orderOrigins);
  // Not push(...): a spread of a million issues would overflow the stack.
  if (members.issues.length + orders.issues.length > 0) return { ok: false, issues: members.issues.concat(orders.issues) };
  phase("genealogy");
  const built = buildGenealogy(members.rows);
  if (built.genealogy === undefined) return { ok: false, issues: built.issues };
  // Orders for unknown members are found here, so a prepared input is fully valid.
  const cols = orders.columns;
  const member = new Int32Array(cols.count);
  const unknown: Issue[] = [];
  for (let o = 0; o < cols.count; o++) {
    const memberId = cols.memberIds.at(o) as string;
    const m = built.genealogy.indexOf.get(memberId);
    if (m !== undefined) {
      member[o] = m;
      continue;
    }
    const base = issue("ORDER_UNKNOWN_MEMBER", ["orders", o, "memberId"], `order "${cols.ids.at(o)}" is for "${memberId}", who is not a member`, memberId);
    unknown.push({ ...base, ...(options.orderOrigins?.[o] ?? {}) });
  }
  if (unknown.length > 0) return { ok: false, issues: unknown };
  const numbered = numberOrdersByMember(cols, member, built.genealogy.ids);
  return { ok: true, value: { period: period.period, genealogy: built.genealogy, orders: numbered, measures } };
}

/**
 * The opening state of a run (docs/state.md): the given state resolved against the plan, period and
 * members, the initial values when none is given, or nothing for a plan that keeps no state (a state
 * given to it is `STATE_FIELDS` unless it has no fields either).
 */
function openingState(compiled: CompiledPlan, prepared: PreparedInput, state: StateInput | undefined): { columns?: StateColumns; issues: Issue[] } {
  const g = prepared.genealogy;
  if (state !== undefined) return resolveState(state, compiled.state, prepared.period, g);
  if (!compiled.state.keeps) return { issues: [] };
  const columns = initialColumns(compiled.state.fields, g.size);
  return { columns: { fields: compiled.state.fields, columns, carried: [] }, issues: [] };
}

/** The opening state's rank fields as the rank computation reads them, when the plan keeps them. */
function rankHistory(compiled: CompiledPlan, opening: StateColumns | undefined): RankHistory | undefined {
  if (opening === undefined) return undefined;
  const column = (name: string) => stateColumn(opening, name);
  const highest = column("rank.highest");
  const paidAs = column("rank.paidAs");
  if (highest === undefined || paidAs === undefined) return undefined;
  return { highest, paidAs, grace: column("rank.grace"), graceMax: compiled.rankGrace, holdHighest: compiled.holdHighest };
}

/**
 * Per measure, the volume an accumulated measure carries from earlier periods (docs/state.md "Accumulated
 * measures"): the opening `<M>`, or the sum of the opening `<M>.1` … `<M>.<N-1>`; undefined for other
 * measures and without an opening state.
 */
function carriedVolumes(compiled: CompiledPlan, opening: StateColumns | undefined): (Float64Array | undefined)[] {
  return compiled.measures.map((spec) => {
    if (spec.accumulates === undefined || opening === undefined) return undefined;
    const columns = accumulatedFields(spec.name, spec.accumulates.periods).map((name) => stateColumn(opening, name) as Float64Array);
    if (columns.length === 1) return columns[0];
    const sum = new Float64Array(columns[0]?.length ?? 0);
    for (const c of columns) for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (c[i] as number);
    return sum;
  });
}

/**
 * The closing value of each accumulated measure's state fields (docs/state.md "Accumulated measures"):
 * since joining, `<M>` = personal(M); over N periods, `<M>.1` = personal(base) this period and `<M>.k` =
 * the opening `<M>.(k−1)`.
 */
function closingVolumes(compiled: CompiledPlan, opening: StateColumns, volumes: MeasureValues): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  compiled.measures.forEach((spec, s) => {
    if (spec.accumulates === undefined) return;
    const names = accumulatedFields(spec.name, spec.accumulates.periods);
    if (spec.accumulates.periods === 0) out.set(names[0] as string, volumes.personal[s] as Float64Array);
    else
      names.forEach((name, k) =>
        out.set(name, k === 0 ? (volumes.personal[spec.accumulates?.base as number] as Float64Array) : (stateColumn(opening, names[k - 1] as string) as Float64Array)),
      );
  });
  return out;
}

/**
 * The closing state (docs/state.md): each field's value at the end of the period, from the opening state,
 * this period's volumes and ranks; rows carried for members not in the members file pass through.
 */
function closingState(compiled: CompiledPlan, opening: StateColumns, volumes: MeasureValues, ranks: RankValues, closedBySteps: ReadonlyMap<string, Float64Array>): StateColumns {
  const n = ranks.rank.length;
  const open = (name: string) => stateColumn(opening, name) as Float64Array;
  const accumulated = closingVolumes(compiled, opening, volumes);
  const columns = opening.fields.map((f) => {
    const volume = accumulated.get(f.name) ?? closedBySteps.get(f.name);
    if (volume !== undefined) return Float64Array.from(volume);
    const out = new Float64Array(n);
    const before = open(f.name);
    const rank = ranks.rank;
    // One loop per field, each with what it reads looked up once.
    if (f.name === "rank.highest") for (let i = 0; i < n; i++) out[i] = Math.max(before[i] as number, rank[i] as number);
    else if (f.name === "rank.paidAs") out.set(rank.subarray(0, n));
    else if (f.name === "rank.periods") {
      const paidAs = open("rank.paidAs");
      for (let i = 0; i < n; i++) {
        const r = rank[i] as number;
        out[i] = r < 0 ? 0 : r === (paidAs[i] as number) ? (before[i] as number) + 1 : 1;
      }
    } else if (f.name === "rank.grace") {
      const graced = ranks.graced;
      if (graced !== undefined) for (let i = 0; i < n; i++) out[i] = graced[i] === 1 ? (before[i] as number) + 1 : 0;
    } else assert(false, "state-field-closed", `no closing rule for state field ${f.name}`);
    return out;
  });
  return { fields: opening.fields, columns, carried: opening.carried };
}

/**
 * The orders of a prepared input as the plan's steps read them (measures by the plan's indices); the days
 * are computed once, when first asked for.
 */
function runOrders(prepared: PreparedInput, compiled: CompiledPlan): RunOrders {
  const o = prepared.orders;
  let days: Uint16Array | undefined;
  const columns = compiled.measures.map((m) => o.volumes[o.measures.indexOf(orderColumnOf(m))]);
  return {
    count: o.count,
    ids: o.ids,
    member: o.member,
    kinds: o.kinds,
    days: () => (days ??= dayIndices(prepared.period, o.count, (i) => o.dates.at(i) as string)),
    volumes: (measure) => columns[measure],
  };
}

/** What a run computes before its bonuses: volumes, qualification, and the ranks unless they read a bonus. */
interface Measured {
  readonly volumes: MeasureValues;
  readonly qualified: Uint8Array;
  /** The ranks the input gives (resolved against the plan), if any. */
  readonly given: Int16Array | undefined;
  ranks?: RankValues;
}

/** Per prepared input: the volumes, qualification and ranks last computed, by the plan parts they depend on. */
const MEASURED = new WeakMap<PreparedInput, Map<string, Measured>>();

/** The ranks as a step after the bonuses their column requirements read. */
function rankStep(g: Genealogy, compiled: CompiledPlan, m: Measured, columns: ColumnStore, work: WorkCounter, history: RankHistory | undefined): RankValues {
  const values = compiled.rankColumns.map((c) => columns.column(c));
  return computeRanks(g, m.volumes, m.qualified, compiled.ranks, work, m.given, compiled.givenRank, values, history);
}

/**
 * Runs a plan over a prepared input. The plan's order measures ({@link orderMeasures}) must be among those
 * the input was prepared for.
 *
 * @param plan - a plan from {@link parsePlan}
 * @param prepared - from {@link safePrepareInput}
 * @returns the run, or `RUN_*` issues, or `MEMBER_UNKNOWN_RANK` when the input gives a member a rank the
 *   plan does not have
 */
export function safeCalculatePrepared(plan: Plan, prepared: PreparedInput, options: CalculateOptions = {}): Result<RunResult> {
  const bad = argumentIssues("safeCalculatePrepared", [
    ["prepared", isPrepared(prepared), "an input from safePrepareInput or safePrepareFiles", prepared],
    ["options", isOptions(options, "onPhase"), OPTIONS, options],
  ]);
  if (bad.length > 0) return { ok: false, issues: bad };
  const checked = planArgument(plan);
  if (!checked.ok) return checked;
  return runPrepared(checked.value, prepared, options);
}

/** What an options argument must be. */
const OPTIONS = "undefined or an options object whose callbacks are functions";

/** True for what {@link safePrepareInput} or `safePrepareFiles` returns (checked by shape, not deeply). */
function isPrepared(x: unknown): x is PreparedInput {
  return isRecord(x) && isRecord(x.period) && isRecord(x.genealogy) && isRecord(x.orders) && isNameSet(x.measures);
}

/**
 * What the plan asks of the input's placement tree: a tree at all when a step walks it
 * (`PLACEMENT_NO_TREE`), and no leg position beyond the plan's width (`PLACEMENT_TOO_WIDE`, one issue per
 * member, at its input row). A prepared input does not know the plan, so this is checked per run.
 */
function checkPlacement(compiled: CompiledPlan, g: Genealogy): Issue[] {
  const t = g.placement;
  if (t === undefined) {
    // The root alone is a placement tree of one member: nothing to place.
    if (g.size <= 1) return [];
    const walker = compiled.bonuses.find((b) => b.reads.includes("tree.placement"));
    if (walker === undefined) return [];
    return [issue("PLACEMENT_NO_TREE", ["members"], `bonus "${walker.key}" pays on the placement tree, but no member has a placementId: give every member but the root a placementId and a leg`)];
  }
  const width = compiled.placementWidth;
  if (width === 0 || t.widest <= width) return [];
  const out: Issue[] = [];
  for (let r = 0; r < g.size; r++) {
    const m = g.memberOfRow[r] as number;
    const leg = t.leg[m] as number;
    if (leg <= width) continue;
    const base = issue("PLACEMENT_TOO_WIDE", ["members", r, "leg"], `member "${g.ids.at(m)}" is on leg ${leg}, but the plan's placement tree is ${width} wide (placement.width)`, leg);
    out.push(t.file !== undefined ? { ...base, file: t.file, ...(t.line !== undefined ? { line: t.line[r] as number } : {}) } : base);
  }
  return out;
}

function runPrepared(plan: Plan, prepared: PreparedInput, options: CalculateOptions): Result<RunResult> {
  const phase = options.onPhase ?? (() => {});
  const compiled = compilePlan(plan);
  const missing = compiled.measures.filter((m) => m.accumulates === undefined && !prepared.measures.has(orderColumnOf(m)));
  assert(missing.length === 0, "prepared-measures", `input prepared without measures ${missing.map((m) => m.name).join(", ")}`);
  const work = new WorkCounter();
  const g = prepared.genealogy;
  work.add("genealogy", g.size);
  const placementIssues = checkPlacement(compiled, g);
  if (placementIssues.length > 0) return { ok: false, issues: placementIssues };

  // The opening state, resolved against this run (docs/state.md): checked before anything is computed.
  const opening = openingState(compiled, prepared, options.state);
  if (opening.issues.length > 0) return { ok: false, issues: opening.issues };
  const history = rankHistory(compiled, opening.columns);

  // Volumes, qualification and ranks depend only on the plan's measures, qualification, ranks and use of
  // given ranks: a second plan on the same prepared input that defines them identically (a what-if that
  // changes a rate, say) reuses them instead of computing them again. Ranks that read a bonus's column
  // depend on that bonus too: they are computed in each run and never reused. A plan keeping state depends
  // on its opening state: nothing is reused.
  const ranksReadBonuses = compiled.rankColumns.length > 0;
  // A measure's `leavesOut` reads the windows of the bonuses it names: they are part of what it depends on.
  const key = canonicalJson({ measures: plan.measures, leavesOut: compiled.measures.map((m) => m.leavesOut ?? null), qualification: plan.qualification ?? null, ranks: plan.ranks, givenRank: compiled.givenRank });
  let cache = MEASURED.get(prepared);
  if (cache === undefined) MEASURED.set(prepared, (cache = new Map()));
  let measured = compiled.state.keeps ? undefined : cache.get(key);
  if (measured === undefined) {
    // Ranks the input gives must be ranks of this plan: checked before anything is computed.
    const given = resolveGivenRanks(g, compiled.ranks);
    if (given.issues.length > 0) return { ok: false, issues: given.issues };
    phase("volumes");
    const volumes = computeVolumes(g, prepared.orders, compiled.measures, work, carriedVolumes(compiled, opening.columns), prepared.period.start);
    if (volumes.values === undefined) return { ok: false, issues: volumes.issues };
    phase("qualification");
    const qualified = computeQualification(g, volumes.values, compiled.qualification, work);
    measured = { volumes: volumes.values, qualified, given: given.given };
    if (!ranksReadBonuses) {
      phase("ranks");
      measured.ranks = computeRanks(g, volumes.values, qualified, compiled.ranks, work, given.given, compiled.givenRank, [], history);
    }
    // Keep the last one only: enough for a comparison, bounded for a sweep over many plans.
    cache.clear();
    if (!compiled.state.keeps) cache.set(key, measured);
  }
  const { volumes, qualified } = measured;
  let ranks = ranksReadBonuses ? undefined : measured.ranks;

  phase("bonuses");
  // About a line per member is typical; more lines double it.
  const sink = new LineSink(g.size);
  // Each bonus's earnings are settled right after it runs (rounded as statements show them): a later step,
  // or the ranks, may read them, and finalize reads them all.
  const columns = new ColumnStore(compiled.bonuses, g.size);
  // The step running now, and the state fields steps have closed (docs/state.md).
  let running = -1;
  const closed = new Map<string, Float64Array>();
  const orders = runOrders(prepared, compiled);
  const awards = new AwardRecords(compiled.bonuses);
  const ctx: RunContext = {
    period: prepared.period,
    genealogy: g,
    measures: volumes,
    qualified,
    get rank() {
      assert(ranks !== undefined, "ranks-before-read", "rank");
      return ranks.rank;
    },
    work,
    earnings: (key) => columns.column(`earnings.${key}`),
    publish: (name, values) => columns.publish(name, values),
    column: (name) => columns.column(name),
    orders,
    opening: (field) => (opening.columns === undefined ? undefined : stateColumn(opening.columns, field)),
    openingGiven: options.state !== undefined,
    close: (field, values) => {
      const own = compiled.bonuses[running]?.stateFields.find((f) => f.name === field);
      assert(own !== undefined && !closed.has(field), "state-field-closed-once", `step ${compiled.bonuses[running]?.key} closes ${field}: not its own state field, or twice`);
      assert(values.length === (own.scope === "company" ? 1 : g.size), "state-field-length", `${field}: ${values.length} values`);
      closed.set(field, values);
    },
    award: (member, award) => awards.add(member, running, award),
  };
  const accounting: (LevelAccounting | undefined)[] = new Array(compiled.bonuses.length);
  compiled.stepOrder.forEach((i, s) => {
    // The ranks run after the bonuses their requirements read (none: they were computed above).
    if (s === compiled.rankStep && ranks === undefined) {
      phase("ranks");
      ranks = rankStep(g, compiled, measured, columns, work, history);
      phase("bonuses");
    }
    const b = compiled.bonuses[i] as (typeof compiled.bonuses)[number];
    const from = sink.count;
    columns.begin(i);
    running = i;
    accounting[i] = b.run(ctx, sink, i);
    // A step keeping state closes each of its fields while it runs (a plan keeping state always has an opening).
    for (const f of b.stateFields) assert(closed.has(f.name), "state-field-closed", `step ${b.key} did not close its state field ${f.name}`);
    columns.end(settleEarnings(sink, from, sink.count, g.size, compiled));
    work.add(`settle:${b.key}`, sink.count - from);
  });
  if (ranks === undefined) {
    phase("ranks");
    ranks = rankStep(g, compiled, measured, columns, work, history);
  }

  phase("finalize");
  const result = new RunResult({
    compiled,
    period: prepared.period,
    genealogy: g,
    volumes,
    qualified,
    ranks,
    lines: sink,
    accounting,
    earnings: columns.earningsByBonus(),
    columns,
    awards,
    orderCount: prepared.orders.count,
    orders,
    work,
    ...(opening.columns !== undefined ? { opening: opening.columns, closing: closingState(compiled, opening.columns, volumes, ranks, closed) } : {}),
    ...(options.state !== undefined ? { openingInput: options.state } : {}),
  });
  return { ok: true, value: result };
}

/**
 * Runs a plan over a period's members and orders. Never throws on bad input: returns every issue found,
 * and computes nothing unless the whole input is valid.
 *
 * @param plan - a plan from {@link parsePlan}
 * @param input - the period, members and orders
 * @returns `{ ok: true, value: RunResult }` or `{ ok: false, issues }` with codes `PERIOD_*`, `INPUT_*`,
 *   `MEMBER_*`, `ORDER_*` or `RUN_*`
 * @example
 * ```ts
 * const r = safeCalculate(plan, { period: "2026-10", members, orders });
 * if (r.ok) console.log(r.value.summary.total);
 * ```
 */
export function safeCalculate(plan: Plan, input: CalculateInput, options: CalculateOptions = {}): Result<RunResult> {
  const checked = planArgument(plan);
  if (!checked.ok) return checked;
  const prepared = safePrepareInput(input, new Set(orderMeasures(checked.value)), options);
  if (!prepared.ok) return prepared;
  return runPrepared(checked.value, prepared.value, options);
}

/**
 * Runs a plan over a period's members and orders; throws {@link CompplanError} listing every issue when
 * the input is invalid. See {@link safeCalculate}.
 *
 * @throws CompplanError
 * @example
 * ```ts
 * const run = calculate(plan, { period: "2026-10", members, orders });
 * for (const s of run.statements()) store(s);
 * ```
 */
export function calculate(plan: Plan, input: CalculateInput, options: CalculateOptions = {}): RunResult {
  const r = safeCalculate(plan, input, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

/**
 * Validates a period's input and builds its sponsor tree; throws {@link CompplanError} listing every issue
 * when the input is invalid. See {@link safePrepareInput}.
 *
 * @param input - the period, members and orders
 * @param measures - the measure names orders may carry (for several plans: the union of their measures)
 * @returns the prepared input
 * @throws CompplanError with the codes listed for {@link safePrepareInput}
 * @example
 * ```ts
 * const prepared = prepareInput(input, new Set(orderMeasures(plan)));
 * const run = calculatePrepared(plan, prepared);
 * ```
 */
export function prepareInput(input: CalculateInput, measures: ReadonlySet<string>, options: CalculateOptions = {}): PreparedInput {
  const r = safePrepareInput(input, measures, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

/**
 * Runs a plan over a prepared input; throws {@link CompplanError} on `RUN_*` issues. See
 * {@link safeCalculatePrepared}.
 *
 * @param plan - a plan from {@link parsePlan}
 * @param prepared - from {@link prepareInput} or {@link safePrepareInput}
 * @returns the run
 * @throws CompplanError
 * @example
 * ```ts
 * const run = calculatePrepared(plan, prepareInput(input, new Set(orderMeasures(plan))));
 * ```
 */
export function calculatePrepared(plan: Plan, prepared: PreparedInput, options: CalculateOptions = {}): RunResult {
  const r = safeCalculatePrepared(plan, prepared, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}
