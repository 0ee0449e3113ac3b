// Issues can always be printed and serialised, whatever value they carry, and echo values at a readable
// length; every library function answers bad arguments with coded issues (or CompplanError), never a TypeError.
import { describe, expect, it } from "vitest";
import {
  CompplanError,
  type Issue,
  applyChangeSet,
  calculate,
  canonicalPlan,
  createBundle,
  explain,
  fingerprintInput,
  fingerprintPlan,
  indexOrders,
  prepareExplain,
  renderDiffReport,
  replay,
  sweep,
  formatIssue,
  parsePlan,
  safeApplyChangeSet,
  safeCalculate,
  safeCalculatePrepared,
  safeExplain,
  safeParseBundle,
  safeParseChangeSet,
  safeParsePlan,
  safePrepareFiles,
  safePrepareInput,
  safeReplay,
  safeSimulate,
  safeSweep,
  simulate,
} from "../index.js";
import { BASE_PLAN, PERIOD, baseMembers, baseOrders } from "../../test/fixtures/base.js";
import { cutMessage, formatValue, issue } from "./issues.js";

const plan = parsePlan(BASE_PLAN);
const withMember = (id: unknown) => ({
  period: PERIOD,
  members: [...baseMembers(), { id, sponsorId: "A", joinDate: "2024-01-01", status: "enrolled" }] as never,
  orders: baseOrders(),
});
function nested(depth: number): unknown {
  let v: unknown = "x";
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
const issuesOf = (r: { ok: boolean }): readonly Issue[] => (r as unknown as { issues: readonly Issue[] }).issues;

describe("values in issues", () => {
  it("a value nested 100,000 deep is reported, printed and serialised without a crash", () => {
    const r = safeCalculate(plan, withMember(nested(100_000)));
    expect(r.ok).toBe(false);
    const first = issuesOf(r)[0] as Issue;
    expect(first.code).toBe("INPUT_INVALID_FIELD");
    const line = formatIssue(first);
    expect(line).toMatch(/^INPUT_INVALID_FIELD at members\[3\]\.id: .*\[value: /);
    expect(line.length).toBeLessThan(400);
    expect(() => JSON.stringify(issuesOf(r))).not.toThrow();
    // formatIssue takes hand-made issues too
    expect(formatIssue({ code: "INPUT_INVALID_FIELD", path: [], message: "m", value: nested(100_000) }).length).toBeLessThan(300);
  });

  it("a 10 MB id is echoed cut to about 100 characters with its full length", () => {
    const id = "x".repeat(10_000_000);
    const r = safeCalculate(plan, { ...withMember("D"), members: [...baseMembers(), { id: "D", sponsorId: id, joinDate: "2024-01-01", status: "enrolled" }] as never });
    expect(r.ok).toBe(false);
    const text = issuesOf(r).map(formatIssue).join("\n");
    expect(text.length).toBeLessThan(600);
    expect(text).toContain("10,000,000 characters");
  });

  it("a 10 MB field name (in the path) and file name are cut too", () => {
    const name = "k".repeat(10_000_000);
    const text = formatIssue({ code: "INPUT_UNKNOWN_COLUMN", path: ["members", "header", name], message: "unknown column", file: `${"d".repeat(5_000)}/members.csv` });
    expect(text.length).toBeLessThan(1_000);
    expect(text).toContain("(10,000,015 characters)");
    expect(text).toContain("(5,012 characters)");
  });

  it("a 100,000-element rates array is echoed cut, with its element count", () => {
    const rates = Array.from({ length: 100_000 }, () => "0.01");
    const r = safeParsePlan(BASE_PLAN.replace('rates: ["0.05", "0.04"]', `rates: ${JSON.stringify(rates)}`));
    expect(r.ok).toBe(false);
    const text = issuesOf(r).map(formatIssue).join("\n");
    expect(text.length).toBeLessThan(600);
    expect(text).toContain("100,000 elements");
  });

  it("formatValue shows BigInt, cycles and long strings briefly", () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(formatValue(5n)).toBe("5n");
    expect(formatValue(cycle)).toBe('{"a":1,"self":[Circular]}');
    // The cut string keeps its closing quote, so a message that quotes it reads whole.
    expect(formatValue("y".repeat(500))).toBe(`"${"y".repeat(100)}…" (500 characters)`);
    expect(cutMessage(`value ${formatValue("x".repeat(500))} is not a decimal: write it like "100" or "0.05"`)).toBe(`value "${"x".repeat(100)}…" (500 characters) is not a decimal: write it like "100" or "0.05"`);
    expect(formatValue(["0.05", "0.04"])).toBe('["0.05","0.04"]');
  });

  it("an issue keeps plain JSON values exactly and replaces the others by their text", () => {
    expect(issue("INPUT_INVALID_FIELD", [], "m", { a: ["1", 2, null] }).value).toEqual({ a: ["1", 2, null] });
    expect(issue("INPUT_INVALID_FIELD", [], "m", "z".repeat(1000)).value).toBe("z".repeat(1000));
    expect(issue("INPUT_INVALID_FIELD", [], "m", 7n).value).toBe("7n");
    expect(issue("INPUT_INVALID_FIELD", [], `id "${"q".repeat(5000)}" twice`).message).toBe(`id "${"q".repeat(100)}…" (5,000 characters) twice`);
  });
});

describe("throwing forms throw CompplanError for BigInt and circular values", () => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  for (const [name, value] of [["BigInt", 5n], ["circular", cycle]] as const) {
    it(`calculate with a ${name} member id`, () => {
      expect(() => calculate(plan, withMember(value))).toThrow(CompplanError);
    });
    it(`calculate with a ${name} order volume`, () => {
      const orders = [...baseOrders(), { id: "o9", memberId: "A", kind: "retail-sale", date: "2026-10-05", volumes: { PV: value } }];
      expect(() => calculate(plan, { period: PERIOD, members: baseMembers(), orders: orders as never })).toThrow(CompplanError);
    });
    it(`parsePlan with a ${name} value`, () => {
      expect(() => parsePlan({ compplan: value })).toThrow(CompplanError);
    });
    it(`simulate with a ${name} change value`, () => {
      const input = { period: PERIOD, members: baseMembers(), orders: baseOrders() };
      expect(() => simulate(plan, { changes: [{ set: "currency", value }] }, input)).toThrow(CompplanError);
    });
  }
});

