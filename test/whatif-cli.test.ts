// `compplan diff` and `compplan sweep` run in-process on the README's example data (10,000 members, seed 42):
// exit codes, the files written, the printed headline numbers against diff.json, row-order independence.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunBundle, type RunDiff, type SweepResult, canonicalJson } from "../src/index.js";
import { cli } from "./fixtures/cli.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-whatif-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STARTER = "plans/starter-unilevel/plan.yaml";
const CHANGE = "plans/starter-unilevel/changes/level-3-five-percent.yaml";
const data = join(dir, "example");

const inputs = (d = data) => ["--members", join(d, "members.csv"), "--orders", join(d, "orders.csv"), "--period", "2026-10"];
const group = (t: string) => t.replace(/^-?\d+/, (int) => int.replace(/\B(?=(\d{3})+(?!\d))/g, ","));

beforeAll(() => {
  // The README's example data (npm start generates the same into out/example).
  const g = cli("generate", "--members", "10000", "--seed", "42", "--period", "2026-10", "--out", data);
  expect(g.code, g.stderr).toBe(0);
});

describe("compplan diff", () => {
  it("runs the README example: writes diff.json and report.html and prints the headline numbers", () => {
    const out = join(dir, "diff");
    const r = cli("diff", "--base", STARTER, "--change", CHANGE, ...inputs(), "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const text = readFileSync(join(out, "diff.json"), "utf8");
    const diff = JSON.parse(text) as RunDiff;
    expect(text).toBe(`${canonicalJson(diff, 2)}\n`);
    expect(existsSync(join(out, "report.html"))).toBe(true);
    expect(diff.members).toBe(10_000);
    expect(diff.description).toMatch(/Level 3/);
    // Raising a rate moves money one way only: nobody is paid less, and only the unilevel changes.
    expect(diff.movers.losers).toBe(0);
    expect(diff.movers.gainers).toBeGreaterThan(0);
    expect(diff.bonuses.filter((b) => !/^0\.00$/.test(b.change)).map((b) => b.key)).toEqual(["unilevel"]);
    expect(r.stdout).toMatch(new RegExp(`total\\s+${group(diff.total.before).replace(".", "\\.")}\\s+${group(diff.total.after).replace(".", "\\.")}\\s+\\+${group(diff.total.change).replace(".", "\\.")}`));
    expect(r.stdout).toContain(`members paid more ${group(String(diff.movers.gainers))}`);
    expect(r.stdout).toContain(`wrote ${join(out, "diff.json")} and ${join(out, "report.html")}`);
  });

  it("gives byte-identical diff.json and report.html for the same data with rows in another order", () => {
    const reversed = join(dir, "reversed");
    rmSync(reversed, { recursive: true, force: true });
    for (const f of ["members.csv", "orders.csv"]) {
      const [header, ...rows] = readFileSync(join(data, f), "utf8").trimEnd().split("\n");
      rows.reverse();
      writeFileSync(join(dir, `rev-${f}`), `${header}\n${rows.join("\n")}\n`);
    }
    const r = cli("diff", "--base", STARTER, "--change", CHANGE, "--members", join(dir, "rev-members.csv"), "--orders", join(dir, "rev-orders.csv"), "--period", "2026-10", "--out", reversed);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["diff.json", "report.html"]) expect(readFileSync(join(reversed, f), "utf8")).toBe(readFileSync(join(dir, "diff", f), "utf8"));
  });

  it("compares two plan files; the same plan twice is an all-zero diff", () => {
    const out = join(dir, "same");
    const r = cli("diff", "--base", STARTER, "--plan", STARTER, ...inputs(), "--out", out, "--limit", "5");
    expect(r.code, r.stderr).toBe(0);
    const diff = JSON.parse(readFileSync(join(out, "diff.json"), "utf8")) as RunDiff;
    expect(diff.total.change).toBe("0.00");
    expect(diff.movers.changed).toBe(0);
    expect(diff.changes).toEqual([]);
  });

  it("prints timings on request, on stderr", () => {
    const r = cli("diff", "--base", STARTER, "--change", CHANGE, ...inputs(), "--out", join(dir, "timed"), "--timings");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/validate \+ genealogy\s+\d+\.\d{3} s/);
    expect(r.stderr).toMatch(/run changed plan\s+\d+\.\d{3} s/);
  });

  it("rejects a change set that does not fit the plan with coded issues, and computes nothing", () => {
    const bad = join(dir, "bad-change.yaml");
    writeFileSync(bad, 'changes:\n  - set: bonuses[key=unilevel].schedule[rank=Emerald].rates[2]\n    value: "0.05"\n  - set: bonuses[key=retail].rate\n    value: 2\n');
    const r = cli("diff", "--base", STARTER, "--change", bad, ...inputs(), "--out", join(dir, "never"));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`CHANGE_NOT_FOUND at changes[0].set (${bad}:2:10)`);
    expect(existsSync(join(dir, "never"))).toBe(false);
    writeFileSync(bad, "changes:\n  - set: bonuses[key=retail].rate\n    value: 2\n");
    const invalid = cli("diff", "--base", STARTER, "--change", bad, ...inputs(), "--out", join(dir, "never"));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("PLAN_DECIMAL_FORMAT at bonuses[2].rate");
  });

  it("an unreadable input or change file is a coded issue, not a crash", () => {
    const r = cli("diff", "--base", STARTER, "--change", CHANGE, "--members", join(dir, "nope.csv"), "--orders", join(data, "orders.csv"), "--period", "2026-10", "--out", join(dir, "never"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INPUT_UNREADABLE at members .*cannot read members file .*ENOENT/);
    const c = cli("diff", "--base", STARTER, "--change", join(dir, "nope.yaml"), ...inputs(), "--out", join(dir, "never"));
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/cannot read change file .*ENOENT/);
    const p = cli("diff", "--base", STARTER, "--change", CHANGE, ...inputs().slice(0, 4), "--period", "2026-13", "--out", join(dir, "never"));
    expect(p.code).toBe(1);
    expect(p.stderr).toContain("PERIOD_INVALID");
  });

  it("wrong usage exits 2 with the what-if usage", () => {
    const both = cli("diff", "--base", STARTER, "--plan", STARTER, "--change", CHANGE, ...inputs(), "--out", join(dir, "x"));
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --plan .* or --change/);
    expect(cli("diff", "--base", STARTER, "--change", CHANGE, ...inputs()).stderr).toMatch(/--out is required/);
    expect(cli("diff", "--bogus").code).toBe(2);
    expect(cli("diff", "--base", STARTER, "--change", CHANGE, ...inputs(), "--out", join(dir, "x"), "--limit", "-3").code).toBe(2);
    expect(cli("sweep", "--plan", STARTER).code).toBe(2);
  });
});

