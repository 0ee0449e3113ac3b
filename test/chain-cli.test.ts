// A chain of periods from the command line (docs/state.md "Chains from the command line"): `compplan run
// --periods` writes one run folder per period, byte for byte what running the periods one by one with
// --state writes; a failing period leaves the earlier output untouched; `compplan replay` of the chain folder
// verifies every period and every link and names the first difference. The data is plans/grace-chain, whose
// README works every month's pay by hand (January 80.00, February 55.00, March 25.00).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./fixtures/cli.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-chain-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const example = join(import.meta.dirname, "..", "plans", "grace-chain");
for (const f of ["plan.yaml", "members.csv", "orders.csv"]) cpSync(join(example, f), join(dir, f));
const [plan, members, orders] = ["plan.yaml", "members.csv", "orders.csv"].map((f) => join(dir, f)) as [string, string, string];
const MONTHS = ["2026-01", "2026-02", "2026-03"];
const chain = (out: string, ...more: string[]) => cli("run", "--plan", plan, "--members", members, "--orders", orders, "--out", out, ...more);
const read = (...p: string[]) => readFileSync(join(...p), "utf8");
const bundle = (...p: string[]) => JSON.parse(read(...p, "bundle.json")) as Record<string, any>;

/** Every file under `folder`, path → bytes as text. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(folder, { withFileTypes: true, recursive: true })) if (e.isFile()) out[join(e.parentPath, e.name)] = readFileSync(join(e.parentPath, e.name), "utf8");
  return out;
}

/** A month's share of a CSV by a date column (members by join date up to the month, orders in the month). */
function share(file: string, column: string, keep: (date: string) => boolean, name: string): string {
  const [head, ...lines] = read(file).trimEnd().split("\n");
  const k = (head as string).split(",").indexOf(column);
  const path = join(dir, name);
  writeFileSync(path, `${[head, ...lines.filter((l) => keep(l.split(",")[k] as string))].join("\n")}\n`);
  return path;
}

const out = join(dir, "chain");
const first = chain(out, "--periods", "2026-01..2026-03");

