// Benchmark of a what-if comparison: `tsx bench/whatif.ts [DIR]` (default /tmp/a6, made by
// `compplan generate --members 1000000 --seed 1 --out /tmp/a6`). Times the work shared by both plans
// (reading the CSV files, validation and the sponsor tree, once) apart from the work per plan (one run
// each) and the comparison itself, best of BENCH_REPEAT (default 3) repetitions, against two separate
// runs for reference. It runs itself as a bundle, as the package ships (bench/bundle.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlan, safeCalculate } from "../src/index.js";
import { safeCalculatePrepared } from "../src/run/calculate.js";
import { applyChangeSet, parseChangeSet } from "../src/simulate/change.js";
import { memberColumns } from "../src/simulate/columns.js";
import { diffRuns } from "../src/simulate/diff.js";
import { safePrepareFiles, readInputFiles } from "../src/input/files.js";
import { unionMeasures } from "../src/simulate/simulate.js";
import { isBundled, runBundled } from "./bundle.js";

if (!isBundled(import.meta.url)) process.exit(await runBundled("bench/whatif.ts", "whatif"));

const dir = process.argv[2] ?? "/tmp/a6";
const repeat = Number(process.env.BENCH_REPEAT ?? 3);
const base = parsePlan(readFileSync("plans/starter-unilevel/plan.yaml", "utf8"));
const other = applyChangeSet(base, parseChangeSet(readFileSync("plans/starter-unilevel/changes/level-3-five-percent.yaml", "utf8")));
const measures = unionMeasures(base, other);
const paths = { period: "2026-10", members: join(dir, "members.csv"), orders: join(dir, "orders.csv") };

const best: Record<string, number> = {};
const time = <T>(name: string, f: () => T): T => {
  const t = performance.now();
  const r = f();
  const ms = performance.now() - t;
  best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, ms);
  return r;
};
for (let k = 0; k < repeat; k++) {
  const prepared = time("shared: read CSV + validate + tree", () => safePrepareFiles(paths, { measures }));
  if (!prepared.ok) throw new Error("invalid input");
  const a = time("per plan: run base plan", () => safeCalculatePrepared(base, prepared.value));
  const b = time("per plan: run changed plan", () => safeCalculatePrepared(other, prepared.value));
  if (!a.ok || !b.ok) throw new Error("run failed");
  time("compare: member columns (x2)", () => [memberColumns(a.value), memberColumns(b.value)]);
  time("compare: whole diff", () => diffRuns(a.value, b.value));
}
// Last, with the records in memory (the timed steps above never hold them): two separate runs.
const files = readInputFiles(paths, [...measures].sort());
if (!files.ok) throw new Error(`cannot read ${dir}`);
const input = files.value.input;
time("reference: two separate safeCalculate", () => [safeCalculate(base, input), safeCalculate(other, input)]);
const shared = best["shared: read CSV + validate + tree"] as number;
const perPlan = (best["per plan: run base plan"] as number) + (best["per plan: run changed plan"] as number);
const compare = best["compare: whole diff"] as number;
const out = [`what-if comparison on ${input.members.length.toLocaleString("en-US")} members (${dir}), best of ${repeat}:`];
for (const [name, ms] of Object.entries(best)) out.push(`  ${name.padEnd(40)} ${(ms / 1000).toFixed(3).padStart(8)} s`);
out.push(`  ${"comparison of loaded input = per plan + diff".padEnd(40)} ${((perPlan + compare) / 1000).toFixed(3).padStart(8)} s`);
out.push(`  ${"comparison from CSV = shared + per plan + diff".padEnd(40)} ${((shared + perPlan + compare) / 1000).toFixed(3).padStart(8)} s`);
process.stdout.write(`${out.join("\n")}\n`);
