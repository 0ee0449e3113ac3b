// Mutation check (not part of CI): plants one-line bugs in the engine, one at a time, runs the test suite
// and reports which tests catch each. A mutant that no test catches is a hole in the suite.
// Usage: node scripts/mutants.mjs [test paths…]   (default: the whole suite but the slow CLI file; about
// half a minute per mutant)
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";

const MUTANTS = [
  {
    name: "off-by-one level: the unilevel walk stops one level early",
    file: "src/bonuses/unilevel/unilevel.ts",
    from: "while (k < depth && a >= 0) {",
    to: "while (k < depth - 1 && a >= 0) {",
  },
  {
    name: "compression skipped: dynamic compression behaves as none",
    file: "src/bonuses/unilevel/unilevel.ts",
    from: 'const dynamic = config.compression === "dynamic";',
    to: "const dynamic = false;",
  },
  {
    name: "rounding mode swapped: half-even rounds ties up (half-up)",
    file: "src/money/decimal.ts",
    from: "if (twice > d || (twice === d && q % 2 === 1)) q += 1;",
    to: "if (twice >= d) q += 1;",
  },
  {
    name: "leg cap ignored: group requirements count legs uncapped",
    file: "src/measures/ranks.ts",
    from: "if (spec.group.legCap < 0) {",
    to: "if (spec.group.legCap < 0 || spec.group.legCap >= 0) {",
  },
  {
    name: "personal consumption always counted, whatever the measure lists",
    file: "src/measures/volumes.ts",
    from: "if (!spec.counts[k]) continue;",
    to: 'if (!spec.counts[k] && ORDER_KINDS[k] !== "personal-consumption") continue;',
  },
  {
    name: "personal-consumption cap ignored",
    file: "src/measures/volumes.ts",
    from: 'const capped = ORDER_KINDS[k] === "personal-consumption" && spec.personalConsumptionCap >= 0;',
    to: "const capped = false;",
  },
];

const report = ".mutant-report.json";
const results = [];
for (const m of MUTANTS) {
  const original = readFileSync(m.file, "utf8");
  const count = original.split(m.from).length - 1;
  if (count !== 1) throw new Error(`${m.name}: expected the line once in ${m.file}, found ${count}`);
  writeFileSync(m.file, original.replace(m.from, m.to));
  try {
    rmSync(report, { force: true });
    const paths = process.argv.slice(2);
    spawnSync("node_modules/.bin/vitest", ["run", ...(paths.length > 0 ? paths : ["--exclude", "test/cli.test.ts"]), "--reporter=json", `--outputFile.json=${report}`], { stdio: "ignore" });
    const json = JSON.parse(readFileSync(report, "utf8"));
    const failed = json.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status === "failed").map((a) => `${f.name.replace(`${process.cwd()}/`, "")} > ${a.fullName}`));
    results.push({ mutant: m.name, caught: failed.length > 0, failed });
  } finally {
    writeFileSync(m.file, original);
    rmSync(report, { force: true });
  }
}
for (const r of results) {
  process.stdout.write(`\n${r.caught ? "CAUGHT" : "MISSED"}  ${r.mutant}  (${r.failed.length} failing tests)\n`);
  for (const f of r.failed.slice(0, 12)) process.stdout.write(`    ${f}\n`);
  if (r.failed.length > 12) process.stdout.write(`    … and ${r.failed.length - 12} more\n`);
}
process.exit(results.every((r) => r.caught) ? 0 : 1);
