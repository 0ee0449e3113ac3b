/**
 * The `compplan` command. It talks to people: results on stdout, progress and errors on stderr, and exit
 * codes 0 (done), 1 (invalid plan or input: every issue listed), 2 (wrong usage), 3 (a bug in compplan).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { CompplanError, type Issue, InvariantError, formatIssue } from "../errors/issues.js";
import { GENERATED_MEASURES, SHAPES, type Shape, generateData } from "../generate/generate.js";
import { prepareFiles, readTextOrThrow } from "../input/files.js";
import { MEMBER_COLUMNS, ORDER_COLUMNS } from "../input/read.js";
import { orderMeasures, safeParsePlan, type Plan } from "../plan/parse.js";
import { planJsonSchema } from "../plan/json-schema.js";
import { type Phase, safeCalculatePrepared, safePrepareInput } from "../run/calculate.js";
import { safeParsePeriod } from "../run/period.js";
import type { RunResult } from "../run/result.js";
import { canonicalJson } from "../statement/canonical.js";
import { ENGINE_VERSION } from "../audit/version.js";
import { groupDigits } from "../money/decimal.js";
import { type Flags, UsageError, hasFlag, ignoreColumnsOf, parseArgs, parseFlags, required, usageErrorText } from "./flags.js";
import { didYouMean } from "./suggest.js";
import { type FileFingerprint, type WriteHashedOptions, fileFingerprint, writeHashed, writeText } from "./file-writer.js";
import { RUN_FILES, RunFolder, removeStaleTempFiles } from "./run-folder.js";
import { formatSummary } from "./format.js";
import { cmdRunPeriods } from "./chain.js";
import { DIFF_USAGE, SWEEP_USAGE, cmdDiff, cmdSweep } from "./whatif.js";
import { cmdExplain, cmdReplay, cmdReport, preparedInputSummaries, previousBundle, runFormat, writeRunAudit } from "./audit.js";
import { type StateInput, safeParseState } from "../state/state.js";
import { stateNdjson } from "../state/write.js";
import type { OpeningRecord } from "../audit/bundle.js";
import { fingerprintText } from "../audit/fingerprint.js";
import { PLACE_USAGE, cmdPlace } from "./place.js";

/** Where the CLI writes; tests pass buffers. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal (progress is shown only then). */
  readonly stderrIsTTY: boolean;
  /** Progress appears once a command has run this long (ms; default 1000, so quick commands stay quiet). */
  readonly progressAfterMs?: number;
}

/** Each command's usage: its synopsis and what it does (the main usage lists them all, in this order). */
/** The file in a generate folder recording the fingerprints of the files generate wrote there. */
const GENERATED_MARK = ".compplan-generated.json";

