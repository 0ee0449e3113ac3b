/**
 * Field-level validation of member and order records, from API arrays or from file readers. Every bad
 * field becomes an issue with its code, path and value; a record with any issue is not used, and the run
 * does not start while any issue remains.
 */
import { type Issue, type IssueCode, type PathSegment, issue } from "../errors/issues.js";
import { MEMBER_STATUSES, type MemberStatus } from "../genealogy/genealogy.js";
import { VOLUME_MAX, VOLUME_SCALE, parseUnits } from "../money/decimal.js";
import { ORDER_KINDS, type OrderKind, PLACEMENT_WIDTH_MAX, RANK_NAME_RE } from "../plan/fields.js";
import { type Period, isIsoDate } from "../run/period.js";
import { cut } from "./read.js";
import type { MemberRow, OrderColumns, RecordOrigin } from "./rows.js";

/** A member as given to {@link calculate}: `sponsorId` is null, empty or absent for the root. */
export interface MemberInput {
  readonly id: string;
  readonly sponsorId?: string | null;
  /** YYYY-MM-DD, on or before the last day of the period. */
  readonly joinDate: string;
  /** Account status; defaults to "enrolled". */
  readonly status?: MemberStatus;
  /**
   * A rank the company set for the member (carried, forced or recognised), or null, empty or absent for
   * none. It must be a rank of the plan's ladder (checked when a plan runs: `MEMBER_UNKNOWN_RANK`); the
   * plan's `givenRank` decides whether it is a floor under the computed rank or the paid-as rank itself.
   */
  readonly rank?: string | null;
  /**
   * The member's parent in the placement tree (binary or matrix), when the input has one: every member but
   * the sponsor tree's root then has a `placementId` and a `leg`; null, empty or absent otherwise.
   */
  readonly placementId?: string | null;
  /**
   * The position under the placement parent: `"L"` or `"R"` (positions 1 and 2), or a whole number
   * 1 to 1000 (as a number or a string). Given exactly when `placementId` is.
   */
  readonly leg?: string | number | null;
}

/** The largest leg position an input may give (a plan's placement width is at most this). */
const LEG_MAX = PLACEMENT_WIDTH_MAX;

/** An order as given to {@link calculate}. Volumes are decimal strings (numbers are accepted too). */
export interface OrderInput {
  readonly id: string;
  readonly memberId: string;
  readonly kind: OrderKind;
  /** YYYY-MM-DD, within the period. */
  readonly date: string;
  /** Volume per measure name, e.g. `{ PV: "100", CV: "80" }`; a measure left out counts as 0. */
  readonly volumes: Readonly<Record<string, string | number>>;
}

const VOLUME_MAX_UNITS = BigInt(VOLUME_MAX) * 10n ** BigInt(VOLUME_SCALE);
const MEMBER_FIELDS = new Set(["id", "sponsorId", "joinDate", "status", "rank", "placementId", "leg"]);
const ORDER_FIELDS = new Set(["id", "memberId", "kind", "date", "volumes"]);

