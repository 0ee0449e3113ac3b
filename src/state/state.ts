/**
 * State between periods (docs/state.md): the fields a plan keeps, the state file's canonical NDJSON, reading
 * it with a coded issue for every problem, resolving it against a run's plan, period and members, and
 * writing a run's closing state. Values are kept per field in typed arrays by member index: volumes in
 * volume units (10^-4), counts as integers, ranks as rank indices (-1 for none).
 */
import { CompplanError, type Issue, type IssueCode, issue } from "../errors/issues.js";
import { VOLUME_SCALE, formatFixed, formatVolume, parseUnits } from "../money/decimal.js";
import { canonicalJson } from "../statement/canonical.js";
import { type Genealogy, rowsById } from "../genealogy/genealogy.js";
import { type ByteTexts, compareBytes } from "../input/text-list.js";
import { bytesBehind, positionIn } from "../input/text-order.js";
import { MAX_BYTES, type Piece, isPieceAt, piece, putPiece, putWhole, sourceOf } from "../audit/canonical-rows.js";
import type { Period } from "../run/period.js";
import { addDays, dateOf, dayNumberOf, isIsoDate, safeParsePeriod } from "../run/period.js";
import { cut } from "../input/read.js";

/** The format line of a state file's header. */
export const STATE_FORMAT = "compplan-state/1";

/** The kind of a state field's values: a volume, an amount of money, a count, a rank of the plan's ladder, or a day. */
export type StateFieldKind = "volume" | "money" | "count" | "rank" | "day";

/** The kinds, in the order docs/state.md lists them. */
const KINDS: readonly StateFieldKind[] = ["volume", "money", "count", "rank", "day"];

const VOLUME = 0;
const COUNT = 2;
const RANK = 3;
/** A code per kind, for the loops over rows (its index in {@link KINDS}). */
const KIND_CODE: Record<StateFieldKind, number> = { volume: VOLUME, money: 1, count: COUNT, rank: RANK, day: 4 };

/**
 * One field of the state a plan keeps (docs/state.md "When a plan keeps state"): per member, or one value
 * for the whole company (`scope: "company"`, e.g. a pool's fund carried to the next period).
 */
export interface StateField {
  readonly name: string;
  readonly kind: StateFieldKind;
  readonly scope?: "company";
}

/** A state row for a member the members file does not have, kept as read (`state.unknownMembers: carry`). */
interface CarriedRow {
  readonly id: string;
  readonly line: string;
}

/**
 * A state file as read (docs/state.md "The state file"), before it meets a plan: its header and its rows,
 * each value in the internal unit of its kind (ranks still by name). Made by {@link safeParseState}.
 */
export interface StateInput {
  /** The period the state closes. */
  readonly period: string;
  /** The fingerprint of the plan that wrote it. */
  readonly plan: string;
  readonly fields: readonly StateField[];
  /** Member ids, ascending (UTF-16 code unit order). */
  readonly ids: readonly string[];
  /**
   * Per field, per row: the value (volume units, a count), or for a rank, money or day field its text;
   * undefined when initial. A company field has no rows (see `company`).
   */
  readonly values: readonly (readonly (number | string | undefined)[])[];
  /** Per field: a company field's value as {@link StateInput.values} holds them (undefined when initial or not a company field). */
  readonly company: readonly (number | string | undefined)[];
  /** The canonical line of each row, and where it was read. */
  readonly lines: readonly string[];
  readonly lineNumbers: readonly number[];
  readonly file?: string;
}

/** @internal A state resolved against a run: one column per field over member indices, initial values filled in. */
export interface StateColumns {
  readonly fields: readonly StateField[];
  /**
   * Per field, per member index (one value for a company field): volume units, money units (10^-scale),
   * a count, a rank index (-1 for none), or a day (days from 1970-01-01, NaN for none).
   */
  readonly columns: readonly Float64Array[];
  /** Rows for members not in the members file, carried unchanged (`state.unknownMembers: carry`), by id. */
  readonly carried: readonly CarriedRow[];
}

/** What resolving a state needs to know about the plan. */
export interface StatePlan {
  readonly fields: readonly StateField[];
  readonly rankNames: readonly string[];
  readonly unknownMembers: "error" | "carry";
  /** The plan's money scale (money fields). */
  readonly moneyScale: number;
}

/**
 * The largest volume a state value may hold, in units: the most a run computes exactly (every measure's
 * total over all members stays within it), so a run never writes a state the next one cannot read. An
 * accumulated measure since joining may grow beyond an order's limit.
 */
const VOLUME_LIMIT = BigInt(Number.MAX_SAFE_INTEGER);
const COUNT_MAX = 1_000_000_000;

/** The initial value of a field's kind, internally: 0, none (-1) for a rank, none (NaN) for a day. */
export function initialValue(kind: StateFieldKind): number {
  return kind === "rank" ? -1 : kind === "day" ? Number.NaN : 0;
}

/** @internal The columns of `fields` at their initial values: one value per member, one for a company field. */
export function initialColumns(fields: readonly StateField[], members: number): Float64Array[] {
  return fields.map((f) => new Float64Array(length(f, members)).fill(initialValue(f.kind)));
}

/** @internal The column of field `name` in `state`, or undefined when it keeps no such field. */
export function stateColumn(state: StateColumns, name: string): Float64Array | undefined {
  const k = state.fields.findIndex((f) => f.name === name);
  return k < 0 ? undefined : state.columns[k];
}

/** Whether `v` is the initial value of `kind`. */
function isInitial(kind: StateFieldKind, v: number): boolean {
  return kind === "day" ? Number.isNaN(v) : v === initialValue(kind);
}

/** A field's descriptor in the header: `{ kind, name }`, with `scope` for a company field. */
function descriptor(f: StateField): Record<string, string> {
  return { kind: f.kind, name: f.name, ...(f.scope !== undefined ? { scope: f.scope } : {}) };
}

/** A column count for a field: one value for a company field, one per member otherwise. */
function length(f: StateField, members: number): number {
  return f.scope === "company" ? 1 : members;
}

/**
 * Reads a state file (docs/state.md "The state file"). Never throws: every problem is a coded issue with
 * the file, line and field, and nothing is returned then.
 *
 * @param text - the file's text
 * @param file - its name, for issues
 * @returns the state as read, or `STATE_MALFORMED` and `STATE_INVALID_VALUE` issues
 * @example
 * ```ts
 * const s = safeParseState(readFileSync("2026-09/state.ndjson", "utf8"), "2026-09/state.ndjson");
 * if (s.ok) calculate(plan, input, { state: s.value });
 * ```
 */