const COMMAND_USAGE: Readonly<Record<string, string>> = {
  run: `  compplan run --plan FILE --members FILE --orders FILE --period PERIOD --out DIR [--timings]
               [--format ndjson|csv] [--embed-inputs] [--force] [--ignore-columns A,B] [--json]
               [--state PREV/state.ndjson]
      Runs the plan; writes DIR/statements.ndjson, DIR/summary.json and DIR/bundle.json (the run bundle:
      fingerprints of plan, inputs and every file of DIR, and the input files' names; --embed-inputs also
      stores the members and orders) and prints the summary. --format csv also writes DIR/statements.csv,
      for paying from. PERIOD is a month YYYY-MM, an ISO week YYYY-Www or a range YYYY-MM-DD..YYYY-MM-DD.
      DIR is replaced whole, only once every file is complete: a failed or stopped run leaves the earlier
      run as it was. DIR may not hold an input; a DIR holding other files needs --force.
      Members and orders are CSV, JSON or NDJSON (by file extension), in UTF-8. --ignore-columns a,b skips
      those extra columns (other unknown columns are errors); replay and explain take it too.
      A plan that keeps state (docs/state.md) also writes DIR/state.ndjson, the closing state; --state
      reads the opening state, the previous period's DIR/state.ndjson (without it, a first period: every
      member starts at the initial values). The bundle records both states' fingerprints.
  compplan run --plan FILE --members FILE --orders FILE --periods FIRST..LAST --out DIR [--state FILE] […]
      A chain of periods (months 2026-01..2026-06, or ISO weeks 2026-W01..2026-W08) from one members file
      and one orders file spanning them: each order goes to the period holding its date, each member takes
      part from the period holding its join date, each period opens with the one before's closing state
      (the first with --state, or none). Writes DIR/2026-01/, DIR/2026-02/, … each a complete run folder
      (its bundle records the chain and the previous period's bundle) and prints a line per period. DIR
      is replaced whole once every period is complete: a chain that fails in any period writes nothing.
      Not with --period. Other options as above.
`,
  replay: `  compplan replay DIR [--members FILE --orders FILE] [--state FILE] [--json] [--max N]
      Recomputes the run of DIR/bundle.json and compares it with DIR's files (missing, extra or changed files
      included; state.ndjson byte for byte); names the first difference. Inputs (and the opening state):
      --members/--orders (--state), else those embedded in the bundle, else the files the bundle records
      (when they are still there and unchanged).
      DIR may be a chain's folder (compplan run --periods): every period is replayed in order and every
      link checked (each opening state is the previous closing state, each bundle records the previous
      bundle); the first difference is named with its period. A period's folder replays alone too.
      --json prints the replay report as JSON.
`,
  explain: `  compplan explain DIR MEMBER [--bonus KEY] [--json] [--members FILE --orders FILE] [--state FILE] [--sources N] [--timings]
      Explains one member's statement: sources, levels, rates, rounding, what was not paid and why, ranks.
      --json prints the explanation as JSON. A member id starting with "-" goes after "--".
`,
  report: `  compplan report DIR KEY [--json | --format csv] [--members FILE --orders FILE] [--state FILE]
      A bonus's report over the run of DIR: a contest's standings (points, tier, points to the next tier,
      awards), a payout cap's company figures and the members it cut. Prints the facts and a table; --json
      the report as JSON; --format csv the rows as CSV. Inputs as for explain.
`,
  validate: `  compplan validate PLAN [--json]
      Checks a plan file; lists every issue with its code, path and message.
`,
  schema: `  compplan schema
      Prints the JSON Schema of plan files (for editor completion).
`,
  generate: `  compplan generate --members N --out DIR [--seed S] [--period PERIOD] [--shape realistic|chain|star|balanced] [--force]
      Writes a seeded synthetic DIR/members.csv and DIR/orders.csv (measures ${GENERATED_MEASURES.join(", ")}).
      It replaces files an earlier generate wrote (DIR/${GENERATED_MARK} records them); a members.csv or
      orders.csv it did not write, or that changed since, is replaced only with --force.
`,
  place: PLACE_USAGE,
  diff: DIFF_USAGE,
  sweep: SWEEP_USAGE,
  help: `  compplan help [COMMAND]      (or compplan COMMAND --help)
      Prints this text, or one command's usage.
`,
  version: `  compplan --version           (or -V, or compplan version)
      Prints the version of compplan.
`,
};

/** Issues listed on stderr without --json; the rest are counted. */
const ISSUES_SHOWN = 200;

const JSON_NOTE = `--json (run, validate, place, replay, explain, report, diff, sweep): an invalid plan or input (exit 1) is
reported on stderr as one JSON document, { "issues": [ { "code", "path", "message", "value"?, "file"?,
"line"? } ] }, listing every issue; without it at most ${ISSUES_SHOWN} are listed.
`;

const EXIT_CODES = `Exit codes: 0 done, 1 invalid plan or input, 2 wrong usage, 3 internal error (a bug: please report it),
4 replay found a difference, 5 an output could not be written (no space, no permission, not a directory…).
`;

const USAGE = `compplan: compensation-plan calculations

Usage:
${Object.values(COMMAND_USAGE).join("")}
${JSON_NOTE}
${EXIT_CODES}`;

/** The usage of one command, for `compplan COMMAND --help` and `compplan help COMMAND`. */
function commandUsage(command: string): string {
  const usage = COMMAND_USAGE[command] as string;
  return `Usage:\n${usage}\n${usage.includes("--json") ? `${JSON_NOTE}\n` : ""}${EXIT_CODES}`;
}

function isCommand(name: string | undefined): name is string {
  return name !== undefined && Object.hasOwn(COMMAND_USAGE, name);
}

