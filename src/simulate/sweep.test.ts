// Sweeps: worker threads give exactly what the calling thread gives, in the order of the values; each point
// is the comparison simulate() makes for that one change; bad paths and values are coded issues.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { generateData } from "../generate/generate.js";
import { orderMeasures, parsePlan } from "../plan/parse.js";
import { safeParsePeriod } from "../run/period.js";
import { canonicalJson } from "../statement/canonical.js";
import { readInputFiles } from "../input/files.js";
import { safePrepareInput } from "../run/calculate.js";
import { simulate } from "./simulate.js";
import { runSweep, safeSweep, safeSweepAsync, sweepAsync } from "./sweep.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const period = safeParsePeriod("2026-10").period;
if (period === undefined) throw new Error("period");
let members = "";
let orders = "";
generateData({ members: 3000, seed: 11, period }, { members: (c) => (members += c), orders: (c) => (orders += c) });
writeFileSync(join(dir, "members.csv"), members);
writeFileSync(join(dir, "orders.csv"), orders);
const files = { period: "2026-10", members: join(dir, "members.csv"), orders: join(dir, "orders.csv") };
const read = readInputFiles(files, ["CV", "PV", "RETAIL"]);
if (!read.ok) throw new Error("fixture input");
const input = read.value.input;
const plan = parsePlan(readFileSync("plans/starter-unilevel/plan.yaml", "utf8"));
const PATH = "bonuses[key=unilevel].schedule[rank=Bronze].rates[2]";
const VALUES = ["0.02", "0.03", "0.04", "0.05", "0.06"];

