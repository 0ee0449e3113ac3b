// Building run inputs from a published case's tree, and running a plan on the files beside it.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type MemberInput,
  type OrderInput,
  type PeriodRun,
  type Plan,
  type RunResult,
  calculatePrepared,
  canonicalJson,
  orderMeasures,
  parsePlan,
  prepareFiles,
  runPeriods,
  safePeriodRange,
} from "../../src/index.js";
import { cli } from "../fixtures/cli.js";

export const PERIOD = "2026-10";

/** Loads a plan file relative to the calling test. */
export function loadPlan(url: URL): Plan {
  return parsePlan(readFileSync(url, "utf8"), { fileName: url.pathname });
}

/** One member per tree node, sponsored as published. */
export function membersOf(tree: { id: string; sponsor: string | null }[]): MemberInput[] {
  return tree.map((n) => ({ id: n.id, sponsorId: n.sponsor, joinDate: "2024-01-01" }));
}

/** One order of `kind` (personal consumption unless said) per node with a non-zero volume, volumes given per measure. */
export function ordersOf(tree: { id: string }[], volumes: (node: never) => Record<string, number | undefined>, kind: OrderInput["kind"] = "personal-consumption"): OrderInput[] {
  const out: OrderInput[] = [];
  for (const node of tree) {
    const v = Object.fromEntries(Object.entries(volumes(node as never)).filter(([, x]) => x !== undefined && x !== 0).map(([k, x]) => [k, String(x)]));
    if (Object.keys(v).length > 0) out.push({ id: `o-${node.id}`, memberId: node.id, kind, date: "2026-10-15", volumes: v });
  }
  return out;
}

/**
 * The run of `plan` on a members file and an orders file in the folder `dir` (by default members.csv and
 * orders.csv: the files a plan's README gives to `compplan run`), read as `compplan run` reads them.
 */
export function runFiles(plan: Plan, dir: URL, files = { members: "members.csv", orders: "orders.csv" }, period = PERIOD): RunResult {
  const path = (f: string) => fileURLToPath(new URL(f, dir));
  return calculatePrepared(plan, prepareFiles({ period, members: path(files.members), orders: path(files.orders) }, { measures: orderMeasures(plan) }));
}

/** What one `compplan run` printed, and the files it wrote. */
export interface CompplanRun {
  readonly stdout: string;
  /** The text of a file the run wrote, by its path under --out. */
  readonly read: (...path: string[]) => string;
}

/**
 * Runs `compplan run` (in-process) on the plan.yaml, members.csv and orders.csv in the folder `dir` with
 * `flags` (`--period P` or `--periods RANGE`) into a temporary --out folder, and gives `use` what it printed
 * and wrote; the folder is removed after. Throws with the command's stderr when it fails.
 */
export function compplanRun<T>(dir: URL, flags: readonly string[], use: (run: CompplanRun) => T): T {
  const out = mkdtempSync(join(tmpdir(), "compplan-plan-run-"));
  try {
    const path = (f: string) => fileURLToPath(new URL(f, dir));
    const r = cli("run", "--plan", path("plan.yaml"), "--members", path("members.csv"), "--orders", path("orders.csv"), ...flags, "--out", join(out, "run"));
    if (r.code !== 0) throw new Error(r.stderr);
    return use({ stdout: r.stdout, read: (...p) => readFileSync(join(out, "run", ...p), "utf8") });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * What `compplan run --periods RANGE` writes from the files in the folder `dir` (as {@link compplanRun}):
 * per period, its statements.ndjson and summary.json (parsed).
 */
export function runFilesChain(dir: URL, range: string): Map<string, { statements: string; summary: unknown }> {
  return compplanRun(dir, ["--periods", range], ({ stdout, read }) => {
    const periods = [...stdout.matchAll(/^(\d{4}-\d{2}): /gm)].map((m) => m[1] as string);
    return new Map(periods.map((p) => [p, { statements: read(p, "statements.ndjson"), summary: JSON.parse(read(p, "summary.json")) }]));
  });
}

/**
 * The months of `range` (`2026-01..2026-12`) run as a chain (the library's runPeriods), each with the same
 * orders `month` (dated the 15th, each id suffixed with the month).
 */
export function everyMonth(plan: Plan, members: MemberInput[], month: readonly OrderInput[], range: string): PeriodRun[] {
  const periods = safePeriodRange(range).periods ?? [];
  const orders = periods.flatMap((p) => month.map((o) => ({ ...o, id: `${o.id}-${p}`, date: `${p}-15` })));
  return [...runPeriods(plan, { periods, members, orders })];
}

/** What a chain of runs says, as {@link runFilesChain} reads it from the folders `compplan run --periods` writes. */
export function chainText(runs: readonly PeriodRun[]): Map<string, { statements: string; summary: unknown }> {
  return new Map(runs.map((p) => [p.input.period, { statements: `${[...p.run.statementsJson()].join("\n")}\n`, summary: JSON.parse(JSON.stringify(p.run.summary)) }]));
}

/** What a run says: every statement and the summary, as canonical JSON (two runs saying the same are equal). */
export function runText(run: RunResult): string {
  return [...run.statementsJson(), canonicalJson(run.summary)].join("\n");
}

/** The exact sum of money amounts with 2 decimal places ("132.00"), without float arithmetic. */
export function sumMoney(amounts: readonly string[]): string {
  let cents = 0n;
  for (const a of amounts) {
    const m = /^(-?)(\d+)\.(\d\d)$/.exec(a);
    if (m === null) throw new Error(`${a} is not an amount with 2 places`);
    cents += (m[1] === "-" ? -1n : 1n) * BigInt(`${m[2]}${m[3]}`);
  }
  const digits = (cents < 0n ? -cents : cents).toString().padStart(3, "0");
  return `${cents < 0n ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The rows of a small plain CSV file (a plan's members.csv or orders.csv: no quoting), as records by column name. */
export function csvRows(url: URL): Record<string, string>[] {
  const [head, ...lines] = readFileSync(url, "utf8").trim().split("\n");
  const keys = (head as string).split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, k) => [keys[k] as string, v])));
}
