/**
 * The audit side of the `compplan` command: the bundle and CSV export written by `compplan run`, and the
 * `replay` and `explain` commands. The logic lives in src/audit; this file reads and writes files and
 * talks to people.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { type BundleChain, EMBEDDED_ROWS, type InputSummaries, type OpeningRecord, type RunBundle, assembleBundle, bundleJsonPieces, inputSummaries, safeParseBundle } from "../audit/bundle.js";
import { chunkTexts, genealogyMembers, memberLineChunks, orderLineChunks } from "../audit/canonical-rows.js";
import { statementsCsv } from "../audit/csv.js";
import { OrderIndex, prepareExplain, safeExplain } from "../audit/explain.js";
import { formatExplanation } from "../audit/explain-text.js";
import { formatReport, reportCsv, safeBonusReport } from "../audit/report.js";
import { runOrders } from "../audit/inputs.js";
import { type ReplayInputs, type ReplayReport, formatReplayReport, loadBundleRun, safeReplay } from "../audit/replay.js";
import { CompplanError, type Issue, issue } from "../errors/issues.js";
import { fingerprintText } from "../audit/fingerprint.js";
import { readRecords } from "../input/read.js";
import type { CalculateInput, PreparedInput } from "../run/calculate.js";
import type { RunResult } from "../run/result.js";
import { canonicalJson } from "../statement/canonical.js";
import type { CliIO } from "./cli.js";
import { type FileFingerprint, writeText } from "./file-writer.js";
import { type Flags, UsageError, ignoreColumnsOf, parseArgs } from "./flags.js";
import { readTextOrThrow, safePrepareFiles } from "../input/files.js";
import type { MemberInput, OrderInput } from "../input/validate.js";
import { chainFolders, chainShare, replayChain } from "./chain.js";

/** Exit code of `compplan replay` when the replay differs from the recorded run. */
export const EXIT_DIFFERENT = 4;

/** @internal The output formats of `compplan run --format`. */
export function runFormat(value: string | true | undefined): "ndjson" | "csv" {
  if (value === undefined || value === "ndjson") return "ndjson";
  if (value === "csv") return "csv";
  throw new UsageError("--format is ndjson (the default) or csv");
}

/**
 * @internal Writes DIR/statements.csv (with the csv format) and then DIR/bundle.json after `compplan run`
 * wrote statements.ndjson and summary.json; returns a sentence for stdout and the bundle's fingerprint. The bundle lists `files` (those
 * already written, and the CSV) and the input files' names relative to the run folder; neither is covered
 * by the bundle's fingerprint, which the CSV carries.
 */
