/**
 * The statements of a run as two tables, for columnar export (Parquet, docs/statements.md): `lines`, one
 * row per line item, and `totals`, one row per member. Built straight from the run's columns into typed
 * arrays (no statement objects, no string per row), in statement order: members by id, each member's
 * lines as their statement lists them. Amounts are unscaled integers at a stated scale, never floats.
 */
import { FAMILIES } from "../bonuses/lookup.js";
import type { LineField } from "../bonuses/family.js";
import { assert } from "../errors/issues.js";
import { membersById } from "../genealogy/genealogy.js";
import { RATE_SCALE, VALUE_SCALE, VOLUME_SCALE } from "../money/decimal.js";
import { LINE_COMPRESSED, LINE_FIXED, type LineSink } from "../run/lines.js";
import type { RunResult } from "../run/result.js";
import { ByteTexts, IndexedTexts, type TextList } from "../input/text-list.js";

/**
 * @internal A column of text: row r is `texts.at(codes[r])`, or null when `codes[r]` is -1. Few distinct
 * texts (bonus keys) or many (member ids: `texts` is then the run's id list and codes are member indices).
 */
export interface TextColumn {
  readonly name: string;
  readonly type: "text";
  readonly texts: TextList;
  readonly codes: Int32Array;
  /** Whether a row may be null (no code is -1 otherwise). */
  readonly nullable: boolean;
  /** Few distinct texts, repeated (bonus keys), rather than about one per row (member ids). */
  readonly few: boolean;
}

/** @internal A column of whole numbers (a count, a level); `valid[r]` 0 marks a null row. */
export interface IntColumn {
  readonly name: string;
  readonly type: "int32";
  readonly values: Int32Array;
  readonly valid: Uint8Array | undefined;
}

/** @internal A column of flags (1 true, 0 false); `valid[r]` 0 marks a null row. */
export interface BoolColumn {
  readonly name: string;
  readonly type: "boolean";
  readonly values: Uint8Array;
  readonly valid: Uint8Array | undefined;
}

/**
 * @internal A column of exact decimals: row r is `units[r] × 10^-scale`, NaN for null. A value that is not a
 * safe integer is in `big` (its entry in `units` is then 0). `precision` is the number of digits the column
 * declares: 18 fits a signed 64-bit integer, 38 a 128-bit one.
 */
export interface DecimalColumn {
  readonly name: string;
  readonly type: "decimal";
  readonly precision: 18 | 38;
  readonly scale: number;
  readonly units: Float64Array;
  readonly big: ReadonlyMap<number, bigint>;
  readonly nullable: boolean;
}

/** @internal A column of an export table. */
export type TableColumn = TextColumn | IntColumn | BoolColumn | DecimalColumn;

/** @internal A table: its row count and its columns, in order. */
export interface Table {
  readonly rows: number;
  readonly columns: readonly TableColumn[];
}

/**
 * How a detail field's sink column is exported: its type and its value on line l; a `member` or `order`
 * column's value is an index into the run's member ids or order ids (-1: null).
 */
const DETAIL: Readonly<Record<LineField["column"], { readonly type: "int32" | "boolean" | "member" | "order"; readonly get: (sink: LineSink, l: number) => number }>> = {
  level: { type: "int32", get: (s, l) => s.level[l] as number },
  sources: { type: "int32", get: (s, l) => s.sources[l] as number },
  compressed: { type: "boolean", get: (s, l) => ((s.flags[l] as number) & LINE_COMPRESSED) !== 0 ? 1 : 0 },
  source: { type: "member", get: (s, l) => s.source[l] as number },
  order: { type: "order", get: (s, l) => s.order[l] as number },
};

/**
 * @internal The detail fields of every family (in registry order, each name once, as the CSV's columns),
 * with the sink column each reads. Two families declaring one name must read the same column.
 */
