/**
 * The what-if commands: `compplan diff` (two plans, or a plan and a change set, over the same input; writes
 * diff.json and report.html) and `compplan sweep` (one plan value over a list of values). Results go to
 * stdout, timings to stderr; invalid input is thrown as CompplanError and listed by the caller (exit 1),
 * wrong usage is one line naming the problem and where to get help (exit 2).
 */
import { writeFileSync } from "node:fs";
import { DIFF_FILES, SWEEP_FILES, writeFolder } from "./run-folder.js";
import { type Flags, UsageError, parseFlags, required, usageErrorText } from "./flags.js";
import { join } from "node:path";
import { CompplanError, type Issue } from "../errors/issues.js";
import { decimalToUnits } from "../money/arith.js";
import { formatFixed, formatTrimmed, groupDigits, parseUnits } from "../money/decimal.js";
import { type Plan, safeParsePlan } from "../plan/parse.js";
import { safeParsePeriod } from "../run/period.js";
import { canonicalJson } from "../statement/canonical.js";
import { type ChangeSet, safeApplyChangeSet, safeParseChangeSet, valueAt } from "../simulate/change.js";
import type { RunDiff } from "../simulate/diff.js";
import { readInputFiles, readTextFile, readTextOrThrow, safePrepareFiles } from "../input/files.js";
import { renderChainDiffReport, renderDiffReport } from "../simulate/report.js";
import { type ChainDiff, safeSimulatePeriods } from "../simulate/chain.js";
import { safePeriodRange } from "../state/chain.js";
import { type StateInput, safeParseState } from "../state/state.js";
import { type SimulateStep, simulateWith, unionMeasures } from "../simulate/simulate.js";
import { type SweepResult, runSweep } from "../simulate/sweep.js";
import type { CliIO } from "./cli.js";

/** @internal Usage of `compplan diff`, for the usage texts. */
export const DIFF_USAGE = `  compplan diff --base PLAN (--plan PLAN | --change FILE) --members FILE --orders FILE
                (--period YYYY-MM | --periods FIRST..LAST [--state FILE]) --out DIR [--limit N] [--timings] [--json]
      Runs the base plan and the changed plan (a second plan file, or a change set applied to the base)
      over the same input; writes DIR/diff.json and DIR/report.html and prints the headline numbers.
      With --periods, over a chain of periods (each plan from its own closing state; --state is the first
      period's opening state): per period, in total, and the final state.
`;

/** @internal Usage of `compplan sweep`, for the usage texts. */
export const SWEEP_USAGE = `  compplan sweep --plan PLAN --path PATH (--values V1,V2,... | --from A --to B --step S) --members FILE
                 --orders FILE --period YYYY-MM [--out DIR] [--workers N] [--timings] [--json]
      Runs the plan with the value at PATH set to each value (PATH as in a change set, e.g.
      'bonuses[key=unilevel].schedule[rank=Bronze].rates[2]'); prints payout share and gainers/losers
      per value and writes DIR/sweep.json. Uses one worker thread per core unless --workers says otherwise.
`;





function wholeNumber(flags: Flags, name: string, min: number, max: number): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`--${name} is a whole number from ${min} to ${groupDigits(String(max))}`);
  return n;
}

/** Wrong usage of a what-if command, reported as runCli reports it (kept so the command bodies stay put). */
function usageGuard(command: string, io: CliIO, body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(usageErrorText(command, e.message));
      return 2;
    }
    throw e;
  }
}