/** Runs the CLI with `args` (without the node and script names) and returns the exit code. */
export function runCli(args: readonly string[], io: CliIO): number {
  const [command, ...rest] = args;
  try {
    if (isCommand(command) && hasFlag(rest, "--help", "-h")) {
      io.stdout(commandUsage(command));
      return 0;
    }
    switch (command) {
      case "run":
      {
        const flags = parseFlags(rest, ["plan", "members", "orders", "period", "periods", "out", "format", "ignore-columns", "state"], ["timings", "embed-inputs", "json", "force"]);
        if (flags.periods === undefined) return cmdRun(flags, io);
        if (flags.period !== undefined) throw new UsageError("give --period (one period) or --periods (a chain of periods), not both");
        return cmdRunPeriods(flags, io);
      }
      case "validate":
        return cmdValidate(rest, io);
      case "schema":
        if (rest.length > 0) throw new UsageError("schema takes no arguments");
        io.stdout(`${JSON.stringify(planJsonSchema(), null, 2)}\n`);
        return 0;
      case "generate":
        return cmdGenerate(parseFlags(rest, ["members", "out", "seed", "period", "shape"], ["force"]), io);
      case "place":
        return cmdPlace(rest, io);
      case "replay":
        return cmdReplay(rest, io);
      case "explain":
        return cmdExplain(rest, io);
      case "report":
        return cmdReport(rest, io);
      case "diff":
        return cmdDiff(rest, io);
      case "sweep":
        return cmdSweep(rest, io);
      case "version":
      case "--version":
      case "-V":
        if (rest.length > 0) throw new UsageError(`${command} takes no arguments`);
        io.stdout(`${ENGINE_VERSION}\n`);
        return 0;
      case "help":
      case "--help":
      case "-h":
        return cmdHelp(rest, io);
      case undefined:
        io.stdout(USAGE);
        return 2;
      default: {
        const names = command.startsWith("-") ? ["--help", "--version"] : Object.keys(COMMAND_USAGE);
        throw new UsageError(`unknown command "${command}"${didYouMean(command, names)}`);
      }
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(usageErrorText(isCommand(command) && command !== "help" ? command : undefined, e.message));
      return 2;
    }
    if (e instanceof CompplanError) {
      printIssues(e.issues, io, hasFlag(rest, "--json"));
      return 1;
    }
    if (isSystemError(e)) {
      // The system refused a file operation (inputs are read as coded issues, so this is an output): no
      // stack, it is not a bug; what was written so far is incomplete and must not be used.
      io.stderr(`compplan: ${e.message}\ncompplan: the output is incomplete and was not put in place; an earlier output there is left as it was.\n`);
      return 5;
    }
    const detail = e instanceof InvariantError ? e.message : `unexpected error: ${(e as Error)?.stack ?? String(e)}`;
    io.stderr(`compplan: internal error. ${detail}\n`);
    return 3;
  }
}

/** `compplan help [COMMAND]`: the whole usage, or one command's. */
function cmdHelp(args: readonly string[], io: CliIO): number {
  if (args.length === 0) {
    io.stdout(USAGE);
    return 0;
  }
  const name = args[0] as string;
  if (args.length > 1) throw new UsageError("help takes at most one command name");
  if (!isCommand(name)) throw new UsageError(`unknown command "${name}"${didYouMean(name, Object.keys(COMMAND_USAGE))}`);
  io.stdout(commandUsage(name));
  return 0;
}

/** An error from the operating system (Node's fs sets a code such as ENOSPC, EACCES, ENOTDIR). */
function isSystemError(e: unknown): e is Error & { code: string } {
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code);
}

/**
 * Lists issues on stderr: as text, the first {@link ISSUES_SHOWN} and a count of the rest; with --json, all of
 * them as one JSON document `{ "issues": [...] }`, one issue a line (its fields as in the API, code, path and
 * message first), and nothing else.
 */
function printIssues(issues: readonly Issue[], io: CliIO, json: boolean): void {
  if (json) {
    const lines = issues.map(({ code, path, message, ...more }) => JSON.stringify({ code, path, message, ...more }));
    io.stderr(lines.length === 0 ? '{ "issues": [] }\n' : `{ "issues": [\n  ${lines.join(",\n  ")}\n] }\n`);
    return;
  }
  const shown = issues.slice(0, ISSUES_SHOWN);
  for (const i of shown) io.stderr(`  ${formatIssue(i)}\n`);
  if (issues.length > shown.length) io.stderr(`  … and ${groupDigits(String(issues.length - shown.length))} more (--json lists them all)\n`);
  io.stderr(`compplan: ${groupDigits(String(issues.length))} issue${issues.length === 1 ? "" : "s"}; nothing was computed.\n`);
}

