// The placement tree (docs/plan-language.md "The two trees" and "`unilevel`", `tree: placement`): example
// tests at each rule's boundary, every figure worked by hand from the docs. The random cases are in the
// differential test (placement trees drawn by test/arbitraries/inputs.ts).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type MemberInput,
  type OrderInput,
  calculate,
  calculatePrepared,
  createBundle,
  explain,
  fingerprintInput,
  parsePlan,
  prepareFiles,
  replay,
  safeCalculate,
  safeParsePlan,
} from "../src/index.js";

const plan = (tree: "sponsor" | "placement", compression: "none" | "dynamic", width = 2) =>
  parsePlan({
    compplan: 1,
    id: "p",
    currency: "USD",
    payoutBasis: "PV",
    measures: { PV: { counts: ["personal-consumption"] } },
    qualification: { personal: { measure: "PV", minimum: "100" } },
    placement: { width },
    bonuses: [{ key: "u", kind: "unilevel", measure: "PV", compression, unqualifiedVolumePays: false, tree, schedule: [{ rates: ["0.10", "0.05", "0.02"] }] }],
  });

// R sponsors everyone (a star), but the placement tree is a chain R ← A ← B ← C ← D, each on leg L.
const chain = (status: Partial<Record<string, "suspended">> = {}): MemberInput[] => [
  { id: "R", sponsorId: null, joinDate: "2025-01-01" },
  { id: "A", sponsorId: "R", joinDate: "2025-01-01", placementId: "R", leg: "L", ...(status.A ? { status: status.A } : {}) },
  { id: "B", sponsorId: "R", joinDate: "2025-01-01", placementId: "A", leg: "L", ...(status.B ? { status: status.B } : {}) },
  { id: "C", sponsorId: "R", joinDate: "2025-01-01", placementId: "B", leg: 1, ...(status.C ? { status: status.C } : {}) },
  { id: "D", sponsorId: "R", joinDate: "2025-01-01", placementId: "C", leg: "1", ...(status.D ? { status: status.D } : {}) },
];
const orders = (ids: readonly string[]): OrderInput[] =>
  ids.map((m, i) => ({ id: `o${i}`, memberId: m, kind: "personal-consumption", date: "2026-10-01", volumes: { PV: "100" } }));
const input = (members: MemberInput[]) => ({ period: "2026-10", members, orders: orders(members.map((m) => m.id)) });
const lines = (run: ReturnType<typeof calculate>, id: string) => run.statement(id)?.lines.map((l) => [l.level, l.compressed, l.source, l.amount]);

describe("unilevel on the placement tree", () => {
  it("follows the placement chain, not the sponsor tree", () => {
    const run = calculate(plan("placement", "none"), input(chain()));
    // Each member's 100 PV pays its placement upline 10%, 5%, 2%.
    expect(lines(run, "D")).toEqual([]);
    expect(lines(run, "C")).toEqual([[1, false, "D", "10.00"]]);
    expect(lines(run, "B")).toEqual([[1, false, "C", "10.00"], [2, false, "D", "5.00"]]);
    expect(lines(run, "A")).toEqual([[1, false, "B", "10.00"], [2, false, "C", "5.00"], [3, false, "D", "2.00"]]);
    expect(lines(run, "R")).toEqual([[1, false, "A", "10.00"], [2, false, "B", "5.00"], [3, false, "C", "2.00"]]);
    // On the sponsor tree (a star) only R is paid: 10% of A, B, C and D, all at level 1.
    const sponsor = calculate(plan("sponsor", "none"), input(chain()));
    expect(sponsor.statement("R")?.lines.map((l) => [l.level, l.sources, l.amount])).toEqual([[1, 4, "40.00"]]);
    expect(lines(sponsor, "A")).toEqual([]);
  });

  it("compresses over an unqualified member on the placement chain", () => {
    // B is suspended, so not qualified: its own volume pays no one; dynamic compression skips it.
    const run = calculate(plan("placement", "dynamic"), input(chain({ B: "suspended" })));
    expect(lines(run, "C")).toEqual([[1, false, "D", "10.00"]]);
    expect(lines(run, "B")).toEqual([]);
    // A takes level 1 of C (distance 2) and level 2 of D (distance 3), both compressed.
    expect(lines(run, "A")).toEqual([[1, true, "C", "10.00"], [2, true, "D", "5.00"]]);
    // R: level 1 of A (direct), level 2 of C (distance 3), level 3 of D (distance 4).
    expect(lines(run, "R")).toEqual([[1, false, "A", "10.00"], [2, true, "C", "5.00"], [3, true, "D", "2.00"]]);
    // Without compression B holds its levels unpaid (upline-unqualified): C's level 1, D's level 2.
    const none = calculate(plan("placement", "none"), input(chain({ B: "suspended" })));
    expect(lines(none, "A")).toEqual([[2, false, "C", "5.00"], [3, false, "D", "2.00"]]);
    expect(none.summary.bonuses[0]?.accounting?.breakage["upline-unqualified"]).toBe("15.00");
  });

  it("explains placement levels in placement words, matching the statement", () => {
    const run = calculate(plan("placement", "dynamic"), input(chain({ B: "suspended" })));
    const notes = explain(run, "R").bonuses[0]?.lines.map((l) => l.explanation);
    expect(notes).toEqual([
      "10% of PV 100 from 1 member placed directly below you, at level 1",
      "5% of PV 100 from 1 member more than 2 levels below you in the placement tree, at level 2 by dynamic compression (unqualified members between were skipped)",
      "2% of PV 100 from 1 member more than 3 levels below you in the placement tree, at level 3 by dynamic compression (unqualified members between were skipped)",
    ]);
  });
});

