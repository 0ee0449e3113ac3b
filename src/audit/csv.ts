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
import { FAMILIES } from "../bonuses/lookup.js";
import { formatFixed } from "../money/decimal.js";
import type { RunResult } from "../run/result.js";
import type { Statement } from "../statement/types.js";

/**
 * The columns of the statements CSV, in order: the record's identity, then every line field. The detail
 * fields are those the bonus families declare (in registry order), so a new family's fields become columns
 * without editing this file.
 */
export const CSV_COLUMNS: readonly string[] = [
  "record",
  "bundle",
  "period",
  "currency",
  "memberId",
  "bonus",
  "kind",
  ...new Set(FAMILIES.flatMap((f) => f.lineFields.map((x) => x.name))),
  "base",
  "rate",
  "value",
  "amount",
  "reference",
];

const EOL = "\r\n";

/** @internal One CSV record: the value of each column of {@link CSV_COLUMNS}, unquoted. */
export type CsvRecord = readonly string[];

/** @internal A field quoted per RFC 4180 when it holds a comma, a quote, a CR or a LF (quotes doubled). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record as a row of the file: fields quoted where needed, comma-separated, ending with CRLF. */
function csvRow(record: CsvRecord): string {
  return record.map(csvField).join(",") + EOL;
}

function record(values: Readonly<Record<string, string | number | boolean | undefined>>): CsvRecord {
  return CSV_COLUMNS.map((c) => {
    const v = values[c];
    return v === undefined ? "" : String(v);
  });
}

/** @internal The header record and the `run` record. */
export function csvHeadRecords(bundleFingerprint: string, period: string, currency: string, total: string): CsvRecord[] {
  return [[...CSV_COLUMNS], record({ record: "run", bundle: bundleFingerprint, period, currency, amount: total })];
}

/** @internal The records of one statement: its line items, then its total. */
export function statementCsvRecords(s: Statement): CsvRecord[] {
  const out: CsvRecord[] = [];
  for (const l of s.lines) {
    out.push(record({ ...l, record: "line", memberId: s.memberId }));
  }
  out.push(record({ record: "total", memberId: s.memberId, amount: s.total }));
  return out;
}

/**
 * @internal The CSV records of each member in statement order (member id), one list per member. Members
 * with no line item get their zero total record without rendering their statement.
 */
export function* memberCsvRecords(run: RunResult): IterableIterator<CsvRecord[]> {
  const p = run.internals;
  const n = p.genealogy.size;
  const hasLines = new Uint8Array(n);
  for (let l = 0; l < p.lines.count; l++) hasLines[p.lines.recipient[l] as number] = 1;
  const zero = formatFixed(0n, p.compiled.moneyScale);
  for (const id of run.memberIds()) {
    if (hasLines[p.genealogy.indexOf.get(id) as number] === 1) yield statementCsvRecords(run.statement(id) as Statement);
    else yield [record({ record: "total", memberId: id, amount: zero })];
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
  yield csvHeadRecords(bundleFingerprint, run.period.id, run.plan.currency, run.summary.total).map(csvRow).join("");
  let buf = "";
  let members = 0;
  for (const records of memberCsvRecords(run)) {
    for (const r of records) buf += csvRow(r);
    members++;
    if (buf.length > 1 << 20) {
      options.onProgress?.(members);
      yield buf;
      buf = "";
    }
  }
  if (buf.length > 0) yield buf;
}
