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
import { orderMeasures, safeParsePlan } from "../plan/parse.js";
import { type PreparedInput, safeCalculatePrepared, safePrepareInput } from "../run/calculate.js";
import type { RunResult } from "../run/result.js";
import { canonicalJson } from "../statement/canonical.js";
import type { Statement } from "../statement/types.js";
import { type RunBundle, bundleFingerprint, inputSummaries, safeParseBundle } from "./bundle.js";
import { genealogyMembers } from "./canonical-rows.js";
import { CSV_COLUMNS, csvHeadRecords, memberCsvRecords } from "./csv.js";
import { statementsParquet } from "./parquet.js";
import {
  type CanonicalMember,
  type CanonicalOrder,
  TextHasher,
  canonicalMembers,
  canonicalOrders,
  fingerprintBytes,
  fingerprintPlan,
  fingerprintRows,
  fingerprintSummary,
  fingerprintText,
  memberLine,
  orderLine,
} from "./fingerprint.js";
import { ENGINE_VERSION } from "./version.js";
import { type StateInput, safeParseState } from "../state/state.js";
import { stateNdjson } from "../state/write.js";
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
  /**
   * The recorded Parquet files (`lines.parquet`, `totals.parquet`: those present), name → fingerprint
   * (`sha256:` and the hex SHA-256 of the bytes), compared with the replay's export of them byte for byte.
   */
  readonly parquet?: Readonly<Record<string, string>>;
  /**
   * The opening state's text (the state file the run read), for a bundle that records one (format 3);
   * default: the lines embedded in the bundle. Checked against the fingerprint the bundle records.
   */
  readonly openingState?: string;
  /** Where the opening state was read, for its issues (file and line). */
  readonly openingStateFile?: string;
  /** The recorded state.ndjson (the closing state), as text pieces in order (any split), compared byte for byte. */
  readonly closingState?: Iterable<string>;
  /**
   * The files of the run folder besides bundle.json, name → size and fingerprint (`sha256:` and the hex
   * SHA-256 of the bytes), to compare with the files the bundle lists: missing, extra and changed files
   * are differences. Called once, after the statements, summary and CSV were compared (so a caller that
   * hashes those files while replay reads them has finished). Without a file list in the bundle (format 1,
   * or made by {@link createBundle}) only statements.ndjson and summary.json are required.
   */
  readonly files?: () => ReadonlyMap<string, { readonly bytes: number; readonly fingerprint: string }>;
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Most differences listed (all are counted); default 20. */
  readonly maxDifferences?: number;
}

/** What a replay check compares. */
export type ReplayCheck = "plan" | "members" | "orders" | "state" | "statements" | "summary" | "csv" | "parquet" | "bundle" | "files";

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
  readonly fingerprints: { readonly plan: string; readonly members: string; readonly orders: string; readonly openingState?: string };
  /** Whether members, orders and the opening state came from the bundle (true) or were given (false). */
  readonly embedded: { readonly members: boolean; readonly orders: boolean; readonly openingState?: boolean };
}

/**
 * The opening state a bundle's run read: the text given, else the lines the bundle embeds; parsed. Nothing
 * when the bundle records none.
 */
function openingStateOf(bundle: RunBundle, inputs: ReplayInputs): Result<{ state?: StateInput; fingerprint?: string; embedded?: boolean }> {
  const recorded = bundle.state?.opening;
  if (recorded === undefined || recorded === null) return { ok: true, value: {} };
  const embedded = inputs.openingState === undefined;
  const text = inputs.openingState ?? (recorded.lines !== undefined ? `${recorded.lines.join("\n")}\n` : undefined);
  if (text === undefined) {
    return { ok: false, issues: [issue("AUDIT_INPUT_MISSING", ["state", "opening"], `the run read an opening state (closing ${recorded.period}, fingerprint ${recorded.fingerprint}); the bundle does not embed it (run with --embed-inputs) and none was given (--state FILE)`)] };
  }
  const parsed = safeParseState(text, inputs.openingStateFile ?? (embedded ? "bundle.json state.opening.lines" : undefined));
  if (!parsed.ok) return parsed;
  return { ok: true, value: { state: parsed.value, fingerprint: fingerprintText(text), embedded } };
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
  const opening = openingStateOf(bundle, inputs);
  if (!opening.ok) return opening;
  if (inputs.prepared !== undefined) return loadedFrom(plan, inputs.prepared, { members: false, orders: false }, opening.value, onPhase);
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
  const prepared = safePrepareInput({ period: bundle.period, members: members as never[], orders: orders as never[] }, new Set(orderMeasures(plan)), options);
  if (!prepared.ok) return prepared;
  return loadedFrom(plan, prepared.value, { members: inputs.members === undefined, orders: inputs.orders === undefined }, opening.value, onPhase);
}