/** @internal The plan file read and parsed, or a CompplanError with its issues. */
export function loadPlan(path: string): Plan {
  const text = readTextOrThrow(path, "plan");
  const r = safeParsePlan(text, { fileName: path });
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

function cmdValidate(args: readonly string[], io: CliIO): number {
  const a = parseArgs(args, [], ["json"]);
  if (a.positional.length !== 1) throw new UsageError("validate takes one plan file");
  const path = a.positional[0] as string;
  const r = safeParsePlan(readTextOrThrow(path, "plan"), { fileName: path });
  if (!r.ok) throw new CompplanError(r.issues);
  const p = r.value;
  io.stdout(`${path}: valid plan "${p.id}"${p.name !== undefined ? ` (${p.name})` : ""}: ${Object.keys(p.measures).length} measures, ${p.ranks.length} ranks, ${p.bonuses.length} bonuses (${p.bonuses.map((b) => `${b.key}: ${b.kind}`).join(", ")})\n`);
  return 0;
}

/** @internal Progress on stderr, only on a terminal and only once the work has taken more than a second. */
export class Progress {
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
    if (this.io.stderrIsTTY && now - this.start > (this.io.progressAfterMs ?? 1000)) {
      this.io.stderr(`\r\x1b[K${this.current}…${detail} (${((now - this.start) / 1000).toFixed(1)} s)`);
      this.shown = true;
    }
  }

  done(): void {
    this.phase("done");
    if (this.shown) this.io.stderr("\r\x1b[K");
  }
}

/**
 * Notes for measures no order carries any volume of, though there are orders: a column missing from the
 * orders file counts 0 (as documented), which can quietly pay nothing; the run is valid, so this is a
 * notice on stderr, not an issue.
 * @internal
 */
export function zeroMeasureNotes(summary: RunResult["summary"]): string[] {
  if (summary.orders === 0) return [];
  return Object.entries(summary.volumes)
    .filter(([, total]) => total === "0")
    .map(([measure]) => `note: no order carries any ${measure} (an orders CSV without a ${measure} column counts 0 for it); is that column missing?`);
}

/** @internal Bytes as MiB for progress lines. */
export function mib(bytes: number): string {
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
  const statePath = typeof flags.state === "string" ? flags.state : undefined;
  // Refuse an output folder that holds an input or files of someone else before any work is done.
  const folder = RunFolder.open(out, { inputs: [planPath, membersPath, ordersPath, ...(statePath !== undefined ? [statePath] : [])], names: RUN_FILES, force: flags.force === true });
  for (const note of folder.notes) io.stderr(`compplan: ${note}\n`);
  let report: string;
  let r: { value: RunResult; plan: Plan };
  try {
    progress.phase("read plan");
    const plan = loadPlan(planPath);
    const period = safeParsePeriod(periodText);
    if (period.period === undefined) throw new CompplanError([period.issue as Issue]);
    const opening = statePath !== undefined ? readOpeningState(statePath, out, io) : undefined;
    const onPhase = (p: Phase | "read inputs") => progress.phase(p);
    const prepared = prepareFiles({ period: periodText, members: membersPath, orders: ordersPath }, { measures: orderMeasures(plan), onPhase, ...ignoreColumnsOf(flags) });
    // Fingerprint the input first: its temporary buffers are gone before the run's arrays exist.
    progress.phase("fingerprint inputs");
    const inputs = preparedInputSummaries(prepared);
    const calculated = safeCalculatePrepared(plan, prepared, { onPhase, ...(opening !== undefined ? { state: opening.state } : {}) });
    if (!calculated.ok) throw new CompplanError(calculated.issues);
    const run = calculated.value;
    r = { value: run, plan };
    if (opening === undefined && run.internals.opening !== undefined) io.stderr("compplan: no opening state: every member starts at the initial values (a first period; give the previous period's state with --state)\n");
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
      ...(opening !== undefined ? { opening: opening.recorded } : {}),
      onPhase: (p) => progress.phase(p),
      onCount: (done) => progress.count(`${done.toLocaleString("en-US")} of ${run.memberCount.toLocaleString("en-US")} members`),
    });
    folder.commit();
    const state = run.internals.closing !== undefined ? `, ${join(out, "state.ndjson")} (the closing state)` : "";
    report = `\nwrote ${join(out, "statements.ndjson")} (${written.count.toLocaleString("en-US")} statement${written.count === 1 ? "" : "s"})${state} and ${join(out, "summary.json")}\n${audit.text.replaceAll(folder.tmp, out)}`;
  } finally {
    folder.discard();
  }
  progress.done();
  io.stdout(formatSummary(r.value.summary, r.plan));
  io.stdout(report);
  for (const note of zeroMeasureNotes(r.value.summary)) io.stderr(`compplan: ${note}\n`);
  finishRun(flags, r.plan, progress, io);
  return 0;
}

