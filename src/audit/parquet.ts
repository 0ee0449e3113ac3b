/**
 * Statements as Parquet, for finance and data teams: `lines.parquet` (one row per line item) and
 * `totals.parquet` (one row per member), written with hyparquet-writer from the tables of ./tables.ts.
 * Amounts are DECIMAL (never floating point); the bytes depend on the run only (no time, no host).
 */
import { createRequire } from "node:module";
import type { SchemaElement } from "hyparquet-writer";
import { type DecimalColumn, type Table, type TableColumn, byteTextsOf, lineTable, totalTable } from "./tables.js";
import type { RunResult } from "../run/result.js";

/**
 * hyparquet-writer, loaded on first use: a run or a program that never writes Parquet does not pay for
 * loading it. The CommonJS build has `__filename`, an ES module `import.meta.url` (as src/simulate/sweep.ts).
 */
let writerModule: typeof import("hyparquet-writer") | undefined;
function parquetWriter(): typeof import("hyparquet-writer") {
  writerModule ??= createRequire(typeof __filename === "string" ? __filename : import.meta.url)("hyparquet-writer") as typeof import("hyparquet-writer");
  return writerModule;
}

/** What the files record as their writer (no version: the bundle records the engine's). */
const CREATED_BY = "compplan";

/** @internal Options of {@link tableParquet}. */
export interface TableParquetOptions {
  /** The run's bundle fingerprint, recorded in the file's key-value metadata as `compplan.bundle`. */
  readonly bundle: string;
}

/** Rows per row group: large enough for readers to scan fast, small enough that a group's arrays die young. */
const ROW_GROUP_ROWS = 1 << 17;

/**
 * The Parquet schema element of a column. Money and volumes are DECIMAL: up to 18 digits on INT64; the
 * exact values (38 digits) on a 16-byte FIXED_LEN_BYTE_ARRAY, big-endian two's complement. A DECIMAL is
 * declared by its logical type only while the rows are written (hyparquet-writer converts the values of a
 * column whose converted type is DECIMAL from JavaScript numbers; these are already the physical values),
 * and its converted type is added for older readers before the footer is written ({@link tableParquet}).
 */
