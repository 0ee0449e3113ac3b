/**
 * Run bundles: everything an auditor needs, besides this library, to reproduce a run byte for byte. A
 * bundle records the engine version, the plan in canonical form and its fingerprint, the period, the
 * fingerprints of the members and orders (optionally the rows themselves), the fingerprint of the
 * canonical statements, and the summary. Nothing time-dependent is recorded.
 *
 * The bundle's own fingerprint covers all of it except the embedded rows (they are covered by their own
 * fingerprints), so a bundle has the same fingerprint with or without its inputs embedded.
 */
import { z } from "zod";
import { isOptions, isRecord, isRun, requireArguments } from "../errors/arguments.js";
import { CompplanError, type Issue, type PathSegment, type Result, issue } from "../errors/issues.js";
import type { CalculateInput, PreparedInput } from "../run/calculate.js";
import type { RunResult } from "../run/result.js";
import { canonicalJson } from "../statement/canonical.js";
import type { Summary } from "../statement/types.js";
import type { OrderColumns } from "../input/rows.js";
import { type LineLayout, type MemberColumns, genealogyMembers } from "./canonical-rows.js";
import {
  type CanonicalMember,
  type CanonicalOrder,
  FINGERPRINT_RE,
  canonicalMembers,
  canonicalOrders,
  canonicalPlan,
  fingerprintMembers,
  fingerprintOrders,
  fingerprintStatements,
  fingerprintSummary,
  fingerprintText,
  memberLine,
  orderLine,
} from "./fingerprint.js";
import { runOrders } from "./inputs.js";
import { stateText } from "../state/state.js";
import { stateNdjson } from "../state/write.js";
import { ENGINE_VERSION } from "./version.js";

/**
 * The format tag of run bundles written by this version. Format 2 added the optional `files` (every file of
 * the run folder with its size and fingerprint) and `inputs.*.file` (where the input file was, relative
 * to the run folder); format 1 bundles are still read and replayed.
 */
export const BUNDLE_FORMAT = "compplan-bundle/2";

/**
 * The format tag of the bundle of a run whose plan keeps state (docs/state.md): format 2 and `state`, the
 * opening and closing state; and of a period of a chain (`chain`, `compplan run --periods`). A run without state still writes {@link BUNDLE_FORMAT}, byte for byte as
 * before; a reader that knows only format 2 refuses a format 3 bundle by its format instead of misreading it.
 */
export const BUNDLE_FORMAT_STATE = "compplan-bundle/3";

/** @internal Every bundle format this version reads: `compplan-bundle/1` (no file list), {@link BUNDLE_FORMAT} and {@link BUNDLE_FORMAT_STATE}. */
export const BUNDLE_FORMATS: readonly string[] = ["compplan-bundle/1", BUNDLE_FORMAT, BUNDLE_FORMAT_STATE];

/** The opening state a bundle records (format 3): the state file the run read. */
export interface BundleOpeningState {
  /**
   * The fingerprint of the bundle of the run that wrote this state (the previous period's), when known:
   * `compplan run --state DIR/state.ndjson` reads DIR/bundle.json beside it. Covered by the fingerprint.
   */
  readonly bundle?: string;
  /** The state file, relative to the run folder with `/` between names; like an input's `file`, not covered. */
  readonly file?: string;
  /** `sha256:` and the SHA-256 of the state file's bytes. */
  readonly fingerprint: string;
  /** The period the state closes (its header's). */
  readonly period: string;
  /** The file's lines without their line feeds, with `--embed-inputs`; covered by `fingerprint`, not by the bundle's. */
  readonly lines?: readonly string[];
}

/** The state a bundle records (format 3): what the run read and what it wrote. */
export interface BundleState {
  /** The opening state, or null when none was read (a first period: every member at the initial values). */
  readonly opening: BundleOpeningState | null;
  /** The closing state: the fingerprint of the run's state.ndjson. */
  readonly closing: { readonly fingerprint: string };
}

/**
 * The chain of periods a run belongs to (`compplan run --periods`, format 3, docs/state.md): its run read
 * one members file and one orders file spanning every period and took its period's share of them. Covered
 * by the bundle's fingerprint. Replay reads the whole files again (those `inputs.*.file` name), splits them
 * as the run did, and checks the period's share against `inputs.*.fingerprint`.
 */
export interface BundleChain {
  /** The chain's periods in order; the bundle's `period` is one of them. */
  readonly periods: readonly string[];
  /** `sha256:` and the SHA-256 of the whole members file's bytes. */
  readonly members: string;
  /** `sha256:` and the SHA-256 of the whole orders file's bytes. */
  readonly orders: string;
}

