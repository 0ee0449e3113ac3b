// Run bundles: what they record, that nothing time-dependent is in them, that embedding inputs does not
// change the bundle's fingerprint, the file format round-trips, and malformed bundles are coded issues.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { calculate, canonicalJson, parsePlan } from "../index.js";
import { BASE_PLAN, PERIOD, baseMembers, baseOrders } from "../../test/fixtures/base.js";
import { BUNDLE_FORMAT, bundleFingerprint, bundleJson, createBundle, parseBundle, safeParseBundle } from "./bundle.js";
import { fingerprintInput, fingerprintPlan, fingerprintStatements } from "./fingerprint.js";
import { ENGINE_VERSION } from "./version.js";

const plan = parsePlan(BASE_PLAN);
const input = { period: PERIOD, members: baseMembers(), orders: baseOrders() };
const run = calculate(plan, input);

describe("createBundle", () => {
  const bundle = createBundle(run, input);

  it("records the engine version, plan, period, input, statement and summary fingerprints, and the summary", () => {
    expect(bundle.format).toBe(BUNDLE_FORMAT);
    expect(bundle.engine).toEqual({ name: "compplan", version: ENGINE_VERSION });
    expect(bundle.plan.id).toBe("base");
    expect(bundle.plan.fingerprint).toBe(fingerprintPlan(plan));
    expect(parsePlan(bundle.plan.canonical).id).toBe("base");
    expect(bundle.period).toBe("2026-10");
    const fp = fingerprintInput(plan, input);
    expect(bundle.inputs).toEqual({ members: { count: 3, fingerprint: fp.members }, orders: { count: 3, fingerprint: fp.orders } });
    expect(bundle.statements).toEqual({ count: 3, fingerprint: fingerprintStatements(run) });
    expect(bundle.summary.value).toEqual(run.summary);
    expect(bundleFingerprint(bundle)).toBe(bundle.fingerprint);
  });

  it("has the same bytes for the same run from rows in another order; nothing time-dependent", () => {
    const reversed = { period: PERIOD, members: baseMembers().reverse(), orders: baseOrders().reverse() };
    expect(bundleJson(createBundle(calculate(plan, reversed), reversed))).toBe(bundleJson(bundle));
    expect(bundleJson(bundle)).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/); // no ISO timestamps
  });

  it("embeds the canonical rows on request without changing the bundle's fingerprint", () => {
    const embedded = createBundle(run, input, { embedInputs: true });
    expect(embedded.fingerprint).toBe(bundle.fingerprint);
    expect(embedded.inputs.members.rows?.map((m) => m.id)).toEqual(["A", "B", "C"]);
    expect(embedded.inputs.orders.rows?.[0]).toEqual({ date: "2026-10-01", id: "o1", kind: "personal-consumption", memberId: "A", volumes: { CV: "80", PV: "100" } });
  });

  it("writes bundle.json as indented canonical JSON that reads back to the same bundle", () => {
    for (const b of [bundle, createBundle(run, input, { embedInputs: true })]) {
      const text = bundleJson(b);
      expect(text.endsWith("}\n")).toBe(true);
      expect(parseBundle(text)).toEqual(JSON.parse(canonicalJson(b)));
      // Same content as the canonical form, only laid out for people.
      expect(canonicalJson(JSON.parse(text))).toBe(canonicalJson(b));
    }
  });

  it("refuses an input that is not the run's", () => {
    const other = { ...input, orders: baseOrders().slice(1) };
    expect(() => createBundle(run, other)).toThrow(/AUDIT_INPUT_MISMATCH/);
    const fewer = { ...input, members: baseMembers().slice(0, 2) };
    expect(() => createBundle(run, fewer)).toThrow(/AUDIT_INPUT_MISMATCH/);
  });
});

describe("safeParseBundle", () => {
  const good = JSON.parse(bundleJson(createBundle(run, input))) as Record<string, unknown>;

  it("reports text that is not JSON, another format, a missing or mistyped field, with its path", () => {
    const codes = (x: unknown) => {
      const r = safeParseBundle(x);
      return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")]);
    };
    expect(codes("{ not json")).toEqual([["AUDIT_BUNDLE_INVALID", ""]]);
    expect(codes({ ...good, format: "something-else/1" })).toEqual([["AUDIT_BUNDLE_INVALID", "format"]]);
    const { period: _, ...noPeriod } = good;
    expect(codes(noPeriod)).toEqual([["AUDIT_BUNDLE_INVALID", "period"]]);
    expect(codes({ ...good, statements: { count: 3, fingerprint: "md5:00" } })).toEqual([["AUDIT_BUNDLE_INVALID", "statements.fingerprint"]]);
    expect(codes({ ...good, extra: 1 })).toEqual([["AUDIT_BUNDLE_INVALID", ""]]);
    expect(safeParseBundle(good).ok).toBe(true);
  });
});

describe("ENGINE_VERSION", () => {
  it("is package.json's version", () => {
    expect(ENGINE_VERSION).toBe((JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version);
  });
});
