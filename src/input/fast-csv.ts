/**
 * The fast path for CSV input files: members and orders read straight from the file's bytes into the
 * columns and the sponsor tree, with no object per record and no string per field: ids stay bytes in one
 * buffer each (ByteTexts), dates become codes into the few distinct dates, an order's member is an index.
 *
 * It accepts only what it can check completely (and no placement tree: members files with a placementId
 * or leg column go to the general path): plain ASCII CSV without quotes, spaces, tabs or control
 * characters, every row as wide as the header, and every field valid under the same rules as the general
 * reader and validator (src/input/read.ts, src/input/validate.ts, src/genealogy/genealogy.ts). At the first
 * thing it does not accept (a quoted field, a non-ASCII id, an invalid date, a duplicate id, an unknown
 * sponsor…) it gives up and returns undefined, and the caller reads the files again through the general
 * path, which reports every issue with its file, line and field. So the fast path never decides what an
 * error says, and for the files it accepts it gives exactly what the general path gives (a property test
 * checks this on random files).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type Genealogy, type GivenRanks, MEMBER_STATUSES, linkTree, numberTopDown } from "../genealogy/genealogy.js";
import { VOLUME_MAX, VOLUME_SCALE } from "../money/decimal.js";
import { ORDER_KINDS } from "../plan/fields.js";
import { type Period, isIsoDate } from "../run/period.js";
import { IdTable, hashBytes } from "./id-table.js";
import { ByteTexts, CodedTexts, IndexedTexts, sameText } from "./text-list.js";
import { numberOrdersByMember } from "./order-number.js";
import type { OrderColumns } from "./rows.js";

/** @internal What the fast path builds: the sponsor tree and the orders with their member indices. */
export interface FastInput {
  readonly genealogy: Genealogy;
  readonly orders: OrderColumns & { readonly member: Int32Array };
}

/** Thrown inside the fast path to give up; never escapes this module. */
class GiveUp {}
const GIVE_UP = new GiveUp();

const LF = 10;
const CR = 13;
const COMMA = 44;
/** Bytes read at a time (tests pass tiny chunks to cross every boundary). */
const CHUNK = 8 << 20;
const MAX_ID = 128;

/**
 * Calls `row` for every data row of a CSV file, with the byte range of each field in `starts`/`ends`.
 * Reads in chunks, so a file of any size (beyond V8's longest string) streams through a fixed buffer.
 * Gives up on anything outside plain unquoted ASCII, on rows wider or narrower than the header, and on
 * an empty file.
 */
function scanCsv(
  path: string,
  header: (names: string[]) => void,
  row: (buf: Buffer, starts: Int32Array, ends: Int32Array, line: number) => void,
  expect: (rows: number) => void,
  chunk: number,
): void {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    throw GIVE_UP;
  }
  try {
    let buf = Buffer.allocUnsafe(chunk);
    let kept = 0;
    let width = -1;
    let starts = new Int32Array(0);
    let ends = new Int32Array(0);
    let first = true;
    let rows = 0;
    /** The 1-based line of the row being read. */
    let line = 0;
    let read = 0;
    let estimated = false;
    const size = fstatSync(fd).size;
    for (;;) {
      const got = readSync(fd, buf, kept, buf.length - kept, null);
      read += got;
      const end = kept + got;
      const last = got === 0;
      let p = 0;
      if (first) {
        if (end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) p = 3;
        first = false;
      }
      // Rows end at LF; at the end of the file the last row may lack one.
      for (;;) {
        let lineEnd = buf.indexOf(LF, p);
        if (lineEnd < 0 || lineEnd >= end) {
          if (!last || p >= end) break;
          lineEnd = end;
        }
        line++;
        let stop = lineEnd;
        if (stop > p && buf[stop - 1] === CR) stop--;
        if (stop === p) {
          p = lineEnd + 1;
          continue; // a blank line
        }
        if (width < 0) {
          const names: string[] = [];
          let s = p;
          for (let q = p; q <= stop; q++) {
            if (q === stop || buf[q] === COMMA) {
              names.push(fieldText(buf, s, q));
              s = q + 1;
            }
          }
          header(names);
          width = names.length;
          starts = new Int32Array(width);
          ends = new Int32Array(width);
        } else {
          let f = 0;
          let s = p;
          for (let q = p; q < stop; q++) {
            const c = buf[q] as number;
            if (c === COMMA) {
              if (f >= width - 1) throw GIVE_UP;
              starts[f] = s;
              ends[f++] = q;
              s = q + 1;
            } else if (!plain(c)) throw GIVE_UP;
          }
          if (f !== width - 1) throw GIVE_UP;
          starts[f] = s;
          ends[f] = stop;
          row(buf, starts, ends, line);
          rows++;
        }
        p = lineEnd + 1;
      }
      if (last) break;
      if (!estimated && rows > 0) {
        // Size the tables once, from the rows per byte of the first chunk.
        expect(Math.ceil((rows * size) / read));
        estimated = true;
      }
      // Keep the unfinished row at the start of the buffer.
      kept = end - p;
      if (p === 0 && kept === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, kept);
        buf = bigger;
      } else buf.copy(buf, 0, p, end);
    }
    if (width < 0) throw GIVE_UP;
  } finally {
    closeSync(fd);
  }
}

