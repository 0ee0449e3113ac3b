// Change sets: reading them, applying each operation to a copy of a plan, every failure as a coded issue at
// the right path, and the changed plan validated again like a plan file.
import { describe, expect, it } from "vitest";
import { BASE_PLAN } from "../../test/fixtures/base.js";
import { canonicalJson } from "../statement/canonical.js";
import { parsePlan } from "../plan/parse.js";
import { type ChangeSet, applyChangeSet, parseChangeSet, safeApplyChangeSet, safeParseChangeSet, valueAt } from "./change.js";

const plan = parsePlan(BASE_PLAN);
const apply = (changes: ChangeSet["changes"]) => safeApplyChangeSet(plan, { changes });
const issuesOf = (changes: unknown[]) => {
  const r = safeApplyChangeSet(plan, { changes } as ChangeSet);
  return r.ok ? [] : r.issues.map((i) => ({ code: i.code, path: i.path }));
};

describe("safeParseChangeSet", () => {
  it("reads YAML and JSON; an empty list of changes is a valid change set", () => {
    const yaml = "compplanChange: 1\ndescription: raise level 2\nchanges:\n  - set: bonuses[key=unilevel].schedule[0].rates[1]\n    value: \"0.06\"\n";
    expect(parseChangeSet(yaml)).toEqual({ compplanChange: 1, description: "raise level 2", changes: [{ set: "bonuses[key=unilevel].schedule[0].rates[1]", value: "0.06" }] });
    expect(parseChangeSet('{"changes": []}')).toEqual({ changes: [] });
  });

  it("reports syntax, shape and path problems with codes and paths into the change set", () => {
    const codes = (input: unknown) => {
      const r = safeParseChangeSet(input, { fileName: "c.yaml" });
      return r.ok ? [] : r.issues.map((i) => [i.code, i.path, i.file]);
    };
    expect(codes("changes: [unclosed")[0]?.[0]).toBe("CHANGE_SYNTAX");
    expect(codes("")[0]?.[0]).toBe("CHANGE_SYNTAX");
    expect(codes("changes: []\nchanges: []\n")[0]?.[0]).toBe("CHANGE_SYNTAX"); // duplicate key
    expect(codes({ changes: [], extra: 1 })).toEqual([["CHANGE_INVALID", ["extra"], "c.yaml"]]);
    expect(codes({})).toEqual([["CHANGE_INVALID", ["changes"], "c.yaml"]]);
    expect(codes({ compplanChange: 2, changes: [] })).toEqual([["CHANGE_INVALID", ["compplanChange"], "c.yaml"]]);
    expect(codes({ changes: ["set"] })).toEqual([["CHANGE_INVALID", ["changes", 0], "c.yaml"]]);
    expect(codes({ changes: [{ set: "a", unset: "b", value: 1 }] })).toEqual([["CHANGE_INVALID", ["changes", 0], "c.yaml"]]);
    expect(codes({ changes: [{ frobnicate: "a" }] })).toEqual([["CHANGE_INVALID", ["changes", 0], "c.yaml"]]);
    expect(codes({ changes: [{ set: "a" }] })).toEqual([["CHANGE_INVALID", ["changes", 0, "value"], "c.yaml"]]);
    expect(codes({ changes: [{ set: "a", value: 1, colour: "red" }] })).toEqual([["CHANGE_INVALID", ["changes", 0, "colour"], "c.yaml"]]);
    expect(codes({ changes: [{ set: "a", value: 1, from: "next month" }] })).toEqual([["CHANGE_INVALID", ["changes", 0, "from"], "c.yaml"]]);
    expect(codes({ changes: [{ set: "a[", value: 1 }] })).toEqual([["CHANGE_PATH_SYNTAX", ["changes", 0, "set"], "c.yaml"]]);
    expect(codes({ changes: [{ unset: [] }] })).toEqual([["CHANGE_PATH_SYNTAX", ["changes", 0, "unset"], "c.yaml"]]);
    expect(codes({ changes: [{ addRank: { name: "X" }, after: "A", before: "B" }] })).toEqual([["CHANGE_INVALID", ["changes", 0, "before"], "c.yaml"]]);
    expect(codes({ changes: [{ addBonus: { key: "x" } }] })).toEqual([["CHANGE_INVALID", ["changes", 0, "addBonus", "kind"], "c.yaml"]]);
    expect(codes({ changes: [{ removeRank: 3 }] })).toEqual([["CHANGE_INVALID", ["changes", 0, "removeRank"], "c.yaml"]]);
  });
});