/** @internal Validates member records; `origins[i]` locates record i in a file when there is one. */
export function validateMembers(
  records: readonly unknown[],
  period: Period,
  source = "members",
  origins?: readonly RecordOrigin[],
): { rows: MemberRow[]; issues: Issue[] } {
  const rows: MemberRow[] = [];
  const issues: Issue[] = [];
  for (let i = 0; i < records.length; i++) {
    const origin = origins?.[i] ?? {};
    const add = (code: IssueCode, field: PathSegment[], message: string, ...value: unknown[]) =>
      issues.push(at(origin, code, [source, i, ...field], message, value));
    const rec = records[i];
    if (!isPlainObject(rec)) {
      add("INPUT_INVALID_FIELD", [], "a member is an object with id, sponsorId, joinDate, status and rank", rec);
      continue;
    }
    const before = issues.length;
    for (const k of Object.keys(rec)) {
      if (!MEMBER_FIELDS.has(k)) add("INPUT_UNKNOWN_COLUMN", [k], `unknown member field "${cut(k)}" (fields: id, sponsorId, joinDate, status, rank, placementId, leg)`, k);
    }
    const id = requireId(rec.id, ["id"], "member id", add);
    let sponsorId: string | null = null;
    if (rec.sponsorId !== undefined && rec.sponsorId !== null && rec.sponsorId !== "") {
      sponsorId = requireId(rec.sponsorId, ["sponsorId"], "sponsor id", add) ?? null;
    }
    const joinDate = rec.joinDate;
    if (joinDate === undefined || joinDate === null || joinDate === "") {
      add("INPUT_MISSING_FIELD", ["joinDate"], "joinDate is required (YYYY-MM-DD)");
    } else if (!isIsoDate(joinDate)) {
      add("INPUT_INVALID_FIELD", ["joinDate"], "joinDate must be a date written YYYY-MM-DD", joinDate);
    } else if (joinDate > period.end) {
      add("MEMBER_JOINED_AFTER_PERIOD", ["joinDate"], `joined ${joinDate}, after the period ends (${period.end})`, joinDate);
    }
    let status: MemberStatus = "enrolled";
    if (rec.status !== undefined && rec.status !== null && rec.status !== "") {
      if (typeof rec.status === "string" && (MEMBER_STATUSES as readonly string[]).includes(rec.status)) {
        status = rec.status as MemberStatus;
      } else add("INPUT_INVALID_FIELD", ["status"], `status must be one of ${MEMBER_STATUSES.join(", ")}`, rec.status);
    }
    let rank: string | undefined;
    if (rec.rank !== undefined && rec.rank !== null && rec.rank !== "") {
      if (typeof rec.rank === "string" && RANK_NAME_RE.test(rec.rank)) rank = rec.rank;
      else add("INPUT_INVALID_FIELD", ["rank"], "rank must be a rank name of the plan (a letter or a digit, then up to 63 letters, digits, spaces or _.'&+-), or empty for none", rec.rank);
    }
    let placementId: string | null = null;
    if (given(rec.placementId)) placementId = requireId(rec.placementId, ["placementId"], "placement id", add) ?? null;
    let leg = 0;
    if (given(rec.leg)) {
      leg = parseLeg(rec.leg);
      if (leg === 0) add("PLACEMENT_LEG_INVALID", ["leg"], `leg must be L, R or a whole number 1 to ${LEG_MAX} (the position under the placement parent)`, rec.leg);
    }
    if (given(rec.placementId) && !given(rec.leg)) add("PLACEMENT_MISSING", ["leg"], "a member with a placementId needs a leg (L, R or a position 1, 2, …)");
    if (given(rec.leg) && !given(rec.placementId)) add("PLACEMENT_MISSING", ["placementId"], "a member with a leg needs a placementId (the member it is placed under)");
    if (issues.length === before && id !== undefined) {
      rows.push({ id, sponsorId, joinDate: joinDate as string, status, ...(rank !== undefined ? { rank } : {}), ...(placementId !== null ? { placementId, leg } : {}), ...origin });
    }
  }
  return { rows, issues };
}

/**
 * @internal Validates order records against the measures and the period, into columns: no object per
 * order survives validation, so a run over millions of orders keeps the garbage collector's work small.
 * When there are no issues, column i is record i.
 */
