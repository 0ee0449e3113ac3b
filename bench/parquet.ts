// `npx tsx bench/parquet.ts DATA_DIR [PLAN]`: the Parquet export of one run, through each candidate library,
// on the same tables (src/audit/tables.ts): hyparquet-writer (pure JavaScript), and apache-arrow building an
// Arrow table that parquet-wasm (Rust's parquet crate in WebAssembly) writes. apache-arrow has no Parquet
// writer of its own: its share (building the table and its IPC stream, which parquet-wasm reads) is shown
// apart. DATA_DIR holds members.csv and orders.csv (`compplan generate --members 1000000 --seed 7`).
// The libraries that are not dependencies of compplan are imported from PQ_LIBS (a folder with a
// node_modules, e.g. one made by `npm install parquet-wasm apache-arrow hyparquet-writer` in /tmp): only the
// library chosen is a dependency. Each writer runs twice (the first includes compiling its code); the
// second is reported, with the CPU time of the process (the machine is shared: wall time depends on load).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parsePlan, prepareFiles, calculatePrepared } from "../src/index.js";
import { type Table, type TableColumn, byteTextsOf, lineTable, totalTable } from "../src/audit/tables.js";
import { tableParquet } from "../src/audit/parquet.js";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: tsx bench/parquet.ts DATA_DIR [PLAN]");
const planFile = process.argv[3] ?? "plans/starter-unilevel/plan.yaml";
const libs = process.env.PQ_LIBS;
// The libraries measured from PQ_LIBS are not dependencies: their types are not at hand.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Any = any;

/** Wall and CPU time of `f`, in ms. */
function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

