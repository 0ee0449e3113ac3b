// Member-given ranks (the members' `rank` field) at their boundaries, by example. Expected values come from
// docs/plan-language.md ("Given ranks"), worked by hand in the comments; the reference engine
// (test/reference, written from the docs) is held to the same figures.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type MemberInput,
  type OrderInput,
  type Plan,
  calculate,
  canonicalJson,
  createBundle,
  explain,
  fingerprintInput,
  formatExplanation,
  parsePlan,
  replay,
  safeCalculatePrepared,
  safePrepareFiles,
  safePrepareInput,
} from "../index.js";
import { referenceCalculate } from "../../test/reference/engine.js";

const PERIOD = "2026-10";

// Bronze: PV 100. Silver: PV 100 and group PV 500. Gold: as Silver, and 2 legs holding Silver.
const planText = (givenRank?: string) => `
compplan: 1
id: given-ranks
currency: USD
payoutBasis: PV
measures: { PV: { counts: [personal-consumption] } }
ranks:
  - name: Bronze
    requires: { personal: { measure: PV, minimum: "100" } }
  - name: Silver
    requires: { personal: { measure: PV, minimum: "100" }, group: { measure: PV, minimum: "500" } }
  - name: Gold
    requires:
      personal: { measure: PV, minimum: "100" }
      group: { measure: PV, minimum: "500" }
      legs: [{ count: 2, rank: Silver }]
bonuses:
  - key: rank-bonus
    kind: rank-bonus
    amounts: { Bronze: "10.00", Silver: "50.00", Gold: "200.00" }
${givenRank === undefined ? "" : `givenRank: ${givenRank}\n`}`;

const FLOOR = parsePlan(planText());
const PAID_AS = parsePlan(planText("paid-as"));

// A ─ B ─ D ─ E (deep in B's leg)
//   └ C ─ F
// PV: A 100, B 100, C 500, D 0, E 10, F 0. Groups: A 710, B 110, C 500, D 10, E 10, F 0.
// Computed: A Silver (group 710; legs holding Silver: only C), B Bronze (group 110), C Silver, D, E, F none.
const TREE: [string, string | null, string][] = [
  ["A", null, "100"],
  ["B", "A", "100"],
  ["C", "A", "500"],
  ["D", "B", "0"],
  ["E", "D", "10"],
  ["F", "C", "0"],
];

function input(given: Record<string, string> = {}): { period: string; members: MemberInput[]; orders: OrderInput[] } {
  return {
    period: PERIOD,
    members: TREE.map(([id, sponsorId]) => ({ id, sponsorId, joinDate: "2024-01-01", ...(given[id] !== undefined ? { rank: given[id] } : {}) })),
    orders: TREE.filter(([, , pv]) => pv !== "0").map(([id, , pv]) => ({ id: `o-${id}`, memberId: id, kind: "personal-consumption", date: "2026-10-05", volumes: { PV: pv } })),
  };
}

/** Paid-as rank and total per member, from the fast engine; the reference engine must give the same statements. */
function paid(plan: Plan, given: Record<string, string> = {}): Record<string, [string | null, string]> {
  const run = calculate(plan, input(given));
  const statements = Array.from(run.statements());
  const ref = referenceCalculate(plan, input(given));
  expect(statements.map((s) => canonicalJson(s))).toEqual(ref.statements.map((s) => canonicalJson(s)));
  expect(canonicalJson(run.summary)).toBe(canonicalJson(ref.summary));
  expect(Array.from(run.statementsJson())).toEqual(statements.map((s) => canonicalJson(s)));
  return Object.fromEntries(statements.map((s) => [s.memberId, [s.rank.paidAs, s.total]]));
}

