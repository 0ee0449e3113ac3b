/**
 * Compiles a validated plan into the engine's internal form: names become indices, decimal strings become
 * scaled integers. Runs once per calculation, before any member is visited.
 */
import { assert } from "../errors/issues.js";
import { RATE_SCALE, type RoundingMode, VOLUME_SCALE } from "../money/decimal.js";
import type { ColumnKind, ColumnName, CompileContext, CompiledBonus } from "../bonuses/family.js";
import type { StateField, StatePlan } from "../state/state.js";
import { familyFor } from "../bonuses/lookup.js";
import type { MeasureSpec } from "../measures/volumes.js";
import type { JoinWindow } from "../measures/join-window.js";
import { ORDER_KINDS } from "./fields.js";
import { orderPlanSteps } from "./steps.js";
import { decimalUnits, rateUnits, volumeUnits } from "./units.js";
import type { Plan } from "./parse.js";

/** Qualification in internal units. */
export interface CompiledQualification {
  readonly personal?: { readonly measure: number; readonly minimum: number };
  /** 0 when the plan does not ask for active personally sponsored members. */
  readonly sponsoredActive: number;
  readonly reference: string | undefined;
}

/** One rank in internal units. */
export interface CompiledRank {
  readonly name: string;
  readonly reference: string | undefined;
  readonly qualified: boolean;
  readonly personal?: { readonly measure: number; readonly minimum: number };
  /**
   * legCap in rate units, -1 for none. With a cap: `cap` = legCap × minimum exactly (at VALUE_SCALE),
   * `threshold` = floor(cap / 10^6) (a leg above it is capped), and `capNumber`/`requiredNumber` = cap
   * and minimum × 10^6 as plain numbers, or NaN where they are not exact safe integers.
   */
  readonly group?: {
    readonly measure: number;
    readonly minimum: number;
    readonly legCap: number;
    readonly cap: bigint;
    readonly threshold: number;
    readonly capNumber: number;
    readonly requiredNumber: number;
  };
  /** Each leg requirement counts legs holding `rank` (≥ 0) or reaching `minimum` of `measure`. */
  readonly legs: readonly { readonly count: number; readonly rank: number; readonly measure: number; readonly minimum: number }[];
  /**
   * Each column requirement: the member's value of column `source` (an index into
   * {@link CompiledPlan.rankColumns}) must reach `minimum`, in the units of the column's `kind`.
   */
  readonly columns: readonly {
    readonly source: number;
    readonly column: ColumnName;
    readonly kind: ColumnKind;
    /** The column's decimal places: the money scale, 4 for a volume, 0 for a count. */
    readonly scale: number;
    readonly minimum: number;
  }[];
}

/** The plan in internal form. */
export interface CompiledPlan {
  readonly plan: Plan;
  readonly measures: readonly MeasureSpec[];
  readonly measureIndex: ReadonlyMap<string, number>;
  readonly payoutBasis: number;
  readonly qualification: CompiledQualification;
  readonly ranks: readonly CompiledRank[];
  /** How a member's given rank is used (the plan's `givenRank`, `floor` when absent). */
  readonly givenRank: "floor" | "paid-as";
  readonly bonuses: readonly CompiledBonus[];
  /** The bonus indices in the order the steps run: each after every step whose columns it reads. */
  readonly stepOrder: readonly number[];
  /**
   * The ranks run after the first `rankStep` bonuses of {@link CompiledPlan.stepOrder}: the bonuses whose
   * columns rank requirements read. 0 when no rank requirement reads a column (the ranks run first).
   */
  readonly rankStep: number;
  /** The columns rank requirements read, each once, in order of first use. */
  readonly rankColumns: readonly ColumnName[];
  readonly moneyScale: number;
  readonly rounding: RoundingMode;
  readonly roundingApplies: "line" | "bonus";
  /** The placement tree's width (most members under one), or 0 when the plan has no placement tree. */
  readonly placementWidth: number;
  /** The state the plan keeps between periods (docs/state.md); `keeps` false: none. */
  readonly state: CompiledState;
  /** Periods a paid-as rank is kept after its requirements are missed (0: no grace). */
  readonly rankGrace: number;
  /** Never paid below the highest rank ever held. */
  readonly holdHighest: boolean;
}

/** The state a plan keeps: its fields in order, and what a row for an unknown member does. */
export interface CompiledState extends StatePlan {
  readonly keeps: boolean;
}

