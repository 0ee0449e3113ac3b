// Every issue code is reachable, and each points at the right place. One fixture per code; a test fails
// when a code is added to ISSUE_CODES without a fixture, or when docs/errors.md is out of date.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ISSUE_CODES, type IssueCode, parsePlan, safeCalculate } from "../src/index.js";
import { errorsDoc } from "../scripts/errors-doc.js";
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