/** Runs the plan over a prepared input and fingerprints the input from its columns (rows made lazily). */
function loadedFrom(
  plan: Plan,
  prepared: PreparedInput,
  embedded: Pick<LoadedRun["embedded"], "members" | "orders">,
  opening: { state?: StateInput; fingerprint?: string; embedded?: boolean },
  onPhase?: (phase: string) => void,
): Result<LoadedRun> {
  const run = safeCalculatePrepared(plan, prepared, { ...(onPhase !== undefined ? { onPhase } : {}), ...(opening.state !== undefined ? { state: opening.state } : {}) });
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
      fingerprints: { plan: fingerprintPlan(plan), members: summaries.members.fingerprint, orders: summaries.orders.fingerprint, ...(opening.fingerprint !== undefined ? { openingState: opening.fingerprint } : {}) },
      embedded: { ...embedded, ...(opening.embedded !== undefined ? { openingState: opening.embedded } : {}) },
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

  compareOpeningState(bundle, loaded, diffs, verified);

  // Statements, and the CSV export beside them, in one pass over the recomputed run.
  const before = diffs.count;
  const hash = new TextHasher();
  const stored = inputs.statements !== undefined ? new Peek(linesOf(inputs.statements)) : undefined;
  const storedHash = new TextHasher();
  const csv = inputs.csv !== undefined ? new CsvCheck(inputs.csv) : undefined;
  csv?.expect(csvHeadRecords(bundle.fingerprint, run.period.id, run.plan.currency, run.summary.total));
  const expectedCsv = csv !== undefined ? memberCsvRecords(run) : undefined;
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
    if (csv !== undefined && expectedCsv !== undefined && !csv.done) csv.expect(expectedCsv.next().value as string[][]);
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
    if (csv.ok) verified.push({ check: "csv", message: `statements.csv: ${grouped(String(csv.rows))} rows read back field by field, each equal to the replay's` });
  }

  if (inputs.parquet !== undefined) compareParquet(bundle, run, inputs.parquet, diffs, verified);

  compareClosingState(bundle, run, inputs, diffs, verified);

  // The bundle's own fingerprint: catches an edit anywhere the checks above do not look (period, engine).
  const own = bundleFingerprint(bundle);
  if (own !== bundle.fingerprint) {
    diffs.add({ check: "bundle", field: "fingerprint", expected: bundle.fingerprint, actual: own, message: "the bundle's contents do not match its recorded fingerprint: it was edited" });
  } else verified.push({ check: "bundle", message: `bundle: fingerprint ${own} matches its contents` });

  if (inputs.files !== undefined) compareFiles(bundle, inputs.files(), diffs, verified, notes);

  return { ok: diffs.count === 0, verified, differences: diffs.list, differenceCount: diffs.count, notes };
}

type Row = CanonicalMember | CanonicalOrder;

/** The opening state used against the one the bundle records (its fingerprint). */
function compareOpeningState(bundle: RunBundle, loaded: LoadedRun, diffs: Differences, verified: ReplayVerified[]): void {
  const recorded = bundle.state?.opening;
  if (recorded === undefined) return;
  if (recorded === null) {
    verified.push({ check: "state", message: "opening state: none (a first period: every member at the initial values), as the bundle records" });
    return;
  }
  const actual = loaded.fingerprints.openingState ?? null;
  const source = loaded.embedded.openingState === true ? "embedded in the bundle" : "given";
  if (actual !== recorded.fingerprint) {
    diffs.add({
      check: "state",
      field: "state.opening.fingerprint",
      expected: recorded.fingerprint,
      actual,
      message: loaded.embedded.openingState === true ? "the opening state embedded in the bundle does not match its recorded fingerprint: it was edited" : "the opening state given is not the one the run read: its fingerprint differs",
    });
  } else verified.push({ check: "state", message: `opening state: closing ${recorded.period}, ${source}, fingerprint ${actual} matches` });
}

