// The placement helpers (docs/placement.md) at one size: `tsx bench/place.ts [members] [shapes]` (default
// 10^6 members; shapes, comma-separated, default realistic,star,chain). Every member of the generator's
// genealogy but the root is new (no placement given), so all of them are placed. For each method: the
// phases of safePlaceMembers from its onPhase callback (validate = the members' fields, the sponsor tree
// and the placement given; place = ordering and placing the new members; output = the result in id
// order), the median of 3 runs after one warm-up, with the machine's load beside it. Bundled like the
// other benchmarks; the target (issue 15: placement for 10^6 new members ≤ 1 s) is read against the place
// column in bench/README.md.
import { loadavg } from "node:os";
import { generateData, type Shape } from "../src/generate/generate.js";
import { type PlaceOptions, type PlacePhase, safePlaceMembers } from "../src/index.js";
import { readRecords } from "../src/input/read.js";
import type { OrderInput } from "../src/input/validate.js";
import { parsePeriod } from "../src/run/period.js";
import { isBundled, runBundled } from "./bundle.js";

if (!isBundled(import.meta.url)) process.exit(await runBundled("bench/place.ts", "place", (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((x) => x !== "")));

const n = Number(process.argv[2] ?? 1_000_000);
const shapes = (process.argv[3] ?? "realistic,star,chain").split(",") as Shape[];

function data(shape: Shape): { members: unknown[]; orders: OrderInput[] } {
  let members = "";
  let orders = "";
  generateData({ members: n, seed: 1, period: parsePeriod("2026-10"), shape }, { members: (c) => (members += c), orders: (c) => (orders += c) });
  return {
    members: readRecords(members, { file: "members.csv", kind: "members" }).records,
    orders: readRecords(orders, { file: "orders.csv", kind: "orders" }).records as OrderInput[],
  };
}

const METHODS: [string, (orders: OrderInput[]) => PlaceOptions][] = [
  ["spillover 3 wide", () => ({ width: 3 })],
  ["spillover 2 wide", () => ({ width: 2 })],
  ["spillover 4 wide, depth 10, upline", () => ({ width: 4, depth: 10, whenFull: "upline" })],
  ["extreme-left", () => ({ method: "extreme-left" })],
  ["weaker-leg by count", () => ({ method: "weaker-leg" })],
  ["weaker-leg by PV", (orders) => ({ method: "weaker-leg", measure: "PV", orders })],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const s = (ms: number) => (ms / 1000).toFixed(3);

process.stdout.write(`| shape | method | validate (s) | place (s) | output (s) | total (s) | load (1 min) |\n|---|---|---|---|---|---|---|\n`);
for (const shape of shapes) {
  const { members, orders } = data(shape);
  for (const [name, options] of METHODS) {
    const runs: Record<PlacePhase | "total", number>[] = [];
    for (let k = 0; k < 4; k++) {
      const at: Partial<Record<PlacePhase, number>> = {};
      const start = performance.now();
      const r = safePlaceMembers(members as never, { ...options(orders), onPhase: (p) => (at[p] = performance.now()) });
      const end = performance.now();
      if (!r.ok) throw new Error(`${name}: ${r.issues[0]?.message}`);
      if (k > 0) runs.push({ validate: (at.place as number) - start, place: (at.output as number) - (at.place as number), output: end - (at.output as number), total: end - start });
    }
    const pick = (key: PlacePhase | "total") => s(median(runs.map((r) => r[key])));
    process.stdout.write(`| ${shape} | ${name} | ${pick("validate")} | ${pick("place")} | ${pick("output")} | ${pick("total")} | ${loadavg()[0]?.toFixed(1)} |\n`);
  }
}
