/**
 * Readers for member and order input files in CSV (RFC 4180), JSON and NDJSON. They check only the file's
 * structure (header, quoting, field counts, JSON syntax) and turn each data record into a plain object in the
 * API shape ({@link MemberInput} / {@link OrderInput}); field contents (ids, dates, decimals) are checked
 * afterwards by the validator. Every problem becomes an {@link Issue} with the file and 1-based line.
 *
 * All readers run in one pass over the text in linear time and never throw: when the structure is broken
 * they report it and still return every record they could read, so more problems can be reported at once.
 *
 * @module
 */
import type { Issue, IssueCode, PathSegment } from "../errors/issues.js";
import type { RecordOrigin } from "./rows.js";
// Type-only imports for the TSDoc links above.
import type { MemberInput, OrderInput } from "./validate.js";

/** The file formats the readers understand. */
export type InputFormat = "csv" | "json" | "ndjson";

/** Which records a file holds: members (the sponsor tree) or orders. */
export type RecordKind = "members" | "orders";

/** What {@link readRecords} read from a file. */
export interface ReadResult {
  /**
   * The records read, in file order: plain objects in the API shape for CSV, the parsed values for JSON and
   * NDJSON. A record that could not be read at all (a JSON element that is not valid JSON, a CSV row cut off
   * by an unterminated quote) is left out; its issue says where it was.
   */
  readonly records: unknown[];
  /** `origins[i]` is where `records[i]` starts: the file and its 1-based line. */
  readonly origins: RecordOrigin[];
  /** Structural problems, in file order. When this is not empty the input must not be used for a run. */
  readonly issues: Issue[];
}

/** Options of {@link readRecords}. */
export interface ReadOptions {
  /** The file name, used for format detection and in every issue and origin. */
  readonly file: string;
  /** Whether the file holds members or orders. */
  readonly kind: RecordKind;
  /** The format; detected with {@link detectFormat} when left out. */
  readonly format?: InputFormat;
  /**
   * The plan's measure names. For order CSV files every column other than id, memberId, kind and date must be
   * one of them (or ignored); a measure without a column counts 0 on every order. When left out, every
   * other column is a measure.
   */
  readonly measures?: readonly string[];
  /**
   * Columns (CSV) and record fields (JSON, NDJSON) to skip without an issue. Known fields and, for orders,
   * `measures` are read even when named here; any other unknown column is `INPUT_UNKNOWN_COLUMN`.
   */
  readonly ignoreColumns?: readonly string[];
}

/** @internal The columns of a members file (`status`, `rank`, `placementId` and `leg` are optional). */
export const MEMBER_COLUMNS = ["id", "sponsorId", "joinDate", "status", "rank", "placementId", "leg"] as const;
const MEMBER_REQUIRED: ReadonlySet<string> = new Set(["id", "sponsorId", "joinDate"]);
/** @internal The columns of an orders file besides the measures. */
export const ORDER_COLUMNS = ["id", "memberId", "kind", "date"] as const;

// Character codes.
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const BOM = 0xfeff;

/**
 * Detects the format of an input file: from the file name's extension when it has a known one, otherwise
 * from the content.
 *
 * By extension (case-insensitive): `.csv` is CSV, `.json` is JSON, `.ndjson` and `.jsonl` are NDJSON. By
 * content (after a UTF-8 BOM and white space): `[` is JSON; `{` is JSON when the first key is `"members"` or
 * `"orders"` or the first line does not hold a complete value (a pretty-printed object), else NDJSON;
 * anything else, including an empty text, is CSV. Only the start of the text is examined for `[` and
 * `{"members"`; the first line is scanned for the last case.
 *
 * @param fileName - the file name or path; only its extension is used
 * @param text - the file's content
 * @returns the detected format; never fails (reading then reports what does not fit)
 * @example
 * ```ts
 * detectFormat("members.csv", "");                  // "csv"
 * detectFormat("stdin", '{"members": []}');          // "json"
 * detectFormat("stdin", '{"id":"o1"}\n{"id":"o2"}'); // "ndjson"
 * ```
 */
export function detectFormat(fileName: string, text: string): InputFormat {
  const name = fileName.toLowerCase();
  if (name.endsWith(".csv")) return "csv";
  if (name.endsWith(".json")) return "json";
  if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) return "ndjson";
  const n = text.length;
  let p = text.charCodeAt(0) === BOM ? 1 : 0;
  while (p < n && isJsonSpace(text.charCodeAt(p))) p++;
  const c = text.charCodeAt(p);
  if (c === LBRACKET) return "json";
  if (c !== LBRACE) return "csv";
  let k = p + 1;
  while (k < n && isJsonSpace(text.charCodeAt(k))) k++;
  if (text.startsWith('"members"', k) || text.startsWith('"orders"', k)) return "json";
  const nl = text.indexOf("\n", p);
  const firstLine = scanValue(text, p, nl < 0 ? n : nl);
  return firstLine.stop === STOP_OPEN ? "json" : "ndjson";
}