/**
 * @internal The state fields an accumulated measure keeps (docs/state.md "Accumulated measures"): `<M>`
 * since joining (`periods` 0), else `<M>.1` … `<M>.<periods-1>`, `<M>.k` the base's personal volume k−1
 * periods before the one closed.
 */
export function accumulatedFields(name: string, periods: number): string[] {
  return periods === 0 ? [name] : Array.from({ length: periods - 1 }, (_, k) => `${name}.${k + 1}`);
}

/**
 * The state fields of a plan (docs/state.md "When a plan keeps state"): rank fields, then accumulated
 * measures in plan order, then the fields each bonus keeps (`<key>.<name>`), in plan order.
 */
function stateOf(plan: Plan, bonusFields: readonly StateField[], bonusKeeps: boolean): CompiledState {
  const grace = plan.paidAs?.grace ?? 0;
  const accumulated = Object.entries(plan.measures).filter(([, m]) => m.accumulates !== undefined);
  const keeps = plan.state !== undefined || grace > 0 || plan.paidAs?.hold === "highest" || accumulated.length > 0 || bonusKeeps;
  const fields: StateField[] = [];
  if (keeps && plan.ranks.length > 0) {
    fields.push({ name: "rank.highest", kind: "rank" }, { name: "rank.paidAs", kind: "rank" }, { name: "rank.periods", kind: "count" });
    if (grace > 0) fields.push({ name: "rank.grace", kind: "count" });
  }
  for (const [name, m] of accumulated) for (const f of accumulatedFields(name, m.periods ?? 0)) fields.push({ name: f, kind: "volume" });
  fields.push(...bonusFields);
  return { keeps, fields, rankNames: plan.ranks.map((r) => r.name), unknownMembers: plan.state?.unknownMembers ?? "error", moneyScale: plan.money.scale };
}

function compileGroup(group: { minimum: string; legCap?: string | undefined }, measure: number): NonNullable<CompiledRank["group"]> {
  const minimum = volumeUnits(group.minimum);
  const legCap = group.legCap === undefined ? -1 : rateUnits(group.legCap);
  const cap = legCap < 0 ? 0n : BigInt(legCap) * BigInt(minimum);
  const safe = (x: bigint) => (x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : Number.NaN);
  return {
    measure,
    minimum,
    legCap,
    cap,
    threshold: Number(cap / RATE_ONE),
    capNumber: safe(cap),
    requiredNumber: safe(BigInt(minimum) * RATE_ONE),
  };
}
const RATE_ONE = 10n ** BigInt(RATE_SCALE);

/** The window after joining of bonus `key`, which a measure's `leavesOut` names (validated: its family has one). */
function bonusWindow(plan: Plan, key: string): JoinWindow {
  const b = plan.bonuses.find((x) => x.key === key);
  assert(b !== undefined, "validated-leaves-out", key);
  const w = familyFor(b.kind).orderWindow?.(b);
  assert(w !== undefined, "validated-leaves-out-window", key);
  return w;
}

