/**
 * Placement helpers (docs/placement.md): for a company whose back office does not store placement, the
 * members who have none (the new members) are given a position in the placement tree, deterministically,
 * under their sponsor: forced-matrix spillover, or binary extreme left, extreme right or weaker leg.
 * Members already placed keep their position. The result is the members with placement filled in, which a
 * run reads like any members input.
 */
import { isOptions, isRecord } from "../errors/arguments.js";
import { CompplanError, type Issue, type Result, issue } from "../errors/issues.js";
import { type Genealogy, MEMBER_STATUSES, type MemberStatus, buildGenealogy, located, membersById } from "../genealogy/genealogy.js";
import type { MemberRow, RecordOrigin } from "../input/rows.js";
import { type MemberInput, type OrderInput, validateMembers, validateOrders } from "../input/validate.js";
import { PLACEMENT_WIDTH_MAX } from "../plan/fields.js";
import type { Period } from "../run/period.js";
import type { WorkCounter } from "../run/work.js";
import { BinaryPlacer } from "./binary.js";
import { type Board, readBoard } from "./board.js";
import { Spillover } from "./matrix.js";

/** How new members are placed under their sponsor (docs/placement.md). */
export type PlacementMethod = "spillover" | "extreme-left" | "extreme-right" | "weaker-leg";

/** The placement methods, spillover first (the default). */
export const PLACEMENT_METHODS: readonly PlacementMethod[] = ["spillover", "extreme-left", "extreme-right", "weaker-leg"];

/** What a full matrix does with a new member: an issue, or the first matrix up the sponsor line with room. */
export type WhenFull = "error" | "upline";

/** A phase of {@link placeMembers}, reported to {@link PlaceOptions.onPhase}. */
export type PlacePhase = "validate" | "place" | "output";

/** Options of {@link placeMembers}. */
export interface PlaceOptions {
  /** How new members are placed (default `spillover`). */
  readonly method?: PlacementMethod;
  /**
   * The positions under each member, 2 to 1000: the matrix width for `spillover` (required there); the
   * binary methods are 2 wide (the default for them; another width is an issue).
   */
  readonly width?: number;
  /**
   * `spillover` only: a new member is placed at most this many levels below its sponsor (1 is the
   * sponsor's own first level). Without it there is no limit.
   */
  readonly depth?: number;
  /**
   * `spillover` with `depth` only: when the sponsor's matrix of that depth is full, `error` (the default:
   * a `PLACEMENT_MATRIX_FULL` issue) or `upline`: the first member up the sponsor line (the sponsor's
   * sponsor, then theirs, … to the root) whose matrix of that depth has room takes the new member.
   */
  readonly whenFull?: WhenFull;
  /**
   * `weaker-leg` only: the volume measure that weighs a leg (with `orders`): a leg's weight is the sum of
   * this measure over the orders of every member in the leg's placement subtree, whatever their kind.
   * Without it a leg weighs its number of members.
   */
  readonly measure?: string;
  /** `weaker-leg` with `measure`: the orders whose volumes weigh the legs (any dates). */
  readonly orders?: readonly OrderInput[];
  /** Called when each phase starts. */
  readonly onPhase?: (phase: PlacePhase) => void;
  /** Called now and then while new members are placed (and once at the end), with how many are placed so far. */
  readonly onProgress?: (placed: number, total: number) => void;
}

/** A member with its placement: the member as given, with `placementId` and `leg` filled in. */
export interface PlacedMember {
  readonly id: string;
  /** The sponsor's id; null for the root. */
  readonly sponsorId: string | null;
  readonly joinDate: string;
  readonly status: MemberStatus;
  /** The rank the company set for the member, when the input gives one. */
  readonly rank?: string;
  /** The placement parent's id; null for the root. */
  readonly placementId: string | null;
  /** The position under the placement parent: `"L"` or `"R"` when the width is 2, else 1 … width; null for the root. */
  readonly leg: "L" | "R" | number | null;
}