export function writeRunAudit(
  run: RunResult,
  input: PreparedInput | CalculateInput,
  options: {
    readonly dir: string;
    readonly statementsFingerprint: string;
    readonly embedInputs: boolean;
    readonly format: "ndjson" | "csv";
    /** The input's counts and fingerprints when already computed ({@link preparedInputSummaries}). */
    readonly inputs?: InputSummaries;
    /** The files already written into `dir`, by name (statements.ndjson, summary.json). */
    readonly files?: Readonly<Record<string, FileFingerprint>>;
    /** The members and orders files, relative to the run folder. */
    readonly inputFiles?: { readonly members: string; readonly orders: string };
    /** The opening state's file, relative to the run folder, and the previous period's bundle fingerprint. */
    readonly opening?: OpeningRecord;
    /** The chain the run is a period of (`compplan run --periods`). */
    readonly chain?: BundleChain;
    /** Called when writing the CSV and the bundle starts. */
    readonly onPhase?: (phase: "write csv" | "write bundle") => void;
    /** Called while writing the CSV with the members written so far. */
    readonly onCount?: (members: number) => void;
  },
): { text: string; fingerprint: string } {
  const orders = runOrders(run, input).columns;
  const members = genealogyMembers(run.internals.genealogy);
  // The statements' fingerprint is the SHA-256 of the file's bytes, hashed as they were written.
  // The names of the files the run writes are fingerprinted with the rest (their bytes are listed in `files`).
  const outputs = [...Object.keys(options.files ?? {}), ...(options.format === "csv" ? ["statements.csv"] : [])];
  const bundle = assembleBundle(run, options.inputs ?? inputSummaries(members, orders), options.statementsFingerprint, undefined, outputs, { ...options.opening, embed: options.embedInputs }, options.chain);
  const files: Record<string, FileFingerprint> = { ...options.files };
  let csv = "";
  if (options.format === "csv") {
    options.onPhase?.("write csv");
    const csvPath = join(options.dir, "statements.csv");
    files["statements.csv"] = writeText(csvPath, statementsCsv(run, bundle.fingerprint, options.onCount !== undefined ? { onProgress: options.onCount } : {}), true);
    csv = ` and ${csvPath}`;
  }
  options.onPhase?.("write bundle");
  const names = options.inputFiles;
  const listed: RunBundle = {
    ...bundle,
    inputs: names === undefined ? bundle.inputs : { members: { ...bundle.inputs.members, file: names.members }, orders: { ...bundle.inputs.orders, file: names.orders } },
    files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  // Embedded rows are written straight from the columns, as their fingerprints were.
  const rows = options.embedInputs
    ? { members: chunkTexts(memberLineChunks(members, EMBEDDED_ROWS)), orders: chunkTexts(orderLineChunks(orders, EMBEDDED_ROWS)) }
    : {};
  const bundlePath = join(options.dir, "bundle.json");
  writeText(bundlePath, bundleJsonPieces(listed, rows));
  return { text: `wrote ${bundlePath} (bundle ${bundle.fingerprint}${options.embedInputs ? ", inputs embedded" : ""})${csv}\n`, fingerprint: bundle.fingerprint };
}

/**
 * @internal The fingerprint of the bundle of the run that wrote the state file at `statePath`: the
 * bundle.json beside it, when it is there, reads as a bundle and records this state (`fingerprint`) as its
 * closing state. A bundle beside it that records another closing state is a note, and not recorded.
 */
export function previousBundle(statePath: string, fingerprint: string): { bundle?: string; note?: string } {
  const path = join(dirname(statePath), "bundle.json");
  if (!existsSync(path)) return {};
  const r = safeParseBundle(readTextOrThrow(path, "bundle", "AUDIT_BUNDLE_INVALID"));
  if (!r.ok) return { note: `${path} is not a run bundle this version reads: the previous period's bundle is not recorded` };
  if (r.value.state?.closing.fingerprint !== fingerprint) {
    return { note: `${statePath} is not the closing state ${path} records (${r.value.state?.closing.fingerprint ?? "none"}; the file is ${fingerprint}): the previous period's bundle is not recorded` };
  }
  return { bundle: r.value.fingerprint };
}

/**
 * @internal The counts and fingerprints of a prepared input. `compplan run` takes them before calculating:
 * the canonical rows' temporary buffers and strings then never share memory with the run's arrays.
 */
export function preparedInputSummaries(input: PreparedInput): InputSummaries {
  return inputSummaries(genealogyMembers(input.genealogy), input.orders);
}

/**
 * A file of the run folder read for replay: its text in pieces of about 4 MiB, decoded as UTF-8 (a
 * character split between reads is kept whole), and its bytes hashed as they are read; what replay does
 * not read (it stops at a difference) is hashed by {@link FolderFile.fingerprint}.
 */
class FolderFile {
  private readonly hash = createHash("sha256");
  /** Bytes read and hashed so far. */
  private bytes = 0;
  private complete = false;

  constructor(readonly path: string) {}

  *pieces(): IterableIterator<string> {
    const decoder = new StringDecoder("utf8");
    for (const chunk of this.chunks()) {
      const text = decoder.write(chunk);
      if (text.length > 0) yield text;
    }
    const end = decoder.end();
    if (end.length > 0) yield end;
  }

  /** The bytes from where reading stopped to the end of the file, hashed on the way. */
  private *chunks(): IterableIterator<Uint8Array> {
    if (this.complete) return;
    const fd = openSync(this.path, "r");
    try {
      const buf = Buffer.allocUnsafe(4 << 20);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, this.bytes);
        if (n === 0) break;
        const chunk = buf.subarray(0, n);
        this.hash.update(chunk);
        this.bytes += n;
        yield chunk;
      }
      this.complete = true;
    } finally {
      closeSync(fd);
    }
  }

  /** The file's size and fingerprint (reading what was not read yet). */
  fingerprint(): { bytes: number; fingerprint: string } {
    for (const _ of this.chunks());
    return { bytes: this.bytes, fingerprint: `sha256:${this.hash.digest("hex")}` };
  }
}