/** The recomputed closing state against the bundle's fingerprint and the recorded state.ndjson, byte for byte. */
function compareClosingState(bundle: RunBundle, run: RunResult, inputs: ReplayInputs, diffs: Differences, verified: ReplayVerified[]): void {
  const recorded = bundle.state?.closing;
  const mine = stateNdjson(run);
  if (recorded === undefined && mine === undefined) return;
  const before = diffs.count;
  const actual = mine === undefined ? null : fingerprintText(mine);
  if (recorded?.fingerprint !== actual) {
    diffs.add({ check: "state", field: "state.closing.fingerprint", expected: recorded?.fingerprint ?? null, actual, message: recorded === undefined ? "the replay computes a closing state but the bundle records none" : `the recomputed closing state does not have the fingerprint the bundle records` });
  }
  let lines = 0;
  if (inputs.closingState !== undefined && mine !== undefined) {
    const theirs = linesOf(inputs.closingState);
    const ours = mine.slice(0, -1).split("\n");
    for (let k = 0; ; k++) {
      const t = theirs.next();
      const o = ours[k];
      if (t.done === true && o === undefined) break;
      const line = t.done === true ? null : t.value.text;
      if (line === o && (t.done === true || t.value.terminated)) {
        lines++;
        continue;
      }
      diffs.add(stateLineDifference(k + 1, line, o ?? null, t.done !== true && !t.value.terminated));
      break;
    }
  }
  if (diffs.count === before) {
    verified.push({ check: "state", message: `closing state: fingerprint ${actual} matches${inputs.closingState !== undefined ? `; state.ndjson, ${grouped(String(lines))} lines, byte for byte identical` : ""}` });
  }
}

/** The first difference between a recorded line of state.ndjson and the replay's, named by member and field. */
function stateLineDifference(line: number, recorded: string | null, mine: string | null, unterminated: boolean): ReplayDifference {
  const r = recorded === null ? undefined : parseJson(recorded);
  const m = mine === null ? undefined : parseJson(mine);
  const idOf = (v: unknown) => (isObject(v) && typeof v.id === "string" ? v.id : undefined);
  const memberId = idOf(m) ?? idOf(r);
  const where = `state.ndjson line ${line}${line === 1 ? " (the header)" : memberId !== undefined ? ` (member ${memberId})` : ""}`;
  if (recorded === null) return { check: "state", line, field: "line", expected: null, actual: mine, message: `${where}: the recorded state.ndjson ends here; the replay writes ${show(mine)}` };
  if (mine === null) return { check: "state", line, field: "line", expected: recorded, actual: null, message: `${where}: the recorded state.ndjson has a line more than the replay writes: ${show(recorded)}` };
  if (unterminated && recorded === mine) return { check: "state", line, field: "line", expected: recorded, actual: mine, message: `${where}: the recorded state.ndjson does not end with a line feed` };
  if (r !== undefined && m !== undefined && idOf(r) === idOf(m)) {
    const d = firstDifference(r, m, []);
    if (d !== undefined) {
      return { check: "state", line, ...(memberId !== undefined && line > 1 ? { memberId } : {}), field: formatPath(d.path), expected: d.expected, actual: d.actual, message: `${where}: ${formatPath(d.path)} is ${show(d.expected)} but the replay writes ${show(d.actual)}` };
    }
  }
  return { check: "state", line, ...(memberId !== undefined && line > 1 ? { memberId } : {}), field: "line", expected: recorded, actual: mine, message: `${where}: the recorded line is ${show(recorded)} but the replay writes ${show(mine)}` };
}

/**
 * The recorded Parquet files against the replay's export of them: the export is deterministic, so each
 * file must be byte for byte what the replay writes (compared by SHA-256).
 */
