// The fast CSV path (src/input/fast-csv.ts) against the general reader and validator: on files it
// accepts it must build exactly what the general path builds, and on anything else it must step aside so
// the general path reports the issues. Expected values come from the general path, never the fast one.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { MemberInput, OrderInput } from "../src/index.js";
import { inputSummaries } from "../src/audit/bundle.js";
import { genealogyMembers } from "../src/audit/canonical-rows.js";
import { readCsvFast } from "../src/input/fast-csv.js";
import { safePrepareFiles, readInputFiles } from "../src/input/files.js";
import { IdTable, hashBytes, hashText } from "../src/input/id-table.js";
import { ByteTexts, type TextList } from "../src/input/text-list.js";
import { type PreparedInput, safePrepareInput } from "../src/run/calculate.js";
import { safeParsePeriod } from "../src/run/period.js";
import type { Result } from "../src/errors/issues.js";
import { givenRanksArb, inputArb } from "./arbitraries/inputs.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 150);
const MEASURES = ["CV", "PV", "RETAIL"];
const dir = mkdtempSync(join(tmpdir(), "compplan-fast-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How a file is written: column order, line ends, BOM, blank lines, the status column. */
interface Style {
  memberColumns: string[];
  orderColumns: string[];
  crlf: boolean;
  bom: boolean;
  blankLines: boolean;
  finalNewline: boolean;
  chunk: number;
}

/** Columns both paths are told to skip; the files below sometimes carry them. */
const IGNORED = ["note", "email"];

/** Every column of `names` in a random order. */
const shuffled = (names: string[]) => fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length });

const styleArb: fc.Arbitrary<Style> = fc.record({
  memberColumns: fc.constantFrom(
    ["id", "sponsorId", "joinDate", "status"],
    ["status", "joinDate", "id", "sponsorId"],
    ["sponsorId", "id", "joinDate"],
    ["id", "email", "sponsorId", "joinDate"],
    ["id", "sponsorId", "joinDate", "status", "rank"],
    ["rank", "id", "sponsorId", "joinDate"],
  ),
  // Some measures may have no column (they count 0), and an ignored column may stand anywhere.
  orderColumns: fc
    .tuple(fc.subarray(MEASURES), fc.boolean())
    .chain(([measures, note]) => shuffled(["id", "memberId", "kind", "date", ...measures, ...(note ? ["note"] : [])])),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  blankLines: fc.boolean(),
  finalNewline: fc.boolean(),
  chunk: fc.constantFrom(24, 64, 200, 4096, 8 << 20),
});

function cell(record: MemberInput | OrderInput, column: string): string {
  const r = record as unknown as Record<string, unknown>;
  if (column in r) return r[column] === null || r[column] === undefined ? "" : String(r[column]);
  return (record as OrderInput).volumes?.[column]?.toString() ?? "0";
}

function csv(rows: readonly (MemberInput | OrderInput)[], columns: readonly string[], style: Style, edit?: (line: string, i: number) => string): string {
  const nl = style.crlf ? "\r\n" : "\n";
  const lines = [columns.join(",")];
  rows.forEach((row, i) => {
    if (style.blankLines && i % 3 === 1) lines.push("");
    const line = columns.map((c) => cell(row, c)).join(",");
    lines.push(edit ? edit(line, i) : line);
  });
  return (style.bom ? "\uFEFF" : "") + lines.join(nl) + (style.finalNewline ? nl : "");
}

let fileNo = 0;
function write(text: string): string {
  const path = join(dir, `f${fileNo++}.csv`);
  writeFileSync(path, text);
  return path;
}

/** The general path: records, then validation and the tree. */
function general(period: string, members: string, orders: string): Result<PreparedInput> {
  const read = readInputFiles({ period, members, orders }, MEASURES, IGNORED);
  if (!read.ok) return read;
  return safePrepareInput(read.value.input, new Set(MEASURES), { memberOrigins: read.value.memberOrigins, orderOrigins: read.value.orderOrigins });
}