export function safeParseState(text: string, file?: string): { ok: true; value: StateInput } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const at = (code: IssueCode, line: number, path: (string | number)[], message: string, ...value: unknown[]) =>
    issues.push({ ...issue(code, ["state", ...path], message, ...value), ...(file !== undefined ? { file } : {}), line });
  if (typeof text !== "string") return { ok: false, issues: [issue("STATE_MALFORMED", ["state"], "a state file is text (canonical NDJSON)", text)] };
  if (text === "") {
    at("STATE_MALFORMED", 1, [], "the state file is empty: it starts with a header line");
    return { ok: false, issues };
  }
  if (text.charCodeAt(text.length - 1) !== 10) {
    let count = 1;
    for (let q = text.indexOf("\n"); q >= 0; q = text.indexOf("\n", q + 1)) count++;
    at("STATE_MALFORMED", count, [], "a state file ends with a line feed after its last line (it may be cut short)");
    return { ok: false, issues };
  }
  // Lines are read where they are in the text (no array of line strings): the header's line, then each row's.
  const headerEnd = text.indexOf("\n");
  // Rows are checked canonical by writing them back the way the writer does (set once the header is read).
  let canonicalRow: ((value: Record<string, unknown>) => string) | undefined;
  const parse = (k: number, line: string): Record<string, unknown> | undefined => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      at("STATE_MALFORMED", k + 1, [], "this line is not JSON", cut(line));
      return undefined;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      at("STATE_MALFORMED", k + 1, [], "each line of a state file is a JSON object", cut(line));
      return undefined;
    }
    let canonical: string | undefined;
    try {
      canonical = (canonicalRow ?? canonicalJson)(value as Record<string, unknown>);
    } catch {
      // A number too large for a double (1e400 reads as Infinity) has no canonical form.
      at("STATE_MALFORMED", k + 1, [], "this line holds a number too large to read exactly", cut(line));
      return undefined;
    }
    if (canonical !== line) {
      const hint = line.endsWith("\r") ? " (it ends with a carriage return: write the file with line feeds only)" : "";
      at("STATE_MALFORMED", k + 1, [], `this line is not canonical JSON (keys sorted, no spaces, no duplicate keys), as compplan writes it${hint}`, cut(line));
      return undefined;
    }
    return value as Record<string, unknown>;
  };
  const headerLine = text.slice(0, headerEnd);
  const header = parse(0, headerLine);
  if (header === undefined) return { ok: false, issues };
  const keys = Object.keys(header).join(",");
  if ((keys !== "fields,format,period,plan" && keys !== "company,fields,format,period,plan") || header.format !== STATE_FORMAT) {
    at("STATE_MALFORMED", 1, ["format"], `the first line is the header {"company":{…} (optional),"fields":[…],"format":"${STATE_FORMAT}","period":…,"plan":…}`, cut(headerLine));
    return { ok: false, issues };
  }
  const period = typeof header.period === "string" ? safeParsePeriod(header.period).period : undefined;
  if (period === undefined) at("STATE_MALFORMED", 1, ["period"], "the header's period is not a period (YYYY-MM, YYYY-Www or YYYY-MM-DD..YYYY-MM-DD)", header.period);
  if (typeof header.plan !== "string" || !/^sha256:[0-9a-f]{64}$/.test(header.plan)) at("STATE_MALFORMED", 1, ["plan"], "the header's plan is a fingerprint (sha256: and 64 hex digits)", header.plan);
  const fields: StateField[] = [];
  const names = new Set<string>();
  if (!Array.isArray(header.fields)) at("STATE_MALFORMED", 1, ["fields"], "the header's fields are a list of { name, kind }", header.fields);
  else
    header.fields.forEach((f: unknown, k) => {
      const d = f as StateField;
      const shape = typeof f === "object" && f !== null ? Object.keys(f).join(",") : "";
      const ok =
        (shape === "kind,name" || (shape === "kind,name,scope" && d.scope === "company")) && typeof d.name === "string" && d.name !== "" && KINDS.includes(d.kind);
      if (!ok || names.has(d.name) || d.name === "id") {
        at("STATE_MALFORMED", 1, ["fields", k], `each field is { "kind": ${KINDS.map((x) => `"${x}"`).join(" | ")}, "name": …, "scope": "company" (a company field only) }, named once (and not "id")`, f);
        return;
      }
      names.add(d.name);
      fields.push({ name: d.name, kind: d.kind, ...(d.scope !== undefined ? { scope: d.scope } : {}) });
    });
  const company: (number | string | undefined)[] = fields.map(() => undefined);
  if (header.company !== undefined) {
    const c = header.company;
    if (typeof c !== "object" || c === null || Array.isArray(c) || Object.keys(c).length === 0) at("STATE_MALFORMED", 1, ["company"], "the header's company is an object of company fields' values (left out when all are initial)", c);
    else
      for (const [name, raw] of Object.entries(c)) {
        const k = fields.findIndex((f) => f.name === name && f.scope === "company");
        if (k < 0) {
          at("STATE_INVALID_VALUE", 1, ["company", name], `"${cut(name)}" is not a company field of the header`, name);
          continue;
        }
        const value = readValue((fields[k] as StateField).kind, raw);
        if (typeof value === "object") at("STATE_INVALID_VALUE", 1, ["company", name], `${name}: ${value.problem}`, raw);
        else company[k] = value;
      }
  }
  if (issues.length > 0) return { ok: false, issues };
  const index = new Map(fields.map((f, k) => [f.name, k]));
  canonicalRow = rowWriter(fields);
  // Room for every line as a row (typed arrays made at their size); the rows kept are the first `count`.
  let room = 0;
  for (let q = text.indexOf("\n", headerEnd + 1); q >= 0; q = text.indexOf("\n", q + 1)) room++;
  const rows = new StateRows(text, fields.map((f) => f.kind), room);
  const reader = canonicalRowReader(rows, rowKeys(fields));
  let k = 1;
  // The rows are read a chunk of whole lines at a time, each chunk's text made into UTF-8 bytes in one
  // buffer used again for the next (see StateRows). Each line's place in the chunk's bytes (`start`,
  // `end`) and in the text (`lineStart`, `lineEnd`): the same places, but for the chunk's start, when the
  // chunk is ASCII.
  for (let chunk = headerEnd + 1; chunk < text.length; ) {
    let next = text.lastIndexOf("\n", chunk + CHUNK) + 1;
    if (next <= chunk) next = text.indexOf("\n", chunk) + 1;
    const size = rows.load(chunk, next);
    for (let start = 0, lineStart = chunk; start < size; k++) {
      const end = rows.chunk.indexOf(10, start);
      const lineEnd = rows.ascii ? chunk + end : text.indexOf("\n", lineStart);
      const from = lineStart;
      const r = rows.count;
      // Most rows are canonical and valid: read them without JSON.parse; any other goes the long way
      // below, which reports what is wrong with it.
      const quick = reader.read(r, start, end) && rows.followsPrevious(r);
      start = end + 1;
      lineStart = lineEnd + 1;
      if (quick) {
        rows.keepId(r);
        rows.keep(from);
        continue;
      }
      const row = parse(k, text.slice(from, lineEnd));
      if (row === undefined) continue;
      const rowId = row.id;
      if (typeof rowId !== "string" || rowId === "") {
        at("STATE_INVALID_VALUE", k + 1, ["id"], "each row has the member's id", rowId);
        continue;
      }
      const previous = r > 0 ? rows.id(r - 1) : undefined;
      if (previous !== undefined && !(previous < rowId)) {
        at("STATE_INVALID_VALUE", k + 1, ["id"], previous === rowId ? `member "${cut(rowId)}" has two rows` : `rows are sorted by member id: "${cut(rowId)}" comes before "${cut(previous)}"`, rowId);
        continue;
      }
      rows.clear(r);
      let bad = false;
      for (const name in row) {
        if (name === "id") continue;
        const raw = row[name];
        const f = index.get(name);
        if (f === undefined || (fields[f] as StateField).scope === "company") {
          at("STATE_INVALID_VALUE", k + 1, [name], `field "${cut(name)}" is not a member field of the header`, name);
          bad = true;
          continue;
        }
        const value = readValue((fields[f] as StateField).kind, raw);
        if (typeof value === "object") {
          at("STATE_INVALID_VALUE", k + 1, [name], `${name}: ${value.problem}`, raw);
          bad = true;
          continue;
        }
        rows.set(f, r, value);
      }
      if (bad) continue;
      rows.setId(r, rowId);
      rows.keep(from);
    }
    chunk = next;
  }
  if (issues.length > 0) return { ok: false, issues };
  let ids: string[] | undefined;
  let values: (number | string | undefined)[][] | undefined;
  let lines: string[] | undefined;
  let lineNumbers: number[] | undefined;
  const state: StateInput = {
    period: header.period as string,
    plan: header.plan as string,
    fields,
    // Made from the rows only when asked for: resolving the state against a run reads the rows themselves.
    get ids(): readonly string[] {
      ids ??= Array.from({ length: rows.count }, (_, r) => rows.id(r));
      return ids;
    },
    get values(): readonly (readonly (number | string | undefined)[])[] {
      values ??= fields.map((f, k) => Array.from({ length: rows.count }, (_, r) => rows.value(k, r)));
      return values;
    },
    company,
    get lines(): readonly string[] {
      lines ??= Array.from({ length: rows.count }, (_, r) => rows.lineText(r));
      return lines;
    },
    get lineNumbers(): readonly number[] {
      lineNumbers ??= Array.from({ length: rows.count }, (_, r) => rows.lineNumber(r));
      return lineNumbers;
    },
    ...(file !== undefined ? { file } : {}),
  };
  ROWS.set(state, rows);
  return { ok: true, value: state };
}

