/**
 * A chain of periods on the command line (docs/state.md "Chains from the command line"): `compplan run
 * --periods FIRST..LAST` writes one run folder per period under --out, and `compplan replay OUT` verifies
 * every period of such a folder and every link between them.
 *
 * The whole chain is written into one temporary folder (RunFolder, as a single run) and swapped into place
 * only once every period is complete: a chain that fails in any period leaves the earlier OUT as it was.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type BundleChain, type RunBundle } from "../audit/bundle.js";
import { formatReplayReport } from "../audit/replay.js";
import { CompplanError, type Issue, issue } from "../errors/issues.js";
import { readInputFiles } from "../input/files.js";
import type { MemberInput, OrderInput } from "../input/validate.js";
import type { RecordOrigin } from "../input/rows.js";
import { type Period, addDays, safeParsePeriod } from "../run/period.js";
import { canonicalJson } from "../statement/canonical.js";
import { safePeriodRange, safeRunPeriods, splitPeriodIndices } from "../state/chain.js";
import { groupDigits } from "../money/decimal.js";
import { EXIT_DIFFERENT, loadBundle, replayFolder, runFormat, writeRunAudit } from "./audit.js";
import { type CliIO, Progress, finishRun, loadPlan, mib, readOpeningState, relativeFile, writeOutputs, zeroMeasureNotes } from "./cli.js";
import { type Flags, UsageError, ignoreColumnsOf, required } from "./flags.js";
import { RunFolder } from "./run-folder.js";
import { fileFingerprint } from "./file-writer.js";

/** @internal The name of a chain's period folder: a month `2026-01` or an ISO week `2026-W01`. */
export function isPeriodFolder(name: string): boolean {
  return /^\d{4}-(?:\d{2}|W\d{2})$/.test(name);
}


/**
 * @internal `compplan run --periods FIRST..LAST`: the chain of periods from one members file and one orders
 * file spanning them (the library's {@link safeRunPeriods}), one run folder per period under --out.
 */
export function cmdRunPeriods(flags: Flags, io: CliIO): number {
  const progress = new Progress(io);
  const planPath = required(flags, "plan");
  const range = safePeriodRange(required(flags, "periods"));
  const out = required(flags, "out");
  const format = runFormat(flags.format);
  const membersPath = required(flags, "members");
  const ordersPath = required(flags, "orders");
  const statePath = typeof flags.state === "string" ? flags.state : undefined;
  const folder = RunFolder.open(out, { inputs: [planPath, membersPath, ordersPath, ...(statePath !== undefined ? [statePath] : [])], names: [], accept: isPeriodFolder, force: flags.force === true });
  for (const note of folder.notes) io.stderr(`compplan: ${note}\n`);
  if (range.periods === undefined) throw new CompplanError([range.issue as Issue]);
  const periods = range.periods;
  const lines: string[] = [];
  let plan;
  try {
    progress.phase("read plan");
    plan = loadPlan(planPath);
    const first = periods[0] as string;
    const opening = statePath !== undefined ? readOpeningState(statePath, join(out, first), io) : undefined;
    progress.phase("read inputs");
    const read = readInputFiles({ period: first, members: membersPath, orders: ordersPath }, Object.keys(plan.measures).sort(), ignoreColumnsOf(flags).ignoreColumns ?? []);
    if (!read.ok) throw new CompplanError(read.issues);
    const chain: BundleChain = { periods, members: fileFingerprint(membersPath), orders: fileFingerprint(ordersPath) };
    let current = first;
    const runs = safeRunPeriods(
      plan,
      { periods, members: read.value.input.members, orders: read.value.input.orders },
      { onPhase: (p) => progress.phase(`${current}: ${p}`), memberOrigins: read.value.memberOrigins, orderOrigins: read.value.orderOrigins, ...(opening !== undefined ? { state: opening.state } : {}) },
    );
    folder.create();
    let previous: { period: string; bundle: string } | undefined;
    for (let k = 0; k < periods.length; k++) {
      current = periods[k] as string;
      const next = runs.next();
      if (next.done === true) break;
      if (!next.value.ok) throw new CompplanError(next.value.issues);
      const { input, run, state } = next.value.value;
      if (k === 0 && opening === undefined && run.internals.opening !== undefined) {
        io.stderr(`compplan: no opening state: every member starts at the initial values in ${current} (a first period; give the state before it with --state)\n`);
      }
      const dir = join(folder.tmp, current);
      const final = join(out, current);
      progress.phase(`${current}: write statements`);
      const written = writeOutputs(run, dir, { onProgress: (bytes) => progress.count(`${mib(bytes)} (${run.memberCount.toLocaleString("en-US")} statements)`) });
      // Each period after the first opens with the previous period's closing state, recorded by its path
      // relative to this period's folder and by the previous bundle's fingerprint.
      const record = k === 0 ? opening?.recorded : previous !== undefined && state !== undefined ? { file: `../${previous.period}/state.ndjson`, bundle: previous.bundle } : undefined;
      const audit = writeRunAudit(run, input, {
        dir,
        statementsFingerprint: written.statementsFingerprint,
        embedInputs: flags["embed-inputs"] === true,
        format,
        files: written.files,
        inputFiles: { members: relativeFile(final, membersPath), orders: relativeFile(final, ordersPath) },
        ...(record !== undefined ? { opening: record } : {}),
        chain,
        onPhase: (p) => progress.phase(`${current}: ${p}`),
        onCount: (done) => progress.count(`${done.toLocaleString("en-US")} of ${run.memberCount.toLocaleString("en-US")} members`),
      });
      previous = { period: current, bundle: audit.fingerprint };
      const s = run.summary;
      lines.push(`${current}: ${groupDigits(String(s.members))} members (qualified ${groupDigits(String(s.qualified))}), ${groupDigits(String(s.orders))} order${s.orders === 1 ? "" : "s"}, total ${groupDigits(s.total)} ${s.currency}; wrote ${final}${state !== undefined ? " (with state.ndjson)" : ""}, bundle ${audit.fingerprint}`);
      for (const note of zeroMeasureNotes(s)) io.stderr(`compplan: ${current}: ${note}\n`);
    }
    progress.phase("swap in");
    folder.commit();
  } finally {
    folder.discard();
  }
  progress.done();
  io.stdout(`compplan run: plan "${plan.id}", ${periods.length} period${periods.length === 1 ? "" : "s"} ${periods[0]}..${periods.at(-1)}\n${lines.join("\n")}\n`);
  finishRun(flags, plan, progress, io);
  return 0;
}

