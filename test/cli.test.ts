// The compplan command, run in-process with captured output: exit codes, what goes to stdout and stderr,
// the files `run` writes, and runs on generated data including a one-million-deep chain.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/cli.js";
import { type Summary, canonicalJson, parsePlan } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STARTER = "plans/starter-unilevel/plan.yaml";

function cli(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: false });
  return { code, stdout, stderr };
}

describe("compplan validate", () => {
  it("accepts every plan under plans/", () => {
    for (const plan of [STARTER, "plans/globalmlm-unilevel-compression/plan.yaml", "plans/im-academy-leg-cap/plan.yaml", "plans/ph-uniform-unilevel/plan.yaml"]) {
      const r = cli("validate", plan);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/valid plan/);
    }
  });

  it("lists each issue with code, path and file, and exits 1", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, readFileSync(STARTER, "utf8").replace('rate: "1"', "rate: 1").replace("compression: dynamic", "compression: sometimes"));
    const r = cli("validate", bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`PLAN_DECIMAL_FORMAT at bonuses[2].rate (${bad}:84:11)`);
    expect(r.stderr).toContain("PLAN_INVALID_VALUE at bonuses[0].compression");
    expect(r.stderr).toMatch(/2 issues; nothing was computed/);
  });

  it("wrong usage exits 2 with the usage text; a missing file is a coded issue", () => {
    expect(cli("validate").code).toBe(2);
    expect(cli("frobnicate").stderr).toMatch(/unknown command/);
    const missing = cli("validate", join(dir, "nope.yaml"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read plan file .*ENOENT/);
  });
});

describe("compplan schema", () => {
  it("prints a JSON Schema that names every bonus family", () => {
    const r = cli("schema");
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const text = JSON.stringify(schema);
    for (const kind of ["unilevel", "rank-bonus", "retail-profit"]) expect(text).toContain(`"const":"${kind}"`);
    expect(schema.required).toEqual(expect.arrayContaining(["compplan", "id", "currency", "payoutBasis", "measures", "bonuses"]));
  });
});

describe("compplan run", () => {
  const data = join(dir, "example");
  const out = join(dir, "out");

  it("generates seeded example data, runs the starter plan, writes statements and summary", () => {
    const g = cli("generate", "--members", "10000", "--seed", "42", "--out", data);
    expect(g.code, g.stderr).toBe(0);
    const r = cli("run", "--plan", STARTER, "--members", join(data, "members.csv"), "--orders", join(data, "orders.csv"), "--period", "2026-10", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(""); // not a terminal: no progress
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Summary;
    expect(summary.members).toBe(10_000);
    const lines = readFileSync(join(out, "statements.ndjson"), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(10_000);
    // The printed summary carries the headline numbers of summary.json.
    expect(r.stdout).toContain("members 10,000");
    expect(r.stdout).toMatch(new RegExp(`total\\s+${summary.total.replace(/\B(?=(\d{3})+(?!\d))/g, ",").replace(".", "\\.")}`));
    // Statement totals add up to the summary total, to the cent.
    const cents = lines.reduce((a, l) => a + BigInt((JSON.parse(l) as { total: string }).total.replace(".", "")), 0n);
    expect(cents).toBe(BigInt(summary.total.replace(".", "")));
    // Canonical: each line is the canonical form of itself.
    expect(canonicalJson(JSON.parse(lines[0] as string))).toBe(lines[0]);
    // The generated data exercises the plan: several ranks, compression, all three bonuses.
    expect(summary.ranks.filter((x) => x.members > 0).length).toBeGreaterThanOrEqual(3);
    expect(summary.bonuses.map((b) => b.lines > 0)).toEqual([true, true, true]);
    expect(summary.bonuses[0]?.accounting?.compressedUp).not.toMatch(/^0\.0+$/);
  });

  it("gives byte-identical output for the same data with rows in another order", () => {
    const shuffled = join(dir, "shuffled");
    for (const f of ["members.csv", "orders.csv"]) {
      const [header, ...rows] = readFileSync(join(data, f), "utf8").trimEnd().split("\n");
      rows.reverse();
      writeFileSync(join(dir, `rev-${f}`), `${header}\n${rows.join("\n")}\n`);
    }
    const r = cli("run", "--plan", STARTER, "--members", join(dir, "rev-members.csv"), "--orders", join(dir, "rev-orders.csv"), "--period", "2026-10", "--out", shuffled);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["statements.ndjson", "summary.json", "bundle.json"]) expect(readFileSync(join(shuffled, f), "utf8")).toBe(readFileSync(join(out, f), "utf8"));
  });

  it("reports bad input with file and line, computes nothing, exits 1", () => {
    const members = readFileSync(join(data, "members.csv"), "utf8").replace(/\nM0000005,M\d+,/, "\nM0000005,NOBODY,");
    writeFileSync(join(dir, "bad-members.csv"), members);
    const r = cli("run", "--plan", STARTER, "--members", join(dir, "bad-members.csv"), "--orders", join(data, "orders.csv"), "--period", "2026-10", "--out", join(dir, "never"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`MEMBER_UNKNOWN_SPONSOR at members[5].sponsorId (${join(dir, "bad-members.csv")}:7)`);
    expect(r.stdout).toBe("");
    expect(() => readFileSync(join(dir, "never", "summary.json"))).toThrow();
  });

  it("an output that cannot be written is named with the system's reason, exit 5, no stack", () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "not a directory");
    const r = cli("run", "--plan", STARTER, "--members", join(data, "members.csv"), "--orders", join(data, "orders.csv"), "--period", "2026-10", "--out", join(blocker, "out"));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^compplan: .*ENOTDIR.*a-file/);
    expect(r.stderr).toContain("the output is incomplete");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  });

  it("runs a one-million-deep chain end to end without a stack overflow", () => {
    const chain = join(dir, "chain");
    expect(cli("generate", "--members", "1000000", "--shape", "chain", "--seed", "3", "--out", chain).code).toBe(0);
    const r = cli("run", "--plan", STARTER, "--members", join(chain, "members.csv"), "--orders", join(chain, "orders.csv"), "--period", "2026-10", "--out", join(chain, "out"));
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(chain, "out", "summary.json"), "utf8")) as Summary;
    expect(summary.members).toBe(1_000_000);
    // In a chain every level below a member is one member: the unilevel reached all 7 levels somewhere.
    expect(Number(summary.bonuses[0]?.lines)).toBeGreaterThan(100_000);
    expect(parsePlan(readFileSync(STARTER, "utf8")).id).toBe(summary.plan.id);
    rmSync(chain, { recursive: true, force: true }); // about 1.5 GB of statements: do not keep it
  });
});