export function validateOrders(
  records: readonly unknown[],
  period: Period,
  measures: ReadonlySet<string>,
  source = "orders",
  origins?: readonly RecordOrigin[],
): { columns: OrderColumns; issues: Issue[] } {
  const n = records.length;
  const names = [...measures].sort();
  const measureIndex = new Map(names.map((name, k) => [name, k]));
  const ids = new Array<string>(n);
  const memberIds = new Array<string>(n);
  const dates = new Array<string>(n);
  const columns: OrderColumns = {
    count: n,
    ids,
    memberIds,
    kinds: new Uint8Array(n),
    dates,
    measures: names,
    volumes: names.map(() => new Float64Array(n)),
  };
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  const fail = (i: number, code: IssueCode, field: PathSegment[], message: string, ...value: unknown[]) =>
    issues.push(at(origins?.[i] ?? {}, code, [source, i, ...field], message, value));
  for (let i = 0; i < n; i++) {
    const rec = records[i];
    if (!isPlainObject(rec)) {
      fail(i, "INPUT_INVALID_FIELD", [], "an order is an object with id, memberId, kind, date and volumes", rec);
      continue;
    }
    for (const k in rec) {
      if (!ORDER_FIELDS.has(k)) fail(i, "INPUT_UNKNOWN_COLUMN", [k], `unknown order field "${cut(k)}" (fields: id, memberId, kind, date, volumes)`, k);
    }
    const id = requireId(rec.id, ["id"], "order id", (...a) => fail(i, ...a));
    if (id !== undefined) {
      const prev = seen.get(id);
      if (prev !== undefined) fail(i, "ORDER_DUPLICATE_ID", ["id"], `order id "${id}" also appears at ${source}[${prev}]`, id);
      else seen.set(id, i);
      ids[i] = id;
    }
    const memberId = requireId(rec.memberId, ["memberId"], "member id", (...a) => fail(i, ...a));
    if (memberId !== undefined) memberIds[i] = memberId;
    const kind = rec.kind;
    const k = typeof kind === "string" ? KIND_INDEX.get(kind) : undefined;
    if (k !== undefined) columns.kinds[i] = k;
    else if (kind === undefined || kind === null || kind === "") fail(i, "INPUT_MISSING_FIELD", ["kind"], `kind is required (${ORDER_KINDS.join(", ")})`);
    else fail(i, "ORDER_UNKNOWN_KIND", ["kind"], `kind must be one of ${ORDER_KINDS.join(", ")}`, kind);
    const date = rec.date;
    if (date === undefined || date === null || date === "") fail(i, "INPUT_MISSING_FIELD", ["date"], "date is required (YYYY-MM-DD)");
    else if (!isIsoDate(date)) fail(i, "INPUT_INVALID_FIELD", ["date"], "date must be a date written YYYY-MM-DD", date);
    else if (date < period.start || date > period.end) {
      fail(i, "ORDER_OUTSIDE_PERIOD", ["date"], `order date ${date} is outside the period ${period.start} .. ${period.end}`, date);
    } else dates[i] = date;
    const vol = rec.volumes;
    if (vol === undefined || vol === null) fail(i, "INPUT_MISSING_FIELD", ["volumes"], "volumes is required, e.g. { \"PV\": \"100\" }");
    else if (!isPlainObject(vol)) fail(i, "INPUT_INVALID_FIELD", ["volumes"], "volumes is an object of measure name to decimal", vol);
    else {
      for (const name in vol) {
        const raw = vol[name];
        const m = measureIndex.get(name);
        if (m === undefined) {
          fail(i, "ORDER_UNKNOWN_MEASURE", ["volumes", name], `the plan has no order measure "${cut(name)}" (order measures: ${names.join(", ")})`, name);
          continue;
        }
        const units = parseVolume(raw);
        if (typeof units === "number") (columns.volumes[m] as Float64Array)[i] = units;
        else fail(i, units.code, ["volumes", name], units.message, raw);
      }
    }
  }
  return { columns, issues };
}

