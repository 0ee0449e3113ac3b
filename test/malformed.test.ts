// Every issue code is reachable, and each points at the right place. One fixture per code; the last test
// fails when a code is added to ISSUE_CODES without a fixture here.
import { describe, expect, it } from "vitest";
import { ISSUE_CODES, type Issue, type IssueCode, type MemberInput, type OrderInput, parsePlan, safeCalculate, safeParsePlan } from "../src/index.js";
import { readRecords } from "../src/input/read.js";
import { BASE_PLAN, PERIOD, baseMembers, baseOrders } from "./fixtures/base.js";

type Case =
  | { code: IssueCode; plan: string; path: (string | number)[]; line?: number }
  | { code: IssueCode; members?: (m: MemberInput[]) => unknown[]; orders?: (o: OrderInput[]) => unknown[]; period?: string; path: (string | number)[] }
  | { code: IssueCode; file: string; kind: "members" | "orders"; name: string; path: (string | number)[]; line?: number };

const replace = (from: string, to: string) => {
  if (!BASE_PLAN.includes(from)) throw new Error(`fixture: "${from}" not in base plan`);
  return BASE_PLAN.replace(from, to);
};
const member = (m: Record<string, unknown>) => (ms: MemberInput[]) => [...ms, m];
const order = (o: Record<string, unknown>) => (os: OrderInput[]) => [...os, o];
const o4 = { id: "o4", memberId: "C", kind: "retail-sale", date: "2026-10-05", volumes: { PV: "10" } };

const CASES: Case[] = [
  { code: "PLAN_SYNTAX", plan: "compplan: 1\nid: [unclosed", path: [] },
  { code: "PLAN_DUPLICATE_KEY", plan: replace("currency: USD\n", "currency: USD\ncurrency: EUR\n"), path: ["currency"], line: 4 },
  { code: "PLAN_UNKNOWN_KEY", plan: replace("payoutBasis: CV", "payoutBasis: CV\npayotBasis: CV"), path: ["payotBasis"] },
  { code: "PLAN_MISSING_KEY", plan: replace("currency: USD\n", ""), path: ["currency"] },
  { code: "PLAN_INVALID_VALUE", plan: replace("compression: dynamic", "compression: sometimes"), path: ["bonuses", 0, "compression"] },
  { code: "PLAN_DECIMAL_FORMAT", plan: replace('rates: ["0.05", "0.04"]', 'rates: [0.05, "0.04"]'), path: ["bonuses", 0, "schedule", 0, "rates", 0] },
  { code: "PLAN_DECIMAL_PRECISION", plan: replace('rates: ["0.05", "0.04"]', 'rates: ["0.0512345", "0.04"]'), path: ["bonuses", 0, "schedule", 0, "rates", 0] },
  { code: "PLAN_RATE_RANGE", plan: replace('rates: ["0.05", "0.04"]', 'rates: ["5", "0.04"]'), path: ["bonuses", 0, "schedule", 0, "rates", 0] },
  { code: "PLAN_VALUE_RANGE", plan: replace("currency: USD", "currency: USD\nmoney: { scale: 9 }"), path: ["money", "scale"] },
  { code: "PLAN_UNKNOWN_MEASURE", plan: replace("measure: CV\n    compression", "measure: BV\n    compression"), path: ["bonuses", 0, "measure"] },
  { code: "PLAN_UNKNOWN_RANK", plan: replace('amounts: { Silver: "50.00" }', 'amounts: { Sliver: "50.00" }'), path: ["bonuses", 1, "amounts", "Sliver"] },
  { code: "PLAN_DUPLICATE_NAME", plan: replace("  - name: Silver", "  - name: Bronze"), path: ["ranks", 1, "name"] },
  { code: "PLAN_RANK_LADDER", plan: replace('minimum: "1000", legCap', 'minimum: "200", legCap'), path: ["ranks", 1, "requires", "group"] },
  { code: "PLAN_UNKNOWN_BONUS_KIND", plan: replace("kind: rank-bonus", "kind: rank-bonsu"), path: ["bonuses", 1, "kind"] },
  { code: "PERIOD_INVALID", period: "2026-13", path: ["period"] },
  { code: "INPUT_EMPTY", members: () => [], path: ["members"] },
  { code: "INPUT_MALFORMED", file: '[{"id": "A",}]', kind: "members", name: "members.json", path: ["members", 0], line: 1 },
  { code: "INPUT_TRUNCATED", file: "id,sponsorId,joinDate,status\nA,,2024-01-01,enrolled\nB,A,2024-02-01\n", kind: "members", name: "members.csv", path: ["members", 1], line: 3 },
  { code: "INPUT_MISSING_COLUMN", file: "id,joinDate,status\nA,2024-01-01,enrolled\n", kind: "members", name: "members.csv", path: ["members", "header", "sponsorId"], line: 1 },
  { code: "INPUT_UNKNOWN_COLUMN", members: member({ id: "D", sponsorId: "A", joinDate: "2024-01-01", rank: "Gold" }), path: ["members", 3, "rank"] },
  { code: "INPUT_MISSING_FIELD", members: member({ id: "D", sponsorId: "A" }), path: ["members", 3, "joinDate"] },
  { code: "INPUT_INVALID_FIELD", members: member({ id: "D", sponsorId: "A", joinDate: "2024-02-30" }), path: ["members", 3, "joinDate"] },
  { code: "MEMBER_DUPLICATE_ID", members: member({ id: "B", sponsorId: "A", joinDate: "2024-01-01" }), path: ["members", 3, "id"] },
  { code: "MEMBER_UNKNOWN_SPONSOR", members: member({ id: "D", sponsorId: "Z", joinDate: "2024-01-01" }), path: ["members", 3, "sponsorId"] },
  {
    code: "MEMBER_SPONSOR_CYCLE",
    members: (ms) => [...ms, { id: "D", sponsorId: "E", joinDate: "2024-01-01" }, { id: "E", sponsorId: "D", joinDate: "2024-01-01" }],
    path: ["members", 3, "sponsorId"],
  },
  { code: "MEMBER_MULTIPLE_ROOTS", members: member({ id: "D", joinDate: "2024-01-01" }), path: ["members", 3, "sponsorId"] },
  { code: "MEMBER_NO_ROOT", members: (ms) => ms.map((m) => (m.id === "A" ? { ...m, sponsorId: "C" } : m)), path: ["members"] },
  { code: "MEMBER_JOINED_AFTER_PERIOD", members: member({ id: "D", sponsorId: "A", joinDate: "2026-11-01" }), path: ["members", 3, "joinDate"] },
  { code: "ORDER_DUPLICATE_ID", orders: order({ ...o4, id: "o2" }), path: ["orders", 3, "id"] },
  { code: "ORDER_UNKNOWN_MEMBER", orders: order({ ...o4, memberId: "Q" }), path: ["orders", 3, "memberId"] },
  { code: "ORDER_OUTSIDE_PERIOD", orders: order({ ...o4, date: "2026-11-01" }), path: ["orders", 3, "date"] },
  { code: "ORDER_UNKNOWN_KIND", orders: order({ ...o4, kind: "wholesale" }), path: ["orders", 3, "kind"] },
  { code: "ORDER_UNKNOWN_MEASURE", orders: order({ ...o4, volumes: { BV: "10" } }), path: ["orders", 3, "volumes", "BV"] },
  { code: "ORDER_VOLUME_INVALID", orders: order({ ...o4, volumes: { PV: "NaN" } }), path: ["orders", 3, "volumes", "PV"] },
  { code: "ORDER_VOLUME_NEGATIVE", orders: order({ ...o4, volumes: { PV: "-5" } }), path: ["orders", 3, "volumes", "PV"] },
  { code: "ORDER_VOLUME_PRECISION", orders: order({ ...o4, volumes: { PV: "1.00001" } }), path: ["orders", 3, "volumes", "PV"] },
  { code: "ORDER_VOLUME_TOO_LARGE", orders: order({ ...o4, volumes: { PV: "1000000000.0001" } }), path: ["orders", 3, "volumes", "PV"] },
  {
    code: "RUN_VOLUME_OVERFLOW",
    orders: (os) => [...os, ...Array.from({ length: 901 }, (_, i) => ({ ...o4, id: `big${i}`, volumes: { PV: "1000000000" } }))],
    path: ["orders"],
  },
];

