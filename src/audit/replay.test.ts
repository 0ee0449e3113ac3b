// Replay: an untouched run replays; each tamper (an edited amount, a removed line, an edited plan rate, a
// changed order, a swapped input file, and more) is caught, and the first difference names the member,
// line, field, recorded and recomputed values. The run is the explain golden scenario
// (golden/starter-scenario.ts), whose figures are derived by hand there.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { calculate, canonicalJson, parsePlan } from "../index.js";
import { type RunBundle, bundleFingerprint, bundleJson, createBundle } from "./bundle.js";
import { statementsCsv } from "./csv.js";
import { fingerprintPlan } from "./fingerprint.js";
import { SCENARIO, STARTER_PLAN } from "./golden/starter-scenario.js";
import { type ReplayInputs, formatReplayReport, replay, safeReplay } from "./replay.js";

const plan = parsePlan(readFileSync(STARTER_PLAN, "utf8"));
const run = calculate(plan, SCENARIO);
const embedded = createBundle(run, SCENARIO, { embedInputs: true });
const plain = createBundle(run, SCENARIO);
const statements = Array.from(run.statements(), (s) => `${canonicalJson(s)}\n`).join("");
const csv = Array.from(statementsCsv(run, embedded.fingerprint)).join("");
const summary = JSON.parse(canonicalJson(run.summary, 2)) as unknown;
const recorded: ReplayInputs = { statements: [statements], summary, csv: [csv] };
const ids = run.memberIds(); // A, B, BB, C, C1, C2, C3, C4, Q, R, U
const lineOf = (id: string) => ids.indexOf(id) + 1;

/** The bundle as a plain object an editor could change, as if read from bundle.json. */
const editable = (b: RunBundle) => JSON.parse(bundleJson(b)) as Record<string, any>;
/** Edits one member's statement in the NDJSON text. */
function editStatement(id: string, edit: (s: Record<string, any>) => void): string {
  return statements
    .split("\n")
    .map((line) => {
      if (line === "") return line;
      const s = JSON.parse(line) as Record<string, any>;
      if (s.memberId !== id) return line;
      edit(s);
      return canonicalJson(s);
    })
    .join("\n");
}

describe("replay of an untouched run", () => {
  it("verifies plan, members, orders, statements, summary, CSV and the bundle fingerprint", () => {
    const report = replay(bundleJson(embedded), recorded);
    expect(report.ok).toBe(true);
    expect(report.differences).toEqual([]);
    expect(report.verified.map((v) => v.check)).toEqual(["plan", "members", "orders", "statements", "summary", "csv", "bundle"]);
    expect(report.verified[3]?.message).toContain("11 recomputed, byte for byte identical");
    expect(formatReplayReport(report)).toMatch(/^replay: verified, no difference\n/);
  });

  it("with the inputs given instead of embedded, in another row order and as JSON numbers", () => {
    const orders = [...SCENARIO.orders].reverse().map((o) => ({ ...o, volumes: Object.fromEntries(Object.entries(o.volumes).map(([k, v]) => [k, Number(v)])) }));
    const report = replay(plain, { ...recorded, members: [...SCENARIO.members].reverse(), orders });
    expect(report.ok).toBe(true);
    expect(report.verified[1]?.message).toContain("11 rows given");
  });
});

