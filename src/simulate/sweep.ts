/**
 * Sweeps: one plan value run over a list of values (say the level-3 rate from 0.02 to 0.06), each run
 * compared with the base plan. Points are spread over worker threads so every core works; each worker
 * prepares the input once, runs the base plan once, then its share of the values. A point depends only on
 * its value, so the result is the same, in the same order, whatever the number of workers (0 runs
 * everything in the calling thread).
 *
 * Two forms. {@link safeSweepAsync} / {@link sweepAsync} return a Promise and never block the caller: the
 * workers compute while the event loop runs, and points computed in the calling thread (no workers, or a
 * prepared input) run one per event-loop turn. {@link safeSweep} / {@link sweep} block the calling thread
 * (Atomics.wait) until every worker is done; the CLI, which is synchronous, uses them.
 *
 * Workers are plain `node:worker_threads`, one per share of the values, not a pool (piscina, tinypool): a
 * sweep hands each worker exactly one task, and the costly part, preparing the input, is per worker, so a
 * pool's queue and thread reuse would save nothing; and a pool loads its worker from a file path only,
 * where the bootstrap below can also run the TypeScript source under tsx (tests) and fall back to the
 * calling thread when the worker file is absent (an application that bundled compplan into one file).
 * The worker module is found from `__filename` in the CommonJS build and `import.meta.url` in the ES
 * module build; no URL is built from a path by hand.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import { createRequire } from "node:module";
import { CompplanError, type Issue, type Result, formatPath, formatValue, issue, issueValue } from "../errors/issues.js";
import { argumentIssues, isOptions, isRecord } from "../errors/arguments.js";
import { type Plan, planArgument } from "../plan/parse.js";
import { type CalculateInput, type PreparedInput, safeCalculatePrepared, safePrepareInput } from "../run/calculate.js";
import { type ChangePath, formatChangePath, parseChangePath, checkSegments } from "./path.js";
import { safeApplyChangeSet, valueAt } from "./change.js";
import type { RunResult } from "../run/result.js";
import { memberColumns } from "./columns.js";
import { diffRuns } from "./diff.js";
import { type InputFiles, safePrepareFiles } from "../input/files.js";
import { preparedFor, unionMeasures } from "./simulate.js";

/** One plan value and the list of values to run it at. */
export interface SweepSpec {
  /** Where the value is in the plan, as in a change set's `set`. */
  readonly path: ChangePath;
  /** The values, in order (decimal strings for rates and amounts). At most 1,000. */
  readonly values: readonly unknown[];
}

