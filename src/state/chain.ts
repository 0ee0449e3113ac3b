/**
 * Chained runs (docs/state.md "A chain of periods"): a sequence of consecutive periods run from one members
 * list and one orders list spanning them, each period's opening state the previous one's closing state.
 */
import { CompplanError, type Issue, type Result, issue } from "../errors/issues.js";
import type { MemberInput, OrderInput } from "../input/validate.js";
import type { Plan } from "../plan/parse.js";
import { type CalculateInput, type CalculateOptions, safeCalculate } from "../run/calculate.js";
import { type Period, addDays, isIsoDate, safeParsePeriod } from "../run/period.js";
import type { RunResult } from "../run/result.js";
import { type StateInput, parseState } from "./state.js";
import { stateNdjson } from "./write.js";

/** The most periods one range may name (ten years of months, or of ISO weeks). */
const PERIODS_MAX = 530;

/**
 * The periods of a range `FIRST..LAST` of months (`2026-01..2026-06`) or ISO weeks (`2026-W01..2026-W08`),
 * both included, each following the one before.
 *
 * @param text - the range
 * @returns the period ids in order, or a `PERIOD_INVALID` issue
 * @example
 * ```ts
 * safePeriodRange("2026-11..2027-02").periods; // ["2026-11", "2026-12", "2027-01", "2027-02"]
 * ```
 */
export function safePeriodRange(text: string): { periods?: string[]; issue?: Issue } {
  const bad = (why: string) => ({ issue: issue("PERIOD_INVALID", ["periods"], why, text) });
  const m = typeof text === "string" ? /^(\d{4}-(?:\d{2}|W\d{2}))\.\.(\d{4}-(?:\d{2}|W\d{2}))$/.exec(text) : null;
  if (m === null) return bad("a range of periods is FIRST..LAST, both months (2026-01..2026-06) or both ISO weeks (2026-W01..2026-W08)");
  const first = safeParsePeriod(m[1]).period;
  const last = safeParsePeriod(m[2]).period;
  if (first === undefined || last === undefined || first.kind !== last.kind) return bad("a range of periods is FIRST..LAST, both months (2026-01..2026-06) or both ISO weeks (2026-W01..2026-W08), each a valid period");
  if (last.start < first.start) return bad(`the range ends (${last.id}) before it starts (${first.id})`);
  const periods: string[] = [];
  for (let p: Period | undefined = first; p !== undefined; p = nextPeriod(p)) {
    periods.push(p.id);
    if (p.id === last.id) return { periods };
    if (periods.length >= PERIODS_MAX) break;
  }
  return bad(`a range names at most ${PERIODS_MAX} periods`);
}

/** The month or ISO week that starts the day after `p` ends. */
function nextPeriod(p: Period): Period | undefined {
  const day = addDays(p.end, 1);
  if (p.kind === "month") return safeParsePeriod(day.slice(0, 7)).period;
  const [year, week] = [Number(p.id.slice(0, 4)), Number(p.id.slice(6))];
  const candidates = [`${year}-W${String(week + 1).padStart(2, "0")}`, `${year + 1}-W01`];
  return candidates.map((id) => safeParsePeriod(id).period).find((q) => q?.start === day);
}

/** The input of {@link runPeriods}: the periods, and members and orders spanning them. */
export interface PeriodsInput {
  /** The periods in order, each following the one before (e.g. from {@link safePeriodRange}). */
  readonly periods: readonly string[];
  /** Every member; a member takes part from the period holding its join date. */
  readonly members: readonly MemberInput[];
  /** Every order of the periods; each goes to the period holding its date. */
  readonly orders: readonly OrderInput[];
}

/**
 * Options of {@link safeRunPeriods}: the first period's opening state, progress, and where each record of
 * the whole members and orders lists came from (file and line, for issues; set by file readers).
 */
export type PeriodsOptions = Pick<CalculateOptions, "state" | "onPhase" | "memberOrigins" | "orderOrigins">;

/** One period of a chain: its input (the members and orders it was given), its run and its closing state. */
export interface PeriodRun {
  readonly input: CalculateInput;
  readonly run: RunResult;
  /** The closing state's text (state.ndjson), undefined for a plan that keeps no state. */
  readonly state: string | undefined;
}

/**
 * Splits members and orders over periods: a member takes part from the period holding its join date (a
 * join date that is not a date stays in every period, where validation reports it); an order goes to the
 * period holding its date (one before the first period, after the last, or not a date goes to the first
 * or last period, where validation reports it as outside the period). Records keep their order.
 */
export function splitPeriods(input: PeriodsInput, periods: readonly Period[]): CalculateInput[] {
  return splitPeriodIndices(input, periods).map((share, k) => ({
    period: (periods[k] as Period).id,
    members: share.members.map((i) => input.members[i] as MemberInput),
    orders: share.orders.map((i) => input.orders[i] as OrderInput),
  }));
}

/**
 * @internal The split of {@link splitPeriods} as indices into `input.members` and `input.orders`, per
 * period, ascending (so a period's issues and record origins can be mapped back to the whole lists).
 */
export function splitPeriodIndices(input: Pick<PeriodsInput, "members" | "orders">, periods: readonly Period[]): { members: number[]; orders: number[] }[] {
  const first = periods[0] as Period;
  const shares = periods.map(() => ({ members: [] as number[], orders: [] as number[] }));
  for (const [i, o] of input.orders.entries()) {
    const date = (o as { date?: unknown }).date;
    let k = 0;
    if (isIsoDate(date)) {
      k = periods.findIndex((p) => date <= p.end);
      if (k < 0) k = periods.length - 1;
    } else if (typeof date === "string" && date > first.end) k = periods.length - 1;
    shares[k]?.orders.push(i);
  }
  for (const [i, m] of input.members.entries()) {
    const join = (m as { joinDate?: unknown }).joinDate;
    for (const [k, p] of periods.entries()) if (!isIsoDate(join) || join <= p.end) shares[k]?.members.push(i);
  }
  return shares;
}