describe("replay catches and names each tamper", () => {
  it("an edited amount: member, line, line item, field, recorded and recomputed values", () => {
    const text = editStatement("A", (s) => {
      s.lines[2].amount = "8.05"; // the compressed line: 160.9 × 5% = 8.045 → 8.04
    });
    const report = replay(embedded, { ...recorded, statements: [text] });
    expect(report.ok).toBe(false);
    expect(report.differences[0]).toMatchObject({ check: "statements", memberId: "A", line: lineOf("A"), lineItem: 2, field: "lines[2].amount", expected: "8.05", actual: "8.04" });
    expect(formatReplayReport(report)).toContain("first difference: member A, line 1 of the recorded statements: lines[2].amount is \"8.05\" but the replay computes \"8.04\"");
  });

  it("a removed line item, and a removed statement", () => {
    let removed: unknown;
    const text = editStatement("A", (s) => {
      removed = s.lines.splice(3, 1)[0]; // level 3: C2's CV 80 × 4% = 3.20
    });
    const first = replay(embedded, { ...recorded, statements: [text] }).differences[0];
    expect(first).toMatchObject({ check: "statements", memberId: "A", lineItem: 3, field: "lines[3]", actual: canonicalJson(removed) });
    const withoutC2 = statements
      .split("\n")
      .filter((l) => !l.startsWith('{"bonuses":{"unilevel"') || !l.includes('"memberId":"C2"'))
      .join("\n");
    expect(withoutC2.split("\n").length).toBe(statements.split("\n").length - 1);
    const report = replay(embedded, { ...recorded, statements: [withoutC2] });
    expect(report.differences[0]).toMatchObject({ check: "statements", memberId: "C2", field: "memberId", expected: null, actual: "C2", line: lineOf("C2") });
    // The members after C2 are still matched, one line earlier: only C2 is reported.
    expect(report.differences.filter((d) => d.check === "statements" && d.field !== "statements.fingerprint" && d.field !== "statements.ndjson").map((d) => d.memberId)).toEqual(["C2"]);
  });

  it("an edited plan rate: the plan fingerprint, then the statements it changes", () => {
    const b = editable(embedded);
    expect(b.plan.canonical.bonuses[0].schedule[2].rank).toBe("Bronze");
    b.plan.canonical.bonuses[0].schedule[2].rates[0] = "0.06";
    const report = replay(b, recorded);
    expect(report.differences[0]).toMatchObject({ check: "plan", field: "plan.fingerprint", expected: embedded.plan.fingerprint });
    // A is Bronze: level 1 becomes 200 × 6% = 12.00, so the unilevel subtotal 112.44 + 2.00 = 114.44.
    expect(report.differences.find((d) => d.check === "statements")).toMatchObject({ memberId: "A", field: "bonuses.unilevel", expected: "112.44", actual: "114.44" });
    expect(report.differences.at(-1)).toMatchObject({ check: "bundle", field: "fingerprint" });
  });

  it("an edited plan rate with every fingerprint forged: the statements still differ", () => {
    const b = editable(embedded);
    b.plan.canonical.bonuses[0].schedule[2].rates[0] = "0.06";
    b.plan.fingerprint = fingerprintPlan(parsePlan(b.plan.canonical));
    b.fingerprint = bundleFingerprint(b as RunBundle);
    const report = replay(b, recorded);
    expect(report.differences[0]).toMatchObject({ check: "statements", memberId: "A", line: 1, field: "bonuses.unilevel", expected: "112.44", actual: "114.44" });
  });

  it("a changed order: the orders fingerprint, the order and field, then the statements", () => {
    const orders = SCENARIO.orders.map((o) => (o.id === "o-c2" ? { ...o, volumes: { ...o.volumes, CV: "90" } } : o));
    const report = replay(embedded, { ...recorded, members: SCENARIO.members, orders });
    expect(report.differences[0]).toMatchObject({ check: "orders", field: "inputs.orders.fingerprint", expected: embedded.inputs.orders.fingerprint });
    expect(report.differences[1]).toMatchObject({ check: "orders", orderId: "o-c2", field: "volumes.CV", expected: "80", actual: "90" });
    // C2's CV is at A's level 3: 90 × 4% = 3.60 instead of 3.20.
    expect(report.differences.find((d) => d.check === "statements")).toMatchObject({ memberId: "A", field: "bonuses.unilevel", expected: "112.44", actual: "112.84" });
    // Without the rows embedded, the fingerprint still catches it.
    const alone = replay(plain, { ...recorded, members: SCENARIO.members, orders });
    expect(alone.differences[0]).toMatchObject({ check: "orders", field: "inputs.orders.fingerprint" });
  });

  it("a swapped input file: orders given as members are invalid input; another period's members are named", () => {
    const swapped = safeReplay(plain, { ...recorded, members: SCENARIO.orders, orders: SCENARIO.members });
    expect(swapped.ok).toBe(false);
    if (!swapped.ok) expect(new Set(swapped.issues.map((i) => i.code))).toContain("INPUT_UNKNOWN_COLUMN");
    // Valid members from elsewhere: the same ids, but C4 sponsored by C instead of C3.
    const members = SCENARIO.members.map((m) => (m.id === "C4" ? { ...m, sponsorId: "C" } : m));
    const report = replay(embedded, { ...recorded, members, orders: SCENARIO.orders });
    expect(report.differences[0]).toMatchObject({ check: "members", field: "inputs.members.fingerprint" });
    expect(report.differences[1]).toMatchObject({ check: "members", memberId: "C4", field: "sponsorId", expected: "C3", actual: "C" });
  });

  it("rows edited inside the bundle", () => {
    const b = editable(embedded);
    b.inputs.orders.rows[0].volumes.CV = "81";
    const report = replay(b, recorded);
    expect(report.differences[0]).toMatchObject({ check: "orders", field: "inputs.orders.fingerprint" });
    expect(report.differences[0]?.message).toContain("embedded in the bundle do not match");
  });

  it("an edited summary, an edited CSV amount, an edited engine version", () => {
    const s = JSON.parse(JSON.stringify(summary)) as Record<string, any>;
    s.total = "0.00";
    expect(replay(embedded, { ...recorded, summary: s }).differences[0]).toMatchObject({ check: "summary", field: "summary.total", expected: "0.00", actual: run.summary.total });
    const rows = csv.split("\r\n");
    const at = rows.findIndex((r) => r.startsWith("total,,,,A,"));
    rows[at] = (rows[at] as string).replace("112.44", "212.44");
    const report = replay(embedded, { ...recorded, csv: [rows.join("\r\n")] });
    expect(report.differences[0]).toMatchObject({ check: "csv", memberId: "A", line: at + 1, field: "amount", expected: "212.44", actual: "112.44" });
    const b = editable(embedded);
    b.engine.version = "9.9.9";
    const v = replay(b, recorded);
    expect(v.differences.map((d) => [d.check, d.field])).toEqual([["bundle", "fingerprint"]]);
    expect(v.notes).toEqual(["the run was computed by compplan 9.9.9; this is 0.1.0"]);
  });

  it("statements given in any split, and a file without its final line feed", () => {
    const pieces = statements.match(/[\s\S]{1,37}/g) as string[];
    expect(replay(embedded, { ...recorded, statements: pieces }).ok).toBe(true);
    const cut = replay(embedded, { ...recorded, statements: [statements.slice(0, -1)] });
    expect(cut.differences.map((d) => d.field)).toEqual(["statements.ndjson"]);
  });
});

describe("replay without what it needs", () => {
  it("reports missing inputs and an invalid bundle as coded issues", () => {
    const r = safeReplay(plain, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => [i.code, i.path])).toEqual([
      ["AUDIT_INPUT_MISSING", ["inputs", "members"]],
      ["AUDIT_INPUT_MISSING", ["inputs", "orders"]],
    ]);
    const b = editable(embedded);
    b.plan.canonical.currency = "dollars";
    const bad = safeReplay(b);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]).toMatchObject({ code: "AUDIT_BUNDLE_INVALID", path: ["plan", "canonical", "currency"] });
    expect(() => replay("[]")).toThrow(/AUDIT_BUNDLE_INVALID/);
  });
});