/** @internal Compiles a validated plan. */
export function compilePlan(plan: Plan): CompiledPlan {
  const names = Object.keys(plan.measures).sort();
  const measureIndex = new Map(names.map((n, i) => [n, i]));
  // The most any bonus pays per unit of each measure, when above 1 (BonusFamily.amplifies), in rate units.
  const factor = new Map<string, bigint>();
  for (const b of plan.bonuses) {
    for (const a of familyFor(b.kind).amplifies?.(b) ?? []) {
      const f = BigInt(rateUnits(a.factor));
      if (f > RATE_ONE && f > (factor.get(a.measure) ?? 0n)) factor.set(a.measure, f);
    }
  }
  const measures: MeasureSpec[] = names.map((name) => {
    const m = plan.measures[name] as Plan["measures"][string];
    const f = factor.get(name);
    return {
      name,
      counts: ORDER_KINDS.map((k) => m.counts?.includes(k) === true),
      personalConsumptionCap: m.personalConsumptionCap === undefined ? -1 : volumeUnits(m.personalConsumptionCap),
      ...(m.accumulates !== undefined ? { accumulates: { base: measureIndex.get(m.accumulates) as number, periods: m.periods ?? 0 } } : {}),
      ...(f !== undefined ? { totalMax: Number((BigInt(Number.MAX_SAFE_INTEGER) * RATE_ONE) / f) } : {}),
      ...(m.leavesOut !== undefined ? { leavesOut: m.leavesOut.map((key) => bonusWindow(plan, key)) } : {}),
      ...(m.volumeOf !== undefined ? { volumeOf: m.volumeOf } : {}),
    };
  });
  const mi = (name: string) => {
    const i = measureIndex.get(name);
    assert(i !== undefined, "validated-measure", `unknown measure ${name}`);
    return i;
  };
  const rankNames = plan.ranks.map((r) => r.name);
  const ri = (name: string) => {
    const i = rankNames.indexOf(name);
    assert(i >= 0, "validated-rank", `unknown rank ${name}`);
    return i;
  };
  const bonusKinds = new Map<ColumnName, ColumnKind>();
  for (const b of plan.bonuses) {
    bonusKinds.set(`earnings.${b.key}`, "money");
    for (const p of familyFor(b.kind).publishes?.(b) ?? []) bonusKinds.set(`${b.key}.${p.name}`, p.kind);
  }
  const rankColumns: ColumnName[] = [];
  const columnRequirement = (c: { column: string; minimum: string }): CompiledRank["columns"][number] => {
    const kind = bonusKinds.get(c.column);
    assert(kind !== undefined, "validated-column", `unknown column ${c.column}`);
    if (!rankColumns.includes(c.column)) rankColumns.push(c.column);
    const scale = kind === "volume" ? VOLUME_SCALE : kind === "money" ? plan.money.scale : 0;
    return { source: rankColumns.indexOf(c.column), column: c.column, kind, scale, minimum: decimalUnits(c.minimum, scale) };
  };
  const q = plan.qualification;
  const qualification: CompiledQualification = {
    ...(q?.personal !== undefined ? { personal: { measure: mi(q.personal.measure), minimum: volumeUnits(q.personal.minimum) } } : {}),
    sponsoredActive: q?.sponsoredActive ?? 0,
    reference: q?.reference,
  };
  const ranks: CompiledRank[] = plan.ranks.map((r) => ({
    name: r.name,
    reference: r.reference,
    qualified: r.requires.qualified,
    ...(r.requires.personal !== undefined
      ? { personal: { measure: mi(r.requires.personal.measure), minimum: volumeUnits(r.requires.personal.minimum) } }
      : {}),
    ...(r.requires.group !== undefined ? { group: compileGroup(r.requires.group, mi(r.requires.group.measure)) } : {}),
    legs: (r.requires.legs ?? []).map((l) => ({
      count: l.count,
      rank: l.rank !== undefined ? ri(l.rank) : -1,
      measure: l.measure !== undefined ? mi(l.measure) : -1,
      minimum: l.minimum !== undefined ? volumeUnits(l.minimum) : 0,
    })),
    columns: (r.requires.columns ?? []).map(columnRequirement),
  }));
  const ctx: CompileContext = {
    measureIndex: mi,
    rankIndex: ri,
    rankCount: ranks.length,
    moneyScale: plan.money.scale,
    rounding: plan.money.rounding.mode as RoundingMode,
  };
  const bonuses: CompiledBonus[] = plan.bonuses.map((b) => {
    const family = familyFor(b.kind);
    const publishes = (family.publishes?.(b) ?? []).map((p) => ({ column: `${b.key}.${p.name}`, kind: p.kind }));
    const stateFields = (family.state?.(b) ?? []).map((f) => ({ ...f, name: `${b.key}.${f.name}` }));
    return { ...family.compile(b, ctx), reads: family.reads(b), publishes, lineFields: family.lineFields, stateFields };
  });
  const order = orderPlanSteps(rankColumns, bonuses.map((b) => ({ key: b.key, reads: b.reads })));
  assert(order.order !== undefined, "validated-step-order", `steps in a circle: ${order.cycle?.join(" → ")}`);
  return {
    plan,
    measures,
    measureIndex,
    payoutBasis: mi(plan.payoutBasis),
    qualification,
    ranks,
    givenRank: plan.givenRank ?? "floor",
    bonuses,
    stepOrder: order.order,
    rankStep: order.rankAt ?? 0,
    rankColumns,
    moneyScale: plan.money.scale,
    rounding: plan.money.rounding.mode as RoundingMode,
    roundingApplies: plan.money.rounding.applies,
    placementWidth: plan.placement?.width ?? 0,
    // An entry whose family gives a list of state fields, even an empty one, keeps state.
    state: stateOf(plan, bonuses.flatMap((b) => b.stateFields), plan.bonuses.some((b) => familyFor(b.kind).state?.(b) !== undefined)),
    rankGrace: plan.paidAs?.grace ?? 0,
    holdHighest: plan.paidAs?.hold === "highest",
  };
}
