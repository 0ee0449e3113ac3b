/**
 * What-if over a chain of periods (docs/what-if.md "Over several periods"): a base plan and a changed plan
 * each run a chain of consecutive periods over the same members and orders, each plan feeding its own
 * closing state forward. The comparison holds each period's diff, a total over the chain (per member, so pay
 * a change moves from one period to another nets out) and the comparison of the final closing states.
 */
import { argumentIssues, isOptions, isRecord } from "../errors/arguments.js";
import { CompplanError, type Issue, type Result } from "../errors/issues.js";
import { decimalToUnits } from "../money/arith.js";
import { formatFixed } from "../money/decimal.js";
import { type Plan, planArgument } from "../plan/parse.js";
import { type CalculateOptions, safeCalculatePrepared, safePrepareInput } from "../run/calculate.js";
import type { RecordOrigin } from "../input/rows.js";
import { fingerprintText } from "../audit/fingerprint.js";
import { ENGINE_VERSION } from "../audit/version.js";
import { type PeriodsInput, chainPeriods, splitPeriods } from "../state/chain.js";
import { type StateInput, parseState } from "../state/state.js";
import { stateNdjson } from "../state/write.js";
import type { AppliedChanges } from "./applied.js";
import type { ChangeSet } from "./change.js";
import { memberColumns } from "./columns.js";
import { type BonusDiff, type Compared, type DiffSide, type RunDiff, TopK, diffRuns, scaled } from "./diff.js";
import { inputFingerprints, plansArgument, resolveChange, unionMeasures } from "./simulate.js";

/** Options of {@link simulatePeriods} and {@link safeSimulatePeriods}. */
export interface SimulatePeriodsOptions {
  /** Most members listed in each list of the diff (default 50; counts cover everyone). */
  readonly limit?: number;
  /** The first period's opening state of both plans (none: a first period, every member at the initial values). */
  readonly state?: StateInput;
  /** The first period's opening state of the changed plan, when it differs from the base plan's `state` (other state fields). */
  readonly changedState?: StateInput;
  /** What the change is, shown in the diff (default: the change set's own `description`). */
  readonly description?: string;
  /** Name of the change-set file, attached to issues about its operations. */
  readonly changeFileName?: string;
  /** Where each record came from (file and line), for error messages; set by file readers. */
  readonly memberOrigins?: readonly RecordOrigin[];
  readonly orderOrigins?: readonly RecordOrigin[];
  /** Called as each period starts (its id), for progress and timings. The library never logs. */
  readonly onPeriod?: (period: string) => void;
}

/** One member's pay over the whole chain, before and after. */
export interface ChainMemberChange {
  readonly memberId: string;
  readonly before: string;
  readonly after: string;
  readonly change: string;
}

/** How many members were paid more or less over the whole chain. */
export interface ChainMovers {
  /** Members whose pay over the chain changed. */
  readonly changed: number;
  /** Members paid more over the chain. */
  readonly gainers: number;
  /** Members paid less over the chain. */
  readonly losers: number;
  /** Members paid the same over the chain. */
  readonly payUnchanged: number;
  /** Members paid the same over the chain whose pay changed in some period: pay moved between periods. */
  readonly moved: number;
  /** Sum of every member's increase over the chain (≥ 0). */
  readonly gained: string;
  /** Sum of every member's decrease over the chain (≤ 0); `gained + lost` is the change of the total. */
  readonly lost: string;
}

/** The comparison summed over every period of the chain. */
export interface ChainTotal {
  /** The first and last period, and how many periods. */
  readonly first: string;
  readonly last: string;
  readonly periods: number;
  /** Members who took part in any period. */
  readonly members: number;
  /** Total paid over the chain. */
  readonly total: Compared<string>;
  /** Per bonus, paid over the chain (the keys and order of each period's `bonuses`). */
  readonly bonuses: readonly BonusDiff[];
  /** Counted on each member's pay over the chain, so pay moved from one period to another nets out. */
  readonly movers: ChainMovers;
  /** Members whose pay over the chain changed, largest absolute change first (then by id); at most `limit`. */
  readonly changes: readonly ChainMemberChange[];
  /** The largest increases over the chain, largest first; at most `limit`. */
  readonly largestGains: readonly ChainMemberChange[];
  /** The largest decreases over the chain, largest first; at most `limit`. */
  readonly largestLosses: readonly ChainMemberChange[];
}

/** One side of the final state: whether its plan keeps state, and the closing state file's fingerprint and rows. */
export interface StateSide {
  readonly keeps: boolean;
  /** `sha256:` of the state file's bytes; null when the plan keeps no state. */
  readonly fingerprint: string | null;
  /** Member rows of the state file. */
  readonly rows: number;
}

