import { describe, expect, it } from "vitest";
import { parsePlan, safeParsePlan } from "./parse.js";
import { CompplanError } from "../errors/issues.js";
import { calculate } from "../run/calculate.js";
import { BASE_PLAN, PERIOD, baseMembers, baseOrders } from "../../test/fixtures/base.js";

const MINIMAL = { compplan: 1, id: "p", currency: "USD", payoutBasis: "PV", measures: { PV: { counts: ["personal-consumption"] } }, bonuses: [] };

describe("parsePlan", () => {
  it("fills documented defaults and freezes the plan", () => {
    const plan = parsePlan(MINIMAL);
    expect(plan.money).toEqual({ scale: 2, rounding: { mode: "half-even", applies: "line" } });
    expect(plan.ranks).toEqual([]);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.measures.PV)).toBe(true);
  });

  it("reads the same plan from YAML and from JSON text", () => {
    const yaml = "compplan: 1\nid: p\ncurrency: USD\npayoutBasis: PV\nmeasures:\n  PV: { counts: [personal-consumption] }\nbonuses: []\n";
    expect(parsePlan(yaml)).toEqual(parsePlan(JSON.stringify(MINIMAL)));
  });

  it("catches a duplicate key in JSON text too (JSON.parse would keep the last)", () => {
    const r = safeParsePlan('{"compplan": 1, "id": "p", "id": "q"}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ code: "PLAN_DUPLICATE_KEY", path: ["id"], line: 1 });
  });

  it("reports every issue at once, sorted by path, with the file name attached", () => {
    const r = safeParsePlan({ ...MINIMAL, currency: "usd", extra: 1, money: { scale: 7 } }, { fileName: "plan.yaml" });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => [i.code, i.path.join(".")])).toEqual([
        ["PLAN_INVALID_VALUE", "currency"],
        ["PLAN_UNKNOWN_KEY", "extra"],
        ["PLAN_VALUE_RANGE", "money.scale"],
      ]);
      expect(r.issues.every((i) => i.file === "plan.yaml")).toBe(true);
    }
  });

  it("throws CompplanError carrying the issues", () => {
    expect(() => parsePlan({ ...MINIMAL, payoutBasis: "CV" })).toThrow(CompplanError);
    try {
      parsePlan({ ...MINIMAL, payoutBasis: "CV" });
    } catch (e) {
      expect((e as CompplanError).issues[0]).toMatchObject({ code: "PLAN_UNKNOWN_MEASURE", path: ["payoutBasis"], value: "CV" });
    }
  });

  it("rejects a legs requirement that names both a rank and a volume", () => {
    const r = safeParsePlan({ ...MINIMAL, ranks: [{ name: "A" }, { name: "B", requires: { legs: [{ count: 1, rank: "A", measure: "PV", minimum: "1" }] } }] });
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(["PLAN_INVALID_VALUE"]);
  });

  it("rejects a money amount with more places than the plan's scale", () => {
    const r = safeParsePlan({ ...MINIMAL, money: { scale: 0 }, ranks: [{ name: "A" }], bonuses: [{ key: "rb", kind: "rank-bonus", amounts: { A: "10.50" } }] });
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")])).toEqual([["PLAN_DECIMAL_PRECISION", "bonuses.0.amounts.A"]]);
  });
});

describe("names that are also names of Object members", () => {
  // Bronze is renamed constructor, the measures PV and CV toString and constructor.
  const NAMED = BASE_PLAN.replace(/Bronze/g, "constructor")
    .replace(/\bPV\b/g, "toString")
    .replace(/\bCV\b/g, "constructor")
    .replace('amounts: { Silver: "50.00" }', 'amounts: { Silver: "50.00", constructor: "25.00" }');
  const rename = (v: Record<string, string>) => ({ toString: v.PV as string, constructor: v.CV as string });

  it("a rank named constructor is paid its amount under amounts; measures named toString and constructor count", () => {
    const plan = parsePlan(NAMED);
    const orders = baseOrders().map((o) => ({ ...o, volumes: rename(o.volumes as Record<string, string>) }));
    const run = calculate(plan, { period: PERIOD, members: baseMembers(), orders });
    const a = run.statement("A");
    expect(a?.rank.paidAs).toBe("constructor");
    expect(a?.lines.find((l) => l.bonus === "rank-bonus")?.amount).toBe("25.00");
    // A's group: 100 + 150 + 200 toString; CV-like constructor volume 80 + 120 + 160
    expect(a?.volumes.group).toEqual({ constructor: "360", toString: "450" });
    expect(run.statement("C")?.lines.some((l) => l.bonus === "rank-bonus")).toBe(false);
  });

  it("__proto__ as a key under amounts or measures is a coded error, not silently dropped", () => {
    const amounts = safeParsePlan(BASE_PLAN.replace('amounts: { Silver: "50.00" }', 'amounts: { Silver: "50.00", "__proto__": "10" }'));
    expect(amounts.ok).toBe(false);
    expect(amounts.ok ? [] : amounts.issues).toContainEqual(expect.objectContaining({ code: "PLAN_INVALID_VALUE", path: ["bonuses", 1, "amounts", "__proto__"] }));
    const measures = safeParsePlan(JSON.parse(JSON.stringify(parsePlan(BASE_PLAN)).replace('"measures":{', '"measures":{"__proto__":{"counts":["retail-sale"]},')));
    expect(measures.ok ? [] : measures.issues).toContainEqual(expect.objectContaining({ code: "PLAN_INVALID_VALUE", path: ["measures", "__proto__"] }));
  });
});
