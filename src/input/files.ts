/**
 * Reading input files: any text file as text or a coded issue, and a period's members and orders (CSV,
 * JSON or NDJSON, by extension) as records. Used by every command that reads files, and by sweep workers,
 * which each read the files themselves instead of receiving a million records from the main thread.
 */
import { readFileSync } from "node:fs";
import { argumentIssues, isNameSet, isRecord } from "../errors/arguments.js";
import { CompplanError, type Issue, type IssueCode, type Result } from "../errors/issues.js";
import { readRecords } from "./read.js";
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

/** @internal Reads a text file; an unreadable file is an issue (`code`, INPUT_EMPTY by default), not an exception. */
export function readTextFile(path: string, what: string, code: IssueCode = "INPUT_EMPTY"): { text?: string; issue?: Issue } {
  try {
    return { text: readFileSync(path, "utf8") };
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { issue: { code, path: [what], message: `cannot read ${what} file "${path}": ${reason}`, file: path } };
  }
}

/** @internal {@link readTextFile} for commands: the text, or a CompplanError carrying the issue. */
export function readTextOrThrow(path: string, what: string, code: IssueCode = "INPUT_EMPTY"): string {
  const r = readTextFile(path, what, code);
  if (r.issue !== undefined) throw new CompplanError([r.issue]);
  return r.text as string;
}

/**
 * @internal Reads members and orders files. `measures` are the measure names order files may carry (for a
 * comparison: the union of both plans' measures).
 */
export function readInputFiles(files: InputFiles, measures: readonly string[]): Result<FileInput> {
  const m = readTextFile(files.members, "members");
  const o = readTextFile(files.orders, "orders");
  const unreadable = [m.issue, o.issue].filter((i): i is Issue => i !== undefined);
  if (unreadable.length > 0) return { ok: false, issues: unreadable };
  const members = readRecords(m.text as string, { file: files.members, kind: "members" });
  const orders = readRecords(o.text as string, { file: files.orders, kind: "orders", measures });
  const issues = [...members.issues, ...orders.issues];
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

/**
 * Reads and validates a period's members and orders files and builds the sponsor tree, ready for one or
 * more plans ({@link safeCalculatePrepared}, {@link safeSimulate}). This is what `compplan run` does, and
 * the fastest way in for large inputs: plain CSV files go straight from their bytes into the engine's
 * columns, with no object per row and no string per id. Anything else (JSON, NDJSON, quoted CSV, non-ASCII
 * ids) and every input with an issue goes through the general reader and validator, which report each
 * issue with its file and line.
 *
 * @param files - the period and the two files
 * @param measures - the measure names orders may carry: a plan's `Object.keys(plan.measures)`, or for a
 *   comparison the names of both plans' measures
 * @param onPhase - hears "read inputs", "validate" and "genealogy" as they start (for progress)
 * @returns the prepared input, or every issue (`PERIOD_*`, `INPUT_*`, `MEMBER_*`, `ORDER_*`)
 * @example
 * ```ts
 * const r = safePrepareFiles({ period: "2026-10", members: "members.csv", orders: "orders.csv" }, new Set(Object.keys(plan.measures)));
 * if (r.ok) console.log(safeCalculatePrepared(plan, r.value));
 * ```
 */
export function safePrepareFiles(
  files: InputFiles,
  measures: ReadonlySet<string>,
  onPhase: (phase: Phase | "read inputs") => void = () => {},
): Result<PreparedInput> {
  const bad = argumentIssues("safePrepareFiles", [
    ["files", isRecord(files), "an object { period, members, orders } of file paths", files],
    ["measures", isNameSet(measures), "a Set of measure names", measures],
    ["onPhase", typeof onPhase === "function", "undefined or a function", onPhase],
  ]);
  if (bad.length > 0) return { ok: false, issues: bad };
  onPhase("read inputs");
  const period = safeParsePeriod(files.period);
  if (period.period !== undefined) {
    const fast = readCsvFast(files, period.period, measures, onPhase);
    if (fast !== undefined) return { ok: true, value: { period: period.period, genealogy: fast.genealogy, orders: fast.orders, measures } };
    onPhase("read inputs");
  }
  const read = readInputFiles(files, [...measures].sort());
  if (!read.ok) return read;
  return safePrepareInput(read.value.input, measures, {
    onPhase,
    memberOrigins: read.value.memberOrigins,
    orderOrigins: read.value.orderOrigins,
  });
}
