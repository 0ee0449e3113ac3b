/**
 * Replay: recompute a run from its bundle and compare everything, byte for byte and field by field. The
 * checks run in a fixed order (plan, members, orders, statements in file order, summary, CSV, the bundle's
 * own fingerprint) and every difference is reported as data: which check, which member, which line,
 * which field, the recorded (`expected`) and the recomputed (`actual`) value.
 */
import { argumentIssues, isOptions, isRecord } from "../errors/arguments.js";
import { CompplanError, type Issue, type PathSegment, type Result, formatPath, issue } from "../errors/issues.js";
import type { RecordOrigin } from "../input/rows.js";
import type { Plan } from "../plan/parse.js";
import { safeParsePlan } from "../plan/parse.js";
import { type PreparedInput, safeCalculatePrepared, safePrepareInput } from "../run/calculate.js";
import type { RunResult } from "../run/result.js";
import { canonicalJson } from "../statement/canonical.js";
import type { Statement } from "../statement/types.js";
import { type RunBundle, bundleFingerprint, inputSummaries, safeParseBundle } from "./bundle.js";
import { genealogyMembers } from "./canonical-rows.js";
import { CSV_COLUMNS, csvHead, memberCsvRows } from "./csv.js";
import {
  type CanonicalMember,
  type CanonicalOrder,
  TextHasher,
  canonicalMembers,
  canonicalOrders,
  fingerprintPlan,
  fingerprintRows,
  fingerprintSummary,
  memberLine,
  orderLine,
} from "./fingerprint.js";
import { ENGINE_VERSION } from "./version.js";
import { grouped } from "./words.js";

/** What replay can compare against, besides the bundle. All optional. */
export interface ReplayInputs {
  /** The members, as records (API objects or file rows); default: the rows embedded in the bundle. */
  readonly members?: readonly unknown[];
  /** The orders, as records; default: the rows embedded in the bundle. */
  readonly orders?: readonly unknown[];
  /** Where each member record came from, for issue messages. */
  readonly memberOrigins?: readonly RecordOrigin[];
  /** Where each order record came from, for issue messages. */
  readonly orderOrigins?: readonly RecordOrigin[];
  /**
   * @internal Members and orders already read and validated (`compplan replay` and `explain` read the files
   * through the fast path); used instead of `members` and `orders`.
   */
  readonly prepared?: PreparedInput;
  /** The recorded statements.ndjson, as text pieces in order (any split: the whole file, or chunks). */
  readonly statements?: Iterable<string>;
  /** The recorded summary.json, parsed. */
  readonly summary?: unknown;
  /** The recorded statements.csv, as text pieces in order (any split). */
  readonly csv?: Iterable<string>;
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Most differences listed (all are counted); default 20. */
  readonly maxDifferences?: number;
}

/** What a replay check compares. */
export type ReplayCheck = "plan" | "members" | "orders" | "statements" | "summary" | "csv" | "bundle";

/** One difference between the recorded run and its replay. */
export interface ReplayDifference {
  readonly check: ReplayCheck;
  /** The member concerned (statements, CSV, members). */
  readonly memberId?: string;
  /** The order concerned. */
  readonly orderId?: string;
  /** 1-based line of the recorded file (statements.ndjson or statements.csv). */
  readonly line?: number;
  /** Index into the statement's `lines` when the field is inside a line item. */
  readonly lineItem?: number;
  /** Path of the field, e.g. `lines[2].amount`, `plan.fingerprint`, `total`. */
  readonly field: string;
  /** The recorded value (null when missing). Strings as they are; other values as canonical JSON. */
  readonly expected: string | null;
  /** The recomputed (or supplied) value (null when missing). */
  readonly actual: string | null;
  /** The difference in one sentence. */
  readonly message: string;
}

/** A check that passed, and what it verified. */
export interface ReplayVerified {
  readonly check: ReplayCheck;
  readonly message: string;
}

/** The result of {@link replay}. */
export interface ReplayReport {
  /** True when no difference was found. */
  readonly ok: boolean;
  /** The checks that passed. */
  readonly verified: readonly ReplayVerified[];
  /** The first differences found, in check order (at most `maxDifferences`). */
  readonly differences: readonly ReplayDifference[];
  /** How many differences were found in all. */
  readonly differenceCount: number;
  /** Remarks that are not differences (a different engine version). */
  readonly notes: readonly string[];
}

