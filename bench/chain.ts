// Benchmark of a chain of 12 monthly periods (docs/state.md; issue 13's speed target): `tsx bench/chain.ts`
// (also run by `npm run bench`). BENCH_CHAIN_SIZES=100000,1000000 picks the member counts (default 10^6).
//
// Data: `generateData` (seed 1) makes the genealogy; its newest 10% of members (the growing edge: their
// sponsors are older) are given join dates spread over 2026, so each month has more members than the one
// before. Each month's orders come from the generator run for that month (seed 100 + month, about 1.5
// orders per member), keeping only the orders of members who have joined by the month's end (ids prefixed
// with the month, unique over the year). Each month is written as its own members and orders files, as a
// back office running `compplan run --state` month by month has them.
//
// Per month: read + validate + tree (`safePrepareFiles`), calculate of the starter plan without state on
// the same prepared input (the reference: "one period's calculate"), calculate of the starter plan with
// `paidAs: { grace: 1 }` from the previous month's state, write the closing state (`stateNdjson`) and read it
// back (`parseState`, the next month's opening state). Prints a Markdown table and the ratio of the chain's
// calculate (+ state) to the twelve reference calculates. Each size runs in its own process, bundled.
// BENCH_CHAIN_DATA=DIR keeps the generated year in DIR/N (and reuses it when there), for repeated runs and
// profiles; BENCH_NODE_ARGS passes node flags to the process per size (e.g. --cpu-prof, --trace-gc).
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateData } from "../src/generate/generate.js";
import { safePrepareFiles } from "../src/input/files.js";
import { type StateInput, parsePlan, parseState, safeCalculatePrepared, stateNdjson } from "../src/index.js";
import { parsePeriod } from "../src/run/period.js";
import { isBundled, runBundled } from "./bundle.js";

if (!isBundled(import.meta.url)) process.exit(await runBundled("bench/chain.ts", "chain"));

const MONTHS = 12;

interface Month {
  period: string;
  members: number;
  orders: number;
  prepare: number;
  plain: number;
  calculate: number;
  write: number;
  read: number;
  rows: number;
  mb: number;
}

/** The number of lines of a text that ends with a line feed. */
function lineCount(text: string): number {
  let count = 0;
  for (let q = text.indexOf("\n"); q >= 0; q = text.indexOf("\n", q + 1)) count++;
  return count;
}

/** The month (1–12) a member joins in 2026, 0 for members who joined before: the newest 10% join along the year. */
function joinMonth(i: number, n: number): number {
  const cut = Math.floor(n * 0.9);
  return i < cut ? 0 : 1 + Math.floor(((i - cut) * MONTHS) / (n - cut));
}

/** Writes the 12 months' members and orders files into `dir` (members-MM.csv, orders-MM.csv). */
function generateYear(n: number, dir: string): void {
  const cut = Math.floor(n * 0.9);
  const files = Array.from({ length: MONTHS }, (_, k) => openSync(join(dir, `members-${k + 1}.csv`), "w"));
  let index = 0;
  let head = true;
  let rest = "";
  generateData({ members: n, seed: 1, period: parsePeriod("2026-01") }, {
    members: (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() as string;
      const out: string[][] = files.map(() => []);
      for (const line of lines) {
        if (head) {
          head = false;
          for (const o of out) o.push(line);
          continue;
        }
        const m = joinMonth(index, n);
        let row = line;
        if (m > 0) {
          // Days rise with the index within the month, so a sponsor (older: a lower index) never joins after.
          const within = (index - cut) * MONTHS - (m - 1) * (n - cut);
          const day = 1 + Math.floor((within * 28) / (n - cut));
          const [id, sponsor, , status] = line.split(",");
          row = `${id},${sponsor},2026-${String(m).padStart(2, "0")}-${String(Math.min(day, 28)).padStart(2, "0")},${status}`;
        }
        for (let k = Math.max(m, 1); k <= MONTHS; k++) (out[k - 1] as string[]).push(row);
        index++;
      }
      out.forEach((rows, k) => rows.length > 0 && writeSync(files[k] as number, `${rows.join("\n")}\n`));
    },
    orders: () => {},
  });
  for (const f of files) closeSync(f);
  for (let k = 1; k <= MONTHS; k++) {
    const mm = String(k).padStart(2, "0");
    const fd = openSync(join(dir, `orders-${k}.csv`), "w");
    let first = true;
    let tail = "";
    generateData({ members: n, seed: 100 + k, period: parsePeriod(`2026-${mm}`) }, {
      members: () => {},
      orders: (chunk) => {
        const lines = (tail + chunk).split("\n");
        tail = lines.pop() as string;
        const kept: string[] = [];
        for (const line of lines) {
          if (first) {
            first = false;
            kept.push(line);
            continue;
          }
          const c = line.indexOf(",");
          const member = Number(line.slice(c + 2, line.indexOf(",", c + 1)));
          if (joinMonth(member, n) <= k) kept.push(`${mm}-${line}`);
        }
        if (kept.length > 0) writeSync(fd, `${kept.join("\n")}\n`);
      },
    });
    closeSync(fd);
  }
}