/** One input of a bundle: its row count and fingerprint, and the canonical rows when embedded. */
export interface BundleInput<Row> {
  readonly count: number;
  readonly fingerprint: string;
  /**
   * The input file the run read, relative to the run folder with `/` between names (e.g.
   * `../data/members.csv`); written by `compplan run`, absent in bundles made by {@link createBundle}.
   * Not covered by the bundle's fingerprint: where a file was is not part of what was computed.
   */
  readonly file?: string;
  /** The canonical rows, sorted by id, when the bundle embeds its inputs. */
  readonly rows?: readonly Row[];
}

/** A run bundle; see docs/audit.md for the file format. */
export interface RunBundle {
  /** Always {@link BUNDLE_FORMAT}. */
  readonly format: string;
  /** The engine that computed the run. */
  readonly engine: { readonly name: string; readonly version: string };
  /** The plan: its id, fingerprint, and canonical form (from which replay parses it). */
  readonly plan: { readonly id: string; readonly fingerprint: string; readonly canonical: Readonly<Record<string, unknown>> };
  /** The period, YYYY-MM. */
  readonly period: string;
  readonly inputs: { readonly members: BundleInput<CanonicalMember>; readonly orders: BundleInput<CanonicalOrder> };
  /** The canonical statements: how many, and their fingerprint (SHA-256 of statements.ndjson). */
  readonly statements: { readonly count: number; readonly fingerprint: string };
  /** The run summary and its fingerprint. */
  readonly summary: { readonly fingerprint: string; readonly value: Summary };
  /**
   * Every file of the run folder except bundle.json, by name: its size in bytes (`bytes`) and
   * `fingerprint`, `sha256:` and the hex SHA-256 of its bytes. Written by `compplan run` (format 2); replay reports files missing, extra or changed. Not
   * covered by the bundle's fingerprint (statements.csv carries that fingerprint, so it cannot be inside).
   */
  readonly files?: Readonly<Record<string, { readonly bytes: number; readonly fingerprint: string }>>;
  /**
   * The names of the files the run wrote beside bundle.json (statements.ndjson, summary.json, and
   * statements.csv with the CSV format), sorted. Written by `compplan run` (format 2) and covered by the
   * bundle's fingerprint: a file of the run cannot be removed from the folder and from `files` unnoticed.
   */
  readonly outputs?: readonly string[];
  /** The opening and closing state, for a run whose plan keeps state (format 3); absent otherwise. */
  readonly state?: BundleState;
  /** The chain of periods the run belongs to, for a period of `compplan run --periods` (format 3); absent otherwise. */
  readonly chain?: BundleChain;
  /**
   * Fingerprint of the bundle: SHA-256 of the compact canonical JSON of everything above except embedded
   * rows, input file names and `files`.
   */
  readonly fingerprint: string;
}

/** Options of {@link createBundle}. */
export interface BundleOptions {
  /** Embed the canonical members and orders (and the opening state), so the bundle alone suffices to replay the run. */
  readonly embedInputs?: boolean;
}

/** @internal What `compplan run --state` records of the opening state beyond what the run knows: where it was, the previous bundle. */
export interface OpeningRecord {
  readonly file?: string;
  readonly bundle?: string;
}

/**
 * Creates the bundle of a finished run. Pass the input the run was computed from: the orders are
 * validated again and checked against the run (the same number of orders per member); the members are
 * taken from the run itself. Renders every statement once to fingerprint them.
 *
 * @param run - a finished run
 * @param input - the run's input (as given to `calculate`), or the prepared input it was run on
 * @param options - `embedInputs` to carry the rows
 * @returns the bundle
 * @throws CompplanError with `AUDIT_INPUT_MISMATCH` when the input is not the run's (or `ORDER_*` issues)
 * @example
 * ```ts
 * const run = calculate(plan, input);
 * const bundle = createBundle(run, input, { embedInputs: true });
 * writeFileSync("bundle.json", bundleJson(bundle));
 * ```
 */
export function createBundle(run: RunResult, input: CalculateInput | PreparedInput, options: BundleOptions = {}): RunBundle {
  requireArguments("createBundle", [["run", isRun(run), "a RunResult from calculate", run], ["input", isRecord(input), "an object { period, members, orders } or a prepared input", input], ["options", isOptions(options), "undefined or an options object", options]]);
  const orders = runOrders(run, input).columns;
  const g = run.internals.genealogy;
  const rows = options.embedInputs === true ? { members: canonicalMembers(g), orders: canonicalOrders(orders) } : undefined;
  return assembleBundle(run, inputSummaries(genealogyMembers(g), orders), fingerprintStatements(run), rows, undefined, options.embedInputs === true ? { embed: true } : {});
}

