/**
 * The `compplan` command. It talks to people: results on stdout, progress and errors on stderr, and exit
 * codes 0 (done), 1 (invalid plan or input: every issue listed), 2 (wrong usage), 3 (a bug in compplan).
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { CompplanError, type Issue, InvariantError, formatIssue } from "../errors/issues.js";
import { GENERATED_MEASURES, SHAPES, type Shape, generateData } from "../generate/generate.js";
import { safePrepareFiles, readTextOrThrow } from "../input/files.js";
import { safeParsePlan, type Plan } from "../plan/parse.js";
import { planJsonSchema } from "../plan/json-schema.js";
import { type Phase, type PreparedInput, safeCalculatePrepared, safePrepareInput } from "../run/calculate.js";
import { safeParsePeriod } from "../run/period.js";
import type { RunResult } from "../run/result.js";
import { canonicalJson } from "../statement/canonical.js";
import { type Flags, UsageError, parseFlags, required } from "./flags.js";
import { type FileFingerprint, type WriteHashedOptions, writeHashed, writeText } from "./file-writer.js";
import { RUN_FILES, RunFolder } from "./run-folder.js";
import { formatSummary } from "./format.js";
import { WHATIF_USAGE, cmdDiff, cmdSweep } from "./whatif.js";
import { cmdExplain, cmdReplay, preparedInputSummaries, runFormat, writeRunAudit } from "./audit.js";

/** Where the CLI writes; tests pass buffers. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal (progress is shown only then). */
  readonly stderrIsTTY: boolean;
}

const USAGE = `compplan: compensation-plan calculations

Usage:
  compplan run --plan FILE --members FILE --orders FILE --period YYYY-MM --out DIR [--timings]
               [--format ndjson|csv] [--embed-inputs]
      Runs the plan; writes DIR/statements.ndjson, DIR/summary.json and DIR/bundle.json (the run bundle:
      fingerprints of plan, inputs and statements; --embed-inputs also stores the members and orders) and
      prints the summary. --format csv also writes DIR/statements.csv, for paying from.
      Members and orders are CSV, JSON or NDJSON (by file extension).
  compplan replay DIR [--members FILE --orders FILE] [--json] [--max N]
      Recomputes the run of DIR/bundle.json and compares it with DIR's files; names the first difference.
  compplan explain DIR MEMBER [--bonus KEY] [--json] [--members FILE --orders FILE] [--sources N] [--timings]
      Explains one member's statement: sources, levels, rates, rounding, what was not paid and why, ranks.
  compplan validate PLAN
      Checks a plan file; lists every issue with its code, path and message.
  compplan schema
      Prints the JSON Schema of plan files (for editor completion).
  compplan generate --members N --out DIR [--seed S] [--period YYYY-MM] [--shape realistic|chain|star|balanced]
      Writes a seeded synthetic DIR/members.csv and DIR/orders.csv (measures ${GENERATED_MEASURES.join(", ")}).
${WHATIF_USAGE}  compplan help

Exit codes: 0 done, 1 invalid plan or input, 2 wrong usage, 3 internal error (a bug: please report it),
4 replay found a difference, 5 an output could not be written (no space, no permission, not a directory…).
`;


