/**
 * Reading input files: any text file as text or a coded issue, and a period's members and orders (CSV,
 * JSON or NDJSON, by extension) as records. Used by every command that reads files, and by sweep workers,
 * which each read the files themselves instead of receiving a million records from the main thread.
 */
import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import { argumentIssues, isOptions, isRecord } from "../errors/arguments.js";
import { CompplanError, type Issue, type IssueCode, type Result } from "../errors/issues.js";
import { cut, readRecords } from "./read.js";
import type { RecordOrigin } from "./rows.js";
import type { MemberInput, OrderInput } from "./validate.js";
import { type CalculateInput, type Phase, type PreparedInput, safePrepareInput } from "../run/calculate.js";
import { safeParsePeriod } from "../run/period.js";
import { readCsvFast } from "./fast-csv.js";

/** Where a period's input is: the month and the members and orders files (CSV, JSON or NDJSON by extension). */
export interface InputFiles {
  /** The month, YYYY-MM. */
  readonly period: string;
  /** Path of the members file. */
  readonly members: string;
  /** Path of the orders file. */
  readonly orders: string;
}

/** @internal The input read from files, with where each record came from. */
export interface FileInput {
  readonly input: CalculateInput;
  readonly memberOrigins: readonly RecordOrigin[];
  readonly orderOrigins: readonly RecordOrigin[];
}

/**
 * @internal Reads a text file. A file that is missing or cannot be read is an issue (`code`,
 * INPUT_UNREADABLE by default) naming the file and the system's reason; a file that is not valid UTF-8 is
 * an INPUT_ENCODING issue with the line and byte offset of the first bad byte. No byte is ever replaced:
 * ids are compared as the text decoded here, so two different byte sequences must never decode alike.
 */
export function readTextFile(path: string, what: string, code: IssueCode = "INPUT_UNREADABLE"): { text?: string; issue?: Issue } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { issue: { code, path: [what], message: `cannot read ${what} file "${cut(path)}": ${systemReason(e)}`, file: path } };
  }
  return decodeUtf8(bytes, path, what);
}

/** The system's reason for a failed file operation, as "no such file or directory (ENOENT)". */
function systemReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const message = typeof err?.message === "string" ? err.message : String(e);
  // Node words these "ENOENT: no such file or directory, open 'path'": keep the reason and the code.
  const m = /^([A-Z0-9_]+): (.*?)(?:, \w+ '.*)?$/s.exec(message);
  if (m !== null) return `${m[2]} (${m[1]})`;
  return err?.code !== undefined ? `${message} (${err.code})` : message;
}

/**
 * @internal Decodes a file's bytes as UTF-8 (a leading BOM is kept for the readers to skip), or says
 * where the first byte that is not UTF-8 is. Checking is native and fast (`isUtf8`); the position is only
 * searched for when the check fails.
 */
export function decodeUtf8(bytes: Uint8Array, file: string, what: string): { text?: string; issue?: Issue } {
  if (isUtf8(bytes)) return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8") };
  const bad = firstInvalidUtf8(bytes);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < bad.offset; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const shown = Array.from(bytes.subarray(bad.offset, bad.offset + bad.length), (b) => `0x${b.toString(16).toUpperCase().padStart(2, "0")}`).join(" ");
  // Up to 40 bytes of the line before the bad byte, starting on a character's first byte.
  let from = Math.max(lineStart, bad.offset - 40);
  while (from < bad.offset && ((bytes[from] as number) & 0xc0) === 0x80) from++;
  const before = Buffer.from(bytes.buffer, bytes.byteOffset + from, bad.offset - from).toString("utf8");
  const after = before === "" ? "at the start of the line" : `after ${JSON.stringify(before)}`;
  const hint =
    bytes[0] === 0xff && bytes[1] === 0xfe || bytes[0] === 0xfe && bytes[1] === 0xff
      ? "it looks like UTF-16; save it as UTF-8"
      : "save it as UTF-8 (it may be in Latin-1 or Windows-1252); no byte is replaced, because ids are compared byte for byte";
  return {
    issue: {
      code: "INPUT_ENCODING",
      path: [what],
      message: `the ${what} file is not valid UTF-8: byte offset ${bad.offset} (line ${line}, ${after}) holds ${shown}, which ${bad.length === 1 ? "is" : "are"} not a UTF-8 character; ${hint}`,
      value: shown,
      file,
      line,
    },
  };
}

/**
 * The first ill-formed UTF-8 sequence (Unicode 15, table 3-7): its byte offset and length (the maximal
 * subpart, as a decoder would replace it). Only called on bytes known to be invalid.
 */
function firstInvalidUtf8(b: Uint8Array): { offset: number; length: number } {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return { offset: i, length: 1 };
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return { offset: i, length: k };
    }
    i += need + 1;
  }
  return { offset: n, length: 0 };
}

/** @internal {@link readTextFile} for commands: the text, or a CompplanError carrying the issue. */
export function readTextOrThrow(path: string, what: string, code: IssueCode = "INPUT_UNREADABLE"): string {
  const r = readTextFile(path, what, code);
  if (r.issue !== undefined) throw new CompplanError([r.issue]);
  return r.text as string;
}

/**
 * @internal Reads members and orders files. `measures` are the measure names order files may carry (for a
 * comparison: the union of both plans' measures); `ignoreColumns` names columns (and JSON fields) to skip.
 */
