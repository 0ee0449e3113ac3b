// Negative lines (caps, paycuts and clawbacks produce them): the statement, its bytes and the summary all
// carry them. No family emits one yet, so the test appends a line of -25.00 to a real run's line sink and
// finalizes the run again; the expected amounts are worked by hand from the plan below.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, calculate, canonicalJson, parsePlan, statementsCsv } from "../index.js";
import { ByteWriter } from "./bytes.js";
import { LINE_FIXED } from "./lines.js";
import { RunResult, type RunParts } from "./result.js";
import { settleAll } from "./settle.js";

const plan = (applies: "line" | "bonus") =>
  parsePlan(`
compplan: 1
id: negative-lines
currency: USD
money: { scale: 2, rounding: { mode: half-up, applies: ${applies} } }
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
ranks:
  - name: Bronze
    requires: { personal: { measure: PV, minimum: "100" } }
bonuses:
  - key: rank-bonus
    kind: rank-bonus
    amounts: { Bronze: "10.00" }
  - key: clawback
    kind: rank-bonus
    amounts: { Bronze: "0.01" }
`);

const members: MemberInput[] = [
  { id: "A", sponsorId: null, joinDate: "2024-01-01" },
  { id: "B", sponsorId: "A", joinDate: "2024-01-01" },
];
const orders: OrderInput[] = [{ id: "o1", memberId: "A", kind: "personal-consumption", date: "2026-10-03", volumes: { PV: "100" } }];

/** The run with one more fixed line for member `id` in bonus `bonus`, of `cents` (may be negative). */
function withLine(applies: "line" | "bonus", id: string, bonus: number, cents: number): RunResult {
  const run = calculate(plan(applies), { period: "2026-10", members, orders });
  const parts = (run as unknown as { parts: RunParts }).parts;
  const member = Array.from({ length: parts.genealogy.size }, (_, i) => i).find((i) => parts.genealogy.ids.at(i) === id) as number;
  // A fixed line holds its amount as the base (at VALUE_SCALE / RATE_SCALE: units of 10^-4) with a rate
  // of 10^6 (1 at RATE_SCALE): -25.00 is -250,000 base units.
  parts.lines.add(member, bonus, 0, LINE_FIXED, 0, -1, cents * 100, 1_000_000);
  return new RunResult({ ...parts, earnings: settleAll(parts.lines, parts.compiled.bonuses.length, parts.genealogy.size, parts.compiled) });
}

function bytesOf(run: RunResult): string {
  const chunks: Uint8Array[] = [];
  const w = new ByteWriter(new Uint8Array(ByteWriter.MIN_CAPACITY), (full) => {
    chunks.push(full.written().slice());
    full.pos = 0;
  });
  run.writeStatements(w);
  chunks.push(w.written());
  return Buffer.concat(chunks).toString("utf8");
}

describe.each(["line", "bonus"] as const)("a negative line (rounding per %s)", (applies) => {
  it("B, with no other line, shows clawback -25.00 and a total of -25.00, in objects and bytes", () => {
    const run = withLine(applies, "B", 1, -2500);
    const b = run.statement("B");
    expect(b?.bonuses).toEqual({ clawback: "-25.00" });
    expect(b?.total).toBe("-25.00");
    expect(b?.lines).toHaveLength(1);
    expect(b?.lines[0]).toMatchObject({ bonus: "clawback", amount: "-25.00" });
    // A: rank bonus 10.00 and clawback 0.01 from the plan; B: -25.00. Total 10.01 - 25.00 = -14.99.
    expect(run.summary.total).toBe("-14.99");
    expect(run.summary.bonuses.map((x) => x.amount)).toEqual(["10.00", "-24.99"]);
    expect(bytesOf(run)).toBe(Array.from(run.statements(), (s) => `${canonicalJson(s)}\n`).join(""));
  });

  it("the CSV export carries B's negative line, subtotal and total", () => {
    const run = withLine(applies, "B", 1, -2500);
    const csv = Array.from(statementsCsv(run, `sha256:${"0".repeat(64)}`)).join("");
    const rowsOfB = csv.split("\r\n").filter((row) => row.split(",").includes("B"));
    expect(rowsOfB.length).toBeGreaterThan(0);
    expect(rowsOfB.every((row) => row.includes("-25.00"))).toBe(true);
    expect(csv).toContain("-14.99"); // the run's total, in the head row
  });

  it("A's subtotal that a negative line brings to exactly zero is shown as 0.00, not dropped", () => {
    const run = withLine(applies, "A", 0, -1000);
    const a = run.statement("A");
    expect(a?.bonuses).toEqual({ "rank-bonus": "0.00", clawback: "0.01" });
    expect(a?.total).toBe("0.01");
    expect(bytesOf(run)).toBe(Array.from(run.statements(), (s) => `${canonicalJson(s)}\n`).join(""));
  });
});

describe("a subtotal whose lines' products leave the safe-integer range (rounding per bonus)", () => {
  it("is exact even when a negative line brings the sum back under the range", () => {
    const run = calculate(plan("bonus"), { period: "2026-10", members, orders });
    const parts = (run as unknown as { parts: RunParts }).parts;
    const b = Array.from({ length: parts.genealogy.size }, (_, i) => i).find((i) => parts.genealogy.ids.at(i) === "B") as number;
    // 9,000,000,000 × 1,000,000 + (−6,000,000,016,666,667 × 3) = −9,000,000,050,000,001 units of 10^-10:
    // −900,000.0050000001, more than half a cent past −900,000.00, so −900,000.01. The second product is
    // past 2^53, so a float sum is −900,000.005 exactly, a tie that half-even rounds to −900,000.00.
    parts.lines.add(b, 1, 0, 0, 0, -1, 9_000_000_000, 1_000_000);
    parts.lines.add(b, 1, 0, 0, 0, -1, -6_000_000_016_666_667, 3);
    const evenPlan = parsePlan(canonicalJson({ ...run.plan, money: { scale: 2, rounding: { mode: "half-even", applies: "bonus" } } }));
    const compiled = { ...parts.compiled, plan: evenPlan, rounding: "half-even" as const };
    const even = new RunResult({ ...parts, compiled, earnings: settleAll(parts.lines, compiled.bonuses.length, parts.genealogy.size, compiled) });
    expect(even.statement("B")?.bonuses.clawback).toBe("-900000.01");
    expect(bytesOf(even)).toBe(Array.from(even.statements(), (s) => `${canonicalJson(s)}\n`).join(""));
  });
});
