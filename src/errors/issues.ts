/**
 * Issues are data: every problem with a plan or an input is reported as an {@link Issue} with a stable
 * `code`, a `path` to the offending place and, where there is one, the offending `value`. Codes are a
 * public contract (see docs/errors.md); messages may change between versions.
 */

/** Every issue code compplan can report, with what it means. The keys are the stable public codes. */
export const ISSUE_CODES = {
  PLAN_SYNTAX: "The plan file is not valid YAML or JSON.",
  PLAN_DUPLICATE_KEY: "A key appears twice in the same mapping of the plan file.",
  PLAN_UNKNOWN_KEY: "The plan has a key the plan language does not define (often a typo).",
  PLAN_MISSING_KEY: "A required key is missing from the plan.",
  PLAN_INVALID_VALUE: "A plan value has the wrong type or is not one of the allowed values.",
  PLAN_DECIMAL_FORMAT: "A plan number is not a decimal string such as \"0.05\" (numbers must be quoted strings).",
  PLAN_DECIMAL_PRECISION: "A plan number has more decimal places than allowed for its kind.",
  PLAN_RATE_RANGE: "A rate or share is outside 0..1.",
  PLAN_VALUE_RANGE: "A plan number is outside its allowed range.",
  PLAN_UNKNOWN_MEASURE: "The plan names a volume measure it does not define.",
  PLAN_UNKNOWN_RANK: "The plan names a rank that is not in its rank ladder.",
  PLAN_DUPLICATE_NAME: "Two ranks, measures or bonuses share a name or key.",
  PLAN_RANK_LADDER: "The rank ladder contradicts itself: a higher rank is easier to reach than a lower one.",
  PLAN_UNKNOWN_BONUS_KIND: "A bonus names a kind that compplan does not know.",
  PLAN_UNKNOWN_BONUS: "A bonus names another bonus (whose results it reads) that the plan does not have.",
  PLAN_STEP_CYCLE: "Steps read each other's results in a circle (a matches b's earnings, b matches a's; or the ranks require earnings of a bonus that reads rank), so no order can run them.",
  PLAN_UNKNOWN_COLUMN: "A rank requirement reads a column that no bonus of the plan publishes (columns are earnings.<key> and the <key>.<name> columns bonuses declare).",
  PERIOD_INVALID: "The period is not a month YYYY-MM, an ISO week YYYY-Www or a date range YYYY-MM-DD..YYYY-MM-DD of at most 366 days.",
  INPUT_EMPTY: "An input file or array is empty.",
  INPUT_UNREADABLE: "A file cannot be read: it is missing, a folder, or not readable (the message gives the system's reason).",
  INPUT_ENCODING: "A file is not valid UTF-8 (the message gives the line and byte offset of the first bad byte); no byte is ever replaced, because ids are compared exactly.",
  INPUT_MALFORMED: "An input file cannot be read as CSV, JSON or NDJSON.",
  INPUT_TRUNCATED: "An input file ends in the middle of a record, or a row has fewer fields than the header.",
  INPUT_MISSING_COLUMN: "A CSV header lacks a required column.",
  INPUT_UNKNOWN_COLUMN: "A CSV header or JSON record has a column or field compplan does not know.",
  INPUT_MISSING_FIELD: "A record lacks a required field, or the field is empty.",
  INPUT_INVALID_FIELD: "A record field has the wrong type or format.",
  INPUT_INVALID_ARGUMENT: "A library function was called with an argument that is missing or of the wrong type (for example `safeCalculate(plan, null)`).",
  MEMBER_DUPLICATE_ID: "Two members share an id.",
  MEMBER_UNKNOWN_SPONSOR: "A member's sponsor id is not a member.",
  MEMBER_SPONSOR_CYCLE: "Sponsor links form a cycle, so some members never reach the root.",
  MEMBER_MULTIPLE_ROOTS: "More than one member has no sponsor.",
  MEMBER_NO_ROOT: "No member is without a sponsor, so the sponsor tree has no root.",
  MEMBER_JOINED_AFTER_PERIOD: "A member's join date is after the end of the period.",
  MEMBER_UNKNOWN_RANK: "A member is given a rank (the members' `rank` column) that is not a rank of the plan's ladder; found when the plan runs, before anything is computed.",
  PLACEMENT_MISSING: "The input has a placement tree (some member has a placementId) but a member other than the root has none, or a member has a placementId without a leg or a leg without a placementId.",
  PLACEMENT_LEG_INVALID: "A member's leg is not L, R or a whole number 1 to 1000.",
  PLACEMENT_ROOT: "The root of the sponsor tree has a placementId: it is also the root of the placement tree, placed under no one.",
  PLACEMENT_UNKNOWN_PARENT: "A member's placementId is not a member.",
  PLACEMENT_CYCLE: "Placement links form a cycle, so some members never reach the placement tree's root.",
  PLACEMENT_POSITION_TAKEN: "Two members are placed on the same leg position under one placement parent.",
  PLACEMENT_TOO_WIDE: "A member's leg position is larger than the plan's placement width (binary: 2), or than the width placement helpers were given (`compplan place --width`).",
  PLACEMENT_PARENT_UNPLACED: "Placement helpers (`compplan place`, `placeMembers`): a member is placed under a member who has no placement yet (a new member, to be placed); placed members must hang from placed members.",
  PLACEMENT_MATRIX_FULL: "Placement helpers: a new member has no free position, because its sponsor's matrix of the given depth is full (and, with `whenFull: upline`, so is every matrix up the sponsor line).",
  PLACEMENT_NO_TREE: "A bonus of the plan walks the placement tree, but no member of the input has a placementId.",
  STATE_MALFORMED: "A state file is not canonical NDJSON with its header: a line that is not a canonical JSON object, a missing or wrong header, a file cut short.",
  STATE_PERIOD: "The opening state closes a period other than the one just before the run's period.",
  STATE_FIELDS: "The state's fields differ from the fields the plan keeps (names or kinds); the state must be migrated.",
  STATE_INVALID_VALUE: "A value in a state row is of the wrong kind or out of range, a rank the plan does not have, or a row without an id, duplicated or out of order.",
  STATE_UNKNOWN_MEMBER: "The state has a row for a member who is not in the members file (and the plan's state.unknownMembers is error).",
  ORDER_DUPLICATE_ID: "Two orders share an id.",
  ORDER_UNKNOWN_MEMBER: "An order's member id is not a member.",
  ORDER_OUTSIDE_PERIOD: "An order's date is outside the period.",
  ORDER_UNKNOWN_KIND: "An order's kind is not personal-consumption, retail-sale or customer-order.",
  ORDER_UNKNOWN_MEASURE: "An order carries a volume for a measure the plan does not define, or for an accumulated measure (orders carry none of it).",
  ORDER_VOLUME_INVALID: "An order volume is not a finite decimal number.",
  ORDER_VOLUME_NEGATIVE: "An order volume is negative.",
  ORDER_VOLUME_PRECISION: "An order volume has more than 4 decimal places.",
  ORDER_VOLUME_TOO_LARGE: "An order volume is larger than 1,000,000,000.",
  RUN_VOLUME_OVERFLOW: "A measure's total over all orders exceeds 900,719,925,474, the most computed exactly.",
  AUDIT_BUNDLE_INVALID: "A run bundle is not valid: not readable JSON, an unknown format, a missing or mistyped field, or a plan that does not parse.",
  AUDIT_INPUT_MISSING: "Replay or explain needs the run's members and orders: the bundle does not embed them and none were given.",
  AUDIT_INPUT_MISMATCH: "The members or orders given are not those the run was computed from (their fingerprint or counts differ).",
  AUDIT_UNKNOWN_MEMBER: "Explain was asked about a member id that is not in the run.",
  AUDIT_UNKNOWN_BONUS: "Explain or a report was asked about a bonus key that is not in the plan.",
  AUDIT_NO_REPORT: "A report was asked of a bonus whose family makes none (the families with a report: contest, payout-cap).",
  CHANGE_SYNTAX: "The change-set file is not valid YAML or JSON.",
  CHANGE_INVALID: "A change set does not follow the change-set format: an unknown or missing key, or a value of the wrong type.",
  CHANGE_PATH_SYNTAX: "A change's path cannot be read (paths look like bonuses[key=unilevel].schedule[0].rates[2]).",
  CHANGE_NOT_FOUND: "A change names a place, rank or bonus that the plan does not have.",
  CHANGE_AMBIGUOUS: "A path selector such as [rank=Gold] matches more than one element.",
  CHANGE_DATED_UNSUPPORTED: "A change has a `from` date, but the plan has no dated values (plan language v1).",
  SIMULATE_CURRENCY_MISMATCH: "The two plans compared pay in different currencies.",
} as const;

