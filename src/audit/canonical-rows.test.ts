// The fast canonical writer (canonical-rows.ts) against the canonical form computed the slow, obvious way
// (test/fixtures/canonical-input.ts: objects, a `<` comparator sort, canonicalJson, decimal.js, node:crypto),
// on random rows: ids that need JSON escaping, non-ASCII and lone surrogates, sorted and unsorted input,
// zero, whole, fractional and huge volumes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OrderColumns } from "../input/rows.js";
import { type PlainMember, type PlainOrder, ndjson, referenceMemberLines, referenceOrderLines, sha256 } from "../../test/fixtures/canonical-input.js";
import { EMBEDDED_ROWS } from "./bundle.js";
import { ByteTexts } from "../input/text-list.js";
import { idOrder } from "../input/text-order.js";
import { type LineLayout, type MemberColumns, chunkTexts, memberLineChunks, orderLineChunks, sha256Chunks } from "./canonical-rows.js";
import { fingerprintMembers, fingerprintOrders } from "./fingerprint.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 200);

/** Code units that exercise every path: plain ASCII, JSON escapes, non-ASCII, surrogate pairs and lone ones. */
const UNITS = ["a", "b", "Z", "0", "1", "9", "-", "_", " ", "~", "\u007f", '"', "\\", "/", "\u0001", "\n", "é", "ß", "中", "\u2028", "\uffff", "😀", "\ud800", "\udfff"];
const unitArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("a", "b", "0", "1", "9") }, { weight: 1, arbitrary: fc.constantFrom(...UNITS) });
const idArb = fc.oneof(
  fc.array(unitArb, { minLength: 1, maxLength: 10 }).map((a) => a.join("")),
  fc.nat({ max: 100_000 }).map((n) => `O${n}`),
  fc.nat({ max: 1000 }).map((n) => `ORDER-2026-10-${String(n).padStart(6, "0")}`),
);
const volumeArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.nat({ max: 100_000 }).map((x) => x * 10_000) },
  { weight: 3, arbitrary: fc.nat({ max: 10_000_000_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 1_250, 5_000, 2 ** 52, 2 ** 53 + 2, 1e20, 123_456_789_012_345_680_000) },
);
const dateArb = fc.integer({ min: 1, max: 31 }).map((d) => `2026-10-${String(d).padStart(2, "0")}`);
const sortById = <T extends { id: string }>(rows: T[]) => rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Rank names (the column is written from strings: quotes and non-ASCII take the escaping path). */
const RANKS = ["Bronze", "Gold Director", "R0", "007", 'Say "Hi"', "Émeraude"];

const membersArb = fc
  .record({
    ids: fc.uniqueArray(idArb, { minLength: 0, maxLength: 60 }),
    sponsors: fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
    statuses: fc.array(fc.nat({ max: 2 }), { minLength: 60, maxLength: 60 }),
    dates: fc.array(dateArb, { minLength: 60, maxLength: 60 }),
    // Without a placement tree, or with one: each member but the first placed on a leg (1 to 1000).
    legs: fc.option(fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom(9, 10, 999, 1000)), { minLength: 60, maxLength: 60 })),
    sorted: fc.boolean(),
    // Given ranks, in some inputs: none (-1) or a rank name, some of which JSON escapes.
    ranks: fc.option(fc.array(fc.integer({ min: -1, max: RANKS.length - 1 }), { minLength: 60, maxLength: 60 }), { nil: undefined }),
  })
  .map(({ ids, sponsors, statuses, dates, legs, sorted, ranks }): PlainMember[] => {
    const rows = ids.map((id, i) => ({
      id,
      joinDate: dates[i] as string,
      sponsorId: i === 0 ? null : (ids[(sponsors[i] as number) % ids.length] as string),
      status: statuses[i] as number,
      ...((ranks?.[i] ?? -1) >= 0 ? { rank: RANKS[ranks?.[i] as number] as string } : {}),
      ...(legs !== null && i > 0 ? { placementId: ids[(sponsors[i] as number) % i] as string, leg: legs[i] as number } : {}),
    }));
    return sorted ? sortById(rows) : rows;
  });