/**
 * Reads member or order records from the text of an input file, checking its structure.
 *
 * Records come out as plain objects in the API shape: members `{ id, sponsorId, joinDate, status, rank, placementId, leg }` and
 * orders `{ id, memberId, kind, date, volumes: { [measure]: string } }`. From CSV every field is a string (an
 * empty cell is `""`, which the validator treats as missing, root or default) and a field whose column is
 * absent is left out; from JSON and NDJSON records are passed on as parsed, for the validator to check.
 *
 * - **CSV** (RFC 4180): a header row is required; fields may be quoted with `"…"` and `""` inside, and
 *   quoted fields may hold commas and line breaks; lines end in LF or CRLF; a UTF-8 BOM is ignored; spaces
 *   and tabs around unquoted cells (and around quoted ones) are dropped; lines that are empty or hold only
 *   white space are skipped and do not count as records.
 * - **JSON**: an array of records, or an object with one key equal to the kind (`{"members": [...]}`).
 * - **NDJSON**: one JSON value per non-empty line.
 *
 * Issue paths are `[kind, recordIndex, field?]`, where recordIndex is the 0-based index of the record among
 * the file's data records (CSV data rows, JSON array elements, non-empty NDJSON lines, counting records that
 * could not be read), `[kind, "header", column]` for CSV header problems, or `[kind]` for the whole file.
 * Every issue has `file` and a 1-based `line`.
 *
 * Issue codes:
 * - `INPUT_EMPTY` - the file is empty or only white space or a BOM; a members file has a header, `[]` or
 *   `{"members": []}` but no records (an order file may hold no orders, except an empty NDJSON file).
 * - `INPUT_MISSING_COLUMN` - the CSV header lacks a required column (members: id, sponsorId, joinDate;
 *   orders: id, memberId, kind, date); value is the column name. A measure without a column counts 0.
 * - `INPUT_UNKNOWN_COLUMN` - a CSV header column is not a known field (nor, for orders with
 *   `options.measures`, a measure) nor one of `options.ignoreColumns`; value is the column name. The
 *   column is ignored.
 * - `INPUT_MALFORMED` - a duplicate or unnamed CSV column (value: the name), a row with more fields than the
 *   header (value: the row's field count; the extra fields are ignored), text after a closing quote (value:
 *   that text), JSON that is not valid (syntax error, duplicate key, missing or extra comma, mismatched
 *   brackets, wrong top-level shape, content after the end; value: an excerpt), or an NDJSON line that is not
 *   valid JSON (value: an excerpt of the line), or a CSV or NDJSON file whose lines end in CR alone (old Mac
 *   OS line ends; nothing else is reported then). After mismatched brackets JSON reading stops.
 * - `INPUT_TRUNCATED` - a CSV row with fewer fields than the header (value: the row's field count; the row is
 *   still returned without its missing fields), a quote still open at the end of the file (at the line it
 *   opened; value: an excerpt), JSON that ends before it is complete, or an incomplete last NDJSON line
 *   without a line break.
 *
 * @param text - the whole content of the file
 * @param options - `file`: the file name for issues and origins; `kind`: members or orders; `format`: the
 *   format (detected from the name and content when left out); `measures`: the plan's measure names, to check
 *   the columns of an order CSV file; `ignoreColumns`: unknown columns and JSON fields to skip
 * @returns the records read, where each starts (`origins`), and the issues found; never throws
 * @example
 * ```ts
 * const { records, origins, issues } = readRecords("id,memberId,kind,date,PV\no1,m1,retail-sale,2025-01-05,100\n", {
 *   file: "orders.csv",
 *   kind: "orders",
 *   measures: ["PV"],
 * });
 * // records: [{ id: "o1", memberId: "m1", kind: "retail-sale", date: "2025-01-05", volumes: { PV: "100" } }]
 * // origins: [{ file: "orders.csv", line: 2 }]; issues: []
 * ```
 */