function compareParquet(bundle: RunBundle, run: RunResult, recorded: Readonly<Record<string, string>>, diffs: Differences, verified: ReplayVerified[]): void {
  const names = Object.keys(recorded).sort();
  if (names.length === 0) return;
  const before = diffs.count;
  const exported = statementsParquet(run, bundle.fingerprint);
  const mine: Record<string, Uint8Array> = { "lines.parquet": exported.lines, "totals.parquet": exported.totals };
  for (const name of names) {
    const bytes = mine[name];
    if (bytes === undefined) continue;
    const fingerprint = fingerprintBytes(bytes);
    const theirs = recorded[name] as string;
    if (fingerprint !== theirs) {
      diffs.add({ check: "parquet", field: name, expected: theirs, actual: fingerprint, message: `${name} is not the replay's export: the file's fingerprint is ${theirs}; the replay writes ${grouped(String(bytes.length))} bytes, ${fingerprint}` });
    }
  }
  if (diffs.count === before) verified.push({ check: "parquet", message: `${names.join(", ")}: byte for byte the replay's export` });
}

/** The files a run folder must hold when its bundle lists none (format 1). */
const REQUIRED_FILES = ["statements.ndjson", "summary.json"];

/** The run folder's files against the bundle's list: missing, extra and changed files. */
function compareFiles(bundle: RunBundle, present: ReadonlyMap<string, { readonly bytes: number; readonly fingerprint: string }>, diffs: Differences, verified: ReplayVerified[], notes: string[]): void {
  const before = diffs.count;
  const listed = bundle.files;
  // Every file the run wrote must be there: those the fingerprinted `outputs` name, statements.ndjson and
  // summary.json in any case, and those `files` lists.
  const names = [...new Set([...REQUIRED_FILES, ...(bundle.outputs ?? []), ...Object.keys(listed ?? {})])].sort();
  for (const name of names) {
    const want = listed?.[name];
    const got = present.get(name);
    if (got === undefined) {
      diffs.add({ check: "files", field: name, expected: want?.fingerprint ?? name, actual: null, message: `${name} is missing from the run folder${want !== undefined ? " (the bundle lists it)" : ""}: not verified` });
    } else if (want !== undefined && (got.fingerprint !== want.fingerprint || got.bytes !== want.bytes)) {
      diffs.add({ check: "files", field: name, expected: want.fingerprint, actual: got.fingerprint, message: `${name} has changed since the run: ${grouped(String(got.bytes))} bytes, fingerprint ${got.fingerprint}; the bundle lists ${grouped(String(want.bytes))} bytes, ${want.fingerprint}` });
    }
  }
  if (listed !== undefined) {
    for (const name of [...present.keys()].sort()) {
      if (listed[name] === undefined) {
        diffs.add({ check: "files", field: name, expected: null, actual: present.get(name)?.fingerprint ?? null, message: `${name} is in the run folder but the bundle does not list it: the run did not write it` });
      }
    }
  } else notes.push(`the bundle (${bundle.format}) lists no files: checked only that statements.ndjson and summary.json are present, not for extra or changed files`);
  if (diffs.count === before) verified.push({ check: "files", message: `files: ${names.join(", ")} present${listed !== undefined ? ", unchanged, and nothing else" : ""}` });
}

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

/**
 * @internal Reads the records of an RFC 4180 CSV text arriving in pieces (any split): fields separated by
 * commas, quoted fields may hold commas, quotes (doubled) and line breaks; records end with CRLF (a lone
 * LF is accepted too: the file's fingerprint catches any byte change).
 */
export class CsvReader {
  private readonly it: Iterator<string>;
  private buf = "";
  private pos = 0;
  private eof = false;
  /** The 1-based line of the text where the record last read begins. */
  line = 0;
  private nextLine = 1;

  constructor(pieces: Iterable<string>) {
    this.it = pieces[Symbol.iterator]();
  }

  /** Appends the next piece (dropping what was read); false at the end. */
  private more(): boolean {
    if (this.eof) return false;
    const r = this.it.next();
    if (r.done === true) {
      this.eof = true;
      return false;
    }
    this.buf = this.buf.slice(this.pos) + r.value;
    this.pos = 0;
    return true;
  }