/** The rows of each state {@link safeParseState} made, as it read them. */
const ROWS = new WeakMap<StateInput, StateRows>();

/** The characters of a state file read at a time, about (whole lines; see StateRows). */
const CHUNK = 1 << 18;

/** Members whose state values are gathered at a time when writing a state (see {@link stateNdjsonOf}). */
const BLOCK = 1 << 14;

/** Rank names (and texts of other fields) looked for among a field's earlier ones: at most this many. */
const NAMES_SEARCHED = 256;

/**
 * The rows of a state as read, without a string or an object per row: a million rows are a few typed
 * arrays and their ids' bytes, not millions of strings and arrays the garbage collector must visit on
 * every collection while a chain of periods runs. {@link StateInput.ids}, `values`, `lines` and
 * `lineNumbers` are made from them only when asked for; {@link resolveState} reads them as they are. Row r
 * is the line that starts at `text[start[r]]`, line r + 2 of the file: a state is read only when every
 * line is a row (after the header).
 *
 * Rows are read from UTF-8 bytes, a chunk of whole lines at a time (`load`): reading a typed array is
 * several times faster than `charCodeAt`, and a key is compared four bytes at a time; one buffer of a
 * chunk's size, used again for each, costs less than bytes for the whole text (fresh memory is slow to
 * touch the first time) and stays in the cache while its rows are read. An id's bytes are kept: byte
 * order is the order of `<` for the ids the fast reader takes (without surrogates, UTF-8 keeps the order
 * of code points, which is that of UTF-16 code units below U+D800 and from U+E000 to U+FFFF alike).
 */
class StateRows {
  count = 0;
  /** The bytes of the chunk being read, from 0; a DataView of them; whether the chunk is ASCII (then byte q is the chunk's character q). */
  chunk = Buffer.allocUnsafe(0);
  view = new DataView(this.chunk.buffer, this.chunk.byteOffset, this.chunk.length);
  ascii = true;
  /**
   * The first byte the fast reader does not take within a string: non-ASCII bytes are taken only from a
   * chunk without surrogates (whose bytes give back the same text; a lone surrogate does not survive UTF-8).
   */
  limit = 0x80;
  /** Where the chunk's row being read has its id (set by the reader). */
  idFrom = 0;
  idTo = 0;
  /** Row r's id is `ids[idStart[r], idEnd[r])`, or `odd.get(r)` when idStart[r] is -1 (an id written with escapes, or not from a file). */
  private ids: Buffer;
  private idsUsed = 0;
  readonly idStart: Int32Array;
  readonly idEnd: Int32Array;
  readonly odd = new Map<number, string>();
  /**
   * Per field, per row: a volume in units or a count; for a rank, money or day field the index of the
   * value's text in `texts[field]`. NaN when the row leaves the field out (initial).
   */
  readonly values: Float64Array[];
  readonly texts: string[][];
  /** Per rank field: the UTF-8 bytes of each of its texts, to find a name read before. */
  readonly textBytes: Uint8Array[][];
  readonly start: Int32Array;
  /** A state not read from a file (see {@link rowsOf}): its lines as given. */
  given?: { readonly lines: readonly string[]; readonly lineNumbers: readonly number[] };