/** A header or data field as text; gives up on anything but printable ASCII without spaces or quotes. */
function fieldText(buf: Buffer, s: number, e: number): string {
  for (let q = s; q < e; q++) if (!plain(buf[q] as number)) throw GIVE_UP;
  return buf.toString("latin1", s, e);
}

/** Whether a byte may stand in a field the fast path takes: printable ASCII other than space and `"`. */
function plain(c: number): boolean {
  return c > 32 && c < 127 && c !== 34;
}

/** An id field: 1 to 128 characters (already known to be printable ASCII without spaces). */
function checkId(s: number, e: number): void {
  if (e <= s || e - s > MAX_ID) throw GIVE_UP;
}

/**
 * Column positions for the header's names; gives up unless every name is one of `required` (all present),
 * `optional` or `ignored` (skipped), each at most once.
 */
function columnsOf(names: readonly string[], required: readonly string[], optional: readonly string[], ignored: ReadonlySet<string>): Map<string, number> {
  const at = new Map<string, number>();
  const allowed = new Set([...required, ...optional]);
  const skipped = new Set<string>();
  names.forEach((name, i) => {
    if (!allowed.has(name)) {
      if (!ignored.has(name) || skipped.has(name)) throw GIVE_UP;
      skipped.add(name);
      return;
    }
    if (at.has(name)) throw GIVE_UP;
    at.set(name, i);
  });
  for (const name of required) if (!at.has(name)) throw GIVE_UP;
  return at;
}

/** Dates seen so far, by their eight digits as a number: a code into `words`, or -1 when invalid here. */
class DateCache {
  private readonly known = new Map<number, number>();
  /** The distinct valid dates, by code. */
  readonly words: string[] = [];
  constructor(private readonly ok: (date: string) => boolean) {}

  code(buf: Buffer, s: number, e: number): number {
    if (e - s !== 10 || buf[s + 4] !== 45 || buf[s + 7] !== 45) throw GIVE_UP;
    let key = 0;
    for (let q = s; q < e; q++) {
      if (q === s + 4 || q === s + 7) continue;
      const d = (buf[q] as number) - 48;
      if (d < 0 || d > 9) throw GIVE_UP;
      key = key * 10 + d;
    }
    let code = this.known.get(key);
    if (code === undefined) {
      const t = buf.toString("latin1", s, e);
      code = isIsoDate(t) && this.ok(t) ? this.words.push(t) - 1 : -1;
      this.known.set(key, code);
    }
    if (code < 0) throw GIVE_UP;
    return code;
  }
}

