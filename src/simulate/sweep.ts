/**
 * Sweeps: one plan value run over a list of values (say the level-3 rate from 0.02 to 0.06), each run
 * compared with the base plan. Points are spread over worker threads so every core works; each worker
 * prepares the input once, runs the base plan once, then its share of the values. A point depends only on
 * its value, so the result is the same, in the same order, whatever the number of workers (0 runs
 * everything in the calling thread).
 *
 * The call is synchronous: the calling thread waits (Atomics.wait) while the workers compute and reads
 * their results with receiveMessageOnPort, so the CLI and library callers need no event loop turn.
 */
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { CompplanError, type Issue, type Result, formatPath, formatValue, issue, issueValue } from "../errors/issues.js";
import { argumentIssues, isOptions, isRecord } from "../errors/arguments.js";
import { type Plan, planArgument } from "../plan/parse.js";
import { type CalculateInput, safeCalculatePrepared, safePrepareInput } from "../run/calculate.js";
import { type ChangePath, formatChangePath, parseChangePath, checkSegments } from "./path.js";
import { safeApplyChangeSet, valueAt } from "./change.js";
import type { RunResult } from "../run/result.js";
import { memberColumns } from "./columns.js";
import { diffRuns } from "./diff.js";
import { type InputFiles, safePrepareFiles } from "../input/files.js";
import { unionMeasures } from "./simulate.js";

/** One plan value and the list of values to run it at. */
export interface SweepSpec {
  /** Where the value is in the plan, as in a change set's `set`. */
  readonly path: ChangePath;
  /** The values, in order (decimal strings for rates and amounts). At most 1,000. */
  readonly values: readonly unknown[];
}

/** Options for {@link sweep} and {@link safeSweep}. */
export interface SweepOptions {
  /**
   * Worker threads to use: default the number of cores (at most one per value); 0 runs every point in the
   * calling thread. Results do not depend on it.
   */
  readonly workers?: number;
}

/** One value of a sweep, compared with the base plan. */
export interface SweepPoint {
  /** The value, as given. */
  readonly value: unknown;
  /** Total paid, and its change from the base plan. */
  readonly total: string;
  readonly totalChange: string;
  /** Payout share (6 places) and its change; `null` when the payout-basis volume is 0. */
  readonly payoutShare: string | null;
  readonly payoutShareChange: string | null;
  /** Members paid more, paid less, and whose pay or rank changed, than under the base plan. */
  readonly gainers: number;
  readonly losers: number;
  readonly changed: number;
  readonly rankChanged: number;
  /** Members paid more than zero. */
  readonly payees: number;
}

/** The result of a sweep: the base plan's figures and one point per value, in the order given. */
export interface SweepResult {
  /** Version of this format. */
  readonly compplanSweep: 1;
  readonly period: string;
  readonly currency: string;
  /** Decimal places of amounts. */
  readonly scale: number;
  /** The path swept, written as text. */
  readonly path: string;
  readonly members: number;
  readonly base: {
    readonly plan: { readonly id: string; readonly name?: string };
    /** The base plan's value at the path, when it has one. */
    readonly value?: unknown;
    readonly total: string;
    readonly payoutShare: string | null;
    readonly payees: number;
  };
  readonly points: readonly SweepPoint[];
}

const VALUES_MAX = 1000;

/** What one worker (or the calling thread) computes. */
interface Chunk {
  readonly base: Plan;
  readonly plans: readonly Plan[];
  /** Index of each plan in the sweep's value list. */
  readonly indices: readonly number[];
  readonly values: readonly unknown[];
  readonly source: { readonly input: CalculateInput } | { readonly files: InputFiles };
}

/** What a chunk returns. */
type ChunkResult =
  | { readonly ok: true; readonly points: readonly { index: number; point: SweepPoint }[]; readonly base: SweepResult["base"]; readonly members: number; readonly scale: number; readonly period: string }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/**
 * Runs a plan at each of a list of values of one plan value, and compares each run with the base plan.
 * Never throws on bad input: every value is applied and validated before any run.
 *
 * @param base - the plan in force
 * @param spec - the path and the values
 * @param input - the period, members and orders
 * @param options - `workers` (default: one per core, at most one per value; 0 for none)
 * @returns the sweep, or issues: `CHANGE_PATH_SYNTAX` / `CHANGE_NOT_FOUND` / `CHANGE_AMBIGUOUS` at `["path"]`,
 *   `CHANGE_INVALID` at `["values"]`, `PLAN_*` and `SIMULATE_CURRENCY_MISMATCH` at `["values", k]` for a value
 *   that makes the plan invalid, and the input codes of {@link safeCalculate}
 * @example
 * ```ts
 * const r = safeSweep(plan, { path: "bonuses[key=unilevel].schedule[rank=Bronze].rates[2]", values: ["0.02", "0.04", "0.06"] }, input);
 * if (r.ok) for (const p of r.value.points) console.log(p.value, p.payoutShare, p.gainers, p.losers);
 * ```
 */
