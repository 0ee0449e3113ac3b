// Accumulated measures (docs/state.md "Accumulated measures"): volume carried between periods, since
// joining or over a window of periods. Expected values are worked by hand from the docs.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type Plan, type RunResult, explain, formatExplanation, parsePlan, safeCalculate, safeParsePlan, stateNdjson } from "../index.js";
import { orderMeasures } from "../plan/parse.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { safePrepareFiles } from "../input/files.js";
import { parseState } from "./state.js";

const plan = (measures: string, extra = "") =>
  parsePlan(`
compplan: 1
id: accumulate-test
currency: USD
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
${measures}
bonuses: []
${extra}
`);
const A: MemberInput = { id: "A", sponsorId: null, joinDate: "2024-01-01" };
const B: MemberInput = { id: "B", sponsorId: "A", joinDate: "2024-01-01" };
/** One personal-consumption order per member with PV (none for "0"). */
const orders = (period: string, pv: Record<string, string>): OrderInput[] =>
  Object.entries(pv)
    .filter(([, v]) => v !== "0")
    .map(([id, v]) => ({ id: `o${id}`, memberId: id, kind: "personal-consumption", date: `${period}-10`, volumes: { PV: v } }));

/** Runs periods in a row, each from the previous one's closing state. */
function chain(p: Plan, periods: { period: string; members: MemberInput[]; pv: Record<string, string> }[]): { run: RunResult; state: string }[] {
  let state: string | undefined;
  return periods.map(({ period, members, pv }) => {
    const r = safeCalculate(p, { period, members, orders: orders(period, pv) }, state === undefined ? {} : { state: parseState(state) });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    state = stateNdjson(r.value) as string;
    return { run: r.value, state };
  });
}
const volumes = (run: RunResult, id: string) => run.statement(id)?.volumes;