/** A stable issue code; see {@link ISSUE_CODES}. */
export type IssueCode = keyof typeof ISSUE_CODES;

/** One segment of a path to the offending place: an object key or an array index. */
export type PathSegment = string | number;

/**
 * One problem found in a plan or an input.
 *
 * `path` locates it inside the structure (`["members", 812, "sponsorId"]`); for files, `file` and `line`
 * (1-based) locate the row as well.
 */
export interface Issue {
  /** Stable machine-readable code. */
  readonly code: IssueCode;
  /** Where the problem is, from the top of the plan or input. */
  readonly path: readonly PathSegment[];
  /** A human-readable explanation; wording may change between versions. */
  readonly message: string;
  /** The offending value, where there is one. */
  readonly value?: unknown;
  /** The file the problem is in, for file inputs. */
  readonly file?: string;
  /** The 1-based line of the file: the record's line for file inputs, the offending node's line for plan and change-set text. */
  readonly line?: number;
  /** The 1-based column of the offending node, for plan and change-set text. */
  readonly column?: number;
}

/** The result of a `safe…` function: the value, or the issues that prevented it. Never both. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly Issue[] };

/** Thrown by the throwing forms (`parsePlan`, `calculate`, …) when input is invalid; carries every issue. */
export class CompplanError extends Error {
  /** Every issue found, in a deterministic order. */
  readonly issues: readonly Issue[];