/** Whether an optional field is given: not absent, null or empty. */
function given(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

/**
 * @internal A leg's position: `L` is 1, `R` is 2, a whole number 1 to 1000 is itself (written
 * without sign, leading zeros or decimals when a string); 0 for anything else.
 */
export function parseLeg(raw: unknown): number {
  if (raw === "L") return 1;
  if (raw === "R") return 2;
  if (typeof raw === "number") return Number.isInteger(raw) && raw >= 1 && raw <= LEG_MAX ? raw : 0;
  if (typeof raw !== "string" || !/^[1-9][0-9]{0,3}$/.test(raw)) return 0;
  const n = Number(raw);
  return n <= LEG_MAX ? n : 0;
}

const KIND_INDEX = new Map<string, number>(ORDER_KINDS.map((k, i) => [k, i]));

/** Parses one volume into units of 10^-4, or says why it cannot. */
export function parseVolume(raw: unknown): number | { code: IssueCode; message: string } {
  if (typeof raw === "string") {
    const fast = fastVolume(raw);
    if (fast >= 0) return fast;
  }
  let text: string;
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) return { code: "ORDER_VOLUME_INVALID", message: "a volume must be a finite decimal number" };
    text = String(raw);
    if (/e/i.test(text)) return { code: "ORDER_VOLUME_INVALID", message: "write volumes as plain decimals, not in exponent form" };
  } else if (typeof raw === "string") text = raw.trim();
  else return { code: "ORDER_VOLUME_INVALID", message: "a volume must be a decimal string such as \"100\" or \"12.5\"" };
  if (text === "") return { code: "ORDER_VOLUME_INVALID", message: "a volume must not be empty (write 0 for none)" };
  const units = parseUnits(text, VOLUME_SCALE);
  if (units === "format") return { code: "ORDER_VOLUME_INVALID", message: "a volume must be a decimal number such as \"100\" or \"12.5\"" };
  if (units === "precision") return { code: "ORDER_VOLUME_PRECISION", message: `a volume has at most ${VOLUME_SCALE} decimal places` };
  if (units < 0n) return { code: "ORDER_VOLUME_NEGATIVE", message: "a volume must not be negative (refunds are not part of plan language v1)" };
  if (units > VOLUME_MAX_UNITS) return { code: "ORDER_VOLUME_TOO_LARGE", message: `a single order volume is at most ${VOLUME_MAX}` };
  return Number(units);
}

/**
 * Units of a plain volume such as "120" or "96.5" without BigInt or regular expressions: up to 10 integer
 * digits and 4 decimals, so the result is an exact safe integer. Returns -1 for anything else, which the
 * general path then parses or rejects with a reason.
 */
function fastVolume(text: string): number {
  const len = text.length;
  if (len === 0 || len > 15) return -1;
  let int = 0;
  let i = 0;
  for (; i < len; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    int = int * 10 + c;
  }
  if (i === 0 || i > 10) return -1;
  let frac = 0;
  let places = 0;
  if (i < len) {
    if (text.charCodeAt(i) !== 46 || i === len - 1) return -1;
    for (i++; i < len; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9 || places === VOLUME_SCALE) return -1;
      frac = frac * 10 + c;
      places++;
    }
  }
  const units = int * 10_000 + frac * (places === 0 ? 1 : places === 1 ? 1000 : places === 2 ? 100 : places === 3 ? 10 : 1);
  return units > VOLUME_MAX_NUMBER ? -1 : units;
}
const VOLUME_MAX_NUMBER = Number(VOLUME_MAX) * 10_000;

function requireId(
  value: unknown,
  field: PathSegment[],
  what: string,
  add: (code: IssueCode, field: PathSegment[], message: string, ...value: unknown[]) => void,
): string | undefined {
  if (value === undefined || value === null || value === "") {
    add("INPUT_MISSING_FIELD", field, `${what} is required`);
    return undefined;
  }
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== "string" || value.length > 128 || /[\u0000-\u001f]/.test(value) || value !== value.trim()) {
    add("INPUT_INVALID_FIELD", field, `${what} must be a string of 1 to 128 characters without control characters or surrounding spaces`, value);
    return undefined;
  }
  // A lone surrogate (JSON "\ud800") has no UTF-8 form: written out it would become U+FFFD, and two
  // different ids could print alike. Ids are compared exactly, so they must be well-formed Unicode.
  if (LONE_SURROGATE.test(value)) {
    add("INPUT_INVALID_FIELD", field, `${what} must be well-formed Unicode: it holds a lone surrogate (such as "\\ud800" in JSON), which has no UTF-8 form`, value);
    return undefined;
  }
  return value;
}

/** A UTF-16 surrogate that is not half of a pair (with the u flag, pairs are read as one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

function at(origin: RecordOrigin, code: IssueCode, path: PathSegment[], message: string, value: unknown[]): Issue {
  const base = value.length > 0 ? issue(code, path, message, value[0]) : issue(code, path, message);
  return { ...base, ...origin };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