  constructor(
    readonly text: string,
    readonly kinds: readonly StateFieldKind[],
    room: number,
  ) {
    this.ids = Buffer.allocUnsafe(Math.max(64, 12 * room));
    this.idStart = new Int32Array(room);
    this.idEnd = new Int32Array(room);
    // Initial (NaN) until a row sets a value: a row read the long way is cleared first, as the fast reader
    // may have set some of its values before it gave up.
    this.values = kinds.map(() => new Float64Array(room).fill(Number.NaN));
    this.texts = kinds.map(() => []);
    this.textBytes = kinds.map(() => []);
    this.start = new Int32Array(room);
  }

  /** Makes `text[from, to)` (whole lines) the chunk; returns its size in bytes. */
  load(from: number, to: number): number {
    const piece = this.text.slice(from, to);
    // At most three UTF-8 bytes per UTF-16 code unit.
    if (3 * piece.length > this.chunk.length) {
      this.chunk = Buffer.allocUnsafe(3 * piece.length);
      this.view = new DataView(this.chunk.buffer, this.chunk.byteOffset, this.chunk.length);
    }
    const size = this.chunk.write(piece, 0, "utf8");
    this.ascii = size === piece.length;
    this.limit = this.ascii || /[\ud800-\udfff]/.test(piece) ? 0x80 : 0xf0;
    return size;
  }

  /** Sets every field of row r to initial (left out). */
  clear(r: number): void {
    const values = this.values;
    for (let f = 0; f < values.length; f++) (values[f] as Float64Array)[r] = Number.NaN;
  }

  /** Sets field f of row r to a value as {@link readValue} gives it. */
  set(f: number, r: number, value: number | string): void {
    (this.values[f] as Float64Array)[r] = typeof value === "number" ? value : this.textCode(f, value);
  }

  /** The index of `value` among field f's texts: a rank name seen before keeps its index. */
  textCode(f: number, value: string): number {
    const texts = this.texts[f] as string[];
    if (this.kinds[f] !== "rank") return texts.push(value) - 1;
    for (let c = 0; c < Math.min(texts.length, NAMES_SEARCHED); c++) if (texts[c] === value) return c;
    (this.textBytes[f] as Uint8Array[]).push(Buffer.from(value, "utf8"));
    return texts.push(value) - 1;
  }

  /** The index of the rank name `chunk[s, e)` among field f's texts (a new one added). */
  nameAt(f: number, s: number, e: number): number {
    const bytes = this.chunk;
    const names = this.textBytes[f] as Uint8Array[];
    const searched = Math.min(names.length, NAMES_SEARCHED);
    for (let c = 0; c < searched; c++) {
      const name = names[c] as Uint8Array;
      if (name.length !== e - s) continue;
      let q = 0;
      while (q < name.length && name[q] === bytes[s + q]) q++;
      if (q === name.length) return c;
    }
    names.push(Buffer.from(bytes.subarray(s, e)));
    return (this.texts[f] as string[]).push(bytes.toString("utf8", s, e)) - 1;
  }

  /** Whether the id of the row being read (`chunk[idFrom, idTo)`) comes after row r - 1's, as rows must. */
  followsPrevious(r: number): boolean {
    if (r === 0) return true;
    const s = this.idStart[r - 1] as number;
    if (s < 0) return (this.odd.get(r - 1) as string) < this.chunk.toString("utf8", this.idFrom, this.idTo);
    return compareBytes(this.ids, s, this.idEnd[r - 1] as number, this.chunk, this.idFrom, this.idTo) < 0;
  }

  /** Keeps the id of the row being read as row r's. */
  keepId(r: number): void {
    const from = this.idFrom;
    const to = this.idTo;
    let at = this.idsUsed;
    if (at + to - from > this.ids.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.ids.length, at + to - from));
      this.ids.copy(bigger, 0, 0, at);
      this.ids = bigger;
    }
    const ids = this.ids;
    const chunk = this.chunk;
    this.idStart[r] = at;
    for (let q = from; q < to; q++) ids[at++] = chunk[q] as number;
    this.idEnd[r] = at;
    this.idsUsed = at;
  }

  /** Sets row r's id to a string (an id the fast reader did not take). */
  setId(r: number, id: string): void {
    this.idStart[r] = -1;
    this.odd.set(r, id);
  }

  /** Keeps row `count` (its values and id set), the line from `text[start]`. */
  keep(start: number): void {
    this.start[this.count++] = start;
  }

  /** Row r's id. */
  id(r: number): string {
    const s = this.idStart[r] as number;
    return s < 0 ? (this.odd.get(r) as string) : this.ids.toString("utf8", s, this.idEnd[r]);
  }

  /** Compares member `i` of `list` with row r's id, kept as bytes (not an id read the long way): negative when the member's comes first. */
  compareId(list: ByteTexts, i: number, r: number): number {
    return list.compareBytes(i, this.ids, this.idStart[r] as number, this.idEnd[r] as number);
  }

  /** Field f's value of row r as {@link StateInput.values} holds it. */
  value(f: number, r: number): number | string | undefined {
    const v = (this.values[f] as Float64Array)[r] as number;
    if (v !== v) return undefined;
    const kind = this.kinds[f];
    return kind === "volume" || kind === "count" ? v : (this.texts[f] as string[])[v];
  }

  /** Row r's canonical line. */
  lineText(r: number): string {
    if (this.given !== undefined) return this.given.lines[r] as string;
    const start = this.start[r] as number;
    return this.text.slice(start, this.text.indexOf("\n", start));
  }

  /** Row r's line number in the file. */
  lineNumber(r: number): number {
    return this.given !== undefined ? (this.given.lineNumbers[r] as number) : r + 2;
  }
}

/**
 * The rows of a {@link StateInput} that {@link safeParseState} did not make (built by hand from the
 * documented fields), as {@link resolveState} reads rows: every id a string, the lines as given.
 */
function rowsOf(state: StateInput): StateRows {
  const rows = new StateRows("", state.fields.map((f) => f.kind), state.ids.length);
  rows.given = { lines: state.lines, lineNumbers: state.lineNumbers };
  state.ids.forEach((id, r) => {
    state.fields.forEach((_, f) => {
      const v = state.values[f]?.[r];
      if (v !== undefined) rows.set(f, r, v);
    });
    rows.setId(r, id);
    rows.keep(0);
  });
  return rows;
}

/** Where the digits from `q` end (at most at `e`). */
function digitsEnd(bytes: Uint8Array, q: number, e: number): number {
  while (q < e && (bytes[q] as number) >= 48 && (bytes[q] as number) <= 57) q++;
  return q;
}

