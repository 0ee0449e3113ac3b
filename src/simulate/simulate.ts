/**
 * What-if runs: a base plan and a changed plan (a change set applied to the base, or a second plan) run
 * over the same input, then compared. The input is validated and its sponsor tree built once, for the
 * union of both plans' measures; each plan then computes its own volumes, ranks and bonuses.
 */
import { argumentIssues, isOptions, isRecord } from "../errors/arguments.js";
import { CompplanError, type Issue, type Result, issue } from "../errors/issues.js";
import { type Plan, orderMeasures, planArgument } from "../plan/parse.js";
import { type CalculateInput, type PreparedInput, safeCalculatePrepared, safePrepareInput } from "../run/calculate.js";
import type { RecordOrigin } from "../input/rows.js";
import type { RunResult } from "../run/result.js";
import { inputSummaries } from "../audit/bundle.js";
import { genealogyMembers } from "../audit/canonical-rows.js";
import { type AppliedChanges, describeChangeSet, planDifferences } from "./applied.js";
import { type ChangeSet, safeApplyChangeSet } from "./change.js";
import { type RunDiff, diffRuns } from "./diff.js";

/** A step of a what-if run, reported to {@link SimulateOptions.onStep}. */
export type SimulateStep = "change" | "prepare" | "before" | "after" | "fingerprint" | "diff";

/** Options for {@link simulate} and {@link safeSimulate}. */
export interface SimulateOptions {
  /** Most members listed in the diff's `changes`, `largestGains` and `largestLosses` (default 50). */
  readonly limit?: number;
  /** Called when each step starts; the CLI uses it for timings. The library never logs. */
  readonly onStep?: (step: SimulateStep) => void;
  /** Where each record came from (file and line), for error messages; set by file readers. */
  readonly memberOrigins?: readonly RecordOrigin[];
  readonly orderOrigins?: readonly RecordOrigin[];
  /** Name of the change-set file, attached to issues about its operations. */
  readonly changeFileName?: string;
  /** What the change is, shown in the diff (default: the change set's own `description`). */
  readonly description?: string;
}

/** A finished what-if: the comparison, and both runs for member-by-member inspection. */
export interface Simulation {
  /** The comparison (serialise with {@link canonicalJson}). */
  readonly diff: RunDiff;
  /** The plan the change produced (or the second plan given). */
  readonly plan: Plan;
  /** The run under the base plan. */
  readonly before: RunResult;
  /** The run under the changed plan. */
  readonly after: RunResult;
}

/**
 * @internal True when `x` is to be read as a change set: anything that is not a plan (plans carry `compplan: 1`).
 * Something that is neither is then reported as an invalid change set, not run as a plan.
 */
export function isChangeSet(x: ChangeSet | Plan): x is ChangeSet {
  return typeof x !== "object" || x === null || !("compplan" in x);
}

/** @internal The issues of a base plan and a change (a change set, or a second plan) given as arguments. */
export function plansArgument(base: Plan, change: ChangeSet | Plan): Result<true> {
  const checked = planArgument(base);
  if (!checked.ok) return checked;
  if (!isChangeSet(change)) {
    const second = planArgument(change);
    if (!second.ok) return second;
  }
  return { ok: true, value: true };
}

/**
 * Runs a base plan and a changed plan over the same period's members and orders and compares them.
 * Never throws on bad input: returns every issue found and computes nothing unless all is valid.
 *
 * @param base - the plan in force, from {@link parsePlan}
 * @param change - a change set to apply to `base`, or a second plan (from {@link parsePlan})
 * @param input - the period, members and orders; or an input prepared once ({@link safePrepareInput},
 *   {@link safePrepareFiles}) for both plans' measures, which skips validation and the tree (the fast way
 *   to compare on a large input, or to compare several changes)
 * @param options - list limit, step callback, record origins
 * @returns the simulation, or issues: `CHANGE_*` and `PLAN_*` (the change set, or the plan it produces),
 *   `SIMULATE_CURRENCY_MISMATCH`, and the input codes of {@link safeCalculate} (`PERIOD_*`, `INPUT_*`,
 *   `MEMBER_*`, `ORDER_*`, `RUN_*`)
 * @example
 * ```ts
 * const r = safeSimulate(plan, { changes: [{ set: "bonuses[key=unilevel].schedule[0].rates[1]", value: "0.06" }] }, input);
 * if (r.ok) console.log(r.value.diff.total.change, r.value.diff.movers.gainers);
 * ```
 */
export function safeSimulate(base: Plan, change: ChangeSet | Plan, input: CalculateInput | PreparedInput, options: SimulateOptions = {}): Result<Simulation> {
  const bad = argumentIssues("safeSimulate", [
    ["input", isRecord(input), "an object { period, members, orders } or a prepared input", input],
    ["options", isOptions(options, "onStep"), "undefined or an options object whose callbacks are functions", options],
  ]);
  if (bad.length > 0) return { ok: false, issues: bad };
  const plans = plansArgument(base, change);
  if (!plans.ok) return plans;
  if ("genealogy" in input) return simulateWith(base, change, (measures) => preparedFor(input, measures), options);
  return simulateWith(base, change, (measures) =>
    safePrepareInput(input, measures, {
      ...(options.memberOrigins !== undefined ? { memberOrigins: options.memberOrigins } : {}),
      ...(options.orderOrigins !== undefined ? { orderOrigins: options.orderOrigins } : {}),
    }), options);
}