function expectSame(fast: Pick<PreparedInput, "genealogy" | "orders">, slow: PreparedInput): void {
  const a = fast.genealogy;
  const b = slow.genealogy;
  expect(a.size).toBe(b.size);
  const all = (list: TextList) => Array.from({ length: list.length }, (_, i) => list.at(i));
  expect(all(a.ids)).toEqual(all(b.ids));
  expect(a.root).toBe(b.root);
  for (const k of ["parent", "order", "depth", "childStart", "childList", "status"] as const) expect(Array.from(a[k]), k).toEqual(Array.from(b[k]));
  expect(all(a.joinDate)).toEqual(all(b.joinDate));
  // Given ranks: the same names, rows and codes, and the same file and lines for MEMBER_UNKNOWN_RANK.
  const given = (g: typeof a) =>
    g.givenRanks === undefined ? undefined : { ...g.givenRanks, rows: Array.from(g.givenRanks.rows), codes: Array.from(g.givenRanks.codes), lines: Array.from(g.givenRanks.lines ?? []) };
  expect(given(a)).toEqual(given(b));
  for (const id of all(b.ids)) expect(a.indexOf.get(id as string)).toBe(b.indexOf.get(id as string));
  expect(a.indexOf.get("not a member")).toBeUndefined();
  const x = fast.orders;
  const y = slow.orders;
  expect(x.count).toBe(y.count);
  expect(all(x.ids)).toEqual(all(y.ids));
  expect(all(x.memberIds)).toEqual(all(y.memberIds));
  expect(all(x.dates)).toEqual(all(y.dates));
  expect(x.measures).toEqual(y.measures);
  expect(Array.from(x.kinds)).toEqual(Array.from(y.kinds));
  expect(Array.from(x.member)).toEqual(Array.from(y.member));
  expect(x.volumes.map((v) => Array.from(v))).toEqual(y.volumes.map((v) => Array.from(v)));
  expect(Array.from(x.byRow?.row ?? [])).toEqual(Array.from(y.byRow?.row ?? []));
  if (y.byRow !== undefined) expect(all(x.byRow?.ids ?? [])).toEqual(all(y.byRow.ids));
}