  /**
   * Wraps the issues of an invalid plan or input.
   * @param issues - the issues found; the message summarises the first few.
   */
  constructor(issues: readonly Issue[]) {
    super(summarizeIssues(issues));
    this.name = "CompplanError";
    this.issues = issues;
  }
}

/** Thrown when an engine invariant fails: always a bug in compplan, never a problem with the input. */
export class InvariantError extends Error {
  /** The name of the invariant that failed. */
  readonly invariant: string;

  /**
   * Reports a broken engine invariant.
   * @param invariant - a short stable name of the broken invariant
   * @param detail - what was observed
   */
  constructor(invariant: string, detail: string) {
    super(`compplan invariant "${invariant}" failed: ${detail}. This is a bug in compplan; please report it.`);
    this.name = "InvariantError";
    this.invariant = invariant;
  }
}

/** @internal Throws an InvariantError when `condition` is false. */
export function assert(condition: boolean, invariant: string, detail = "condition was false"): asserts condition {
  if (!condition) throw new InvariantError(invariant, detail);
}

/**
 * Formats an issue as one line: `CODE at path (file:line:column): message [value: …]` (`(line L, column C)`
 * without a file). Values and long
 * quoted names in the message are cut to about 100 characters with the full size noted; never throws.
 */
export function formatIssue(issue: Issue): string {
  const where = issue.path.length > 0 ? ` at ${cutText(formatPath(issue.path), SHOWN_CHARS * 3)}` : "";
  const lineCol = issue.line === undefined ? "" : issue.column === undefined ? `${issue.line}` : `${issue.line}:${issue.column}`;
  const loc =
    issue.file !== undefined
      ? ` (${cutText(issue.file, SHOWN_CHARS * 3)}${lineCol !== "" ? `:${lineCol}` : ""})`
      : issue.line !== undefined
        ? ` (line ${issue.line}${issue.column !== undefined ? `, column ${issue.column}` : ""})`
        : "";
  const value = "value" in issue ? ` [value: ${formatValue(issue.value)}]` : "";
  return `${issue.code}${where}${loc}: ${cutMessage(issue.message)}${value}`;
}

/** A text of at most `max` characters: longer ones are cut, with their length noted. */
function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length.toLocaleString("en-US")} characters)`;
}

/** @internal The most characters of a value (or of a quoted name in a message) shown before it is cut. */
export const SHOWN_CHARS = 100;
/** Nesting deeper than this is shown as `…`. */
const SHOWN_DEPTH = 8;

/**
 * @internal Renders any value for a message as JSON-like text of at most about {@link SHOWN_CHARS}
 * characters: a longer value is cut with `…` and its full size noted (`"abc…" (10000000 characters)`,
 * `["0.05",…] (100000 elements)`). Never throws: BigInt shows as `5n`, a cycle as `[Circular]`, deep
 * nesting as `…`, and a property that throws when read as `[unreadable]`.
 */
export function formatValue(value: unknown, max = SHOWN_CHARS): string {
  // A long string keeps its closing quote, so a message quoting it stays readable: "abc…" (N characters).
  if (typeof value === "string" && value.length > max) return `${JSON.stringify(value.slice(0, max)).slice(0, -1)}…" (${sizeOf(value)})`;
  let out = "";
  let full = true;
  const emit = (text: string): boolean => {
    if (out.length + text.length > max) {
      out += text.slice(0, Math.max(0, max - out.length));
      full = false;
      return false;
    }
    out += text;
    return true;
  };
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): boolean => {
    if (typeof v === "string") return emit(JSON.stringify(v.length > max ? v.slice(0, max + 1) : v));
    if (typeof v === "bigint") return emit(`${v}n`);
    if (typeof v === "number" || typeof v === "boolean" || v === undefined) return emit(String(v));
    if (v === null) return emit("null");
    if (typeof v === "function") return emit("[function]");
    if (typeof v === "symbol") return emit(v.toString());
    if (seen.has(v)) return emit("[Circular]");
    if (depth >= SHOWN_DEPTH) return emit(Array.isArray(v) ? "[…]" : "{…}");
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        if (!emit("[")) return false;
        for (let i = 0; i < v.length; i++) if (!((i === 0 || emit(",")) && walk(v[i], depth + 1))) return false;
        return emit("]");
      }
      if (!emit("{")) return false;
      let first = true;
      for (const k of Object.keys(v)) {
        if (!((first || emit(",")) && emit(`${JSON.stringify(k)}:`) && walk((v as Record<string, unknown>)[k], depth + 1))) return false;
        first = false;
      }
      return emit("}");
    } catch {
      return emit("[unreadable]");
    } finally {
      seen.delete(v);
    }
  };
  walk(value, 0);
  if (full) return out;
  return `${out}… (${sizeOf(value)})`;
}