/**
 * @internal The state section of a run's bundle (format 3), or undefined when its plan keeps no state: the
 * opening state it was given (its fingerprint and period, with `record`'s file and previous bundle, its
 * lines when `embed`), or null; and the closing state's fingerprint.
 */
export function bundleState(run: RunResult, record: OpeningRecord & { readonly embed?: boolean } = {}): BundleState | undefined {
  const closing = stateNdjson(run);
  if (closing === undefined) return undefined;
  const given = run.internals.openingInput;
  let opening: BundleOpeningState | null = null;
  if (given !== undefined) {
    const text = stateText(given);
    opening = {
      ...(record.bundle !== undefined ? { bundle: record.bundle } : {}),
      ...(record.file !== undefined ? { file: record.file } : {}),
      fingerprint: fingerprintText(text),
      period: given.period,
      ...(record.embed === true ? { lines: text.slice(0, -1).split("\n") } : {}),
    };
  }
  return { opening, closing: { fingerprint: fingerprintText(closing) } };
}

/** @internal The row count and fingerprint of each input of a bundle. */
export interface InputSummaries {
  readonly members: { readonly count: number; readonly fingerprint: string };
  readonly orders: { readonly count: number; readonly fingerprint: string };
}

/** @internal The row counts and fingerprints of a run's members and orders, written from their columns. */
export function inputSummaries(members: MemberColumns, orders: OrderColumns): InputSummaries {
  return {
    members: { count: members.ids.length, fingerprint: fingerprintMembers(members) },
    orders: { count: orders.count, fingerprint: fingerprintOrders(orders) },
  };
}

/**
 * @internal Builds a bundle from its parts; the CLI passes the fingerprint of the statements file it wrote.
 * With `rows`, the bundle embeds them.
 */
export function assembleBundle(
  run: RunResult,
  inputs: InputSummaries,
  statementsFingerprint: string,
  rows?: { readonly members: readonly CanonicalMember[]; readonly orders: readonly CanonicalOrder[] },
  outputs?: readonly string[],
  opening: OpeningRecord & { readonly embed?: boolean } = {},
  chain?: BundleChain,
): RunBundle {
  const state = bundleState(run, opening);
  const head: Omit<RunBundle, "fingerprint"> = {
    format: state !== undefined || chain !== undefined ? BUNDLE_FORMAT_STATE : BUNDLE_FORMAT,
    engine: { name: "compplan", version: ENGINE_VERSION },
    plan: { id: run.plan.id, fingerprint: "", canonical: canonicalPlan(run.plan) },
    period: run.period.id,
    inputs: {
      members: { count: inputs.members.count, fingerprint: inputs.members.fingerprint },
      orders: { count: inputs.orders.count, fingerprint: inputs.orders.fingerprint },
    },
    statements: { count: run.memberCount, fingerprint: statementsFingerprint },
    summary: { fingerprint: fingerprintSummary(run.summary), value: run.summary },
    ...(outputs !== undefined ? { outputs: [...outputs].sort() } : {}),
    ...(state !== undefined ? { state } : {}),
    ...(chain !== undefined ? { chain: { periods: [...chain.periods], members: chain.members, orders: chain.orders } } : {}),
  };
  const plan = { ...head.plan, fingerprint: fingerprintText(canonicalJson(head.plan.canonical)) };
  const withPlan = { ...head, plan };
  const fingerprint = bundleFingerprint(withPlan);
  if (rows === undefined) return { ...withPlan, fingerprint };
  return {
    ...withPlan,
    inputs: { members: { ...withPlan.inputs.members, rows: rows.members }, orders: { ...withPlan.inputs.orders, rows: rows.orders } },
    fingerprint,
  };
}

/**
 * Recomputes a bundle's own fingerprint from its contents (embedded rows excluded). Replay compares it
 * with the recorded `fingerprint`.
 *
 * @param bundle - a bundle, with or without its `fingerprint`
 * @returns `sha256:` and 64 hex digits
 * @example
 * ```ts
 * bundleFingerprint(bundle) === bundle.fingerprint; // untouched
 * ```
 */