describe("fast CSV path", () => {
  it("builds exactly what the general path builds, for every file it accepts", () => {
    fc.assert(
      // Rank names the fast path takes: no spaces (it steps aside for those, below).
      fc.property(inputArb(MEASURES, 30).chain((input) => givenRanksArb(input, ["Bronze", "R1", "007", "A.b_c'&+-"])), styleArb, (input, style) => {
        const members = write(csv(input.members, style.memberColumns, style));
        const orders = write(csv(input.orders, style.orderColumns, style));
        const slow = general(input.period, members, orders);
        expect(slow.ok).toBe(true);
        if (!slow.ok) return;
        const period = safeParsePeriod(input.period).period;
        if (period === undefined) throw new Error("period");
        const fast = readCsvFast({ members, orders }, period, new Set(MEASURES), { chunk: style.chunk, ignoreColumns: IGNORED });
        // The generated files are plain (ASCII ids, no quotes or spaces): the fast path must take them.
        expect(fast).toBeDefined();
        if (fast !== undefined) {
          expectSame(fast, slow.value);
          // The input fingerprints, written from byte-backed ids or from strings, agree.
          expect(inputSummaries(genealogyMembers(fast.genealogy), fast.orders)).toEqual(inputSummaries(genealogyMembers(slow.value.genealogy), slow.value.orders));
        }
        // Without a status column every member is enrolled, in both paths alike.
        if (!style.memberColumns.includes("status")) expect(fast?.genealogy.status.every((s) => s === 0)).toBe(true);
      }),
      { numRuns },
    );
  });

  // Each edit makes the file something the fast path does not take: valid CSV it leaves to the general
  // reader (quotes, spaces, non-ASCII), or invalid input whose issues only the general path words.
  const edits: Record<string, { members?: (line: string, i: number) => string; orders?: (line: string, i: number) => string }> = {
    "a quoted field": { members: (l, i) => (i === 0 ? l.replace(/^([^,]*)/, '"$1"') : l) },
    "spaces around a field": { orders: (l, i) => (i === 0 ? ` ${l}` : l) },
    "a non-ASCII member id": { members: (l, i) => (i === 1 ? l.replace(/^([^,]*)/, "$1é") : l) },
    "an impossible join date": { members: (l, i) => (i === 0 ? l.replace("2022-06-15", "2022-02-30") : l) },
    "a join date after the period": { members: (l, i) => (i === 0 ? l.replace("2022-06-15", "2099-01-01") : l) },
    "an unknown status": { members: (l, i) => (i === 0 ? l.replace(/enrolled|suspended|terminated/, "retired") : l) },
    "a duplicate member": { members: (l, i) => (i === 2 ? l.replace(/^[^,]*/, "M0") : l) },
    "a row too long": { members: (l, i) => (i === 0 ? `${l},x` : l) },
    "an order for nobody": { orders: (l, i) => (i === 0 ? l.replace(/^([^,]*),([^,]*)/, "$1,nobody") : l) },
    "a duplicate order id": { orders: (l, i) => (i <= 1 ? l.replace(/^[^,]*/, "dup") : l) },
    "an order outside the period": { orders: (l, i) => (i === 0 ? l.replace(/\d{4}-\d{2}-\d{2}/, "2001-01-01") : l) },
    "an unknown kind": { orders: (l, i) => (i === 0 ? l.replace(/personal-consumption|retail-sale|customer-order/, "gift") : l) },
    "a volume with five decimals": { orders: (l, i) => (i === 0 ? `${l.slice(0, l.lastIndexOf(","))},1.00001` : l) },
    "an empty volume": { orders: (l, i) => (i === 0 ? l.slice(0, l.lastIndexOf(",") + 1) : l) },
    "a volume written 1e3": { orders: (l, i) => (i === 0 ? `${l.slice(0, l.lastIndexOf(","))},1e3` : l) },
  };
  for (const [name, edit] of Object.entries(edits)) {
    it(`steps aside for ${name}, and the result is the general path's`, () => {
      const style: Style = { memberColumns: ["id", "sponsorId", "joinDate", "status"], orderColumns: ["id", "memberId", "kind", "date", ...MEASURES], crlf: false, bom: false, blankLines: false, finalNewline: true, chunk: 64 };
      const members: MemberInput[] = [
        { id: "M0", sponsorId: null, joinDate: "2022-06-15", status: "enrolled" },
        { id: "M1", sponsorId: "M0", joinDate: "2022-06-15", status: "enrolled" },
        { id: "M2", sponsorId: "M1", joinDate: "2022-06-15", status: "suspended" },
      ];
      const orders: OrderInput[] = [
        { id: "o1", memberId: "M1", kind: "personal-consumption", date: "2026-10-03", volumes: { PV: "100", CV: "80", RETAIL: "0" } },
        { id: "o2", memberId: "M2", kind: "retail-sale", date: "2026-10-04", volumes: { PV: "50.5", CV: "40", RETAIL: "12.25" } },
      ];
      const membersPath = write(csv(members, style.memberColumns, style, edit.members));
      const ordersPath = write(csv(orders, style.orderColumns, style, edit.orders));
      const period = safeParsePeriod("2026-10").period;
      if (period === undefined) throw new Error("period");
      expect(readCsvFast({ members: membersPath, orders: ordersPath }, period, new Set(MEASURES), { chunk: style.chunk })).toBeUndefined();
      const got = safePrepareFiles({ period: "2026-10", members: membersPath, orders: ordersPath }, { measures: MEASURES });
      const want = general("2026-10", membersPath, ordersPath);
      expect(got.ok).toBe(want.ok);
      if (!got.ok && !want.ok) {
        expect(got.issues).toEqual(want.issues);
        expect(got.issues.length).toBeGreaterThan(0);
      }
      if (got.ok && want.ok) expectSame(got.value, want.value);
    });
  }

  it("steps aside for a rank name with a space (the general path takes it) and for one that is not a rank name (the general path reports it)", () => {
    const period = safeParsePeriod("2026-10").period;
    if (period === undefined) throw new Error("period");
    const ordersPath = write("id,memberId,kind,date,PV\no1,B,retail-sale,2026-10-31,2\n");
    const spaced = write("id,sponsorId,joinDate,rank\nA,,2020-01-01,\nB,A,2020-01-01,Gold Director\n");
    expect(readCsvFast({ members: spaced, orders: ordersPath }, period, new Set(MEASURES))).toBeUndefined();
    const got = safePrepareFiles({ period: "2026-10", members: spaced, orders: ordersPath }, { measures: MEASURES });
    expect(got.ok && got.value.genealogy.givenRanks?.names).toEqual(["Gold Director"]);
    const bad = write("id,sponsorId,joinDate,rank\nA,,2020-01-01,\nB,A,2020-01-01,-Gold\n");
    expect(readCsvFast({ members: bad, orders: ordersPath }, period, new Set(MEASURES))).toBeUndefined();
    const issues = safePrepareFiles({ period: "2026-10", members: bad, orders: ordersPath }, { measures: MEASURES });
    expect(issues.ok ? [] : issues.issues.map((i) => [i.code, i.path, i.line])).toEqual([["INPUT_INVALID_FIELD", ["members", 1, "rank"], 3]]);
  });

  it("takes rows longer than its read buffer, and files without a final line feed", () => {
    const long = "L".repeat(120);
    const membersPath = write(`id,sponsorId,joinDate\n${long},,2020-01-01\nM1,${long},2020-01-01`);
    const ordersPath = write(`id,memberId,kind,date,CV,PV,RETAIL\no1,${long},retail-sale,2026-10-31,1.5,2,0.0001`);
    const period = safeParsePeriod("2026-10").period;
    if (period === undefined) throw new Error("period");
    const fast = readCsvFast({ members: membersPath, orders: ordersPath }, period, new Set(MEASURES), { chunk: 16 });
    const slow = general("2026-10", membersPath, ordersPath);
    expect(fast).toBeDefined();
    if (fast !== undefined && slow.ok) expectSame(fast, slow.value);
    expect(slow.ok).toBe(true);
  });

  it("ids with backslashes (which JSON escapes) fingerprint as from the general path", () => {
    const membersPath = write("id,sponsorId,joinDate\nZ\\root,,2020-01-01\nA\\1,Z\\root,2020-01-01\nB,A\\1,2020-02-01\n");
    const ordersPath = write("id,memberId,kind,date,CV,PV,RETAIL\no\\2,B,retail-sale,2026-10-31,1.5,2,0\no1,A\\1,customer-order,2026-10-01,3,4,0\n");
    const period = safeParsePeriod("2026-10").period;
    if (period === undefined) throw new Error("period");
    const fast = readCsvFast({ members: membersPath, orders: ordersPath }, period, new Set(MEASURES), { chunk: 16 });
    const slow = general("2026-10", membersPath, ordersPath);
    expect(fast).toBeDefined();
    expect(slow.ok).toBe(true);
    if (fast === undefined || !slow.ok) return;
    expectSame(fast, slow.value);
    expect(fast.genealogy.ids.at(0)).toBe("Z\\root");
    expect(inputSummaries(genealogyMembers(fast.genealogy), fast.orders)).toEqual(inputSummaries(genealogyMembers(slow.value.genealogy), slow.value.orders));
  });

  it("leaves JSON files and unreadable files to the general path", () => {
    const period = safeParsePeriod("2026-10").period;
    if (period === undefined) throw new Error("period");
    expect(readCsvFast({ members: join(dir, "none.csv"), orders: join(dir, "none.csv") }, period, new Set(MEASURES))).toBeUndefined();
    const r = safePrepareFiles({ period: "2026-10", members: join(dir, "none.csv"), orders: join(dir, "none.csv") }, { measures: MEASURES });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.code).toBe("INPUT_UNREADABLE");
  });
});