export function detailFields(): readonly LineField[] {
  const byName = new Map<string, LineField>();
  for (const f of FAMILIES.flatMap((family) => family.lineFields)) {
    const seen = byName.get(f.name);
    assert(seen === undefined || seen.column === f.column, "line-field-column", `line field ${f.name} reads ${seen?.column} and ${f.column}`);
    byName.set(f.name, f);
  }
  return [...byName.values()];
}

/** @internal The constant columns every table starts with: the run's period and currency. */
function runColumns(rows: number, run: RunResult): TextColumn[] {
  const codes = new Int32Array(rows);
  return [
    { name: "period", type: "text", texts: [run.period.id], codes, nullable: false, few: true },
    { name: "currency", type: "text", texts: [run.plan.currency], codes, nullable: false, few: true },
  ];
}

/**
 * @internal The `lines` table: per line item, in statement order, the columns period, currency, memberId, bonus, kind, every detail field ({@link detailFields}), base, rate, value, amount, reference.
 */
export function lineTable(run: RunResult): Table {
  const p = run.internals;
  const { lineStart, lineOrder, lineAmount } = run.lineIndex;
  const sink = p.lines;
  const bonuses = p.compiled.bonuses;
  const scale = p.compiled.moneyScale;
  const perLine = p.compiled.roundingApplies === "line";
  const L = sink.count;
  const order = new Int32Array(L);
  let r = 0;
  for (const i of membersById(p.genealogy)) for (let a = lineStart[i] as number, hi = lineStart[i + 1] as number; a < hi; a++) order[r++] = lineOrder[a] as number;
  assert(r === L, "line-table-rows", `${r} of ${L} lines`);

  const member = new Int32Array(L);
  const bonus = new Int32Array(L);
  const reference = new Int32Array(L);
  const base = new Float64Array(L);
  const rate = new Float64Array(L);
  const value = new Float64Array(L);
  const amount = perLine ? new Float64Array(L) : value;
  const bigValue = new Map<number, bigint>();
  const hasReference = bonuses.map((b) => b.reference !== undefined);
  for (let k = 0; k < L; k++) {
    const l = order[k] as number;
    const b = sink.bonus[l] as number;
    member[k] = sink.recipient[l] as number;
    bonus[k] = b;
    reference[k] = hasReference[b] === true ? b : -1;
    const x = sink.base[l] as number;
    const y = sink.rate[l] as number;
    const fixed = ((sink.flags[l] as number) & LINE_FIXED) !== 0;
    base[k] = fixed ? Number.NaN : x;
    rate[k] = fixed ? Number.NaN : y;
    const product = x * y;
    if (Math.abs(product) <= Number.MAX_SAFE_INTEGER) value[k] = product;
    else {
      value[k] = 0;
      bigValue.set(k, BigInt(x) * BigInt(y));
    }
    if (perLine) amount[k] = lineAmount[l] as number;
  }

  const details: TableColumn[] = detailFields().map((f) => {
    const d = DETAIL[f.column];
    const declares = bonuses.map((b) => b.lineFields.some((x) => x.name === f.name));
    if (d.type === "member" || d.type === "order") {
      const codes = new Int32Array(L);
      for (let k = 0; k < L; k++) {
        const l = order[k] as number;
        codes[k] = declares[sink.bonus[l] as number] === true ? d.get(sink, l) : -1;
      }
      return { name: f.name, type: "text", texts: d.type === "member" ? p.genealogy.ids : p.orders.ids, codes, nullable: true, few: false };
    }
    const values = d.type === "int32" ? new Int32Array(L) : new Uint8Array(L);
    const valid = new Uint8Array(L);
    for (let k = 0; k < L; k++) {
      const l = order[k] as number;
      if (declares[sink.bonus[l] as number] !== true) continue;
      values[k] = d.get(sink, l);
      valid[k] = 1;
    }
    return d.type === "int32" ? { name: f.name, type: "int32", values: values as Int32Array, valid } : { name: f.name, type: "boolean", values: values as Uint8Array, valid };
  });
  const noBig = new Map<number, bigint>();
  const keys = bonuses.map((b) => b.key);
  return {
    rows: L,
    columns: [
      ...runColumns(L, run),
      { name: "memberId", type: "text", texts: p.genealogy.ids, codes: member, nullable: false, few: false },
      { name: "bonus", type: "text", texts: keys, codes: bonus, nullable: false, few: true },
      { name: "kind", type: "text", texts: bonuses.map((b) => b.kind), codes: bonus, nullable: false, few: true },
      ...details,
      { name: "base", type: "decimal", precision: 18, scale: VOLUME_SCALE, units: base, big: noBig, nullable: true },
      { name: "rate", type: "decimal", precision: 18, scale: RATE_SCALE, units: rate, big: noBig, nullable: true },
      { name: "value", type: "decimal", precision: 38, scale: VALUE_SCALE, units: value, big: bigValue, nullable: false },
      perLine
        ? { name: "amount", type: "decimal", precision: 18, scale, units: amount, big: noBig, nullable: false }
        : { name: "amount", type: "decimal", precision: 38, scale: VALUE_SCALE, units: value, big: bigValue, nullable: false },
      { name: "reference", type: "text", texts: bonuses.map((b) => b.reference ?? ""), codes: reference, nullable: true, few: true },
    ],
  };
}