export function readRecords(text: string, options: ReadOptions): ReadResult {
  const format = options.format ?? detectFormat(options.file, text);
  const ctx = new Context(options);
  // JSON.parse reports a syntax error by throwing, and capturing the stack is most of the cost of a throw: a
  // file of millions of bad records would take minutes. No stack is needed, so none is captured while
  // reading (synchronously; the setting is restored before returning).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    if (format !== "json" && crOnly(text)) {
      // Old Mac OS line ends: read as one line, the file would give confusing column or JSON issues.
      const what = format === "csv" ? "rows" : "records";
      ctx.add("INPUT_MALFORMED", [ctx.kind], `the lines of the file end in CR alone (old Mac OS line ends), so its ${what} cannot be told apart; save it with LF or CRLF line ends`, 1);
    } else if (format === "csv") readCsv(text, ctx);
    else if (format === "json") readJson(text, ctx);
    else readNdjson(text, ctx);
  } catch (error) {
    // A safety net: the readers are written not to throw. Should one ever do so (a bug, or the engine running
    // out of memory), report it rather than throw.
    const detail = error instanceof Error ? error.message : String(error);
    ctx.add("INPUT_MALFORMED", [ctx.kind], `the file could not be read (internal reader error: ${detail})`, 1);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { records: ctx.records, origins: ctx.origins, issues: ctx.issues };
}

// ---------------------------------------------------------------------------------------------------------
// Shared state

class Context {
  readonly file: string;
  readonly kind: RecordKind;
  readonly measures: readonly string[] | undefined;
  /** Unknown columns and fields to skip: undefined when there are none (the common case costs nothing). */
  readonly ignored: ReadonlySet<string> | undefined;
  readonly records: unknown[] = [];
  readonly origins: RecordOrigin[] = [];
  readonly issues: Issue[] = [];

  constructor(options: ReadOptions) {
    this.file = options.file;
    this.kind = options.kind;
    this.measures = options.measures;
    const ignored = options.ignoreColumns ?? [];
    this.ignored = ignored.length > 0 ? new Set(ignored) : undefined;
  }

  add(code: IssueCode, path: readonly PathSegment[], message: string, line: number, ...value: unknown[]): void {
    const file = this.file;
    this.issues.push(value.length > 0 ? { code, path, message, value: value[0], file, line } : { code, path, message, file, line });
  }

  push(record: unknown, line: number): void {
    if (this.ignored !== undefined) record = withoutIgnored(record, this.ignored, this.kind);
    this.records.push(record);
    this.origins.push({ file: this.file, line });
  }
}

/** A short quotable excerpt of `text[start, end)`, for messages and values. */
function excerpt(text: string, start: number, end: number, max = 60): string {
  return end - start > max ? `${text.slice(start, start + max)}…` : text.slice(start, end);
}

/**
 * @internal `text` cut to `max` characters (then ending "…"), for quoting input in messages: a 10 MB id
 * or column name must not make a 10 MB message.
 */
export function cut(text: string, max = 60): string {
  return excerpt(text, 0, text.length, max);
}

const KNOWN_FIELDS: Record<RecordKind, ReadonlySet<string>> = {
  members: new Set(MEMBER_COLUMNS),
  orders: new Set([...ORDER_COLUMNS, "volumes"]),
};

/** A parsed JSON record without its ignored (unknown) fields; anything but a plain object is kept as is. */
function withoutIgnored(record: unknown, ignored: ReadonlySet<string>, kind: RecordKind): unknown {
  if (typeof record !== "object" || record === null || Array.isArray(record)) return record;
  const known = KNOWN_FIELDS[kind];
  let copy: Record<string, unknown> | undefined;
  for (const k of Object.keys(record)) {
    if (known.has(k) || !ignored.has(k)) continue;
    copy ??= { ...(record as Record<string, unknown>) };
    delete copy[k];
  }
  return copy ?? record;
}

/** Joins names with commas, listing at most 10 (the rest as "…"): messages stay short for wide headers. */
function list(names: readonly string[]): string {
  return names.length > 10 ? `${names.slice(0, 10).join(", ")}, …` : names.join(", ");
}

/** Whether the text's lines end in CR alone: a CR before the end of the content and no LF at all. */
function crOnly(text: string): boolean {
  const cr = text.indexOf("\r");
  if (cr < 0 || text.indexOf("\n") >= 0) return false;
  let end = text.length;
  while (end > 0 && isJsonSpace(text.charCodeAt(end - 1))) end--;
  return cr < end;
}

function isJsonSpace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

// ---------------------------------------------------------------------------------------------------------
// CSV

/** One physical CSV record as scanned; the cells array is reused from row to row. */
class CsvScanner {
  readonly text: string;
  readonly n: number;
  pos: number;
  /** The 1-based line of `pos`. */
  line = 1;
  readonly cells: string[] = [];
  /** The line the current record starts on. */
  rowLine = 1;
  /** Whether any field of the current record was quoted. */
  quoted = false;
  /** Set when a quote is still open at the end of the text: the line it opened on and an excerpt. */
  unterminated: { line: number; excerpt: string } | undefined;
  /** The first text found after a closing quote in the current record, if any, and its cell's index. */
  junk: string | undefined;
  junkCell = 0;

