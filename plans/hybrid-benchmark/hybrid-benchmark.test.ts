// The hybrid benchmark plan: the example month of the README, every figure worked by hand there from the plan's
// rules (docs/plan-language.md), and the plan on generated data, where the reference engine (test/reference,
// written from the docs alone) gives the expected statements and summary, and the payout cap's total is
// checked against its definition from the orders file itself.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { calculate, canonicalJson, parsePlan, type CalculateInput, type RunResult } from "../../src/index.js";
import { generateData } from "../../src/generate/generate.js";
import { readInputFiles } from "../../src/input/files.js";
import { safeParsePeriod } from "../../src/run/period.js";
import { D, sum } from "../../test/reference/decimal.js";
import { referenceCalculate } from "../../test/reference/engine.js";

const here = (f: string) => new URL(`./${f}`, import.meta.url).pathname;
const plan = parsePlan(readFileSync(here("plan.yaml"), "utf8"));
const MEASURES = ["PV", "CV", "RETAIL"];

/** The input of two CSV files, read as `compplan run` reads them. */
function input(members: string, orders: string): CalculateInput {
  const read = readInputFiles({ period: "2026-10", members, orders }, MEASURES);
  if (!read.ok) throw new Error(`input: ${read.issues[0]?.message}`);
  return read.value.input;
}

const example = calculate(plan, input(here("members.csv"), here("orders.csv")));
const pay = (r: RunResult, id: string) => [r.statement(id)?.bonuses, r.statement(id)?.total];
const accounting = (r: RunResult, key: string) => r.summary.bonuses.find((b) => b.key === key)?.accounting;

describe("hybrid-benchmark: the example month (README), October 2026", () => {
  it("each member's pay: R 93.50, A 85.00, N and O nothing; 178.50 in all", () => {
    expect(pay(example, "R")).toEqual([{ "fast-start": "30.00", unilevel: "48.00", performance: "3.00", retail: "12.50" }, "93.50"]);
    expect(pay(example, "A")).toEqual([{ "fast-start": "60.00", unilevel: "5.00", performance: "20.00" }, "85.00"]);
    expect(pay(example, "N")).toEqual([{}, "0.00"]);
    expect(pay(example, "O")).toEqual([{}, "0.00"]);
    expect(example.summary.total).toBe("178.50");
  });

  it("the fast start pays on o-5 (O's day 60) but not o-6 (day 61), and on both of N's orders, in order sequence", () => {
    const lines = (id: string) =>
      example
        .statement(id)
        ?.lines.filter((l) => l.bonus === "fast-start")
        .map((l) => [l.level, l.source, l.order, l.base, l.rate, l.amount]);
    // A is level 1 of N and O: 20%; R level 2: 10%. Lines by level, then source id, then order sequence.
    expect(lines("A")).toEqual([
      [1, "N", "o-3", "150", "0.2", "30.00"],
      [1, "N", "o-4", "50", "0.2", "10.00"],
      [1, "O", "o-5", "100", "0.2", "20.00"],
    ]);
    expect(lines("R")).toEqual([
      [2, "N", "o-3", "150", "0.1", "15.00"],
      [2, "N", "o-4", "50", "0.1", "5.00"],
      [2, "O", "o-5", "100", "0.1", "10.00"],
    ]);
    // Potential 35% of 300 = 105.00; level 3 is above the root: 5% of 300 = 15.00 no-upline.
    expect(accounting(example, "fast-start")).toMatchObject({ potential: "105.00", paid: "90.00", breakage: { "no-upline": "15.00" } });
  });

  it("the orders the fast start pays on are left out of UCV (1,150 of CV 1,450): no unilevel and no performance bonus on them", () => {
    expect(example.summary.volumes).toMatchObject({ CV: "1450", UCV: "1150", PV: "1450" });
    const lines = (id: string, key: string) =>
      example
        .statement(id)
        ?.lines.filter((l) => l.bonus === key)
        .map((l) => [l.level, l.source, l.base, l.amount]);
    // R and A are Bronze (5% / 3% / 3%): R 5% of A's 900 and 3% of O's 100 (o-6 only); A 5% of O's 100.
    expect(lines("R", "unilevel")).toEqual([
      [1, "A", "900", "45.00"],
      [2, "O", "100", "3.00"],
    ]);
    expect(lines("A", "unilevel")).toEqual([[1, "O", "100", "5.00"]]);
    // Both at step 1 (2%): A 2% of its own 900 and O's 100; R 2% of its own 150 and nothing of A's group (2% − 2%).
    expect(lines("A", "performance")).toEqual([
      [0, "A", "900", "18.00"],
      [0, "O", "100", "2.00"],
    ]);
    expect(lines("R", "performance")).toEqual([[0, "R", "150", "3.00"]]);
  });

  it("no Silver: no matching; no Gold: the pool's 14.50 is undistributed; the payout cap (290.00) does not bite", () => {
    expect(accounting(example, "matching")).toMatchObject({ paid: "0.00" });
    expect(accounting(example, "leadership-pool")).toMatchObject({ potential: "14.50", paid: "0.00", breakage: { undistributed: "14.50" } });
    expect(example.summary.bonuses.find((b) => b.key === "payout-cap")).toMatchObject({ amount: "0.00", lines: 0 });
  });
});

