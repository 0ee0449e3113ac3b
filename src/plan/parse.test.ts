import { FAMILIES } from "../bonuses/lookup.js";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { safeParseChangeSet } from "../simulate/change.js";
import { parsePlan, safeParsePlan } from "./parse.js";
import { CompplanError, type Issue, formatIssue } from "../errors/issues.js";
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

describe("plan issues guide", () => {
  const issuesOf = (text: string) => {
    const r = safeParsePlan(text, { fileName: "plan.yaml" });
    return r.ok ? [] : r.issues;
  };

  it("a misspelt measure names the right one, with the valid ones, its line and column", () => {
    const [i] = issuesOf(BASE_PLAN.replace("measure: CV\n    compression", "measure: CVV\n    compression"));
    expect(i).toMatchObject({ code: "PLAN_UNKNOWN_MEASURE", path: ["bonuses", 0, "measure"], line: 23, column: 14, file: "plan.yaml" });
    expect(i?.message).toBe('unknown measure "CVV" (did you mean "CV"? measures: PV, CV)');
    expect(formatIssue(i as Issue)).toMatch(/^PLAN_UNKNOWN_MEASURE at bonuses\[0\]\.measure \(plan\.yaml:23:14\): /);
  });

  it("unknown keys, ranks and bonus kinds get did-you-mean; a key points at the key itself", () => {
    const key = issuesOf(BASE_PLAN.replace("compression: dynamic", "compresion: dynamic")).find((i) => i.code === "PLAN_UNKNOWN_KEY");
    expect(key).toMatchObject({ path: ["bonuses", 0, "compresion"], line: 24, column: 5 });
    expect(key?.message).toMatch(/^unknown key "compresion" \(did you mean "compression"\? keys: kind, key, /);
    const nested = issuesOf(BASE_PLAN.replace("currency: USD", "currency: USD\nmoney: { rounding: { mod: half-up } }"))[0];
    expect(nested?.message).toBe('unknown key "mod" (did you mean "mode"? keys: mode, applies)');
    const rank = issuesOf(BASE_PLAN.replace('amounts: { Silver: "50.00" }', 'amounts: { silver: "50.00" }'))[0];
    expect(rank?.message).toBe('unknown rank "silver" (did you mean "Silver"? ranks: Bronze, Silver)');
    const leg = issuesOf(BASE_PLAN.replace("rank: Bronze }", "rank: Bronz }"))[0];
    expect(leg).toMatchObject({ code: "PLAN_UNKNOWN_RANK", line: 19, column: 32 });
    expect(leg?.message).toContain('did you mean "Bronze"?');
    const kind = issuesOf(BASE_PLAN.replace("kind: rank-bonus", "kind: rankbonus"))[0];
    expect(kind?.message).toBe(`unknown bonus kind "rankbonus" (did you mean "rank-bonus"? kinds: ${FAMILIES.map((f) => f.kind).join(", ")})`);
    const far = issuesOf(BASE_PLAN.replace("measure: CV\n    compression", "measure: Revenue\n    compression"))[0];
    expect(far?.message).toBe('unknown measure "Revenue" (measures: PV, CV)');
  });

  it('a rate written "5%" hints "0.05"', () => {
    const issues = issuesOf(BASE_PLAN.replace('rates: ["0.05", "0.04"]', 'rates: ["5%", "12.5 %"]'));
    expect(issues.map((i) => [i.code, i.message.slice(i.message.lastIndexOf("("))])).toEqual([
      ["PLAN_DECIMAL_FORMAT", '(write "0.05" for 5%)'],
      ["PLAN_DECIMAL_FORMAT", '(write "0.125" for 12.5%)'],
    ]);
    expect(issues[1]).toMatchObject({ line: 27, column: 23 });
  });

  it("a plan written as JSON text is located the same way", () => {
    const json = JSON.stringify({ compplan: 1, id: "p", currency: "USD", payoutBasis: "PV", measures: { PV: { counts: ["personal-consumption"], cont: 1 } }, bonuses: [] }, null, 2);
    expect(issuesOf(json)[0]).toMatchObject({ code: "PLAN_UNKNOWN_KEY", path: ["measures", "PV", "cont"], line: 11, column: 7 });
  });
});

describe("plan text nested 100,000 deep", () => {
  it("is a PLAN_SYNTAX issue that says so, with its line and column", () => {
    const r = safeParsePlan(`compplan: 1\ndescription: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`);
    expect(r.ok).toBe(false);
    const i = r.ok ? undefined : r.issues[0];
    expect(i).toMatchObject({ code: "PLAN_SYNTAX", line: 2 });
    expect(i?.column).toBeGreaterThan(0);
    expect(i?.message).toMatch(/^nested too deeply to read/);
  });
});

describe("plan and change-set files whose lines end in CR alone", () => {
  const starter = readFileSync("plans/starter-unilevel/plan.yaml", "utf8");
  it("are named as such, for YAML and JSON plans and for change sets; CRLF reads as usual", () => {
    for (const text of [starter.replace(/\n/g, "\r"), JSON.stringify(parsePlan(starter), null, 1).replace(/\n/g, "\r")]) {
      const r = safeParsePlan(text);
      expect(r.ok ? [] : r.issues.map((i) => [i.code, i.message])).toEqual([["PLAN_SYNTAX", expect.stringContaining("end in CR alone (old Mac OS line ends)")]]);
    }
    expect(safeParsePlan(starter.replace(/\n/g, "\r\n")).ok).toBe(true);
    const change = safeParseChangeSet("description: x\rchanges:\r  - set: currency\r    value: EUR\r");
    expect(change.ok ? [] : change.issues.map((i) => i.code)).toEqual(["CHANGE_SYNTAX"]);
    expect(change.ok ? "" : change.issues[0]?.message).toContain("end in CR alone");
  });
});

describe("a mistyped option of a plan key", () => {
  it("names the closest allowed value", () => {
    const r = safeParsePlan(BASE_PLAN.replace("compression: dynamic", "compression: dynamc"));
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")])).toEqual([["PLAN_INVALID_VALUE", "bonuses.0.compression"]]);
    expect(r.ok ? "" : r.issues[0]?.message).toContain('(did you mean "dynamic"?)');
    const far = safeParsePlan(BASE_PLAN.replace("compression: dynamic", "compression: sometimes"));
    expect(far.ok ? "" : far.issues[0]?.message).not.toContain("did you mean");
  });
});