describe("safe functions answer null, undefined and wrong types with issues", () => {
  const input = { period: PERIOD, members: baseMembers(), orders: baseOrders() };
  const bad = [null, undefined, -5, "text", [], 5n] as never[];
  const calls: [string, (x: never) => { ok: boolean }][] = [
    ["safeCalculate plan", (x) => safeCalculate(x, input)],
    ["safeCalculate input", (x) => safeCalculate(plan, x)],
    ["safePrepareInput input", (x) => safePrepareInput(x, new Set(["PV", "CV"]))],
    ["safePrepareInput measures", (x) => safePrepareInput(input, x)],
    ["safeCalculatePrepared plan", (x) => {
      const p = safePrepareInput(input, new Set(["PV", "CV"]));
      if (!p.ok) throw new Error("fixture");
      return safeCalculatePrepared(x, p.value);
    }],
    ["safeCalculatePrepared prepared", (x) => safeCalculatePrepared(plan, x)],
    ["safePrepareFiles files", (x) => safePrepareFiles(x, { measures: ["PV"] })],
    ["safePrepareFiles options", (x) => safePrepareFiles({ period: PERIOD, members: "m.csv", orders: "o.csv" }, x)],
    ["safePrepareFiles measures", (x) => safePrepareFiles({ period: PERIOD, members: "m.csv", orders: "o.csv" }, { measures: x })],
    ["safeParsePlan", (x) => safeParsePlan(x)],
    ["safeParseChangeSet", (x) => safeParseChangeSet(x)],
    ["safeApplyChangeSet plan", (x) => safeApplyChangeSet(x, { changes: [] })],
    ["safeApplyChangeSet change", (x) => safeApplyChangeSet(plan, x)],
    ["safeSimulate base", (x) => safeSimulate(x, { changes: [] }, input)],
    ["safeSimulate input", (x) => safeSimulate(plan, { changes: [] }, x)],
    ["safeSweep base", (x) => safeSweep(x, { path: "currency", values: ["EUR"] }, input, { workers: 0 })],
    ["safeSweep spec", (x) => safeSweep(plan, x, input, { workers: 0 })],
    ["safeSweep input", (x) => safeSweep(plan, { path: "currency", values: ["EUR"] }, x, { workers: 0 })],
    ["safeParseBundle", (x) => safeParseBundle(x)],
    ["safeReplay", (x) => safeReplay(x)],
    ["safeExplain run", (x) => safeExplain(x, "A")],
    ["safeExplain memberId", (x) => safeExplain(calculate(plan, input), x)],
  ];
  for (const [name, call] of calls) {
    it(name, () => {
      for (const x of bad) {
        const r = call(x);
        expect(r.ok, `${name}(${formatValue(x)})`).toBe(false);
        expect(issuesOf(r).length).toBeGreaterThan(0);
      }
    });
  }

  // Options may be left out (undefined), but not be anything else.
  const optionCalls: [string, (x: never) => { ok: boolean }][] = [
    ["safeExplain options", (x) => safeExplain(calculate(plan, input), "A", x)],
    ["safeExplain options.orders", (x) => safeExplain(calculate(plan, input), "A", { orders: x })],
    ["safeExplain options.sourcesMax", (x) => safeExplain(calculate(plan, input), "A", { sourcesMax: x })],
    ["safeCalculate options", (x) => safeCalculate(plan, input, x)],
  ];
  for (const [name, call] of optionCalls) {
    it(name, () => {
      for (const x of bad.filter((v) => v !== undefined && (!name.endsWith(" options") || typeof v !== "object" || v === null || Array.isArray(v)))) {
        expect(call(x).ok, `${name}(${formatValue(x)})`).toBe(false);
      }
    });
  }

  it("safeCalculate(plan, null) names the argument with its own code", () => {
    const r = safeCalculate(plan, null as never);
    expect(r.ok).toBe(false);
    expect(issuesOf(r)[0]).toMatchObject({ code: "INPUT_INVALID_ARGUMENT", path: ["input"], value: null });
  });

  it("the throwing forms throw CompplanError for them", () => {
    expect(() => calculate(plan, null as never)).toThrow(CompplanError);
    expect(() => calculate(null as never, input)).toThrow(CompplanError);
    expect(() => explain(null as never, "A")).toThrow(CompplanError);
  });
});