export function bundleFingerprint(bundle: Omit<RunBundle, "fingerprint"> & { readonly fingerprint?: string }): string {
  const { fingerprint: _, files: __, inputs, state, ...rest } = bundle;
  const strip = <R>(p: BundleInput<R>) => ({ count: p.count, fingerprint: p.fingerprint });
  // The opening state's file name and embedded lines are left out, as the inputs' are.
  const opening = state?.opening === null || state === undefined ? null : { ...(state.opening.bundle !== undefined ? { bundle: state.opening.bundle } : {}), fingerprint: state.opening.fingerprint, period: state.opening.period };
  return fingerprintText(canonicalJson({ ...rest, inputs: { members: strip(inputs.members), orders: strip(inputs.orders) }, ...(state !== undefined ? { state: { closing: state.closing, opening } } : {}) }));
}

/** @internal How bundle.json lays out embedded rows: one a line, indented, inside `"rows": [` … `]`. */
export const EMBEDDED_ROWS: LineLayout = { first: "\n        ", between: ",\n        ", after: "" };

/** Canonical rows (objects) laid out as {@link EMBEDDED_ROWS}, in pieces of about a million characters. */
function* embeddedRows<Row>(rows: readonly Row[], line: (row: Row) => string): IterableIterator<string> {
  let buf = "";
  for (let r = 0; r < rows.length; r++) {
    buf += `${r === 0 ? EMBEDDED_ROWS.first : EMBEDDED_ROWS.between}${line(rows[r] as Row).slice(0, -1)}`;
    if (buf.length > 1 << 20) {
      yield buf;
      buf = "";
    }
  }
  if (buf.length > 0) yield buf;
}

/**
 * The bundle as the text of bundle.json, in pieces (a bundle with a million embedded rows is larger than
 * one string should be). Canonical JSON indented by two spaces, each embedded row on one line.
 *
 * @param bundle - a bundle
 * @returns pieces of text whose concatenation is the file, ending with a line feed
 * @example
 * ```ts
 * const fd = openSync("bundle.json", "w");
 * for (const piece of bundleJsonChunks(bundle)) writeSync(fd, piece);
 * ```
 */
export function bundleJsonChunks(bundle: RunBundle): IterableIterator<string> {
  const { members, orders } = bundle.inputs;
  return bundleJsonPieces(bundle, {
    ...(members.rows !== undefined ? { members: embeddedRows(members.rows, memberLine) } : {}),
    ...(orders.rows !== undefined ? { orders: embeddedRows(orders.rows, orderLine) } : {}),
  });
}

/**
 * @internal bundle.json in pieces, with the embedded rows of each input given as text already laid out as
 * {@link EMBEDDED_ROWS} (the CLI writes them straight from the run's columns); `bundle`'s own rows are not read.
 */
export function* bundleJsonPieces(bundle: RunBundle, rows: { readonly members?: Iterable<string>; readonly orders?: Iterable<string> }): IterableIterator<string> {
  const indent = (value: unknown, pad: string) => canonicalJson(value, 2).replace(/\n/g, `\n${pad}`);
  const { inputs, ...rest } = bundle;
  const top = Object.keys({ ...rest, inputs }).sort();
  let first = true;
  yield "{\n";
  for (const key of top) {
    yield `${first ? "" : ",\n"}  ${JSON.stringify(key)}: `;
    first = false;
    if (key !== "inputs") {
      yield indent((rest as Record<string, unknown>)[key], "  ");
      continue;
    }
    yield "{\n";
    const parts = ["members", "orders"] as const;
    for (let p = 0; p < parts.length; p++) {
      const name = parts[p] as (typeof parts)[number];
      const part = inputs[name];
      const file = part.file !== undefined ? `\n      "file": ${JSON.stringify(part.file)},` : "";
      yield `    ${JSON.stringify(name)}: {\n      "count": ${part.count},${file}\n      "fingerprint": ${JSON.stringify(part.fingerprint)}`;
      const text = rows[name];
      if (text !== undefined) {
        yield ',\n      "rows": [';
        let any = false;
        for (const piece of text) {
          any ||= piece.length > 0;
          yield piece;
        }
        yield `${any ? "\n      " : ""}]`;
      }
      yield `\n    }${p + 1 < parts.length ? "," : ""}\n`;
    }
    yield "  }";
  }
  yield "\n}\n";
}

/**
 * The bundle as the text of bundle.json. See {@link bundleJsonChunks} for large bundles.
 *
 * @param bundle - a bundle
 * @returns the file's text
 * @example
 * ```ts
 * writeFileSync("out/bundle.json", bundleJson(createBundle(run, input)));
 * ```
 */
export function bundleJson(bundle: RunBundle): string {
  return Array.from(bundleJsonChunks(bundle)).join("");
}