function schemaElement(c: TableColumn): SchemaElement {
  const repetition_type = nullable(c) ? "OPTIONAL" : "REQUIRED";
  switch (c.type) {
    case "text":
      return { name: c.name, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" }, repetition_type };
    case "int32":
      return { name: c.name, type: "INT32", repetition_type };
    case "boolean":
      return { name: c.name, type: "BOOLEAN", repetition_type };
    case "decimal": {
      const decimal = { scale: c.scale, precision: c.precision, logical_type: { type: "DECIMAL", scale: c.scale, precision: c.precision } } as const;
      return c.precision === 18
        ? { name: c.name, type: "INT64", ...decimal, repetition_type }
        : { name: c.name, type: "FIXED_LEN_BYTE_ARRAY", type_length: 16, ...decimal, repetition_type };
    }
  }
}

function nullable(c: TableColumn): boolean {
  return c.type === "text" || c.type === "decimal" ? c.nullable : c.valid !== undefined;
}

/** Unscaled decimal value of row r: a bigint, or null. */
function decimalAt(c: DecimalColumn, r: number): bigint | null {
  const u = c.units[r] as number;
  if (c.big.size > 0) {
    const big = c.big.get(r);
    if (big !== undefined) return big;
  }
  return Number.isNaN(u) ? null : BigInt(u);
}

/**
 * Rows `from .. to-1` of a column as hyparquet-writer takes them: UTF-8 bytes, numbers, booleans, unscaled
 * bigints (DECIMAL on INT64), 16 bytes (DECIMAL on FIXED_LEN_BYTE_ARRAY); null for null.
 */
function columnData(c: TableColumn, from: number, to: number, cache: Map<TableColumn, (Uint8Array | undefined)[]>): unknown[] | Int32Array | BigInt64Array {
  const n = to - from;
  switch (c.type) {
    case "text": {
      const out = new Array<Uint8Array | null>(n);
      if (c.few) {
        // One byte array per distinct text: the writer keys its dictionary by the array.
        let bytes = cache.get(c);
        if (bytes === undefined) cache.set(c, (bytes = new Array<Uint8Array | undefined>(c.texts.length)));
        for (let r = 0; r < n; r++) {
          const code = c.codes[from + r] as number;
          out[r] = code < 0 ? null : (bytes[code] ??= UTF8.encode(c.texts.at(code) as string));
        }
        return out;
      }
      // Many texts (ids): their bytes copied into one buffer per row group, a view per row.
      const ascii = byteTextsOf(c.texts);
      if (ascii === undefined) {
        for (let r = 0; r < n; r++) {
          const code = c.codes[from + r] as number;
          out[r] = code < 0 ? null : UTF8.encode(c.texts.at(code) as string);
        }
        return out;
      }
      const { texts, index } = ascii;
      let size = 0;
      for (let r = 0, last = -1; r < n; r++) {
        const code = c.codes[from + r] as number;
        if (code >= 0 && code !== last) size += texts.textLength(index === undefined ? code : (index[code] as number));
        last = code;
      }
      const buf = new Uint8Array(size);
      let pos = 0;
      let last = -1;
      let view: Uint8Array | null = null;
      for (let r = 0; r < n; r++) {
        const code = c.codes[from + r] as number;
        // A member's lines are consecutive rows: they share one view of the id.
        if (code !== last && code >= 0) {
          const end = texts.copyTo(index === undefined ? code : (index[code] as number), buf, pos);
          view = buf.subarray(pos, end);
          pos = end;
        }
        out[r] = code < 0 ? null : view;
        last = code;
      }
      return out;
    }
    case "int32": {
      const valid = c.valid;
      if (valid === undefined) return c.values.subarray(from, to);
      const out = new Array<number | null>(n);
      for (let r = 0; r < n; r++) out[r] = valid[from + r] === 1 ? (c.values[from + r] as number) : null;
      return out;
    }
    case "boolean": {
      const valid = c.valid;
      const out = new Array<boolean | null>(n);
      for (let r = 0; r < n; r++) out[r] = valid === undefined || valid[from + r] === 1 ? c.values[from + r] === 1 : null;
      return out;
    }
    case "decimal":
      return c.precision === 18 ? int64Decimals(c, from, to) : fixedDecimals(c, from, to);
  }
}

/** Rows `from .. to-1` of a DECIMAL on INT64: unscaled bigints (a typed array when no row is null). */
function int64Decimals(c: DecimalColumn, from: number, to: number): BigInt64Array | (bigint | null)[] {
  const n = to - from;
  if (!c.nullable && c.big.size === 0) {
    // A typed array holds the values without an object each.
    const values = new BigInt64Array(n);
    for (let r = 0; r < n; r++) values[r] = BigInt(c.units[from + r] as number);
    return values;
  }
  const out = new Array<bigint | null>(n);
  for (let r = 0; r < n; r++) out[r] = decimalAt(c, from + r);
  return out;
}

/**
 * Rows `from .. to-1` of a DECIMAL on a 16-byte FIXED_LEN_BYTE_ARRAY: each value's two's complement,
 * big-endian, a view into one buffer per row group; null for null.
 */
function fixedDecimals(c: DecimalColumn, from: number, to: number): (Uint8Array | null)[] {
  const n = to - from;
  const out = new Array<Uint8Array | null>(n);
  const buf = new Uint8Array(16 * n);
  const view = new DataView(buf.buffer);
  for (let r = 0; r < n; r++) {
    const u = c.units[from + r] as number;
    const big = c.big.size > 0 ? c.big.get(from + r) : undefined;
    if (big !== undefined) {
      view.setBigInt64(16 * r, big >> 64n);
      view.setBigUint64(16 * r + 8, BigInt.asUintN(64, big));
    } else if (Number.isNaN(u)) {
      out[r] = null;
      continue;
    } else {
      // A safe integer: the high 32 bits (signed; |u| < 2^53) and the low 32; the top 8 bytes its sign.
      const hi = Math.floor(u / 4294967296);
      if (u < 0) buf.fill(0xff, 16 * r, 16 * r + 8);
      view.setInt32(16 * r + 8, hi);
      view.setUint32(16 * r + 12, u - hi * 4294967296);
    }
    out[r] = buf.subarray(16 * r, 16 * r + 16);
  }
  return out;
}

const UTF8 = new TextEncoder();

/**
 * @internal One table as the bytes of a Parquet file: row groups of {@link ROW_GROUP_ROWS} rows, the
 * columns in the table's order, Snappy-compressed (hyparquet-writer's own compressor: the same bytes on
 * every machine), statistics (min, max, nulls) for `memberId` only.
 */
export function tableParquet(table: Table, options: TableParquetOptions): Uint8Array {
  const { ByteWriter, ParquetWriter } = parquetWriter();
  // About the size of the file, so the buffer rarely grows (each growth copies it).
  const writer = new ByteWriter(Math.max(1 << 16, table.rows * 16));
  const schema: SchemaElement[] = [{ name: "schema", num_children: table.columns.length }, ...table.columns.map(schemaElement)];
  const pq = new ParquetWriter({ writer, schema, kvMetadata: [{ key: "compplan.bundle", value: options.bundle }], createdBy: CREATED_BY });
  const cache = new Map<TableColumn, (Uint8Array | undefined)[]>();
  for (let from = 0; from < table.rows; from += ROW_GROUP_ROWS) {
    const to = Math.min(table.rows, from + ROW_GROUP_ROWS);
    pq.write({
      columnData: table.columns.map((c) => ({
        name: c.name,
        data: columnData(c, from, to, cache) as never,
        // A dictionary for the few texts; none for values that are about one per row (ids, amounts).
        ...(c.type === "text" && c.few ? { encoding: "RLE_DICTIONARY" as const } : c.type === "text" || c.type === "decimal" ? { encoding: "PLAIN" as const } : {}),
        // Statistics for the member ids only: rows are ordered by them, so a reader skips row groups.
        statistics: c.name === "memberId",
      })),
      rowGroupSize: ROW_GROUP_ROWS,
    });
  }
  for (const e of schema) if (e.logical_type?.type === "DECIMAL") e.converted_type = "DECIMAL";
  pq.finish();
  return writer.getBytes();
}

/**
 * The statements of a run as two Parquet files (docs/statements.md "Parquet"): `lines`, one row per line
 * item, and `totals`, one row per member, both ordered as the statements (member id, then each member's
 * lines in statement order). Amounts, values, bases and rates are DECIMAL columns (money at the plan's
 * `money.scale`), read back exactly by DuckDB or any Parquet reader that knows DECIMAL; the run's period
 * and currency are columns of every row, its bundle fingerprint is in each file's key-value metadata
 * (`compplan.bundle`). The same run gives the same bytes.
 *
 * @param run - a finished run
 * @param bundleFingerprint - the fingerprint of the run's bundle (see {@link createBundle})
 * @returns the bytes of `lines.parquet` and `totals.parquet`
 * @example
 * ```ts
 * const bundle = createBundle(run, input);
 * const files = statementsParquet(run, bundle.fingerprint);
 * writeFileSync("lines.parquet", files.lines);
 * writeFileSync("totals.parquet", files.totals);
 * ```
 */
export function statementsParquet(run: RunResult, bundleFingerprint: string): { readonly lines: Uint8Array; readonly totals: Uint8Array } {
  const options = { bundle: bundleFingerprint };
  return { lines: tableParquet(lineTable(run), options), totals: tableParquet(totalTable(run), options) };
}