  constructor(text: string) {
    this.text = text;
    this.n = text.length;
    this.pos = text.charCodeAt(0) === BOM ? 1 : 0;
  }

  /** Reads the next record into `cells`; false at the end of the text. */
  next(): boolean {
    const { text, n } = this;
    const cells = this.cells;
    cells.length = 0;
    this.quoted = false;
    this.junk = undefined;
    this.rowLine = this.line;
    let p = this.pos;
    if (p >= n) return false;
    for (;;) {
      let c = 0;
      while (p < n && ((c = text.charCodeAt(p)) === SPACE || c === TAB)) p++;
      if (p < n && c === QUOTE) {
        this.quoted = true;
        const openLine = this.line;
        const open = p;
        p++;
        let seg = p;
        let value = "";
        for (;;) {
          while (p < n && (c = text.charCodeAt(p)) !== QUOTE) {
            if (c === LF) this.line++;
            p++;
          }
          if (p >= n) {
            this.unterminated = { line: openLine, excerpt: excerpt(text, open, n, 40) };
            this.pos = n;
            return true;
          }
          if (p + 1 < n && text.charCodeAt(p + 1) === QUOTE) {
            value += text.slice(seg, p + 1);
            p += 2;
            seg = p;
            continue;
          }
          value += text.slice(seg, p);
          p++;
          break;
        }
        while (p < n && ((c = text.charCodeAt(p)) === SPACE || c === TAB)) p++;
        if (p < n && c !== COMMA && c !== LF && !(c === CR && (p + 1 >= n || text.charCodeAt(p + 1) === LF))) {
          // Text after the closing quote: keep it in the cell so nothing is lost, and report it.
          const start = p;
          p = this.scanUnquoted(p);
          const extra = text.slice(start, p);
          if (this.junk === undefined) {
            this.junk = extra;
            this.junkCell = cells.length;
          }
          value += extra;
        }
        cells.push(value);
      } else {
        const start = p;
        p = this.scanUnquoted(p);
        let end = p;
        while (end > start && ((c = text.charCodeAt(end - 1)) === SPACE || c === TAB)) end--;
        cells.push(end === start ? "" : text.slice(start, end));
      }
      if (p >= n) {
        this.pos = n;
        return true;
      }
      c = text.charCodeAt(p);
      if (c === COMMA) {
        p++;
        continue;
      }
      if (c === CR) p++;
      if (p < n && text.charCodeAt(p) === LF) {
        p++;
        this.line++;
      }
      this.pos = p;
      return true;
    }
  }

  /** The end of an unquoted field starting at `p`: the next comma, LF, CRLF, CR at the end, or the end. */
  private scanUnquoted(p: number): number {
    const { text, n } = this;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c === COMMA || c === LF) break;
      if (c === CR && (p + 1 >= n || text.charCodeAt(p + 1) === LF)) break;
      p++;
    }
    return p;
  }

  /** The quote still open at the end of the text, if any (a method so that narrowing does not stick). */
  openQuote(): { line: number; excerpt: string } | undefined {
    return this.unterminated;
  }

  /** Whether the current record is an empty or white-space-only line. */
  blank(): boolean {
    return !this.quoted && this.cells.length === 1 && this.cells[0] === "";
  }
}

/** How a CSV column is used: a record field, a volume measure, or ignored (null). */
type ColumnUse = { field: string } | { measure: string } | null;