describe("accumulated measures", () => {
  const p = plan("  APV: { accumulates: PV }\n  PV3: { accumulates: PV, periods: 3 }");
  const C: MemberInput = { id: "C", sponsorId: "B", joinDate: "2026-11-05" };
  // PV by period: A 100, 50, 120, 0; B 10, 0, 0, 5; C (joins in 2026-11) 40, then 0.
  const runs = chain(p, [
    { period: "2026-09", members: [A, B], pv: { A: "100", B: "10" } },
    { period: "2026-10", members: [A, B], pv: { A: "50" } },
    { period: "2026-11", members: [A, B, C], pv: { A: "120", C: "40" } },
    { period: "2026-12", members: [A, B, C], pv: { B: "5" } },
  ]);
  const at = (k: number, id: string) => volumes(runs[k]?.run as RunResult, id);

  it("since joining: this period's PV added to everything before (A: 100, 150, 270, 270)", () => {
    expect([0, 1, 2, 3].map((k) => at(k, "A")?.personal.APV)).toEqual(["100", "150", "270", "270"]);
    expect([0, 1, 2, 3].map((k) => at(k, "B")?.personal.APV)).toEqual(["10", "10", "10", "15"]);
  });

  it("over 3 periods: the oldest period drops out (A: 100, 150, 270, then 170 without September's 100)", () => {
    expect([0, 1, 2, 3].map((k) => at(k, "A")?.personal.PV3)).toEqual(["100", "150", "270", "170"]);
    expect([0, 1, 2, 3].map((k) => at(k, "B")?.personal.PV3)).toEqual(["10", "10", "10", "5"]);
  });

  it("a member who joined in a later period starts at 0; group volume sums the subtree's accumulated volume", () => {
    expect(at(2, "C")?.personal).toEqual({ APV: "40", PV: "40", PV3: "40" });
    // A in 2026-11: own 270, B 10, C 40.
    expect(at(2, "A")?.group).toEqual({ APV: "320", PV: "160", PV3: "320" });
    // A in 2026-12: APV 270 + 15 + 40; PV3 170 + 5 + 40 (C's 2026-11 PV is still in the window).
    expect(at(3, "A")?.group).toEqual({ APV: "325", PV: "5", PV3: "215" });
  });

  it("the state file: APV, then PV3.1 (this period's PV) and PV3.2 (the period before), zeros left out", () => {
    const state = runs[2]?.state as string;
    const fp = /"plan":"(sha256:[0-9a-f]{64})"/.exec(state)?.[1] as string;
    expect(state).toBe(
      `{"fields":[{"kind":"volume","name":"APV"},{"kind":"volume","name":"PV3.1"},{"kind":"volume","name":"PV3.2"}],"format":"compplan-state/1","period":"2026-11","plan":"${fp}"}\n` +
        `{"APV":"270","PV3.1":"120","PV3.2":"50","id":"A"}\n` +
        `{"APV":"10","id":"B"}\n` +
        `{"APV":"40","PV3.1":"40","id":"C"}\n`,
    );
    expect((runs[3]?.state as string).split("\n").slice(1)).toEqual([`{"APV":"270","PV3.2":"120","id":"A"}`, `{"APV":"15","PV3.1":"5","id":"B"}`, `{"APV":"40","PV3.2":"40","id":"C"}`, ""]);
  });

  it("a rank requirement met only thanks to carried volume; qualification on the window", () => {
    const ranked = plan("  APV: { accumulates: PV }\n  PV2: { accumulates: PV, periods: 2 }", 'qualification: { personal: { measure: PV2, minimum: "100" } }\nranks:\n  - name: Bronze\n    requires: { personal: { measure: APV, minimum: "250" } }');
    // A: 200 then 60 PV. September: APV 200 < 250, no rank. October: APV 260 (200 carried + 60), PV2 260: Bronze.
    // November: PV 30: APV 290, PV2 90 (60 + 30) < 100: not qualified, so no rank.
    const r = chain(ranked, [
      { period: "2026-09", members: [A, B], pv: { A: "200" } },
      { period: "2026-10", members: [A, B], pv: { A: "60" } },
      { period: "2026-11", members: [A, B], pv: { A: "30" } },
    ]);
    expect(r.map((x) => x.run.statement("A")?.rank.paidAs ?? null)).toEqual([null, "Bronze", null]);
    expect(r.map((x) => x.run.statement("A")?.qualified)).toEqual([true, true, false]);
    // Explain says where the qualifying volume comes from: 60 carried (October's PV) + November's 30.
    const e = explain(r[2]?.run as RunResult, "A");
    const pv2 = e.qualification.find((c) => c.measure === "PV2");
    expect(pv2?.breakdown?.accumulated).toEqual({ base: "PV", periods: 2, carried: "60", thisPeriod: "30" });
    expect(formatExplanation(e)).toContain("PV2 90 of 100 required: carried from earlier periods 60 + this period's PV 30 (personal consumption 30 counted");
    // October: Bronze's personal APV 260 is 200 carried + 60 this period.
    const bronze = explain(r[1]?.run as RunResult, "A").rank.requirements?.find((d) => d.requirement === "personal");
    expect(bronze?.notes).toEqual(["APV: carried from earlier periods 200 + this period's PV 60"]);
    // Rank fields first, then the accumulated measures in plan order.
    expect(JSON.parse((r[1]?.state as string).split("\n")[0] as string).fields.map((f: { name: string }) => f.name)).toEqual(["rank.highest", "rank.paidAs", "rank.periods", "APV", "PV2.1"]);
  });

  it("a since-joining volume beyond an order's limit (1,000,000,000) is written and read back", () => {
    const big = (period: string) => [0, 1].map((k): OrderInput => ({ id: `o${k}`, memberId: "B", kind: "personal-consumption", date: `${period}-10`, volumes: { PV: "999999999.9999" } }));
    const q = plan("  APV: { accumulates: PV }");
    const first = safeCalculate(q, { period: "2026-09", members: [A, B], orders: big("2026-09") });
    const state = first.ok ? (stateNdjson(first.value) as string) : "";
    expect(state.split("\n")[1]).toBe('{"APV":"1999999999.9998","id":"B"}');
    const second = safeCalculate(q, { period: "2026-10", members: [A, B], orders: big("2026-10") }, { state: parseState(state) });
    expect(second.ok && volumes(second.value, "B")?.personal.APV).toBe("3999999999.9996");
  });

  it("orders never carry an accumulated measure: an APV volume or column is an unknown measure", () => {
    expect(orderMeasures(p)).toEqual(["PV"]);
    const r = safeCalculate(p, { period: "2026-09", members: [A, B], orders: [{ id: "o1", memberId: "A", kind: "personal-consumption", date: "2026-09-10", volumes: { PV: "1", APV: "5" } }] });
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path])).toEqual([["ORDER_UNKNOWN_MEASURE", ["orders", 0, "volumes", "APV"]]]);
    const dir = mkdtempSync(join(tmpdir(), "accumulate-"));
    writeFileSync(join(dir, "members.csv"), "id,sponsorId,joinDate\nA,,2024-01-01\n");
    writeFileSync(join(dir, "orders.csv"), "id,memberId,kind,date,PV,APV\no1,A,personal-consumption,2026-09-10,1,5\n");
    const files = safePrepareFiles({ period: "2026-09", members: join(dir, "members.csv"), orders: join(dir, "orders.csv") }, { measures: orderMeasures(p) });
    expect(files.ok ? [] : files.issues.map((i) => [i.code, i.path])).toEqual([["INPUT_UNKNOWN_COLUMN", ["orders", "header", "APV"]]]);
  });
});