/** The whole number the digits `bytes[s, e)` write (exact up to 15 digits). */
function wholeOf(bytes: Uint8Array, s: number, e: number): number {
  let x = 0;
  for (let q = s; q < e; q++) x = x * 10 + ((bytes[q] as number) - 48);
  return x;
}

/**
 * The volume `bytes[s, e)` in units when it is a volume in its shortest form that the reader takes without
 * BigInt (a non-zero decimal, at most 11 whole digits and 4 places, no trailing zero); else undefined, and
 * {@link readValue} decides (the same value for every text this accepts).
 */
function quickVolume(bytes: Uint8Array, s: number, e: number): number | undefined {
  let q = s;
  const neg = bytes[q] === 45;
  if (neg) q++;
  const wholeStart = q;
  q = digitsEnd(bytes, q, e);
  const digits = q - wholeStart;
  if (digits === 0 || digits > 11 || (digits > 1 && bytes[wholeStart] === 48)) return undefined;
  let frac = 0;
  if (q < e) {
    if (bytes[q] !== 46 || e - q - 1 < 1 || e - q - 1 > 4 || bytes[e - 1] === 48) return undefined;
    let scale = 1000;
    for (q++; q < e; q++, scale /= 10) {
      const c = bytes[q] as number;
      if (c < 48 || c > 57) return undefined;
      frac += (c - 48) * scale;
    }
  }
  const units = wholeOf(bytes, wholeStart, wholeStart + digits) * 10_000 + frac;
  if (units === 0) return undefined;
  return neg ? -units : units;
}

/**
 * A reader of state rows without JSON.parse, for lines that are canonical (keys in canonical order, each
 * once, plain strings, whole numbers without leading zeros) with a non-empty id and valid values: `read`
 * sets row r of `rows` from the line `bytes[start, end)` (its values, and where its id is) and gives true,
 * or gives false, and the row is read the long way (the same values for every line this accepts). No
 * string is made per row: a rank name is looked for among the names read before.
 */
function canonicalRowReader(rows: StateRows, keys: readonly { key: string; k: number }[]) {
  const columns = rows.values;
  const kinds = rows.kinds;
  const keyField = Int32Array.from(keys, ({ k }) => k);
  // Each key (quoted, with its colon) as bytes, with and without the comma before it.
  const first = keys.map(({ key }) => piece(key));
  const next = keys.map(({ key }) => piece(`,${key}`));
  const read = (r: number, start: number, end: number): boolean => {
    const bytes = rows.chunk;
    const view = rows.view;
    const limit = rows.limit;
    const last = end - 1;
    if (bytes[start] !== 123 || bytes[last] !== 125) return false;
    let pos = start + 1;
    let id = false;
    for (let j = 0; j < keyField.length; j++) {
      if (pos >= last) break;
      const key = (pos > start + 1 ? next[j] : first[j]) as Piece;
      if (pos + key.bytes.length > last || !isPieceAt(bytes, view, pos, key)) {
        // A key left out (initial), or not a canonical line: the next key must be here, or the line's end.
        continue;
      }
      const k = keyField[j] as number;
      pos += key.bytes.length;
      const kind = k < 0 ? undefined : (kinds[k] as StateFieldKind);
      if (bytes[pos] === 34) {
        // The closing quote, with only plain characters before it.
        let close = pos + 1;
        for (; close < last; close++) {
          const c = bytes[close] as number;
          if (c === 0x22) break;
          if (c < 0x20 || c === 0x5c || c >= limit) return false;
        }
        if (close >= last) return false;
        const s = pos + 1;
        pos = close + 1;
        if (kind === undefined) {
          if (close === s) return false;
          rows.idFrom = s;
          rows.idTo = close;
          id = true;
          continue;
        }
        if (kind === "rank") {
          if (close === s) return false;
          (columns[k] as Float64Array)[r] = rows.nameAt(k, s, close);
          continue;
        }
        const quick = kind === "volume" ? quickVolume(bytes, s, close) : undefined;
        if (quick !== undefined) {
          (columns[k] as Float64Array)[r] = quick;
          continue;
        }
        const value = readValue(kind, bytes.toString("utf8", s, close));
        if (typeof value === "object") return false;
        rows.set(k, r, value);
      } else {
        const s = pos;
        const digit = bytes[pos] as number;
        if (digit < 49 || digit > 57) return false;
        pos = digitsEnd(bytes, pos, last);
        if (kind === undefined) return false;
        const value = readValue(kind, pos - s > 15 ? Number(bytes.toString("latin1", s, pos)) : wholeOf(bytes, s, pos));
        if (typeof value === "object") return false;
        rows.set(k, r, value);
      }
    }
    return pos === last && id;
  };
  return { read };
}

/**
 * The canonical line of a parsed state row whose keys are all "id" or fields and whose values are strings
 * or finite numbers: the same text {@link canonicalJson} gives, without sorting keys per row. Any other row
 * goes to canonicalJson itself.
 */
function rowWriter(fields: readonly StateField[]): (row: Record<string, unknown>) => string {
  const keys = rowKeys(fields);
  const names = keys.map(({ key }) => JSON.parse(key.slice(0, -1)) as string);
  const known = new Set(names);
  return (row) => {
    let count = 0;
    for (const name in row) {
      const v = row[name];
      if (!known.has(name) || !(typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))) return canonicalJson(row);
      count++;
    }
    let line = "{";
    for (let j = 0; j < keys.length && count > 0; j++) {
      const v = row[names[j] as string];
      if (v === undefined) continue;
      line += (line.length > 1 ? "," : "") + (keys[j] as { key: string }).key + JSON.stringify(v);
      count--;
    }
    return `${line}}`;
  };
}