/** One state field in the comparison of final states. */
export interface StateFieldDiff {
  readonly field: string;
  readonly kind: string;
  /** `both`, or `before` / `after` when only the base / only the changed plan keeps it (the other counts the initial value). */
  readonly kept: "both" | "before" | "after";
  /** Members whose value of the field differs. */
  readonly members: number;
}

/** One member's state value that differs; `null` is the initial value (a field left out of the row, or not kept). */
export interface StateValueChange {
  readonly memberId: string;
  readonly field: string;
  readonly before: string | number | null;
  readonly after: string | number | null;
}

/** The comparison of the two plans' closing states after the last period. */
export interface StateDiff {
  /** The period the states close. */
  readonly period: string;
  readonly before: StateSide;
  readonly after: StateSide;
  /** Members whose state differs in any field. */
  readonly members: number;
  /** The fields of both states (the base plan's in order, then those only the changed plan keeps). */
  readonly fields: readonly StateFieldDiff[];
  /** Values that differ, by member id then field; at most `limit`. */
  readonly examples: readonly StateValueChange[];
}

/** The comparison of two plans over a chain of periods (docs/what-if.md "Over several periods"). */
export interface ChainDiff {
  /** Version of the diff format (as a single-period diff). */
  readonly compplanDiff: 1;
  readonly engine: { readonly name: "compplan"; readonly version: string };
  readonly currency: string;
  /** Decimal places of every amount: the larger money scale of the two plans. */
  readonly scale: number;
  readonly description?: string;
  readonly applied: AppliedChanges;
  readonly before: DiffSide;
  readonly after: DiffSide;
  /** Each period's comparison, in order (as a single-period diff, without `applied` and `description`). */
  readonly periods: readonly RunDiff[];
  readonly total: ChainTotal;
  readonly finalState: StateDiff;
}

/**
 * Runs a base plan and a changed plan over a chain of periods, each plan from its own closing state, and
 * compares them per period, in total over the chain, and in the final closing state. Never throws on bad
 * input: returns every issue found (for the input, those of the first period that fails).
 *
 * @param base - the plan in force, from {@link parsePlan}
 * @param change - a change set to apply to `base`, or a second plan
 * @param input - the periods, and the members and orders spanning them (see {@link splitPeriods})
 * @param options - list limit, the first period's opening state(s), description
 * @returns the comparison, or issues: those of {@link safeSimulate}, `PERIOD_INVALID` for a chain whose
 *   periods do not follow each other, and the `STATE_*` codes of an opening state
 * @example
 * ```ts
 * const r = safeSimulatePeriods(plan, { changes: [{ set: "paidAs.grace", value: 0 }] }, { periods: ["2026-01", "2026-02"], members, orders });
 * if (r.ok) console.log(r.value.total.total.change, r.value.finalState.members);
 * ```
 */
export function safeSimulatePeriods(base: Plan, change: ChangeSet | Plan, input: PeriodsInput, options: SimulatePeriodsOptions = {}): Result<ChainDiff> {
  const bad = argumentIssues("safeSimulatePeriods", [
    ["input", isRecord(input) && Array.isArray(input.periods) && Array.isArray(input.members) && Array.isArray(input.orders), "an object { periods, members, orders }", input],
    ["options", isOptions(options, "onPeriod"), "undefined or an options object whose callbacks are functions", options],
  ]);
  if (bad.length > 0) return { ok: false, issues: bad };
  const plans = plansArgument(base, change);
  if (!plans.ok) return plans;
  const resolved = resolveChange(base, change, options);
  if (!resolved.ok) return resolved;
  const { other, applied, description } = resolved.value;
  const periods = chainPeriods(input.periods);
  if (!periods.ok) return periods;
  const measures = unionMeasures(base, other);
  const limit = options.limit ?? 50;
  const origins = shareOrigins(input, options);
  const totals = new ChainTotals();
  const diffs: RunDiff[] = [];
  let stateA = options.state;
  let stateB = options.changedState ?? options.state;
  let textA: string | undefined;
  let textB: string | undefined;
  for (const share of splitPeriods(input, periods.value)) {
    options.onPeriod?.(share.period);
    const prepared = safePrepareInput(share, measures, origins(share));
    if (!prepared.ok) return prepared;
    const a = safeCalculatePrepared(base, prepared.value, stateA !== undefined ? { state: stateA } : {});
    if (!a.ok) return a;
    const b = safeCalculatePrepared(other, prepared.value, stateB !== undefined ? { state: stateB } : {});
    if (!b.ok) return b;
    const diff = diffRuns(a.value, b.value, { limit, inputs: inputFingerprints(prepared.value) });
    diffs.push(diff);
    totals.add(a.value, b.value, diff.scale);
    textA = stateNdjson(a.value);
    textB = stateNdjson(b.value);
    stateA = textA === undefined ? undefined : parseState(textA);
    stateB = textB === undefined ? undefined : parseState(textB);
  }
  const first = diffs[0] as RunDiff;
  const last = diffs[diffs.length - 1] as RunDiff;
  return {
    ok: true,
    value: {
      compplanDiff: 1,
      engine: { name: "compplan", version: ENGINE_VERSION },
      currency: first.currency,
      scale: first.scale,
      ...(description !== undefined ? { description } : {}),
      applied,
      before: first.before,
      after: first.after,
      periods: diffs,
      total: totals.result(diffs, limit),
      finalState: compareStates(last.period, textA, textB, limit),
    },
  };
}