/** The entries of the run folder besides bundle.json, each read as a {@link FolderFile}; folders by name. */
function folderFiles(dir: string): { files: Map<string, FolderFile>; folders: string[] } {
  const files = new Map<string, FolderFile>();
  const folders: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "bundle.json") continue;
    if (e.isFile()) files.set(e.name, new FolderFile(join(dir, e.name)));
    else folders.push(e.name);
  }
  return { files, folders };
}

/** @internal DIR/bundle.json read as a bundle, or a CompplanError (`AUDIT_BUNDLE_INVALID`, unreadable). */
export function loadBundle(dir: string): RunBundle {
  const path = join(dir, "bundle.json");
  const r = safeParseBundle(readTextOrThrow(path, "bundle", "AUDIT_BUNDLE_INVALID"));
  if (!r.ok) throw new CompplanError(r.issues.map((i) => ({ ...i, file: path })));
  return r.value;
}

/** Where replay and explain take the members and orders from. */
interface InputFiles {
  /** The file of each part read, if any (given, or recorded in the bundle). */
  readonly members?: string;
  readonly orders?: string;
  /** The parts read from the file the bundle records (not given with --members/--orders). */
  readonly recorded: ReadonlySet<"members" | "orders">;
}

/**
 * Which members and orders file to read, per part: the one given (--members, --orders); else, when the
 * bundle does not embed the rows, the file the bundle records (relative to the run folder) when it exists.
 * A recorded file that does not exist is an `AUDIT_INPUT_MISSING` issue naming it.
 */
function inputFiles(flags: Flags, bundle: RunBundle, dir: string): InputFiles {
  const out: { members?: string; orders?: string } = {};
  const recorded = new Set<"members" | "orders">();
  const issues: Issue[] = [];
  for (const part of ["members", "orders"] as const) {
    const given = flags[part];
    const entry = bundle.inputs[part];
    if (typeof given === "string") out[part] = given;
    else if (entry.rows === undefined && entry.file !== undefined) {
      const path = join(dir, ...entry.file.split("/"));
      if (existsSync(path)) {
        out[part] = path;
        recorded.add(part);
      } else {
        issues.push(issue("AUDIT_INPUT_MISSING", ["inputs", part, "file"], `the bundle records the run's ${part} file as ${entry.file}, relative to the run folder; there is no ${path} (was the folder or the file moved?): give the run's ${part} with --${part} FILE (fingerprint ${entry.fingerprint})`));
      }
    }
  }
  if (issues.length > 0) throw new CompplanError(issues);
  return { ...out, recorded };
}

/**
 * The issue for an input read from the file the bundle records whose fingerprint is not the run's: the
 * file changed since the run, so replay and explain need the run's file given.
 */
function changedInput(part: "members" | "orders", file: string, bundle: RunBundle, actual: string): Issue {
  return issue("AUDIT_INPUT_MISMATCH", ["inputs", part, "file"], `${file}, the ${part} file the bundle records, has changed since the run (fingerprint ${actual}, the bundle records ${bundle.inputs[part].fingerprint}): give the run's ${part} with --${part} FILE`);
}

/**
 * The opening state replay and explain recompute with, for a bundle that records one: the file given
 * (--state), else the lines embedded in the bundle, else the file the bundle records (relative to the run
 * folder) when it is there and unchanged (`AUDIT_INPUT_MISSING`, `AUDIT_INPUT_MISMATCH` otherwise).
 */
