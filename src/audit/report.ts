/**
 * Bonus reports (docs/audit.md "Reports"): a family's view of the whole run, such as a contest's standings
 * or a payout cap's company figures. The engine never asks which kind a bonus is: it calls the compiled
 * bonus's optional `report`, with the same run context an explanation reads.
 */
import type { BonusReportBody, ReportValue } from "../bonuses/family.js";
import { argumentIssues, isRun } from "../errors/arguments.js";
import { CompplanError, type Result, issue } from "../errors/issues.js";
import { nameHint } from "../errors/suggest.js";
import type { RunResult } from "../run/result.js";
import { csvField } from "./csv.js";
import { explainContext } from "./explain.js";

export type { ReportValue } from "../bonuses/family.js";

/** A bonus's report over a run: run-wide facts and one row per member listed. */
export interface BonusReport extends BonusReportBody {
  /** The bonus key. */
  readonly bonus: string;
  /** The bonus family. */
  readonly kind: string;
  /** The run's period. */
  readonly period: string;
}

/**
 * The report of bonus `key` over a run (a contest's standings, a payout cap's figures).
 *
 * @param run - a finished run
 * @param key - the bonus key
 * @returns the report, or `AUDIT_UNKNOWN_BONUS` (no such bonus) / `AUDIT_NO_REPORT` (its family makes none)
 * @example
 * ```ts
 * const r = safeBonusReport(run, "spring");
 * if (r.ok) for (const row of r.value.rows) console.log(row.memberId, row.points, row.toNextTier);
 * ```
 */
export function safeBonusReport(run: RunResult, key: string): Result<BonusReport> {
  const bad = argumentIssues("safeBonusReport", [
    ["run", isRun(run), "a RunResult from calculate", run],
    ["key", typeof key === "string", "a bonus key (a string)", key],
  ]);
  if (bad.length > 0) return { ok: false, issues: bad };
  const bonuses = run.internals.compiled.bonuses;
  const b = bonuses.find((x) => x.key === key);
  if (b === undefined) return { ok: false, issues: [issue("AUDIT_UNKNOWN_BONUS", ["bonus"], `the plan has no bonus "${key}"${nameHint(key, bonuses.map((x) => x.key), "bonuses")}`, key)] };
  if (b.report === undefined) {
    const withReport = bonuses.filter((x) => x.report !== undefined).map((x) => x.key);
    const hint = withReport.length > 0 ? `; bonuses of this plan with a report: ${withReport.join(", ")}` : "";
    return { ok: false, issues: [issue("AUDIT_NO_REPORT", ["bonus"], `bonus "${key}" (${b.kind}) makes no report${hint}`, key)] };
  }
  const body = b.report(explainContext(run, [], {}));
  return { ok: true, value: { bonus: b.key, kind: b.kind, period: run.period.id, ...body } };
}

/**
 * The report of bonus `key` over a run; throws {@link CompplanError} when there is none. See
 * {@link safeBonusReport}.
 *
 * @throws CompplanError with `AUDIT_UNKNOWN_BONUS` or `AUDIT_NO_REPORT`
 * @example
 * ```ts
 * process.stdout.write(formatReport(bonusReport(run, "company-cap")));
 * ```
 */
export function bonusReport(run: RunResult, key: string): BonusReport {
  const r = safeBonusReport(run, key);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

/** A value as text: null as the empty string. */
const text = (v: ReportValue | undefined): string => (v === null || v === undefined ? "" : String(v));

/**
 * A report's rows as CSV (RFC 4180, CRLF): a header of its columns, then one record per row; null is an
 * empty field.
 *
 * @example
 * ```ts
 * writeFileSync("standings.csv", reportCsv(bonusReport(run, "spring")));
 * ```
 */
export function reportCsv(report: BonusReport): string {
  const row = (values: readonly string[]) => `${values.map(csvField).join(",")}\r\n`;
  return row(report.columns) + report.rows.map((r) => row(report.columns.map((c) => text(r[c])))).join("");
}

/**
 * A report for people: a title, the facts one a line, then the rows as a table with aligned columns.
 *
 * @example
 * ```ts
 * process.stdout.write(formatReport(bonusReport(run, "spring")));
 * ```
 */
export function formatReport(report: BonusReport): string {
  const out = [`Report of ${report.bonus} (${report.kind}), period ${report.period}`];
  for (const [name, value] of Object.entries(report.facts)) out.push(`  ${name}: ${value === null ? "-" : String(value)}`);
  if (report.rows.length === 0) {
    out.push("no members listed");
    return `${out.join("\n")}\n`;
  }
  const cells = [report.columns, ...report.rows.map((r) => report.columns.map((c) => (r[c] === null || r[c] === undefined ? "-" : String(r[c]))))];
  const widths = report.columns.map((_, k) => Math.max(...cells.map((row) => (row[k] as string).length)));
  // Text left, numbers right: a column is numeric when every value in it is a number or a decimal string.
  const numeric = report.columns.map((_, k) => cells.slice(1).every((row) => /^-?[\d.]+$|^-$/.test(row[k] as string)));
  out.push("");
  for (const row of cells) out.push(row.map((cell, k) => (numeric[k] === true ? cell.padStart(widths[k] as number) : cell.padEnd(widths[k] as number))).join("  ").trimEnd());
  return `${out.join("\n")}\n`;
}