describe("safeApplyChangeSet", () => {
  it("an empty change set gives the same plan, and the original is never modified", () => {
    const before = canonicalJson(plan);
    const same = applyChangeSet(plan, { changes: [] });
    expect(canonicalJson(same)).toBe(before);
    applyChangeSet(plan, { changes: [{ set: "currency", value: "EUR" }, { removeBonus: "rank-bonus" }] });
    expect(canonicalJson(plan)).toBe(before);
  });

  it("set: a rate by bonus key and row index, a value by rank selector, a new key, an appended level", () => {
    const r = apply([
      { set: "bonuses[key=unilevel].schedule[0].rates[1]", value: "0.06" },
      { set: "bonuses[key=unilevel].schedule[rank=Bronze].rates[3]", value: "0.02" },
      { set: "ranks[name=Silver].requires.group.legCap", value: "0.4" },
      { set: "qualification.sponsoredActive", value: 1 },
      { set: ["money", "rounding", "mode"], value: "half-up" },
    ]);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const u = r.value.bonuses[0] as { schedule: { rank?: string; rates: string[] }[] };
    expect(u.schedule[0]?.rates).toEqual(["0.05", "0.06"]);
    expect(u.schedule[1]?.rates).toEqual(["0.05", "0.04", "0.03", "0.02"]);
    expect(r.value.ranks[1]?.requires.group?.legCap).toBe("0.4");
    expect(r.value.qualification?.sponsoredActive).toBe(1);
    expect(r.value.money.rounding.mode).toBe("half-up");
    expect(Object.isFrozen(r.value)).toBe(true);
  });

  it("unset: a key, and a list element by selector", () => {
    const r = apply([{ unset: "ranks[name=Silver].requires.group.legCap" }, { unset: "bonuses[key=unilevel].schedule[rank=Bronze]" }]);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.ranks[1]?.requires.group).toEqual({ measure: "PV", minimum: "1000" });
    expect((r.value.bonuses[0] as { schedule: unknown[] }).schedule).toHaveLength(1);
  });

  it("addRank / removeRank / addBonus / removeBonus, with positions", () => {
    const gold = { name: "Gold", requires: { personal: { measure: "PV", minimum: "100" }, group: { measure: "PV", minimum: "5000", legCap: "0.5" }, legs: [{ count: 2, rank: "Silver" }] } };
    const r = apply([
      { addRank: gold },
      { addRank: { name: "Starter", requires: { qualified: true } }, before: "Bronze" },
      { addBonus: { key: "retail", kind: "retail-profit", measure: "CV", rate: "0.1" }, after: "unilevel" },
      { removeBonus: "rank-bonus" },
    ]);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.ranks.map((x) => x.name)).toEqual(["Starter", "Bronze", "Silver", "Gold"]);
    expect(r.value.bonuses.map((b) => b.key)).toEqual(["unilevel", "retail"]);
    // The added bonus got its family's defaults on revalidation.
    expect(r.value.bonuses[1]).toMatchObject({ kind: "retail-profit", requiresQualified: false });

    const removed = apply([{ removeBonus: "rank-bonus" }, { removeRank: "Silver" }]);
    if (!removed.ok) throw new Error(JSON.stringify(removed.issues));
    expect(removed.value.ranks.map((x) => x.name)).toEqual(["Bronze"]);
  });

  it("every operation that cannot be applied is a coded issue at its place in the change set", () => {
    expect(issuesOf([{ set: "bonuses[key=unilevl].schedule[0].rates[0]", value: "0.1" }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "set"] }]);
    expect(issuesOf([{ set: "bonuses[key=unilevel].schedule[5].rates[0]", value: "0.1" }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "set"] }]);
    expect(issuesOf([{ set: "bonuses[key=unilevel].schedule[0].rates[3]", value: "0.1" }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "set"] }]);
    expect(issuesOf([{ set: "bonuses.unilevel", value: "x" }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "set"] }]);
    expect(issuesOf([{ set: "nothing.here", value: "x" }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "set"] }]);
    expect(issuesOf([{ set: "currency.code", value: "x" }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "set"] }]);
    expect(issuesOf([{ set: "money[0]", value: "x" }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "set"] }]);
    expect(issuesOf([{ unset: "ranks[name=Bronze].requires.group.legCap" }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "unset"] }]);
    expect(issuesOf([{ set: "ranks[qualified=x]", value: {} }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "set"] }]);
    expect(issuesOf([{ removeRank: "Gold" }, { removeBonus: "pool" }])).toEqual([
      { code: "CHANGE_NOT_FOUND", path: ["changes", 0, "removeRank"] },
      { code: "CHANGE_NOT_FOUND", path: ["changes", 1, "removeBonus"] },
    ]);
    expect(issuesOf([{ addRank: { name: "X" }, after: "Gold" }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "after"] }]);
    expect(issuesOf([{ set: "money.scale", value: 3, from: "2026-11-01" }])).toEqual([{ code: "CHANGE_DATED_UNSUPPORTED", path: ["changes", 0, "from"] }]);
  });

  it("a selector matching several elements is ambiguous", () => {
    const two = applyChangeSet(plan, { changes: [{ set: "ranks[name=Silver].requires.legs[1]", value: { count: 2, measure: "PV", minimum: "100" } }] });
    const r = safeApplyChangeSet(two, { changes: [{ set: "ranks[name=Silver].requires.legs[count=2].count", value: 3 }] });
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path])).toEqual([["CHANGE_AMBIGUOUS", ["changes", 0, "set"]]]);
  });

  it("a change that makes the plan invalid is rejected with the same codes as a plan file, at plan paths", () => {
    expect(issuesOf([{ set: "bonuses[key=unilevel].schedule[0].rates[1]", value: 0.06 }])).toEqual([{ code: "PLAN_DECIMAL_FORMAT", path: ["bonuses", 0, "schedule", 0, "rates", 1] }]);
    expect(issuesOf([{ set: "bonuses[key=unilevel].schedule[0].rates[1]", value: "1.5" }])).toEqual([{ code: "PLAN_RATE_RANGE", path: ["bonuses", 0, "schedule", 0, "rates", 1] }]);
    expect(issuesOf([{ removeRank: "Silver" }])).toEqual([{ code: "PLAN_UNKNOWN_RANK", path: ["bonuses", 1, "amounts", "Silver"] }]);
    expect(issuesOf([{ addRank: { name: "Bronze" } }])).toContainEqual({ code: "PLAN_DUPLICATE_NAME", path: ["ranks", 2, "name"] });
    expect(issuesOf([{ set: "ranks[name=Silver].requires.group.minimum", value: "200" }])).toEqual([{ code: "PLAN_RANK_LADDER", path: ["ranks", 1, "requires", "group"] }]);
    expect(issuesOf([{ addBonus: { key: "x", kind: "lottery" } }])).toEqual([{ code: "PLAN_UNKNOWN_BONUS_KIND", path: ["bonuses", 2, "kind"] }]);
    const r = safeApplyChangeSet(plan, { changes: [{ set: "currency", value: "dollars" }] });
    expect(r.ok ? "" : r.issues[0]?.message).toMatch(/^in the plan after the change set: /);
  });

  it("valueAt reads the value a path leads to", () => {
    expect(valueAt(plan, "bonuses[key=unilevel].schedule[rank=Bronze].rates[2]")).toBe("0.03");
    expect(valueAt(plan, "money.scale")).toBe(2);
    expect(valueAt(plan, "bonuses[key=nothing].x")).toBeUndefined();
    expect(valueAt(plan, "bad[")).toBeUndefined();
  });
});