/** What {@link placeMembers} returns. */
export interface PlaceResult {
  /** Every member with its placement, in id order (UTF-16 code units, the order of statements). */
  readonly members: readonly PlacedMember[];
  /** The ids of the members placed now (the new ones), in the order they were placed. */
  readonly placed: readonly string[];
  /** How many members kept the placement the input gave them (the root included). */
  readonly kept: number;
  /** The method used. */
  readonly method: PlacementMethod;
  /** The width of the placement tree. */
  readonly width: number;
}

/** @internal Dates are not checked against a period here: placement does not depend on one. */
export const ANY_DAY: Period = { id: "any", kind: "range", start: "0000-01-01", end: "9999-12-31", days: 0 };

/** How often {@link PlaceOptions.onProgress} is called (every this many members placed). */
const PROGRESS_EVERY = 1 << 16;

/**
 * Places every member that has no placement (but the root) under its sponsor, and keeps every placement
 * the input gives. Never throws on bad input: returns every issue instead.
 *
 * New members are placed one at a time, earliest `joinDate` first, then in id order, a sponsor always
 * before its recruits: a member who joined before its new sponsor comes right after it (precisely: by the
 * latest (joinDate, id) of the member and its new sponsors up the line, then by depth in the sponsor tree,
 * then by its own (joinDate, id); docs/placement.md). Each is placed under its own sponsor:
 *
 * - `spillover` (forced matrix, `width` × `depth`): at the first free position of the sponsor's placement
 *   subtree, shallowest first, then leftmost (breadth-first, children by leg);
 * - `extreme-left` / `extreme-right` (binary): at the bottom of the sponsor's extreme left (right) leg;
 * - `weaker-leg` (binary): on the side of the sponsor with less weight below it (fewer members, or less of
 *   `measure` over `orders`; left on a tie), at the bottom of that side's extreme leg (directly under the
 *   sponsor when that position is free).
 *
 * The result depends only on the members (and orders), never on their order in the input: the same
 * members in any order give the same result.
 *
 * @param members - every member, as for {@link calculate}; those with a `placementId` keep it
 * @param options - the method, width, depth, what a full matrix does, the weaker leg's measure and orders,
 *   progress callbacks: see {@link PlaceOptions}
 * @returns every member with its placement, or every issue: `INPUT_*`, `MEMBER_*` (the sponsor tree),
 *   `PLACEMENT_*` (the placement given: `PLACEMENT_ROOT`, `PLACEMENT_UNKNOWN_PARENT`,
 *   `PLACEMENT_PARENT_UNPLACED`, `PLACEMENT_TOO_WIDE`, `PLACEMENT_POSITION_TAKEN`, `PLACEMENT_CYCLE`; a
 *   full matrix: `PLACEMENT_MATRIX_FULL`), `ORDER_*` and `RUN_VOLUME_OVERFLOW` (the orders of `measure`)
 * @example
 * ```ts
 * const r = safePlaceMembers(members, { method: "spillover", width: 3, depth: 7 });
 * if (r.ok) calculate(plan, { period: "2026-10", members: r.value.members, orders });
 * ```
 */
export function safePlaceMembers(members: readonly MemberInput[], options: PlaceOptions = {}): Result<PlaceResult> {
  return placeRecords(members, options);
}

/**
 * {@link safePlaceMembers} that throws: every member with its placement, or a {@link CompplanError}
 * carrying every issue.
 *
 * @param members - every member; those with a `placementId` keep it
 * @param options - see {@link PlaceOptions}
 * @returns every member with its placement, in id order, and the ids placed, in placement order
 * @throws CompplanError with every issue (see {@link safePlaceMembers})
 * @example
 * ```ts
 * const { members: placed } = placeMembers(members, { method: "weaker-leg" });
 * ```
 */