  /** The next record's fields, or undefined at the end of the text. */
  next(): string[] | undefined {
    while (this.pos >= this.buf.length) if (!this.more()) return undefined;
    // The record ends at the first LF outside quotes: where an even number of quotes precede it.
    let quotes = 0;
    let at = this.pos;
    let end = -1;
    for (;;) {
      const nl = this.buf.indexOf("\n", at);
      const stop = nl < 0 ? this.buf.length : nl;
      for (let q = this.buf.indexOf('"', at); q >= 0 && q < stop; q = this.buf.indexOf('"', q + 1)) quotes++;
      if (nl >= 0 && quotes % 2 === 0) {
        end = nl;
        break;
      }
      at = stop + (nl < 0 ? 0 : 1);
      const offset = this.pos;
      if (nl < 0 && !this.more()) break;
      at -= offset - this.pos;
    }
    let text = this.buf.slice(this.pos, end < 0 ? this.buf.length : end);
    this.pos = end < 0 ? this.buf.length : end + 1;
    this.line = this.nextLine;
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.nextLine++;
    this.nextLine++;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    return quotes === 0 ? text.split(",") : splitCsv(text);
  }
}

/**
 * Checks the recorded statements.csv field by field: parses its records (RFC 4180) and compares each
 * field with the value the replay computes, so a file whose quoting shifted fields is caught whatever
 * wrote it. Stops at the first differing record.
 */
class CsvCheck {
  private readonly reader: CsvReader;
  /** Records read and found equal. */
  rows = 0;
  done = false;
  ok = true;
  /** The difference found, if any. */
  readonly found: ReplayDifference[] = [];

  constructor(pieces: Iterable<string>) {
    this.reader = new CsvReader(pieces);
  }

  /** Compares the next recorded records with `expected`. */
  expect(expected: readonly (readonly string[])[]): void {
    for (const mine of expected) {
      if (this.done) return;
      const theirs = this.reader.next();
      if (theirs === undefined) {
        this.differ(mine, undefined, 0, `statements.csv ends before row ${this.rows + 1}`);
        return;
      }
      if (theirs.length === mine.length && theirs.every((f, i) => f === mine[i])) {
        this.rows++;
        continue;
      }
      let col = 0;
      while (col < Math.max(mine.length, theirs.length) && mine[col] === theirs[col]) col++;
      const memberId = mine[CSV_COLUMNS.indexOf("memberId")] || undefined;
      const field = CSV_COLUMNS[col] ?? `column ${col + 1}`;
      const shape = theirs.length !== mine.length ? ` (the row has ${theirs.length} fields, not ${mine.length}: a field holding a comma, quote or line break not quoted?)` : "";
      this.differ(mine, theirs, col, `statements.csv line ${this.reader.line}${memberId !== undefined ? ` (member ${memberId})` : ""}: ${field} is ${show(theirs[col] ?? null)} but the replay exports ${show(mine[col] ?? null)}${shape}`);
      return;
    }
  }

  private differ(mine: readonly string[], theirs: readonly string[] | undefined, col: number, message: string): void {
    this.ok = false;
    this.done = true;
    const memberId = mine[CSV_COLUMNS.indexOf("memberId")] || undefined;
    this.found.push({
      check: "csv",
      ...(memberId !== undefined ? { memberId } : {}),
      line: theirs === undefined ? this.reader.line + 1 : this.reader.line,
      field: CSV_COLUMNS[col] ?? `column ${col + 1}`,
      expected: theirs === undefined ? null : (theirs[col] ?? null),
      actual: mine[col] ?? null,
      message,
    });
  }

  /** Checks nothing is left over. */
  finish(): void {
    if (this.done) return;
    const extra = this.reader.next();
    if (extra !== undefined) {
      this.ok = false;
      this.found.push({ check: "csv", line: this.reader.line, field: "record", expected: extra.join(",").slice(0, 200), actual: null, message: `statements.csv has more rows than the replay exports (from line ${this.reader.line})` });
    }
    this.done = true;
  }
}

/** Splits one CSV record into fields (RFC 4180 quoting). */
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
  // `expected` is what the run folder or bundle records, `actual` what replay recomputed: said so in words.
  parts.push(`field ${d.field || "(whole)"}`, `recorded ${show(d.expected)}`, `recomputed ${show(d.actual)}`);
  return parts.join(", ");
}