describe("given ranks", () => {
  it("without any, ranks are computed (the baseline the cases below change)", () => {
    expect(paid(FLOOR)).toEqual({ A: ["Silver", "50.00"], B: ["Bronze", "10.00"], C: ["Silver", "50.00"], D: [null, "0.00"], E: [null, "0.00"], F: [null, "0.00"] });
  });

  it("floor below the computed rank changes nothing (C computed Silver, given Bronze)", () => {
    const r = paid(FLOOR, { C: "Bronze" });
    expect(r.C).toEqual(["Silver", "50.00"]);
    const c = Array.from(calculate(FLOOR, input({ C: "Bronze" })).statements()).find((s) => s.memberId === "C");
    expect(c?.rank.given).toBe("Bronze");
    // The paid-as rank's requirements are all met: Silver was computed.
    expect(c?.rank.requirements?.every((d) => d.met)).toBe(true);
  });

  it("floor above the computed rank raises it, and the upline sees it (B computed Bronze, given Gold)", () => {
    // B is paid as Gold (200.00); A's leg B now holds Gold ≥ Silver and leg C holds Silver: A reaches Gold.
    expect(paid(FLOOR, { B: "Gold" })).toEqual({ A: ["Gold", "200.00"], B: ["Gold", "200.00"], C: ["Silver", "50.00"], D: [null, "0.00"], E: [null, "0.00"], F: [null, "0.00"] });
    const b = Array.from(calculate(FLOOR, input({ B: "Gold" })).statements()).find((s) => s.memberId === "B");
    // The statement shows Gold's requirements as B meets them: group 110 of 500, no leg holding Silver.
    expect(b?.rank.requirements?.map((d) => [d.requirement, d.actual, d.met])).toEqual([
      ["qualified", "yes", true],
      ["personal", "100", true],
      ["group", "110", false],
      ["legs", "0", false],
    ]);
  });

  it("paid-as below the computed rank lowers it, and the upline loses the leg (C computed Silver, given Bronze)", () => {
    // C is paid as Bronze (10.00); A's legs hold Silver: none (B holds Bronze, C Bronze). A stays Silver.
    expect(paid(PAID_AS, { C: "Bronze" })).toEqual({ A: ["Silver", "50.00"], B: ["Bronze", "10.00"], C: ["Bronze", "10.00"], D: [null, "0.00"], E: [null, "0.00"], F: [null, "0.00"] });
  });

  it("paid-as of a member without a given rank is computed as usual, and paid-as above the computed rank raises it", () => {
    expect(paid(PAID_AS, { D: "Bronze" })).toEqual({ A: ["Silver", "50.00"], B: ["Bronze", "10.00"], C: ["Silver", "50.00"], D: ["Bronze", "10.00"], E: [null, "0.00"], F: [null, "0.00"] });
  });

  it("a given rank deep in a leg satisfies the upline's leg requirement (E, two levels below B, given Silver)", () => {
    // E is paid as Silver: B's leg (B, D, E) holds Silver, C's leg holds Silver: A has 2 legs and reaches Gold.
    // B and D have E below them but are computed as before (B Bronze, D none): a leg rank is not theirs.
    for (const plan of [FLOOR, PAID_AS]) {
      expect(paid(plan, { E: "Silver" })).toEqual({ A: ["Gold", "200.00"], B: ["Bronze", "10.00"], C: ["Silver", "50.00"], D: [null, "0.00"], E: ["Silver", "50.00"], F: [null, "0.00"] });
    }
  });

  it("statements of members without a given rank have no `given`; empty and null mean none", () => {
    const plain = Array.from(calculate(FLOOR, input()).statementsJson());
    const withEmpty = calculate(FLOOR, { ...input(), members: input().members.map((m) => ({ ...m, rank: m.id === "A" ? "" : null })) });
    expect(Array.from(withEmpty.statementsJson())).toEqual(plain);
    expect(plain.some((s) => s.includes('"given"'))).toBe(false);
    const withB = Array.from(calculate(FLOOR, input({ B: "Bronze" })).statementsJson());
    expect(withB[1]).toContain('"rank":{"given":"Bronze","next":{"name":"Silver"');
    expect(withB.filter((_, i) => i !== 1)).toEqual(plain.filter((_, i) => i !== 1));
  });
});

describe("a given rank the plan does not have", () => {
  const dir = mkdtempSync(join(tmpdir(), "compplan-given-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is MEMBER_UNKNOWN_RANK with the file, line and field when the plan runs (fast CSV path and general path)", () => {
    const orders = join(dir, "orders.csv");
    writeFileSync(orders, "id,memberId,kind,date,PV\no1,A,personal-consumption,2026-10-01,100\n");
    // A blank line before C's row: the line is the file's, not the row's index.
    const csv = join(dir, "members.csv");
    writeFileSync(csv, "id,sponsorId,joinDate,rank\nA,,2024-01-01,\nB,A,2024-01-01,Silver\n\nC,A,2024-01-01,Platinum\n");
    const json = join(dir, "members.json");
    writeFileSync(json, '[\n{"id":"A","joinDate":"2024-01-01"},\n{"id":"B","sponsorId":"A","joinDate":"2024-01-01","rank":"Silver"},\n{"id":"C","sponsorId":"A","joinDate":"2024-01-01","rank":"Platinum"}\n]\n');
    for (const [members, line] of [[csv, 5], [json, 4]] as const) {
      const prepared = safePrepareFiles({ period: PERIOD, members, orders }, { measures: ["PV"] });
      if (!prepared.ok) throw new Error(JSON.stringify(prepared.issues));
      // A prepared input does not know the plan: a plan with the rank runs, one without it does not.
      expect(safeCalculatePrepared(parsePlan(planText().replace("name: Gold", "name: Platinum").replace('Gold: "200.00"', 'Platinum: "200.00"')), prepared.value).ok).toBe(true);
      const r = safeCalculatePrepared(FLOOR, prepared.value);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.issues).toEqual([
        {
          code: "MEMBER_UNKNOWN_RANK",
          path: ["members", 2, "rank"],
          message: 'member "C" is given rank "Platinum", which is not a rank of the plan (ranks: Bronze, Silver, Gold)',
          value: "Platinum",
          file: members,
          line,
        },
      ]);
    }
  });

  it("names the closest rank, and says so when the plan has no ranks", () => {
    const r = safeCalculatePrepared(FLOOR, prepare({ B: "Silvr" }));
    expect(r.ok ? "" : r.issues[0]?.message).toBe('member "B" is given rank "Silvr", which is not a rank of the plan (did you mean "Silver"? ranks: Bronze, Silver, Gold)');
    const none = parsePlan(planText().replace(/ranks:[\s\S]*?bonuses:[\s\S]*$/, "bonuses: []\n"));
    const r2 = safeCalculatePrepared(none, prepare({ B: "Silver" }));
    expect(r2.ok ? "" : r2.issues[0]?.message).toBe('member "B" is given rank "Silver", which is not a rank of the plan (the plan has no ranks)');
  });

  it("a rank that is not a rank name at all is INPUT_INVALID_FIELD when the input is prepared", () => {
    const r = safePrepareInput({ ...input(), members: input().members.map((m) => (m.id === "B" ? { ...m, rank: " Gold" } : m)) }, new Set(["PV"]));
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path])).toEqual([["INPUT_INVALID_FIELD", ["members", 1, "rank"]]]);
  });
});