describe("compplan run --periods", () => {
  it("writes one complete run folder per period and a line per period (totals worked by hand in the README)", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(MONTHS);
    for (const m of MONTHS) expect(readdirSync(join(out, m)).sort()).toEqual(["bundle.json", "state.ndjson", "statements.ndjson", "summary.json"]);
    const lines = first.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe('compplan run: plan "grace-chain", 3 periods 2026-01..2026-03');
    expect(lines.slice(1).map((l) => /^(\S+): (\d+) members.*total (\S+) USD/.exec(l)?.slice(1).join(" "))).toEqual(["2026-01 2 80.00", "2026-02 3 55.00", "2026-03 3 25.00"]);
    expect(first.stderr).toContain("no opening state: every member starts at the initial values in 2026-01");
    // After March (README): A highest Silver, paid as Bronze for 1 month; B keeps only highest Bronze; C
    // never held a rank (group PV 100), so has no line.
    expect(read(out, "2026-03", "state.ndjson").split("\n").slice(1)).toEqual(['{"id":"A","rank.highest":"Silver","rank.paidAs":"Bronze","rank.periods":1}', '{"id":"B","rank.highest":"Bronze"}', ""]);
  });

  it("each bundle records the chain, the previous bundle and the previous closing state by its relative path", () => {
    const [jan, feb, mar] = MONTHS.map((m) => bundle(out, m));
    expect(jan?.format).toBe("compplan-bundle/3");
    expect(jan?.chain.periods).toEqual(MONTHS);
    expect(mar?.chain).toEqual(jan?.chain);
    expect(jan?.state.opening).toBeNull();
    expect(feb?.state.opening).toMatchObject({ bundle: jan?.fingerprint, file: "../2026-01/state.ndjson", fingerprint: jan?.state.closing.fingerprint, period: "2026-01" });
    expect(mar?.state.opening).toMatchObject({ bundle: feb?.fingerprint, file: "../2026-02/state.ndjson" });
    // The inputs are the period's share (2 members in January, C joins in February), the file the whole one.
    expect([jan?.inputs.members.count, feb?.inputs.members.count, jan?.inputs.orders.count]).toEqual([2, 3, 2]);
    expect(jan?.inputs.orders.file).toBe("../../orders.csv");
  });

  it("gives byte for byte the statements, summary and state of running the months one by one with --state", () => {
    let state: string | undefined;
    for (const [k, m] of MONTHS.entries()) {
      const last = `${m}-31`;
      const mm = share(members, "joinDate", (d) => d <= last, `members-${m}.csv`);
      const oo = share(orders, "date", (d) => d.startsWith(m), `orders-${m}.csv`);
      const single = join(dir, "single", m);
      const r = cli("run", "--plan", plan, "--members", mm, "--orders", oo, "--period", m, "--out", single, ...(state !== undefined ? ["--state", state] : []));
      expect(r.code, r.stderr).toBe(0);
      for (const f of ["statements.ndjson", "summary.json", "state.ndjson"]) expect(read(single, f), `${m} ${f}`).toBe(read(out, m, f));
      // Bundles differ only where documented: the chain, the input files' names, the opening state's file,
      // and so the fingerprint and the next period's record of it.
      const strip = (b: Record<string, any>) => {
        const { chain: _, fingerprint: __, ...rest } = b;
        return { ...rest, inputs: { members: { ...b.inputs.members, file: 0 }, orders: { ...b.inputs.orders, file: 0 } }, state: { ...b.state, opening: b.state.opening === null ? null : { ...b.state.opening, file: 0, bundle: 0 } } };
      };
      expect(strip(bundle(single)), m).toEqual(strip(bundle(out, m)));
      expect(k === 0 || bundle(single).state.opening.bundle === bundle(dir, "single", MONTHS[k - 1] as string).fingerprint).toBe(true);
      state = join(single, "state.ndjson");
    }
    // A folder of single runs made one by one with --state (no chain recorded) replays as a chain, links included.
    const r = cli("replay", join(dir, "single"));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("3 periods 2026-01..2026-03, each replayed, and 2 links");
  });

  it("--state opens the first period: 2026-02..2026-03 from January's state is the chain's February and March", () => {
    const part = join(dir, "part");
    // The orders file spans the periods run: an order before the first is ORDER_OUTSIDE_PERIOD.
    const later = share(orders, "date", (d) => d >= "2026-02", "orders-feb-mar.csv");
    const r = cli("run", "--plan", plan, "--members", members, "--orders", later, "--out", part, "--periods", "2026-02..2026-03", "--state", join(out, "2026-01", "state.ndjson"));
    expect(r.code, r.stderr).toBe(0);
    for (const m of ["2026-02", "2026-03"]) for (const f of ["statements.ndjson", "state.ndjson"]) expect(read(part, m, f)).toBe(read(out, m, f));
    expect(bundle(part, "2026-02").state.opening).toMatchObject({ bundle: bundle(out, "2026-01").fingerprint, file: "../../chain/2026-01/state.ndjson" });
  });

  it("a period that fails leaves the earlier output untouched and writes nothing; the issue names the orders file's row", () => {
    const before = snapshot(out);
    const late = join(dir, "orders-late.csv");
    writeFileSync(late, `${read(orders)}late,A,personal-consumption,2026-04-02,10\n`);
    const r = cli("run", "--plan", plan, "--members", members, "--orders", late, "--periods", "2026-01..2026-03", "--out", out);
    expect(r.code).toBe(1);
    // Index 8 of the whole orders list, line 10 of the file (header, 8 rows, then this one): not its index in March's share.
    expect(r.stderr).toContain(`ORDER_OUTSIDE_PERIOD at orders[8].date (${late}:10)`);
    expect(r.stdout).toBe("");
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.includes("compplan-"))).toEqual([]);
  });

  it("wrong usage and bad ranges", () => {
    const both = chain(join(dir, "x"), "--period", "2026-01", "--periods", "2026-01..2026-03");
    expect([both.code, both.stderr.split("\n")[0]]).toEqual([2, "compplan run: give --period (one period) or --periods (a chain of periods), not both"]);
    const backwards = chain(join(dir, "x"), "--periods", "2026-03..2026-01");
    expect([backwards.code, backwards.stderr]).toEqual([1, expect.stringContaining("PERIOD_INVALID")]);
    expect(existsSync(join(dir, "x"))).toBe(false);
    // A folder holding something else than period folders needs --force.
    mkdirSync(join(dir, "y"));
    writeFileSync(join(dir, "y", "notes.txt"), "");
    const other = chain(join(dir, "y"), "--periods", "2026-01..2026-03");
    expect([other.code, other.stderr.split("\n")[0]]).toEqual([2, `compplan run: --out ${join(dir, "y")} holds files compplan did not write (notes.txt); a run replaces the whole folder: choose a new or empty folder, or pass --force to replace it`]);
  });
});

