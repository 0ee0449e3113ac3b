// `tsx bench/explain.ts [MEMBERS_CSV ORDERS_CSV]`: the time to explain one member after a run is loaded,
// through the API. Loads (or generates, seeded) a realistic genealogy, runs the starter plan, builds the
// order index, then explains a spread of members: the root (the largest downline), the members with the
// most first-level legs, the deepest member, and seeded random members. Each is explained several times;
// the table shows the slowest time. BENCH_MEMBERS picks the size when generating (default 10^6).
import { readFileSync } from "node:fs";
import { generateData } from "../src/generate/generate.js";
import { readRecords } from "../src/input/read.js";
import { explain, parsePlan, prepareExplain, safeCalculatePrepared, safePrepareInput } from "../src/index.js";
import { OrderIndex } from "../src/audit/explain.js";
import { parsePeriod } from "../src/run/period.js";

const plan = parsePlan(readFileSync("plans/starter-unilevel/plan.yaml", "utf8"));
const measures = new Set(Object.keys(plan.measures));
const t0 = performance.now();
/** Reads and prepares the input; the parsed records are garbage once this returns (as in the CLI). */
function load() {
  let membersText: string;
  let ordersText: string;
  const [membersFile, ordersFile] = process.argv.slice(2);
  if (membersFile !== undefined && ordersFile !== undefined) {
    membersText = readFileSync(membersFile, "utf8");
    ordersText = readFileSync(ordersFile, "utf8");
  } else {
    const m: string[] = [];
    const o: string[] = [];
    const n = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
    generateData({ members: n, seed: 1, period: parsePeriod("2026-10"), shape: "realistic" }, { members: (c) => m.push(c), orders: (c) => o.push(c) });
    membersText = m.join("");
    ordersText = o.join("");
  }
  const members = readRecords(membersText, { file: "members.csv", kind: "members" });
  const orders = readRecords(ordersText, { file: "orders.csv", kind: "orders", measures: [...measures] });
  const p = safePrepareInput({ period: "2026-10", members: members.records as never[], orders: orders.records as never[] }, measures);
  if (!p.ok) throw new Error(JSON.stringify(p.issues.slice(0, 3)));
  return p;
}
const prepared = load();
const r = safeCalculatePrepared(plan, prepared.value);
if (!r.ok) throw new Error(JSON.stringify(r.issues.slice(0, 3)));
const run = r.value;
const g = run.internals.genealogy;
const index = new OrderIndex(prepared.value.orders, prepared.value.orders.member, g.size);
const ran = performance.now();
prepareExplain(run);
const loaded = performance.now();

// Members to explain.
const picks = new Map<string, string>();
picks.set(g.ids.at(g.root) as string, "root");
const byLegs = Array.from({ length: g.size }, (_, i) => i).sort((a, b) => (g.childStart[b + 1] as number) - (g.childStart[b] as number) - ((g.childStart[a + 1] as number) - (g.childStart[a] as number)));
for (const i of byLegs.slice(0, 3)) if (!picks.has(g.ids.at(i) as string)) picks.set(g.ids.at(i) as string, `${(g.childStart[i + 1] as number) - (g.childStart[i] as number)} legs`);
let deepest = 0;
for (let i = 0; i < g.size; i++) if ((g.depth[i] as number) > (g.depth[deepest] as number)) deepest = i;
picks.set(g.ids.at(deepest) as string, `deepest (depth ${g.depth[deepest]})`);
let seed = 7;
for (let k = 0; k < 10; k++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  const i = seed % g.size;
  if (!picks.has(g.ids.at(i) as string)) picks.set(g.ids.at(i) as string, "random");
}

const rows: string[] = [];
let worst = 0;
for (const [id, what] of picks) {
  let slowest = 0;
  let lines = 0;
  for (let rep = 0; rep < 5; rep++) {
    const s = performance.now();
    const e = explain(run, id, { orders: index });
    const ms = performance.now() - s;
    if (ms > slowest) slowest = ms;
    lines = e.bonuses.reduce((a, b) => a + b.lines.length, 0);
  }
  worst = Math.max(worst, slowest);
  rows.push(`| ${id} | ${what} | ${lines} | ${slowest.toFixed(1)} |`);
}
process.stdout.write(`members ${g.size.toLocaleString("en-US")}, orders ${prepared.value.orders.count.toLocaleString("en-US")}; load and run ${((ran - t0) / 1000).toFixed(1)} s; prepareExplain ${(loaded - ran).toFixed(0)} ms\n\n`);
process.stdout.write(`| member | which | lines | explain, slowest of 5 (ms) |\n|---|---|---|---|\n${rows.join("\n")}\n\nslowest explanation: ${worst.toFixed(1)} ms\n`);
