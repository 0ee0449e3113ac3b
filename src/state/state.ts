/**
 * State between periods (docs/state.md): the fields a plan keeps, the state file's canonical NDJSON, reading
 * it with a coded issue for every problem, resolving it against a run's plan, period and members, and
 * writing a run's closing state. Values are kept per field in typed arrays by member index: volumes in
 * volume units (10^-4), counts as integers, ranks as rank indices (-1 for none).
 */
import { CompplanError, type Issue, type IssueCode, issue } from "../errors/issues.js";
import { VOLUME_SCALE, formatFixed, formatVolume, parseUnits } from "../money/decimal.js";
import { canonicalJson } from "../statement/canonical.js";
import { type Genealogy, membersById } from "../genealogy/genealogy.js";
import { MAX_BYTES, putWhole, sourceOf } from "../audit/canonical-rows.js";
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
  // Room for every line as a row (lists made at their size grow no more); cut to the rows kept at the end.
  let rows = 0;
  for (let q = text.indexOf("\n", headerEnd + 1); q >= 0; q = text.indexOf("\n", q + 1)) rows++;
  const ids: string[] = new Array(rows);
  const values: (number | string | undefined)[][] = fields.map(() => new Array(rows));
  // Where each kept row's line is in the text (its string is made only when asked for).
  const starts = new Int32Array(rows);
  const ends = new Int32Array(rows);
  const numbers = new Int32Array(rows);
  let kept = 0;
  /** Keeps the row of line k + 1 at `text[lineStart, end)`. */
  const keep = (id: string, rowValues: readonly (number | string | undefined)[], lineStart: number, end: number, k: number) => {
    ids[kept] = id;
    for (let f = 0; f < fields.length; f++) (values[f] as (number | string | undefined)[])[kept] = rowValues[f];
    starts[kept] = lineStart;
    ends[kept] = end;
    numbers[kept++] = k + 1;
  };
  const rowKeyList = rowKeys(fields);
  const reader = canonicalRowReader(text, rowKeyList, fields);
  let k = 1;
  for (let start = headerEnd + 1; start < text.length; k++) {
    const end = text.indexOf("\n", start);
    const lineStart = start;
    start = end + 1;
    // Most rows are canonical and valid: read them without JSON.parse; any other goes the long way below,
    // which reports what is wrong with it.
    const id = reader.read(lineStart, end);
    if (id !== undefined && (kept === 0 || (ids[kept - 1] as string) < id)) {
      keep(id, reader.values, lineStart, end, k);
      continue;
    }
    const row = parse(k, text.slice(lineStart, end));
    if (row === undefined) continue;
    const rowId = row.id;
    if (typeof rowId !== "string" || rowId === "") {
      at("STATE_INVALID_VALUE", k + 1, ["id"], "each row has the member's id", rowId);
      continue;
    }
    const previous = kept > 0 ? ids[kept - 1] : undefined;
    if (previous !== undefined && !(previous < rowId)) {
      at("STATE_INVALID_VALUE", k + 1, ["id"], previous === rowId ? `member "${cut(rowId)}" has two rows` : `rows are sorted by member id: "${cut(rowId)}" comes before "${cut(previous)}"`, rowId);
      continue;
    }
    const rowValues: (number | string | undefined)[] = new Array(fields.length);
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
      rowValues[f] = value;
    }
    if (bad) continue;
    keep(rowId, rowValues, lineStart, end, k);
  }
  if (issues.length > 0) return { ok: false, issues };
  ids.length = kept;
  for (const v of values) v.length = kept;
  let lines: string[] | undefined;
  let lineNumbers: number[] | undefined;
  return {
    ok: true,
    value: {
      period: header.period as string,
      plan: header.plan as string,
      fields,
      ids,
      values,
      company,
      get lines(): readonly string[] {
        lines ??= Array.from(starts.subarray(0, kept), (s, r) => text.slice(s, ends[r]));
        return lines;
      },
      get lineNumbers(): readonly number[] {
        lineNumbers ??= Array.from(numbers.subarray(0, kept));
        return lineNumbers;
      },
      ...(file !== undefined ? { file } : {}),
    },
  };
}

