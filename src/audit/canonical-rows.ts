/**
 * The canonical members and orders (docs/audit.md) written straight from the columns a run already holds,
 * as UTF-8 bytes: no object or string per row, no comparator called per pair of rows. This is what makes
 * the input fingerprints of a million-member run cost a fraction of a second instead of seconds.
 *
 * - **Order by id** (`idOrder`, input/text-order.ts): one pass checks whether the ids are already ascending (exported data
 *   often is); otherwise a stable radix sort of dense code-unit ranks, a few code units per 31-bit word.
 * - **Lines**: constant pieces (`{"id":"`, `","kind":"retail-sale","memberId":"`, …) are copied four bytes
 *   a write; values by a loop over their code units, falling back to `JSON.stringify` and UTF-8 encoding
 *   only for a value that needs escaping or is not ASCII; whole volumes digit by digit.
 * - **Chunks** of about a mebibyte of one reused buffer: hashed one call each, or decoded to text for the
 *   rows bundle.json embeds.
 *
 * The object-based forms in fingerprint.ts (`canonicalMembers`, `canonicalOrders`, `memberLine`, `orderLine`)
 * give the same text; canonical-rows.test.ts checks this writer against the canonical form computed the
 * slow way on random rows.
 */
import type { TextList } from "../input/text-list.js";
import { type TextUnits, bytesBehind, idOrderThroughRows, positionIn, sortedOrder, unitsOf } from "../input/text-order.js";
import { createHash } from "node:crypto";
import { MEMBER_STATUSES, type Genealogy, givenRanksOf, rowsById } from "../genealogy/genealogy.js";
import type { MemberRow, OrderColumns } from "../input/rows.js";
import { formatVolume } from "../money/decimal.js";
import { ORDER_KINDS } from "../plan/fields.js";

/** @internal Members in columns: what their canonical form is written from. */
export interface MemberColumns {
  readonly ids: TextList;
  readonly joinDates: TextList;
  /** Each member's sponsor id, null for the root (members from rows: a sponsor need not be a member). */
  readonly sponsorIds?: readonly (string | null)[];
  /** Or, for a sponsor tree, each member's sponsor by position in `ids` (-1 for the root). */
  readonly sponsors?: Int32Array;
  /** Index into MEMBER_STATUSES. */
  readonly status: Uint8Array;
  /** Given ranks, when any member has one: member k's is `names[codes[k]]` (code -1 for none). */
  readonly ranks?: { readonly names: readonly string[]; readonly codes: Int32Array };
  /** Each member's placement parent id (undefined for none), for rows of an input with a placement tree. */
  readonly placementIds?: readonly (string | undefined)[];
  /** Or, for a placement tree, each member's placement parent by position in `ids` (-1 for the root). */
  readonly placements?: Int32Array;
  /** With either: each member's leg position (0 for none). */
  readonly legs?: Int32Array;
  /**
   * The positions in id order when the caller has them already (undefined inside: in order already);
   * without it they are sorted here.
   */
  readonly byId?: { readonly order: Int32Array | undefined };
}

/** Per input row, the input row of its member's parent in a tree (`parent` by member index), -1 for the root. */
function parentRows(g: Genealogy, parent: Int32Array): Int32Array {
  const rows = new Int32Array(g.size);
  for (let r = 0; r < g.size; r++) {
    const p = parent[g.memberOfRow[r] as number] as number;
    rows[r] = p < 0 ? -1 : (g.row[p] as number);
  }
  return rows;
}