/** A value of `kind` as written in the file, in its internal unit (a rank by name), or the problem with it. */
function readValue(kind: StateFieldKind, raw: unknown): number | string | { problem: string } {
  if (kind === "count") {
    if (typeof raw !== "number" || !Number.isSafeInteger(raw) || raw < 1 || raw > COUNT_MAX) return { problem: `a count is a whole number 1 to ${COUNT_MAX} (0 is left out)` };
    return raw;
  }
  if (kind === "rank") {
    if (typeof raw !== "string" || raw === "") return { problem: "a rank is the rank's name (none is left out)" };
    return raw;
  }
  if (kind === "day") {
    if (!isIsoDate(raw)) return { problem: "a day is a date YYYY-MM-DD (none is left out)" };
    return raw;
  }
  if (kind === "money") {
    // Checked against the plan's money scale when the state meets the plan.
    if (typeof raw !== "string" || !/^-?(0|[1-9][0-9]*)\.?[0-9]*$/.test(raw) || typeof parseUnits(raw, 4) !== "bigint" || parseUnits(raw, 4) === 0n) return { problem: 'an amount is a non-zero exact decimal string, e.g. "12.50" (0 is left out)' };
    return raw;
  }
  if (typeof raw !== "string") return { problem: 'a volume is an exact decimal string, e.g. "1200.5"' };
  const units = parseUnits(raw, VOLUME_SCALE);
  if (typeof units !== "bigint" || units === 0n || formatVolume(units) !== raw) return { problem: `a volume is a non-zero decimal in its shortest form with at most ${VOLUME_SCALE} places (0 is left out)` };
  if (units > VOLUME_LIMIT || units < -VOLUME_LIMIT) return { problem: `a volume is at most ${formatVolume(Number(VOLUME_LIMIT))} in size (the most computed exactly)` };
  return Number(units);
}

/** The period just before `period`, by days: the one whose last day is the day before its first. */
function follows(previous: Period, period: Period): boolean {
  return addDays(previous.end, 1) === period.start;
}

/**
 * @internal Resolves a state read from a file against a run (docs/state.md "Bad state"): its period, fields,
 * ranks and members. Returns the opening columns, or the issues.
 */
export function resolveState(state: StateInput, plan: StatePlan, period: Period, g: Genealogy): { columns?: StateColumns; issues: Issue[] } {
  const issues: Issue[] = [];
  const loc = (line: number) => ({ ...(state.file !== undefined ? { file: state.file } : {}), line });
  const statePeriod = safeParsePeriod(state.period).period as Period;
  if (!follows(statePeriod, period)) {
    issues.push({ ...issue("STATE_PERIOD", ["state", "period"], `the state closes ${state.period} (${statePeriod.start} to ${statePeriod.end}); a run of ${period.id} needs the state of the period ending ${addDays(period.start, -1)}`, state.period), ...loc(1) });
    return { issues };
  }
  const key = (f: StateField) => `${f.name} (${f.kind}${f.scope === "company" ? ", company" : ""})`;
  const wanted = plan.fields.map(key);
  const have = state.fields.map(key);
  if (wanted.join("\n") !== have.join("\n")) {
    const missing = wanted.filter((x) => !have.includes(x));
    const extra = have.filter((x) => !wanted.includes(x));
    const parts = [
      missing.length > 0 ? `the plan keeps ${missing.join(", ")}, which the state lacks` : "",
      extra.length > 0 ? `the state has ${extra.join(", ")}, which the plan does not keep` : "",
      missing.length + extra.length === 0 ? "the same fields in another order" : "",
    ].filter((p) => p !== "");
    issues.push({ ...issue("STATE_FIELDS", ["state", "fields"], `the state's fields differ from the plan's: ${parts.join("; ")}; migrate the state (see docs/state.md)`, have), ...loc(1) });
    return { issues };
  }
  const n = g.size;
  const columns = initialColumns(plan.fields, n);
  const rankIndex = new Map(plan.rankNames.map((name, r) => [name, r]));
  const carried: CarriedRow[] = [];
  /** A value as read, in the field's internal unit for this plan, or undefined after an issue. */
  const internal = (f: StateField, v: number | string, path: (string | number)[], line: number): number | undefined => {
    const bad = (message: string) => {
      issues.push({ ...issue("STATE_INVALID_VALUE", ["state", ...path], `${f.name}: ${message}`, v), ...loc(line) });
      return undefined;
    };
    if (f.kind === "rank") return rankIndex.get(v as string) ?? bad(`"${cut(v as string)}" is not a rank of the plan (ranks: ${plan.rankNames.join(", ") || "none"})`);
    if (f.kind === "day") return dayNumberOf(v as string);
    if (f.kind === "money") {
      const units = parseUnits(v as string, plan.moneyScale);
      if (typeof units !== "bigint" || formatFixed(units, plan.moneyScale) !== v) return bad(`an amount is written with exactly the plan's ${plan.moneyScale} decimal places`);
      if (units > VOLUME_LIMIT || units < -VOLUME_LIMIT) return bad("the amount is beyond the exact range");
      return Number(units);
    }
    return v as number;
  };
  plan.fields.forEach((f, k) => {
    const v = state.company[k];
    if (f.scope !== "company" || v === undefined) return;
    const x = internal(f, v, ["company", f.name], 1);
    if (x !== undefined) (columns[k] as Float64Array)[0] = x;
  });
  const parsed = ROWS.get(state);
  const rows = parsed ?? rowsOf(state);
  const memberOf = parsed !== undefined ? membersAlongside(rows, g) : membersByLookup(rows, g);
  // Member fields only, each with its values as read and its column; volumes and counts are read in their
  // internal unit already, a rank's name is looked up once per name (-1: not a rank of the plan, an issue
  // below), the other kinds need the plan.
  const member = plan.fields.flatMap((f, k) => {
    if (f.scope === "company") return [];
    const rank = Int32Array.from(f.kind === "rank" ? (rows.texts[k] as string[]) : [], (name) => rankIndex.get(name) ?? -1);
    return [{ f, k, read: rows.values[k] as Float64Array, column: columns[k] as Float64Array, kind: KIND_CODE[f.kind], rank }];
  });
  // Values that cannot be wrong here (volumes, counts, ranks of the plan) go to their members' places, at
  // random in the columns, by one short loop per field: many writes in flight at once.
  for (const { read, column, kind, rank } of member) {
    if (kind !== VOLUME && kind !== COUNT && kind !== RANK) continue;
    for (let row = 0; row < rows.count; row++) {
      const i = memberOf[row] as number;
      const v = read[row] as number;
      if (i < 0 || v !== v) continue;
      if (kind !== RANK) column[i] = v;
      else if ((rank[v] as number) >= 0) column[i] = rank[v] as number;
    }
  }
  // Then, row by row, what may be an issue (reported in the order of the rows): members not in the
  // members file, rank names the plan does not have, amounts and days.
  const checked = member.filter(({ kind }) => kind !== VOLUME && kind !== COUNT);
  for (let row = 0; row < rows.count; row++) {
    const i = memberOf[row] as number;
    if (i < 0) {
      const id = rows.id(row);
      if (plan.unknownMembers === "carry") carried.push({ id, line: rows.lineText(row) });
      else issues.push({ ...issue("STATE_UNKNOWN_MEMBER", ["state", "id"], `the state has a row for "${cut(id)}", who is not in the members file (state.unknownMembers: carry keeps such rows)`, id), ...loc(rows.lineNumber(row)) });
      continue;
    }
    for (let m = 0; m < checked.length; m++) {
      const { f, k, read, column, kind, rank } = checked[m] as (typeof checked)[number];
      const v = read[row] as number;
      if (v !== v || (kind === RANK && (rank[v] as number) >= 0)) continue;
      const x = internal(f, rows.value(k, row) as string, [f.name], rows.lineNumber(row));
      if (x !== undefined) column[i] = x;
    }
  }
  if (issues.length > 0) return { issues };
  return { columns: { fields: plan.fields, columns, carried }, issues };
}