describe("__proto__ and constructor in change paths", () => {
  it("setting a __proto__ key is applied as a key and reported by the plan's validation, never silently dropped", () => {
    expect(issuesOf([{ set: "bonuses[key=rank-bonus].amounts.__proto__", value: "10" }])).toContainEqual({ code: "PLAN_INVALID_VALUE", path: ["bonuses", 1, "amounts", "__proto__"] });
    expect(issuesOf([{ set: "measures.__proto__", value: { counts: ["retail-sale"] } }])).toContainEqual({ code: "PLAN_INVALID_VALUE", path: ["measures", "__proto__"] });
    expect(issuesOf([{ set: 'measures["__proto__"]', value: { counts: ["retail-sale"] } }])).toContainEqual({ code: "PLAN_INVALID_VALUE", path: ["measures", "__proto__"] });
  });

  it("a rank and a measure named constructor are reached like any other name", () => {
    const named = parsePlan(BASE_PLAN.replace(/Silver/g, "constructor"));
    const r = safeApplyChangeSet(named, {
      changes: [
        { set: "bonuses[key=rank-bonus].amounts.constructor", value: "75.00" },
        { set: "measures.constructor", value: { counts: ["retail-sale"] } },
      ],
    });
    expect(r.ok && r.value.bonuses[1]).toMatchObject({ amounts: { constructor: "75.00" } });
    expect(r.ok && Object.keys(r.value.measures)).toEqual(["PV", "CV", "constructor"]);
    // a selector on a field an element does not own matches nothing (not Object.prototype.constructor)
    expect(issuesOf([{ set: "ranks[constructor=x].name", value: "y" }])).toEqual([{ code: "CHANGE_NOT_FOUND", path: ["changes", 0, "set"] }]);
  });
});