describe("compplan diff: what was changed, and what it was computed from", () => {
  it("records the same input and plan fingerprints as compplan run's bundle.json, and the engine version", () => {
    const out = join(dir, "diff-fp");
    const r = cli("diff", "--base", STARTER, "--change", CHANGE, ...inputs(), "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const diff = JSON.parse(readFileSync(join(out, "diff.json"), "utf8")) as RunDiff;
    const runOut = join(dir, "run-fp");
    const run = cli("run", "--plan", STARTER, ...inputs(), "--out", runOut);
    expect(run.code, run.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(join(runOut, "bundle.json"), "utf8")) as RunBundle;
    expect(diff.inputs).toEqual({
      members: { count: bundle.inputs.members.count, fingerprint: bundle.inputs.members.fingerprint },
      orders: { count: bundle.inputs.orders.count, fingerprint: bundle.inputs.orders.fingerprint },
    });
    expect(diff.before.plan.fingerprint).toBe(bundle.plan.fingerprint);
    expect(diff.after.plan.fingerprint).not.toBe(bundle.plan.fingerprint);
    expect(diff.engine).toEqual(bundle.engine);
    // The change set's five operations, each from the base plan's 4% to 5% (plans/starter-unilevel).
    expect(diff.applied?.source).toBe("change-set");
    expect(diff.applied?.list.map((c) => [c.op, c.path, c.before, c.after])).toEqual(
      ["Associate", "Bronze", "Silver", "Gold", "Platinum"].map((rank) => ["set", `bonuses[key=unilevel].schedule[rank=${rank}].rates[2]`, "0.04", "0.05"]),
    );
    const html = readFileSync(join(out, "report.html"), "utf8");
    for (const fp of [bundle.inputs.members.fingerprint, bundle.inputs.orders.fingerprint, bundle.plan.fingerprint]) expect(html).toContain(fp);
  });

  it("two plan files: the diff lists where they differ, and nothing for the same plan twice", () => {
    const other = join(dir, "other-plan.yaml");
    writeFileSync(other, readFileSync(STARTER, "utf8").replace('Gold: "150.00"', 'Gold: "175.00"'));
    const out = join(dir, "diff-plans");
    const r = cli("diff", "--base", STARTER, "--plan", other, ...inputs(), "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const diff = JSON.parse(readFileSync(join(out, "diff.json"), "utf8")) as RunDiff;
    expect(diff.applied).toEqual({ source: "plan", count: 1, list: [{ op: "changed", path: "bonuses[key=rank-bonus].amounts.Gold", before: "150", after: "175" }] });
    const same = cli("diff", "--base", STARTER, "--plan", STARTER, ...inputs(), "--out", join(dir, "diff-same"));
    expect(same.code, same.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(dir, "diff-same", "diff.json"), "utf8")) as RunDiff).applied).toEqual({ source: "plan", count: 0, list: [] });
  });
});