describe("sweep", () => {
  it("gives the same result with worker threads as in the calling thread, in the order of the values", () => {
    const inThread = safeSweep(plan, { path: PATH, values: VALUES }, input, { workers: 0 });
    const twoWorkers = safeSweep(plan, { path: PATH, values: VALUES }, input, { workers: 2 });
    const threeWorkers = runSweep(plan, { path: PATH, values: VALUES }, { files }, { workers: 3 });
    if (!inThread.ok || !twoWorkers.ok || !threeWorkers.ok) throw new Error("sweep failed");
    expect(canonicalJson(twoWorkers.value)).toBe(canonicalJson(inThread.value));
    expect(canonicalJson(threeWorkers.value)).toBe(canonicalJson(inThread.value));
    expect(inThread.value.points.map((p) => p.value)).toEqual(VALUES);
  });

  it("each point is the comparison of that one change with the base plan", () => {
    const r = safeSweep(plan, { path: PATH, values: VALUES }, input, { workers: 0 });
    if (!r.ok) throw new Error("sweep failed");
    expect(r.value.base.value).toBe("0.04");
    expect(r.value.path).toBe(PATH);
    expect(r.value.members).toBe(3000);
    VALUES.forEach((value, k) => {
      const { diff } = simulate(plan, { changes: [{ set: PATH, value }] }, input);
      const p = r.value.points[k];
      expect(p).toEqual({
        value,
        total: diff.total.after,
        totalChange: diff.total.change,
        payoutShare: diff.payoutShare.after,
        payoutShareChange: diff.payoutShare.change,
        gainers: diff.movers.gainers,
        losers: diff.movers.losers,
        changed: diff.movers.changed,
        rankChanged: diff.movers.rankChanged,
        payees: diff.distribution.payeeCount.after,
      });
      expect(r.value.base.total).toBe(diff.total.before);
      expect(r.value.base.payees).toBe(diff.distribution.payeeCount.before);
    });
    // The base plan's own value changes nothing; a lower rate makes nobody gain, a higher one nobody lose.
    expect(r.value.points[2]).toMatchObject({ totalChange: "0.00", changed: 0 });
    expect(r.value.points[0]).toMatchObject({ gainers: 0 });
    expect(r.value.points[4]).toMatchObject({ losers: 0 });
    expect(r.value.points[4]?.gainers).toBeGreaterThan(0);
  });

  it("reports a bad path once, at the path, and a bad value at its place in the list", () => {
    const issues = (spec: { path: unknown; values: unknown }, workers?: number) => {
      const r = safeSweep(plan, spec as never, input, workers === undefined ? {} : { workers });
      return r.ok ? [] : r.issues.map((i) => [i.code, i.path]);
    };
    expect(issues({ path: "bonuses[", values: ["1"] })).toEqual([["CHANGE_PATH_SYNTAX", ["path"]]]);
    expect(issues({ path: "bonuses[key=nothing].rate", values: ["0.1", "0.2"] })).toEqual([["CHANGE_NOT_FOUND", ["path"]]]);
    expect(issues({ path: PATH, values: [] })).toEqual([["CHANGE_INVALID", ["values"]]]);
    expect(issues({ path: PATH, values: ["0.05", "1.5", 0.07] })).toEqual([
      ["PLAN_RATE_RANGE", ["values", 1]],
      ["PLAN_DECIMAL_FORMAT", ["values", 2]],
    ]);
    expect(issues({ path: "currency", values: ["EUR"] })).toEqual([["SIMULATE_CURRENCY_MISMATCH", ["values", 0]]]);
    expect(issues({ path: PATH, values: ["0.05"] }, -1)).toEqual([["CHANGE_INVALID", ["workers"]]]);
  });

  it("reports invalid input from the workers as issues", () => {
    const bad = { ...input, period: "2026-13" };
    const r = safeSweep(plan, { path: PATH, values: ["0.05", "0.06"] }, bad, { workers: 2 });
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(["PERIOD_INVALID"]);
  });

  it("has an asynchronous form that gives the same result and lets the event loop run meanwhile", async () => {
    const inThread = safeSweep(plan, { path: PATH, values: VALUES }, input, { workers: 0 });
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    const inWorkers = await safeSweepAsync(plan, { path: PATH, values: VALUES }, input, { workers: 2 });
    const noWorkers = await sweepAsync(plan, { path: PATH, values: VALUES }, input, { workers: 0 });
    clearInterval(timer);
    if (!inThread.ok || !inWorkers.ok) throw new Error("sweep failed");
    expect(canonicalJson(inWorkers.value)).toBe(canonicalJson(inThread.value));
    expect(canonicalJson(noWorkers)).toBe(canonicalJson(inThread.value));
    // The caller's timers ran while the sweep computed (a blocking sweep gives them no turn at all).
    expect(turns).toBeGreaterThan(0);
    // Bad input is a result, not a rejection; the throwing form rejects with every issue.
    const bad = await safeSweepAsync(plan, { path: "bonuses[", values: ["1"] }, input);
    expect(bad.ok ? [] : bad.issues.map((i) => i.code)).toEqual(["CHANGE_PATH_SYNTAX"]);
    await expect(sweepAsync(plan, { path: "bonuses[", values: ["1"] }, input)).rejects.toMatchObject({ name: "CompplanError" });
  });

  it("accepts a prepared input, and says which measures it lacks", async () => {
    const expected = safeSweep(plan, { path: PATH, values: VALUES }, input, { workers: 0 });
    const prepared = safePrepareInput(input, new Set(orderMeasures(plan)));
    if (!expected.ok || !prepared.ok) throw new Error("prepare failed");
    const sync = safeSweep(plan, { path: PATH, values: VALUES }, prepared.value);
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const async = await safeSweepAsync(plan, { path: PATH, values: VALUES }, prepared.value, { workers: 2 });
    clearInterval(timer);
    // In the calling thread, but one run per event-loop turn: the caller's timers ran in between.
    expect(turns).toBeGreaterThan(0);
    if (!sync.ok || !async.ok) throw new Error("sweep failed");
    expect(canonicalJson(sync.value)).toBe(canonicalJson(expected.value));
    expect(canonicalJson(async.value)).toBe(canonicalJson(expected.value));
    // The same input, as if prepared for the measures CV and PV only (the plan also counts RETAIL).
    const partial = { ...prepared.value, measures: new Set(["CV", "PV"]) };
    const r = safeSweep(plan, { path: PATH, values: VALUES }, partial);
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path])).toEqual([["INPUT_INVALID_FIELD", ["measures"]]]);
  });

  it("stops an asynchronous sweep when its signal aborts", async () => {
    const controller = new AbortController();
    const running = safeSweepAsync(plan, { path: PATH, values: VALUES }, input, { workers: 2, signal: controller.signal });
    controller.abort(new Error("stopped by the caller"));
    await expect(running).rejects.toThrow("stopped by the caller");
    const inThread = safeSweepAsync(plan, { path: PATH, values: VALUES }, input, { workers: 0, signal: controller.signal });
    await expect(inThread).rejects.toThrow("stopped by the caller");
  });
});