function openingStateInput(flags: Flags, bundle: RunBundle, dir: string): Pick<ReplayInputs, "openingState" | "openingStateFile"> & { recorded?: string } {
  const opening = bundle.state?.opening;
  const given = flags.state;
  if (typeof given === "string") return { openingState: readTextOrThrow(given, "state"), openingStateFile: given };
  if (opening === undefined || opening === null || opening.lines !== undefined || opening.file === undefined) return {};
  const path = join(dir, ...opening.file.split("/"));
  if (!existsSync(path)) {
    throw new CompplanError([issue("AUDIT_INPUT_MISSING", ["state", "opening", "file"], `the bundle records the run's opening state as ${opening.file}, relative to the run folder; there is no ${path} (was the folder or the file moved?): give it with --state FILE (fingerprint ${opening.fingerprint})`)]);
  }
  const text = readTextOrThrow(path, "state");
  const actual = fingerprintText(text);
  if (actual !== opening.fingerprint) {
    throw new CompplanError([issue("AUDIT_INPUT_MISMATCH", ["state", "opening", "file"], `${path}, the opening state the bundle records, has changed since the run (fingerprint ${actual}, the bundle records ${opening.fingerprint}): give the run's opening state with --state FILE`)]);
  }
  return { openingState: text, openingStateFile: path, recorded: path };
}

/**
 * Members and orders from files (each optional: the bundle may embed them). Both files: read and validated
 * as `compplan run` reads them (the CSV fast path when it applies).
 */
function readInputs(files: InputFiles, bundle: RunBundle, flags: Flags): Pick<ReplayInputs, "members" | "orders" | "memberOrigins" | "orderOrigins" | "prepared"> {
  // A chain period's files span the whole chain: read as records and split as the run split them.
  if (files.members !== undefined && files.orders !== undefined && bundle.chain === undefined) {
    const measures = new Set(Object.keys((bundle.plan.canonical as { measures?: Record<string, unknown> }).measures ?? {}));
    const r = safePrepareFiles({ period: bundle.period, members: files.members, orders: files.orders }, { measures, ...ignoreColumnsOf(flags) });
    if (!r.ok) throw new CompplanError(r.issues);
    return { prepared: r.value };
  }
  const out: { -readonly [K in "members" | "orders" | "memberOrigins" | "orderOrigins"]?: NonNullable<ReplayInputs[K]> } = {};
  const issues: Issue[] = [];
  if (files.members !== undefined) {
    const r = readRecords(readTextOrThrow(files.members, "members"), { file: files.members, kind: "members", ...ignoreColumnsOf(flags) });
    for (const i of r.issues) issues.push(i);
    const share = bundle.chain !== undefined && r.issues.length === 0 ? chainShare(bundle, "members", r.records as MemberInput[], r.origins) : { records: r.records as MemberInput[], origins: r.origins };
    out.members = share.records;
    out.memberOrigins = share.origins;
  }
  if (files.orders !== undefined) {
    const measures = Object.keys((bundle.plan.canonical as { measures?: Record<string, unknown> }).measures ?? {});
    const r = readRecords(readTextOrThrow(files.orders, "orders"), { file: files.orders, kind: "orders", measures, ...ignoreColumnsOf(flags) });
    for (const i of r.issues) issues.push(i);
    const share = bundle.chain !== undefined && r.issues.length === 0 ? chainShare(bundle, "orders", r.records as OrderInput[], r.origins) : { records: r.records as OrderInput[], origins: r.origins };
    out.orders = share.records;
    out.orderOrigins = share.origins;
  }
  if (issues.length > 0) throw new CompplanError(issues);
  return out;
}

/**
 * @internal `compplan replay DIR [--members FILE --orders FILE] [--json]`: recomputes the run of DIR's
 * bundle and compares it with DIR's statements.ndjson, summary.json and statements.csv (those present),
 * and DIR's files with those the bundle lists. The members and orders are those given, else those
 * embedded, else the files the bundle records. DIR may also be a chain of periods' folder
 * (`compplan run --periods`): every period and every link is verified ({@link replayChain}).
 */