describe("the plan's placement width", () => {
  // Under R: A on leg 1, B on leg 2, C on leg 3.
  const wide = (leg: number): MemberInput[] => [
    { id: "R", sponsorId: null, joinDate: "2025-01-01" },
    { id: "A", sponsorId: "R", joinDate: "2025-01-01", placementId: "R", leg: 1 },
    { id: "B", sponsorId: "R", joinDate: "2025-01-01", placementId: "R", leg: 2 },
    { id: "C", sponsorId: "R", joinDate: "2025-01-01", placementId: "R", leg },
  ];

  it("a member exactly at the width is placed; one beyond it is PLACEMENT_TOO_WIDE at its row, file and line", () => {
    const at = safeCalculate(plan("placement", "none", 3), input(wide(3)));
    expect(at.ok).toBe(true);
    if (at.ok) expect(lines(at.value, "R")).toEqual([[1, false, undefined, "30.00"]]);
    const origins = [2, 3, 4, 5].map((line) => ({ file: "members.csv", line }));
    const beyond = safeCalculate(plan("placement", "none", 3), input(wide(4)), { memberOrigins: origins });
    expect(beyond.ok ? [] : beyond.issues).toEqual([
      { code: "PLACEMENT_TOO_WIDE", path: ["members", 3, "leg"], message: 'member "C" is on leg 4, but the plan\'s placement tree is 3 wide (placement.width)', value: 4, file: "members.csv", line: 5 },
    ]);
  });

  it("a plan without placement ignores the input's placement tree", () => {
    const { placement: _, ...rest } = plan("sponsor", "none");
    const withTree = calculate(parsePlan(rest), input(wide(7)));
    const members = wide(7).map(({ placementId: _p, leg: _l, ...m }) => m);
    const without = calculate(parsePlan(rest), input(members));
    expect(Array.from(withTree.statementsJson())).toEqual(Array.from(without.statementsJson()));
  });

  it("tree: placement needs the plan's placement key", () => {
    const { placement: _, ...rest } = plan("placement", "none");
    const r = safeParsePlan(rest);
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path])).toEqual([["PLAN_INVALID_VALUE", ["bonuses", 0, "tree"]]]);
  });

  it("the root alone is its own placement tree", () => {
    const r = safeCalculate(plan("placement", "none"), input([{ id: "R", sponsorId: null, joinDate: "2025-01-01" }]));
    expect(r.ok).toBe(true);
  });
});

describe("fingerprints and replay of a placement tree", () => {
  const P = plan("placement", "dynamic");
  it("L and 1 fingerprint alike; the placement is part of the members' fingerprint", () => {
    const asNumbers = chain().map((m) => (m.leg === "L" ? { ...m, leg: 1 } : m));
    expect(fingerprintInput(P, input(asNumbers)).members).toBe(fingerprintInput(P, input(chain())).members);
    const moved = chain().map((m) => (m.id === "D" ? { ...m, leg: "R" } : m));
    expect(fingerprintInput(P, input(moved)).members).not.toBe(fingerprintInput(P, input(chain())).members);
  });

  it("a bundle with embedded rows replays, and its fingerprint is the input's", () => {
    const run = calculate(plan("placement", "dynamic"), input(chain({ B: "suspended" })));
    const bundle = createBundle(run, input(chain({ B: "suspended" })), { embedInputs: true });
    expect(bundle.inputs.members.fingerprint).toBe(fingerprintInput(P, input(chain({ B: "suspended" }))).members);
    expect(bundle.inputs.members.rows?.find((m) => m.id === "D")).toEqual({ id: "D", joinDate: "2025-01-01", leg: 1, placementId: "C", sponsorId: "R", status: "enrolled" });
    const report = replay(bundle, { statements: [Array.from(run.statementsJson(), (s) => `${s}\n`).join("")] });
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("members.csv with placementId and leg columns is read (by the general path)", () => {
    const dir = mkdtempSync(join(tmpdir(), "compplan-placement-"));
    try {
      const rows = chain().map((m) => `${m.id},${m.sponsorId ?? ""},${m.joinDate},${m.placementId ?? ""},${m.leg ?? ""}`);
      writeFileSync(join(dir, "members.csv"), `id,sponsorId,joinDate,placementId,leg\n${rows.join("\n")}\n`);
      writeFileSync(join(dir, "orders.csv"), `id,memberId,kind,date,PV\n${chain().map((m, i) => `o${i},${m.id},personal-consumption,2026-10-01,100`).join("\n")}\n`);
      const prepared = prepareFiles({ period: "2026-10", members: join(dir, "members.csv"), orders: join(dir, "orders.csv") }, { measures: ["PV"] });
      const run = calculatePrepared(plan("placement", "none"), prepared);
      expect(lines(run, "A")).toEqual([[1, false, "B", "10.00"], [2, false, "C", "5.00"], [3, false, "D", "2.00"]]);
      // A leg beyond the width names the file and line.
      writeFileSync(join(dir, "members.csv"), `id,sponsorId,joinDate,placementId,leg\n${rows.join("\n")}\nE,R,2025-01-01,D,3\n`);
      const again = prepareFiles({ period: "2026-10", members: join(dir, "members.csv"), orders: join(dir, "orders.csv") }, { measures: ["PV"] });
      expect(() => calculatePrepared(plan("placement", "none"), again)).toThrow(/PLACEMENT_TOO_WIDE at members\[5\]\.leg \(.*members\.csv:7\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