/**
 * @internal The `totals` table: per member, by id, the columns period, currency, memberId, total,
 * then `bonuses.<key>` for each bonus in plan order: the member's subtotal, null when they have no line of
 * it (as the statement's `bonuses`).
 */
export function totalTable(run: RunResult): Table {
  const p = run.internals;
  const n = p.genealogy.size;
  const sorted = membersById(p.genealogy);
  const { lineStart, lineOrder } = run.lineIndex;
  const sink = p.lines;
  const scale = p.compiled.moneyScale;
  const bonuses = p.compiled.bonuses;
  const member = new Int32Array(n);
  const total = new Float64Array(n);
  const bigTotal = new Map<number, bigint>();
  const subtotal = bonuses.map(() => new Float64Array(n).fill(Number.NaN));
  const memberTotal = run.totals;
  for (let r = 0; r < n; r++) {
    const i = sorted[r] as number;
    member[r] = i;
    for (let a = lineStart[i] as number, hi = lineStart[i + 1] as number; a < hi; a++) {
      const b = sink.bonus[lineOrder[a] as number] as number;
      (subtotal[b] as Float64Array)[r] = (p.earnings[b] as Float64Array)[i] as number;
    }
    const t = memberTotal[i] as number;
    if (Number.isSafeInteger(t)) total[r] = t;
    else {
      let big = 0n;
      for (const s of subtotal) if (!Number.isNaN(s[r] as number)) big += BigInt(s[r] as number);
      bigTotal.set(r, big);
    }
  }
  const noBig = new Map<number, bigint>();
  return {
    rows: n,
    columns: [
      ...runColumns(n, run),
      { name: "memberId", type: "text", texts: p.genealogy.ids, codes: member, nullable: false, few: false },
      { name: "total", type: "decimal", precision: 18, scale, units: total, big: bigTotal, nullable: false },
      ...bonuses.map((b, k): DecimalColumn => ({ name: `bonuses.${b.key}`, type: "decimal", precision: 18, scale, units: subtotal[k] as Float64Array, big: noBig, nullable: true })),
    ],
  };
}

/**
 * @internal The byte-backed list under `list` (ids read by the CSV fast path: ASCII, so their bytes are
 * their UTF-8), and how text i maps into it: `index[i]`, or i itself. Undefined for other lists.
 */
export function byteTextsOf(list: TextList): { readonly texts: ByteTexts; readonly index: Int32Array | undefined } | undefined {
  if (list instanceof ByteTexts) return { texts: list, index: undefined };
  if (list instanceof IndexedTexts && list.of instanceof ByteTexts) return { texts: list.of, index: list.index };
  return undefined;
}