/** Bytes on disk of a package folder and the packages it pulls in (as installed in `modules`). */
function packageBytes(modules: string, names: readonly string[]): number {
  const seen = new Set<string>();
  let bytes = 0;
  const walk = (path: string): void => {
    for (const e of readdirSync(path, { withFileTypes: true })) {
      const p = join(path, e.name);
      if (e.isDirectory()) walk(p);
      else bytes += statSync(p).size;
    }
  };
  const add = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const path = join(modules, name);
    walk(path);
    const pkg = JSON.parse(readFileSync(join(path, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) if (dep !== "@types/node") add(dep);
  };
  for (const n of names) add(n);
  return bytes;
}

function load(name: string): Promise<unknown> {
  if (libs === undefined) throw new Error(`PQ_LIBS is not set: cannot import ${name}`);
  const req = createRequire(join(resolve(libs), "package.json"));
  const entry = name === "parquet-wasm" ? req.resolve("parquet-wasm/node") : req.resolve(name);
  return import(pathToFileURL(entry).href);
}

const plan = parsePlan(readFileSync(planFile, "utf8"));
const prepared = prepareFiles({ period: "2026-10", members: join(dir, "members.csv"), orders: join(dir, "orders.csv") }, { measures: Object.keys(plan.measures) });
const run = calculatePrepared(plan, prepared);
const bundle = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
console.log(`${run.memberCount.toLocaleString("en-US")} members, ${run.internals.lines.count.toLocaleString("en-US")} lines; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);

const tables = timed(() => ({ lines: lineTable(run), totals: totalTable(run) }));
console.log(`tables (typed arrays, shared by every writer): ${tables.wall.toFixed(0)} ms wall, ${tables.cpu.toFixed(0)} ms CPU`);
const both = [tables.value.lines, tables.value.totals];

interface Result {
  name: string;
  load: number;
  wall: number;
  cpu: number;
  bytes: number;
  installed: string;
}
const results: Result[] = [];
function measure(name: string, load: number, installed: string, write: (t: Table) => Uint8Array): void {
  let last = { wall: 0, cpu: 0, bytes: 0 };
  for (let k = 0; k < 2; k++) {
    const r = timed(() => both.map(write));
    last = { wall: r.wall, cpu: r.cpu, bytes: r.value.reduce((a, b) => a + b.byteLength, 0) };
    console.log(`  ${name}, pass ${k + 1}: ${r.wall.toFixed(0)} ms wall, ${r.cpu.toFixed(0)} ms CPU, ${last.bytes.toLocaleString("en-US")} bytes (lines + totals); load average ${loadavg()[0]?.toFixed(1)}`);
  }
  results.push({ name, load, installed, ...last });
}

const modules = libs !== undefined ? join(resolve(libs), "node_modules") : "node_modules";
const mb = (names: string[]) => `${(packageBytes(modules, names) / 1e6).toFixed(2)} MB`;

// hyparquet-writer, as compplan writes with it (src/audit/parquet.ts; it loads the library on first use).
const hyparquet = timed(() => createRequire(import.meta.url)("hyparquet-writer"));
measure("hyparquet-writer", hyparquet.wall, mb(["hyparquet-writer"]), (t) => tableParquet(t, { bundle }));

if (libs !== undefined) {
  const t0 = performance.now();
  const arrow = (await load("apache-arrow")) as Any;
  const t1 = performance.now();
  const pw = (await load("parquet-wasm")) as Any;
  const t2 = performance.now();
  let arrowMs = { wall: 0, cpu: 0 };
  const viaArrow = (t: Table): Uint8Array => {
    const a = timed((): Uint8Array => arrow.tableToIPC(arrowTable(arrow, t), "stream"));
    arrowMs = { wall: arrowMs.wall + a.wall, cpu: arrowMs.cpu + a.cpu };
    const table = pw.Table.fromIPCStream(a.value);
    let builder = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setMaxRowGroupSize(1 << 17).setCreatedBy("compplan").setStatisticsEnabled(pw.EnabledStatistics.Chunk);
    // As with hyparquet-writer: no dictionary for ids and amounts (about one value per row).
    for (const c of t.columns) if (c.type === "decimal" || (c.type === "text" && !c.few)) builder = builder.setColumnDictionaryEnabled(c.name, false);
    return pw.writeParquet(table, builder.build());
  };
  measure("apache-arrow + parquet-wasm", t2 - t0, mb(["apache-arrow", "parquet-wasm"]), viaArrow);
  console.log(`  of which apache-arrow (table and IPC stream), both passes: ${arrowMs.wall.toFixed(0)} ms wall, ${arrowMs.cpu.toFixed(0)} ms CPU; loading apache-arrow ${(t1 - t0).toFixed(0)} ms, parquet-wasm ${(t2 - t1).toFixed(0)} ms`);
  console.log(`installed: apache-arrow ${mb(["apache-arrow"])}, parquet-wasm ${mb(["parquet-wasm"])}`);
}
console.log("\n| library | load (ms) | write both files, wall (ms) | CPU (ms) | bytes | installed |\n|---|---|---|---|---|---|");
for (const r of results) console.log(`| ${r.name} | ${r.load.toFixed(0)} | ${r.wall.toFixed(0)} | ${r.cpu.toFixed(0)} | ${r.bytes.toLocaleString("en-US")} | ${r.installed} |`);

/** An Arrow table of the same columns: decimals as Decimal128 (Rust's writer picks INT64 up to precision 18). */
function arrowTable(arrow: Any, t: Table): Any {
  const n = t.rows;
  const encoder = new TextEncoder();
  const columns: Record<string, Any> = {};
  t.columns.forEach((c, k) => {
    columns[c.name] = arrow.makeVector(column(c, k));
  });
  return new arrow.Table(columns);

  function bitmap(isValid: (r: number) => boolean): { nullBitmap: Uint8Array; nullCount: number } {
    const nullBitmap = new Uint8Array((n + 7) >> 3);
    let nullCount = 0;
    for (let r = 0; r < n; r++) {
      if (isValid(r)) nullBitmap[r >> 3] = (nullBitmap[r >> 3] as number) | (1 << (r & 7));
      else nullCount++;
    }
    return { nullBitmap, nullCount };
  }

  function column(c: TableColumn, id: number): Any {
    switch (c.type) {
      case "text": {
        // Member ids: one UTF-8 string per row; few texts: a dictionary.
        if (c.texts.length <= 1024) {
          const dictionary = arrow.vectorFromArray(Array.from({ length: c.texts.length }, (_, k) => c.texts.at(k) as string), new arrow.Utf8());
          const valid = bitmap((r) => (c.codes[r] as number) >= 0);
          // Each column its own indices: apache-arrow's IPC stream of two columns sharing one buffer (as the
          // tables' constant columns do) is one parquet-wasm cannot read ("failed to fill whole buffer").
          return arrow.makeData({ type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32(), id), length: n, data: c.codes.slice(), dictionary, ...valid });
        }
        const offsets = new Int32Array(n + 1);
        const ascii = byteTextsOf(c.texts);
        const at = (code: number): number => (ascii?.index === undefined ? code : (ascii.index[code] as number));
        let size = 0;
        for (let r = 0; r < n; r++) {
          const code = c.codes[r] as number;
          if (code >= 0) size += ascii !== undefined ? ascii.texts.textLength(at(code)) : encoder.encode(c.texts.at(code) as string).length;
          offsets[r + 1] = size;
        }
        const bytes = new Uint8Array(size);
        for (let r = 0; r < n; r++) {
          const code = c.codes[r] as number;
          if (code < 0) continue;
          if (ascii !== undefined) ascii.texts.copyTo(at(code), bytes, offsets[r] as number);
          else bytes.set(encoder.encode(c.texts.at(code) as string), offsets[r] as number);
        }
        return arrow.makeData({ type: new arrow.Utf8(), length: n, valueOffsets: offsets, data: bytes, ...(c.nullable ? bitmap((r) => (c.codes[r] as number) >= 0) : {}) });
      }
      case "int32":
        return arrow.makeData({ type: new arrow.Int32(), length: n, data: c.values, ...(c.valid !== undefined ? bitmap((r) => c.valid?.[r] === 1) : {}) });
      case "boolean": {
        const bits = bitmap((r) => c.values[r] === 1);
        return arrow.makeData({ type: new arrow.Bool(), length: n, data: bits.nullBitmap, ...(c.valid !== undefined ? bitmap((r) => c.valid?.[r] === 1) : {}) });
      }
      case "decimal": {
        // Each value's 128 bits as four little-endian 32-bit words: integer arithmetic for safe integers.
        const words = new Uint32Array(n * 4);
        for (let r = 0; r < n; r++) {
          const big = c.big.size > 0 ? c.big.get(r) : undefined;
          if (big !== undefined) {
            for (let k = 0; k < 4; k++) words[r * 4 + k] = Number(BigInt.asUintN(32, big >> BigInt(32 * k)));
            continue;
          }
          const u = c.units[r] as number;
          if (Number.isNaN(u)) continue;
          const hi = Math.floor(u / 4294967296);
          words[r * 4] = u - hi * 4294967296;
          words[r * 4 + 1] = hi >>> 0;
          const sign = u < 0 ? 0xffffffff : 0;
          words[r * 4 + 2] = sign;
          words[r * 4 + 3] = sign;
        }
        return arrow.makeData({ type: new arrow.Decimal(c.scale, c.precision, 128), length: n, data: words, ...(c.nullable ? bitmap((r) => !Number.isNaN(c.units[r] as number)) : {}) });
      }
    }
  }
}
