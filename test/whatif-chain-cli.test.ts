// `compplan diff --periods` on the example chain plans/grace-chain (figures worked by hand in
// src/simulate/chain.test.ts): the files written, the printed table, the report's numbers against diff.json,
// --state for the first period, and coded issues with file and line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ChainDiff, canonicalJson } from "../src/index.js";
import { cli } from "./fixtures/cli.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-chain-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PLAN = "plans/grace-chain/plan.yaml";
const data = ["--members", "plans/grace-chain/members.csv", "--orders", "plans/grace-chain/orders.csv"];
const change = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const GRACE_0 = change("grace-0.yaml", "description: no grace\nchanges:\n  - set: paidAs.grace\n    value: 0\n  - set: state\n    value: { unknownMembers: error }\n");
const BRONZE_20 = change("bronze-20.yaml", 'changes:\n  - set: bonuses[key=rank-bonus].amounts.Bronze\n    value: "20.00"\n');

describe("compplan diff --periods", () => {
  it("writes diff.json (periods, total, finalState) and report.html, and prints per period and the total", () => {
    const out = join(dir, "g0");
    const r = cli("diff", "--base", PLAN, "--change", GRACE_0, ...data, "--periods", "2026-01..2026-03", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const text = readFileSync(join(out, "diff.json"), "utf8");
    const d = JSON.parse(text) as ChainDiff;
    expect(text).toBe(`${canonicalJson(d, 2)}\n`);
    expect(d.periods.map((p) => [p.period, p.total.change])).toEqual([["2026-01", "0.00"], ["2026-02", "-30.00"], ["2026-03", "0.00"]]);
    expect(d.total.total).toEqual({ before: "160.00", after: "130.00", change: "-30.00" });
    expect(d.finalState.examples).toEqual([{ memberId: "A", field: "rank.periods", before: 1, after: 2 }]);
    expect(d.description).toBe("no grace");
    expect(d.applied.list.map((x) => x.path)).toEqual(["paidAs.grace", "state"]);
    expect(d.periods[1]?.inputs?.orders.count).toBe(3);
    expect(r.stdout).toMatch(/2026-02\s+55\.00\s+25\.00\s+-30\.00\s+0\s+2/);
    expect(r.stdout).toMatch(/total\s+160\.00\s+130\.00\s+-30\.00\s+0\s+2/);
    expect(r.stdout).toContain("final state (2026-03): members whose state differs 1 (rank.periods 1)");
    const html = readFileSync(join(out, "report.html"), "utf8");
    for (const [path, value] of [["total.total.after", "130.00"], ["total.total.change", "-30.00"], ["total.movers.losers", "2"], ["finalState.members", "1"]] as const) {
      expect(html).toMatch(new RegExp(`data-field="${path.replace(/\./g, "\\.")}"[^>]*>${value.replace(".", "\\.")}<`));
    }
    expect(html).toContain("<td>2026-02</td>");
  });

  it("--state opens the first period: February..March from January's state equals those periods of the whole chain", () => {
    const jan = join(dir, "jan");
    // January's files for the run (C joins in February); the diff reads the whole files and splits them itself.
    const january = (f: string) => change(`jan-${f}`, readFileSync(`plans/grace-chain/${f}`, "utf8").split("\n").filter((l) => !/,2026-0[23]-/.test(l)).join("\n"));
    const run = cli("run", "--plan", PLAN, "--members", january("members.csv"), "--orders", january("orders.csv"), "--period", "2026-01", "--out", jan);
    expect(run.code, run.stderr).toBe(0);
    const whole = cli("diff", "--base", PLAN, "--change", BRONZE_20, ...data, "--periods", "2026-01..2026-03", "--out", join(dir, "whole"));
    // The chain's orders file holds only its periods' orders (an order of January would be outside February).
    const later = change("feb-mar-orders.csv", readFileSync("plans/grace-chain/orders.csv", "utf8").split("\n").filter((l) => !/,2026-01-/.test(l)).join("\n"));
    const tail = cli("diff", "--base", PLAN, "--change", BRONZE_20, "--members", "plans/grace-chain/members.csv", "--orders", later, "--periods", "2026-02..2026-03", "--state", join(jan, "state.ndjson"), "--out", join(dir, "tail"));
    expect(tail.code, tail.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, "whole", "diff.json"), "utf8")) as ChainDiff;
    const b = JSON.parse(readFileSync(join(dir, "tail", "diff.json"), "utf8")) as ChainDiff;
    expect(whole.code).toBe(0);
    expect(canonicalJson(b.periods)).toBe(canonicalJson(a.periods.slice(1)));
    expect(b.finalState).toEqual(a.finalState);
  });

  it("the same opening state for a changed plan with other state fields is STATE_FIELDS; an order of no period in the range names its file and line", () => {
    const jan = join(dir, "jan", "state.ndjson");
    const r = cli("diff", "--base", PLAN, "--change", GRACE_0, "--members", "plans/grace-chain/members.csv", "--orders", join(dir, "feb-mar-orders.csv"), "--periods", "2026-02..2026-03", "--state", jan, "--out", join(dir, "x"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("STATE_FIELDS");
    const late = cli("diff", "--base", PLAN, "--change", GRACE_0, ...data, "--periods", "2026-01..2026-02", "--out", join(dir, "y"));
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/ORDER_OUTSIDE_PERIOD/);
    expect(late.stderr).toMatch(/orders\.csv:7/);
  });

  it("wrong usage exits 2", () => {
    const both = cli("diff", "--base", PLAN, "--change", GRACE_0, ...data, "--period", "2026-01", "--periods", "2026-01..2026-03", "--out", join(dir, "z"));
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --period or --periods/);
    expect(cli("diff", "--base", PLAN, "--change", GRACE_0, ...data, "--period", "2026-01", "--state", "s.ndjson", "--out", join(dir, "z")).stderr).toMatch(/--state goes with --periods/);
    const bad = cli("diff", "--base", PLAN, "--change", GRACE_0, ...data, "--periods", "2026-03..2026-01", "--out", join(dir, "z"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("PERIOD_INVALID");
  });
});