/** Options for {@link sweep}, {@link safeSweep}, {@link sweepAsync} and {@link safeSweepAsync}. */
export interface SweepOptions {
  /**
   * Worker threads to use: default the number of cores (at most one per value); 0 runs every point in the
   * calling thread. Results do not depend on it. With a {@link PreparedInput} every point runs in the
   * calling thread (the prepared input lives in its memory), and so it does when compplan was bundled
   * into a file that has no `sweep-worker.mjs` beside it.
   */
  readonly workers?: number;
  /**
   * Stops an asynchronous sweep ({@link safeSweepAsync}, {@link sweepAsync}): the workers end and the
   * promise rejects with the signal's reason. The synchronous forms ignore it.
   */
  readonly signal?: AbortSignal;
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

/** Where a sweep's input comes from: records, an input already prepared, or files each worker reads. */
type Source = { readonly input: CalculateInput } | { readonly prepared: PreparedInput } | { readonly files: InputFiles };

/** What one worker (or the calling thread) computes. */
interface Chunk {
  readonly base: Plan;
  readonly plans: readonly Plan[];
  /** Index of each plan in the sweep's value list. */
  readonly indices: readonly number[];
  readonly values: readonly unknown[];
  readonly source: Source;
}

/** What a chunk returns. */
type ChunkResult =
  | { readonly ok: true; readonly points: readonly { index: number; point: SweepPoint }[]; readonly base: SweepResult["base"]; readonly members: number; readonly scale: number; readonly period: string }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** A sweep's plans checked and split into chunks, and how to run them. */
interface Planned {
  readonly chunks: readonly Chunk[];
  readonly plans: number;
  /** The worker module to load, or null to run every chunk in the calling thread. */
  readonly worker: WorkerScript | null;
}

/**
 * Runs a plan at each of a list of values of one plan value, and compares each run with the base plan.
 * Never throws on bad input: every value is applied and validated before any run. Blocks the calling
 * thread until the sweep is done; {@link safeSweepAsync} does not.
 *
 * @param base - the plan in force
 * @param spec - the path and the values
 * @param input - the period, members and orders, or an input from {@link safePrepareInput} prepared for
 *   the measures of every plan of the sweep
 * @param options - `workers` (default: one per core, at most one per value; 0 for none)
 * @returns the sweep, or issues: `CHANGE_PATH_SYNTAX` / `CHANGE_NOT_FOUND` / `CHANGE_AMBIGUOUS` at `["path"]`,
 *   `CHANGE_INVALID` at `["values"]`, `PLAN_*` and `SIMULATE_CURRENCY_MISMATCH` at `["values", k]` for a value
 *   that makes the plan invalid, `INPUT_INVALID_FIELD` at `["measures"]` for an input prepared without a
 *   measure of the plans, and the input codes of {@link safeCalculate}
 * @example
 * ```ts
 * const r = safeSweep(plan, { path: "bonuses[key=unilevel].schedule[rank=Bronze].rates[2]", values: ["0.02", "0.04", "0.06"] }, input);
 * if (r.ok) for (const p of r.value.points) console.log(p.value, p.payoutShare, p.gainers, p.losers);
 * ```
 */
export function safeSweep(base: Plan, spec: SweepSpec, input: CalculateInput | PreparedInput, options: SweepOptions = {}): Result<SweepResult> {
  const bad = sweepArgumentIssues("safeSweep", base, spec, input, options);
  if (bad !== undefined) return { ok: false, issues: bad };
  return runSweep(base, spec, sourceOf(input), options);
}

/**
 * Runs a sweep; throws {@link CompplanError} listing every issue when anything is invalid. Blocks the
 * calling thread; see {@link sweepAsync}. See {@link safeSweep}.
 *
 * @param base - the plan in force
 * @param spec - the path and the values
 * @param input - the period, members and orders, or a prepared input
 * @param options - `workers`
 * @returns the sweep
 * @throws CompplanError with the codes listed for {@link safeSweep}
 * @example
 * ```ts
 * const { points } = sweep(plan, { path: "bonuses[key=unilevel].schedule[0].rates[1]", values: ["0.04", "0.05"] }, input);
 * ```
 */
export function sweep(base: Plan, spec: SweepSpec, input: CalculateInput | PreparedInput, options: SweepOptions = {}): SweepResult {
  return orThrow(safeSweep(base, spec, input, options));
}

/**
 * {@link safeSweep} without blocking the caller: the promise settles when every point is computed, and
 * the event loop runs meanwhile. Same result as {@link safeSweep}, in the same order.
 *
 * @param base - the plan in force
 * @param spec - the path and the values
 * @param input - the period, members and orders, or a prepared input
 * @param options - `workers`, and `signal` to stop the sweep
 * @returns a promise of the sweep or its issues (the codes listed for {@link safeSweep}); it rejects only
 *   when `signal` aborts
 * @example
 * ```ts
 * const r = await safeSweepAsync(plan, { path: "bonuses[key=unilevel].schedule[0].rates[2]", values: ["0.02", "0.04"] }, input);
 * if (r.ok) console.table(r.value.points);
 * ```
 */
export async function safeSweepAsync(base: Plan, spec: SweepSpec, input: CalculateInput | PreparedInput, options: SweepOptions = {}): Promise<Result<SweepResult>> {
  const bad = sweepArgumentIssues("safeSweepAsync", base, spec, input, options);
  if (bad !== undefined) return { ok: false, issues: bad };
  options.signal?.throwIfAborted();
  const planned = planSweep(base, spec, sourceOf(input), options);
  if (!planned.ok) return planned;
  const { chunks, worker } = planned.value;
  const results = worker === null ? await inThreadAsync(chunks, options.signal) : await Promise.all(chunks.map((c) => inWorkerAsync(c, worker, options.signal)));
  return assemble(base, spec, planned.value.plans, results);
}

/**
 * {@link sweep} without blocking the caller; the promise rejects with {@link CompplanError} listing every
 * issue when anything is invalid. See {@link safeSweepAsync}.
 *
 * @param base - the plan in force
 * @param spec - the path and the values
 * @param input - the period, members and orders, or a prepared input
 * @param options - `workers`, `signal`
 * @returns a promise of the sweep
 * @throws CompplanError (as a rejection) with the codes listed for {@link safeSweep}
 * @example
 * ```ts
 * const { points } = await sweepAsync(plan, { path: "bonuses[key=unilevel].schedule[0].rates[1]", values: ["0.04", "0.05"] }, input);
 * ```
 */
export async function sweepAsync(base: Plan, spec: SweepSpec, input: CalculateInput | PreparedInput, options: SweepOptions = {}): Promise<SweepResult> {
  return orThrow(await safeSweepAsync(base, spec, input, options));
}

function orThrow(r: Result<SweepResult>): SweepResult {
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

function sourceOf(input: CalculateInput | PreparedInput): Source {
  return input !== null && typeof input === "object" && "genealogy" in input ? { prepared: input } : { input };
}

/** The issues of a sweep's arguments (INPUT_INVALID_ARGUMENT, or the plan's own), or undefined when they are fine. */
function sweepArgumentIssues(fn: string, base: Plan, spec: SweepSpec, input: unknown, options: unknown): readonly Issue[] | undefined {
  const bad = argumentIssues(fn, [
    ["spec", isRecord(spec), "an object { path, values }", spec],
    ["input", isRecord(input), "an object { period, members, orders } or a prepared input", input],
    ["options", isOptions(options), "undefined or an options object", options],
  ]);
  if (bad.length > 0) return bad;
  const checked = planArgument(base);
  return checked.ok ? undefined : checked.issues;
}

/** @internal A sweep whose input is given as records, a prepared input, or files each worker reads; blocks until done. */
export function runSweep(base: Plan, spec: SweepSpec, source: Source, options: SweepOptions = {}): Result<SweepResult> {
  const planned = planSweep(base, spec, source, options);
  if (!planned.ok) return planned;
  const { chunks, worker } = planned.value;
  return assemble(base, spec, planned.value.plans, worker === null ? chunks.map(runChunk) : runInWorkers(chunks, worker));
}

/** Checks the options and values, and splits the sweep into one chunk per worker. */
function planSweep(base: Plan, spec: SweepSpec, source: Source, options: SweepOptions): Result<Planned> {
  if (options.workers !== undefined && (!Number.isSafeInteger(options.workers) || options.workers < 0)) {
    return { ok: false, issues: [issue("CHANGE_INVALID", ["workers"], "workers is a whole number, 0 or more", options.workers)] };
  }
  const planned = plansFor(base, spec);
  if (!planned.ok) return planned;
  const plans = planned.value;
  const script = "prepared" in source ? null : workerScript();
  const workers = script === null ? 0 : Math.min(options.workers ?? Math.max(1, availableParallelism()), plans.length);
  const chunks: Chunk[] = [];
  const shares = Math.max(1, workers);
  for (let k = 0; k < shares; k++) {
    // Round-robin, so neighbouring values (similar cost) spread over the workers.
    const indices = plans.map((_, j) => j).filter((j) => j % shares === k);
    if (indices.length === 0) continue;
    chunks.push({ base, plans: indices.map((j) => plans[j] as Plan), indices, values: indices.map((j) => spec.values[j]), source });
  }
  return { ok: true, value: { chunks, plans: plans.length, worker: workers === 0 ? null : script } };
}

/** The sweep from its chunks' results, points in the order of the values. */
function assemble(base: Plan, spec: SweepSpec, count: number, results: readonly ChunkResult[]): Result<SweepResult> {
  const failed = results.find((r) => !r.ok);
  if (failed !== undefined && !failed.ok) return { ok: false, issues: failed.issues };
  const done = results as Extract<ChunkResult, { ok: true }>[];
  const first = done[0] as Extract<ChunkResult, { ok: true }>;
  const points = new Array<SweepPoint>(count);
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

/** @internal Computes one chunk of a sweep in the calling thread. */
export function runChunk(chunk: Chunk): ChunkResult {
  const steps = chunkSteps(chunk);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/**
 * One chunk of a sweep, a step at a time: prepare the input, run the base plan, run and compare each plan.
 * It yields between runs, so an asynchronous caller can give the event loop a turn.
 */
function* chunkSteps(chunk: Chunk): Generator<void, ChunkResult> {
  const measures = unionMeasures(chunk.base, ...chunk.plans);
  const src = chunk.source;
  const prepared = "files" in src ? safePrepareFiles(src.files, { measures }) : "prepared" in src ? preparedFor(src.prepared, measures) : safePrepareInput(src.input, measures);
  if (!prepared.ok) return { ok: false, issues: prepared.issues };
  yield;
  const baseRun = safeCalculatePrepared(chunk.base, prepared.value);
  if (!baseRun.ok) return { ok: false, issues: baseRun.issues };
  const points: { index: number; point: SweepPoint }[] = [];
  let scale = chunk.base.money.scale;
  for (const [j, plan] of chunk.plans.entries()) {
    yield;
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

/** Every chunk in the calling thread, one run per event-loop turn. */
async function inThreadAsync(chunks: readonly Chunk[], signal: AbortSignal | undefined): Promise<ChunkResult[]> {
  const results: ChunkResult[] = [];
  for (const chunk of chunks) {
    const steps = chunkSteps(chunk);
    for (;;) {
      const r = steps.next();
      if (r.done === true) {
        results.push(r.value);
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    }
  }
  return results;
}

function countPayees(run: RunResult): number {
  let payees = 0;
  for (const t of memberColumns(run).total) if (t > 0) payees++;
  return payees;
}

/**
 * The worker's bootstrap, a CommonJS script. It loads the worker module (from dist, or from source through
 * tsx when running TypeScript), runs the chunk, posts the result on its port, and in every case sets its
 * flag and wakes a waiting thread, so a failure can never leave the caller waiting.
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

/** The worker module's URL, and tsx's API when it is TypeScript source. */
interface WorkerScript {
  readonly script: string;
  readonly tsx: string | null;
}

/**
 * Where the worker module is: `sweep-worker.mjs` beside this bundle (dist/index.js, dist/index.cjs,
 * dist/cli.js), or `sweep-worker.ts` beside this file when running the TypeScript source. Null when there
 * is none (compplan bundled into an application's own file): the sweep then runs in the calling thread.
 */
function workerScript(): WorkerScript | null {
  // CommonJS (dist/index.cjs) has __filename; an ES module has import.meta.url (the CJS build reads only
  // the first: tsup.config.ts defines import.meta.url there as undefined).
  const here = typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url);
  if (here.endsWith(".ts")) {
    const tsxPackage = createRequire(here).resolve("tsx/package.json");
    return { script: pathToFileURL(join(dirname(here), "sweep-worker.ts")).href, tsx: pathToFileURL(join(dirname(tsxPackage), "dist/esm/api/index.mjs")).href };
  }
  const file = join(dirname(here), "sweep-worker.mjs");
  return existsSync(file) ? { script: pathToFileURL(file).href, tsx: null } : null;
}

/** Starts one worker on one chunk; `slot` is its flag in `signal`. */
function startWorker(chunk: Chunk, { script, tsx }: WorkerScript, signal: Int32Array, slot: number): { worker: Worker; port: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(BOOT, { eval: true, workerData: { signal: signal.buffer, slot, port: port2, script, tsx, chunk }, transferList: [port2] });
  // The bootstrap posts its own errors; a worker that dies otherwise is reported by resultOn, not thrown here.
  worker.on("error", () => {});
  return { worker, port: port1 };
}

/** The chunk result a worker posted on `port`; a worker that failed is a bug, thrown as such. */
function resultOn(port: MessagePort, slot: number): ChunkResult {
  const received = receiveMessageOnPort(port)?.message as { result?: ChunkResult; error?: string } | undefined;
  if (received?.result !== undefined) return received.result;
  throw new Error(`sweep worker ${slot} failed: ${received?.error ?? "it stopped without a result"}`);
}

/** Runs each chunk in its own worker; the calling thread waits (Atomics.wait) until all are done. */
function runInWorkers(chunks: readonly Chunk[], script: WorkerScript): ChunkResult[] {
  const signal = new Int32Array(new SharedArrayBuffer(4 * chunks.length));
  const started: { worker: Worker; port: MessagePort }[] = [];
  try {
    chunks.forEach((chunk, slot) => {
      const s = startWorker(chunk, script, signal, slot);
      s.worker.unref();
      started.push(s);
    });
    for (let slot = 0; slot < chunks.length; slot++) {
      while (Atomics.load(signal, slot) === 0) Atomics.wait(signal, slot, 0, 1000);
    }
    return started.map(({ port }, slot) => resultOn(port, slot));
  } finally {
    for (const { worker, port } of started) {
      port.close();
      void worker.terminate();
    }
  }
}

/** Runs one chunk in a worker without blocking: resolves when the worker has posted its result and ended. */
function inWorkerAsync(chunk: Chunk, script: WorkerScript, abort: AbortSignal | undefined): Promise<ChunkResult> {
  return new Promise<ChunkResult>((resolve, reject) => {
    const { worker, port } = startWorker(chunk, script, new Int32Array(new SharedArrayBuffer(4)), 0);
    const stop = () => {
      void worker.terminate();
      reject(abort?.reason);
    };
    abort?.addEventListener("abort", stop, { once: true });
    worker.once("exit", () => {
      abort?.removeEventListener("abort", stop);
      try {
        resolve(resultOn(port, 0));
      } catch (e) {
        reject(e);
      } finally {
        port.close();
      }
    });
  });
}