describe("IdTable", () => {
  it("finds every id it holds, through growth, and nothing else", () => {
    const texts = new ByteTexts();
    const table = new IdTable(texts, 4);
    const ids: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const id = `id-${(i * 7919) % 100_003}`;
      ids.push(id);
      const bytes = Buffer.from(id, "latin1");
      expect(hashBytes(bytes, 0, bytes.length)).toBe(hashText(id));
      texts.push(bytes, 0, bytes.length);
      table.add(i, hashText(id));
    }
    expect(table.size).toBe(50_000);
    for (let i = 0; i < ids.length; i += 97) {
      expect(table.get(ids[i] as string)).toBe(i);
      expect(texts.at(i)).toBe(ids[i]);
    }
    expect(texts.at(-1)).toBeUndefined();
    expect(texts.at(50_000)).toBeUndefined();
    expect(table.get("id-x")).toBeUndefined();
    expect(table.get("idé")).toBeUndefined();
    const bytes = Buffer.from(`xx${ids[123]}yy`, "latin1");
    expect(table.findBytes(bytes, 2, bytes.length - 2, hashText(ids[123] as string))).toBe(123);
    expect(table.findBytes(bytes, 2, bytes.length - 1, hashBytes(bytes, 2, bytes.length - 1))).toBe(-1);
  });
});