const MEASURE_SETS = [["CV", "PV", "RETAIL"], ["PV"], [], ["b", "B_2", "a"]];
const ordersArb = fc
  .record({
    measures: fc.constantFrom(...MEASURE_SETS),
    rows: fc.uniqueArray(
      fc.record({ id: idArb, memberId: idArb, kind: fc.nat({ max: 2 }), date: dateArb, volumes: fc.array(volumeArb, { minLength: 3, maxLength: 3 }) }),
      { selector: (o) => o.id, minLength: 0, maxLength: 60 },
    ),
    sorted: fc.boolean(),
  })
  .map(({ measures, rows, sorted }) => {
    const orders: PlainOrder[] = rows.map((o) => ({ ...o, volumes: Object.fromEntries(measures.map((m, k) => [m, o.volumes[k] as number])) }));
    return { measures, orders: sorted ? sortById(orders) : orders };
  });

function memberColumns(rows: readonly PlainMember[]): MemberColumns {
  const ranks = rows.some((m) => m.rank !== undefined) ? { names: RANKS, codes: Int32Array.from(rows, (m) => (m.rank === undefined ? -1 : RANKS.indexOf(m.rank))) } : undefined;
  const base = { ids: rows.map((m) => m.id), joinDates: rows.map((m) => m.joinDate), sponsorIds: rows.map((m) => m.sponsorId), status: Uint8Array.from(rows, (m) => m.status), ...(ranks !== undefined ? { ranks } : {}) };
  if (!rows.some((m) => m.placementId !== undefined)) return base;
  return { ...base, placementIds: rows.map((m) => m.placementId), legs: Int32Array.from(rows, (m) => m.leg ?? 0) };
}

function orderColumns(measures: readonly string[], rows: readonly PlainOrder[]): OrderColumns {
  return {
    count: rows.length,
    ids: rows.map((o) => o.id),
    memberIds: rows.map((o) => o.memberId),
    kinds: Uint8Array.from(rows, (o) => o.kind),
    dates: rows.map((o) => o.date),
    measures,
    volumes: measures.map((m) => Float64Array.from(rows, (o) => o.volumes[m] as number)),
  };
}

/** Lines joined as a layout joins them. */
const laidOut = (lines: readonly string[], layout: LineLayout) => lines.map((l, r) => `${r === 0 ? layout.first : layout.between}${l}${layout.after}`).join("");
const text = (chunks: Iterable<Uint8Array>) => Array.from(chunkTexts(chunks)).join("");

describe("idOrder", () => {
  it("is the stable order of the `<` comparator (undefined when the ids are already strictly ascending)", () => {
    const idsArb = fc.oneof(
      fc.array(idArb, { maxLength: 80 }),
      fc.array(fc.string({ unit: "binary", maxLength: 6 }), { maxLength: 80 }),
      // Many distinct code units (11 bits each) and long shared prefixes (several rounds of words).
      fc.array(fc.array(fc.integer({ min: 0x30, max: 0x530 }), { maxLength: 5 }).map((u) => String.fromCharCode(...u)), { maxLength: 80 }),
      fc.array(fc.nat({ max: 50 }).map((n) => `${"x".repeat(40)}${n}`), { maxLength: 80 }),
    );
    fc.assert(
      fc.property(idsArb, fc.boolean(), (ids, sorted) => {
        if (sorted) ids.sort();
        const expected = ids.map((_, i) => i).sort((a, b) => ((ids[a] as string) < (ids[b] as string) ? -1 : (ids[a] as string) > (ids[b] as string) ? 1 : 0));
        const order = idOrder(ids);
        if (order === undefined) {
          for (let i = 1; i < ids.length; i++) expect((ids[i - 1] as string) < (ids[i] as string)).toBe(true);
        } else expect(Array.from(order)).toEqual(expected);
        // The same ids kept as bytes (the fast input path: ASCII only) give the same order.
        if (ids.every((id) => /^[\x00-\x7f]*$/.test(id))) {
          const bytes = new ByteTexts();
          for (const id of ids) bytes.push(Buffer.from(id, "latin1"), 0, id.length);
          const again = idOrder(bytes);
          expect(again === undefined ? undefined : Array.from(again)).toEqual(order === undefined ? undefined : Array.from(order));
        }
      }),
      { numRuns },
    );
  });

  it("sorts large inputs: numbered ids in numeric order, shuffled, and with duplicates", () => {
    const n = 30_000;
    const numbered = Array.from({ length: n }, (_, i) => `O${i + 1}`);
    const shuffled = numbered.map((id, i) => numbered[(i * 7919) % n] as string);
    const duplicated = numbered.map((id, i) => (i % 3 === 0 ? "same" : id));
    // Big runs of ids equal for many code units: sorted by several rounds of radix passes, not by insertion.
    let seed = 1;
    const random = (k: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % k;
    };
    const word = (alphabet: string, max: number) => Array.from({ length: random(max + 1) }, () => alphabet[random(alphabet.length)]).join("");
    const prefixed = Array.from({ length: n }, () => `P-0000000000-${word("ab", 40)}`);
    const wide = Array.from({ length: n }, () => String.fromCharCode(...Array.from({ length: random(7) }, () => 0x100 + random(3000))));
    for (const ids of [numbered, shuffled, duplicated, prefixed, wide]) {
      const expected = ids.map((_, i) => i).sort((a, b) => ((ids[a] as string) < (ids[b] as string) ? -1 : (ids[a] as string) > (ids[b] as string) ? 1 : 0));
      expect(Array.from(idOrder(ids) as Int32Array)).toEqual(expected);
    }
    // Ids that differ only after a shared prefix of every length, whatever the code units per radix word.
    for (const size of [2, 5, 11, 40, 300]) {
      const alphabet = Array.from({ length: size }, (_, k) => String.fromCharCode(0x41 + k)).join("");
      for (let length = 0; length < 70; length++) {
        const prefix = (alphabet[random(size)] as string).repeat(length);
        const ids = Array.from({ length: 64 }, () => prefix + word(alphabet, 2));
        const expected = ids.map((_, i) => i).sort((a, b) => ((ids[a] as string) < (ids[b] as string) ? -1 : (ids[a] as string) > (ids[b] as string) ? 1 : 0));
        const order = idOrder(ids);
        expect(order === undefined ? expected : Array.from(order), `alphabet of ${size}, prefix of ${length}`).toEqual(expected);
      }
    }
  });
});

