// `npm run bench`: per phase (read and validate inputs, calculate, render statements) at each size: wall
// time, members per second and memory; the same inputs through a naive object-and-decimal.js
// implementation (up to 10^6) and the reference engine (up to 10^4) for a ratio, each checked to give the
// same totals first. Each size runs in its own process so memory figures are its own.
// BENCH_SIZES=10000,100000 picks sizes (default 10^4 … 10^7). Prints a Markdown table.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { generateData, type Shape } from "../src/generate/generate.js";
import { readRecords } from "../src/input/read.js";
import { type Plan, calculate, canonicalJson, parsePlan, safeCalculatePrepared, safePrepareInput } from "../src/index.js";
import { parsePeriod } from "../src/run/period.js";
import { referenceCalculate } from "../test/reference/engine.js";
import { naiveTotals } from "./naive.js";

const PLAN_FILE = "plans/starter-unilevel/plan.yaml";

interface Row {
  size: number;
  shape: Shape;
  read: number;
  prepare: number;
  calculate: number;
  render: number | null;
  mb: number | null;
  rssPrepared: number;
  rssCalculated: number;
  maxRss: number;
  naive: number | null;
  reference: number | null;
}

function mib(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

/** Generated CSV split into texts below V8's string limit, each with the header. */
function generateParts(n: number, shape: Shape, plan: Plan) {
  const period = parsePeriod("2026-10");
  const members: string[] = [];
  const orders: string[] = [];
  generateData({ members: n, seed: 1, period, shape }, { members: (c) => members.push(c), orders: (c) => orders.push(c) });
  const split = (chunks: string[]) => {
    const header = (chunks[0] as string).slice(0, (chunks[0] as string).indexOf("\n") + 1);
    const parts: string[] = [];
    let cur: string[] = [];
    let size = 0;
    for (const [k, c] of chunks.entries()) {
      cur.push(k === 0 || cur.length > 0 ? c : header + c);
      size += c.length;
      if (size > 300_000_000) {
        parts.push(cur.join(""));
        cur = [];
        size = 0;
      }
    }
    if (cur.length > 0) parts.push(cur.join(""));
    return parts;
  };
  void plan;
  return { members: split(members), orders: split(orders) };
}

function readParts(parts: string[], kind: "members" | "orders", measures: string[]) {
  const records: unknown[] = [];
  for (const [k, text] of parts.entries()) {
    const r = readRecords(text, { file: `${kind}-${k}.csv`, kind, measures });
    if (r.issues.length > 0) throw new Error(`generated ${kind} did not read: ${r.issues[0]?.message}`);
    for (const rec of r.records) records.push(rec);
  }
  return records;
}

function one(size: number, shape: Shape): Row {
  const plan = parsePlan(readFileSync(PLAN_FILE, "utf8"));
  const measures = Object.keys(plan.measures);
  const parts = generateParts(size, shape, plan);
  const t0 = performance.now();
  let members: unknown[] | undefined = readParts(parts.members, "members", measures);
  let orders: unknown[] | undefined = readParts(parts.orders, "orders", measures);
  const t1 = performance.now();
  const prepared = safePrepareInput({ period: "2026-10", members: members as never[], orders: orders as never[] }, new Set(measures));
  if (!prepared.ok) throw new Error(`prepare failed: ${prepared.issues[0]?.message}`);
  // As in `compplan run`, the parsed records are garbage once the input is prepared; the comparisons
  // below read them again, so they do not burden the engine's measurement.
  members = undefined;
  orders = undefined;
  const t2 = performance.now();
  const rssPrepared = process.memoryUsage().rss;
  const run = safeCalculatePrepared(plan, prepared.value);
  if (!run.ok) throw new Error("calculate failed");
  const t3 = performance.now();
  const rssCalculated = process.memoryUsage().rss;
  let render: number | null = null;
  let bytes: number | null = null;
  if (size <= 1_000_000) {
    bytes = 0;
    const r0 = performance.now();
    for (const line of run.value.statementsJson()) bytes += line.length + 1;
    render = performance.now() - r0;
  }
  if (size <= 1_000_000) {
    members = readParts(parts.members, "members", measures);
    orders = readParts(parts.orders, "orders", measures);
  }
  let naive: number | null = null;
  if (size <= 1_000_000) {
    const n0 = performance.now();
    const totals = naiveTotals(plan, members as never[], orders as never[]);
    naive = performance.now() - n0;
    const engine = Object.fromEntries(run.value.summary.bonuses.map((b) => [b.key, b.amount]));
    if (canonicalJson(totals) !== canonicalJson(engine)) throw new Error(`naive totals differ: ${canonicalJson(totals)} vs ${canonicalJson(engine)}`);
  }
  let reference: number | null = null;
  if (size <= 10_000) {
    const r0 = performance.now();
    const ref = referenceCalculate(plan, { period: "2026-10", members: members as never[], orders: orders as never[] });
    reference = performance.now() - r0;
    const fast = calculate(plan, { period: "2026-10", members: members as never[], orders: orders as never[] });
    if (canonicalJson(ref.summary) !== canonicalJson(fast.summary)) throw new Error("reference summary differs");
  }
  return {
    size,
    shape,
    read: t1 - t0,
    prepare: t2 - t1,
    calculate: t3 - t2,
    render,
    mb: bytes === null ? null : bytes / 1e6,
    rssPrepared: mib(rssPrepared),
    rssCalculated: mib(rssCalculated),
    maxRss: Math.round(process.resourceUsage().maxRSS / 1024),
    naive,
    reference,
  };
}

const child = process.argv.indexOf("--one");
if (child >= 0) {
  const size = Number(process.argv[child + 1]);
  const shape = (process.argv[child + 2] ?? "realistic") as Shape;
  process.stdout.write(`${JSON.stringify(one(size, shape))}\n`);
} else {
  const sizes = (process.env.BENCH_SIZES ?? "10000,100000,1000000,10000000").split(",").map(Number);
  const runs: [number, Shape][] = sizes.map((n) => [n, "realistic"]);
  if (sizes.includes(1_000_000)) runs.push([1_000_000, "chain"]);
  const rows: Row[] = [];
  for (const [n, shape] of runs) {
    process.stderr.write(`bench: ${n.toLocaleString("en-US")} members, ${shape}…\n`);
    const r = spawnSync(process.execPath, ["--max-old-space-size=20000", "--import", "tsx", "bench/run.ts", "--one", String(n), shape], { encoding: "utf8", maxBuffer: 1 << 20 });
    if (r.status !== 0) {
      process.stderr.write(r.stderr);
      process.exit(1);
    }
    rows.push(JSON.parse(r.stdout.trim().split("\n").pop() as string) as Row);
  }
  const s = (ms: number | null) => (ms === null ? "-" : (ms / 1000).toFixed(2));
  const ratio = (x: number | null, base: number) => (x === null ? "-" : `${Math.round(x / base)}×`);
  process.stdout.write(
    "| members | shape | read (s) | validate + tree (s) | calculate (s) | members/s calculating | render (s) | statements (MB) | RSS after prepare / calculate, max (MiB) | naive (s) | naive ÷ calculate | reference (s) | reference ÷ calculate |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
  );
  for (const r of rows) {
    process.stdout.write(
      `| ${r.size.toLocaleString("en-US")} | ${r.shape} | ${s(r.read)} | ${s(r.prepare)} | ${s(r.calculate)} | ${Math.round(r.size / (r.calculate / 1000)).toLocaleString("en-US")} | ${s(r.render)} | ${r.mb === null ? "-" : r.mb.toFixed(0)} | ${r.rssPrepared} / ${r.rssCalculated}, ${r.maxRss} | ${s(r.naive)} | ${ratio(r.naive, r.calculate)} | ${s(r.reference)} | ${ratio(r.reference, r.calculate)} |\n`,
    );
  }
}