/**
 * Runs a base plan and a changed plan over a chain of periods and compares them, like
 * {@link safeSimulatePeriods}; throws {@link CompplanError} listing every issue.
 *
 * @param base - the plan in force
 * @param change - a change set to apply to `base`, or a second plan
 * @param input - the periods, and the members and orders spanning them
 * @param options - list limit, opening state(s), description
 * @returns the comparison per period, in total and of the final state
 * @throws CompplanError with the codes listed for {@link safeSimulatePeriods}
 * @example
 * ```ts
 * const d = simulatePeriods(plan, change, { periods: safePeriodRange("2026-01..2026-06").periods ?? [], members, orders });
 * writeFileSync("diff.json", canonicalJson(d, 2));
 * ```
 */
export function simulatePeriods(base: Plan, change: ChangeSet | Plan, input: PeriodsInput, options: SimulatePeriodsOptions = {}): ChainDiff {
  const r = safeSimulatePeriods(base, change, input, options);
  if (!r.ok) throw new CompplanError(r.issues as Issue[]);
  return r.value;
}

/** The origins of each period's share of the records (the same objects as the input's), for its issues. */
function shareOrigins(input: PeriodsInput, options: SimulatePeriodsOptions): (share: { readonly members: readonly object[]; readonly orders: readonly object[] }) => CalculateOptions {
  const index = (records: readonly object[]) => new Map(records.map((r, k) => [r, k]));
  const m = options.memberOrigins === undefined ? undefined : { all: options.memberOrigins, at: index(input.members) };
  const o = options.orderOrigins === undefined ? undefined : { all: options.orderOrigins, at: index(input.orders) };
  const pick = (x: typeof m, records: readonly object[]) => records.map((r) => x?.all[x.at.get(r) as number] as RecordOrigin);
  return (share) => ({
    ...(m !== undefined ? { memberOrigins: pick(m, share.members) } : {}),
    ...(o !== undefined ? { orderOrigins: pick(o, share.orders) } : {}),
  });
}

/** Each member's pay summed over the periods, by member id (a member keeps its slot from the period it joins). */
class ChainTotals {
  private readonly slot = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly a: number[] = [];
  private readonly b: number[] = [];
  /** Whether the member's pay changed in some period. */
  private readonly moved: boolean[] = [];

  add(before: Parameters<typeof memberColumns>[0], after: Parameters<typeof memberColumns>[0], scale: number): void {
    const ca = memberColumns(before);
    const ta = scaled(ca, scale);
    const tb = scaled(memberColumns(after), scale);
    for (let i = 0; i < ta.length; i++) {
      const id = ca.ids.at(i) as string;
      let k = this.slot.get(id);
      if (k === undefined) {
        k = this.ids.length;
        this.slot.set(id, k);
        this.ids.push(id);
        this.a.push(0);
        this.b.push(0);
        this.moved.push(false);
      }
      const x = ta[i] as number;
      const y = tb[i] as number;
      this.a[k] = (this.a[k] as number) + x;
      this.b[k] = (this.b[k] as number) + y;
      if (x !== y) this.moved[k] = true;
    }
  }