describe("canonical lines written from columns", () => {
  it("members: the same text and fingerprint as the object-based canonical form", () => {
    fc.assert(
      fc.property(membersArb, (rows) => {
        const expected = referenceMemberLines(rows);
        const cols = memberColumns(rows);
        expect(text(memberLineChunks(cols))).toBe(ndjson(expected));
        expect(fingerprintMembers(cols)).toBe(sha256(ndjson(expected)));
        expect(text(memberLineChunks(cols, EMBEDDED_ROWS))).toBe(laidOut(expected, EMBEDDED_ROWS));
      }),
      { numRuns },
    );
  });

  it("orders: the same text and fingerprint as the object-based canonical form (zero volumes left out)", () => {
    fc.assert(
      fc.property(ordersArb, ({ measures, orders }) => {
        const expected = referenceOrderLines(orders);
        const cols = orderColumns(measures, orders);
        expect(text(orderLineChunks(cols))).toBe(ndjson(expected));
        expect(fingerprintOrders(cols)).toBe(sha256(ndjson(expected)));
        expect(text(orderLineChunks(cols, EMBEDDED_ROWS))).toBe(laidOut(expected, EMBEDDED_ROWS));
      }),
      { numRuns },
    );
  });

  it("hash every byte across chunks, and lines longer than the chunk buffer", () => {
    // 40,000 members make several chunks; an id of 150,000 characters starts a new chunk; ids of 400,000
    // characters (some escaped) outgrow the buffer.
    const rows: PlainMember[] = Array.from({ length: 40_000 }, (_, i) => ({ id: `M${String(i).padStart(7, "0")}`, joinDate: "2024-01-01", sponsorId: i === 0 ? null : "M0000000", status: i % 3 }));
    rows.push({ id: `${"é".repeat(400_000)}`, joinDate: "2024-01-01", sponsorId: '"'.repeat(400_000), status: 0 });
    rows.splice(20_000, 0, { id: `M0019999${"y".repeat(150_000)}`, joinDate: "2024-01-01", sponsorId: null, status: 1 });
    rows.unshift({ id: `N${"x".repeat(400_000)}`, joinDate: "2024-01-01", sponsorId: "M0000001", status: 2 });
    const expected = ndjson(referenceMemberLines(rows));
    const cols = memberColumns(rows);
    expect(Array.from(memberLineChunks(cols)).length).toBeGreaterThan(3);
    expect(sha256Chunks(memberLineChunks(cols))).toBe(sha256(expected));
    expect(text(memberLineChunks(cols))).toBe(expected);
    expect(text(memberLineChunks(cols, EMBEDDED_ROWS))).toBe(laidOut(referenceMemberLines(rows), EMBEDDED_ROWS));
  });

  it("empty inputs are empty text", () => {
    expect(text(memberLineChunks(memberColumns([])))).toBe("");
    expect(fingerprintOrders(orderColumns(["PV"], []))).toBe(sha256(""));
  });
});