/** Where the digits from `q` end (at most at `e`). */
function digitsEnd(text: string, q: number, e: number): number {
  while (q < e && text.charCodeAt(q) >= 48 && text.charCodeAt(q) <= 57) q++;
  return q;
}

/** The whole number the digits `text[s, e)` write (exact up to 15 digits). */
function wholeOf(text: string, s: number, e: number): number {
  let x = 0;
  for (let q = s; q < e; q++) x = x * 10 + (text.charCodeAt(q) - 48);
  return x;
}

/**
 * The volume `text[s, e)` in units when it is a volume in its shortest form that the reader takes without
 * BigInt (a non-zero decimal, at most 11 whole digits and 4 places, no trailing zero); else undefined, and
 * {@link readValue} decides (the same value for every text this accepts).
 */
function quickVolume(text: string, s: number, e: number): number | undefined {
  let q = s;
  const neg = text.charCodeAt(q) === 45;
  if (neg) q++;
  const wholeStart = q;
  q = digitsEnd(text, q, e);
  const digits = q - wholeStart;
  if (digits === 0 || digits > 11 || (digits > 1 && text.charCodeAt(wholeStart) === 48)) return undefined;
  let frac = 0;
  if (q < e) {
    if (text.charCodeAt(q) !== 46 || e - q - 1 < 1 || e - q - 1 > 4 || text.charCodeAt(e - 1) === 48) return undefined;
    let scale = 1000;
    for (q++; q < e; q++, scale /= 10) {
      const c = text.charCodeAt(q);
      if (c < 48 || c > 57) return undefined;
      frac += (c - 48) * scale;
    }
  }
  const units = wholeOf(text, wholeStart, wholeStart + digits) * 10_000 + frac;
  if (units === 0) return undefined;
  return neg ? -units : units;
}

/**
 * A reader of state rows without JSON.parse, for lines that are canonical (keys in canonical order, each
 * once, plain strings, whole numbers without leading zeros) with a non-empty id and valid values: `read`
 * gives the row's id and leaves its values in `values` (reused: copy them before the next row), or gives
 * undefined, and the row is read the long way (the same values for every line this accepts). Rank names are
 * made into strings once each.
 */