/**
 * @internal What `compplan run` says on stderr once done: that a column `--ignore-columns` names was read
 * (compplan reads it), and with `--timings` the time and memory of each phase.
 */
export function finishRun(flags: Flags, plan: Plan, progress: Progress, io: CliIO): void {
  for (const name of ignoreColumnsOf(flags).ignoreColumns ?? []) {
    if ((MEMBER_COLUMNS as readonly string[]).includes(name) || (ORDER_COLUMNS as readonly string[]).includes(name) || Object.hasOwn(plan.measures, name)) {
      io.stderr(`compplan: note: --ignore-columns ${name}: ${name} is a column compplan reads, so it was read, not ignored\n`);
    }
  }
  if (flags.timings === true) {
    const rows = progress.timings.map((t) => `  ${t.phase.padEnd(18)} ${(t.ms / 1000).toFixed(3).padStart(9)} s   peak so far ${String(t.peakMiB).padStart(6)} MiB`).join("\n");
    const total = progress.timings.reduce((a, t) => a + t.ms, 0);
    io.stderr(`timings:\n${rows}\n  ${"total".padEnd(18)} ${(total / 1000).toFixed(3).padStart(9)} s\n  peak memory (max RSS) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
  }
}

/**
 * @internal Reads the opening state of `compplan run --state FILE`: a coded issue with the file and line for a bad
 * one (nothing is computed); what the bundle records of it (see {@link OpeningRecord}).
 */
export function readOpeningState(path: string, out: string, io: CliIO): { state: StateInput; recorded: OpeningRecord } {
  const text = readTextOrThrow(path, "state");
  const r = safeParseState(text, path);
  if (!r.ok) throw new CompplanError(r.issues);
  const previous = previousBundle(path, fingerprintText(text));
  if (previous.note !== undefined) io.stderr(`compplan: note: ${previous.note}\n`);
  return { state: r.value, recorded: { file: relativeFile(out, path), ...(previous.bundle !== undefined ? { bundle: previous.bundle } : {}) } };
}

/** @internal `file` relative to the folder `dir`, with `/` between names (as the bundle records input files). */
export function relativeFile(dir: string, file: string): string {
  return relative(resolve(dir), resolve(file)).split(sep).join("/");
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
  const files: Record<string, FileFingerprint> = {
    "statements.ndjson": { bytes: statSync(statementsPath).size, fingerprint: statementsFingerprint },
    "summary.json": writeText(summaryPath, [`${canonicalJson(run.summary, 2)}\n`], true),
  };
  // The closing state, for a plan that keeps state (docs/state.md); none otherwise.
  const state = stateNdjson(run);
  if (state !== undefined) files["state.ndjson"] = writeText(join(dir, "state.ndjson"), [state], true);
  return { statementsPath, summaryPath, count, statementsFingerprint, files };
}

/** The fingerprints a generate folder's mark records, by file name ({} when there is none or it is unreadable). */
function readMark(path: string): Record<string, string> {
  try {
    const v: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof v === "object" && v !== null ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
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
  for (const note of removeStaleTempFiles(out, ["members.csv", "orders.csv"])) io.stderr(`compplan: ${note}\n`);
  // Never replace data generate did not write (a back office's real members file, say) without --force.
  const mark = join(out, GENERATED_MARK);
  const marked = readMark(mark);
  for (const name of ["members.csv", "orders.csv"]) {
    const path = join(out, name);
    if (!existsSync(path) || flags.force === true) continue;
    if (marked[name] !== fileFingerprint(path)) throw new UsageError(`${path} was not written by compplan generate, or changed since: give --force to replace it`);
  }
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
    writeFileSync(mark, `${JSON.stringify({ "members.csv": fileFingerprint(files.members), "orders.csv": fileFingerprint(files.orders) })}\n`);
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