/**
 * @internal The period folders of a chain folder (those holding a bundle.json, by name), and its other
 * entries; undefined when `dir` holds a bundle.json itself (a single run) or no period folder.
 */
export function chainFolders(dir: string): { periods: string[]; others: string[] } | undefined {
  if (existsSync(join(dir, "bundle.json")) || !existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const periods: string[] = [];
  const others: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && isPeriodFolder(e.name) && existsSync(join(dir, e.name, "bundle.json"))) periods.push(e.name);
    else others.push(e.name);
  }
  if (periods.length === 0) return undefined;
  return { periods: periods.sort(), others: others.sort() };
}

/**
 * The first broken link between the previous period's bundle and this one's, as a sentence; undefined when
 * they link: this period is the one after, its opening state is the previous closing state and it records
 * the previous bundle, and both record the same chain.
 */
function brokenLink(previous: { period: string; bundle: RunBundle }, id: string, bundle: RunBundle): string | undefined {
  const prev = previous.bundle;
  const [p, q] = [safeParsePeriod(prev.period).period, safeParsePeriod(bundle.period).period];
  if (p !== undefined && q !== undefined && addDays(p.end, 1) !== q.start) return `${id} does not follow ${previous.period}: it starts ${q.start}, not ${addDays(p.end, 1)} (is a period folder missing?)`;
  if (prev.state !== undefined) {
    const opening = bundle.state?.opening;
    const closing = prev.state.closing.fingerprint;
    if (opening === undefined || opening === null) return `${id}/bundle.json records no opening state; ${previous.period} closes with state ${closing}: ${id} was not run from ${previous.period}'s state`;
    if (opening.fingerprint !== closing) return `${id}'s opening state (${opening.fingerprint}) is not ${previous.period}'s closing state (${closing}): ${id} was run from another state`;
    if (opening.bundle !== prev.fingerprint) return `${id}/bundle.json records the previous bundle ${opening.bundle ?? "(none)"}; ${previous.period}/bundle.json is ${prev.fingerprint}`;
  } else if (bundle.state?.opening != null) return `${id} opens with a state; ${previous.period} closes with none`;
  if (canonicalJson(prev.chain ?? null) !== canonicalJson(bundle.chain ?? null)) return `${id}/bundle.json records another chain than ${previous.period}/bundle.json (its periods or whole input files differ): ${id} is not a period of the same chain run`;
  return undefined;
}

/**
 * @internal `compplan replay OUT` on a chain folder: replays every period in order (as a single replay)
 * after checking its link to the one before; stops at the first difference, naming the period and the file.
 */