describe("every throwing form throws CompplanError, never TypeError or RangeError, for odd arguments", () => {
  const input = { period: PERIOD, members: baseMembers(), orders: baseOrders() };
  const run = calculate(plan, input);
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  const odd: [string, unknown][] = [["BigInt", 5n], ["circular", cycle], ["100,000 deep", nested(100_000)], ["null", null]];
  const forms: [string, (x: never) => unknown][] = [
    ["parsePlan (a field)", (x) => parsePlan({ ...JSON.parse(JSON.stringify(plan)), description: x })],
    ["applyChangeSet (a value)", (x) => applyChangeSet(plan, { changes: [{ set: "description", value: x }] })],
    ["simulate (a value)", (x) => simulate(plan, { changes: [{ set: "description", value: x }] }, input)],
    ["sweep (a value)", (x) => sweep(plan, { path: "description", values: [x] }, input, { workers: 0 })],
    ["createBundle (input)", (x) => createBundle(run, x)],
    ["createBundle (options)", (x) => createBundle(run, input, x)],
    ["replay (inputs)", (x) => replay(createBundle(run, input), x)],
    ["explain (bonus)", (x) => explain(run, "A", { bonus: x })],
    ["indexOrders (input)", (x) => indexOrders(run, x)],
    ["prepareExplain", (x) => prepareExplain(x)],
    ["fingerprintInput (input)", (x) => fingerprintInput(plan, x)],
    ["fingerprintPlan", (x) => fingerprintPlan(x)],
    ["canonicalPlan", (x) => canonicalPlan(x)],
    ["renderDiffReport", (x) => renderDiffReport(x)],
  ];
  for (const [name, form] of forms) {
    it(name, () => {
      for (const [what, x] of odd) {
        let thrown: unknown;
        try {
          form(x as never);
        } catch (e) {
          thrown = e;
        }
        if (thrown !== undefined) expect((thrown as Error).name, `${name} with ${what}: ${(thrown as Error).message}`).toBe("CompplanError");
      }
    });
  }
});