/** @internal The members of a sponsor tree in columns, in input row order (sponsors by row). */
export function genealogyMembers(g: Genealogy): MemberColumns {
  const n = g.size;
  const sponsors = parentRows(g, g.parent);
  const status = new Uint8Array(n);
  for (let r = 0; r < n; r++) status[r] = g.status[g.memberOfRow[r] as number] as number;
  const given = g.givenRanks;
  let ranks: MemberColumns["ranks"];
  if (given !== undefined) {
    const codes = new Int32Array(n).fill(-1);
    for (let k = 0; k < given.rows.length; k++) codes[given.rows[k] as number] = given.codes[k] as number;
    ranks = { names: given.names, codes };
  }
  const withRanks = ranks !== undefined ? { ranks } : {};
  const t = g.placement;
  if (t === undefined) return { ids: g.rowIds, joinDates: g.rowJoinDates, sponsors, status, ...withRanks, byId: { order: rowsById(g) } };
  const placements = parentRows(g, t.parent);
  const legs = new Int32Array(n);
  for (let r = 0; r < n; r++) legs[r] = t.leg[g.memberOfRow[r] as number] as number;
  return { ids: g.rowIds, joinDates: g.rowJoinDates, sponsors, status, ...withRanks, placements, legs, byId: { order: rowsById(g) } };
}

/** @internal Validated member rows in columns (sponsors need not be members: nothing structural is checked). */
export function rowMembers(rows: readonly MemberRow[]): MemberColumns {
  const status = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) status[i] = MEMBER_STATUSES.indexOf((rows[i] as MemberRow).status);
  const given = givenRanksOf(rows);
  let ranks: MemberColumns["ranks"];
  if (given !== undefined) {
    const codes = new Int32Array(rows.length).fill(-1);
    for (let k = 0; k < given.rows.length; k++) codes[given.rows[k] as number] = given.codes[k] as number;
    ranks = { names: given.names, codes };
  }
  const base = { ids: rows.map((r) => r.id), joinDates: rows.map((r) => r.joinDate), sponsorIds: rows.map((r) => r.sponsorId), status, ...(ranks !== undefined ? { ranks } : {}) };
  if (!rows.some((r) => r.placementId !== undefined)) return base;
  return { ...base, placementIds: rows.map((r) => r.placementId), legs: Int32Array.from(rows, (r) => r.leg ?? 0) };
}

// ---------------------------------------------------------------------------------------------------------
// Reading texts

/**
 * The texts of a list as the writers read them: the sort's units, and each text's JSON contents copied
 * straight from the bytes for the fast input path's lists (when no id holds a backslash, the one character
 * JSON escapes that the fast path lets through), through the strings otherwise.
 *
 * @internal
 */
export interface TextSource extends TextUnits {
  /** Writes the contents of text i's JSON string at `at`; returns the end. */
  put(out: Buffer, at: number, i: number): number;
}

/** @internal A list's texts for writing: bytes copied when byte-backed (no backslash), else escaped as JSON string contents. */
export function sourceOf(list: TextList): TextSource {
  const units = unitsOf(list);
  const bytes = bytesBehind(list);
  if (bytes !== undefined && !bytes.hasByte(0x5c)) {
    const at = positionIn(list);
    return { ...units, put: (out, to, i) => bytes.copyTo(at(i), out, to) };
  }
  return { ...units, put: (out, to, i) => putText(out, to, list.at(i) as string) };
}

// ---------------------------------------------------------------------------------------------------------
// Lines

/** How lines are joined: `first` before the first line, `between` before each other one, `after` after each. */
export interface LineLayout {
  readonly first: string;
  readonly between: string;
  readonly after: string;
}

/** @internal NDJSON: each line followed by a line feed (what fingerprints hash). */
export const NDJSON: LineLayout = { first: "", between: "", after: "\n" };

/** A chunk is yielded once it holds this many bytes. */
const CHUNK = 1 << 20;
/** @internal UTF-8 bytes per UTF-16 code unit of a JSON string's contents, at most (`\u001f`, an escaped lone surrogate). */
export const MAX_BYTES = 6;
/** Room for one volume's text (`formatVolume` of any finite number) and its quotes. */
const VOLUME_ROOM = 340;

/** @internal A constant piece of text: its UTF-8 bytes, and the little-endian 32-bit words of them (the whole words). */
export interface Piece {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
}

/** @internal The {@link Piece} of a text. */
export function piece(text: string): Piece {
  const bytes = new Uint8Array(Buffer.from(text, "utf8"));
  const words = new Int32Array(bytes.length >> 2);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < words.length; k++) words[k] = view.getInt32(4 * k, true);
  return { bytes, words };
}