function readCsv(text: string, ctx: Context): void {
  const kind = ctx.kind;
  const sc = new CsvScanner(text);
  // Header: the first non-blank record.
  let haveHeader = false;
  while (sc.next()) {
    if (sc.openQuote()) break;
    if (!sc.blank()) {
      haveHeader = true;
      break;
    }
  }
  const open = sc.openQuote();
  if (open) {
    const u = open;
    ctx.add("INPUT_TRUNCATED", [kind], `the file ends inside a quoted header field opened on line ${u.line} (${JSON.stringify(u.excerpt)})`, u.line, u.excerpt);
    return;
  }
  if (!haveHeader) {
    ctx.add("INPUT_EMPTY", [kind], `the ${kind} file is empty; expected a CSV header row and ${kind === "members" ? "at least one member" : "orders"}`, 1);
    return;
  }
  const headerLine = sc.rowLine;
  const header = sc.cells.map((h) => h.trim());
  if (sc.junk !== undefined) {
    const column = header[sc.junkCell] ?? "";
    ctx.add("INPUT_MALFORMED", [kind, "header", column], `unexpected text ${JSON.stringify(cut(sc.junk))} after a closing quote in header column ${sc.junkCell + 1} ("${cut(column)}")`, headerLine, sc.junk);
  }
  const uses = planColumns(header, headerLine, ctx);
  const width = header.length;
  const fieldCols: Array<[number, string]> = [];
  const measureCols: Array<[number, string]> = [];
  const order: readonly string[] = kind === "members" ? MEMBER_COLUMNS : ORDER_COLUMNS;
  for (const f of order) {
    const i = uses.findIndex((u) => u !== null && "field" in u && u.field === f);
    if (i >= 0) fieldCols.push([i, f]);
  }
  uses.forEach((u, i) => {
    if (u !== null && "measure" in u) measureCols.push([i, u.measure]);
  });

  let index = 0;
  while (sc.next()) {
    const u = sc.openQuote();
    if (u) {
      ctx.add(
        "INPUT_TRUNCATED",
        [kind, index],
        `the file ends inside a quoted field opened on line ${u.line} (${JSON.stringify(u.excerpt)}); a closing " is missing`,
        u.line,
        u.excerpt,
      );
      return;
    }
    if (sc.blank()) continue;
    const cells = sc.cells;
    const line = sc.rowLine;
    if (sc.junk !== undefined) {
      ctx.add("INPUT_MALFORMED", [kind, index], `unexpected text ${JSON.stringify(cut(sc.junk))} after a closing quote (a " inside a quoted field is written "")`, line, sc.junk);
    }
    if (cells.length < width) {
      ctx.add(
        "INPUT_TRUNCATED",
        [kind, index],
        `row has ${cells.length} field${cells.length === 1 ? "" : "s"} but the header has ${width}; missing: ${list(header.slice(cells.length, cells.length + 11).map((name) => cut(name)))}`,
        line,
        cells.length,
      );
    } else if (cells.length > width) {
      ctx.add(
        "INPUT_MALFORMED",
        [kind, index],
        `row has ${cells.length} fields but the header has ${width}; the first extra field is ${JSON.stringify(excerpt(cells[width] ?? "", 0, (cells[width] ?? "").length, 40))} (quote fields that contain commas)`,
        line,
        cells.length,
      );
    }
    const rec: Record<string, unknown> = {};
    for (const [col, field] of fieldCols) {
      const v = cells[col];
      if (v !== undefined) rec[field] = v;
    }
    if (kind === "orders") {
      const volumes: Record<string, string> = {};
      // measureCols is in column order: stop at the end of a short row (wide headers stay linear).
      for (const [col, measure] of measureCols) {
        const v = cells[col];
        if (v === undefined) break;
        if (measure === "__proto__") Object.defineProperty(volumes, measure, { value: v, enumerable: true, writable: true, configurable: true });
        else volumes[measure] = v;
      }
      rec.volumes = volumes;
    }
    ctx.push(rec, line);
    index++;
  }
  if (index === 0 && kind === "members") {
    ctx.add("INPUT_EMPTY", [kind], "the members file has a header but no members", headerLine);
  }
}

/** Decides how each header column is used and reports missing, unknown, duplicate and unnamed columns. */
function planColumns(header: readonly string[], line: number, ctx: Context): ColumnUse[] {
  const kind = ctx.kind;
  const fields: readonly string[] = kind === "members" ? MEMBER_COLUMNS : ORDER_COLUMNS;
  const fieldSet = new Set(fields);
  const measures = ctx.measures === undefined ? undefined : new Set(ctx.measures);
  const seen = new Set<string>();
  const uses: ColumnUse[] = [];
  const byLowerCase = new Map<string, string>();
  for (const k of kind === "members" ? fields : [...fields, ...(measures ?? [])]) byLowerCase.set(k.toLowerCase(), k);
  const columnList = kind === "members" ? list(fields) : `${list(fields)} and the measures ${list([...(measures ?? [])]) || "(none)"}`;
  header.forEach((name, i) => {
    if (name === "") {
      ctx.add("INPUT_MALFORMED", [kind, "header", name], `column ${i + 1} of the header has no name`, line, name);
      uses.push(null);
      return;
    }
    if (seen.has(name)) {
      ctx.add("INPUT_MALFORMED", [kind, "header", name], `column "${cut(name)}" appears more than once in the header (column ${i + 1})`, line, name);
      uses.push(null);
      return;
    }
    seen.add(name);
    if (fieldSet.has(name)) uses.push({ field: name });
    else if (kind === "orders" && (measures === undefined || measures.has(name))) uses.push({ measure: name });
    else if (ctx.ignored?.has(name)) uses.push(null);
    else {
      const near = byLowerCase.get(name.toLowerCase());
      const hint = near !== undefined ? ` (did you mean "${near}"? names are case-sensitive)` : "";
      const skip = "; to skip it, name it in ignoreColumns (compplan run --ignore-columns)";
      ctx.add("INPUT_UNKNOWN_COLUMN", [kind, "header", name], `unknown column "${cut(name)}"${hint}; the ${kind} columns are ${columnList}${skip}`, line, name);
      uses.push(null);
    }
  });
  // A measure without a column counts 0 on every order, as one left out of a JSON order's volumes does.
  for (const name of kind === "members" ? fields.filter((f) => MEMBER_REQUIRED.has(f)) : fields) {
    if (!seen.has(name)) ctx.add("INPUT_MISSING_COLUMN", [kind, "header", name], `the header lacks the required column "${name}"`, line, name);
  }
  return uses;
}