export function cmdReplay(args: readonly string[], io: CliIO): number {
  const a = parseArgs(args, ["members", "orders", "max", "ignore-columns", "state"], ["json"]);
  if (a.positional.length !== 1) throw new UsageError("replay takes one directory (written by compplan run)");
  const dir = a.positional[0] as string;
  const max = a.flags.max === undefined ? 20 : Number(a.flags.max);
  if (!Number.isSafeInteger(max) || max < 1) throw new UsageError("--max is a whole number of at least 1");
  const chain = chainFolders(dir);
  if (chain !== undefined) return replayChain(dir, chain, a.flags, max, io);
  const { report, inputs } = replayFolder(dir, a.flags, max);
  if (a.flags.json === true) io.stdout(`${canonicalJson(report, 2)}\n`);
  else {
    if (inputs !== undefined) io.stdout(`inputs: ${inputs}\n`);
    io.stdout(formatReplayReport(report));
  }
  return report.ok ? 0 : EXIT_DIFFERENT;
}

/**
 * @internal Replays the run folder `dir` (one run, or one period of a chain): the report, and which inputs
 * were read from the files the bundle records (for people), if any.
 */
export function replayFolder(dir: string, flags: Flags, max: number): { report: ReplayReport; inputs?: string } {
  const bundle = loadBundle(dir);
  const { files, folders } = folderFiles(dir);
  const summaryFile = files.get("summary.json");
  let summary: unknown;
  if (summaryFile !== undefined) {
    const text = Array.from(summaryFile.pieces()).join("");
    try {
      summary = JSON.parse(text);
    } catch {
      summary = text;
    }
  }
  const sources = inputFiles(flags, bundle, dir);
  const { recorded: openingFile, ...opening } = openingStateInput(flags, bundle, dir);
  const statements = files.get("statements.ndjson");
  const csv = files.get("statements.csv");
  const closing = files.get("state.ndjson");
  const inputs: ReplayInputs = {
    ...readInputs(sources, bundle, flags),
    ...opening,
    ...(closing !== undefined ? { closingState: closing.pieces() } : {}),
    ...(statements !== undefined ? { statements: statements.pieces() } : {}),
    ...(summary !== undefined ? { summary } : {}),
    ...(csv !== undefined ? { csv: csv.pieces() } : {}),
    files: () => {
      const present = new Map<string, { bytes: number; fingerprint: string }>();
      for (const [name, f] of files) present.set(name, f.fingerprint());
      for (const name of folders) present.set(name, { bytes: 0, fingerprint: "(a folder)" });
      return present;
    },
  };
  const r = safeReplay(bundle, inputs, { maxDifferences: max });
  if (!r.ok) throw new CompplanError(r.issues);
  const report = r.value;
  // An input read from the file the bundle records that is not the run's: say which file is needed.
  const changed = [...sources.recorded].flatMap((part) => {
    const d = report.differences.find((x) => x.check === part && x.field === `inputs.${part}.fingerprint`);
    return d !== undefined ? [changedInput(part, sources[part] as string, bundle, d.actual ?? "")] : [];
  });
  if (changed.length > 0) throw new CompplanError(changed);
  const recorded = [...[...sources.recorded].map((part) => `${part} from ${sources[part]}`), ...(openingFile !== undefined ? [`opening state from ${openingFile}`] : [])];
  const from = bundle.chain !== undefined && sources.recorded.size > 0 ? ", split by date as the chain's run split them" : "";
  return { report, ...(recorded.length > 0 ? { inputs: `${recorded.join(", ")} (the file${recorded.length > 1 ? "s" : ""} the bundle records${from})` } : {}) };
}

/**
 * @internal `compplan explain DIR MEMBER [--bonus KEY] [--json] [--members FILE --orders FILE]`: recomputes
 * the run of DIR's bundle (checking the inputs are the run's) and explains one member.
 */