/** @internal Copies a piece to `at` (`view` is a DataView of `out`), four bytes a write; returns the end. */
export function putPiece(out: Buffer, view: DataView, at: number, p: Piece): number {
  const { words, bytes } = p;
  const w = words.length;
  for (let k = 0; k < w; k++) view.setInt32(at + 4 * k, words[k] as number, true);
  for (let j = 4 * w; j < bytes.length; j++) out[at + j] = bytes[j] as number;
  return at + bytes.length;
}

/** @internal Whether the bytes at `at` are the piece's (`view` is a DataView of `bytes`, which holds the piece's length from `at`): four bytes a read. */
export function isPieceAt(bytes: Uint8Array, view: DataView, at: number, p: Piece): boolean {
  const { words, bytes: own } = p;
  const w = words.length;
  for (let k = 0; k < w; k++) if (view.getInt32(at + 4 * k, true) !== words[k]) return false;
  for (let j = 4 * w; j < own.length; j++) if (bytes[at + j] !== own[j]) return false;
  return true;
}

/**
 * Writes the contents of the JSON string of `s` (what `JSON.stringify(s)` puts between its quotes) as UTF-8
 * at `at`; returns the end. Plain ASCII (the usual case) by a loop, anything else through `JSON.stringify`.
 */
/** @internal Writes `s` as the contents of a JSON string (escaped as JSON.stringify escapes) at `at`; returns the end. */
export function putText(out: Buffer, at: number, s: string): number {
  const n = s.length;
  for (let j = 0; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7f) return at + out.write(JSON.stringify(s).slice(1, -1), at, "utf8");
    out[at + j] = c;
  }
  return at + n;
}

/** @internal Writes a whole number (0 ≤ x < 2^53) in decimal at `at`; returns the end. */
export function putWhole(out: Buffer, at: number, x: number): number {
  let end = at + 1;
  for (let p = 10; p <= x; p *= 10) end++;
  let k = end;
  for (; x >= 0x80000000; x = Math.floor(x / 10)) out[--k] = 48 + (x % 10);
  for (let y = x | 0; ; ) {
    const q = (y / 10) | 0;
    out[--k] = 48 + y - q * 10;
    if (q === 0) break;
    y = q;
  }
  return end;
}

/** Volume units below this are whole volumes exactly when `Math.floor(units / 10^4) * 10^4 === units`. */
const WHOLE_MAX = 2 ** 52;

/**
 * Writes rows' lines in `order` (undefined: 0, 1, 2, …) laid out by `layout` into a reused buffer, and yields
 * it in chunks of about {@link CHUNK} bytes, each a view valid until the next. `line(out, view, at, i, limit)`
 * writes the line of row `i` at `at` and returns its end, or, when it might not end by `limit`, writes
 * nothing and returns minus the room it needs.
 */
function* chunked(
  count: number,
  order: Int32Array | undefined,
  layout: LineLayout,
  line: (out: Buffer, view: DataView, at: number, i: number, limit: number) => number,
): IterableIterator<Uint8Array> {
  const first = piece(layout.first);
  const between = piece(layout.between);
  const after = piece(layout.after);
  const room = Math.max(first.bytes.length, between.bytes.length) + after.bytes.length;
  let out = Buffer.allocUnsafe(2 * CHUNK);
  let view = new DataView(out.buffer, out.byteOffset, out.length);
  let at = 0;
  for (let r = 0; r < count; r++) {
    const i = order === undefined ? r : (order[r] as number);
    const before = r === 0 ? first : between;
    // The line first, then what goes before it (into the gap left for it) and after it.
    let end = line(out, view, at + before.bytes.length, i, out.length - room);
    if (end < 0) {
      if (at > 0) yield out.subarray(0, at);
      at = 0;
      // Room for the line and twice what goes around it, so that it fits below the limit at the start.
      if (2 * room - end > out.length) {
        out = Buffer.allocUnsafe(CHUNK + 2 * room - end);
        view = new DataView(out.buffer, out.byteOffset, out.length);
      }
      end = line(out, view, before.bytes.length, i, out.length - room);
    }
    putPiece(out, view, at, before);
    at = putPiece(out, view, end, after);
    if (at >= CHUNK) {
      yield out.subarray(0, at);
      at = 0;
    }
  }
  if (at > 0) yield out.subarray(0, at);
}

