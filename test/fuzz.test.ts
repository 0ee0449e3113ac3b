// Fuzzing the entry points with arbitrary JSON, arbitrary text and arbitrary bytes. The only acceptable
// outcomes are a valid result or a list of coded issues: never an unexpected exception, a hang, or output
// alongside issues.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ISSUE_CODES, type Issue, type MemberInput, type OrderInput, formatIssue, parsePlan, safeCalculate, safeParsePlan } from "../src/index.js";
import { readRecords } from "../src/input/read.js";
import { inputArb, PERIOD } from "./arbitraries/inputs.js";
import { planArb } from "./arbitraries/plans.js";
import { BASE_PLAN, baseMembers, baseOrders } from "./fixtures/base.js";

const numRuns = Number(process.env.NUM_RUNS_FUZZ ?? 500);
const CODES = new Set(Object.keys(ISSUE_CODES));

function expectCoded(issues: readonly Issue[]): void {
  expect(issues.length).toBeGreaterThan(0);
  for (const i of issues) {
    expect(CODES.has(i.code), `unknown code ${i.code}`).toBe(true);
    expect(Array.isArray(i.path)).toBe(true);
    expect(typeof i.message).toBe("string");
    // Every issue prints briefly and serialises, whatever value it carries.
    expect(formatIssue(i).length).toBeLessThan(2000);
    expect(() => JSON.stringify(i)).not.toThrow();
  }
}

/** Any value a program might pass by mistake: BigInt, undefined, -0, Map, Date, circular and sparse values. */
const oddValue = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, maxDepth: 2 }),
  fc.constant((() => {
    const cycle: Record<string, unknown> = { a: [1] };
    cycle.self = cycle;
    return cycle;
  })()),
);

/** Replaces the value at a random path of a JSON value with another value (structure-aware mutation). */
function mutate(value: unknown, pathPicks: number[], replacement: unknown): unknown {
  if (pathPicks.length === 0 || typeof value !== "object" || value === null) return replacement;
  const [pick, ...rest] = pathPicks as [number, ...number[]];
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement;
    const i = pick % value.length;
    return value.map((v, j) => (j === i ? mutate(v, rest, replacement) : v));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const k = keys[pick % keys.length] as string;
  return { ...(value as Record<string, unknown>), [k]: mutate((value as Record<string, unknown>)[k], rest, replacement) };
}

describe("safeParsePlan", () => {
  it("arbitrary JSON values: a plan or coded issues", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = safeParsePlan(v);
        if (!r.ok) expectCoded(r.issues);
      }),
      { numRuns },
    );
  });

  it("arbitrary text (as a plan file): a plan or coded issues", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 300 }), fc.json()), (text) => {
        const r = safeParsePlan(text);
        if (!r.ok) expectCoded(r.issues);
      }),
      { numRuns },
    );
  });

  it("valid plans with one value replaced anywhere: a plan or coded issues, never a throw", () => {
    fc.assert(
      fc.property(planArb, fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), (p, path, replacement) => {
        const r = safeParsePlan(mutate(p.plan, path, replacement));
        if (!r.ok) expectCoded(r.issues);
        // A mutated plan that still validates must also run (on members placed in a line when it has a
        // placement tree, which a bonus may walk).
        else {
          const members = r.value.placement === undefined ? baseMembers() : baseMembers().map((m, i) => (i === 0 ? m : { ...m, placementId: baseMembers()[i - 1]?.id as string, leg: "L" }));
          expect(safeCalculate(r.value, { period: PERIOD, members, orders: [] }).ok).toBe(true);
        }
      }),
      { numRuns },
    );
  });

  it("valid plans with one value replaced by any JavaScript value (BigInt, cycles, Maps): a plan or coded issues", () => {
    fc.assert(
      fc.property(planArb, fc.array(fc.nat(), { maxLength: 6 }), oddValue, (p, path, replacement) => {
        const r = safeParsePlan(mutate(p.plan, path, replacement));
        if (!r.ok) expectCoded(r.issues);
      }),
      { numRuns },
    );
  });

  it("lines of a valid plan file deleted or duplicated: a plan or coded issues", () => {
    const lines = BASE_PLAN.split("\n");
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.boolean(), (i, dup) => {
        const text = lines.flatMap((l, j) => (j !== i ? [l] : dup ? [l, l] : [])).join("\n");
        const r = safeParsePlan(text);
        if (!r.ok) expectCoded(r.issues);
      }),
      { numRuns: Math.min(numRuns, lines.length * 2) },
    );
  });
});

describe("safeCalculate", () => {
  const plan = parsePlan(BASE_PLAN);

  it("arbitrary records in place of members and orders: a result or coded issues", () => {
    fc.assert(
      fc.property(fc.array(fc.anything(), { maxLength: 5 }), fc.array(fc.anything(), { maxLength: 5 }), fc.anything(), fc.boolean(), (members, orders, period, validPeriod) => {
        const r = safeCalculate(plan, { period: (validPeriod ? PERIOD : period) as string, members: members as MemberInput[], orders: orders as OrderInput[] });
        if (!r.ok) expectCoded(r.issues);
      }),
      { numRuns },
    );
  });

  /** Base members and orders with one field of one record replaced: a result or coded issues. */
  const replacedField = (replacement: fc.Arbitrary<unknown>) =>
    fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 3 }), replacement, fc.boolean(), (row, path, value, inMembers) => {
      const members: unknown[] = baseMembers();
      const orders: unknown[] = baseOrders();
      const target = inMembers ? members : orders;
      target[row % target.length] = mutate(target[row % target.length], path, value);
      const r = safeCalculate(plan, { period: PERIOD, members: members as MemberInput[], orders: orders as OrderInput[] });
      if (!r.ok) expectCoded(r.issues);
    });

  it("valid inputs with one field replaced: a result or coded issues", () => {
    fc.assert(replacedField(fc.jsonValue({ maxDepth: 1 })), { numRuns });
  });

  it("valid inputs with one field replaced by any JavaScript value: a result or coded issues", () => {
    fc.assert(replacedField(oddValue), { numRuns });
  });

  it("random valid plans and inputs always compute", () => {
    fc.assert(
      fc.property(planArb.chain((p) => inputArb(p.measures, 15, p.placementWidth).map((input) => ({ p, input }))), ({ p, input }) => {
        const r = safeCalculate(parsePlan(p.plan), input);
        expect(r.ok, r.ok ? "" : JSON.stringify(r.issues.slice(0, 3))).toBe(true);
      }),
      { numRuns: Math.ceil(numRuns / 5) },
    );
  });
});

describe("input readers on arbitrary bytes", () => {
  for (const format of ["csv", "json", "ndjson"] as const) {
    for (const kind of ["members", "orders"] as const) {
      it(`${format} ${kind}: records or coded issues`, () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
            const text = new TextDecoder("utf-8").decode(bytes); // invalid UTF-8 becomes U+FFFD, as a file read would
            const r = readRecords(text, { file: "in", kind, format, measures: ["PV", "CV"] });
            for (const i of r.issues) expect(CODES.has(i.code)).toBe(true);
            expect(r.records.length).toBe(r.origins.length);
          }),
          { numRuns },
        );
      });
    }
  }
});
