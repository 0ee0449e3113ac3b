import { describe, expect, it } from "vitest";
import { calculate } from "../../src/index.js";
import { conformanceCase, money } from "../../test/conformance/cases.js";
import { PERIOD, loadPlan, membersOf, ordersOf } from "../../test/conformance/helpers.js";

const c = conformanceCase("globalmlm-unilevel-compression-line");
const input = {
  period: PERIOD,
  members: membersOf(c.tree),
  orders: ordersOf(c.tree, (n: { personalVolume: number }) => ({ PV: n.personalVolume })),
};

function topLines(file: string) {
  const run = calculate(loadPlan(new URL(file, import.meta.url)), input);
  const top = run.statement("TOP");
  if (top === undefined) throw new Error("no statement for TOP");
  return { run, top, bySource: Object.fromEntries(top.lines.map((l) => [`from${l.source}`, l.amount])) };
}

describe("globalmlm-unilevel-compression-line (published)", () => {
  it("without compression: TOP earns 6.00 from L2 and 4.80 from L3, 10.80 in all", () => {
    const expected = c.expected.TOP.withoutCompression;
    const { top, bySource } = topLines("./plan-without-compression.yaml");
    expect(bySource).toEqual({ fromL2: money(expected.fromL2), fromL3: money(expected.fromL3) });
    expect(top.total).toBe(money(expected.total));
    expect(top.lines.map((l) => [l.level, l.compressed])).toEqual([[2, false], [3, false]]);
  });

  it("with dynamic compression: 12.00 + 8.00 + 3.30 = 23.30, each line compressed up one level", () => {
    const expected = c.expected.TOP.withDynamicCompression;
    const { top, bySource } = topLines("./plan.yaml");
    expect(bySource).toEqual({ fromL2: money(expected.fromL2), fromL3: money(expected.fromL3), fromL4: money(expected.fromL4) });
    expect(top.total).toBe(money(expected.total));
    expect(top.lines.map((l) => [l.level, l.compressed])).toEqual([[1, true], [2, true], [3, true]]);
  });

  it("L1 (90 PV) is unqualified, earns nothing, and its volume pays nobody", () => {
    for (const file of ["./plan.yaml", "./plan-without-compression.yaml"]) {
      const { run } = topLines(file);
      const l1 = run.statement("L1");
      expect(l1?.qualified).toBe(false);
      expect(l1?.qualification.find((q) => q.condition === "personal")).toMatchObject({ actual: "90", required: "100", met: false });
      expect(l1?.total).toBe("0.00");
      for (const s of run.statements()) expect(s.lines.some((l) => l.source === "L1")).toBe(false);
      // L1's 90 PV has 3 slots at 10% + 5% + 3% = 18%: 16.20 is breakage for an unqualified source.
      expect(run.summary.bonuses[0]?.accounting?.breakage["source-unqualified"]).toBe("16.20");
    }
  });
});