function issuesOf(c: Case): readonly Issue[] {
  if ("plan" in c) {
    const r = safeParsePlan(c.plan);
    return r.ok ? [] : r.issues;
  }
  if ("file" in c) return readRecords(c.file, { file: c.name, kind: c.kind, measures: ["PV", "CV"] }).issues;
  const plan = parsePlan(BASE_PLAN);
  const members = c.members ? c.members(baseMembers()) : baseMembers();
  const orders = c.orders ? c.orders(baseOrders()) : baseOrders();
  const r = safeCalculate(plan, { period: c.period ?? PERIOD, members: members as MemberInput[], orders: orders as OrderInput[] });
  return r.ok ? [] : r.issues;
}

describe("every issue code has a fixture that produces it at the right path", () => {
  for (const c of CASES) {
    it(c.code, () => {
      const issues = issuesOf(c);
      const hit = issues.find((i) => i.code === c.code);
      expect(hit, `expected ${c.code}; got ${JSON.stringify(issues)}`).toBeDefined();
      expect(hit?.path).toEqual(c.path);
      expect(hit?.message.length).toBeGreaterThan(0);
      if ("line" in c && c.line !== undefined) expect(hit?.line).toBe(c.line);
      if ("file" in c) expect(hit?.file).toBe(c.name);
    });
  }

  it("covers every code in ISSUE_CODES", () => {
    const covered = new Set(CASES.map((c) => c.code));
    const missing = Object.keys(ISSUE_CODES).filter((code) => !covered.has(code as IssueCode));
    expect(missing).toEqual([]);
  });

  it("the unmodified fixtures are valid (so each case fails for its own reason)", () => {
    const r = safeCalculate(parsePlan(BASE_PLAN), { period: PERIOD, members: baseMembers(), orders: baseOrders() });
    expect(r.ok).toBe(true);
  });
});