/** @internal A prepared input when it was prepared for every one of `measures`, else an `INPUT_INVALID_FIELD` issue. */
export function preparedFor(input: PreparedInput, measures: ReadonlySet<string>): Result<PreparedInput> {
  const missing = [...measures].filter((m) => !input.measures.has(m));
  if (missing.length === 0) return { ok: true, value: input };
  return { ok: false, issues: [issue("INPUT_INVALID_FIELD", ["measures"], `the input was prepared without the measures ${missing.join(", ")}; prepare it for the measures of every plan`, missing)] };
}

/**
 * @internal {@link safeSimulate} with the input prepared by `prepare` for the union of both plans' measures
 * (the CLI reads files straight into a prepared input).
 */
export function simulateWith(
  base: Plan,
  change: ChangeSet | Plan,
  prepare: (measures: ReadonlySet<string>) => Result<PreparedInput>,
  options: SimulateOptions = {},
): Result<Simulation> {
  const step = options.onStep ?? (() => {});
  step("change");
  const resolved = resolveChange(base, change, options);
  if (!resolved.ok) return resolved;
  const { other, applied: what, description } = resolved.value;
  step("prepare");
  const prepared = prepare(unionMeasures(base, other));
  if (!prepared.ok) return prepared;
  return comparePrepared(base, other, prepared.value, { ...options, ...(description !== undefined ? { description } : {}) }, what);
}

/**
 * @internal The changed plan of a comparison (the change set applied to `base`, or the second plan), what
 * was changed, and the description; `SIMULATE_CURRENCY_MISMATCH` when the two pay in different currencies.
 */
export function resolveChange(
  base: Plan,
  change: ChangeSet | Plan,
  options: Pick<SimulateOptions, "changeFileName" | "description">,
): Result<{ other: Plan; applied: AppliedChanges; description: string | undefined }> {
  let description = options.description;
  let other: Plan;
  let applied: AppliedChanges;
  if (isChangeSet(change)) {
    const r = safeApplyChangeSet(base, change, options.changeFileName !== undefined ? { fileName: options.changeFileName } : {});
    if (!r.ok) return r;
    other = r.value;
    description ??= change.description;
    applied = describeChangeSet(base, change);
  } else {
    other = change;
    applied = planDifferences(base, other);
  }
  if (other.currency !== base.currency) {
    return { ok: false, issues: [issue("SIMULATE_CURRENCY_MISMATCH", ["currency"], `the base plan pays in ${base.currency} and the changed plan in ${other.currency}; amounts in two currencies cannot be compared`, other.currency)] };
  }
  return { ok: true, value: { other, applied, description } };
}

/**
 * @internal Runs both plans over an input already prepared for the union of their measures; `applied` is
 * what the comparison changed, for the diff.
 */
export function comparePrepared(base: Plan, other: Plan, prepared: PreparedInput, options: SimulateOptions, applied?: AppliedChanges): Result<Simulation> {
  const step = options.onStep ?? (() => {});
  step("before");
  const before = safeCalculatePrepared(base, prepared);
  if (!before.ok) return before;
  step("after");
  const after = safeCalculatePrepared(other, prepared);
  if (!after.ok) return after;
  step("fingerprint");
  const inputs = inputFingerprints(prepared);
  step("diff");
  const diff = diffRuns(before.value, after.value, {
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(applied !== undefined ? { applied } : {}),
    inputs,
  });
  return { ok: true, value: { diff, plan: other, before: before.value, after: after.value } };
}

/** Fingerprints of prepared inputs already compared: comparing several changes on one input hashes it once. */
const fingerprintsOf = new WeakMap<PreparedInput, ReturnType<typeof inputSummaries>>();

/** @internal The members' and orders' fingerprints of a prepared input (about 1 s per million members; cached). */
export function inputFingerprints(prepared: PreparedInput): ReturnType<typeof inputSummaries> {
  let fp = fingerprintsOf.get(prepared);
  if (fp === undefined) {
    fp = inputSummaries(genealogyMembers(prepared.genealogy), prepared.orders);
    fingerprintsOf.set(prepared, fp);
  }
  return fp;
}

/** @internal The measure names of several plans, for preparing one input for all of them. */
export function unionMeasures(...plans: readonly Plan[]): Set<string> {
  return new Set(plans.flatMap((p) => orderMeasures(p)));
}

/**
 * Runs a base plan and a changed plan over the same input and compares them; throws
 * {@link CompplanError} listing every issue when anything is invalid. See {@link safeSimulate}.
 *
 * @param base - the plan in force
 * @param change - a change set to apply to `base`, or a second plan
 * @param input - the period, members and orders, or an input prepared for both plans' measures
 * @param options - list limit, step callback, record origins
 * @returns the simulation: `diff`, the changed `plan`, and both runs
 * @throws CompplanError with the codes listed for {@link safeSimulate}
 * @example
 * ```ts
 * const { diff } = simulate(plan, parseChangeSet(readFileSync("raise-level-3.yaml", "utf8")), input);
 * writeFileSync("diff.json", canonicalJson(diff, 2));
 * ```
 */
export function simulate(base: Plan, change: ChangeSet | Plan, input: CalculateInput | PreparedInput, options: SimulateOptions = {}): Simulation {
  const r = safeSimulate(base, change, input, options);
  if (!r.ok) throw new CompplanError(r.issues as Issue[]);
  return r.value;
}