/** @internal A bundle's run, recomputed from given or embedded inputs. */
export interface LoadedRun {
  readonly plan: Plan;
  readonly prepared: PreparedInput;
  readonly run: RunResult;
  /** The canonical rows (made on first use: only a difference in the inputs needs them). */
  readonly members: CanonicalMember[];
  readonly orders: CanonicalOrder[];
  readonly fingerprints: { readonly plan: string; readonly members: string; readonly orders: string };
  /** Whether members and orders came from the bundle (true) or were given (false). */
  readonly embedded: { readonly members: boolean; readonly orders: boolean };
}

/**
 * @internal Recomputes a bundle's run: parses its plan, takes the inputs given or embedded, validates and
 * runs them. Issues: `AUDIT_BUNDLE_INVALID` (the plan does not parse), `AUDIT_INPUT_MISSING`, or the
 * input's own issues.
 */
export function loadBundleRun(bundle: RunBundle, inputs: ReplayInputs, onPhase?: (phase: string) => void): Result<LoadedRun> {
  const parsed = safeParsePlan(bundle.plan.canonical);
  if (!parsed.ok) {
    return { ok: false, issues: parsed.issues.map((i) => issue("AUDIT_BUNDLE_INVALID", ["plan", "canonical", ...i.path], `the bundle's plan does not parse: ${i.code}: ${i.message}`)) };
  }
  const plan = parsed.value;
  if (inputs.prepared !== undefined) return loadedFrom(plan, inputs.prepared, { members: false, orders: false }, onPhase);
  const members = inputs.members ?? bundle.inputs.members.rows;
  const orders = inputs.orders ?? bundle.inputs.orders.rows;
  const missing: Issue[] = [];
  if (members === undefined) missing.push(issue("AUDIT_INPUT_MISSING", ["inputs", "members"], "the bundle does not embed the members (run with --embed-inputs) and none were given (--members FILE)"));
  if (orders === undefined) missing.push(issue("AUDIT_INPUT_MISSING", ["inputs", "orders"], "the bundle does not embed the orders (run with --embed-inputs) and none were given (--orders FILE)"));
  if (members === undefined || orders === undefined) return { ok: false, issues: missing };
  const options = {
    ...(onPhase !== undefined ? { onPhase } : {}),
    ...(inputs.memberOrigins !== undefined ? { memberOrigins: inputs.memberOrigins } : {}),
    ...(inputs.orderOrigins !== undefined ? { orderOrigins: inputs.orderOrigins } : {}),
  };
  const prepared = safePrepareInput({ period: bundle.period, members: members as never[], orders: orders as never[] }, new Set(Object.keys(plan.measures)), options);
  if (!prepared.ok) return prepared;
  return loadedFrom(plan, prepared.value, { members: inputs.members === undefined, orders: inputs.orders === undefined }, onPhase);
}

/** Runs the plan over a prepared input and fingerprints the input from its columns (rows made lazily). */
function loadedFrom(plan: Plan, prepared: PreparedInput, embedded: LoadedRun["embedded"], onPhase?: (phase: string) => void): Result<LoadedRun> {
  const run = safeCalculatePrepared(plan, prepared, onPhase !== undefined ? { onPhase } : {});
  if (!run.ok) return run;
  const summaries = inputSummaries(genealogyMembers(prepared.genealogy), prepared.orders);
  let members: CanonicalMember[] | undefined;
  let orders: CanonicalOrder[] | undefined;
  return {
    ok: true,
    value: {
      plan,
      prepared,
      run: run.value,
      get members() {
        return (members ??= canonicalMembers(prepared.genealogy));
      },
      get orders() {
        return (orders ??= canonicalOrders(prepared.orders));
      },
      fingerprints: { plan: fingerprintPlan(plan), members: summaries.members.fingerprint, orders: summaries.orders.fingerprint },
      embedded,
    },
  };
}

