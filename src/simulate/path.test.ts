// Change paths: the text syntax, the list form, and writing a path back as text.
import { describe, expect, it } from "vitest";
import { checkSegments, formatChangePath, parseChangePath } from "./path.js";

describe("parseChangePath", () => {
  it("reads keys, indexes, selectors and quoted keys", () => {
    expect(parseChangePath("bonuses[key=unilevel].schedule[0].rates[2]")).toEqual({ segments: ["bonuses", { key: "unilevel" }, "schedule", 0, "rates", 2] });
    expect(parseChangePath("ranks[name=Gold Star].requires.group.legCap")).toEqual({ segments: ["ranks", { name: "Gold Star" }, "requires", "group", "legCap"] });
    expect(parseChangePath('bonuses[key=rank-bonus].amounts["Gold Star"]')).toEqual({ segments: ["bonuses", { key: "rank-bonus" }, "amounts", "Gold Star"] });
    expect(parseChangePath('ranks[name="A]B"]')).toEqual({ segments: ["ranks", { name: "A]B" }] });
    expect(parseChangePath("money.rounding.mode")).toEqual({ segments: ["money", "rounding", "mode"] });
    expect(parseChangePath("measures.PV.personalConsumptionCap")).toEqual({ segments: ["measures", "PV", "personalConsumptionCap"] });
  });

  it("says why a path cannot be read", () => {
    for (const bad of ["", "[0]", "bonuses.", "bonuses[", "bonuses[key=]", "bonuses[x]", "bonuses..a", "bonuses[0]x", 'a["unterminated]', "a[1=2]"]) {
      const r = parseChangePath(bad);
      expect("error" in r, bad).toBe(true);
    }
    expect(parseChangePath("a".repeat(501))).toHaveProperty("error");
    expect(parseChangePath(Array.from({ length: 40 }, () => "a").join("."))).toHaveProperty("error");
  });

  it("writes a path back in the form it reads (round trip)", () => {
    for (const text of ["bonuses[key=unilevel].schedule[rank=Gold].rates[2]", 'bonuses[key=rank-bonus].amounts["Gold Star"]', 'ranks[name="A]B"].name', "ranks[name=Gold Star]"]) {
      const r = parseChangePath(text);
      if ("error" in r) throw new Error(r.error);
      expect(formatChangePath(r.segments)).toBe(text);
      expect(parseChangePath(formatChangePath(r.segments))).toEqual(r);
    }
  });
});

describe("checkSegments (the list form)", () => {
  it("accepts keys, non-negative integers and one-field selectors, starting with a key", () => {
    expect(checkSegments(["bonuses", { key: "unilevel" }, "schedule", 0])).toEqual({ segments: ["bonuses", { key: "unilevel" }, "schedule", 0] });
    expect(checkSegments([])).toHaveProperty("error");
    expect(checkSegments([0, "a"])).toHaveProperty("error");
    expect(checkSegments(["a", -1])).toHaveProperty("error");
    expect(checkSegments(["a", 1.5])).toHaveProperty("error");
    expect(checkSegments(["a", { key: "x", kind: "y" }])).toHaveProperty("error");
    expect(checkSegments(["a", { key: 3 }])).toHaveProperty("error");
    expect(checkSegments(["a", null])).toHaveProperty("error");
  });
});
