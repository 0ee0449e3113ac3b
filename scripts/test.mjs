// The README's test command (`npm test`). Runs every gate in order and closes with one plain line
// `N passed, N failed` that CI reads: vitest's test counts plus one count per gate below.
// Exits non-zero on any failure, or when vitest ran no test at all.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

const bin = (name) => `node_modules/.bin/${name}`;
const gates = [
  ["typecheck (tsc --noEmit)", bin("tsc"), ["--noEmit"]],
  ["build (tsup: esm + cjs + d.ts + cli)", bin("tsup"), []],
  ["api docs (typedoc, warnings are errors)", bin("typedoc"), []],
  ["package lint (publint)", bin("publint"), []],
  ["package types (attw --pack)", bin("attw"), ["--pack", ".", "--profile", "node16"]],
];

let passed = 0;
let failed = 0;
const failures = [];
for (const [name, cmd, args] of gates) {
  process.stdout.write(`\n== ${name}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status === 0) passed += 1;
  else {
    failed += 1;
    failures.push(name);
  }
}

const report = ".vitest-report.json";
rmSync(report, { force: true });
process.stdout.write("\n== tests (vitest)\n");
const extra = process.argv.slice(2);
spawnSync(
  bin("vitest"),
  ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra],
  { stdio: "inherit" },
);
let skipped = 0;
let ran = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, "utf8"));
  ran = json.numTotalTests ?? 0;
  passed += json.numPassedTests ?? 0;
  failed += json.numFailedTests ?? 0;
  skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  // A suite that fails to load has no tests in it but must still fail the run.
  for (const file of json.testResults ?? []) {
    if (file.status === "failed" && (file.assertionResults ?? []).length === 0) {
      failed += 1;
      failures.push(`test file did not load: ${file.name}`);
    }
  }
} else {
  failed += 1;
  failures.push("vitest wrote no report");
}
if (ran === 0) {
  failed += 1;
  failures.push("vitest ran no test");
}
if (failures.length > 0) process.stdout.write(`\nFailed: ${failures.join("; ")}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
process.exit(failed === 0 ? 0 : 1);