// ---------------------------------------------------------------------------------------------------------
// JSON structure scanning

/** scanValue stopped at a comma outside any bracket. */
const STOP_COMMA = 1;
/** scanValue stopped at a `]` or `}` outside any bracket. */
const STOP_CLOSE = 2;
/** scanValue reached the limit with every bracket and string closed. */
const STOP_END = 3;
/** scanValue reached the limit inside a string or an open bracket. */
const STOP_OPEN = 4;
/** scanValue found a closing bracket that does not match the open one. */
const STOP_MISMATCH = 5;

/** The result of {@link scanValue}; one object reused by every call. */
const scanned = { stop: 0, end: 0, keys: 0, lines: 0 };

/**
 * Scans JSON text from `p` up to `limit`, tracking strings and brackets (but not checking tokens, which
 * JSON.parse does): finds where the value starting at `p` ends, counts object keys (strings followed by a
 * colon) and line feeds. Linear, and never recursive.
 */
function scanValue(text: string, p: number, limit: number): typeof scanned {
  const stack: number[] = [];
  let keys = 0;
  let lines = 0;
  let stop = STOP_END;
  while (p < limit) {
    const c = text.charCodeAt(p);
    if (c === QUOTE) {
      p++;
      let closed = false;
      while (p < limit) {
        const d = text.charCodeAt(p);
        if (d === QUOTE) {
          closed = true;
          break;
        }
        if (d === BACKSLASH) {
          if (p + 1 < limit && text.charCodeAt(p + 1) === LF) lines++;
          p += 2;
          continue;
        }
        if (d === LF) lines++;
        p++;
      }
      if (!closed) {
        p = limit;
        stop = STOP_OPEN;
        break;
      }
      p++;
      let q = p;
      while (q < limit && isJsonSpace(text.charCodeAt(q))) q++;
      if (q < limit && text.charCodeAt(q) === COLON) keys++;
    } else if (c === LBRACE || c === LBRACKET) {
      stack.push(c);
      p++;
    } else if (c === RBRACE || c === RBRACKET) {
      if (stack.length === 0) {
        stop = STOP_CLOSE;
        break;
      }
      if (stack.pop() !== (c === RBRACE ? LBRACE : LBRACKET)) {
        stop = STOP_MISMATCH;
        break;
      }
      p++;
    } else if (c === COMMA && stack.length === 0) {
      stop = STOP_COMMA;
      break;
    } else {
      if (c === LF) lines++;
      p++;
    }
  }
  if (stop === STOP_END && stack.length > 0) stop = STOP_OPEN;
  scanned.stop = stop;
  scanned.end = Math.min(p, limit);
  scanned.keys = keys;
  scanned.lines = lines;
  return scanned;
}

/**
 * The end (just after the closing quote) of the JSON string whose opening quote is at `p`, or -1 when the
 * text ends first. The string must not span lines for the caller's line count to stay right, and a valid
 * JSON string never does; an invalid one is rejected by JSON.parse.
 */
function stringEnd(text: string, p: number, limit: number): number {
  p++;
  while (p < limit) {
    const c = text.charCodeAt(p);
    if (c === QUOTE) return p + 1;
    p += c === BACKSLASH ? 2 : 1;
  }
  return -1;
}

/** The number of object keys in a parsed JSON value, counted without recursion. */
function countKeys(value: unknown): number {
  let count = 0;
  const todo: unknown[] = [value];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) for (const x of v) todo.push(x);
    else {
      const keys = Object.keys(v);
      count += keys.length;
      for (const k of keys) todo.push((v as Record<string, unknown>)[k]);
    }
  }
  return count;
}