/**
 * Replays a run from its bundle: recomputes it from the bundle's plan and period with the inputs given
 * (or embedded), and compares fingerprints of plan, members, orders, statements and summary, the recorded
 * statements line by line and field by field, the summary field by field, the CSV export row by row, and
 * the bundle's own fingerprint.
 *
 * @param bundle - a bundle (or bundle.json text, or its parsed value)
 * @param inputs - members and orders when the bundle does not embed them; the recorded statements, summary
 *   and CSV to compare
 * @param options - how many differences to list
 * @returns a report: `ok`, what was verified, and the differences (first one first); or issues:
 *   `AUDIT_BUNDLE_INVALID`, `AUDIT_INPUT_MISSING`, or the input's own (`INPUT_*`, `MEMBER_*`, `ORDER_*`)
 * @example
 * ```ts
 * const r = safeReplay(readFileSync("out/bundle.json", "utf8"), { statements: lines });
 * if (r.ok && !r.value.ok) console.log(r.value.differences[0]?.message);
 * ```
 */
export function safeReplay(bundle: unknown, inputs: ReplayInputs = {}, options: ReplayOptions = {}): Result<ReplayReport> {
  const bad = argumentIssues("safeReplay", [
    ["inputs", inputs === undefined || isRecord(inputs), "undefined or an object { members, orders }", inputs],
    ["options", isOptions(options), "undefined or an options object", options],
  ]);
  if (bad.length > 0) return { ok: false, issues: bad };
  const b = safeParseBundle(bundle);
  if (!b.ok) return b;
  const loaded = loadBundleRun(b.value, inputs);
  if (!loaded.ok) return loaded;
  return { ok: true, value: compare(b.value, loaded.value, inputs, options.maxDifferences ?? 20) };
}

/**
 * Replays a run from its bundle; throws when the bundle or inputs are unusable. See {@link safeReplay}.
 *
 * @param bundle - a bundle (or bundle.json text, or its parsed value)
 * @param inputs - members and orders when not embedded; the recorded statements, summary and CSV
 * @param options - how many differences to list
 * @returns the report; `report.ok` is false when any difference was found
 * @throws CompplanError with `AUDIT_BUNDLE_INVALID`, `AUDIT_INPUT_MISSING` or the input's issues
 * @example
 * ```ts
 * const report = replay(bundle, { members, orders, statements: storedLines });
 * if (!report.ok) throw new Error(formatReplayReport(report));
 * ```
 */
