// The placement helpers (docs/placement.md) at one size: `tsx bench/place.ts [members] [shapes]` (default
// 10^6 members; shapes, comma-separated, default realistic,star,chain). Every member of the generator's
// genealogy but the root is new (no placement given), so all of them are placed. Two ways in, per method:
//
// - the CSV file as `compplan place` reads it (the fast path: no object per member): read = the members
//   file into the sponsor tree; place = ordering and placing the new members (placeTree); and `compplan
//   place` end to end in this process (read, place, write the members file);
// - the library on member records (`safePlaceMembers`, objects in and out): validate = the members'
//   fields, the sponsor tree and the placement given; place; output = the result objects in id order.
//
// Each figure is the median of 3 runs after one warm-up, with the machine's load beside it. Bundled like
// the other benchmarks. The target (issue 15: placement for 10^6 new members ≤ 1 s) is read against the
// place columns in bench/README.md.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../src/cli/cli.js";
import { generateData, type Shape } from "../src/generate/generate.js";
import { type PlaceOptions, type PlacePhase, safePlaceMembers } from "../src/index.js";
import { readMembersCsvFast } from "../src/input/fast-csv.js";
import { readRecords } from "../src/input/read.js";
import type { OrderInput } from "../src/input/validate.js";
import { ANY_DAY, placeTree } from "../src/placement/place.js";
import { parsePeriod } from "../src/run/period.js";
import { isBundled, runBundled } from "./bundle.js";

if (!isBundled(import.meta.url)) process.exit(await runBundled("bench/place.ts", "place", (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((x) => x !== "")));

const n = Number(process.argv[2] ?? 1_000_000);
const shapes = (process.argv[3] ?? "realistic,star,chain").split(",") as Shape[];
const dir = mkdtempSync(join(tmpdir(), "compplan-bench-place-"));

/** [name, library options, compplan place arguments] */
const METHODS: [string, (orders: OrderInput[]) => PlaceOptions, string[]][] = [
  ["spillover 3 wide", () => ({ width: 3 }), ["--width", "3"]],
  ["spillover 2 wide", () => ({ width: 2 }), ["--width", "2"]],
  ["spillover 4 wide, depth 10, upline", () => ({ width: 4, depth: 10, whenFull: "upline" }), ["--width", "4", "--depth", "10", "--when-full", "upline"]],
  ["extreme-left", () => ({ method: "extreme-left" }), ["--method", "extreme-left"]],
  ["weaker-leg by count", () => ({ method: "weaker-leg" }), ["--method", "weaker-leg"]],
  ["weaker-leg by PV", (orders) => ({ method: "weaker-leg", measure: "PV", orders }), ["--method", "weaker-leg", "--measure", "PV", "--orders", join(dir, "orders.csv")]],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const s = (ms: number) => (ms / 1000).toFixed(3);
/** The median of 3 timed runs after a warm-up, per named part. */
function timed(run: () => Record<string, number>): Record<string, string> {
  const runs: Record<string, number>[] = [];
  for (let k = 0; k < 4; k++) {
    const r = run();
    if (k > 0) runs.push(r);
  }
  return Object.fromEntries(Object.keys(runs[0] ?? {}).map((key) => [key, s(median(runs.map((r) => r[key] as number)))]));
}

const quiet = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t), stderrIsTTY: false };
const cliRows: string[] = [];
const libRows: string[] = [];
for (const shape of shapes) {
  const membersFile = join(dir, "members.csv");
  const ordersFile = join(dir, "orders.csv");
  {
    let membersCsv = "";
    let ordersCsv = "";
    generateData({ members: n, seed: 1, period: parsePeriod("2026-10"), shape }, { members: (c) => (membersCsv += c), orders: (c) => (ordersCsv += c) });
    writeFileSync(membersFile, membersCsv);
    writeFileSync(ordersFile, ordersCsv);
  }
  // The orders are read (as records) only for the method that weighs legs by PV, as compplan place does.
  const ordersOf = (name: string) => (name.endsWith("by PV") ? readRecords(readFileSync(ordersFile, "utf8"), { file: ordersFile, kind: "orders" }) : { records: [], origins: [] });
  for (const [name, options, args] of METHODS) {
    const orders = ordersOf(name);
    const cli = timed(() => {
      const t0 = performance.now();
      const g = readMembersCsvFast(membersFile, ANY_DAY);
      const t1 = performance.now();
      if (g === undefined) throw new Error("the fast path gave up");
      let placing = 0;
      const r = placeTree(g, undefined, { ...options(orders.records as OrderInput[]), onPhase: (p) => p === "place" && (placing = performance.now()) }, orders.origins);
      const t2 = performance.now();
      if (!r.ok) throw new Error(`${name}: ${r.issues[0]?.message}`);
      const code = runCli(["place", "--members", membersFile, ...args, "--out", join(dir, "placed.csv"), "--force"], quiet);
      const t3 = performance.now();
      if (code !== 0) throw new Error(`${name}: compplan place exit ${code}`);
      return { read: t1 - t0, place: t2 - placing, cli: t3 - t2 };
    });
    cliRows.push(`| ${shape} | ${name} | ${cli.read} | ${cli.place} | ${cli.cli} | ${loadavg()[0]?.toFixed(1)} |`);
  }
  const records = readRecords(readFileSync(membersFile, "utf8"), { file: "members.csv", kind: "members" }).records;
  for (const [name, options] of METHODS) {
    const orders = ordersOf(name);
    const lib = timed(() => {
      const at: Partial<Record<PlacePhase, number>> = {};
      const start = performance.now();
      const r = safePlaceMembers(records as never, { ...options(orders.records as OrderInput[]), onPhase: (p) => (at[p] = performance.now()) });
      const end = performance.now();
      if (!r.ok) throw new Error(`${name}: ${r.issues[0]?.message}`);
      return { validate: (at.place as number) - start, place: (at.output as number) - (at.place as number), output: end - (at.output as number), total: end - start };
    });
    libRows.push(`| ${shape} | ${name} | ${lib.validate} | ${lib.place} | ${lib.output} | ${lib.total} | ${loadavg()[0]?.toFixed(1)} |`);
  }
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${n.toLocaleString("en-US")} members, all new but the root.\n\nThe CSV file, as compplan place reads it:\n\n| shape | method | read (s) | place (s) | compplan place end to end (s) | load (1 min) |\n|---|---|---|---|---|---|\n${cliRows.join("\n")}\n`);
process.stdout.write(`\nThe library on member records (safePlaceMembers):\n\n| shape | method | validate (s) | place (s) | output (s) | total (s) | load (1 min) |\n|---|---|---|---|---|---|---|\n${libRows.join("\n")}\n`);