const fingerprint = z.string().regex(FINGERPRINT_RE, "a fingerprint is sha256: and 64 lower-case hex digits");
const count = z.number().int().min(0);
const input = z.strictObject({ count, file: z.string().optional(), fingerprint, rows: z.array(z.unknown()).optional() });
const bundleFile = z.strictObject({ bytes: count, fingerprint });
const bundleSchema = z.strictObject({
  format: z.enum(BUNDLE_FORMATS as [string, ...string[]]),
  engine: z.strictObject({ name: z.string(), version: z.string() }),
  plan: z.strictObject({ id: z.string(), fingerprint, canonical: z.record(z.string(), z.unknown()) }),
  period: z.string(),
  inputs: z.strictObject({ members: input, orders: input }),
  statements: z.strictObject({ count, fingerprint }),
  summary: z.strictObject({ fingerprint, value: z.record(z.string(), z.unknown()) }),
  files: z.record(z.string(), bundleFile).optional(),
  outputs: z.array(z.string()).optional(),
  state: z
    .strictObject({
      opening: z.strictObject({ bundle: fingerprint.optional(), file: z.string().optional(), fingerprint, period: z.string(), lines: z.array(z.string()).optional() }).nullable(),
      closing: z.strictObject({ fingerprint }),
    })
    .optional(),
  chain: z.strictObject({ periods: z.array(z.string()).min(1), members: fingerprint, orders: fingerprint }).optional(),
  fingerprint,
}).refine((b) => (b.state !== undefined || b.chain !== undefined) === (b.format === BUNDLE_FORMAT_STATE), { message: `a bundle has state or a chain exactly when its format is ${BUNDLE_FORMAT_STATE}`, path: ["state"] });

/**
 * Reads a bundle: the text of bundle.json or an already-parsed object. Checks its shape only; whether its
 * contents are true is what {@link replay} checks.
 *
 * @param input - bundle.json text, or the parsed value
 * @returns the bundle, or `AUDIT_BUNDLE_INVALID` issues (with the path of each bad field)
 * @example
 * ```ts
 * const r = safeParseBundle(readFileSync("out/bundle.json", "utf8"));
 * if (r.ok) console.log(r.value.plan.id, r.value.fingerprint);
 * ```
 */
export function safeParseBundle(input: unknown): Result<RunBundle> {
  let data = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input);
    } catch (e) {
      return { ok: false, issues: [issue("AUDIT_BUNDLE_INVALID", [], `the bundle is not valid JSON: ${(e as Error).message}`)] };
    }
  }
  // Nothing a run writes is nested more than a few levels deep; deeper nesting would only exhaust the stack
  // of whatever walks the value later (canonical JSON, comparison).
  const deep = deeperThan(data, BUNDLE_DEPTH_MAX);
  if (deep !== undefined) return { ok: false, issues: [issue("AUDIT_BUNDLE_INVALID", deep, `the bundle nests values more than ${BUNDLE_DEPTH_MAX} levels deep here; no run writes that`)] };
  const r = bundleSchema.safeParse(data);
  if (r.success) return { ok: true, value: r.data as unknown as RunBundle };
  const issues: Issue[] = r.error.issues.slice(0, 50).map((i) =>
    issue("AUDIT_BUNDLE_INVALID", i.path.filter((s): s is PathSegment => typeof s !== "symbol"), i.path[0] === "format" ? `not a compplan run bundle this version reads (format must be ${BUNDLE_FORMATS.map((f) => `"${f}"`).join(" or ")})` : i.message),
  );
  return { ok: false, issues };
}

/** How deep a bundle's JSON may nest (a run's bundle nests well under 16 levels). */
const BUNDLE_DEPTH_MAX = 64;

/** The path of the first place `value` nests deeper than `max` levels, or undefined. Iterative. */
function deeperThan(value: unknown, max: number): PathSegment[] | undefined {
  const stack: { v: unknown; path: PathSegment[] }[] = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: PathSegment[] };
    if (typeof v !== "object" || v === null) continue;
    if (path.length >= max) return path.slice(0, 8);
    for (const [k, child] of Object.entries(v)) if (typeof child === "object" && child !== null) stack.push({ v: child, path: [...path, Array.isArray(v) ? Number(k) : k] });
  }
  return undefined;
}

/**
 * Reads a bundle; throws when its shape is wrong. See {@link safeParseBundle}.
 *
 * @param input - bundle.json text, or the parsed value
 * @returns the bundle
 * @throws CompplanError with `AUDIT_BUNDLE_INVALID`
 * @example
 * ```ts
 * const bundle = parseBundle(readFileSync("out/bundle.json", "utf8"));
 * ```
 */
export function parseBundle(input: unknown): RunBundle {
  const r = safeParseBundle(input);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}