/** A growable typed array of numbers. */
class Column<T extends Int32Array | Float64Array> {
  data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(this.data.length * 2);
    this.data[this.length++] = v;
  }
  reserve(n: number): void {
    if (n > this.data.length) {
      const bigger = this.make(n);
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}
const ints = (n: number) => new Int32Array(n);
const floats = (n: number) => new Float64Array(n);

/** The index of the bytes `buf[s, e)` among `options`, or -1. */
function whichOf(buf: Buffer, s: number, e: number, options: readonly string[]): number {
  for (let k = 0; k < options.length; k++) if (sameText(buf, s, e, options[k] as string)) return k;
  return -1;
}

/** 10^(4 - places): the units of one step in the last of `places` decimals. */
const STEP = Array.from({ length: VOLUME_SCALE + 1 }, (_, places) => 10 ** (VOLUME_SCALE - places));

const VOLUME_MAX_UNITS = Number(VOLUME_MAX) * 10 ** VOLUME_SCALE;

/**
 * A volume's units of 10^-4 from its bytes, by exactly the rule of the validator's fast path: up to 10
 * integer digits, an optional point and 1 to 4 decimals, at most the largest volume. Gives up otherwise
 * (the general path then accepts it by its slower rule or reports it).
 */
function volumeUnits(buf: Buffer, s: number, e: number): number {
  const len = e - s;
  if (len === 0 || len > 15) throw GIVE_UP;
  let int = 0;
  let q = s;
  for (; q < e; q++) {
    const c = (buf[q] as number) - 48;
    if (c < 0 || c > 9) break;
    int = int * 10 + c;
  }
  if (q === s || q - s > 10) throw GIVE_UP;
  let frac = 0;
  let places = 0;
  if (q < e) {
    if (buf[q] !== 46 || q === e - 1) throw GIVE_UP;
    for (q++; q < e; q++) {
      const c = (buf[q] as number) - 48;
      if (c < 0 || c > 9 || places === VOLUME_SCALE) throw GIVE_UP;
      frac = frac * 10 + c;
      places++;
    }
  }
  const units = int * 10_000 + frac * (STEP[places] as number);
  if (units > VOLUME_MAX_UNITS) throw GIVE_UP;
  return units;
}

/**
 * Whether the bytes `buf[s, e)` are a rank name (RANK_NAME_RE; spaces are already excluded): a letter or a
 * digit, then up to 63 letters, digits or _.'&+-.
 */
function isRankName(buf: Buffer, s: number, e: number): boolean {
  if (e - s > 64 || !alnum(buf[s] as number)) return false;
  for (let q = s + 1; q < e; q++) {
    const c = buf[q] as number;
    // _ . ' & + -
    if (!alnum(c) && c !== 95 && c !== 46 && c !== 39 && c !== 38 && c !== 43 && c !== 45) return false;
  }
  return true;
}

function alnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function readMembers(path: string, period: Period, ignored: ReadonlySet<string>, chunk: number): { genealogy: Genealogy; table: IdTable; texts: ByteTexts } {
  const ids = new ByteTexts();
  // Given ranks (the optional rank column): only the rows that have one.
  const rankNames: string[] = [];
  const rankCode = new Map<string, number>();
  const rankRows = new Column(ints);
  const rankCodes = new Column(ints);
  const rankLines = new Column(ints);
  const joinCodes = new Column(ints);
  const indexOf = new IdTable(ids);
  const parent = new Column(ints);
  const status: number[] = [];
  const pendingMember: number[] = [];
  const pendingSponsor: string[] = [];
  const dates = new DateCache((d) => d <= period.end);
  let root = -1;
  let cId = 0;
  let cSponsor = 0;
  let cJoin = 0;
  let cStatus = -1;
  let cRank = -1;
  let lastSponsorIndex = -1;
  scanCsv(
    path,
    (names) => {
      // A placement tree is read by the general path (even when its columns are named to be ignored:
      // known columns are always read).
      if (names.includes("placementId") || names.includes("leg")) throw GIVE_UP;
      const at = columnsOf(names, ["id", "sponsorId", "joinDate"], ["status", "rank"], ignored);
      cId = at.get("id") as number;
      cSponsor = at.get("sponsorId") as number;
      cJoin = at.get("joinDate") as number;
      cStatus = at.get("status") ?? -1;
      cRank = at.get("rank") ?? -1;
    },
    (buf, starts, ends, line) => {
      const i = ids.length;
      const is = starts[cId] as number;
      const ie = ends[cId] as number;
      checkId(is, ie);
      const h = hashBytes(buf, is, ie);
      if (indexOf.findBytes(buf, is, ie, h) >= 0) throw GIVE_UP;
      ids.push(buf, is, ie);
      indexOf.add(i, h);
      joinCodes.push(dates.code(buf, starts[cJoin] as number, ends[cJoin] as number));
      if (cStatus < 0 || starts[cStatus] === ends[cStatus]) status.push(0);
      else {
        const k = whichOf(buf, starts[cStatus] as number, ends[cStatus] as number, MEMBER_STATUSES);
        if (k < 0) throw GIVE_UP;
        status.push(k);
      }
      if (cRank >= 0 && starts[cRank] !== ends[cRank]) {
        const rs = starts[cRank] as number;
        const re = ends[cRank] as number;
        if (!isRankName(buf, rs, re)) throw GIVE_UP;
        const name = buf.toString("latin1", rs, re);
        let code = rankCode.get(name);
        if (code === undefined) rankCode.set(name, (code = rankNames.push(name) - 1));
        rankRows.push(i);
        rankCodes.push(code);
        rankLines.push(line);
      }
      const ss = starts[cSponsor] as number;
      const se = ends[cSponsor] as number;
      if (ss === se) {
        if (root >= 0) throw GIVE_UP;
        root = i;
        parent.push(-1);
        return;
      }
      // Consecutive members often share a sponsor: compare bytes before making a string.
      if (lastSponsorIndex >= 0 && ids.equalsBytes(lastSponsorIndex, buf, ss, se)) {
        parent.push(lastSponsorIndex);
        return;
      }
      const p = indexOf.findBytes(buf, ss, se, hashBytes(buf, ss, se));
      if (p === i) throw GIVE_UP;
      if (p < 0) {
        parent.push(-1);
        pendingMember.push(i);
        checkId(ss, se);
        pendingSponsor.push(buf.toString("latin1", ss, se));
        return;
      }
      parent.push(p);
      lastSponsorIndex = p;
    },
    (rows) => {
      indexOf.reserve(rows);
      parent.reserve(rows);
      joinCodes.reserve(rows);
    },
    chunk,
  );
  const n = ids.length;
  if (n === 0 || root < 0) throw GIVE_UP;
  const parents = parent.done();
  for (let k = 0; k < pendingMember.length; k++) {
    const p = indexOf.get(pendingSponsor[k] as string);
    if (p === undefined) throw GIVE_UP;
    parents[pendingMember[k] as number] = p;
  }
  const tree = linkTree(parents, root);
  if (tree.reached < n) throw GIVE_UP;
  const givenRanks: GivenRanks | undefined =
    rankRows.length === 0 ? undefined : { names: rankNames, rows: rankRows.done(), codes: rankCodes.done(), file: path, lines: rankLines.done() };
  const genealogy = numberTopDown(
    { ids: ids.done(), indexOf, parent: parents, status: Uint8Array.from(status), joinDate: new CodedTexts(dates.words, joinCodes.done()), givenRanks },
    tree,
  );
  return { genealogy, table: indexOf, texts: ids };
}

function readOrders(
  path: string,
  period: Period,
  measures: ReadonlySet<string>,
  g: Genealogy,
  members: IdTable,
  memberTexts: ByteTexts,
  ignored: ReadonlySet<string>,
  chunk: number,
): FastInput["orders"] {
  const names = [...measures].sort();
  const ids = new ByteTexts();
  const dateCodes = new Column(ints);
  const kinds = new Column(ints);
  const member = new Column(ints);
  const volumes = names.map(() => new Column(floats));
  const seen = new IdTable(ids);
  const dates = new DateCache((d) => d >= period.start && d <= period.end);
  let cId = 0;
  let cMember = 0;
  let cKind = 0;
  let cDate = 0;
  let cVolume: number[] = [];
  let lastMember = -1;
  const { memberOfRow } = g;
  scanCsv(
    path,
    (header) => {
      // A measure without a column counts 0 on every order (its column stays all zeros).
      const at = columnsOf(header, ["id", "memberId", "kind", "date"], names, ignored);
      cId = at.get("id") as number;
      cMember = at.get("memberId") as number;
      cKind = at.get("kind") as number;
      cDate = at.get("date") as number;
      cVolume = names.map((m) => at.get(m) ?? -1);
    },
    (buf, starts, ends) => {
      const is = starts[cId] as number;
      const ie = ends[cId] as number;
      checkId(is, ie);
      const h = hashBytes(buf, is, ie);
      if (seen.findBytes(buf, is, ie, h) >= 0) throw GIVE_UP;
      seen.add(ids.length, h);
      ids.push(buf, is, ie);
      // Consecutive orders are often one member's: compare bytes before making a string.
      const ms = starts[cMember] as number;
      const me = ends[cMember] as number;
      let m = lastMember;
      if (m < 0 || !memberTexts.equalsBytes(m, buf, ms, me)) {
        checkId(ms, me);
        const found = members.findBytes(buf, ms, me, hashBytes(buf, ms, me));
        if (found < 0) throw GIVE_UP;
        m = lastMember = found;
      }
      member.push(memberOfRow[m] as number);
      const k = whichOf(buf, starts[cKind] as number, ends[cKind] as number, ORDER_KINDS);
      if (k < 0) throw GIVE_UP;
      kinds.push(k);
      dateCodes.push(dates.code(buf, starts[cDate] as number, ends[cDate] as number));
      for (let v = 0; v < cVolume.length; v++) {
        const c = cVolume[v] as number;
        (volumes[v] as Column<Float64Array>).push(c < 0 ? 0 : volumeUnits(buf, starts[c] as number, ends[c] as number));
      }
    },
    (rows) => {
      seen.reserve(rows);
      kinds.reserve(rows);
      dateCodes.reserve(rows);
      member.reserve(rows);
      for (const v of volumes) v.reserve(rows);
    },
    chunk,
  );
  const memberIndex = member.done();
  return {
    count: ids.length,
    ids: ids.done(),
    memberIds: new IndexedTexts(g.ids, memberIndex),
    kinds: Uint8Array.from(kinds.done()),
    dates: new CodedTexts(dates.words, dateCodes.done()),
    measures: names,
    volumes: volumes.map((v) => v.done()),
    member: memberIndex,
  };
}

/** @internal Options of {@link readCsvFast}. */
export interface FastCsvOptions {
  /** Hears "validate" before the members are read and "genealogy" before the orders. */
  readonly onPhase?: (phase: "validate" | "genealogy") => void;
  /** Columns to skip in both files (any other unknown column sends the files to the general path). */
  readonly ignoreColumns?: readonly string[];
  /** Bytes read at a time (tests pass tiny chunks to cross every boundary). */
  readonly chunk?: number;
}

/**
 * @internal Reads a members and an orders CSV file by the fast path, or returns undefined when anything in
 * them needs the general path (which then also reports every issue).
 */
export function readCsvFast(
  files: { readonly members: string; readonly orders: string },
  period: Period,
  measures: ReadonlySet<string>,
  options: FastCsvOptions = {},
): FastInput | undefined {
  if (!files.members.toLowerCase().endsWith(".csv") || !files.orders.toLowerCase().endsWith(".csv")) return undefined;
  const onPhase = options.onPhase ?? (() => {});
  const chunk = options.chunk ?? CHUNK;
  const ignored = new Set(options.ignoreColumns ?? []);
  try {
    onPhase("validate");
    const { genealogy, table, texts } = readMembers(files.members, period, ignored, chunk);
    onPhase("genealogy");
    const read = readOrders(files.orders, period, measures, genealogy, table, texts, ignored, chunk);
    return { genealogy, orders: numberOrdersByMember(read, read.member, genealogy.ids) };
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    // Out of memory, a Map past its size limit and the like: the general path reports what it can.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

/**
 * @internal Reads a members CSV file alone by the fast path (for `compplan place`): its sponsor tree, or
 * undefined when anything in it needs the general path, a placementId or leg column included.
 */
export function readMembersCsvFast(path: string, period: Period, options: Omit<FastCsvOptions, "onPhase"> = {}): Genealogy | undefined {
  if (!path.toLowerCase().endsWith(".csv")) return undefined;
  try {
    return readMembers(path, period, new Set(options.ignoreColumns ?? []), options.chunk ?? CHUNK).genealogy;
  } catch (e) {
    if (e === GIVE_UP || e instanceof RangeError) return undefined;
    throw e;
  }
}
