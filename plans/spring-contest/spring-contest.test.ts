// The example contest (README): three months in a chain. Every figure is worked by hand in the README from
// the plan's rules (docs/plan-language.md, "contest") and docs/state.md.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type RunResult, bonusReport, explain, parsePlan, runPeriods, stateNdjson } from "../../src/index.js";
import { csvRows } from "../../test/conformance/helpers.js";
import { cli } from "../../test/fixtures/cli.js";

const here = (f: string) => new URL(`./${f}`, import.meta.url).pathname;
const rows = (f: string) => csvRows(new URL(`./${f}`, import.meta.url));
const members: MemberInput[] = rows("members.csv").map((m) => ({ id: m.id as string, sponsorId: m.sponsorId || null, joinDate: m.joinDate as string }));
const orders: OrderInput[] = rows("orders.csv").map((o) => ({ id: o.id as string, memberId: o.memberId as string, kind: "personal-consumption", date: o.date as string, volumes: { PV: o.PV as string } }));
const plan = parsePlan(readFileSync(here("plan.yaml"), "utf8"));
const [jan, feb, mar] = [...runPeriods(plan, { periods: ["2026-01", "2026-02", "2026-03"], members, orders })].map((p) => p.run) as [RunResult, RunResult, RunResult];
const stateRows = (run: RunResult) => (stateNdjson(run) as string).split("\n").slice(1, -1);

describe("spring-contest: January to March", () => {
  it("the points after each month (the closing states); none after March, the contest being over", () => {
    expect(stateRows(jan)).toEqual(['{"id":"A","spring.points":"400"}', '{"id":"B","spring.points":"1000"}', '{"id":"C","spring.points":"1500"}']);
    expect(stateRows(feb)).toEqual(['{"id":"A","spring.points":"900"}', '{"id":"B","spring.points":"2000"}', '{"id":"C","spring.points":"1500"}', '{"id":"D","spring.points":"600"}']);
    expect(stateRows(mar)).toEqual([]);
    expect([jan.summary.total, feb.summary.total, mar.summary.total]).toEqual(["0.00", "0.00", "200.00"]);
  });

  it("March: A and D Silver (100.00 each), B the trip without a line, C nothing", () => {
    const s = (id: string) => mar.statement(id);
    expect([s("A")?.bonuses, s("D")?.bonuses, s("B")?.bonuses, s("C")?.bonuses]).toEqual([{ spring: "100.00" }, { spring: "100.00" }, {}, {}]);
    expect(s("B")?.awards).toEqual([{ award: "Weekend in Lisbon", bonus: "spring", kind: "contest", reference: "Spring contest rules, §2" }]);
    for (const id of ["A", "C", "D"]) expect(s(id)?.awards).toBeUndefined();
    expect(mar.summary.bonuses[0]?.accounting).toEqual({ potential: "300.00", paid: "200.00", compressedUp: "0.00", breakage: { "member-unqualified": "100.00" } });
    expect(explain(mar, "C", { bonus: "spring" }).bonuses[0]?.notPaid.map((n) => [n.reason, n.forgone ?? null])).toEqual([["member-unqualified", "100.00"], ["next-tier", null]]);
  });

  it("the standings after February (the README's table)", () => {
    const r = bonusReport(feb, "spring");
    expect(r.facts).toEqual({ status: "running", windowStart: "2026-01-01", windowEnd: "2026-03-31", membersWithPoints: 4, "tier:Silver": 2, "tier:Gold": 0, awarded: 0, awardedAmount: "0.00" });
    expect(r.rows.map((x) => [x.memberId, x.points, x.thisPeriod, x.tier, x.nextTier, x.toNextTier, x.qualified])).toEqual([
      ["B", "2000", "1000", "Silver", "Gold", "1000", true],
      ["C", "1500", "0", "Silver", "Gold", "1500", false],
      ["A", "900", "500", null, "Silver", "100", true],
      ["D", "600", "600", null, "Silver", "400", true],
    ]);
  });

  describe("from the command line", () => {
    const out = join(mkdtempSync(join(tmpdir(), "compplan-contest-")), "runs");
    afterAll(() => rmSync(join(out, ".."), { recursive: true, force: true }));
    const ran = cli("run", "--plan", here("plan.yaml"), "--members", here("members.csv"), "--orders", here("orders.csv"), "--periods", "2026-01..2026-03", "--out", out);

    it("the final standings as CSV, and the chain replays", () => {
      expect(ran.code, ran.stderr).toBe(0);
      const csv = cli("report", join(out, "2026-03"), "spring", "--format", "csv");
      expect(csv.stdout).toBe(
        [
          "memberId,points,thisPeriod,tier,nextTier,toNextTier,qualified,awardAmount,awardName",
          "B,3100,1100,Gold,,,true,,Weekend in Lisbon",
          "C,1500,0,Silver,Gold,1500,false,,",
          "A,1200,300,Silver,Gold,1800,true,100.00,",
          "D,1100,500,Silver,Gold,1900,true,100.00,",
          "",
        ].join("\r\n"),
      );
      expect(cli("report", join(out, "2026-03"), "spring").stdout).toContain("  status: final\n");
      expect(cli("replay", out).code).toBe(0);
    });
  });
});
