// The README's test command (`npm test`). Runs every gate in order and closes with one plain line
// `N passed, N failed` that CI reads: vitest's test counts plus one count per gate below.
// Exits non-zero on any failure, or when vitest ran no test at all.
//
// `npm run test:quick` (`--quick`) is the fast loop for development: the type check and the build (without
// declaration files), then every test file but the package's, with fewer random cases and without the
// tests on 100,000 members and more; it skips the API-docs and package gates. It is not the gate CI runs:
// `npm test` is.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

const bin = (name) => `node_modules/.bin/${name}`;
const quick = process.argv.includes("--quick");
const allGates = [
  ["typecheck (tsc --noEmit)", bin("tsc"), ["--noEmit"]],
  ["build (tsup: esm + cjs + d.ts + cli)", bin("tsup"), []],
  ["api docs (typedoc, warnings are errors)", bin("typedoc"), []],
  ["package lint (publint)", bin("publint"), []],
  ["package types (attw --pack)", bin("attw"), ["--pack", ".", "--profile", "node16"]],
];
// The quick loop keeps the type check and the build (a CLI test runs dist/cli.js).
const gates = quick ? allGates.slice(0, 2) : allGates;
// Fewer random cases in the quick loop (each test file reads its own count; npm test uses the defaults).
const quickEnv = { NUM_RUNS: "300", NUM_RUNS_PROPERTIES: "40", NUM_RUNS_FUZZ: "100", COMPPLAN_QUICK: "1" };

let passed = 0;
let failed = 0;
const failures = [];
for (const [name, cmd, args] of gates) {
  process.stdout.write(`\n== ${name}${quick ? " (quick)" : ""}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env: quick ? { ...process.env, ...quickEnv } : process.env });
  if (r.status === 0) passed += 1;
  else {
    failed += 1;
    failures.push(name);
  }
}

const report = ".vitest-report.json";
rmSync(report, { force: true });
process.stdout.write("\n== tests (vitest)\n");
// The quick build has no declaration files, which the package test reads: it runs in `npm test` only.
// Both cores run test files in the quick loop (vitest's default on two cores is one worker).
const extra = [...process.argv.slice(2).filter((a) => a !== "--quick"), ...(quick ? ["--exclude", "test/package.test.ts", "--maxWorkers=2"] : [])];
spawnSync(
  bin("vitest"),
  ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra],
  { stdio: "inherit", env: quick ? { ...process.env, ...quickEnv } : process.env },
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
if (quick) process.stdout.write("\nQuick loop: type check, build and tests with fewer random cases; `npm test` is the complete gate.\n");
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
process.exit(failed === 0 ? 0 : 1);