export function replay(bundle: unknown, inputs: ReplayInputs = {}, options: ReplayOptions = {}): ReplayReport {
  const r = safeReplay(bundle, inputs, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

class Differences {
  readonly list: ReplayDifference[] = [];
  count = 0;
  constructor(private readonly max: number) {}
  add(d: ReplayDifference): void {
    this.count++;
    if (this.list.length < this.max) this.list.push(d);
  }
}

function compare(bundle: RunBundle, loaded: LoadedRun, inputs: ReplayInputs, max: number): ReplayReport {
  const diffs = new Differences(max);
  const verified: ReplayVerified[] = [];
  const notes: string[] = [];
  if (bundle.engine.version !== ENGINE_VERSION) {
    notes.push(`the run was computed by compplan ${bundle.engine.version}; this is ${ENGINE_VERSION}`);
  }
  const { run, fingerprints: fp } = loaded;

  // Plan.
  const planDiff = diffs.count;
  if (fp.plan !== bundle.plan.fingerprint) {
    diffs.add({ check: "plan", field: "plan.fingerprint", expected: bundle.plan.fingerprint, actual: fp.plan, message: "the plan in the bundle does not match its recorded fingerprint: it was edited" });
  }
  if (bundle.plan.id !== loaded.plan.id) {
    diffs.add({ check: "plan", field: "plan.id", expected: bundle.plan.id, actual: loaded.plan.id, message: "the bundle's plan id is not the id of its plan" });
  }
  if (diffs.count === planDiff) verified.push({ check: "plan", message: `plan "${loaded.plan.id}": fingerprint ${fp.plan} matches` });

  // Inputs.
  for (const part of ["members", "orders"] as const) {
    const recorded = bundle.inputs[part];
    const actual = part === "members" ? fp.members : fp.orders;
    const rows = part === "members" ? loaded.members : loaded.orders;
    const source = loaded.embedded[part] ? "embedded in the bundle" : "given";
    const before = diffs.count;
    if (actual !== recorded.fingerprint) {
      const rowDiff = recorded.rows !== undefined && !loaded.embedded[part] ? firstRowDifference(part, recorded.rows as readonly Row[], rows as readonly Row[]) : undefined;
      diffs.add({
        check: part,
        field: `inputs.${part}.fingerprint`,
        expected: recorded.fingerprint,
        actual,
        message: loaded.embedded[part]
          ? `the ${part} embedded in the bundle do not match their recorded fingerprint: they were edited`
          : `the ${part} given are not the run's ${part}: their fingerprint differs${rowDiff !== undefined ? "" : ` (${grouped(String(rows.length))} rows given, ${grouped(String(recorded.count))} recorded)`}`,
      });
      if (rowDiff !== undefined) diffs.add(rowDiff);
    } else if (rows.length !== recorded.count) {
      diffs.add({ check: part, field: `inputs.${part}.count`, expected: String(recorded.count), actual: String(rows.length), message: `the bundle records ${recorded.count} ${part} but its fingerprint covers ${rows.length}` });
    }
    if (!loaded.embedded[part] && recorded.rows !== undefined) {
      const embedded = fingerprintRows(recorded.rows as readonly Row[], (part === "members" ? memberLine : orderLine) as (r: Row) => string);
      if (embedded !== recorded.fingerprint) {
        diffs.add({ check: part, field: `inputs.${part}.rows`, expected: recorded.fingerprint, actual: embedded, message: `the ${part} embedded in the bundle do not match their recorded fingerprint: they were edited` });
      }
    }
    if (diffs.count === before) verified.push({ check: part, message: `${part}: ${grouped(String(rows.length))} rows ${source}, fingerprint ${actual} matches` });
  }

  // Statements, and the CSV export beside them, in one pass over the recomputed run.
  const before = diffs.count;
  const hash = new TextHasher();
  const stored = inputs.statements !== undefined ? new Peek(linesOf(inputs.statements)) : undefined;
  const storedHash = new TextHasher();
  const csv = inputs.csv !== undefined ? new CsvCompare(inputs.csv) : undefined;
  csv?.expect(csvHead(bundle.fingerprint, run.period.id, run.plan.currency, run.summary.total));
  const expectedCsv = csv !== undefined ? memberCsvRows(run) : undefined;
  let count = 0;
  let line = 0; // lines of the recorded file consumed
  const advance = () => {
    const s = stored?.next();
    if (s !== undefined) {
      line++;
      storedHash.add(s.terminated ? `${s.text}\n` : s.text);
    }
    return s?.text;
  };
  for (const text of run.statementsJson()) {
    count++;
    hash.add(`${text}\n`);
    if (csv !== undefined && expectedCsv !== undefined && !csv.done) csv.expect(expectedCsv.next().value as string);
    if (stored === undefined) continue;
    for (;;) {
      const s = stored.peek()?.text;
      if (s === text) {
        advance();
        break;
      }
      const mine = JSON.parse(text) as Statement;
      if (s === undefined) {
        diffs.add({ check: "statements", memberId: mine.memberId, line: line + 1, field: "memberId", expected: null, actual: mine.memberId, message: `the statement of member ${mine.memberId} is missing: the recorded statements end at line ${line}` });
        break;
      }
      const theirs = parseJson(s);
      if (theirs === undefined || typeof (theirs as { memberId?: unknown }).memberId !== "string") {
        advance();
        diffs.add({ check: "statements", memberId: mine.memberId, line, field: "", expected: s.slice(0, 200), actual: text.slice(0, 200), message: `line ${line} of the recorded statements is not a statement` });
        break;
      }
      const id = (theirs as { memberId: string }).memberId;
      if (id === mine.memberId) {
        advance();
        const d = firstDifference(theirs, mine, []);
        const path = d?.path ?? [];
        diffs.add({
          check: "statements",
          memberId: id,
          line,
          ...(path[0] === "lines" && typeof path[1] === "number" ? { lineItem: path[1] } : {}),
          field: d === undefined ? "" : formatPath(path),
          expected: d?.expected ?? null,
          actual: d?.actual ?? null,
          message:
            d === undefined
              ? `line ${line} (member ${id}) differs from the recomputed statement only in how it is written (not canonical JSON)`
              : `member ${id}, line ${line} of the recorded statements: ${formatPath(path) || "the statement"} is ${show(d.expected)} but the replay computes ${show(d.actual)}`,
        });
        break;
      }
      if (id < mine.memberId) {
        advance();
        diffs.add({ check: "statements", memberId: id, line, field: "memberId", expected: id, actual: null, message: `line ${line} of the recorded statements is for member ${id}, who has no statement in the replay` });
        continue;
      }
      diffs.add({ check: "statements", memberId: mine.memberId, line: line + 1, field: "memberId", expected: null, actual: mine.memberId, message: `the statement of member ${mine.memberId} is missing from the recorded statements (expected before line ${line + 1}, which is for ${id})` });
      break;
    }
  }
  if (stored !== undefined) {
    for (let s = advance(); s !== undefined; s = advance()) {
      const theirs = parseJson(s) as { memberId?: unknown } | undefined;
      const id = typeof theirs?.memberId === "string" ? theirs.memberId : undefined;
      diffs.add({ check: "statements", ...(id !== undefined ? { memberId: id } : {}), line, field: "memberId", expected: id ?? s.slice(0, 200), actual: null, message: `line ${line} of the recorded statements has no counterpart in the replay (the replay has ${count} statements)` });
    }
  }
  const recomputed = hash.digest();
  if (recomputed !== bundle.statements.fingerprint) {
    diffs.add({ check: "statements", field: "statements.fingerprint", expected: bundle.statements.fingerprint, actual: recomputed, message: "the recomputed statements do not have the fingerprint the bundle records" });
  }
  if (stored !== undefined) {
    const file = storedHash.digest();
    if (file !== bundle.statements.fingerprint && diffs.count === before) {
      diffs.add({ check: "statements", field: "statements.ndjson", expected: bundle.statements.fingerprint, actual: file, message: "the recorded statements file does not have the fingerprint the bundle records" });
    }
  }
  if (count !== bundle.statements.count) {
    diffs.add({ check: "statements", field: "statements.count", expected: String(bundle.statements.count), actual: String(count), message: `the bundle records ${bundle.statements.count} statements; the replay computes ${count}` });
  }
  if (diffs.count === before) {
    verified.push({
      check: "statements",
      message: `statements: ${grouped(String(count))} recomputed${stored !== undefined ? ", byte for byte identical to the recorded statements" : ""}; fingerprint ${recomputed} matches`,
    });
  }

  // Summary.
  const beforeSummary = diffs.count;
  const mine = JSON.parse(canonicalJson(run.summary)) as unknown;
  const summaryFp = fingerprintSummary(run.summary);
  const against: [string, unknown][] = [["bundle", bundle.summary.value]];
  if (inputs.summary !== undefined) against.push(["summary.json", inputs.summary]);
  for (const [where, recorded] of against) {
    const d = firstDifference(recorded, mine, []);
    if (d !== undefined) {
      diffs.add({
        check: "summary",
        field: formatPath(["summary", ...d.path]),
        expected: d.expected,
        actual: d.actual,
        message: `${where === "bundle" ? "the bundle's summary" : "summary.json"}: ${formatPath(d.path) || "the summary"} is ${show(d.expected)} but the replay computes ${show(d.actual)}`,
      });
    }
  }
  if (summaryFp !== bundle.summary.fingerprint) {
    diffs.add({ check: "summary", field: "summary.fingerprint", expected: bundle.summary.fingerprint, actual: summaryFp, message: "the recomputed summary does not have the fingerprint the bundle records" });
  }
  if (diffs.count === beforeSummary) {
    verified.push({ check: "summary", message: `summary: identical to the bundle's${inputs.summary !== undefined ? " and to summary.json" : ""} (total ${grouped(run.summary.total)} ${run.plan.currency}); fingerprint ${summaryFp} matches` });
  }

  // CSV (compared during the statements pass; reported in check order).
  if (csv !== undefined) {
    csv.finish();
    for (const d of csv.found) diffs.add(d);
    if (csv.ok) verified.push({ check: "csv", message: `statements.csv: ${grouped(String(csv.rows))} rows identical to the export of the replay` });
  }

  // The bundle's own fingerprint: catches an edit anywhere the checks above do not look (period, engine).
  const own = bundleFingerprint(bundle);
  if (own !== bundle.fingerprint) {
    diffs.add({ check: "bundle", field: "fingerprint", expected: bundle.fingerprint, actual: own, message: "the bundle's contents do not match its recorded fingerprint: it was edited" });
  } else verified.push({ check: "bundle", message: `bundle: fingerprint ${own} matches its contents` });

  return { ok: diffs.count === 0, verified, differences: diffs.list, differenceCount: diffs.count, notes };
}

type Row = CanonicalMember | CanonicalOrder;

/** The first row that differs between two id-sorted canonical row lists. */
function firstRowDifference(part: "members" | "orders", recorded: readonly Row[], given: readonly Row[]): ReplayDifference | undefined {
  const key = part === "members" ? "memberId" : "orderId";
  const noun = part === "members" ? "member" : "order";
  let a = 0;
  let b = 0;
  while (a < recorded.length || b < given.length) {
    const r = recorded[a];
    const g = given[b];
    if (r !== undefined && g !== undefined && r.id === g.id) {
      const d = firstDifference(r, g, []);
      if (d !== undefined) {
        return { check: part, [key]: r.id, field: formatPath(d.path), expected: d.expected, actual: d.actual, message: `${noun} ${r.id}: ${formatPath(d.path)} was ${show(d.expected)} in the run but is ${show(d.actual)} in the ${part} given` };
      }
      a++;
      b++;
    } else if (g === undefined || (r !== undefined && r.id < g.id)) {
      const id = (r as Row).id;
      return { check: part, [key]: id, field: "id", expected: id, actual: null, message: `${noun} ${id} of the run is missing from the ${part} given` };
    } else {
      return { check: part, [key]: g.id, field: "id", expected: null, actual: g.id, message: `${noun} ${g.id} in the ${part} given was not in the run` };
    }
  }
  return undefined;
}

/** @internal The first difference between two JSON values: keys in sorted order, arrays element by element. */
export function firstDifference(expected: unknown, actual: unknown, path: PathSegment[]): { path: PathSegment[]; expected: string | null; actual: string | null } | undefined {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const n = Math.min(expected.length, actual.length);
    if (expected.length === actual.length) {
      for (let i = 0; i < n; i++) {
        const d = firstDifference(expected[i], actual[i], [...path, i]);
        if (d !== undefined) return d;
      }
      return undefined;
    }
    // Lengths differ: name the first element that is not the same, whole.
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const e = i < expected.length ? canonicalJson(expected[i]) : null;
      const a = i < actual.length ? canonicalJson(actual[i]) : null;
      if (e !== a) return { path: [...path, i], expected: e, actual: a };
    }
    return undefined;
  }
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const k of keys) {
      if (!(k in expected)) return { path: [...path, k], expected: null, actual: render(actual[k]) };
      if (!(k in actual)) return { path: [...path, k], expected: render(expected[k]), actual: null };
      const d = firstDifference(expected[k], actual[k], [...path, k]);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const e = render(expected);
  const a = render(actual);
  return e === a ? undefined : { path, expected: e, actual: a };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function render(v: unknown): string | null {
  if (v === undefined) return null;
  return typeof v === "string" ? v : canonicalJson(v);
}

function show(v: string | null): string {
  return v === null ? "missing" : JSON.stringify(v);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The lines of a text arriving in pieces; `terminated` is false only for a last line without a line feed. */
function* linesOf(pieces: Iterable<string>): IterableIterator<{ text: string; terminated: boolean }> {
  let rest = "";
  for (const piece of pieces) {
    rest += piece;
    let start = 0;
    for (let nl = rest.indexOf("\n"); nl >= 0; nl = rest.indexOf("\n", start)) {
      yield { text: rest.slice(start, nl), terminated: true };
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  if (rest.length > 0) yield { text: rest, terminated: false };
}

/** An iterator with one element of look-ahead. */
class Peek<T> {
  private head: IteratorResult<T> | undefined;
  constructor(private readonly it: Iterator<T>) {}
  peek(): T | undefined {
    this.head ??= this.it.next();
    return this.head.done === true ? undefined : this.head.value;
  }
  next(): T | undefined {
    const v = this.peek();
    this.head = undefined;
    return v;
  }
}

/** Compares expected CSV rows with recorded text arriving in pieces; reports the first differing row. */
class CsvCompare {
  private readonly it: Iterator<string>;
  private buf = "";
  private eof = false;
  rows = 0;
  done = false;
  ok = true;

  /** The difference found, if any (comparison stops at the first). */
  readonly found: ReplayDifference[] = [];

  constructor(pieces: Iterable<string>) {
    this.it = pieces[Symbol.iterator]();
  }

  private fill(n: number): void {
    while (this.buf.length < n && !this.eof) {
      const r = this.it.next();
      if (r.done === true) this.eof = true;
      else this.buf += r.value;
    }
  }

  /** Compares the next recorded rows with `expected` (whole rows). */
  expect(expected: string): void {
    if (this.done) return;
    this.fill(expected.length);
    const got = this.buf.slice(0, expected.length);
    if (got === expected) {
      this.buf = this.buf.slice(expected.length);
      this.rows += countRows(expected);
      return;
    }
    // Find the first differing row within this piece.
    const rows = expected.split("\r\n");
    let offset = 0;
    for (const row of rows) {
      this.fill(offset + row.length + 2);
      const end = this.buf.indexOf("\r\n", offset);
      const theirs = end < 0 ? this.buf.slice(offset) : this.buf.slice(offset, end);
      if (theirs !== row) {
        this.report(row, theirs, end < 0 && theirs === "");
        return;
      }
      this.rows++;
      offset += row.length + 2;
    }
  }

  private report(mine: string, theirs: string, missing: boolean): void {
    this.ok = false;
    this.done = true;
    const line = this.rows + 1;
    const a = splitCsv(mine);
    const b = splitCsv(theirs);
    const memberId = a[CSV_COLUMNS.indexOf("memberId")] || undefined;
    let col = 0;
    while (col < Math.max(a.length, b.length) && a[col] === b[col]) col++;
    const field = CSV_COLUMNS[col] ?? `column ${col + 1}`;
    this.found.push({
      check: "csv",
      ...(memberId !== undefined ? { memberId } : {}),
      line,
      field,
      expected: missing ? null : (b[col] ?? null),
      actual: a[col] ?? null,
      message: missing ? `statements.csv ends before row ${line}` : `statements.csv row ${line}${memberId !== undefined ? ` (member ${memberId})` : ""}: ${field} is ${show(b[col] ?? null)} but the replay exports ${show(a[col] ?? null)}`,
    });
  }

  /** Checks nothing is left over. */
  finish(): void {
    if (this.done) return;
    this.fill(1);
    if (this.buf.length > 0) {
      this.ok = false;
      this.found.push({ check: "csv", line: this.rows + 1, field: "record", expected: this.buf.slice(0, 200), actual: null, message: `statements.csv has more rows than the replay exports (from row ${this.rows + 1})` });
    }
    this.done = true;
  }
}

function countRows(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\r\n"); i >= 0; i = text.indexOf("\r\n", i + 2)) n++;
  return n;
}

/** Splits one CSV row into fields (RFC 4180 quoting). */
function splitCsv(row: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const ch = row[i] as string;
    if (quoted) {
      if (ch === '"' && row[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Renders a replay report as text: what was verified, or the first difference and those after it.
 *
 * @param report - from {@link replay}
 * @returns text ending with a line feed
 * @example
 * ```ts
 * process.stdout.write(formatReplayReport(replay(bundle, inputs)));
 * ```
 */
export function formatReplayReport(report: ReplayReport): string {
  const out: string[] = [];
  if (report.ok) {
    out.push("replay: verified, no difference");
    for (const v of report.verified) out.push(`  ${v.message}`);
  } else {
    const first = report.differences[0];
    out.push(`replay: ${report.differenceCount} difference${report.differenceCount === 1 ? "" : "s"} found`);
    if (first !== undefined) {
      out.push(`first difference: ${first.message}`);
      out.push(`  ${describe(first)}`);
    }
    if (report.differences.length > 1) {
      out.push("then:");
      for (const d of report.differences.slice(1)) out.push(`  ${d.message}`);
      if (report.differenceCount > report.differences.length) out.push(`  … and ${report.differenceCount - report.differences.length} more`);
    }
    if (report.verified.length > 0) {
      out.push("verified:");
      for (const v of report.verified) out.push(`  ${v.message}`);
    }
  }
  for (const n of report.notes) out.push(`note: ${n}`);
  return `${out.join("\n")}\n`;
}

function describe(d: ReplayDifference): string {
  const parts = [`check ${d.check}`];
  if (d.memberId !== undefined) parts.push(`member ${d.memberId}`);
  if (d.orderId !== undefined) parts.push(`order ${d.orderId}`);
  if (d.line !== undefined) parts.push(`line ${d.line}`);
  if (d.lineItem !== undefined) parts.push(`line item ${d.lineItem}`);
  parts.push(`field ${d.field || "(whole)"}`, `expected ${show(d.expected)}`, `actual ${show(d.actual)}`);
  return parts.join(", ");
}
