// Whole plans at one size: `tsx bench/plans.ts [members] [names]` (default 10^6; `names` as in bench/families.ts). For each plan of PLANS, the input
// prepared once (read + validate + tree, the measures of every plan), then calculate (volumes … finalize,
// every bonus of the plan), the median of 5 runs after one warm-up, with the machine's load beside it, and
// that run's time per phase (from the phase callbacks).
// Bundled like the other benchmarks; `npm run bench` runs it after its table (BENCH_PLANS_SIZES=0 skips it).
// Targets (bench/README.md): the hybrid plan's calculate ≤ 1.5 s at 10^6 (issue 16 item 8).
import { readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { safePrepareFiles } from "../src/input/files.js";
import { type Phase, parsePlan, safeCalculatePrepared } from "../src/index.js";
import { isBundled, runBundled } from "./bundle.js";
import { generateFiles } from "./data.js";

if (!isBundled(import.meta.url)) process.exit(await runBundled("bench/plans.ts", "plans", (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((x) => x !== "")));

/** The plans timed, by folder under plans/. */
const PLANS = ["starter-unilevel", "hybrid-benchmark"];

const n = Number(process.argv[2] ?? process.env.BENCH_PLANS_SIZES ?? 1_000_000);
// An optional second argument times only the plans whose folder name holds one of its comma-separated parts.
const only = process.argv[3];
const dir = generateFiles(n);
try {
  const prepared = safePrepareFiles({ period: "2026-10", members: join(dir, "members.csv"), orders: join(dir, "orders.csv") }, { measures: new Set(["PV", "CV", "RETAIL"]) });
  if (!prepared.ok) throw new Error(prepared.issues[0]?.message);
  process.stdout.write(`| plan (${n.toLocaleString("en")} members) | bonuses | calculate, median of 5 (s) | its phases (s) | lines | total paid | load (1 min) |\n|---|---|---|---|---|---|---|\n`);
  for (const name of PLANS) {
    if (only !== undefined && !only.split(",").some((part) => name.includes(part))) continue;
    const plan = parsePlan(readFileSync(`plans/${name}/plan.yaml`, "utf8"));
    const runs: { time: number; phases: Map<Phase, number> }[] = [];
    let lines = 0;
    let total = "";
    for (let k = 0; k < 6; k++) {
      const phases = new Map<Phase, number>();
      let phase: Phase | null = null;
      let since = 0;
      const onPhase = (p: Phase) => {
        const now = performance.now();
        if (phase !== null) phases.set(phase, (phases.get(phase) ?? 0) + now - since);
        [phase, since] = [p, now];
      };
      const t0 = performance.now();
      const r = safeCalculatePrepared(plan, prepared.value, { onPhase });
      const t = performance.now() - t0;
      if (phase !== null) phases.set(phase, (phases.get(phase) ?? 0) + performance.now() - since);
      if (!r.ok) throw new Error(r.issues[0]?.message);
      lines = r.value.summary.bonuses.reduce((s, b) => s + b.lines, 0);
      total = r.value.summary.total;
      if (k > 0) runs.push({ time: t / 1000, phases });
    }
    runs.sort((a, b) => a.time - b.time);
    const median = runs[2] as (typeof runs)[number];
    const split = [...median.phases].map(([p, ms]) => `${p} ${(ms / 1000).toFixed(2)}`).join(", ");
    const kinds = plan.bonuses.map((b) => b.kind).join(", ");
    process.stdout.write(`| ${name} | ${kinds} | ${median.time.toFixed(2)} | ${split} | ${lines.toLocaleString("en")} | ${total} | ${(loadavg()[0] as number).toFixed(1)} |\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