describe("accumulated measures in the plan", () => {
  const issues = (measures: string) => {
    const r = safeParsePlan(`compplan: 1\nid: t\ncurrency: USD\npayoutBasis: PV\nmeasures:\n  PV: { counts: [personal-consumption] }\n${measures}\nbonuses: []\n`);
    return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")]);
  };

  it("accumulates a plain measure of the plan, over 2 to 60 periods, with no counts or cap of its own", () => {
    expect(issues("  APV: { accumulates: PV, periods: 60 }")).toEqual([]);
    expect(issues("  APV: { accumulates: XV }")).toEqual([["PLAN_UNKNOWN_MEASURE", "measures.APV.accumulates"]]);
    expect(issues("  APV: { accumulates: PV }\n  AAPV: { accumulates: APV }")).toEqual([["PLAN_INVALID_VALUE", "measures.AAPV.accumulates"]]);
    expect(issues("  APV: { accumulates: PV, counts: [retail-sale] }")).toEqual([["PLAN_INVALID_VALUE", "measures.APV.counts"]]);
    expect(issues('  APV: { accumulates: PV, personalConsumptionCap: "10" }')).toEqual([["PLAN_INVALID_VALUE", "measures.APV.personalConsumptionCap"]]);
    expect(issues("  APV: { accumulates: PV, periods: 1 }")).toEqual([["PLAN_VALUE_RANGE", "measures.APV.periods"]]);
    expect(issues("  APV: { accumulates: PV, periods: 61 }")).toEqual([["PLAN_VALUE_RANGE", "measures.APV.periods"]]);
    expect(issues("  XV: { periods: 3, counts: [retail-sale] }")).toEqual([["PLAN_INVALID_VALUE", "measures.XV.periods"]]);
    expect(issues("  XV: {}")).toEqual([["PLAN_MISSING_KEY", "measures.XV.counts"]]);
  });

  it("a plan with an accumulated measure keeps state even without a state section", () => {
    const r = chain(plan("  APV: { accumulates: PV }"), [{ period: "2026-09", members: [A, B], pv: { A: "1.5" } }]);
    expect(r[0]?.state.split("\n").slice(1)).toEqual(['{"APV":"1.5","id":"A"}', ""]);
  });
});