/** `issue` with its path's index into a period's share (`["orders", 2, …]`) made the index into the whole list. */
function wholeListPath(i: Issue, share: { members: readonly number[]; orders: readonly number[] }): Issue {
  const [part, index, ...rest] = i.path;
  if ((part !== "members" && part !== "orders") || typeof index !== "number") return i;
  const whole = share[part][index];
  return whole === undefined ? i : { ...i, path: [part, whole, ...rest] };
}

/**
 * @internal The periods of a chain, parsed, each checked to start the day after the one before ends.
 *
 * @param ids - the period ids in order
 * @returns the periods, or a `PERIOD_INVALID` issue at `periods[k]` (or at `periods` when there is none)
 */
export function chainPeriods(ids: readonly string[]): Result<Period[]> {
  const periods: Period[] = [];
  for (const [k, id] of ids.entries()) {
    const p = safeParsePeriod(id);
    if (p.period === undefined) return { ok: false, issues: [{ ...(p.issue as Issue), path: ["periods", k] }] };
    const before = periods[k - 1];
    if (before !== undefined && addDays(before.end, 1) !== p.period.start) {
      return { ok: false, issues: [issue("PERIOD_INVALID", ["periods", k], `period ${id} does not follow ${before.id}: it starts ${p.period.start}, not ${addDays(before.end, 1)}`, id)] };
    }
    periods.push(p.period);
  }
  if (periods.length === 0) return { ok: false, issues: [issue("PERIOD_INVALID", ["periods"], "a chain runs at least one period", ids)] };
  return { ok: true, value: periods };
}

/**
 * Runs a chain of periods: each from its share of the members and orders (see {@link splitPeriods}), with
 * the previous period's closing state as its opening state (the first takes `options.state`, or none: the
 * initial values). Yields each period as it is computed; the same as running the periods one by one with
 * `calculate(plan, input, { state: parseState(previous) })`.
 *
 * @param plan - a plan from {@link parsePlan}
 * @param input - the periods, and the members and orders spanning them
 * @param options - the first period's opening state, progress, and the records' origins: {@link PeriodsOptions}
 * @returns each period's input, run and closing state, or the issues of the first period that fails
 *   (`PERIOD_INVALID` when a period does not follow the one before); an issue's path names the record's
 *   index in the whole `members` or `orders` list
 * @example
 * ```ts
 * for (const r of safeRunPeriods(plan, { periods: ["2026-09", "2026-10"], members, orders })) {
 *   if (!r.ok) throw new CompplanError(r.issues);
 *   store(r.value.input.period, r.value.run, r.value.state);
 * }
 * ```
 */
export function* safeRunPeriods(plan: Plan, input: PeriodsInput, options: PeriodsOptions = {}): IterableIterator<Result<PeriodRun>> {
  const periods: Period[] = [];
  for (const [k, id] of input.periods.entries()) {
    const p = safeParsePeriod(id);
    if (p.period === undefined) return yield { ok: false, issues: [{ ...(p.issue as Issue), path: ["periods", k] }] };
    const before = periods[k - 1];
    if (before !== undefined && addDays(before.end, 1) !== p.period.start) {
      return yield { ok: false, issues: [issue("PERIOD_INVALID", ["periods", k], `period ${id} does not follow ${before.id}: it starts ${p.period.start}, not ${addDays(before.end, 1)}`, id)] };
    }
    periods.push(p.period);
  }
  if (periods.length === 0) return yield { ok: false, issues: [issue("PERIOD_INVALID", ["periods"], "a chain runs at least one period", input.periods)] };
  let state: StateInput | undefined = options.state;
  const split = splitPeriodIndices(input, periods);
  for (const [k, share] of splitPeriods(input, periods).entries()) {
    const indices = split[k] as { members: number[]; orders: number[] };
    const origins = {
      ...(options.memberOrigins !== undefined ? { memberOrigins: indices.members.map((i) => options.memberOrigins?.[i] ?? {}) } : {}),
      ...(options.orderOrigins !== undefined ? { orderOrigins: indices.orders.map((i) => options.orderOrigins?.[i] ?? {}) } : {}),
    };
    const r = safeCalculate(plan, share, { ...(options.onPhase !== undefined ? { onPhase: options.onPhase } : {}), ...origins, ...(state !== undefined ? { state } : {}) });
    // An issue names the record's index in the whole members or orders list, not in the period's share,
    // and the period it was found in (a member whose sponsor joins later is "not a member" of that period).
    if (!r.ok) return yield { ok: false, issues: r.issues.map((i) => ({ ...wholeListPath(i, indices), message: `in period ${periods[k]?.id}: ${i.message}` })) };
    const text = stateNdjson(r.value);
    yield { ok: true, value: { input: share, run: r.value, state: text } };
    state = text === undefined ? undefined : parseState(text);
  }
}

/**
 * Runs a chain of periods like {@link safeRunPeriods}; throws {@link CompplanError} with the issues of the
 * first period that fails.
 *
 * @throws CompplanError
 * @example
 * ```ts
 * const runs = [...runPeriods(plan, { periods: safePeriodRange("2026-01..2026-06").periods ?? [], members, orders })];
 * ```
 */
export function* runPeriods(plan: Plan, input: PeriodsInput, options: PeriodsOptions = {}): IterableIterator<PeriodRun> {
  for (const r of safeRunPeriods(plan, input, options)) {
    if (!r.ok) throw new CompplanError(r.issues);
    yield r.value;
  }
}