export function placeMembers(members: readonly MemberInput[], options: PlaceOptions = {}): PlaceResult {
  const r = placeRecords(members, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

/** @internal The options of {@link placeMembers} checked: issues for any that is not acceptable. */
export function placeOptionIssues(options: unknown): Issue[] {
  const bad = (key: string, expected: string, value: unknown) => issue("INPUT_INVALID_ARGUMENT", ["options", key], `placeMembers: option "${key}" must be ${expected}`, value);
  if (!isRecord(options) || !isOptions(options, "onPhase", "onProgress")) {
    return [issue("INPUT_INVALID_ARGUMENT", ["options"], "placeMembers: argument \"options\" must be an options object { method?, width?, depth?, whenFull?, measure?, orders?, onPhase?, onProgress? }", options)];
  }
  const out: Issue[] = [];
  const method = options.method ?? "spillover";
  if (!(PLACEMENT_METHODS as readonly unknown[]).includes(method)) out.push(bad("method", PLACEMENT_METHODS.join(", "), options.method));
  const binary = method !== "spillover";
  const { width, depth, whenFull, measure, orders } = options;
  const whole = (v: unknown, lo: number, hi: number) => typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi;
  if (binary && width !== undefined && width !== 2) out.push(bad("width", `2 (or left out) for ${String(method)}: binary placement is 2 wide`, width));
  if (!binary && !whole(width, 2, PLACEMENT_WIDTH_MAX)) out.push(bad("width", `a whole number 2 to ${PLACEMENT_WIDTH_MAX} (the matrix width; spillover needs it)`, width));
  if (depth !== undefined && (binary || !whole(depth, 1, 1_000_000))) out.push(bad("depth", binary ? "left out for binary placement (only spillover has a depth)" : "a whole number 1 to 1,000,000 (levels below the sponsor)", depth));
  if (whenFull !== undefined && (whenFull !== "error" && whenFull !== "upline" || depth === undefined)) out.push(bad("whenFull", depth === undefined ? "left out without a depth (a matrix without a depth is never full)" : "error or upline", whenFull));
  if (measure !== undefined && (method !== "weaker-leg" || typeof measure !== "string" || measure === "")) out.push(bad("measure", method !== "weaker-leg" ? "left out unless the method is weaker-leg" : "a measure name", measure));
  if (orders !== undefined && (!Array.isArray(orders) || measure === undefined)) out.push(bad("orders", measure === undefined ? "left out without a measure (orders weigh the legs by a measure)" : "an array of orders", "(orders)"));
  if (measure !== undefined && orders === undefined) out.push(bad("orders", "an array of orders when a measure is given (the legs are weighed by its volume)", orders));
  return out;
}

/** @internal A placement done: the sponsor tree, the placement tree and the members placed, in order. */
export interface Placement {
  readonly genealogy: Genealogy;
  readonly board: Board;
  /** The members placed now (member indices), in the order they were placed. */
  readonly placed: Int32Array;
  readonly method: PlacementMethod;
  readonly width: number;
}

/**
 * @internal {@link safePlaceMembers} on records as read from files (`memberOrigins` and `orderOrigins`
 * locate each record for issues). `work` hears the placer's pointer steps, for the tests that prove
 * linear time by counting.
 */
export function placeRecords(members: readonly unknown[], options: PlaceOptions, memberOrigins?: readonly RecordOrigin[], orderOrigins?: readonly RecordOrigin[], work?: WorkCounter): Result<PlaceResult> {
  const r = placeInput(members, options, memberOrigins, orderOrigins, work);
  if (!r.ok) return r;
  options.onPhase?.("output");
  const p = r.value;
  const g = p.genealogy;
  return { ok: true, value: { members: placedMembers(p), placed: Array.from(p.placed, (m) => g.ids.at(m) as string), kept: g.size - p.placed.length, method: p.method, width: p.width } };
}

/** @internal The members records validated, their sponsor tree built and the new members placed (the CLI's general path). */
export function placeInput(members: readonly unknown[], options: PlaceOptions, memberOrigins?: readonly RecordOrigin[], orderOrigins?: readonly RecordOrigin[], work?: WorkCounter): Result<Placement> {
  if (!Array.isArray(members)) return { ok: false, issues: [issue("INPUT_INVALID_ARGUMENT", ["members"], "placeMembers: argument \"members\" must be an array of members", members)] };
  const optionIssues = placeOptionIssues(options);
  if (optionIssues.length > 0) return { ok: false, issues: optionIssues };
  options.onPhase?.("validate");
  if (members.length === 0) return { ok: false, issues: [{ code: "INPUT_EMPTY", path: ["members"], message: "there are no members" }] };
  const validated = validateMembers(members, ANY_DAY, "members", memberOrigins);
  if (validated.issues.length > 0) return { ok: false, issues: validated.issues };
  const rows = validated.rows;
  const built = buildGenealogy(rows, "members", false);
  if (built.genealogy === undefined) return { ok: false, issues: built.issues };
  return placeTree(built.genealogy, rows, options, orderOrigins, work);
}

/**
 * @internal Places the new members of a sponsor tree. `rows` are the validated member rows it was built
 * from; undefined for a tree read by the fast CSV path, which has no placement (every member but the root
 * is new) and no rows (issues then have no file line: the caller reads the file again the general way to
 * report them).
 */
export function placeTree(g: Genealogy, rows: readonly MemberRow[] | undefined, options: PlaceOptions, orderOrigins?: readonly RecordOrigin[], work?: WorkCounter): Result<Placement> {
  const optionIssues = placeOptionIssues(options);
  if (optionIssues.length > 0) return { ok: false, issues: optionIssues };
  const method = options.method ?? "spillover";
  const width = options.width ?? 2;
  const read = readBoard(rows, g, width, "members");
  const board = read.board;
  if (board === undefined) return { ok: false, issues: read.issues };
  let weight: Float64Array | undefined;
  if (options.measure !== undefined) {
    const w = legWeights(g, options.measure, options.orders ?? [], orderOrigins);
    if (w.weight === undefined) return { ok: false, issues: w.issues };
    weight = w.weight;
  }

  options.onPhase?.("place");
  const order = placementOrder(g, board);
  const total = order.length;
  // The placers work on members renumbered in the order they enter the tree (the tree the input gives
  // breadth-first, then the new members in placement order): members placed close in time sit close in
  // memory, which on a million members makes the walks several times faster than on the sponsor tree's
  // numbering (placement order and sponsor order are unrelated).
  const r = renumbered(g, board, order);
  const placer =
    method === "spillover"
      ? new Spillover(r.board, options.depth ?? Number.POSITIVE_INFINITY, options.whenFull === "upline" ? r.sponsor : undefined)
      : new BinaryPlacer(r.board, method === "extreme-left" ? 0 : method === "extreme-right" ? 1 : 2, weight === undefined ? undefined : Float64Array.from(r.member, (m) => weight[m] as number));
  const issues: Issue[] = [];
  const placed = new Int32Array(total);
  let done = 0;
  const progress = options.onProgress;
  const kept = board.order.length;
  const { member, sponsor } = r;
  const isIn = r.board.placed;
  for (let x = kept; x < kept + total; x++) {
    const s = sponsor[x] as number;
    // A sponsor comes first: not placed means no matrix had room for it (an issue); its recruits wait.
    if (isIn[s] === 0) continue;
    if (!placer.find(s)) {
      issues.push(fullIssue(rows, member[x] as number, g, member[s] as number, member[placer.used] as number, options));
      continue;
    }
    placer.add(x);
    placed[done++] = member[x] as number;
    if (progress !== undefined && done % PROGRESS_EVERY === 0) progress(done, total);
  }
  work?.add("place", placer.steps + (placer instanceof BinaryPlacer ? (placer.sums?.steps ?? 0) : 0));
  work?.add("members", g.size);
  if (issues.length > 0) return { ok: false, issues: issues.sort((a, b) => (a.path[1] as number) - (b.path[1] as number)) };
  progress?.(done, total);
  // Back to member indices: the result's placement tree.
  for (let x = kept; x < kept + total; x++) {
    const m = member[x] as number;
    board.parent[m] = member[r.board.parent[x] as number] as number;
    board.leg[m] = r.board.leg[x] as number;
    board.placed[m] = 1;
  }
  return { ok: true, value: { genealogy: g, board, placed, method, width } };
}

/**
 * The board renumbered: the members it holds first, breadth-first (0 … kept - 1), then the new members in
 * placement order; `member[x]` is the member numbered x, `sponsor[x]` the number of its sponsor (-1 for
 * the root).
 */
function renumbered(g: Genealogy, board: Board, order: Int32Array): { board: Board; member: Int32Array; sponsor: Int32Array } {
  const n = g.size;
  const kept = board.order.length;
  const member = new Int32Array(n);
  member.set(board.order, 0);
  member.set(order, kept);
  const number = new Int32Array(n);
  for (let x = 0; x < n; x++) number[member[x] as number] = x;
  const to = (m: number) => (m < 0 ? -1 : (number[m] as number));
  const parent = new Int32Array(n);
  const leg = new Int32Array(n);
  const placed = new Uint8Array(n);
  const first = new Int32Array(n);
  const next = new Int32Array(n);
  const depth = new Int32Array(n);
  const sponsor = new Int32Array(n);
  for (let x = 0; x < n; x++) {
    const m = member[x] as number;
    parent[x] = to(board.parent[m] as number);
    leg[x] = board.leg[m] as number;
    placed[x] = board.placed[m] as number;
    first[x] = to(board.first[m] as number);
    next[x] = to(board.next[m] as number);
    depth[x] = board.depth[m] as number;
    sponsor[x] = to(g.parent[m] as number);
  }
  const breadthFirst = new Int32Array(kept);
  for (let x = 0; x < kept; x++) breadthFirst[x] = x;
  return { board: { width: board.width, parent, leg, placed, first, next, order: breadthFirst, depth }, member, sponsor };
}

/**
 * The new members in the order they are placed (docs/placement.md "Order"): by their **effective** join,
 * the latest (join date, id) of the member and of its new sponsors up the sponsor line (up to the first
 * sponsor already placed), then by depth in the sponsor tree (a sponsor before its recruits), then by their
 * own (join date, id). A sponsor always comes before its recruits, and a member who joined before its new
 * sponsor comes right after it. Linear: ranks by (join date, id) from the cached id order and a counting
 * sort by date, effective ranks in one top-down pass, then two stable counting sorts (depth, effective).
 */
function placementOrder(g: Genealogy, board: Board): Int32Array {
  const n = g.size;
  const placed = board.placed;
  const byId = membersById(g);
  // Join dates as numbers yyyymmdd, coded densely in date order.
  const key = new Int32Array(n);
  const codes = new Map<number, number>();
  for (let m = 0; m < n; m++) {
    if (placed[m] === 1) continue;
    const d = g.joinDate.at(m) as string; // YYYY-MM-DD, validated
    const yyyymmdd = ((((((d.charCodeAt(0) * 10 + d.charCodeAt(1)) * 10 + d.charCodeAt(2)) * 10 + d.charCodeAt(3)) * 10 + d.charCodeAt(5)) * 10 + d.charCodeAt(6)) * 10 + d.charCodeAt(8)) * 10 + d.charCodeAt(9) - 533_333_328; // 48 (the digit 0) × 11,111,111
    key[m] = yyyymmdd;
    codes.set(yyyymmdd, 0);
  }
  [...codes.keys()].sort((a, b) => a - b).forEach((d, c) => codes.set(d, c));
  for (let m = 0; m < n; m++) if (placed[m] === 0) key[m] = codes.get(key[m] as number) as number;
  // Ids in order, then stably by date: rank[m] is m's place by (join date, id).
  const byDate = stableBy(byId, key, codes.size, placed);
  const rank = new Int32Array(n);
  for (let k = 0; k < byDate.length; k++) rank[byDate[k] as number] = k;
  // Effective ranks top-down (members are numbered top-down: a sponsor's number is smaller).
  const effective = new Int32Array(n);
  let deepest = 0;
  for (let m = 0; m < n; m++) {
    if (placed[m] === 1) continue;
    const s = g.parent[m] as number;
    effective[m] = placed[s] === 0 ? Math.max(rank[m] as number, effective[s] as number) : (rank[m] as number);
    if ((g.depth[m] as number) > deepest) deepest = g.depth[m] as number;
  }
  return stableBy(stableBy(byDate, g.depth, deepest + 1, placed), effective, byDate.length, placed);
}

/** The new members of `members`, stably sorted by `key` (0 ≤ key < buckets): a counting sort. */
function stableBy(members: Int32Array, key: Int32Array, buckets: number, placed: Uint8Array): Int32Array {
  const start = new Int32Array(buckets + 1);
  let total = 0;
  for (let k = 0; k < members.length; k++) {
    const m = members[k] as number;
    if (placed[m] === 1) continue;
    start[(key[m] as number) + 1] = (start[(key[m] as number) + 1] as number) + 1;
    total++;
  }
  for (let b = 0; b < buckets; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const out = new Int32Array(total);
  for (let k = 0; k < members.length; k++) {
    const m = members[k] as number;
    if (placed[m] === 1) continue;
    const b = key[m] as number;
    out[start[b] as number] = m;
    start[b] = (start[b] as number) + 1;
  }
  return out;
}

/** The issue for a new member x no matrix has room for (located at its row when the rows are known). */
function fullIssue(rows: readonly MemberRow[] | undefined, x: number, g: Genealogy, sponsor: number, last: number, options: PlaceOptions): Issue {
  const r = g.row[x] as number;
  const id = g.ids.at(x) as string;
  const s = g.ids.at(sponsor) as string;
  const d = options.depth as number;
  const matrix = `the matrix of its sponsor "${s}", ${options.width} wide and ${d} level${d === 1 ? "" : "s"} deep, is full`;
  const why =
    options.whenFull === "upline"
      ? sponsor === last
        ? `${matrix}, and "${s}" is the root: no one is above it in the sponsor tree`
        : `${matrix}, and so is that of every member above "${s}" in the sponsor tree up to the root "${g.ids.at(last)}"`
      : `${matrix} (give a larger depth, or whenFull: upline, compplan place --when-full upline, to place it under the first member up the sponsor line whose matrix has room)`;
  const base = issue("PLACEMENT_MATRIX_FULL", ["members", r, "sponsorId"], `new member "${id}" has no free position: ${why}`, s);
  const row = rows?.[r];
  return row === undefined ? base : located(row, base);
}

/**
 * Each member's weight for the weaker leg: the sum of `measure` over its orders, in units of 10^-4. The
 * orders are validated as a run validates them (but for their dates: any date); their members must be
 * members (`ORDER_UNKNOWN_MEMBER`); when there are orders, at least one must carry the measure (a
 * misspelt measure would weigh every leg 0: `INPUT_MISSING_COLUMN`); the total must be exact
 * (`RUN_VOLUME_OVERFLOW`).
 */
function legWeights(g: Genealogy, measure: string, orders: readonly OrderInput[], origins?: readonly RecordOrigin[]): { weight?: Float64Array; issues: Issue[] } {
  const names = new Set<string>([measure]);
  for (const o of orders) if (isRecord(o) && isRecord(o.volumes)) for (const k in o.volumes) names.add(k);
  const validated = validateOrders(orders, ANY_DAY, names, "orders", origins);
  if (validated.issues.length > 0) return { issues: validated.issues };
  const cols = validated.columns;
  const vol = cols.volumes[cols.measures.indexOf(measure)] as Float64Array;
  const weight = new Float64Array(g.size);
  const issues: Issue[] = [];
  let carried = false;
  let total = 0;
  for (let o = 0; o < cols.count; o++) {
    const memberId = cols.memberIds.at(o) as string;
    const m = g.indexOf.get(memberId);
    if (m === undefined) {
      issues.push({ ...issue("ORDER_UNKNOWN_MEMBER", ["orders", o, "memberId"], `order "${cols.ids.at(o)}" is for "${memberId}", who is not a member`, memberId), ...(origins?.[o] ?? {}) });
      continue;
    }
    const v = vol[o] as number;
    weight[m] = (weight[m] as number) + v;
    total += v;
    const volumes = (orders[o] as OrderInput).volumes;
    if (volumes[measure] !== undefined) carried = true;
  }
  if (issues.length > 0) return { issues };
  if (cols.count > 0 && !carried) {
    const known = [...names].filter((k) => k !== measure).sort();
    return { issues: [issue("INPUT_MISSING_COLUMN", ["orders", "volumes", measure], `no order has a volume of "${measure}", the measure that weighs the legs${known.length > 0 ? ` (the orders' measures: ${known.join(", ")})` : ""}`, measure)] };
  }
  if (total > Number.MAX_SAFE_INTEGER) {
    return { issues: [issue("RUN_VOLUME_OVERFLOW", ["orders"], `the orders' total ${measure} exceeds 900,719,925,474.0991, the most weighed exactly`, measure)] };
  }
  return { weight, issues };
}

/** Every member with its placement, in id order. */
function placedMembers(p: Placement): PlacedMember[] {
  return Array.from(eachPlacedMember(p));
}

/** @internal Each member with its placement, in id order, one at a time (the CLI writes them as they come). */
export function* eachPlacedMember(p: Placement): Generator<PlacedMember> {
  const g = p.genealogy;
  const byId = membersById(g);
  const ranks = givenRankOf(g);
  for (let k = 0; k < byId.length; k++) {
    const m = byId[k] as number;
    const s = g.parent[m] as number;
    const id = g.ids.at(m) as string;
    const sponsorId = s < 0 ? null : (g.ids.at(s) as string);
    const joinDate = g.joinDate.at(m) as string;
    const status = MEMBER_STATUSES[g.status[m] as number] as MemberStatus;
    const placementId = placementIdOf(p, m);
    const leg = legOf(p, m);
    const rank = ranks?.[m];
    yield rank === undefined ? { id, sponsorId, joinDate, status, placementId, leg } : { id, sponsorId, joinDate, status, rank, placementId, leg };
  }
}

/** Member m's placement parent's id (null for the root). */
function placementIdOf(p: Placement, m: number): string | null {
  const parent = p.board.parent[m] as number;
  return parent < 0 ? null : (p.genealogy.ids.at(parent) as string);
}

/** Member m's leg as written: L or R at width 2, else the position (null for the root). */
function legOf(p: Placement, m: number): "L" | "R" | number | null {
  const parent = p.board.parent[m] as number;
  const leg = p.board.leg[m] as number;
  return parent < 0 ? null : p.width === 2 ? (leg === 1 ? "L" : "R") : leg;
}

/** The rank the input gives each member (by member index; undefined for none), or undefined when it gives none. */
function givenRankOf(g: Genealogy): (string | undefined)[] | undefined {
  const given = g.givenRanks;
  if (given === undefined) return undefined;
  const out = new Array<string | undefined>(g.size);
  for (let k = 0; k < given.rows.length; k++) out[g.memberOfRow[given.rows[k] as number] as number] = given.names[given.codes[k] as number];
  return out;
}