/** The full size of a value that was cut, in words: characters, elements or keys. */
function sizeOf(value: unknown): string {
  const n = (count: number, unit: string) => `${count.toLocaleString("en-US")} ${unit}${count === 1 ? "" : "s"}`;
  try {
    if (typeof value === "string") return n(value.length, "character");
    if (Array.isArray(value)) return n(value.length, "element");
    if (typeof value === "object" && value !== null) return n(Object.keys(value).length, "key");
  } catch {
    // fall through: a value that cannot be measured
  }
  return "cut";
}

/**
 * @internal Cuts every double-quoted run longer than {@link SHOWN_CHARS} in a message (an id or name
 * echoed in it), and the whole message beyond ten times that, noting the full length.
 */
export function cutMessage(message: string): string {
  // A run already cut (ending in "…", its length noted after it) is left as it is.
  const quoted = message.replace(/"([^"\n]{101,})"/g, (m, s: string) => (s.endsWith("…") ? m : `"${s.slice(0, SHOWN_CHARS)}…" (${s.length.toLocaleString("en-US")} characters)`));
  const limit = SHOWN_CHARS * 10;
  return quoted.length <= limit ? quoted : `${quoted.slice(0, limit)}… (${quoted.length.toLocaleString("en-US")} characters)`;
}

/**
 * @internal The value an issue keeps: exactly the offending value when it is plain JSON data (strings,
 * numbers, booleans, null, and arrays and objects of them nested at most 64 deep), so programs can match
 * it; otherwise (BigInt, a cycle, deeper nesting, a function, a non-finite number) its text from
 * {@link formatValue}, so an issue can always be printed and serialised.
 */
export function issueValue(value: unknown): unknown {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  const seen = new Set<object>();
  try {
    while (stack.length > 0) {
      const { v, depth } = stack.pop() as { v: unknown; depth: number };
      if (v === null || v === undefined || typeof v === "string" || typeof v === "boolean") continue;
      if (typeof v === "number" && Number.isFinite(v)) continue;
      if (typeof v !== "object" || depth >= 64 || seen.has(v)) return formatValue(value);
      const proto = Object.getPrototypeOf(v);
      if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return formatValue(value);
      seen.add(v);
      for (const child of Object.values(v)) stack.push({ v: child, depth: depth + 1 });
    }
  } catch {
    return formatValue(value);
  }
  return value;
}

/** @internal Renders a path as `members[812].sponsorId`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out;
}

function summarizeIssues(issues: readonly Issue[]): string {
  const head = issues.slice(0, 5).map(formatIssue).join("\n  ");
  const more = issues.length > 5 ? `\n  … and ${issues.length - 5} more` : "";
  return `${issues.length} issue${issues.length === 1 ? "" : "s"}:\n  ${head}${more}`;
}

/**
 * @internal Builds an issue, with the value only when one is given: long quoted names in the message are
 * cut ({@link cutMessage}) and the value is kept exact when it is plain JSON data ({@link issueValue}).
 */
export function issue(code: IssueCode, path: readonly PathSegment[], message: string, ...value: unknown[]): Issue {
  const text = cutMessage(message);
  return value.length > 0 ? { code, path, message: text, value: issueValue(value[0]) } : { code, path, message: text };
}