describe("compplan sweep", () => {
  const sweepArgs = ["--plan", STARTER, "--path", "bonuses[key=unilevel].schedule[rank=Bronze].rates[2]", "--from", "0.02", "--to", "0.06", "--step", "0.01"];

  it("runs one plan value over a range with worker threads, the same as in one thread", () => {
    const r = cli("sweep", ...sweepArgs, ...inputs(), "--out", join(dir, "sweep"), "--workers", "2");
    expect(r.code, r.stderr).toBe(0);
    const sweep = JSON.parse(readFileSync(join(dir, "sweep", "sweep.json"), "utf8")) as SweepResult;
    expect(sweep.points.map((p) => p.value)).toEqual(["0.02", "0.03", "0.04", "0.05", "0.06"]);
    expect(sweep.base.value).toBe("0.04");
    expect(sweep.points[2]?.totalChange).toBe("0.00");
    expect(r.stdout).toContain('(now "0.04")');
    for (const p of sweep.points) expect(r.stdout).toMatch(new RegExp(`\\n  ${String(p.value).replace(".", "\\.")}\\s+${group(p.total).replace(".", "\\.")}\\s`));
    const one = cli("sweep", ...sweepArgs, ...inputs(), "--out", join(dir, "sweep1"), "--workers", "0");
    expect(one.code, one.stderr).toBe(0);
    expect(readFileSync(join(dir, "sweep1", "sweep.json"), "utf8")).toBe(readFileSync(join(dir, "sweep", "sweep.json"), "utf8"));
  });

  it("passes whole numbers where the plan holds a count", () => {
    const r = cli("sweep", "--plan", STARTER, "--path", "ranks[name=Silver].requires.legs[0].count", "--values", "1,2", ...inputs(), "--workers", "0");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(now 2)");
  });

  it("reports a bad value with its position, and bad ranges as usage errors", () => {
    const r = cli("sweep", "--plan", STARTER, "--path", "bonuses[key=retail].rate", "--values", "0.5,1.5", ...inputs(), "--workers", "0");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("PLAN_RATE_RANGE at values[1]");
    expect(cli("sweep", ...sweepArgs, "--values", "0.1", ...inputs()).code).toBe(2);
    expect(cli("sweep", "--plan", STARTER, "--path", "x", "--from", "0.06", "--to", "0.02", "--step", "0.01", ...inputs()).code).toBe(2);
  });

  it("--out is replaced whole like run's and diff's: never a folder holding an input or other files", () => {
    const args = ["--plan", STARTER, "--path", "bonuses[key=retail].rate", "--values", "0.5", "--workers", "0"];
    const holdsInputs = cli("sweep", ...args, ...inputs(), "--out", data);
    expect(holdsInputs.code).toBe(2);
    expect(existsSync(join(data, "sweep.json"))).toBe(false);
    const other = join(dir, "sweep-other");
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, "notes.txt"), "keep");
    expect(cli("sweep", ...args, ...inputs(), "--out", other).code).toBe(2);
    expect(readdirSync(other)).toEqual(["notes.txt"]);
    const again = join(dir, "sweep-again");
    for (let k = 0; k < 2; k++) expect(cli("sweep", ...args, ...inputs(), "--out", again).code).toBe(0);
    expect(readdirSync(again)).toEqual(["sweep.json"]);
  });
});