function canonicalRowReader(text: string, keys: readonly { key: string; k: number }[], fields: readonly StateField[]) {
  const values: (number | string | undefined)[] = new Array(fields.length);
  const kinds = fields.map((f) => f.kind);
  const keyText = keys.map(({ key }) => key);
  const keyField = Int32Array.from(keys, ({ k }) => k);
  const names: string[] = [];
  /** A rank name already seen at `text[s, e)`, else the new one. */
  const nameAt = (s: number, e: number): string => {
    for (const name of names) if (name.length === e - s && text.startsWith(name, s)) return name;
    const name = text.slice(s, e);
    if (names.length < 256) names.push(name);
    return name;
  };
  const read = (start: number, end: number): string | undefined => {
    const last = end - 1;
    if (text.charCodeAt(start) !== 123 || text.charCodeAt(last) !== 125) return undefined;
    values.fill(undefined);
    let pos = start + 1;
    let id: string | undefined;
    for (let j = 0; j < keys.length; j++) {
      if (pos >= last) break;
      const comma = pos > start + 1 ? 1 : 0;
      if (comma === 1 && text.charCodeAt(pos) !== 44) return undefined;
      const key = keyText[j] as string;
      let match = pos + comma + key.length <= last;
      for (let q = 0; match && q < key.length; q++) match = text.charCodeAt(pos + comma + q) === key.charCodeAt(q);
      if (!match) continue;
      const k = keyField[j] as number;
      pos += comma + key.length;
      const kind = k < 0 ? undefined : (kinds[k] as StateFieldKind);
      if (text.charCodeAt(pos) === 34) {
        // The closing quote, with only plain characters before it.
        let close = pos + 1;
        for (; close < last; close++) {
          const c = text.charCodeAt(close);
          if (c === 0x22) break;
          if (c < 0x20 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return undefined;
        }
        if (close >= last) return undefined;
        const s = pos + 1;
        pos = close + 1;
        if (kind === undefined) {
          if (close === s) return undefined;
          id = text.slice(s, close);
          continue;
        }
        if (kind === "rank") {
          if (close === s) return undefined;
          values[k] = nameAt(s, close);
          continue;
        }
        const quick = kind === "volume" ? quickVolume(text, s, close) : undefined;
        if (quick !== undefined) {
          values[k] = quick;
          continue;
        }
        const value = readValue(kind, text.slice(s, close));
        if (typeof value === "object") return undefined;
        values[k] = value;
      } else {
        const s = pos;
        const first = text.charCodeAt(pos);
        if (first < 49 || first > 57) return undefined;
        pos = digitsEnd(text, pos, last);
        if (kind === undefined) return undefined;
        const value = readValue(kind, pos - s > 15 ? Number(text.slice(s, pos)) : wholeOf(text, s, pos));
        if (typeof value === "object") return undefined;
        values[k] = value;
      }
    }
    return pos === last ? id : undefined;
  };
  return { read, values };
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
  // Member fields only, each with its values as read and its column; volumes and counts are read in their
  // internal unit already, ranks are looked up by name, the other kinds need the plan.
  const member = plan.fields.flatMap((f, k) => (f.scope === "company" ? [] : [{ f, read: state.values[k] as readonly (number | string | undefined)[], column: columns[k] as Float64Array, kind: KIND_CODE[f.kind] }]));
  const ids = state.ids;
  for (let row = 0; row < ids.length; row++) {
    const id = ids[row] as string;
    const i = g.indexOf.get(id);
    if (i === undefined) {
      const line = state.lineNumbers[row] as number;
      if (plan.unknownMembers === "carry") carried.push({ id, line: state.lines[row] as string });
      else issues.push({ ...issue("STATE_UNKNOWN_MEMBER", ["state", "id"], `the state has a row for "${cut(id)}", who is not in the members file (state.unknownMembers: carry keeps such rows)`, id), ...loc(line) });
      continue;
    }
    for (let m = 0; m < member.length; m++) {
      const { f, read, column, kind } = member[m] as (typeof member)[number];
      const v = read[row];
      if (v === undefined) continue;
      const x = kind === VOLUME || kind === COUNT ? (v as number) : kind === RANK ? (rankIndex.get(v as string) ?? internal(f, v, [f.name], state.lineNumbers[row] as number)) : internal(f, v, [f.name], state.lineNumbers[row] as number);
      if (x !== undefined) column[i] = x;
    }
  }
  if (issues.length > 0) return { issues };
  return { columns: { fields: plan.fields, columns, carried }, issues };
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
  // Each key of a row in canonical order with the comma before it and its colon, as bytes; rank names quoted.
  const keyList = rowKeys(fields);
  const keyField = Int32Array.from(keyList, ({ k }) => k);
  const keyFirst = keyList.map(({ key }) => Buffer.from(key));
  const keyNext = keyList.map(({ key }) => Buffer.from(`,${key}`));
  const ranks = rankNames.map((name) => Buffer.from(JSON.stringify(name)));
  const rankRoom = Math.max(2, ...ranks.map((r) => r.length));
  // The most bytes a row takes besides its id: braces, line feed, keys, and the longest value of each kind.
  const room = 4 + keyList.reduce((n, { k }, j) => n + (keyNext[j] as Buffer).length + (k < 0 ? 2 : kinds[k] === "rank" ? rankRoom : kinds[k] === "count" ? 17 : 342), 0);
  const ids = sourceOf(g.ids);
  // Member columns only, and the code of each field's kind, for the loop over members.
  const memberColumns = columns.filter((_, k) => (fields[k] as StateField).scope !== "company");
  const memberInitial = Float64Array.from(fields.filter((f) => f.scope !== "company"), (f) => initialValue(f.kind));
  const kindCode = Int32Array.from(kinds, (kind) => KIND_CODE[kind]);
  const initial = Float64Array.from(kinds, initialValue);
  /** Copies a short piece byte by byte (Buffer.copy costs more than the copy for a few bytes); returns the end. */
  const put = (out: Buffer, at: number, piece: Buffer): number => {
    for (let q = 0; q < piece.length; q++) out[at++] = piece[q] as number;
    return at;
  };
  /** Whether member i has a value other than the initial one (none, NaN, for a day field), and so a row. */
  const hasRow = (i: number): boolean => {
    for (let m = 0; m < memberColumns.length; m++) {
      const v = (memberColumns[m] as Float64Array)[i] as number;
      if (v !== memberInitial[m] && v === v) return true;
    }
    return false;
  };
  /** Writes member i's row at `at` when it has a non-initial value; returns the end (`at` when it has none). */
  const row = (out: Buffer, at: number, i: number): number => {
    if (!hasRow(i)) return at;
    out[at++] = 0x7b;
    let first = true;
    for (let j = 0; j < keyField.length; j++) {
      const k = keyField[j] as number;
      let v = 0;
      if (k >= 0) {
        v = (columns[k] as Float64Array)[i] as number;
        if (v === initial[k] || v !== v) continue;
      }
      at = put(out, at, (first ? keyFirst[j] : keyNext[j]) as Buffer);
      first = false;
      const kind = k < 0 ? -1 : (kindCode[k] as number);
      if (kind < 0) {
        out[at++] = 0x22;
        at = ids.put(out, at, i);
        out[at++] = 0x22;
      } else if (kind === RANK) at = put(out, at, ranks[v] as Buffer);
      else if (kind === COUNT) at = putWhole(out, at, v);
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
    return at;
  };
  // One buffer for the whole file, as near its size as a count of the rows and their ids tells (growing it
  // copies, and each large buffer asks the garbage collector for a full collection of a large heap).
  let rows = 0;
  let idBytes = 0;
  for (let i = 0; i < g.size; i++) {
    if (!hasRow(i)) continue;
    rows++;
    idBytes += ids.len(i);
  }
  const typical = 4 + keyList.reduce((n, { k }, j) => n + (keyNext[j] as Buffer).length + (k < 0 ? 2 : kinds[k] === "rank" ? rankRoom : kinds[k] === "count" ? 4 : 16), 0);
  let out = Buffer.allocUnsafe(Buffer.byteLength(header) + 1 + idBytes + rows * typical + closing.carried.length * 64 + room);
  let at = out.write(`${header}\n`, 0, "utf8");
  const ensure = (need: number) => {
    if (at + need <= out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, at + need));
    out.copy(bigger, 0, 0, at);
    out = bigger;
  };
  const putLine = (line: string) => {
    ensure(Buffer.byteLength(line) + 1);
    at += out.write(line, at, "utf8");
    out[at++] = 0x0a;
  };
  // Members in id order (the order statements are written in, computed once per tree), merged with the
  // carried rows (in id order as read; never the id of a member in the file).
  const order = membersById(g);
  const carried = closing.carried;
  let c = 0;
  for (let p = 0; p < order.length; p++) {
    const i = order[p] as number;
    if (c < carried.length) {
      const id = g.ids.at(i) as string;
      while (c < carried.length && (carried[c] as CarriedRow).id < id) putLine((carried[c++] as CarriedRow).line);
    }
    ensure(room + MAX_BYTES * ids.len(i));
    at = row(out, at, i);
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
