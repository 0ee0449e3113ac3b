// The example month (README): a per-member cap and a company payout cap. Every figure is worked by hand in
// the README from the plan's rules (docs/plan-language.md, "payout-cap").
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bonusReport, calculate, parsePlan } from "../../src/index.js";
import { csvRows } from "../../test/conformance/helpers.js";
import { cli } from "../../test/fixtures/cli.js";

const here = (f: string) => new URL(`./${f}`, import.meta.url).pathname;
const rows = (f: string) => csvRows(new URL(`./${f}`, import.meta.url));
const members = rows("members.csv").map((m) => ({ id: m.id as string, sponsorId: m.sponsorId || null, joinDate: m.joinDate as string }));
const orders = rows("orders.csv").map((o) => ({
  id: o.id as string,
  memberId: o.memberId as string,
  kind: o.kind as "personal-consumption" | "retail-sale" | "customer-order",
  date: o.date as string,
  volumes: { BV: o.BV as string, RETAIL: o.RETAIL as string },
}));
const run = calculate(parsePlan(readFileSync(here("plan.yaml"), "utf8")), { period: "2026-10", members, orders });

describe("company-payout-cap: October 2026", () => {
  it("each member's bonuses, caps and total (the README's first table)", () => {
    const of = (id: string) => [run.statement(id)?.bonuses, run.statement(id)?.total];
    expect(of("A")).toEqual([{ unilevel: "410.00", matching: "30.00", retail: "50.00", "member-cap": "-140.00", "company-cap": "-68.10" }, "281.90"]);
    expect(of("B")).toEqual([{ unilevel: "180.00", "company-cap": "-38.38" }, "141.62"]);
    expect(of("C")).toEqual([{ unilevel: "120.00", retail: "80.00", "company-cap": "-23.52" }, "176.48"]);
    for (const id of ["D", "E", "F"]) expect(of(id)).toEqual([{}, "0.00"]);
  });

  it("the caps' lines are negative fixed amounts citing their clauses", () => {
    const caps = run.statement("A")?.lines.filter((l) => l.kind === "payout-cap");
    expect(caps).toEqual([
      { bonus: "member-cap", kind: "payout-cap", value: "-140.00", amount: "-140.00", reference: "§7.1 Earnings cap" },
      { bonus: "company-cap", kind: "payout-cap", value: "-68.10", amount: "-68.10", reference: "§7.2 Payout cap" },
    ]);
  });

  it("the summary: exactly the cap in total, each cap's cut as breakage `capped`", () => {
    expect([run.summary.total, run.summary.payoutShare]).toEqual(["600.00", "0.200000"]);
    const bonus = (key: string) => run.summary.bonuses.find((b) => b.key === key);
    expect(bonus("member-cap")).toMatchObject({ amount: "-140.00", accounting: { potential: "0.00", paid: "-140.00", compressedUp: "0.00", breakage: { capped: "140.00" } } });
    expect(bonus("company-cap")).toMatchObject({ amount: "-130.00", accounting: { potential: "0.00", paid: "-130.00", compressedUp: "0.00", breakage: { capped: "130.00" } } });
    expect(bonus("unilevel")?.accounting).toMatchObject({ potential: "900.00", paid: "710.00", breakage: { "no-upline": "190.00" } });
  });

  it("the payout cap in cents (the README's second table) and the earnings cap, as reports", () => {
    expect(bonusReport(run, "company-cap")).toEqual({
      bonus: "company-cap",
      kind: "payout-cap",
      period: "2026-10",
      facts: { rule: "company", volume: "3000", cap: "600.00", pay: "730.00", protected: "205.00", reducible: "525.00", allowedReducible: "395.00", cut: "130.00", paidAfterCap: "600.00", members: 3 },
      columns: ["memberId", "pay", "protected", "reducible", "kept", "cut"],
      rows: [
        { memberId: "A", pay: "350.00", protected: "75.00", reducible: "275.00", kept: "206.90", cut: "68.10" },
        { memberId: "B", pay: "180.00", protected: "25.00", reducible: "155.00", kept: "116.62", cut: "38.38" },
        { memberId: "C", pay: "200.00", protected: "105.00", reducible: "95.00", kept: "71.48", cut: "23.52" },
      ],
    });
    expect(bonusReport(run, "member-cap").rows).toEqual([{ memberId: "A", pay: "440.00", protected: "0.00", reducible: "440.00", kept: "300.00", cut: "140.00" }]);
  });

  describe("from the command line", () => {
    const out = join(mkdtempSync(join(tmpdir(), "compplan-cap-")), "out");
    afterAll(() => rmSync(join(out, ".."), { recursive: true, force: true }));
    const ran = cli("run", "--plan", here("plan.yaml"), "--members", here("members.csv"), "--orders", here("orders.csv"), "--period", "2026-10", "--out", out);

    it("compplan report prints the facts and the table; --format csv the rows", () => {
      expect(ran.code, ran.stderr).toBe(0);
      const text = cli("report", out, "company-cap");
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain("  cap: 600.00\n");
      expect(text.stdout).toContain("\nmemberId     pay  protected  reducible    kept    cut\nA         350.00      75.00     275.00  206.90  68.10\n");
      expect(cli("report", out, "member-cap", "--format", "csv").stdout).toBe("memberId,pay,protected,reducible,kept,cut\r\nA,440.00,0.00,440.00,300.00,140.00\r\n");
      expect(JSON.parse(cli("report", out, "company-cap", "--json").stdout).facts.cut).toBe("130.00");
    });

    it("a bonus without a report, and a key the plan lacks, are coded issues", () => {
      expect(cli("report", out, "unilevel").stderr).toContain('AUDIT_NO_REPORT at bonus: bonus "unilevel" (unilevel) makes no report; bonuses of this plan with a report: member-cap, company-cap');
      expect(cli("report", out, "company-caps").stderr).toContain("AUDIT_UNKNOWN_BONUS");
    });
  });
});
