// The Parquet export (docs/statements.md "Parquet") read back by a real engine, DuckDB: its sums per bonus,
// per member and in all equal the run's summary and statements exactly (decimals read back as strings, never
// as JavaScript numbers); every line row is the statement's line item; the files' column sets and types
// are as documented; the bytes do not depend on the input's row order.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_COLUMNS, type Plan, type RunResult, calculate, canonicalJson, parsePlan, statementsParquet } from "../src/index.js";
import { tableParquet } from "../src/audit/parquet.js";
import type { Table } from "../src/audit/tables.js";
import { canonicalDecimal } from "../src/money/decimal.js";
import { csvRows } from "./conformance/helpers.js";
import { inputArb, shuffle } from "./arbitraries/inputs.js";
import { planArb } from "./arbitraries/plans.js";
import { cli } from "./fixtures/cli.js";

const numRuns = Number(process.env.NUM_RUNS ?? 2000);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const BUNDLE = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const dir = mkdtempSync(join(tmpdir(), "compplan-parquet-"));
let db: DuckDBInstance;
let sql: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(":memory:");
  sql = await db.connect();
});
afterAll(() => {
  sql.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

type Row = Record<string, unknown>;
async function query(text: string): Promise<Row[]> {
  return (await sql.runAndReadAll(text)).getRowObjectsJson() as Row[];
}

let written = 0;
/** The run's two files written into a fresh folder; their paths. */
function writeParquet(run: RunResult): { lines: string; totals: string } {
  const folder = join(dir, String(written++));
  mkdirSync(folder);
  const files = statementsParquet(run, BUNDLE);
  const paths = { lines: join(folder, "lines.parquet"), totals: join(folder, "totals.parquet") };
  writeFileSync(paths.lines, files.lines);
  writeFileSync(paths.totals, files.totals);
  return paths;
}

/** A decimal string's value in shortest form ("12.50" and "12.5000000000" are both "12.5"); null stays null. */
const num = (x: unknown): string | null => (x === null || x === undefined ? null : (canonicalDecimal(String(x)) ?? `not a decimal: ${String(x)}`));

/** The detail fields' columns, as the CSV has them (between `kind` and `base`). */
const DETAIL_COLUMNS = CSV_COLUMNS.slice(CSV_COLUMNS.indexOf("kind") + 1, CSV_COLUMNS.indexOf("base"));

/** The column names and DuckDB types of a file. */
async function columns(path: string): Promise<[string, string][]> {
  return (await query(`DESCRIBE SELECT * FROM read_parquet('${path}')`)).map((r) => [r.column_name as string, r.column_type as string]);
}

/**
 * Everything the export must agree with, checked through DuckDB: columns and types, row counts, sums per
 * bonus and in all against the summary, each member's total and subtotals, and every line row against the
 * statement's line item.
 */
async function checkAgainstRun(plan: Plan, run: RunResult, files: { lines: string; totals: string }): Promise<void> {
  const scale = plan.money.scale;
  const perLine = plan.money.rounding.applies === "line";
  const money = `DECIMAL(18,${scale})`;
  expect(await columns(files.lines)).toEqual([
    ["period", "VARCHAR"],
    ["currency", "VARCHAR"],
    ["memberId", "VARCHAR"],
    ["bonus", "VARCHAR"],
    ["kind", "VARCHAR"],
    ...DETAIL_COLUMNS.map((c): [string, string] => [c, c === "compressed" ? "BOOLEAN" : c === "source" || c === "order" ? "VARCHAR" : "INTEGER"]),
    ["base", "DECIMAL(18,4)"],
    ["rate", "DECIMAL(18,6)"],
    ["value", "DECIMAL(38,10)"],
    ["amount", perLine ? money : "DECIMAL(38,10)"],
    ["reference", "VARCHAR"],
  ]);
  expect(await columns(files.totals)).toEqual([
    ["period", "VARCHAR"],
    ["currency", "VARCHAR"],
    ["memberId", "VARCHAR"],
    ["total", money],
    ...plan.bonuses.map((b): [string, string] => [`bonuses.${b.key}`, money]),
  ]);

  const s = run.summary;
  // Row counts, and the run's period and currency on every row.
  const [lineCount] = await query(`SELECT count(*) AS n, count(DISTINCT period || ' ' || currency) AS runs, min(period) AS period, min(currency) AS currency FROM read_parquet('${files.lines}')`);
  expect(Number(lineCount?.n)).toBe(s.bonuses.reduce((a, b) => a + b.lines, 0));
  if (Number(lineCount?.n) > 0) expect(lineCount).toMatchObject({ runs: "1", period: s.period, currency: s.currency });
  const [totalCount] = await query(`SELECT count(*) AS n, count(DISTINCT period || ' ' || currency) AS runs, min(period) AS period, min(currency) AS currency FROM read_parquet('${files.totals}')`);
  expect(totalCount).toEqual({ n: String(s.members), runs: "1", period: s.period, currency: s.currency });

  // Per bonus: lines, recipients and the exact sum from the line items; the amount from the subtotals (and
  // from the lines too when each line is rounded).
  const byBonus = new Map(
    (await query(`SELECT bonus, count(*)::VARCHAR AS lines, count(DISTINCT memberId)::VARCHAR AS recipients, sum(value)::VARCHAR AS exact, sum(amount)::VARCHAR AS amount FROM read_parquet('${files.lines}') GROUP BY bonus`)).map((r) => [r.bonus, r]),
  );
  const subtotals = plan.bonuses.map((b) => `sum("bonuses.${b.key}")::VARCHAR AS "${b.key}", count("bonuses.${b.key}")::VARCHAR AS "${b.key}.n"`).join(", ");
  const [sums] = await query(`SELECT sum(total)::VARCHAR AS total${subtotals === "" ? "" : `, ${subtotals}`} FROM read_parquet('${files.totals}')`);
  expect(num(sums?.total)).toBe(num(s.total));
  for (const b of s.bonuses) {
    const row = byBonus.get(b.key);
    expect(Number(row?.lines ?? 0), b.key).toBe(b.lines);
    expect(Number(row?.recipients ?? 0), b.key).toBe(b.recipients);
    expect(num(row?.exact ?? "0"), b.key).toBe(num(b.exact));
    if (perLine) expect(num(row?.amount ?? "0"), b.key).toBe(num(b.amount));
    expect(num(sums?.[b.key] ?? "0"), b.key).toBe(num(b.amount));
    expect(Number(sums?.[`${b.key}.n`]), b.key).toBe(b.recipients);
  }

  // Every member: the total and each subtotal of their statement, in statement order.
  const totals = await query(`SELECT * FROM read_parquet('${files.totals}')`);
  const lines = await query(`SELECT * FROM read_parquet('${files.lines}')`);
  let k = 0;
  let m = 0;
  for (const st of run.statements()) {
    const t = totals[m++] as Row;
    expect(t.memberId).toBe(st.memberId);
    expect(num(t.total), st.memberId).toBe(num(st.total));
    for (const b of plan.bonuses) expect(num(t[`bonuses.${b.key}`]), `${st.memberId} ${b.key}`).toBe(num(st.bonuses[b.key]));
    for (const line of st.lines) {
      const row = lines[k++] as Row;
      const item = line as unknown as Row;
      const want: Row = { period: s.period, currency: s.currency, memberId: st.memberId };
      for (const c of Object.keys(row)) if (!(c in want)) want[c] = item[c] ?? null;
      for (const c of ["base", "rate", "value", "amount"]) {
        row[c] = num(row[c]);
        want[c] = num(want[c]);
      }
      expect(row).toEqual(want);
    }
  }
  expect(k).toBe(lines.length);
}

describe("the Parquet export read back by DuckDB", () => {
  it(`equals the summary and the statements exactly on ${Math.max(20, Math.ceil(numRuns / 50))} random plans and inputs`, async () => {
    // Every family, money scales 0–4, both rounding places, every rounding mode (test/arbitraries).
    const runs = fc.sample(
      planArb.chain((p) => inputArb(p.measures, 40, p.placementWidth).map((input) => ({ p, input }))),
      { numRuns: Math.max(20, Math.ceil(numRuns / 50)), ...(seed !== undefined ? { seed } : {}) },
    );
    for (const { p, input } of runs) {
      const plan = parsePlan(p.plan);
      const run = calculate(plan, input);
      await checkAgainstRun(plan, run, writeParquet(run));
    }
  }, 120_000);

  it("negative amounts: the payout caps' cuts (plans/company-payout-cap, worked by hand in its README)", async () => {
    const here = (f: string) => new URL(`../plans/company-payout-cap/${f}`, import.meta.url);
    const members = csvRows(here("members.csv")).map((r) => ({ id: r.id as string, sponsorId: r.sponsorId || null, joinDate: r.joinDate as string }));
    const orders = csvRows(here("orders.csv")).map((o) => ({
      id: o.id as string,
      memberId: o.memberId as string,
      kind: o.kind as "personal-consumption" | "retail-sale" | "customer-order",
      date: o.date as string,
      volumes: { BV: o.BV as string, RETAIL: o.RETAIL as string },
    }));
    const plan = parsePlan(readFileSync(here("plan.yaml"), "utf8"));
    const run = calculate(plan, { period: "2026-10", members, orders });
    const files = writeParquet(run);
    await checkAgainstRun(plan, run, files);
    const [a] = await query(`SELECT total::VARCHAR AS total, "bonuses.member-cap"::VARCHAR AS cap, "bonuses.company-cap"::VARCHAR AS company FROM read_parquet('${files.totals}') WHERE memberId = 'A'`);
    expect(a).toEqual({ total: "281.90", cap: "-140.00", company: "-68.10" });
    const cuts = await query(`SELECT bonus, amount::VARCHAR AS amount, value::VARCHAR AS value, base, rate FROM read_parquet('${files.lines}') WHERE memberId = 'A' AND kind = 'payout-cap'`);
    expect(cuts).toEqual([
      { bonus: "member-cap", amount: "-140.00", value: "-140.0000000000", base: null, rate: null },
      { bonus: "company-cap", amount: "-68.10", value: "-68.1000000000", base: null, rate: null },
    ]);
  });

  const scalePlan = (scale: number, applies: "line" | "bonus", rate: string) =>
    parsePlan(`
compplan: 1
id: parquet-scale
currency: KWD
money: { scale: ${scale}, rounding: { mode: half-even, applies: ${applies} } }
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
bonuses:
  - key: unilevel
    kind: unilevel
    measure: PV
    compression: none
    unqualifiedVolumePays: true
    schedule:
      - rates: ["${rate}", "${rate}"]
`);
  const members = [
    { id: "A", sponsorId: null, joinDate: "2024-01-01" },
    { id: "B", sponsorId: "A", joinDate: "2024-01-01" },
    { id: "C", sponsorId: "B", joinDate: "2024-01-01" },
  ];
  const orders = (pv: string) => [
    { id: "o1", memberId: "C", kind: "personal-consumption" as const, date: "2026-10-03", volumes: { PV: pv } },
    { id: "o2", memberId: "C", kind: "personal-consumption" as const, date: "2026-10-04", volumes: { PV: "0.0003" } },
  ];

  /** The run of `plan` with C's orders of `pv` and 0.0003 PV, checked against its export; its files. */
  async function exported(plan: Plan, pv: string): Promise<{ lines: string; totals: string }> {
    const run = calculate(plan, { period: "2026-10", members, orders: orders(pv) });
    const files = writeParquet(run);
    await checkAgainstRun(plan, run, files);
    return files;
  }
  const amounts = (files: { lines: string }) => query(`SELECT memberId, amount::VARCHAR AS amount, value::VARCHAR AS value FROM read_parquet('${files.lines}')`);

  it("a plan of scale 4: amounts DECIMAL(18,4), each exactly its statement's", async () => {
    // C's 100.0003 PV at 0.123457 to B (level 1) and A (level 2): 12.34573703... rounds half-even to
    // 12.3457; per line the two orders are one line (the source's volume), so each of A and B is 12.3457.
    const files = await exported(scalePlan(4, "line", "0.123457"), "100");
    expect(await amounts(files)).toEqual([
      { memberId: "A", amount: "12.3457", value: "12.3457370371" },
      { memberId: "B", amount: "12.3457", value: "12.3457370371" },
    ]);
    expect(await query(`SELECT memberId, total::VARCHAR AS total FROM read_parquet('${files.totals}')`)).toEqual([
      { memberId: "A", total: "12.3457" },
      { memberId: "B", total: "12.3457" },
      { memberId: "C", total: "0.0000" },
    ]);
  });

  it("values beyond 2^53 units (a 38-digit DECIMAL on 16 bytes) and rounding per bonus", async () => {
    // C's 999,999,999.9997 + 0.0003 = 1,000,000,000 PV at 0.9 to B and A: each line's exact value is
    // 900,000,000, 9 × 10^18 units of 10^-10: past 2^53 (about 9.007 × 10^15), below 2^63. With rounding
    // per bonus a line's amount is its exact value.
    expect(await amounts(await exported(scalePlan(2, "bonus", "0.9"), "999999999.9997"))).toEqual([
      { memberId: "A", amount: "900000000.0000000000", value: "900000000.0000000000" },
      { memberId: "B", amount: "900000000.0000000000", value: "900000000.0000000000" },
    ]);
  });

  it("DECIMAL values at the edges of 64 and 128 bits, negative and null, exactly", async () => {
    // tableParquet on a table made by hand: every encoding path of a DECIMAL column.
    const edges = [0n, 1n, -1n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n, 10n ** 38n - 1n, -(10n ** 38n) + 1n];
    const n = edges.length + 1;
    const units = new Float64Array(n);
    const big = new Map<number, bigint>();
    edges.forEach((v, r) => {
      if (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n) units[r] = Number(v);
      else big.set(r, v);
    });
    units[n - 1] = Number.NaN;
    const small = new Float64Array([0, 1, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 123456789012345, -5, 7, 8, 9, 10, 11, 12, Number.NaN]);
    const table: Table = {
      rows: n,
      columns: [
        { name: "wide", type: "decimal", precision: 38, scale: 10, units, big, nullable: true },
        { name: "narrow", type: "decimal", precision: 18, scale: 2, units: small, big: new Map(), nullable: true },
      ],
    };
    const path = join(dir, "edges.parquet");
    writeFileSync(path, tableParquet(table, { bundle: BUNDLE }));
    const rows = await query(`SELECT wide::VARCHAR AS wide, narrow::VARCHAR AS narrow FROM read_parquet('${path}')`);
    const text = (v: bigint, scale: number) => {
      const s = (v < 0n ? -v : v).toString().padStart(scale + 1, "0");
      return `${v < 0n ? "-" : ""}${s.slice(0, -scale)}.${s.slice(-scale)}`;
    };
    expect(rows.map((r) => r.wide)).toEqual([...edges.map((v) => text(v, 10)), null]);
    expect(rows.map((r) => r.narrow)).toEqual([...Array.from(small.subarray(0, n - 1), (u) => text(BigInt(u), 2)), null]);
  });

  it("a run without line items: the lines file has no row and every column", async () => {
    const plan = scalePlan(2, "line", "0.1");
    const run = calculate(plan, { period: "2026-10", members, orders: [] });
    await checkAgainstRun(plan, run, writeParquet(run));
  });
});

describe("the Parquet bytes", () => {
  it("are the same for the input in any row order", () => {
    const runs = fc.sample(
      planArb.chain((p) => inputArb(p.measures, 40, p.placementWidth).map((input) => ({ p, input }))),
      { numRuns: Math.max(20, Math.ceil(numRuns / 50)), ...(seed !== undefined ? { seed: seed + 1 } : {}) },
    );
    for (const [k, { p, input }] of runs.entries()) {
      const plan = parsePlan(p.plan);
      const a = statementsParquet(calculate(plan, input), BUNDLE);
      const b = statementsParquet(calculate(plan, { ...input, members: shuffle(input.members, k + 1), orders: shuffle(input.orders, k + 7) }), BUNDLE);
      expect(Buffer.compare(a.lines, b.lines), `lines, run ${k}`).toBe(0);
      expect(Buffer.compare(a.totals, b.totals), `totals, run ${k}`).toBe(0);
      // Nothing of the moment or the machine: a second export of the same run is the same too.
      expect(canonicalJson(Buffer.from(statementsParquet(calculate(plan, input), BUNDLE).lines).toString("base64"))).toBe(canonicalJson(Buffer.from(a.lines).toString("base64")));
    }
  });
});

describe("compplan run --format parquet", () => {
  const here = (f: string) => new URL(`../plans/company-payout-cap/${f}`, import.meta.url).pathname;
  const run = (out: string, ...more: string[]) =>
    cli("run", "--plan", here("plan.yaml"), "--members", here("members.csv"), "--orders", here("orders.csv"), "--period", "2026-10", "--out", out, ...more);
  const listing = (out: string) => readdirSync(out).sort();
  const bundleOf = (out: string) => JSON.parse(readFileSync(join(out, "bundle.json"), "utf8")) as { fingerprint: string; outputs: string[]; files: Record<string, { bytes: number; fingerprint: string }> };

  it("writes lines.parquet and totals.parquet into the run folder; the bundle lists them; replay verifies them", async () => {
    const out = join(dir, "cli-run");
    const r = run(out, "--format", "parquet");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${join(out, "lines.parquet")}, ${join(out, "totals.parquet")}`);
    expect(listing(out)).toEqual(["bundle.json", "lines.parquet", "statements.ndjson", "summary.json", "totals.parquet"]);
    const bundle = bundleOf(out);
    expect(bundle.outputs).toEqual(expect.arrayContaining(["lines.parquet", "totals.parquet"]));
    for (const name of ["lines.parquet", "totals.parquet"]) {
      const bytes = readFileSync(join(out, name));
      expect(bundle.files[name]).toEqual({ bytes: bytes.length, fingerprint: `sha256:${createHash("sha256").update(bytes).digest("hex")}` });
    }
    // The file carries the bundle's fingerprint, as the CSV does.
    expect(await query(`SELECT key, value FROM parquet_kv_metadata('${join(out, "lines.parquet")}')`)).toEqual([{ key: "compplan.bundle", value: bundle.fingerprint }]);
    const replayed = cli("replay", out);
    expect(replayed.code, replayed.stdout).toBe(0);
    expect(replayed.stdout).toContain("lines.parquet, totals.parquet: byte for byte the replay's export");
  });

  it("replay names a Parquet file that is not the run's", () => {
    const out = join(dir, "cli-tampered");
    expect(run(out, "--format", "csv,parquet").code).toBe(0);
    expect(listing(out)).toContain("statements.csv");
    const path = join(out, "totals.parquet");
    const bytes = readFileSync(path);
    bytes[bytes.length - 9] = (bytes[bytes.length - 9] as number) ^ 1; // inside the footer's metadata
    writeFileSync(path, bytes);
    const r = cli("replay", out, "--json");
    expect(r.code).toBe(4);
    const report = JSON.parse(r.stdout) as { differences: { check: string; field: string }[] };
    expect(report.differences.map((d) => [d.check, d.field])).toEqual([
      ["parquet", "totals.parquet"],
      ["files", "totals.parquet"],
    ]);
  });

  it("a run without --format parquet leaves no Parquet file of an earlier run", () => {
    const out = join(dir, "cli-stale");
    expect(run(out, "--format", "parquet").code).toBe(0);
    expect(run(out).code).toBe(0);
    expect(listing(out)).toEqual(["bundle.json", "statements.ndjson", "summary.json"]);
  });

  it("refuses an unknown format as wrong usage", () => {
    const r = run(join(dir, "cli-never"), "--format", "csv,xlsx");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--format is ndjson (the default), csv, parquet, or both joined by a comma (csv,parquet)");
  });
});