/** The first key that appears twice in one object of `text[start, end)` (assumed valid JSON). */
function findDuplicateKey(text: string, start: number, end: number): string | undefined {
  const stack: Array<Set<string> | null> = [];
  let p = start;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c === QUOTE) {
      const s = p;
      p++;
      while (p < end && text.charCodeAt(p) !== QUOTE) p += text.charCodeAt(p) === BACKSLASH ? 2 : 1;
      p++;
      let q = p;
      while (q < end && isJsonSpace(text.charCodeAt(q))) q++;
      const top = stack[stack.length - 1];
      if (q < end && text.charCodeAt(q) === COLON && top) {
        const key = JSON.parse(text.slice(s, p)) as string;
        if (top.has(key)) return key;
        top.add(key);
      }
    } else {
      if (c === LBRACE) stack.push(new Set());
      else if (c === LBRACKET) stack.push(null);
      else if (c === RBRACE || c === RBRACKET) stack.pop();
      p++;
    }
  }
  return undefined;
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/** JSON.parse of `text[start, end)` that reports failure instead of throwing, including duplicate keys. */
function parseSlice(text: string, start: number, end: number, keys: number, lineBase: number): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end));
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error);
    // Positions in JSON.parse messages are relative to the slice: turn them into file lines.
    const at = /at position (\d+)/.exec(message);
    if (at) {
      const pos = Math.min(start + Number(at[1]), end);
      let line = lineBase;
      for (let i = start; i < pos; i++) if (text.charCodeAt(i) === LF) line++;
      message = `${message.slice(0, at.index)}on line ${line}${message.slice(at.index + at[0].length)}`;
    }
    return { ok: false, message };
  }
  if (keys !== countKeys(value)) {
    const dup = findDuplicateKey(text, start, end);
    return { ok: false, message: `the key ${JSON.stringify(cut(dup ?? "?"))} appears twice in one object` };
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------------------
// JSON

function readJson(text: string, ctx: Context): void {
  const kind = ctx.kind;
  const n = text.length;
  let p = text.charCodeAt(0) === BOM ? 1 : 0;
  let line = 1;
  const skipSpace = (): void => {
    for (; p < n; p++) {
      const c = text.charCodeAt(p);
      if (c === LF) line++;
      else if (c !== SPACE && c !== CR && c !== TAB) break;
    }
  };
  const shape = `a JSON array of ${kind} or an object {"${kind}": [...]}`;
  const endsEarly = (what: string): void =>
    ctx.add("INPUT_TRUNCATED", [kind], `the file ends before ${what}; it looks cut off`, line);
  const unexpected = (what: string): void => {
    const at = excerpt(text, p, Math.min(n, p + 20), 20);
    ctx.add("INPUT_MALFORMED", [kind], `expected ${what} but found ${JSON.stringify(at)} on line ${line}`, line, at);
  };

  skipSpace();
  if (p >= n) {
    ctx.add("INPUT_EMPTY", [kind], `the ${kind} file is empty; expected ${shape}`, 1);
    return;
  }
  const first = text.charCodeAt(p);
  if (first === LBRACKET) {
    if (!readArray()) return;
  } else if (first === LBRACE) {
    p++;
    skipSpace();
    if (p >= n) return endsEarly(`the object is complete`);
    if (text.charCodeAt(p) !== QUOTE) return unexpected(`"${kind}" as the only key of the object`);
    const keyEnd = stringEnd(text, p, n);
    if (keyEnd < 0) return endsEarly("the object's key is complete");
    let key: unknown;
    try {
      key = JSON.parse(text.slice(p, keyEnd));
    } catch {
      return unexpected(`"${kind}" as the only key of the object`);
    }
    if (key !== kind) {
      ctx.add("INPUT_MALFORMED", [kind], `expected ${shape}, but the object's key is ${JSON.stringify(typeof key === "string" ? cut(key) : key)}`, line, key);
      return;
    }
    p = keyEnd;
    skipSpace();
    if (p >= n) return endsEarly(`the value of "${kind}"`);
    if (text.charCodeAt(p) !== COLON) return unexpected(`: after "${kind}"`);
    p++;
    skipSpace();
    if (p >= n) return endsEarly(`the value of "${kind}"`);
    if (text.charCodeAt(p) !== LBRACKET) {
      const at = excerpt(text, p, Math.min(n, p + 20), 20);
      ctx.add("INPUT_MALFORMED", [kind], `the value of "${kind}" must be an array, but it starts with ${JSON.stringify(at)}`, line, at);
      return;
    }
    if (!readArray()) return;
    skipSpace();
    if (p >= n) return endsEarly("the closing } of the object");
    if (text.charCodeAt(p) === COMMA) {
      ctx.add("INPUT_MALFORMED", [kind], `the object must have "${kind}" as its only key, but another key follows on line ${line}`, line);
      return;
    }
    if (text.charCodeAt(p) !== RBRACE) return unexpected("the closing } of the object");
    p++;
  } else {
    return unexpected(shape);
  }
  skipSpace();
  if (p < n) unexpected("the end of the file");

  /** Reads the array at `p` (on its `[`); false when reading must stop. */
  function readArray(): boolean {
    const arrayLine = line;
    p++;
    skipSpace();
    if (p >= n) {
      endsEarly("the closing ] of the array");
      return false;
    }
    let index = 0;
    if (text.charCodeAt(p) === RBRACKET) {
      p++;
      if (kind === "members") ctx.add("INPUT_EMPTY", [kind], "the members array is empty", arrayLine);
      return true;
    }
    for (;;) {
      const start = p;
      const startLine = line;
      const s = scanValue(text, p, n);
      const { stop, end, keys } = s;
      line += s.lines;
      p = end;
      if (stop === STOP_MISMATCH) {
        ctx.add("INPUT_MALFORMED", [kind, index], `record ${index} is not valid JSON: a closing ${text.charAt(end)} on line ${line} does not match the bracket it closes`, startLine, excerpt(text, start, end));
        return false;
      }
      if (stop === STOP_OPEN) {
        ctx.add("INPUT_TRUNCATED", [kind, index], `the file ends inside record ${index}, which starts on line ${startLine}; it looks cut off`, startLine, excerpt(text, start, end));
        return false;
      }
      if (stop === STOP_END) {
        // The text ends without the closing ]. A record that closes itself is complete and kept.
        let last = end - 1;
        while (last > start && isJsonSpace(text.charCodeAt(last))) last--;
        const c = text.charCodeAt(last);
        const parsed = c === RBRACE || c === RBRACKET || c === QUOTE ? parseSlice(text, start, end, keys, startLine) : undefined;
        if (parsed?.ok) {
          ctx.push(parsed.value, startLine);
          endsEarly("the closing ] of the array");
        } else {
          ctx.add("INPUT_TRUNCATED", [kind, index], `the file ends inside record ${index}, which starts on line ${startLine}; it looks cut off`, startLine, excerpt(text, start, end));
        }
        return false;
      }
      if (stop === STOP_CLOSE && text.charCodeAt(end) === RBRACE) {
        ctx.add("INPUT_MALFORMED", [kind, index], `record ${index} is not valid JSON: an unexpected } on line ${line}`, startLine, excerpt(text, start, end));
        return false;
      }
      // stop is STOP_COMMA or STOP_CLOSE on "]": the element is text[start, end).
      let last = end;
      while (last > start && isJsonSpace(text.charCodeAt(last - 1))) last--;
      if (last === start) {
        const what = stop === STOP_COMMA ? "an extra comma" : "a trailing comma before ]";
        ctx.add("INPUT_MALFORMED", [kind, index], `${what} on line ${line}: record ${index} is missing`, line);
      } else {
        const parsed = parseSlice(text, start, last, keys, startLine);
        if (parsed.ok) ctx.push(parsed.value, startLine);
        else {
          const value = excerpt(text, start, last);
          ctx.add("INPUT_MALFORMED", [kind, index], `record ${index} (line ${startLine}) is not valid JSON: ${parsed.message}`, startLine, value);
        }
      }
      index++;
      p = end + 1;
      if (stop === STOP_CLOSE) return true;
      skipSpace();
      if (p >= n) {
        endsEarly("the closing ] of the array");
        return false;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// NDJSON

function readNdjson(text: string, ctx: Context): void {
  const kind = ctx.kind;
  const n = text.length;
  let p = text.charCodeAt(0) === BOM ? 1 : 0;
  let line = 1;
  let index = 0;
  for (; p < n; line++) {
    const nl = text.indexOf("\n", p);
    const end = nl < 0 ? n : nl;
    let start = p;
    p = end + 1;
    let stop = end;
    while (start < stop && isJsonSpace(text.charCodeAt(start))) start++;
    while (stop > start && isJsonSpace(text.charCodeAt(stop - 1))) stop--;
    if (start === stop) continue;
    const s = scanValue(text, start, stop);
    const open = s.stop === STOP_OPEN;
    // A line with a string or bracket left open cannot be valid JSON: no need to ask JSON.parse.
    const parsed: Parsed = open
      ? { ok: false, message: "a string or bracket is not closed by the end of the line" }
      : parseSlice(text, start, stop, s.keys, line);
    if (parsed.ok) ctx.push(parsed.value, line);
    else if (nl < 0 && open) {
      ctx.add("INPUT_TRUNCATED", [kind, index], `the last line ${line} ends in the middle of a record; the file looks cut off`, line, excerpt(text, start, stop));
    } else {
      ctx.add("INPUT_MALFORMED", [kind, index], `line ${line} is not a valid JSON record: ${parsed.message}`, line, excerpt(text, start, stop));
    }
    index++;
  }
  if (index === 0) ctx.add("INPUT_EMPTY", [kind], `the ${kind} file is empty; expected one JSON record per line`, 1);
}