function prepare(given: Record<string, string>) {
  const r = safePrepareInput(input(given), new Set(["PV"]));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

describe("given ranks and the what-if reuse of ranks", () => {
  it("a plan that changes only givenRank on the same prepared input recomputes the ranks", () => {
    const prepared = prepare({ C: "Bronze" });
    const a = safeCalculatePrepared(FLOOR, prepared);
    const b = safeCalculatePrepared(PAID_AS, prepared);
    if (!a.ok || !b.ok) throw new Error("calculate");
    expect(b.value.work["volumes:members"]).toBeGreaterThan(0); // not reused
    const rankOf = (run: typeof a.value, id: string) => Array.from(run.statements()).find((s) => s.memberId === id)?.rank.paidAs;
    expect(rankOf(a.value, "C")).toBe("Silver");
    expect(rankOf(b.value, "C")).toBe("Bronze");
    expect(Array.from(b.value.statementsJson())).toEqual(Array.from(calculate(PAID_AS, input({ C: "Bronze" })).statementsJson()));
    // An explicit `givenRank: floor` is the default: the ranks are reused.
    const c = safeCalculatePrepared(parsePlan(planText("floor")), prepared);
    const d = safeCalculatePrepared(FLOOR, prepared);
    if (!c.ok || !d.ok) throw new Error("calculate");
    expect(d.value.work["volumes:members"]).toBeUndefined();
  });
});

describe("given ranks in fingerprints and explanations", () => {
  it("the members fingerprint covers a given rank; none, empty and null keep the fingerprint without the field", () => {
    const base = fingerprintInput(FLOOR, input()).members;
    expect(fingerprintInput(FLOOR, { ...input(), members: input().members.map((m) => ({ ...m, rank: "" })) }).members).toBe(base);
    expect(fingerprintInput(FLOOR, { ...input(), members: input().members.map((m) => ({ ...m, rank: null })) }).members).toBe(base);
    expect(fingerprintInput(FLOOR, input({ B: "Gold" })).members).not.toBe(base);
    expect(fingerprintInput(FLOOR, input({ B: "Gold" })).members).not.toBe(fingerprintInput(FLOOR, input({ B: "Silver" })).members);
  });

  it("a bundle embeds the given ranks and replays from them; a replay with the ranks dropped differs", () => {
    const given = input({ B: "Gold" });
    const bundle = createBundle(calculate(FLOOR, given), given, { embedInputs: true });
    expect(bundle.inputs.members.rows?.find((m) => m.id === "B")).toEqual({ id: "B", joinDate: "2024-01-01", rank: "Gold", sponsorId: "A", status: "enrolled" });
    expect(bundle.inputs.members.rows?.find((m) => m.id === "A")).toEqual({ id: "A", joinDate: "2024-01-01", sponsorId: null, status: "enrolled" });
    expect(replay(bundle).ok).toBe(true);
    expect(replay(bundle, { members: input().members, orders: given.orders }).ok).toBe(false);
  });

  it("explain says how the given rank set the paid-as rank", () => {
    const floor = calculate(FLOOR, input({ B: "Gold", C: "Bronze" }));
    const b = explain(floor, "B").rank.given;
    expect(b).toEqual({ rank: "Gold", use: "floor", computed: "Bronze", reason: "given-rank-floor", message: "paid as Gold: rank given in the members file (floor); the requirements alone give Bronze" });
    expect(explain(floor, "C").rank.given?.reason).toBe("computed-rank-not-below-given");
    expect(explain(floor, "C").rank.given?.message).toBe("paid as Silver by the requirements, not below the rank Bronze given in the members file (floor)");
    expect(formatExplanation(explain(floor, "B"))).toContain("Paid-as rank: Gold\n  paid as Gold: rank given in the members file (floor); the requirements alone give Bronze\n");
    expect(explain(floor, "A").rank.given).toBeUndefined();
    const paidAs = calculate(PAID_AS, input({ C: "Bronze", E: "Bronze" }));
    expect(explain(paidAs, "C").rank.given?.message).toBe("paid as Bronze: rank given in the members file (paid-as); the requirements alone give Silver");
    expect(explain(paidAs, "E").rank.given?.computed).toBeNull();
  });
});
