// Benchmark: `npm run bench`. Generates seeded data with the library's generator, then times each phase
// of a run of the starter plan at several sizes, with peak memory. Sizes: BENCH_SIZES=10000,100000.
import { readFileSync } from "node:fs";
import { generateData } from "../src/generate/generate.js";
import { readRecords } from "../src/input/read.js";
import { calculate, canonicalJson, parsePlan, type Phase } from "../src/index.js";
import { parsePeriod } from "../src/run/period.js";

const sizes = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const plan = parsePlan(readFileSync("plans/starter-unilevel/plan.yaml", "utf8"));
const period = parsePeriod("2026-10");
const rows: string[] = [];
for (const n of sizes) {
  let members = "";
  let orders = "";
  generateData({ members: n, seed: 1, period }, { members: (c) => (members += c), orders: (c) => (orders += c) });
  const t0 = performance.now();
  const m = readRecords(members, { file: "members.csv", kind: "members" });
  const o = readRecords(orders, { file: "orders.csv", kind: "orders", measures: Object.keys(plan.measures) });
  const t1 = performance.now();
  const phases: Partial<Record<Phase, number>> = {};
  let last = t1;
  let current: Phase | undefined;
  const run = calculate(plan, { period: period.id, members: m.records as never[], orders: o.records as never[] }, {
    onPhase: (p) => {
      const now = performance.now();
      if (current !== undefined) phases[current] = now - last;
      current = p;
      last = now;
    },
  });
  const t2 = performance.now();
  if (current !== undefined) phases[current] = t2 - last;
  let bytes = 0;
  for (const s of run.statements()) bytes += canonicalJson(s).length + 1;
  const t3 = performance.now();
  const validate = phases.validate ?? 0;
  const calc = t2 - t1 - validate;
  rows.push(
    `| ${n.toLocaleString("en-US")} | ${((t1 - t0) / 1000).toFixed(2)} | ${(validate / 1000).toFixed(2)} | ${(calc / 1000).toFixed(2)} | ${Math.round(n / (calc / 1000)).toLocaleString("en-US")} | ${((t3 - t2) / 1000).toFixed(2)} | ${(bytes / 1e6).toFixed(0)} | ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} |`,
  );
}
process.stdout.write(
  `| members | read (s) | validate (s) | calculate (s) | members/s (calculate) | render statements (s) | statements (MB) | peak RSS so far (MiB) |\n|---|---|---|---|---|---|---|---|\n${rows.join("\n")}\n`,
);
