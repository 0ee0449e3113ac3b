// Every issue code is reachable, and each points at the right place. One fixture per code; a test fails
// when a code is added to ISSUE_CODES without a fixture, or when docs/errors.md is out of date.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ISSUE_CODES, type IssueCode, formatIssue, parsePlan, safeCalculate } from "../src/index.js";
import { errorsDoc } from "../scripts/errors-doc.js";
import { runCli } from "../src/cli/cli.js";
import { BASE_PLAN, PERIOD, baseMembers, baseOrders } from "./fixtures/base.js";
import { CASES, issuesOf } from "./fixtures/malformed.js";

describe("every issue code has a fixture that produces it at the right path", () => {
  for (const c of CASES) {
    it(c.code, () => {
      const issues = issuesOf(c);
      const hit = issues.find((i) => i.code === c.code);
      expect(hit, `expected ${c.code}; got ${JSON.stringify(issues)}`).toBeDefined();
      expect(hit?.path).toEqual(c.path);
      expect(hit?.message.length).toBeGreaterThan(0);
      if ("line" in c && c.line !== undefined) expect(hit?.line).toBe(c.line);
      if ("file" in c) expect(hit?.file).toBe(c.name);
    });
  }

  it("covers every code in ISSUE_CODES", () => {
    const covered = new Set(CASES.map((c) => c.code));
    const missing = Object.keys(ISSUE_CODES).filter((code) => !covered.has(code as IssueCode));
    expect(missing).toEqual([]);
  });

  it("docs/errors.md is the catalogue generated from these fixtures (npm run docs:errors rewrites it)", () => {
    expect(readFileSync("docs/errors.md", "utf8")).toBe(errorsDoc());
  });

  it("the unmodified fixtures are valid (so each case fails for its own reason)", () => {
    const r = safeCalculate(parsePlan(BASE_PLAN), { period: PERIOD, members: baseMembers(), orders: baseOrders() });
    expect(r.ok).toBe(true);
  });
});

describe("a value nested 100,000 deep in an input file", () => {
  it("is a coded issue printed briefly by the CLI (exit 1, not a crash)", () => {
    const dir = mkdtempSync(join(tmpdir(), "compplan-deep-"));
    try {
      const deep = `${"[".repeat(100_000)}"x"${"]".repeat(100_000)}`;
      writeFileSync(join(dir, "members.json"), `[{"id":"A","sponsorId":null,"joinDate":"2024-01-01","status":"enrolled"},{"id":${deep},"sponsorId":"A","joinDate":"2024-01-01","status":"enrolled"}]`);
      writeFileSync(join(dir, "orders.json"), "[]");
      let stderr = "";
      const code = runCli(
        ["run", "--plan", "plans/starter-unilevel/plan.yaml", "--members", join(dir, "members.json"), "--orders", join(dir, "orders.json"), "--period", "2026-10", "--out", join(dir, "out")],
        { stdout: () => {}, stderr: (t) => (stderr += t), stderrIsTTY: false },
      );
      expect(code).toBe(1);
      expect(stderr).toMatch(/INPUT_INVALID_FIELD at members\[1\]\.id .*\[value: "\[\[\[/);
      expect(stderr.length).toBeLessThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("plan issues carry a line and column", () => {
  for (const c of CASES) {
    if (!("plan" in c)) continue;
    it(c.code, () => {
      const issues = issuesOf(c);
      expect(issues.length).toBeGreaterThan(0);
      for (const i of issues) {
        expect(i.line, formatIssue(i)).toBeGreaterThan(0);
        expect(i.column, formatIssue(i)).toBeGreaterThan(0);
      }
    });
  }
});