describe("change-set issues guide", () => {
  const run = (text: string) => {
    const c = safeParseChangeSet(text, { fileName: "c.yaml" });
    const r = c.ok ? safeApplyChangeSet(plan, c.value, { fileName: "c.yaml" }) : c;
    return r.ok ? [] : r.issues;
  };

  it("issues about a change read from text carry its line and column, when parsed and when applied", () => {
    expect(run("changes:\n  - set: money.rounding.mode\n    valu: half-up\n").find((i) => i.path[2] === "valu")).toMatchObject({ code: "CHANGE_INVALID", path: ["changes", 0, "valu"], line: 3, column: 5, file: "c.yaml" });
    expect(run('changes:\n  - set: money.scale\n    value: 2\n  - set: bonuses[key=unilevl].measure\n    value: "PV"\n')[0]).toMatchObject({ code: "CHANGE_NOT_FOUND", path: ["changes", 1, "set"], line: 4, column: 10 });
  });

  it("misspelt keys, operations, bonus keys and ranks get did-you-mean", () => {
    const messages = (text: string) => run(text).map((i) => i.message);
    expect(messages("changes:\n  - sett: money.scale\n    value: 2\n")).toEqual(['unknown operation "sett" (did you mean "set"? operations: set, unset, addRank, removeRank, addBonus, removeBonus)']);
    expect(messages("chnges: []\n")).toContain('unknown key "chnges" (did you mean "changes"? keys: compplanChange, description, changes)');
    expect(messages('changes:\n  - set: bonuses[key=unilevl].measure\n    value: "PV"\n')).toEqual(['bonuses[key=unilevl]: no element has key = "unilevl" (did you mean "unilevel"? values present: unilevel, rank-bonus)']);
    expect(messages("changes:\n  - set: money.roundng.mode\n    value: half-up\n")).toEqual(['money.roundng: the plan has nothing here (did you mean "rounding"? keys: scale, rounding)']);
    expect(messages("changes:\n  - removeRank: Silvr\n")).toEqual(['the plan has no rank "Silvr" (did you mean "Silver"? names: Bronze, Silver)']);
  });
});

describe("change-set values nested 100,000 deep", () => {
  it("as text: CHANGE_SYNTAX saying so; as an object: CHANGE_INVALID at the value, not a stack overflow", () => {
    const text = safeParseChangeSet(`changes:\n  - set: description\n    value: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`);
    expect(text.ok ? [] : text.issues.slice(0, 1).map((i) => [i.code, i.message.slice(0, 25)])).toEqual([["CHANGE_SYNTAX", "nested too deeply to read"]]);
    let deep: unknown = "x";
    for (let k = 0; k < 100_000; k++) deep = [deep];
    expect(issuesOf([{ set: "description", value: deep }])).toEqual([{ code: "CHANGE_INVALID", path: ["changes", 0, "value"] }]);
  });
});