/**
 * The member index of each row of a state read from a file (-1 for an id not in the members file), found
 * by walking the members in id order alongside the rows, which the reader checked are in id order too:
 * no hash lookup per row, both walks go forward through memory, and ids kept as bytes on both sides are
 * compared as they are.
 */
function membersAlongside(rows: StateRows, g: Genealogy): Int32Array {
  const out = new Int32Array(rows.count).fill(-1);
  // Input rows in id order (undefined: in order already).
  const byId = rowsById(g);
  const list = g.rowIds;
  const bytes = bytesBehind(list);
  const position = positionIn(list);
  const n = g.size;
  let q = 0;
  for (let r = 0; r < rows.count; r++) {
    // An id read the long way (escaped), or members' ids not kept as bytes: compared as strings.
    const id = (rows.idStart[r] as number) < 0 || bytes === undefined ? rows.id(r) : undefined;
    let c = 1;
    let input = 0;
    for (; q < n; q++) {
      input = byId === undefined ? q : (byId[q] as number);
      if (id === undefined) c = rows.compareId(bytes as ByteTexts, position(input), r);
      else {
        const other = list.at(input) as string;
        c = other < id ? -1 : other > id ? 1 : 0;
      }
      if (c >= 0) break;
    }
    if (c !== 0) continue;
    out[r] = g.memberOfRow[input] as number;
    q++;
  }
  return out;
}

/** The member index of each row of a state not read from a file (in any order), by id; -1 for an id not in the members file. */
function membersByLookup(rows: StateRows, g: Genealogy): Int32Array {
  return Int32Array.from({ length: rows.count }, (_, r) => g.indexOf.get(rows.id(r)) ?? -1);
}

/**
 * @internal A run's closing state as the bytes of state.ndjson (docs/state.md "The state file"): the header,
 * then one canonical line per member with a non-initial value and each carried row, sorted by id.
 */
export function stateNdjsonOf(closing: StateColumns, g: Genealogy, periodId: string, planFingerprint: string, rankNames: readonly string[], moneyScale: number): string {
  const fields = closing.fields;
  const columns = closing.columns;
  /** A value of a money or day field as its text in the file. */
  const text = (kind: StateFieldKind, v: number): string => (kind === "money" ? formatFixed(BigInt(v), moneyScale) : dateOf(v));
  const company: Record<string, string | number> = {};
  fields.forEach((f, k) => {
    const v = (columns[k] as Float64Array)[0] as number;
    if (f.scope !== "company" || isInitial(f.kind, v)) return;
    company[f.name] = f.kind === "volume" ? formatVolume(v) : f.kind === "rank" ? (rankNames[v] as string) : f.kind === "count" ? v : text(f.kind, v);
  });
  const header = canonicalJson({ ...(Object.keys(company).length > 0 ? { company } : {}), fields: fields.map(descriptor), format: STATE_FORMAT, period: periodId, plan: planFingerprint });
  const kinds = fields.map((f) => f.kind);
  // Each key of a row in canonical order with its colon, as bytes: `first` for a row's first key, `next`
  // with the comma before it for the others. The id's pieces end with the quote that opens it; a rank
  // field's pieces per rank hold the rank's quoted name too (one copy for key and value).
  const keyList = rowKeys(fields);
  const keyField = Int32Array.from(keyList, ({ k }) => k);
  const pieces = (value: string) => ({ first: keyList.map(({ key }) => piece(key + value)), next: keyList.map(({ key }) => piece(`,${key}${value}`)) });
  const keys = pieces("");
  const idKeys = pieces('"');
  const rankKeys = rankNames.map((name) => pieces(JSON.stringify(name)));
  const rankRoom = Math.max(2, ...rankNames.map((name) => Buffer.byteLength(JSON.stringify(name))));
  // The most bytes a row takes besides its id: braces, line feed, keys, and the longest value of each kind.
  const room = 4 + keyList.reduce((size, { k }, j) => size + (keys.next[j] as Piece).bytes.length + (k < 0 ? 2 : kinds[k] === "rank" ? rankRoom : kinds[k] === "count" ? 17 : 342), 0);
  const n = g.size;
  // Input rows in id order (undefined: in order already): the ids are read where they are stored, one
  // after another.
  const byId = rowsById(g);
  const ids = sourceOf(g.rowIds);
  // The member fields, their initial values and the code of each one's kind, for the loop over rows.
  const memberFields = Int32Array.from(fields.flatMap((f, k) => (f.scope === "company" ? [] : [k])));
  const kindCode = Int32Array.from(kinds, (kind) => KIND_CODE[kind]);
  const initial = Float64Array.from(kinds, initialValue);
  // One buffer for the whole file, as near its size as a count of the rows and their ids tells (growing it
  // copies, and each large buffer asks the garbage collector for a full collection of a large heap).
  let rows = 0;
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < memberFields.length; m++) {
      const k = memberFields[m] as number;
      const v = (columns[k] as Float64Array)[i] as number;
      if (v !== initial[k] && v === v) {
        rows++;
        break;
      }
    }
  }
  let idBytes = 0;
  let longestId = 0;
  for (let r = 0; r < n; r++) {
    const length = ids.len(r);
    idBytes += length;
    if (length > longestId) longestId = length;
  }
  // Room for any one row: checked once a row instead of a row's own length.
  const rowRoom = room + MAX_BYTES * longestId;
  const typical = 4 + Math.ceil(idBytes / n) + keyList.reduce((size, { k }, j) => size + (keys.next[j] as Piece).bytes.length + (k < 0 ? 2 : kinds[k] === "rank" ? rankRoom : kinds[k] === "count" ? 4 : 16), 0);
  let out = Buffer.allocUnsafe(Buffer.byteLength(header) + 1 + rows * typical + closing.carried.length * 64 + rowRoom);
  let view = new DataView(out.buffer, out.byteOffset, out.length);
  let at = out.write(`${header}\n`, 0, "utf8");
  const ensure = (need: number) => {
    if (at + need <= out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, at + need));
    out.copy(bigger, 0, 0, at);
    out = bigger;
    view = new DataView(out.buffer, out.byteOffset, out.length);
  };
  const putLine = (line: string) => {
    ensure(Buffer.byteLength(line) + 1);
    at += out.write(line, at, "utf8");
    out[at++] = 0x0a;
  };
  // The members in id order are at random places of the columns (members are numbered top-down): their
  // values are gathered a block at a time by short loops, which keep many reads in flight where the loop
  // writing rows would wait for each, and the rows are written from the gathered values. Carried rows (in
  // id order as read; never the id of a member in the file) are merged in.
  const member = new Int32Array(BLOCK);
  const gathered = fields.map(() => new Float64Array(0));
  for (const k of memberFields) gathered[k] = new Float64Array(BLOCK);
  const carried = closing.carried;
  let c = 0;
  for (let q0 = 0; q0 < n; q0 += BLOCK) {
    const size = Math.min(BLOCK, n - q0);
    for (let b = 0; b < size; b++) member[b] = g.memberOfRow[byId === undefined ? q0 + b : (byId[q0 + b] as number)] as number;
    for (const k of memberFields) {
      const from = columns[k] as Float64Array;
      const to = gathered[k] as Float64Array;
      for (let b = 0; b < size; b++) to[b] = from[member[b] as number] as number;
    }
    for (let b = 0; b < size; b++) {
      let any = false;
      for (let m = 0; m < memberFields.length && !any; m++) {
        const k = memberFields[m] as number;
        const v = (gathered[k] as Float64Array)[b] as number;
        any = v !== initial[k] && v === v;
      }
      if (!any) continue;
      const r = byId === undefined ? q0 + b : (byId[q0 + b] as number);
      if (c < carried.length) {
        const id = g.rowIds.at(r) as string;
        while (c < carried.length && (carried[c] as CarriedRow).id < id) putLine((carried[c++] as CarriedRow).line);
      }
      if (at + rowRoom > out.length) ensure(rowRoom);
      out[at++] = 0x7b;
      let first = true;
      for (let j = 0; j < keyField.length; j++) {
        const k = keyField[j] as number;
        if (k < 0) {
          at = putPiece(out, view, at, (first ? idKeys.first[j] : idKeys.next[j]) as Piece);
          at = ids.put(out, at, r);
          out[at++] = 0x22;
          first = false;
          continue;
        }
        const v = (gathered[k] as Float64Array)[b] as number;
        if (v === initial[k] || v !== v) continue;
        const kind = kindCode[k] as number;
        if (kind === RANK) {
          const rank = rankKeys[v] as (typeof rankKeys)[number];
          at = putPiece(out, view, at, (first ? rank.first[j] : rank.next[j]) as Piece);
          first = false;
          continue;
        }
        at = putPiece(out, view, at, (first ? keys.first[j] : keys.next[j]) as Piece);
        first = false;
        if (kind === COUNT) at = putWhole(out, at, v);
        else if (kind === VOLUME && Number.isSafeInteger(v)) {
          out[at++] = 0x22;
          at = putVolume(out, at, v);
          out[at++] = 0x22;
        } else {
          out[at++] = 0x22;
          at += out.write(kind === VOLUME ? formatVolume(v) : text(kinds[k] as StateFieldKind, v), at, "latin1");
          out[at++] = 0x22;
        }
      }
      out[at++] = 0x7d;
      out[at++] = 0x0a;
    }
  }
  while (c < carried.length) putLine((carried[c++] as CarriedRow).line);
  return out.toString("utf8", 0, at);
}