export function safeSweep(base: Plan, spec: SweepSpec, input: CalculateInput, options: SweepOptions = {}): Result<SweepResult> {
  const bad = argumentIssues("safeSweep", [
    ["spec", isRecord(spec), "an object { path, values }", spec],
    ["input", isRecord(input), "an object { period, members, orders }", input],
    ["options", isOptions(options), "undefined or an options object", options],
  ]);
  if (bad.length > 0) return { ok: false, issues: bad };
  const checked = planArgument(base);
  if (!checked.ok) return checked;
  return runSweep(base, spec, { input }, options);
}

/**
 * Runs a sweep; throws {@link CompplanError} listing every issue when anything is invalid.
 * See {@link safeSweep}.
 *
 * @param base - the plan in force
 * @param spec - the path and the values
 * @param input - the period, members and orders
 * @param options - `workers`
 * @returns the sweep
 * @throws CompplanError with the codes listed for {@link safeSweep}
 * @example
 * ```ts
 * const { points } = sweep(plan, { path: "bonuses[key=unilevel].schedule[0].rates[1]", values: ["0.04", "0.05"] }, input);
 * ```
 */
export function sweep(base: Plan, spec: SweepSpec, input: CalculateInput, options: SweepOptions = {}): SweepResult {
  const r = safeSweep(base, spec, input, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

/** @internal A sweep whose input is given as records, or as files each worker reads. */
export function runSweep(base: Plan, spec: SweepSpec, source: Chunk["source"], options: SweepOptions = {}): Result<SweepResult> {
  if (options.workers !== undefined && (!Number.isSafeInteger(options.workers) || options.workers < 0)) {
    return { ok: false, issues: [issue("CHANGE_INVALID", ["workers"], "workers is a whole number, 0 or more", options.workers)] };
  }
  const planned = plansFor(base, spec);
  if (!planned.ok) return planned;
  const plans = planned.value;
  const workers = Math.min(options.workers ?? Math.max(1, availableParallelism()), plans.length);
  const chunks: Chunk[] = [];
  const shares = Math.max(1, workers);
  for (let k = 0; k < shares; k++) {
    // Round-robin, so neighbouring values (similar cost) spread over the workers.
    const indices = plans.map((_, j) => j).filter((j) => j % shares === k);
    if (indices.length === 0) continue;
    chunks.push({ base, plans: indices.map((j) => plans[j] as Plan), indices, values: indices.map((j) => spec.values[j]), source });
  }
  const results = workers === 0 ? chunks.map(runChunk) : runInWorkers(chunks);
  const failed = results.find((r) => !r.ok);
  if (failed !== undefined && !failed.ok) return { ok: false, issues: failed.issues };
  const done = results as Extract<ChunkResult, { ok: true }>[];
  const first = done[0] as Extract<ChunkResult, { ok: true }>;
  const points = new Array<SweepPoint>(plans.length);
  for (const r of done) for (const { index, point } of r.points) points[index] = point;
  const baseValue = valueAt(base, spec.path);
  return {
    ok: true,
    value: {
      compplanSweep: 1,
      period: first.period,
      currency: base.currency,
      scale: first.scale,
      path: typeof spec.path === "string" ? spec.path : formatChangePath(spec.path as Parameters<typeof formatChangePath>[0]),
      members: first.members,
      base: { ...first.base, ...(baseValue !== undefined ? { value: baseValue } : {}) },
      points,
    },
  };
}

/** Applies each value to the base plan; every problem is reported, nothing is run while any remains. */
function plansFor(base: Plan, spec: SweepSpec): Result<Plan[]> {
  const issues: Issue[] = [];
  const path = typeof spec.path === "string" ? parseChangePath(spec.path) : Array.isArray(spec.path) ? checkSegments(spec.path) : { error: "the path is text or a list of steps" };
  if ("error" in path) issues.push(issue("CHANGE_PATH_SYNTAX", ["path"], path.error, spec.path));
  if (!Array.isArray(spec.values) || spec.values.length === 0 || spec.values.length > VALUES_MAX) {
    issues.push(issue("CHANGE_INVALID", ["values"], `a sweep needs a list of 1 to ${VALUES_MAX} values`, Array.isArray(spec.values) ? spec.values.length : spec.values));
  }
  if (issues.length > 0) return { ok: false, issues };
  const plans: Plan[] = [];
  spec.values.forEach((value, k) => {
    const r = safeApplyChangeSet(base, { changes: [{ set: spec.path, value }] });
    if (r.ok) {
      if (r.value.currency !== base.currency) {
        issues.push(issue("SIMULATE_CURRENCY_MISMATCH", ["values", k], `the base plan pays in ${base.currency} and this value makes it pay in ${r.value.currency}`, value));
      }
      plans.push(r.value);
      return;
    }
    for (const i of r.issues) {
      if (i.code.startsWith("CHANGE_")) {
        // A path problem is the same for every value: report it once, at the path.
        if (k === 0) issues.push({ ...i, path: ["path"] });
      } else {
        issues.push({ ...i, path: ["values", k], message: `with ${formatValue(value)}: ${formatPath(i.path)}: ${i.message.replace(/^in the plan after the change set: /, "")}`, value: issueValue(value) });
      }
    }
  });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: plans };
}

/** @internal Computes one chunk of a sweep: prepare the input, run the base plan, run and compare each plan. */
export function runChunk(chunk: Chunk): ChunkResult {
  const measures = unionMeasures(chunk.base, ...chunk.plans);
  const prepared = "files" in chunk.source ? safePrepareFiles(chunk.source.files, measures) : safePrepareInput(chunk.source.input, measures);
  if (!prepared.ok) return { ok: false, issues: prepared.issues };
  const baseRun = safeCalculatePrepared(chunk.base, prepared.value);
  if (!baseRun.ok) return { ok: false, issues: baseRun.issues };
  const points: { index: number; point: SweepPoint }[] = [];
  let scale = chunk.base.money.scale;
  for (const [j, plan] of chunk.plans.entries()) {
    const run = safeCalculatePrepared(plan, prepared.value);
    if (!run.ok) return { ok: false, issues: run.issues };
    const d = diffRuns(baseRun.value, run.value, { limit: 0 });
    scale = Math.max(scale, d.scale);
    points.push({
      index: chunk.indices[j] as number,
      point: {
        value: chunk.values[j],
        total: d.total.after,
        totalChange: d.total.change,
        payoutShare: d.payoutShare.after,
        payoutShareChange: d.payoutShare.change,
        gainers: d.movers.gainers,
        losers: d.movers.losers,
        changed: d.movers.changed,
        rankChanged: d.movers.rankChanged,
        payees: d.distribution.payeeCount.after,
      },
    });
  }
  const s = baseRun.value.summary;
  const baseSummary = { plan: s.plan, total: s.total, payoutShare: s.payoutShare, payees: countPayees(baseRun.value) };
  return { ok: true, points, base: baseSummary, members: s.members, scale, period: s.period };
}

function countPayees(run: RunResult): number {
  let payees = 0;
  for (const t of memberColumns(run).total) if (t > 0) payees++;
  return payees;
}

/**
 * The worker's bootstrap, a CommonJS script. It loads the worker module (from dist, or from source through
 * tsx when running TypeScript), runs the chunk, posts the result on its port, and in every case sets its
 * flag and wakes the waiting thread, so a failure can never leave the caller waiting.
 */
const BOOT = `
const { workerData } = require("node:worker_threads");
const flag = new Int32Array(workerData.signal);
const done = () => { Atomics.store(flag, workerData.slot, 1); Atomics.notify(flag, workerData.slot); };
process.on("exit", done);
(async () => {
  const m = workerData.tsx === null ? await import(workerData.script) : await (await import(workerData.tsx)).tsImport(workerData.script, workerData.script);
  workerData.port.postMessage({ result: m.sweepWorkerMain(workerData.chunk) });
})().catch((e) => workerData.port.postMessage({ error: String((e && e.stack) || e) })).finally(done);
`;

/** Where the worker module is: beside this file in dist (.js), or in src when running TypeScript. */
function workerScript(): { script: string; tsx: string | null } {
  // In the CJS build tsup's shim defines import.meta.url from __filename.
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return { script: new URL("./sweep-worker.js", here).href, tsx: null };
  const tsxPackage = createRequire(here).resolve("tsx/package.json");
  return { script: new URL("./sweep-worker.ts", here).href, tsx: pathToFileURL(join(dirname(tsxPackage), "dist/esm/api/index.mjs")).href };
}

function runInWorkers(chunks: readonly Chunk[]): ChunkResult[] {
  const { script, tsx } = workerScript();
  const signal = new Int32Array(new SharedArrayBuffer(4 * chunks.length));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  try {
    chunks.forEach((chunk, slot) => {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1);
      const worker = new Worker(BOOT, { eval: true, workerData: { signal: signal.buffer, slot, port: port2, script, tsx, chunk }, transferList: [port2] });
      worker.unref();
      workers.push(worker);
    });
    for (let slot = 0; slot < chunks.length; slot++) {
      while (Atomics.load(signal, slot) === 0) Atomics.wait(signal, slot, 0, 1000);
    }
    return ports.map((port, slot) => {
      const received = receiveMessageOnPort(port)?.message as { result?: ChunkResult; error?: string } | undefined;
      if (received?.result !== undefined) return received.result;
      throw new Error(`sweep worker ${slot} failed: ${received?.error ?? "it stopped without a result"}`);
    });
  } finally {
    for (const port of ports) port.close();
    for (const worker of workers) void worker.terminate();
  }
}
