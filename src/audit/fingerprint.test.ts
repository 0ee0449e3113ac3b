// Fingerprints are SHA-256 of canonical forms: the same data written differently fingerprints alike,
// different data does not. Expected digests are computed here with node:crypto over canonical text
// written out by hand, not taken from the code under test.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, calculate, canonicalJson, parsePlan } from "../index.js";
import { readRecords } from "../input/read.js";
import { BASE_PLAN, PERIOD, baseMembers, baseOrders } from "../../test/fixtures/base.js";
import {
  FINGERPRINT_RE,
  canonicalPlan,
  fingerprintInput,
  fingerprintPlan,
  fingerprintStatements,
  memberLine,
  orderLine,
} from "./fingerprint.js";

const sha = (text: string) => `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;

describe("plan fingerprints", () => {
  const plan = parsePlan(BASE_PLAN);

  it("ignore decimal notation, key order, YAML vs JSON and defaults written out", () => {
    const variant = BASE_PLAN.replace('rates: ["0.05", "0.04"]', 'rates: ["0.050", "0.0400"]')
      .replace('minimum: "1000", legCap: "0.5"', 'legCap: "0.50", minimum: "1000.00"')
      .replace('amounts: { Silver: "50.00" }', 'amounts: { Silver: "50" }')
      .replace("currency: USD", "currency: USD\nmoney: { scale: 2, rounding: { mode: half-even, applies: line } }");
    expect(variant).not.toBe(BASE_PLAN);
    expect(fingerprintPlan(parsePlan(variant))).toBe(fingerprintPlan(plan));
    const json = JSON.stringify(canonicalPlan(plan));
    expect(fingerprintPlan(parsePlan(json))).toBe(fingerprintPlan(plan));
  });

  it("change with any rate, minimum or amount", () => {
    const fp = fingerprintPlan(plan);
    expect(fingerprintPlan(parsePlan(BASE_PLAN.replace('rates: ["0.05", "0.04"]', 'rates: ["0.05", "0.041"]')))).not.toBe(fp);
    expect(fingerprintPlan(parsePlan(BASE_PLAN.replace('amounts: { Silver: "50.00" }', 'amounts: { Silver: "50.01" }')))).not.toBe(fp);
    expect(fingerprintPlan(parsePlan(BASE_PLAN.replace('minimum: "300"', 'minimum: "301"')))).not.toBe(fp);
  });

  it("are SHA-256 of the compact canonical JSON of the canonical plan, whose decimals are in shortest form", () => {
    const c = canonicalPlan(plan) as { bonuses: { schedule?: { rates: string[] }[]; amounts?: Record<string, string> }[] };
    expect(c.bonuses[0]?.schedule?.[0]?.rates).toEqual(["0.05", "0.04"]);
    expect(c.bonuses[1]?.amounts).toEqual({ Silver: "50" });
    expect(fingerprintPlan(plan)).toBe(sha(canonicalJson(c)));
    expect(fingerprintPlan(plan)).toMatch(FINGERPRINT_RE);
  });

  it("leave strings that are not decimals alone, even when they look like numbers", () => {
    const p = parsePlan(BASE_PLAN.replaceAll("Bronze", '"007"').replace("id: base", "id: base\nname: \"0100\""));
    const c = canonicalPlan(p) as { name: string; ranks: { name: string }[] };
    expect(c.name).toBe("0100");
    expect(c.ranks[0]?.name).toBe("007");
    expect(fingerprintPlan(parsePlan(c))).toBe(fingerprintPlan(p)); // the canonical plan parses to the same plan
  });

  it("are stable for every plan under plans/ (canonical form round-trips)", () => {
    for (const f of ["plans/starter-unilevel/plan.yaml", "plans/im-academy-leg-cap/plan.yaml", "plans/globalmlm-unilevel-compression/plan.yaml", "plans/ph-uniform-unilevel/plan.yaml"]) {
      const p = parsePlan(readFileSync(f, "utf8"));
      expect(canonicalJson(canonicalPlan(parsePlan(canonicalPlan(p))))).toBe(canonicalJson(canonicalPlan(p)));
    }
  });
});

describe("input fingerprints", () => {
  const plan = parsePlan(BASE_PLAN);
  const input = { period: PERIOD, members: baseMembers(), orders: baseOrders() };

  it("are SHA-256 of canonical NDJSON rows sorted by id (written out by hand here)", () => {
    const members =
      '{"id":"A","joinDate":"2024-01-01","sponsorId":null,"status":"enrolled"}\n' +
      '{"id":"B","joinDate":"2024-02-01","sponsorId":"A","status":"enrolled"}\n' +
      '{"id":"C","joinDate":"2024-03-01","sponsorId":"B","status":"enrolled"}\n';
    const orders =
      '{"date":"2026-10-01","id":"o1","kind":"personal-consumption","memberId":"A","volumes":{"CV":"80","PV":"100"}}\n' +
      '{"date":"2026-10-02","id":"o2","kind":"retail-sale","memberId":"B","volumes":{"CV":"120","PV":"150"}}\n' +
      '{"date":"2026-10-31","id":"o3","kind":"customer-order","memberId":"C","volumes":{"CV":"160","PV":"200"}}\n';
    expect(fingerprintInput(plan, input)).toEqual({ members: sha(members), orders: sha(orders) });
  });

  it("do not depend on row order, number formatting, zero volumes, defaults, or CSV vs JSON", () => {
    const fp = fingerprintInput(plan, input);
    const members: MemberInput[] = baseMembers().reverse().map((m) => ({ ...m, status: undefined as never, sponsorId: m.sponsorId ?? "" }));
    const orders: OrderInput[] = baseOrders()
      .reverse()
      .map((o) => ({ ...o, volumes: Object.fromEntries(Object.entries(o.volumes).map(([k, v]) => [k, `${v}.00`])) }));
    expect(fingerprintInput(plan, { period: PERIOD, members, orders })).toEqual(fp);
    const numbers = baseOrders().map((o) => ({ ...o, volumes: Object.fromEntries(Object.entries(o.volumes).map(([k, v]) => [k, Number(v)])) }));
    expect(fingerprintInput(plan, { period: PERIOD, members: baseMembers(), orders: numbers })).toEqual(fp);
    const csvMembers = readRecords("id,sponsorId,joinDate,status\nC,B,2024-03-01,\nB,A,2024-02-01,enrolled\nA,,2024-01-01,enrolled\n", { file: "m.csv", kind: "members" });
    const csvOrders = readRecords(
      "id,memberId,kind,date,PV,CV\no3,C,customer-order,2026-10-31,200.0,160\no1,A,personal-consumption,2026-10-01,100,80.00\no2,B,retail-sale,2026-10-02,150,120\n",
      { file: "o.csv", kind: "orders", measures: ["PV", "CV"] },
    );
    expect(fingerprintInput(plan, { period: PERIOD, members: csvMembers.records as never[], orders: csvOrders.records as never[] })).toEqual(fp);
  });

  it("treat an order's zero volume like a volume left out", () => {
    const a = baseOrders().map((o) => (o.id === "o1" ? { ...o, volumes: { PV: "100" } } : o));
    const b = baseOrders().map((o) => (o.id === "o1" ? { ...o, volumes: { PV: "100", CV: "0.0" } } : o));
    expect(fingerprintInput(plan, { period: PERIOD, members: baseMembers(), orders: a }).orders).toBe(
      fingerprintInput(plan, { period: PERIOD, members: baseMembers(), orders: b }).orders,
    );
  });

  it("change with any field of any row", () => {
    const fp = fingerprintInput(plan, input);
    const changed = baseOrders().map((o) => (o.id === "o2" ? { ...o, volumes: { PV: "150", CV: "120.0001" } } : o));
    expect(fingerprintInput(plan, { period: PERIOD, members: baseMembers(), orders: changed }).orders).not.toBe(fp.orders);
    const moved = baseMembers().map((m) => (m.id === "C" ? { ...m, sponsorId: "A" } : m));
    expect(fingerprintInput(plan, { period: PERIOD, members: moved, orders: baseOrders() }).members).not.toBe(fp.members);
  });

  it("throw the input's own issues when it is invalid", () => {
    expect(() => fingerprintInput(plan, { period: PERIOD, members: baseMembers(), orders: [{ ...baseOrders()[0], volumes: { PV: "-1" } } as OrderInput] })).toThrow(/ORDER_VOLUME_NEGATIVE/);
  });

  it("write rows exactly as canonicalJson does", () => {
    const m = { id: 'a"b', joinDate: "2024-01-01", sponsorId: null, status: "enrolled" as const };
    expect(memberLine(m)).toBe(`${canonicalJson(m)}\n`);
    const o = { date: "2026-10-01", id: "é", kind: "retail-sale" as const, memberId: "x\\y", volumes: { A: "1", B: "0.5" } };
    expect(orderLine(o)).toBe(`${canonicalJson(o)}\n`);
  });
});

describe("statement fingerprints", () => {
  it("are SHA-256 of the canonical statements, one per line in member-id order (the bytes of statements.ndjson)", () => {
    const run = calculate(parsePlan(BASE_PLAN), { period: PERIOD, members: baseMembers(), orders: baseOrders() });
    const text = Array.from(run.statements(), (s) => `${canonicalJson(s)}\n`).join("");
    expect(fingerprintStatements(run)).toBe(sha(text));
  });
});