/** Writes a volume (a safe integer of units) as {@link formatVolume} writes it, at `at`; returns the end. */
function putVolume(out: Buffer, at: number, v: number): number {
  if (v < 0) {
    out[at++] = 0x2d;
    v = -v;
  }
  let whole = Math.floor(v / 10_000);
  let frac = v - whole * 10_000;
  // v / 10^4 may be off by one near a whole number in floating point: corrected with the exact remainder.
  if (frac < 0) {
    whole -= 1;
    frac += 10_000;
  } else if (frac >= 10_000) {
    whole += 1;
    frac -= 10_000;
  }
  at = putWhole(out, at, whole);
  if (frac === 0) return at;
  out[at++] = 0x2e;
  for (let d = 1000; frac > 0; d /= 10) {
    const digit = Math.floor(frac / d);
    out[at++] = 48 + digit;
    frac -= digit * d;
  }
  return at;
}

/**
 * The keys of a state row in canonical order (sorted as {@link canonicalJson} sorts them: "id" and the
 * field names), each quoted with its colon, and the field's index (-1 for "id").
 */
function rowKeys(fields: readonly StateField[]): { key: string; k: number }[] {
  // A company field is never a row's key (its value is in the header).
  const keys = [{ name: "id", k: -1 }, ...fields.flatMap((f, k) => (f.scope === "company" ? [] : [{ name: f.name, k }]))];
  keys.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return keys.map(({ name, k }) => ({ key: `${JSON.stringify(name)}:`, k }));
}

/**
 * @internal The bytes of the state file a {@link StateInput} was read from: the reader takes only canonical
 * lines, so the header and rows written back canonically are the file as it was.
 */
export function stateText(state: StateInput): string {
  const company: Record<string, string | number> = {};
  state.fields.forEach((f, k) => {
    const v = state.company[k];
    if (v === undefined) return;
    // Volumes are held in units; every other kind as written.
    company[f.name] = f.kind === "volume" ? formatVolume(v as number) : v;
  });
  const header = canonicalJson({ ...(Object.keys(company).length > 0 ? { company } : {}), fields: state.fields.map(descriptor), format: STATE_FORMAT, period: state.period, plan: state.plan });
  return `${header}\n${state.lines.map((l) => `${l}\n`).join("")}`;
}

/**
 * Reads a state file like {@link safeParseState}; throws {@link CompplanError} listing every issue.
 *
 * @param text - the file's text
 * @param file - its name, for issues
 * @returns the state as read
 * @throws CompplanError with `STATE_MALFORMED` and `STATE_INVALID_VALUE` issues
 * @example
 * ```ts
 * const run = calculate(plan, input, { state: parseState(readFileSync("2026-09/state.ndjson", "utf8")) });
 * ```
 */
export function parseState(text: string, file?: string): StateInput {
  const r = safeParseState(text, file);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}
