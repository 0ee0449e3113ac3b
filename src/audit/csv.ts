/**
 * Statement export as CSV, for a back office to pay from: one row per line item and one per member
 * total, amounts as exact decimal strings, and the run's bundle fingerprint in the file so each payment
 * file points at the run it came from. RFC 4180: a header row, comma-separated fields, fields quoted when
 * they hold a comma, a quote or a line break, rows ending with CRLF.
 *
 * Rows: first a `run` row (bundle fingerprint, period, currency, the run total in `amount`); then per member
 * in member-id order, their `line` rows in statement order followed by one `total` row (every member has
 * one, "0.00" when nothing is paid).
 */
import { formatFixed } from "../money/decimal.js";
import type { RunResult } from "../run/result.js";
import type { Statement } from "../statement/types.js";

/** The columns of the statements CSV, in order. */
export const CSV_COLUMNS = [
  "record",
  "bundle",
  "period",
  "currency",
  "memberId",
  "bonus",
  "kind",
  "level",
  "compressed",
  "sources",
  "source",
  "base",
  "rate",
  "value",
  "amount",
  "reference",
] as const;

const EOL = "\r\n";

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(values: Partial<Record<(typeof CSV_COLUMNS)[number], string | number | boolean>>): string {
  let out = "";
  for (let c = 0; c < CSV_COLUMNS.length; c++) {
    const v = values[CSV_COLUMNS[c] as (typeof CSV_COLUMNS)[number]];
    out += (c > 0 ? "," : "") + (v === undefined ? "" : field(String(v)));
  }
  return out + EOL;
}

/** @internal The header row and the `run` row. */
export function csvHead(bundleFingerprint: string, period: string, currency: string, total: string): string {
  return CSV_COLUMNS.join(",") + EOL + row({ record: "run", bundle: bundleFingerprint, period, currency, amount: total });
}

/** @internal The rows of one statement: its line items, then its total. */
export function statementCsvRows(s: Statement): string {
  let out = "";
  for (const l of s.lines) {
    out += row({
      record: "line",
      memberId: s.memberId,
      bonus: l.bonus,
      kind: l.kind,
      ...(l.level !== undefined ? { level: l.level } : {}),
      ...(l.compressed !== undefined ? { compressed: l.compressed } : {}),
      ...(l.sources !== undefined ? { sources: l.sources } : {}),
      ...(l.source !== undefined ? { source: l.source } : {}),
      ...(l.base !== undefined ? { base: l.base } : {}),
      ...(l.rate !== undefined ? { rate: l.rate } : {}),
      value: l.value,
      amount: l.amount,
      ...(l.reference !== undefined ? { reference: l.reference } : {}),
    });
  }
  return out + row({ record: "total", memberId: s.memberId, amount: s.total });
}

/**
 * @internal The CSV rows of each member in statement order (member id), one string per member. Members
 * with no line item get their zero total row without rendering their statement.
 */
export function* memberCsvRows(run: RunResult): IterableIterator<string> {
  const p = run.internals;
  const n = p.genealogy.size;
  const hasLines = new Uint8Array(n);
  for (let l = 0; l < p.lines.count; l++) hasLines[p.lines.recipient[l] as number] = 1;
  const zero = formatFixed(0n, p.compiled.moneyScale);
  for (const id of run.memberIds()) {
    if (hasLines[p.genealogy.indexOf.get(id) as number] === 1) yield statementCsvRows(run.statement(id) as Statement);
    else yield row({ record: "total", memberId: id, amount: zero });
  }
}

/**
 * The statements of a run as CSV rows, to be written one after another: the header, a `run` row with the
 * bundle fingerprint, then for each member (by id) one row per line item and one total row.
 *
 * @param run - a finished run
 * @param bundleFingerprint - the fingerprint of the run's bundle (see {@link createBundle})
 * @param options - `onProgress` is called with the number of members exported so far, about every
 *   million characters
 * @returns text pieces, each one or more whole rows ending with CRLF
 * @example
 * ```ts
 * const bundle = createBundle(run, input);
 * writeFileSync("statements.csv", Array.from(statementsCsv(run, bundle.fingerprint)).join(""));
 * ```
 */
export function* statementsCsv(run: RunResult, bundleFingerprint: string, options: { readonly onProgress?: (members: number) => void } = {}): IterableIterator<string> {
  yield csvHead(bundleFingerprint, run.period.id, run.plan.currency, run.summary.total);
  let buf = "";
  let members = 0;
  for (const rows of memberCsvRows(run)) {
    buf += rows;
    members++;
    if (buf.length > 1 << 20) {
      options.onProgress?.(members);
      yield buf;
      buf = "";
    }
  }
  if (buf.length > 0) yield buf;
}
