import { describe, expect, it } from "vitest";
import { closestName, editDistance, listNames, nameHint } from "./suggest.js";

describe("name suggestions", () => {
  it("edit distance counts insertions, deletions, substitutions and adjacent swaps", () => {
    expect(editDistance("Silver", "Silver")).toBe(0);
    expect(editDistance("Sliver", "Silver")).toBe(1);
    expect(editDistance("Silvr", "Silver")).toBe(1);
    expect(editDistance("Silverr", "Silver")).toBe(1);
    expect(editDistance("Gold", "Jade")).toBe(4);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests only close names, case differences first", () => {
    expect(closestName("payotBasis", ["payoutBasis", "measures"])).toBe("payoutBasis");
    expect(closestName("gold", ["Jade", "Gold"])).toBe("Gold");
    expect(closestName("Revenue", ["PV", "CV"])).toBeUndefined();
    expect(closestName("x".repeat(300), ["x".repeat(299)])).toBeUndefined();
  });

  it("lists at most a dozen names", () => {
    const many = Array.from({ length: 20 }, (_, i) => `R${i}`);
    expect(listNames(many)).toBe("R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11 and 8 more");
    expect(listNames([])).toBe("none");
    expect(nameHint("R21", many, "ranks")).toBe(' (did you mean "R1"? ranks: R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11 and 8 more)');
  });
});
