// `npm run bench`: per phase (read + validate inputs, calculate, write statements) at each size: wall
// time, members per second and memory; `compplan run` end to end; the same inputs through a naive
// object-and-decimal.js implementation (up to 10^6) and the reference engine (up to 10^4) for a ratio,
// each checked to give the same totals first. Each size runs in its own process so memory figures are its
// own. The parent builds dist/ (tsup) and bundles this file once, so the timed code is bundled as the
// published package is (tsx's per-file transform wraps functions and runs measurably slower).
// BENCH_SIZES=10000,100000 picks sizes (default 10^4 … 10^7). Prints a Markdown table; then whole plans
// (bench/plans.ts: the starter plan beside plans/hybrid-benchmark; BENCH_PLANS_SIZES, default 10^6; 0 skips
// it); then the chain of 12 monthly periods of bench/chain.ts (BENCH_CHAIN_SIZES, default 10^6; 0 skips it).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeOutputs } from "../src/cli/cli.js";
import type { Shape } from "../src/generate/generate.js";
import { safePrepareFiles, readInputFiles } from "../src/input/files.js";
import { calculate, canonicalJson, parsePlan, safeCalculatePrepared } from "../src/index.js";
import { referenceCalculate } from "../test/reference/engine.js";
import { bundle } from "./bundle.js";
import { generateFiles } from "./data.js";
import { naiveTotals } from "./naive.js";

const PLAN_FILE = "plans/starter-unilevel/plan.yaml";

interface Row {
  size: number;
  shape: Shape;
  prepare: number;
  calculate: number;
  write: number | null;
  mb: number | null;
  run: number | null;
  rssPrepared: number;
  rssCalculated: number;
  maxRss: number;
  runMaxRss: number | null;
  naive: number | null;
  reference: number | null;
}