export function cmdExplain(args: readonly string[], io: CliIO): number {
  const a = parseArgs(args, ["members", "orders", "bonus", "sources", "ignore-columns", "state"], ["json", "timings"]);
  if (a.positional.length !== 2) throw new UsageError("explain takes a directory (written by compplan run) and a member id");
  const [dir, memberId] = a.positional as [string, string];
  const sources = a.flags.sources === undefined ? undefined : Number(a.flags.sources);
  if (sources !== undefined && (!Number.isSafeInteger(sources) || sources < 0)) throw new UsageError("--sources is a whole number");
  const started = performance.now();
  const l = loadRunFolder(dir, a.flags);
  const orders = new OrderIndex(l.prepared.orders, l.prepared.orders.member, l.run.internals.genealogy.size);
  prepareExplain(l.run);
  const loadedAt = performance.now();
  const r = safeExplain(l.run, memberId, {
    orders,
    ...(typeof a.flags.bonus === "string" ? { bonus: a.flags.bonus } : {}),
    ...(sources !== undefined ? { sourcesMax: sources } : {}),
  });
  if (!r.ok) throw new CompplanError(r.issues);
  const doneAt = performance.now();
  io.stdout(a.flags.json === true ? `${canonicalJson(r.value, 2)}\n` : formatExplanation(r.value));
  if (a.flags.timings === true) {
    io.stderr(`timings: load and recompute the run ${((loadedAt - started) / 1000).toFixed(3)} s; explain ${(doneAt - loadedAt).toFixed(1)} ms\n`);
  }
  return 0;
}

/** `compplan report DIR KEY`: a bonus's report over the run of DIR (docs/audit.md "Reports"). */
export function cmdReport(args: readonly string[], io: CliIO): number {
  const a = parseArgs(args, ["members", "orders", "ignore-columns", "state", "format"], ["json"]);
  if (a.positional.length !== 2) throw new UsageError("report takes a directory (written by compplan run) and a bonus key");
  const [dir, key] = a.positional as [string, string];
  const format = a.flags.format;
  if (format !== undefined && format !== "csv") throw new UsageError("--format takes csv (the rows as CSV); leave it out for text, or give --json");
  if (format !== undefined && a.flags.json === true) throw new UsageError("give --json or --format csv, not both");
  const l = loadRunFolder(dir, a.flags);
  const r = safeBonusReport(l.run, key);
  if (!r.ok) throw new CompplanError(r.issues);
  io.stdout(a.flags.json === true ? `${canonicalJson(r.value, 2)}\n` : format === "csv" ? reportCsv(r.value) : formatReport(r.value));
  return 0;
}

/**
 * The run of a run folder, recomputed from its bundle with the inputs and opening state given, embedded or
 * recorded; refused (issues) when they are not the run's, as explaining or reporting another run would be.
 */
function loadRunFolder(dir: string, flags: Flags) {
  const bundle = loadBundle(dir);
  const files = inputFiles(flags, bundle, dir);
  const { recorded: _, ...opening } = openingStateInput(flags, bundle, dir);
  const loaded = loadBundleRun(bundle, { ...readInputs(files, bundle, flags), ...opening });
  if (!loaded.ok) throw new CompplanError(loaded.issues);
  const l = loaded.value;
  const wrong: Issue[] = [];
  if (l.fingerprints.plan !== bundle.plan.fingerprint) wrong.push(issue("AUDIT_BUNDLE_INVALID", ["plan"], "the bundle's plan does not match its recorded fingerprint (run compplan replay)"));
  for (const part of ["members", "orders"] as const) {
    if (l.fingerprints[part] !== bundle.inputs[part].fingerprint && files.recorded.has(part)) wrong.push(changedInput(part, files[part] as string, bundle, l.fingerprints[part]));
    else if (l.fingerprints[part] !== bundle.inputs[part].fingerprint) {
      wrong.push(issue("AUDIT_INPUT_MISMATCH", ["inputs", part], `the ${part} ${l.embedded[part] ? "embedded in the bundle" : "given"} are not the run's: fingerprint ${l.fingerprints[part]}, the bundle records ${bundle.inputs[part].fingerprint}`));
    }
  }
  const openingRecorded = bundle.state?.opening;
  if (openingRecorded != null && l.fingerprints.openingState !== openingRecorded.fingerprint) {
    wrong.push(issue("AUDIT_INPUT_MISMATCH", ["state", "opening"], `the opening state ${l.embedded.openingState === true ? "embedded in the bundle" : "given"} is not the run's: fingerprint ${l.fingerprints.openingState}, the bundle records ${openingRecorded.fingerprint}`));
  }
  if (wrong.length > 0) throw new CompplanError(wrong);
  return l;
}