describe("hybrid-benchmark on generated data", () => {
  const tmp = mkdtempSync(join(tmpdir(), "compplan-hybrid-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const period = safeParsePeriod("2026-10").period;
  if (period === undefined) throw new Error("period");

  for (const [members, seed] of [
    [1500, 5],
    [3000, 17],
  ] as const) {
    it(`${members} members, seed ${seed}: the same statements and summary as the reference engine; the cap holds the named bonuses to 20% of CV`, () => {
      let m = "";
      let o = "";
      generateData({ members, seed, period }, { members: (c) => (m += c), orders: (c) => (o += c) });
      const files = [join(tmp, `m${seed}.csv`), join(tmp, `o${seed}.csv`)] as const;
      writeFileSync(files[0], m);
      writeFileSync(files[1], o);
      const data = input(...files);
      const fast = calculate(plan, data);
      const ref = referenceCalculate(plan, data);
      expect(Array.from(fast.statements(), (s) => canonicalJson(s))).toEqual(ref.statements.map((s) => canonicalJson(s)));
      expect(canonicalJson(fast.summary)).toBe(canonicalJson(ref.summary));

      // The cap's definition, from the orders file: A = 20% of the company's CV, rounded down to the cent.
      const [head, ...rows] = o.trim().split("\n");
      const cv = (head as string).split(",").indexOf("CV");
      const cap = sum(rows.map((r) => new D(r.split(",")[cv] as string)))
        .times("0.20")
        .toDecimalPlaces(2, D.ROUND_DOWN);
      const amount = (key: string) => new D(fast.summary.bonuses.find((b) => b.key === key)?.amount as string);
      const named = ["fast-start", "unilevel", "performance", "matching", "leadership-pool"];
      const before = sum(named.map(amount));
      const protectedPay = amount("fast-start");
      // These two generated months pay more than the cap allows (so it bites; at 1,500 members seed 3 does
      // not), and the fast start alone less.
      expect(before.greaterThan(cap)).toBe(true);
      expect(protectedPay.lessThan(cap)).toBe(true);
      expect(before.plus(amount("payout-cap")).toFixed(2)).toBe(cap.toFixed(2));
      // The fast start is protected: no member's cut exceeds their pay from the other named bonuses.
      for (const s of fast.statements()) {
        const cut = new D(s.bonuses["payout-cap"] ?? "0").negated();
        const reducible = sum(named.filter((k) => k !== "fast-start").map((k) => new D(s.bonuses[k] ?? "0")));
        expect(cut.lessThanOrEqualTo(reducible.isNegative() ? 0 : reducible)).toBe(true);
      }
    });
  }
});