describe("compplan replay of a chain folder", () => {
  it("verifies every period and every link", () => {
    const r = cli("replay", out);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^2026-01: verified[^\n]*\n2026-02: verified[^\n]*\n2026-03: verified/);
    expect(r.stdout).toContain("replay: verified, no difference: 3 periods 2026-01..2026-03, each replayed, and 2 links");
    const json = cli("replay", out, "--json");
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { ok: boolean; periods: { period: string }[] }).periods.map((p) => p.period)).toEqual(MONTHS);
  });

  it("an input changed since the run names the period it was found in (exit 1)", () => {
    const copy = join(dir, "changed");
    mkdirSync(copy);
    for (const f of ["plan.yaml", "members.csv", "orders.csv"]) cpSync(join(dir, f), join(copy, f));
    const rel = (f: string) => join(copy, f);
    const run = cli("run", "--plan", rel("plan.yaml"), "--members", rel("members.csv"), "--orders", rel("orders.csv"), "--out", join(copy, "runs"), "--periods", "2026-01..2026-03");
    expect(run.code, run.stderr).toBe(0);
    // March's order of C: 100 PV becomes 101.
    writeFileSync(rel("orders.csv"), read(rel("orders.csv")).replace("mar-c,C,personal-consumption,2026-03-30,100", "mar-c,C,personal-consumption,2026-03-30,101"));
    const r = cli("replay", join(copy, "runs"));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2026-01: verified[^\n]*\n2026-02: verified/);
    expect(r.stderr).toContain("AUDIT_INPUT_MISMATCH");
    expect(r.stderr).toContain("in period 2026-03: ");
  });

  it("one period of a chain replays alone (the whole files split again, the previous state by its relative path)", () => {
    const r = cli("replay", join(out, "2026-03"));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("split by date as the chain's run split them");
  });

  it("with --embed-inputs the chain replays without its input files", () => {
    const copy = join(dir, "embedded");
    for (const f of ["members.csv", "orders.csv"]) cpSync(join(dir, f), join(dir, `e-${f}`));
    const r = cli("run", "--plan", plan, "--members", join(dir, "e-members.csv"), "--orders", join(dir, "e-orders.csv"), "--periods", "2026-01..2026-03", "--out", copy, "--embed-inputs");
    expect(r.code, r.stderr).toBe(0);
    expect(bundle(copy, "2026-02").state.opening.lines).toEqual(read(out, "2026-01", "state.ndjson").trimEnd().split("\n"));
    rmSync(join(dir, "e-members.csv"));
    rmSync(join(dir, "e-orders.csv"));
    const replay = cli("replay", copy);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
  });

  it("names a tampered period-2 state.ndjson (period and file), exit 4", () => {
    const copy = join(dir, "tampered");
    cpSync(out, copy, { recursive: true });
    const path = join(copy, "2026-02", "state.ndjson");
    writeFileSync(path, read(path).replace('"rank.highest":"Silver"', '"rank.highest":"Bronze"'));
    const r = cli("replay", copy);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("2026-01: verified");
    expect(r.stdout).toContain('replay: the chain differs in 2026-02\nfirst difference: 2026-02: state.ndjson line 2 (member A): rank.highest is "Bronze" but the replay writes "Silver"');
    expect(r.stdout).not.toContain("2026-03: verified");
  });

  it("names a broken link: a period folder replaced by a run from another state", () => {
    const copy = join(dir, "broken");
    cpSync(out, copy, { recursive: true });
    // February run alone from another January (B's order 100 PV instead of 400: A Bronze, B unranked).
    const other = join(dir, "other-jan");
    const oo = share(orders, "date", (d) => d.startsWith("2026-01"), "orders-other-jan.csv");
    writeFileSync(oo, read(oo).replace("2026-01-20,400", "2026-01-20,100"));
    const mm = share(members, "joinDate", (d) => d <= "2026-01-31", "members-other-jan.csv");
    expect(cli("run", "--plan", plan, "--members", mm, "--orders", oo, "--period", "2026-01", "--out", other).code).toBe(0);
    const feb = cli("run", "--plan", plan, "--members", share(members, "joinDate", (d) => d <= "2026-02-28", "m-feb.csv"), "--orders", share(orders, "date", (d) => d.startsWith("2026-02"), "o-feb.csv"), "--period", "2026-02", "--out", join(copy, "2026-02"), "--state", join(other, "state.ndjson"));
    expect(feb.code, feb.stderr).toBe(0);
    const r = cli("replay", copy);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/replay: the chain differs in 2026-02\nfirst difference: 2026-02's opening state \(sha256:\w+\) is not 2026-01's closing state \(sha256:\w+\): 2026-02 was run from another state\n/);
    // The replaced folder is a sound run by itself.
    expect(cli("replay", join(copy, "2026-02")).code).toBe(0);
  });

  it("names a missing period", () => {
    const gap = join(dir, "gap");
    cpSync(out, gap, { recursive: true });
    rmSync(join(gap, "2026-02"), { recursive: true });
    const r = cli("replay", gap);
    expect([r.code, r.stdout]).toEqual([4, expect.stringContaining("the chain's bundles record the periods 2026-01, 2026-02, 2026-03; " + gap + " holds 2026-01, 2026-03")]);
  });
});