function one(n: number): Month[] {
  const text = readFileSync("plans/starter-unilevel/plan.yaml", "utf8");
  const plain = parsePlan(text);
  const plan = parsePlan(`${text}\npaidAs:\n  grace: 1\n`);
  const measures = new Set(Object.keys(plan.measures));
  const keep = process.env.BENCH_CHAIN_DATA;
  const dir = keep !== undefined ? join(keep, String(n)) : mkdtempSync(join(tmpdir(), `compplan-bench-chain-${n}-`));
  const months: Month[] = [];
  try {
    if (keep === undefined || !existsSync(join(dir, `orders-${MONTHS}.csv`))) {
      mkdirSync(dir, { recursive: true });
      generateYear(n, dir);
    }
    let state: StateInput | undefined;
    for (let k = 1; k <= MONTHS; k++) {
      const period = `2026-${String(k).padStart(2, "0")}`;
      const t0 = performance.now();
      const prepared = safePrepareFiles({ period, members: join(dir, `members-${k}.csv`), orders: join(dir, `orders-${k}.csv`) }, { measures });
      if (!prepared.ok) throw new Error(`${period}: ${prepared.issues.slice(0, 3).map((i) => `${i.code} ${i.message}`).join("; ")}`);
      const t1 = performance.now();
      const reference = safeCalculatePrepared(plain, prepared.value);
      const t2 = performance.now();
      const run = safeCalculatePrepared(plan, prepared.value, state !== undefined ? { state } : {});
      const t3 = performance.now();
      if (!reference.ok || !run.ok) throw new Error(`${period}: calculate failed`);
      const closing = stateNdjson(run.value) as string;
      const t4 = performance.now();
      state = parseState(closing);
      const t5 = performance.now();
      months.push({
        period,
        members: prepared.value.genealogy.size,
        orders: prepared.value.orders.member.length,
        prepare: t1 - t0,
        plain: t2 - t1,
        calculate: t3 - t2,
        write: t4 - t3,
        read: t5 - t4,
        // Counted in the text: asking the state for its ids would make a string per row, kept with the state.
        rows: lineCount(closing) - 1,
        mb: Buffer.byteLength(closing) / 1e6,
      });
    }
  } finally {
    if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  }
  return months;
}

const child = process.argv.indexOf("--one");
if (child >= 0) {
  process.stdout.write(`${JSON.stringify(one(Number(process.argv[child + 1])))}\n`);
} else {
  const sizes = (process.env.BENCH_CHAIN_SIZES ?? "1000000").split(",").map(Number);
  const self = fileURLToPath(import.meta.url);
  for (const n of sizes) {
    process.stderr.write(`bench chain: ${n.toLocaleString("en-US")} members, 12 months…\n`);
    const r = spawnSync(process.execPath, ["--max-old-space-size=20000", ...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((x) => x !== ""), self, "--one", String(n)], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      process.stderr.write(r.stderr);
      process.exit(1);
    }
    const months = JSON.parse(r.stdout.trim().split("\n").pop() as string) as Month[];
    const s = (ms: number) => (ms / 1000).toFixed(2);
    const sum = (f: (m: Month) => number) => months.reduce((a, m) => a + f(m), 0);
    const out = [
      `\n12 monthly periods, ${n.toLocaleString("en-US")} members at the start of the generation (10% joining along the year), starter plan with paidAs.grace 1:\n`,
      "| period | members | orders | read + validate + tree (s) | calculate without state (s) | calculate with state (s) | state write (s) | state read (s) | state rows | state (MB) |",
      "|---|---|---|---|---|---|---|---|---|---|",
      ...months.map((m) => `| ${m.period} | ${m.members.toLocaleString("en-US")} | ${m.orders.toLocaleString("en-US")} | ${s(m.prepare)} | ${s(m.plain)} | ${s(m.calculate)} | ${s(m.write)} | ${s(m.read)} | ${m.rows.toLocaleString("en-US")} | ${m.mb.toFixed(1)} |`),
      `| **total** | | | ${s(sum((m) => m.prepare))} | ${s(sum((m) => m.plain))} | ${s(sum((m) => m.calculate))} | ${s(sum((m) => m.write))} | ${s(sum((m) => m.read))} | | |`,
      "",
      `chain calculate ÷ the 12 calculates without state: ${(sum((m) => m.calculate) / sum((m) => m.plain)).toFixed(2)}; ` +
        `chain calculate + state write + read ÷ 12 × one period's calculate (the mean without state): ${(sum((m) => m.calculate + m.write + m.read) / sum((m) => m.plain)).toFixed(2)}; ` +
        `state write + read per period: mean ${s(sum((m) => m.write + m.read) / months.length)} s, max ${s(Math.max(...months.map((m) => m.write + m.read)))} s`,
    ];
    process.stdout.write(`${out.join("\n")}\n`);
  }
}