/** Runs the CLI with `args` (without the node and script names) and returns the exit code. */
export function runCli(args: readonly string[], io: CliIO): number {
  try {
    const [command, ...rest] = args;
    switch (command) {
      case "run":
        return cmdRun(parseFlags(rest, ["plan", "members", "orders", "period", "out", "format"], ["timings", "embed-inputs", "force"]), io);
      case "validate":
        return cmdValidate(rest, io);
      case "schema":
        if (rest.length > 0) throw new UsageError("schema takes no arguments");
        io.stdout(`${JSON.stringify(planJsonSchema(), null, 2)}\n`);
        return 0;
      case "generate":
        return cmdGenerate(parseFlags(rest, ["members", "out", "seed", "period", "shape"], []), io);
      case "replay":
        return cmdReplay(rest, io);
      case "explain":
        return cmdExplain(rest, io);
      case "diff":
        return cmdDiff(rest, io);
      case "sweep":
        return cmdSweep(rest, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`compplan: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof CompplanError) {
      printIssues(e.issues, io);
      return 1;
    }
    if (isSystemError(e)) {
      // The system refused a file operation (inputs are read as coded issues, so this is an output): no
      // stack, it is not a bug; what was written so far is incomplete and must not be used.
      io.stderr(`compplan: ${e.message}\ncompplan: the output is incomplete; nothing written by this run may be used.\n`);
      return 5;
    }
    const detail = e instanceof InvariantError ? e.message : `unexpected error: ${(e as Error)?.stack ?? String(e)}`;
    io.stderr(`compplan: internal error. ${detail}\n`);
    return 3;
  }
}




/** An error from the operating system (Node's fs sets a code such as ENOSPC, EACCES, ENOTDIR). */
function isSystemError(e: unknown): e is Error & { code: string } {
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code);
}

function printIssues(issues: readonly Issue[], io: CliIO): void {
  const shown = issues.slice(0, 200);
  for (const i of shown) io.stderr(`  ${formatIssue(i)}\n`);
  if (issues.length > shown.length) io.stderr(`  … and ${issues.length - shown.length} more\n`);
  io.stderr(`compplan: ${issues.length} issue${issues.length === 1 ? "" : "s"}; nothing was computed.\n`);
}


function loadPlan(path: string): Plan {
  const text = readTextOrThrow(path, "plan");
  const r = safeParsePlan(text, { fileName: path });
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

function cmdValidate(args: readonly string[], io: CliIO): number {
  if (args.length !== 1) throw new UsageError("validate takes one plan file");
  const path = args[0] as string;
  const r = safeParsePlan(readTextOrThrow(path, "plan"), { fileName: path });
  if (!r.ok) {
    printIssues(r.issues, io);
    return 1;
  }
  const p = r.value;
  io.stdout(`${path}: valid plan "${p.id}"${p.name !== undefined ? ` (${p.name})` : ""}: ${Object.keys(p.measures).length} measures, ${p.ranks.length} ranks, ${p.bonuses.length} bonuses (${p.bonuses.map((b) => `${b.key}: ${b.kind}`).join(", ")})\n`);
  return 0;
}

/** Progress on stderr, only on a terminal and only once the work has taken more than a second. */
class Progress {
  private readonly start = performance.now();
  private last = this.start;
  private shown = false;
  /** When a count was last shown (counts of one phase are shown at most five times a second). */
  private lastCount = 0;
  /** Per phase: wall time, and the peak memory (max RSS, MiB) by the phase's end. */
  readonly timings: { phase: string; ms: number; peakMiB: number }[] = [];
  private current: string | undefined;

  constructor(private readonly io: CliIO) {}

  phase(name: string): void {
    const now = performance.now();
    if (this.current !== undefined) this.timings.push({ phase: this.current, ms: now - this.last, peakMiB: Math.round(process.resourceUsage().maxRSS / 1024) });
    this.current = name;
    this.last = now;
    this.lastCount = 0; // the first count of a phase is shown at once
    this.show(now, "");
  }

  /** Shows how far the current phase has come (`done`, e.g. "1,200,000 of 10,000,000 members"). */
  count(done: string): void {
    const now = performance.now();
    if (now - this.lastCount < 200) return;
    this.lastCount = now;
    this.show(now, ` ${done}`);
  }

  private show(now: number, detail: string): void {
    if (this.io.stderrIsTTY && now - this.start > 1000) {
      this.io.stderr(`\r\x1b[K${this.current}…${detail} (${((now - this.start) / 1000).toFixed(1)} s)`);
      this.shown = true;
    }
  }

  done(): void {
    this.phase("done");
    if (this.shown) this.io.stderr("\r\x1b[K");
  }
}

/** Bytes as MiB for progress lines. */
function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toLocaleString("en-US", { maximumFractionDigits: 0 })} MiB`;
}

function cmdRun(flags: Flags, io: CliIO): number {
  const progress = new Progress(io);
  const planPath = required(flags, "plan");
  const periodText = required(flags, "period");
  const out = required(flags, "out");
  const format = runFormat(flags.format);
  const membersPath = required(flags, "members");
  const ordersPath = required(flags, "orders");
  // Refuse an output folder that holds an input or files of someone else before any work is done.
  const folder = RunFolder.open(out, { inputs: [planPath, membersPath, ordersPath], names: RUN_FILES, force: flags.force === true });
  for (const note of folder.notes) io.stderr(`compplan: ${note}\n`);
  let report: string;
  let r: { value: RunResult; plan: Plan };
  try {
    progress.phase("read plan");
    const plan = loadPlan(planPath);
    const period = safeParsePeriod(periodText);
    if (period.period === undefined) throw new CompplanError([period.issue as Issue]);
    const onPhase = (p: Phase | "read inputs") => progress.phase(p);
    const prepared = prepareInputFiles(periodText, membersPath, ordersPath, new Set(Object.keys(plan.measures)), onPhase);
    // Fingerprint the input first: its temporary buffers are gone before the run's arrays exist.
    progress.phase("fingerprint inputs");
    const inputs = preparedInputSummaries(prepared);
    const calculated = safeCalculatePrepared(plan, prepared, { onPhase });
    if (!calculated.ok) throw new CompplanError(calculated.issues);
    const run = calculated.value;
    r = { value: run, plan };
    // Everything is written into the temporary folder; it replaces `out` only once complete.
    folder.create();
    progress.phase("write statements");
    const written = writeOutputs(run, folder.tmp, { onProgress: (bytes) => progress.count(`${mib(bytes)} (${run.memberCount.toLocaleString("en-US")} statements)`) });
    const audit = writeRunAudit(run, prepared, {
      dir: folder.tmp,
      statementsFingerprint: written.statementsFingerprint,
      embedInputs: flags["embed-inputs"] === true,
      format,
      inputs,
      files: written.files,
      inputFiles: { members: relativeFile(out, membersPath), orders: relativeFile(out, ordersPath) },
      onPhase: (p) => progress.phase(p),
      onCount: (done) => progress.count(`${done.toLocaleString("en-US")} of ${run.memberCount.toLocaleString("en-US")} members`),
    });
    folder.commit();
    report = `\nwrote ${join(out, "statements.ndjson")} (${written.count.toLocaleString("en-US")} statements) and ${join(out, "summary.json")}\n${audit.replaceAll(folder.tmp, out)}`;
  } finally {
    folder.discard();
  }
  progress.done();
  io.stdout(formatSummary(r.value.summary, r.plan));
  io.stdout(report);
  if (flags.timings === true) {
    const rows = progress.timings.map((t) => `  ${t.phase.padEnd(18)} ${(t.ms / 1000).toFixed(3).padStart(9)} s   peak so far ${String(t.peakMiB).padStart(6)} MiB`).join("\n");
    const total = progress.timings.reduce((a, t) => a + t.ms, 0);
    io.stderr(`timings:\n${rows}\n  ${"total".padEnd(18)} ${(total / 1000).toFixed(3).padStart(9)} s\n  peak memory (max RSS) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
  }
  return 0;
}

/** `file` relative to the folder `dir`, with `/` between names (as the bundle records input files). */
function relativeFile(dir: string, file: string): string {
  return relative(resolve(dir), resolve(file)).split(sep).join("/");
}

/**
 * @internal Reads the members and orders files and prepares them for one or more plans. The parsed
 * records live only inside this function, so they are garbage once the columnar input exists.
 * Throws CompplanError with every issue.
 */
export function prepareInputFiles(
  periodText: string,
  membersPath: string,
  ordersPath: string,
  measures: ReadonlySet<string>,
  onPhase: (phase: Phase | "read inputs") => void = () => {},
): PreparedInput {
  const r = safePrepareFiles({ period: periodText, members: membersPath, orders: ordersPath }, measures, onPhase);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}


/**
 * @internal Writes statements.ndjson and summary.json under `dir`; returns the statements' fingerprint
 * (SHA-256 of the bytes written, hashed while writing). Statements are rendered as bytes in this thread
 * while a worker thread hashes and writes them (see {@link writeHashed}).
 */
export function writeOutputs(
  run: RunResult,
  dir: string,
  options: WriteHashedOptions = {},
): { statementsPath: string; summaryPath: string; count: number; statementsFingerprint: string; files: Record<string, FileFingerprint> } {
  mkdirSync(dir, { recursive: true });
  const statementsPath = join(dir, "statements.ndjson");
  const summaryPath = join(dir, "summary.json");
  let count = 0;
  const statementsFingerprint = writeHashed(statementsPath, (w) => (count = run.writeStatements(w)), options);
  const files = {
    "statements.ndjson": { bytes: statSync(statementsPath).size, fingerprint: statementsFingerprint },
    "summary.json": writeText(summaryPath, [`${canonicalJson(run.summary, 2)}\n`], true),
  };
  return { statementsPath, summaryPath, count, statementsFingerprint, files };
}

function cmdGenerate(flags: Flags, io: CliIO): number {
  const n = Number(required(flags, "members"));
  if (!Number.isSafeInteger(n) || n < 1 || n > 50_000_000) throw new UsageError("--members is a whole number from 1 to 50,000,000");
  const seed = flags.seed === undefined ? 1 : Number(flags.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError("--seed is a whole number");
  const period = safeParsePeriod(flags.period ?? "2026-10");
  if (period.period === undefined) throw new CompplanError([period.issue as Issue]);
  const shape = (flags.shape ?? "realistic") as Shape;
  if (!SHAPES.includes(shape)) throw new UsageError(`--shape is one of ${SHAPES.join(", ")}`);
  const out = required(flags, "out");
  mkdirSync(out, { recursive: true });
  // Each file is written under a temporary name and renamed into place once complete, so a stopped or
  // failed generate leaves the earlier files (or none), never half a file.
  const files = { members: join(out, "members.csv"), orders: join(out, "orders.csv") };
  const tmp = { members: `${files.members}.compplan-tmp-${process.pid}`, orders: `${files.orders}.compplan-tmp-${process.pid}` };
  const mfd = openSync(tmp.members, "w");
  let ofd: number | undefined;
  const started = performance.now();
  let shown = false;
  try {
    ofd = openSync(tmp.orders, "w");
    const orders = ofd;
    const r = generateData(
      {
        members: n,
        seed,
        period: period.period,
        shape,
        onProgress: (done) => {
          if (io.stderrIsTTY && performance.now() - started > 1000) {
            io.stderr(`\r\x1b[Kgenerating… ${Math.round((done / n) * 100)}% (${done.toLocaleString("en-US")} members)`);
            shown = true;
          }
        },
      },
      { members: (c) => writeSync(mfd, c), orders: (c) => writeSync(orders, c) },
    );
    closeSync(mfd);
    closeSync(ofd);
    ofd = undefined;
    renameSync(tmp.members, files.members);
    renameSync(tmp.orders, files.orders);
    if (shown) io.stderr("\r\x1b[K");
    io.stdout(`wrote ${files.members} (${r.members.toLocaleString("en-US")} members, shape ${shape}, seed ${seed}) and ${files.orders} (${r.orders.toLocaleString("en-US")} orders, period ${period.period.id})\n`);
  } catch (e) {
    for (const fd of [mfd, ofd]) {
      try {
        if (fd !== undefined) closeSync(fd);
      } catch {
        // already closed
      }
    }
    rmSync(tmp.members, { force: true });
    rmSync(tmp.orders, { force: true });
    throw e;
  }
  return 0;
}