function loadPlan(path: string): Plan {
  const read = readTextFile(path, "plan");
  if (read.issue !== undefined) throw new CompplanError([read.issue]);
  const r = safeParsePlan(read.text as string, { fileName: path });
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

function checkPeriod(text: string): void {
  const period = safeParsePeriod(text);
  if (period.period === undefined) throw new CompplanError([period.issue as Issue]);
}

/** Step timings for --timings. */
class Clock {
  private last = performance.now();
  private current: string | undefined;
  readonly rows: { step: string; ms: number }[] = [];

  step(name: string): void {
    const now = performance.now();
    if (this.current !== undefined) this.rows.push({ step: this.current, ms: now - this.last });
    this.current = name;
    this.last = now;
  }

  report(): string {
    this.step("done");
    const total = this.rows.reduce((a, r) => a + r.ms, 0);
    const lines = this.rows.map((r) => `  ${r.step.padEnd(22)} ${(r.ms / 1000).toFixed(3).padStart(9)} s`);
    return `timings:\n${lines.join("\n")}\n  ${"total".padEnd(22)} ${(total / 1000).toFixed(3).padStart(9)} s\n  peak memory (max RSS) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`;
  }
}

const STEP_NAMES: Record<SimulateStep, string> = {
  change: "apply change",
  prepare: "read + validate + genealogy",
  before: "run base plan",
  after: "run changed plan",
  fingerprint: "fingerprint inputs",
  diff: "compare",
};

/** The base plan and the change (a change set, checked against the base, or a second plan) of `compplan diff`. */
function loadComparison(flags: Flags, basePath: string): { base: Plan; other: Plan | ChangeSet; changed: Plan; description: string | undefined } {
  const base = loadPlan(basePath);
  if (typeof flags.change !== "string") {
    const plan = loadPlan(flags.plan as string);
    return { base, other: plan, changed: plan, description: undefined };
  }
  const path = flags.change;
  const read = readTextFile(path, "change");
  if (read.issue !== undefined) throw new CompplanError([read.issue]);
  const change = safeParseChangeSet(read.text as string, { fileName: path });
  if (!change.ok) throw new CompplanError(change.issues);
  const applied = safeApplyChangeSet(base, change.value, { fileName: path });
  if (!applied.ok) throw new CompplanError(applied.issues);
  // Checked here, before the input is read; the comparison applies it again and lists its operations.
  return { base, other: change.value, changed: applied.value, description: change.value.description };
}

/** `compplan diff --periods`: the comparison over a chain of periods. */
function diffPeriods(flags: Flags, clock: Clock, io: CliIO): number {
  if (flags.period !== undefined) throw new UsageError("give either --period or --periods, not both");
  const basePath = required(flags, "base");
  const range = safePeriodRange(required(flags, "periods"));
  if (range.periods === undefined) throw new CompplanError([range.issue as Issue]);
  const out = required(flags, "out");
  const membersPath = required(flags, "members");
  const ordersPath = required(flags, "orders");
  const limit = wholeNumber(flags, "limit", 0, 100_000);
  const { base, other, changed, description } = loadComparison(flags, basePath);
  let state: StateInput | undefined;
  if (typeof flags.state === "string") {
    const parsed = safeParseState(readTextOrThrow(flags.state, "state"), flags.state);
    if (!parsed.ok) throw new CompplanError(parsed.issues);
    state = parsed.value;
  }
  clock.step("read input");
  const measures = [...unionMeasures(base, changed)];
  const read = readInputFiles({ period: range.periods[0] as string, members: membersPath, orders: ordersPath }, measures);
  if (!read.ok) throw new CompplanError(read.issues);
  const r = safeSimulatePeriods(base, other, { periods: range.periods, members: read.value.input.members, orders: read.value.input.orders }, {
    memberOrigins: read.value.memberOrigins,
    orderOrigins: read.value.orderOrigins,
    onPeriod: (p) => clock.step(`period ${p}`),
    ...(typeof flags.change === "string" ? { changeFileName: flags.change } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(state !== undefined ? { state } : {}),
  });
  if (!r.ok) throw new CompplanError(r.issues);
  clock.step("write diff + report");
  const inputs = [basePath, membersPath, ordersPath, ...[flags.plan, flags.change, flags.state].filter((f): f is string => typeof f === "string")];
  const written = writeFolder(out, { inputs, names: DIFF_FILES, canForce: false }, (folder) => {
    writeFileSync(folder.path("diff.json"), `${canonicalJson(r.value, 2)}\n`);
    writeFileSync(folder.path("report.html"), renderChainDiffReport(r.value));
  });
  for (const note of written.notes) io.stderr(`compplan: ${note}\n`);
  io.stdout(formatChainDiff(r.value));
  io.stdout(`\nwrote ${join(out, "diff.json")} and ${join(out, "report.html")}\n`);
  if (flags.timings === true) io.stderr(clock.report());
  return 0;
}

/** @internal The headline numbers of a comparison over a chain of periods as aligned text. */
export function formatChainDiff(d: ChainDiff): string {
  const t = d.total;
  const lines = [`compplan diff: plan "${d.before.plan.id}" → "${d.after.plan.id}", periods ${t.first}..${t.last} (${t.periods}), ${groupDigits(String(t.members))} members, amounts in ${d.currency}`];
  if (d.description !== undefined) lines.push(`  ${d.description}`);
  lines.push("");
  const rows: string[][] = d.periods.map((p) => [p.period, groupDigits(p.total.before), groupDigits(p.total.after), signed(p.total.change), groupDigits(String(p.movers.gainers)), groupDigits(String(p.movers.losers))]);
  rows.push(["total", groupDigits(t.total.before), groupDigits(t.total.after), signed(t.total.change), groupDigits(String(t.movers.gainers)), groupDigits(String(t.movers.losers))]);
  for (const b of t.bonuses) rows.push([`  ${b.key}${b.status === "both" ? "" : ` (${b.status})`}`, groupDigits(b.before), groupDigits(b.after), signed(b.change), "", ""]);
  const head = ["", "before", "after", "change", "paid more", "paid less"];
  const widths = head.map((h, i) => Math.max(h.length, 8, ...rows.map((r) => (r[i] as string).length)) + 2);
  const fmt = (r: readonly string[]) => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("")}`.trimEnd();
  lines.push(fmt(head), ...rows.map(fmt), "");
  lines.push(`  over the chain: paid more ${groupDigits(String(t.movers.gainers))} (${signed(t.movers.gained)}), paid less ${groupDigits(String(t.movers.losers))} (${groupDigits(t.movers.lost)}), paid the same ${groupDigits(String(t.movers.payUnchanged))} (pay moved between periods: ${groupDigits(String(t.movers.moved))})`);
  const st = d.finalState;
  const fields = st.fields.filter((f) => f.members > 0).map((f) => `${f.field} ${groupDigits(String(f.members))}`);
  lines.push(`  final state (${st.period}): members whose state differs ${groupDigits(String(st.members))}${fields.length > 0 ? ` (${fields.join(", ")})` : ""}`);
  return `${lines.join("\n")}\n`;
}

/** @internal `compplan diff`. */
export function cmdDiff(args: readonly string[], io: CliIO): number {
  return usageGuard("diff", io, () => {
    const flags = parseFlags(args, ["base", "plan", "change", "members", "orders", "period", "periods", "state", "out", "limit"], ["timings", "json"]);
    const clock = new Clock();
    clock.step("read plans");
    const basePath = required(flags, "base");
    if ((flags.plan === undefined) === (flags.change === undefined)) throw new UsageError("give either --plan (a second plan) or --change (a change set)");
    if (flags.periods !== undefined) return diffPeriods(flags, clock, io);
    if (flags.state !== undefined) throw new UsageError("--state goes with --periods (the first period's opening state)");
    const period = required(flags, "period");
    const out = required(flags, "out");
    const membersPath = required(flags, "members");
    const ordersPath = required(flags, "orders");
    const limit = wholeNumber(flags, "limit", 0, 100_000);
    const { base, other, description } = loadComparison(flags, basePath);
    checkPeriod(period);
    const r = simulateWith(base, other, (measures) => safePrepareFiles({ period, members: membersPath, orders: ordersPath }, { measures }), {
      onStep: (s) => clock.step(STEP_NAMES[s]),
      ...(typeof flags.change === "string" ? { changeFileName: flags.change } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(description !== undefined ? { description } : {}),
    });
    if (!r.ok) throw new CompplanError(r.issues);
    clock.step("write diff + report");
    // Written into a temporary folder that replaces `out` once both files are complete (run-folder.ts).
    const inputs = [basePath, membersPath, ordersPath, ...(typeof flags.plan === "string" ? [flags.plan] : []), ...(typeof flags.change === "string" ? [flags.change] : [])];
    const written = writeFolder(out, { inputs, names: DIFF_FILES, canForce: false }, (folder) => {
      writeFileSync(folder.path("diff.json"), `${canonicalJson(r.value.diff, 2)}\n`);
      writeFileSync(folder.path("report.html"), renderDiffReport(r.value.diff));
    });
    for (const note of written.notes) io.stderr(`compplan: ${note}\n`);
    const diffPath = join(out, "diff.json");
    const reportPath = join(out, "report.html");
    io.stdout(formatDiff(r.value.diff));
    io.stdout(`\nwrote ${diffPath} and ${reportPath}\n`);
    if (flags.timings === true) io.stderr(clock.report());
    return 0;
  });
}

function percent(share: string | null): string {
  return share === null ? "n/a" : `${formatFixed(decimalToUnits(share, 6), 4)}%`;
}

function signed(text: string): string {
  return text.startsWith("-") || /^0(\.0*)?$/.test(text) ? groupDigits(text) : `+${groupDigits(text)}`;
}

function points(change: string | null): string {
  return change === null ? "n/a" : `${signed(formatFixed(decimalToUnits(change, 6), 4))} pp`;
}

/** @internal The headline numbers of a diff as aligned text. */
export function formatDiff(d: RunDiff): string {
  const name = (p: RunDiff["before"]["plan"]) => `"${p.id}"`;
  const lines: string[] = [];
  lines.push(`compplan diff: plan ${name(d.before.plan)} → ${name(d.after.plan)}, period ${d.period}, ${groupDigits(String(d.members))} members, amounts in ${d.currency}`);
  if (d.description !== undefined) lines.push(`  ${d.description}`);
  lines.push("");
  const rows: [string, string, string, string][] = [];
  rows.push(["total", groupDigits(d.total.before), groupDigits(d.total.after), signed(d.total.change)]);
  rows.push([`payout share of ${d.after.payoutBasis}`, percent(d.payoutShare.before), percent(d.payoutShare.after), points(d.payoutShare.change)]);
  for (const b of d.bonuses) rows.push([`  ${b.key}${b.status === "both" ? "" : ` (${b.status})`}`, groupDigits(b.before), groupDigits(b.after), signed(b.change)]);
  rows.push(["breakage", groupDigits(d.accounting.breakage.before), groupDigits(d.accounting.breakage.after), signed(d.accounting.breakage.change)]);
  rows.push(["compressed up", groupDigits(d.accounting.compressedUp.before), groupDigits(d.accounting.compressedUp.after), signed(d.accounting.compressedUp.change)]);
  rows.push(["qualified members", groupDigits(String(d.qualified.before)), groupDigits(String(d.qualified.after)), signed(String(d.qualified.change))]);
  const w = Math.max(...rows.map((r) => r[0].length), 10) + 2;
  const c = Math.max(14, ...rows.flatMap((r) => [r[1].length, r[2].length, r[3].length])) + 2;
  lines.push(`  ${"".padEnd(w)}${"before".padStart(c)}${"after".padStart(c)}${"change".padStart(c)}`);
  for (const r of rows) lines.push(`  ${r[0].padEnd(w)}${r[1].padStart(c)}${r[2].padStart(c)}${r[3].padStart(c)}`);
  const m = d.movers;
  lines.push("");
  lines.push(`  members paid more ${groupDigits(String(m.gainers))} (${signed(m.gained)}), paid less ${groupDigits(String(m.losers))} (${groupDigits(m.lost)}), paid the same ${groupDigits(String(m.payUnchanged))}`);
  lines.push(`  paid as a higher rank ${groupDigits(String(m.rankUp))}, as a lower rank ${groupDigits(String(m.rankDown))}`);
  const median = d.distribution.payees.find((p) => p.percentile === 50);
  if (median !== undefined) lines.push(`  median pay of members paid anything: ${median.before === null ? "n/a" : groupDigits(median.before)} → ${median.after === null ? "n/a" : groupDigits(median.after)}`);
  return `${lines.join("\n")}\n`;
}

/** The values of a sweep from --values, or from --from/--to/--step (exact decimal steps). */
function sweepValues(flags: Flags): string[] {
  const listed = flags.values;
  const ranged = flags.from !== undefined || flags.to !== undefined || flags.step !== undefined;
  if ((listed !== undefined) === ranged) throw new UsageError("give either --values or all of --from, --to and --step");
  if (typeof listed === "string") {
    const values = listed.split(",").map((v) => v.trim());
    if (values.some((v) => v === "")) throw new UsageError("--values is a comma-separated list with no empty entries");
    return values;
  }
  const from = required(flags, "from");
  const to = required(flags, "to");
  const step = required(flags, "step");
  const places = Math.max(...[from, to, step].map((t) => (t.includes(".") ? t.length - t.indexOf(".") - 1 : 0)));
  const units = [from, to, step].map((t) => parseUnits(t, places));
  if (units.some((u) => typeof u !== "bigint" || u < 0n)) throw new UsageError("--from, --to and --step are non-negative decimals such as 0.02");
  const [a, b, s] = units as [bigint, bigint, bigint];
  if (s === 0n || b < a) throw new UsageError("--step must be above 0 and --to at least --from");
  if ((b - a) / s + 1n > 1000n) throw new UsageError("a sweep has at most 1,000 values");
  const values: string[] = [];
  for (let v = a; v <= b; v += s) values.push(formatTrimmed(v, places));
  return values;
}

/** @internal `compplan sweep`. */
export function cmdSweep(args: readonly string[], io: CliIO): number {
  return usageGuard("sweep", io, () => {
    const flags = parseFlags(args, ["plan", "path", "values", "from", "to", "step", "members", "orders", "period", "out", "workers"], ["timings", "json"]);
    const clock = new Clock();
    clock.step("read plan");
    const planPath = required(flags, "plan");
    const path = required(flags, "path");
    const period = required(flags, "period");
    const membersPath = required(flags, "members");
    const ordersPath = required(flags, "orders");
    const texts = sweepValues(flags);
    const workers = wholeNumber(flags, "workers", 0, 64);
    const plan = loadPlan(planPath);
    checkPeriod(period);
    // Values are text on the command line; where the plan holds a number (a count), pass numbers.
    const current = valueAt(plan, path);
    const values = typeof current === "number" ? texts.map((t) => (/^\d+$/.test(t) ? Number(t) : t)) : texts;
    clock.step("sweep (workers)");
    const r = runSweep(plan, { path, values }, { files: { period, members: membersPath, orders: ordersPath } }, workers !== undefined ? { workers } : {});
    if (!r.ok) throw new CompplanError(r.issues);
    clock.step("write");
    io.stdout(formatSweep(r.value));
    if (typeof flags.out === "string") {
      // Like run and diff: the folder is replaced whole once sweep.json is complete, and may not hold an input.
      const written = writeFolder(flags.out, { inputs: [planPath, membersPath, ordersPath], names: SWEEP_FILES, canForce: false }, (folder) => {
        writeFileSync(folder.path("sweep.json"), `${canonicalJson(r.value, 2)}\n`);
      });
      for (const note of written.notes) io.stderr(`compplan: ${note}\n`);
      io.stdout(`\nwrote ${join(flags.out, "sweep.json")}\n`);
    }
    if (flags.timings === true) io.stderr(clock.report());
    return 0;
  });
}

/** @internal A sweep as an aligned table. */
export function formatSweep(s: SweepResult): string {
  const now = s.base.value === undefined ? "" : ` (now ${JSON.stringify(s.base.value)})`;
  const lines = [
    `compplan sweep: plan "${s.base.plan.id}", ${s.path}${now}, period ${s.period}, ${groupDigits(String(s.members))} members, amounts in ${s.currency}`,
    `  base plan: total ${groupDigits(s.base.total)}, payout share ${percent(s.base.payoutShare)}`,
    "",
  ];
  const head = ["value", "total", "change", "payout share", "change", "paid more", "paid less", "rank changed"];
  const rows = s.points.map((p) => [
    typeof p.value === "string" ? p.value : JSON.stringify(p.value),
    groupDigits(p.total),
    signed(p.totalChange),
    percent(p.payoutShare),
    points(p.payoutShareChange),
    groupDigits(String(p.gainers)),
    groupDigits(String(p.losers)),
    groupDigits(String(p.rankChanged)),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)) + 2);
  const fmt = (r: readonly string[]) => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("")}`;
  lines.push(fmt(head), ...rows.map(fmt));
  return `${lines.join("\n")}\n`;
}