const STATUS_END = MEMBER_STATUSES.map((s) => piece(`,"status":${JSON.stringify(s)}}`));
const KIND_MIDDLE = ORDER_KINDS.map((k) => piece(`","kind":${JSON.stringify(k)},"memberId":"`));
const MEMBER_ID = piece('{"id":"');
const MEMBER_JOIN_DATE = piece('","joinDate":"');
const MEMBER_RANK = piece('","rank":"');
const MEMBER_SPONSOR = piece('","sponsorId":"');
const MEMBER_ROOT = piece('","sponsorId":null');
const MEMBER_LEG = piece('","leg":');
const MEMBER_PLACEMENT = piece(',"placementId":"');
const ORDER_DATE = piece('{"date":"');
const ORDER_ID = piece('","id":"');
const ORDER_VOLUMES = piece('","volumes":{');
const ORDER_END = piece("}}");
const QUOTE = piece('"');
const QUOTE_END = piece('"}}');

/**
 * @internal The canonical member lines (`{"id":…,"joinDate":…,"rank":…,"sponsorId":…,"status":…}`, `rank`
 * only for a member given one, and `"leg":…,"placementId":…` before it for a placed member; docs/audit.md)
 * sorted by id, laid out by `layout`, as UTF-8 in chunks of about a mebibyte, each a view of one reused
 * buffer (use it before asking for the next).
 */
export function memberLineChunks(members: MemberColumns, layout: LineLayout = NDJSON): IterableIterator<Uint8Array> {
  const { joinDates, sponsorIds, sponsors, status, placementIds, placements, legs } = members;
  const rankNames = members.ranks?.names;
  const rankCodes = members.ranks?.codes;
  const ids = sourceOf(members.ids);
  const order = members.byId !== undefined ? members.byId.order : sortedOrder(ids);
  return chunked(ids.count, order, layout, (out, view, at, i, limit) => {
    const joinDate = joinDates.at(i) as string;
    const p = sponsors === undefined ? -1 : (sponsors[i] as number);
    const sponsor = sponsors === undefined ? (sponsorIds?.[i] ?? null) : null;
    const sponsorLength = p >= 0 ? ids.len(p) : sponsor === null ? 0 : sponsor.length;
    // A placed member (leg > 0): its placement parent by position (`placements`) or by id (`placementIds`).
    const leg = legs === undefined ? 0 : (legs[i] as number);
    const pp = leg > 0 && placements !== undefined ? (placements[i] as number) : -1;
    const placedUnder = leg > 0 && placements === undefined ? (placementIds?.[i] ?? "") : "";
    const placementLength = pp >= 0 ? ids.len(pp) : placedUnder.length;
    const rank = rankCodes === undefined ? -1 : (rankCodes[i] as number);
    const rankName = rank >= 0 ? ((rankNames as readonly string[])[rank] as string) : "";
    const need = 120 + MAX_BYTES * (ids.len(i) + joinDate.length + sponsorLength + rankName.length + placementLength);
    if (at + need > limit) return -need;
    at = putPiece(out, view, at, MEMBER_ID);
    at = ids.put(out, at, i);
    at = putPiece(out, view, at, MEMBER_JOIN_DATE);
    at = putText(out, at, joinDate);
    if (leg > 0) {
      // The sponsor pieces that follow start with the quote that closes the placementId.
      at = putPiece(out, view, at, MEMBER_LEG);
      at = putWhole(out, at, leg);
      at = putPiece(out, view, at, MEMBER_PLACEMENT);
      at = pp >= 0 ? ids.put(out, at, pp) : putText(out, at, placedUnder);
    }
    if (rank >= 0) {
      at = putPiece(out, view, at, MEMBER_RANK);
      at = putText(out, at, rankName);
    }
    if (p < 0 && sponsor === null) at = putPiece(out, view, at, MEMBER_ROOT);
    else {
      at = putPiece(out, view, at, MEMBER_SPONSOR);
      at = p >= 0 ? ids.put(out, at, p) : putText(out, at, sponsor as string);
      at = putPiece(out, view, at, QUOTE);
    }
    return putPiece(out, view, at, STATUS_END[status[i] as number] as Piece);
  });
}