function mib(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

function one(size: number, shape: Shape): Row {
  const plan = parsePlan(readFileSync(PLAN_FILE, "utf8"));
  const measures = new Set(Object.keys(plan.measures));
  const dir = generateFiles(size, shape);
  const files = { period: "2026-10", members: join(dir, "members.csv"), orders: join(dir, "orders.csv") };
  try {
    const t0 = performance.now();
    const prepared = safePrepareFiles(files, { measures });
    if (!prepared.ok) throw new Error(`prepare failed: ${prepared.issues[0]?.message}`);
    const t1 = performance.now();
    const rssPrepared = process.memoryUsage().rss;
    const run = safeCalculatePrepared(plan, prepared.value);
    if (!run.ok) throw new Error("calculate failed");
    const t2 = performance.now();
    const rssCalculated = process.memoryUsage().rss;
    let write: number | null = null;
    let mb: number | null = null;
    let e2e: number | null = null;
    let runMaxRss: number | null = null;
    if (size <= 1_000_000) {
      const w0 = performance.now();
      const out = writeOutputs(run.value, join(dir, "out"));
      write = performance.now() - w0;
      mb = statSync(out.statementsPath).size / 1e6;
      rmSync(join(dir, "out"), { recursive: true, force: true });
      // `compplan run` from CSV to statements.ndjson, summary and bundle, in a process of its own.
      const r0 = performance.now();
      const cli = spawnSync(process.execPath, ["dist/cli.js", "run", "--plan", PLAN_FILE, "--members", files.members, "--orders", files.orders, "--period", "2026-10", "--out", join(dir, "cli"), "--timings"], { encoding: "utf8" });
      e2e = performance.now() - r0;
      if (cli.status !== 0) throw new Error(`compplan run failed: ${cli.stderr}`);
      const peak = /peak memory \(max RSS\) (\d+) MiB/.exec(cli.stderr);
      runMaxRss = peak === null ? null : Number(peak[1]);
    }
    let naive: number | null = null;
    let reference: number | null = null;
    if (size <= 1_000_000) {
      const read = readInputFiles(files, [...measures]);
      if (!read.ok) throw new Error("read failed");
      const { members, orders } = read.value.input;
      const n0 = performance.now();
      const totals = naiveTotals(plan, members as never[], orders as never[]);
      naive = performance.now() - n0;
      const engine = Object.fromEntries(run.value.summary.bonuses.map((b) => [b.key, b.amount]));
      if (canonicalJson(totals) !== canonicalJson(engine)) throw new Error(`naive totals differ: ${canonicalJson(totals)} vs ${canonicalJson(engine)}`);
      if (size <= 10_000) {
        const r0 = performance.now();
        const ref = referenceCalculate(plan, read.value.input);
        reference = performance.now() - r0;
        const fast = calculate(plan, read.value.input);
        if (canonicalJson(ref.summary) !== canonicalJson(fast.summary)) throw new Error("reference summary differs");
        if (canonicalJson(fast.summary) !== canonicalJson(run.value.summary)) throw new Error("the CSV fast path and the API differ");
      }
    }
    return {
      size,
      shape,
      prepare: t1 - t0,
      calculate: t2 - t1,
      write,
      mb,
      run: e2e,
      rssPrepared: mib(rssPrepared),
      rssCalculated: mib(rssCalculated),
      maxRss: Math.round(process.resourceUsage().maxRSS / 1024),
      runMaxRss,
      naive,
      reference,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  // Build dist/ (for `compplan run`) and bundle this file as the package is bundled.
  const tsup = spawnSync("npx", ["tsup", "--silent"], { stdio: "inherit" });
  if (tsup.status !== 0) process.exit(1);
  const bundled = await bundle("bench/run.ts", "run");
  const rows: Row[] = [];
  for (const [n, shape] of runs) {
    process.stderr.write(`bench: ${n.toLocaleString("en-US")} members, ${shape}…\n`);
    const r = spawnSync(process.execPath, ["--max-old-space-size=20000", bundled, "--one", String(n), shape], { encoding: "utf8", maxBuffer: 1 << 20 });
    if (r.status !== 0) {
      process.stderr.write(r.stderr);
      process.exit(1);
    }
    rows.push(JSON.parse(r.stdout.trim().split("\n").pop() as string) as Row);
  }
  const s = (ms: number | null) => (ms === null ? "-" : (ms / 1000).toFixed(2));
  const ratio = (x: number | null, base: number) => (x === null ? "-" : `${Math.round(x / base)}×`);
  process.stdout.write(
    "| members | shape | read + validate + tree (s) | calculate (s) | members/s calculating | write statements (s) | statements (MB) | `compplan run` end to end (s) | RSS after prepare / calculate, max (MiB) | `compplan run` max RSS (MiB) | naive (s) | naive ÷ calculate | reference (s) | reference ÷ calculate |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
  );
  for (const r of rows) {
    process.stdout.write(
      `| ${r.size.toLocaleString("en-US")} | ${r.shape} | ${s(r.prepare)} | ${s(r.calculate)} | ${Math.round(r.size / (r.calculate / 1000)).toLocaleString("en-US")} | ${s(r.write)} | ${r.mb === null ? "-" : r.mb.toFixed(0)} | ${s(r.run)} | ${r.rssPrepared} / ${r.rssCalculated}, ${r.maxRss} | ${r.runMaxRss ?? "-"} | ${s(r.naive)} | ${ratio(r.naive, r.calculate)} | ${s(r.reference)} | ${ratio(r.reference, r.calculate)} |\n`,
    );
  }
  // Whole plans at 10^6, the starter plan beside the hybrid one (bench/plans.ts); BENCH_PLANS_SIZES=0 skips it.
  if (process.env.BENCH_PLANS_SIZES !== "0") {
    const plans = spawnSync(process.execPath, ["--max-old-space-size=20000", await bundle("bench/plans.ts", "plans")], { stdio: "inherit" });
    if (plans.status !== 0) process.exit(1);
  }
  // The chain of 12 monthly periods with state (bench/chain.ts); BENCH_CHAIN_SIZES=0 skips it.
  if (process.env.BENCH_CHAIN_SIZES !== "0") {
    const chain = spawnSync(process.execPath, [await bundle("bench/chain.ts", "chain")], { stdio: "inherit" });
    if (chain.status !== 0) process.exit(1);
  }
}