export function readInputFiles(files: InputFiles, measures: readonly string[], ignoreColumns: readonly string[] = []): Result<FileInput> {
  const m = readTextFile(files.members, "members");
  const o = readTextFile(files.orders, "orders");
  const unreadable = [m.issue, o.issue].filter((i): i is Issue => i !== undefined);
  if (unreadable.length > 0) return { ok: false, issues: unreadable };
  const members = readRecords(m.text as string, { file: files.members, kind: "members", ignoreColumns });
  const orders = readRecords(o.text as string, { file: files.orders, kind: "orders", measures, ignoreColumns });
  const issues = members.issues.concat(orders.issues);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      input: { period: files.period, members: members.records as MemberInput[], orders: orders.records as OrderInput[] },
      memberOrigins: members.origins,
      orderOrigins: orders.origins,
    },
  };
}

/** Options of {@link safePrepareFiles} and {@link prepareFiles}. */
export interface PrepareFilesOptions {
  /**
   * The measure names orders may carry: a plan's `orderMeasures(plan)`, or for a comparison the
   * order measures of both plans. An orders CSV needs no column for a measure it does not use: such a
   * measure counts 0 on every order (as a measure left out of a JSON order's `volumes` does).
   */
  readonly measures: Iterable<string>;
  /** Hears "read inputs", "validate" and "genealogy" as they start (for progress). */
  readonly onPhase?: (phase: Phase | "read inputs") => void;
  /**
   * Names of extra columns (CSV) and fields (JSON, NDJSON) to skip in both files, such as a back office's
   * `email` column. Any other column that is neither a known field nor one of `measures` is an
   * `INPUT_UNKNOWN_COLUMN` issue. A known field or a measure is never ignored, even when named here.
   */
  readonly ignoreColumns?: readonly string[];
}

/**
 * Reads and validates a period's members and orders files and builds the sponsor tree, ready for one or
 * more plans ({@link safeCalculatePrepared}, {@link safeSimulate}). This is what `compplan run` does, and
 * the fastest way in for large inputs: plain CSV files go straight from their bytes into the engine's
 * columns, with no object per row and no string per id. Anything else (JSON, NDJSON, quoted CSV, non-ASCII
 * ids) and every input with an issue goes through the general reader and validator, which report each
 * issue with its file and line.
 *
 * Files must be UTF-8 (a BOM is allowed). Ids are compared exactly as written: a byte that is not UTF-8 is
 * an `INPUT_ENCODING` issue, never replaced, and no Unicode normalisation is applied (an "é" written as
 * one code point and one written as "e" plus a combining accent are two different ids).
 *
 * @param files - the period and the two files
 * @param options - `measures` (required), `onPhase`, `ignoreColumns`: see {@link PrepareFilesOptions}
 * @returns the prepared input, or every issue (`PERIOD_*`, `INPUT_*`, `MEMBER_*`, `ORDER_*`)
 * @example
 * ```ts
 * const r = safePrepareFiles({ period: "2026-10", members: "members.csv", orders: "orders.csv" }, { measures: orderMeasures(plan) });
 * if (r.ok) console.log(safeCalculatePrepared(plan, r.value));
 * ```
 */
export function safePrepareFiles(files: InputFiles, options: PrepareFilesOptions): Result<PreparedInput> {
  const o = options as unknown;
  const measuresOk = isRecord(o) && typeof (o.measures as { [Symbol.iterator]?: unknown } | undefined)?.[Symbol.iterator] === "function" && typeof o.measures !== "string";
  const bad = argumentIssues("safePrepareFiles", [
    ["files", isRecord(files), "an object { period, members, orders } of file paths", files],
    ["options", measuresOk && isOptions(o, "onPhase") && (o.ignoreColumns === undefined || Array.isArray(o.ignoreColumns)), "an options object { measures, onPhase?, ignoreColumns? } with measures a list or Set of names", options],
  ]);
  if (bad.length > 0) return { ok: false, issues: bad };
  const onPhase = options.onPhase ?? (() => {});
  const measures: ReadonlySet<string> = new Set(options.measures);
  const ignore = options.ignoreColumns ?? [];
  onPhase("read inputs");
  const period = safeParsePeriod(files.period);
  if (period.period !== undefined) {
    const fast = readCsvFast(files, period.period, measures, { onPhase, ignoreColumns: ignore });
    if (fast !== undefined) return { ok: true, value: { period: period.period, genealogy: fast.genealogy, orders: fast.orders, measures } };
    onPhase("read inputs");
  }
  const read = readInputFiles(files, [...measures].sort(), ignore);
  if (!read.ok) return read;
  return safePrepareInput(read.value.input, measures, {
    onPhase,
    memberOrigins: read.value.memberOrigins,
    orderOrigins: read.value.orderOrigins,
  });
}

/**
 * {@link safePrepareFiles} that throws: the prepared input, or a {@link CompplanError} carrying every issue.
 *
 * @param files - the period and the two files
 * @param options - `measures` (required), `onPhase`, `ignoreColumns`: see {@link PrepareFilesOptions}
 * @returns the prepared input, for {@link safeCalculatePrepared}, {@link simulate} and the like
 * @throws CompplanError with every issue (`PERIOD_*`, `INPUT_*`, `MEMBER_*`, `ORDER_*`)
 * @example
 * ```ts
 * const prepared = prepareFiles({ period: "2026-10", members: "members.csv", orders: "orders.csv" }, { measures: orderMeasures(plan) });
 * ```
 */
export function prepareFiles(files: InputFiles, options: PrepareFilesOptions): PreparedInput {
  const r = safePrepareFiles(files, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}