/** @internal Positions of the orders in id order (undefined: in order already). */
export function ordersById(orders: OrderColumns, ids: TextUnits = unitsOf(orders.ids)): Int32Array | undefined {
  return orders.byRow !== undefined ? idOrderThroughRows(orders.byRow.ids, orders.byRow.row) : sortedOrder(ids);
}

/** @internal The measures of order columns sorted by name, each with its index into `volumes`. */
export function measuresByName(orders: OrderColumns): { readonly name: string; readonly m: number }[] {
  return orders.measures.map((name, m) => ({ name, m })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * @internal The canonical order lines (`{"date":…,"id":…,"kind":…,"memberId":…,"volumes":{…}}`, docs/audit.md)
 * sorted by id, volumes by measure name with zero volumes left out, laid out by `layout`, as UTF-8 in chunks
 * of about a mebibyte, each a view of one reused buffer (use it before asking for the next).
 */
export function orderLineChunks(orders: OrderColumns, layout: LineLayout = NDJSON): IterableIterator<Uint8Array> {
  const ids = sourceOf(orders.ids);
  const memberIds = sourceOf(orders.memberIds);
  const dates = orders.dates;
  const kinds = orders.kinds;
  const measures = measuresByName(orders);
  // `"PV":"` after `{`, `","PV":"` after another volume.
  const keys = measures.map(({ name }) => piece(`${JSON.stringify(name)}:"`));
  const nextKeys = measures.map(({ name }) => piece(`",${JSON.stringify(name)}:"`));
  const volumes = measures.map(({ m }) => orders.volumes[m] as Float64Array);
  // Everything but the ids and the date: the longest kind, and each measure with the longest volume.
  const fixed = 120 + nextKeys.reduce((a, k) => a + k.bytes.length + VOLUME_ROOM, 0);
  return chunked(orders.count, ordersById(orders, ids), layout, (out, view, at, i, limit) => {
    const date = dates.at(i) as string;
    const need = fixed + MAX_BYTES * (ids.len(i) + memberIds.len(i) + date.length);
    if (at + need > limit) return -need;
    at = putPiece(out, view, at, ORDER_DATE);
    at = putText(out, at, date);
    at = putPiece(out, view, at, ORDER_ID);
    at = ids.put(out, at, i);
    at = putPiece(out, view, at, KIND_MIDDLE[kinds[i] as number] as Piece);
    at = memberIds.put(out, at, i);
    at = putPiece(out, view, at, ORDER_VOLUMES);
    let written = false;
    for (let m = 0; m < volumes.length; m++) {
      const units = (volumes[m] as Float64Array)[i] as number;
      if (units === 0) continue;
      at = putPiece(out, view, at, (written ? nextKeys[m] : keys[m]) as Piece);
      written = true;
      // Whole volumes (the usual case) digit by digit; any other through the general formatter.
      const whole = Math.floor(units / 10_000);
      if (whole * 10_000 === units && units > 0 && units < WHOLE_MAX) at = putWhole(out, at, whole);
      else at = putText(out, at, formatVolume(units));
    }
    return putPiece(out, view, at, written ? QUOTE_END : ORDER_END);
  });
}

/** @internal `sha256:` and the hex SHA-256 of the chunks, one after another. */
export function sha256Chunks(chunks: Iterable<Uint8Array>): string {
  const hash = createHash("sha256");
  for (const c of chunks) hash.update(c);
  return `sha256:${hash.digest("hex")}`;
}

/** @internal The text of UTF-8 chunks that each end at a line's end (for bundle.json's embedded rows). */
export function* chunkTexts(chunks: Iterable<Uint8Array>): IterableIterator<string> {
  for (const c of chunks) yield Buffer.from(c.buffer, c.byteOffset, c.length).toString("utf8");
}