  result(diffs: readonly RunDiff[], limit: number): ChainTotal {
    const first = diffs[0] as RunDiff;
    const scale = first.scale;
    const money = (units: bigint | number) => formatFixed(BigInt(units), scale);
    const compared = (x: bigint, y: bigint): Compared<string> => ({ before: money(x), after: money(y), change: money(y - x) });
    const sum = (pick: (d: RunDiff) => string) => diffs.reduce((s, d) => s + decimalToUnits(pick(d), scale), 0n);
    const bonuses = first.bonuses.map((x, j) => {
      const before = sum((d) => (d.bonuses[j] as BonusDiff).before);
      const after = sum((d) => (d.bonuses[j] as BonusDiff).after);
      return { ...x, ...compared(before, after) };
    });
    const { ids, a, b } = this;
    const delta = (i: number) => (b[i] as number) - (a[i] as number);
    const byId = (x: number, y: number) => ((ids[x] as string) < (ids[y] as string) ? -1 : 1);
    const changes = new TopK(limit, (x, y) => Math.abs(delta(y)) - Math.abs(delta(x)) || byId(x, y));
    const gains = new TopK(limit, (x, y) => delta(y) - delta(x) || byId(x, y));
    const losses = new TopK(limit, (x, y) => delta(x) - delta(y) || byId(x, y));
    let gainers = 0;
    let losers = 0;
    let moved = 0;
    let gained = 0n;
    let lost = 0n;
    for (let i = 0; i < ids.length; i++) {
      const d = delta(i);
      if (d > 0) {
        gainers++;
        gained += BigInt(d);
        gains.offer(i);
      } else if (d < 0) {
        losers++;
        lost += BigInt(d);
        losses.offer(i);
      } else if (this.moved[i] === true) moved++;
      if (d !== 0) changes.offer(i);
    }
    const member = (i: number): ChainMemberChange => ({ memberId: ids[i] as string, before: money(a[i] as number), after: money(b[i] as number), change: money(delta(i)) });
    return {
      first: first.period,
      last: (diffs[diffs.length - 1] as RunDiff).period,
      periods: diffs.length,
      members: ids.length,
      total: compared(sum((d) => d.total.before), sum((d) => d.total.after)),
      bonuses,
      movers: { changed: gainers + losers, gainers, losers, payUnchanged: ids.length - gainers - losers, moved, gained: money(gained), lost: money(lost) },
      changes: changes.sorted().map(member),
      largestGains: gains.sorted().map(member),
      largestLosses: losses.sorted().map(member),
    };
  }
}

/** A state file's header fields and its rows, each the line's text by member id. */
interface StateRows {
  readonly fields: readonly { readonly kind: string; readonly name: string }[];
  readonly ids: string[];
  readonly lines: string[];
}

function stateRows(text: string | undefined): StateRows {
  if (text === undefined) return { fields: [], ids: [], lines: [] };
  const all = text.split("\n");
  const header = JSON.parse(all[0] as string) as { fields: { kind: string; name: string }[] };
  const lines = all.slice(1, -1);
  // Every row starts with its id: keys are sorted and "id" sorts before every state field ("rank.…", measures).
  const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
  return { fields: header.fields, ids, lines };
}

/** @internal Compares two closing states (texts of state.ndjson, undefined for a plan that keeps none). */
export function compareStates(period: string, before: string | undefined, after: string | undefined, limit: number): StateDiff {
  const x = stateRows(before);
  const y = stateRows(after);
  const names = [...x.fields.map((f) => f.name), ...y.fields.map((f) => f.name).filter((n) => !x.fields.some((f) => f.name === n))];
  const fields = names.map((name) => {
    const fx = x.fields.find((f) => f.name === name);
    const fy = y.fields.find((f) => f.name === name);
    return { field: name, kind: (fx ?? fy)?.kind as string, kept: fx === undefined ? ("after" as const) : fy === undefined ? ("before" as const) : ("both" as const), members: 0 };
  });
  const examples: StateValueChange[] = [];
  let members = 0;
  const compareRow = (id: string, lx: string | undefined, ly: string | undefined) => {
    if (lx === ly) return;
    const vx = lx === undefined ? {} : (JSON.parse(lx) as Record<string, string | number>);
    const vy = ly === undefined ? {} : (JSON.parse(ly) as Record<string, string | number>);
    let differs = false;
    for (const f of fields) {
      const p = vx[f.field] ?? null;
      const q = vy[f.field] ?? null;
      if (p === q) continue;
      differs = true;
      f.members++;
      if (examples.length < limit) examples.push({ memberId: id, field: f.field, before: p, after: q });
    }
    if (differs) members++;
  };
  let i = 0;
  let j = 0;
  while (i < x.ids.length || j < y.ids.length) {
    const ix = x.ids[i];
    const iy = y.ids[j];
    if (iy === undefined || (ix !== undefined && ix < iy)) compareRow(ix as string, x.lines[i++], undefined);
    else if (ix === undefined || iy < ix) compareRow(iy, undefined, y.lines[j++]);
    else compareRow(ix, x.lines[i++], y.lines[j++]);
  }
  const side = (text: string | undefined, rows: StateRows): StateSide => ({ keeps: text !== undefined, fingerprint: text === undefined ? null : fingerprintText(text), rows: rows.ids.length });
  return { period, before: side(before, x), after: side(after, y), members, fields, examples };
}