export function replayChain(dir: string, folders: { periods: string[]; others: string[] }, flags: Flags, max: number, io: CliIO): number {
  if (typeof flags.state === "string") throw new UsageError(`--state is one period's opening state: replay the chain's first period alone with it (compplan replay ${join(dir, folders.periods[0] as string)} --state FILE)`);
  const json = flags.json === true;
  const done: { period: string; report: unknown }[] = [];
  const differ = (period: string | undefined, message: string, report?: unknown): number => {
    if (json) io.stdout(`${canonicalJson({ ok: false, periods: done, difference: { ...(period !== undefined ? { period } : {}), message, ...(report !== undefined ? { report } : {}) } }, 2)}\n`);
    else io.stdout(`replay: the chain differs${period !== undefined ? ` in ${period}` : ""}\nfirst difference: ${message}\n`);
    return EXIT_DIFFERENT;
  };
  if (folders.others.length > 0) return differ(undefined, `${dir} holds ${folders.others.join(", ")}, which is not a period folder of the chain (a chain folder holds only period folders, each with its bundle.json)`);
  let previous: { period: string; bundle: RunBundle } | undefined;
  for (const id of folders.periods) {
    const sub = join(dir, id);
    const bundle = loadBundle(sub);
    if (bundle.period !== id) return differ(id, `${id}/bundle.json is the run of period ${bundle.period}, not ${id}`);
    if (previous === undefined && bundle.chain !== undefined && canonicalJson(bundle.chain.periods) !== canonicalJson(folders.periods)) {
      return differ(id, `the chain's bundles record the periods ${bundle.chain.periods.join(", ")}; ${dir} holds ${folders.periods.join(", ")}`);
    }
    const link = previous !== undefined ? brokenLink(previous, id, bundle) : undefined;
    if (link !== undefined) return differ(id, link);
    let r: ReturnType<typeof replayFolder>;
    try {
      r = replayFolder(sub, flags, max);
    } catch (e) {
      // An input or bundle that cannot be used names the period it was found in.
      if (e instanceof CompplanError) throw new CompplanError(e.issues.map((i) => ({ ...i, message: `in period ${id}: ${i.message}` })));
      throw e;
    }
    if (!r.report.ok) {
      if (json) return differ(id, r.report.differences[0]?.message ?? "a difference", r.report);
      io.stdout(`${id}:\n${formatReplayReport(r.report).replace(/^(?=.)/gm, "  ")}`);
      return differ(id, `${id}: ${r.report.differences[0]?.message ?? "a difference"}`);
    }
    done.push({ period: id, report: r.report });
    if (!json) io.stdout(`${id}: verified (bundle ${bundle.fingerprint}${r.inputs !== undefined ? `; ${r.inputs}` : ""})\n`);
    previous = { period: id, bundle };
  }
  const n = folders.periods.length;
  const links = previous?.bundle.state !== undefined ? "each opening state the previous closing state, each previous bundle recorded" : "each period following the one before, in the same chain";
  if (json) io.stdout(`${canonicalJson({ ok: true, periods: done }, 2)}\n`);
  else io.stdout(`replay: verified, no difference: ${n} period${n === 1 ? "" : "s"} ${folders.periods[0]}..${folders.periods.at(-1)}, each replayed, and ${n - 1} link${n === 2 ? "" : "s"} (${links})\n`);
  return 0;
}

/**
 * @internal For replay and explain of a chain period's bundle: the period's share of the whole members or
 * orders records (and their origins), split as `compplan run --periods` split them.
 */
export function chainShare<R extends MemberInput | OrderInput>(bundle: RunBundle, part: "members" | "orders", records: readonly R[], origins: readonly RecordOrigin[]): { records: R[]; origins: RecordOrigin[] } {
  const chain = bundle.chain as BundleChain;
  const periods = chain.periods.map((id) => safeParsePeriod(id).period);
  const k = chain.periods.indexOf(bundle.period);
  if (k < 0 || periods.some((p) => p === undefined)) {
    throw new CompplanError([issue("AUDIT_BUNDLE_INVALID", ["chain", "periods"], `the bundle's chain (${chain.periods.join(", ")}) is not a list of periods holding the bundle's period ${bundle.period}`)]);
  }
  const split = splitPeriodIndices(part === "members" ? { members: records as readonly MemberInput[], orders: [] } : { members: [], orders: records as readonly OrderInput[] }, periods as Period[]);
  const indices = (split[k] as { members: number[]; orders: number[] })[part];
  return { records: indices.map((i) => records[i] as R), origins: indices.map((i) => origins[i] ?? {}) };
}
