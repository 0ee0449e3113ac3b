/**
 * The contract between the engine and a bonus family. A family declares its plan schema, checks its
 * cross-references, declares the per-member columns an entry reads, and compiles the entry into a step.
 * The engine orders the steps by what they read (a step that reads `earnings.unilevel` runs after the
 * `unilevel` step, whose earnings the engine settles first) and never asks which kind a bonus is.
 */
import type { z } from "zod";
import type { Issue, PathSegment } from "../errors/issues.js";
import type { RoundingMode } from "../money/decimal.js";
import type { Genealogy } from "../genealogy/genealogy.js";
import type { LineSink } from "../run/lines.js";
import type { StateField } from "../state/state.js";
import type { MeasureValues } from "../measures/volumes.js";
import type { WorkCounter } from "../run/work.js";
import type { BonusExplanation, ExplainContext } from "../audit/explanation.js";
import type { TextList } from "../input/text-list.js";
import type { JoinWindow } from "../measures/join-window.js";
import type { Period } from "../run/period.js";

/** What a family's validation can look up about the rest of the plan. */
export interface PlanNames {
  readonly measures: ReadonlySet<string>;
  /**
   * The measures with a volume per order: every measure but the accumulated ones (a measure with
   * `volumeOf` reads another measure's order volumes).
   */
  readonly orderVolumes: ReadonlySet<string>;
  readonly ranks: readonly string[];
  readonly moneyScale: number;
  /** The keys of the plan's bonuses, in plan order. */
  readonly bonuses: readonly string[];
  /** Whether the plan declares a placement tree (`placement: { width }`). */
  readonly placement: boolean;
  /** The columns the plan's bonuses publish, by full name (`<key>.<name>`), with their kinds. */
  readonly columns: ReadonlyMap<string, ColumnKind>;
}

/**
 * A per-member column a step reads: `personal.<measure>` and `group.<measure>` (volumes), `qualified`,
 * `rank` (paid-as), or `earnings.<key>`: the settled, rounded amounts bonus `<key>` paid each member (what
 * their statement shows for it). `tree.placement` says the step walks the placement tree: the run then
 * requires the input to have one (`PLACEMENT_NO_TREE`).
 */
export type ColumnName = string;

/**
 * What a published column holds per member: `volume` (volume units, 10^-4), `money` (money units,
 * 10^-scale of the plan) or `count` (whole numbers). A rank requirement on the column compares its minimum
 * in the same units.
 */
export type ColumnKind = "volume" | "money" | "count";

/**
 * A per-member column a bonus entry publishes for later steps (a rank requirement, another bonus), known
 * to them as `<key>.<name>`: for example a breakaway group volume.
 */
export interface PublishedColumn {
  /** The column's name within the bonus (letters, digits and `_`). */
  readonly name: string;
  readonly kind: ColumnKind;
}

/** What a compiled bonus can look up: indices of measures and ranks, and the money policy. */
export interface CompileContext {
  measureIndex(name: string): number;
  rankIndex(name: string): number;
  readonly rankCount: number;
  readonly moneyScale: number;
  readonly rounding: RoundingMode;
}

/** Everything the engine has computed when a bonus step runs. */
export interface RunContext {
  /** The period the run covers (its first and last day: windows of periods, calendar months). */
  readonly period: Period;
  /** The sponsor tree, and the placement tree as `genealogy.placement` when the input has one. */
  readonly genealogy: Genealogy;
  readonly measures: MeasureValues;
  /** 1 when the member is qualified this period. */
  readonly qualified: Uint8Array;
  /** Paid-as rank index per member, -1 for none. */
  readonly rank: Int16Array;
  readonly work: WorkCounter;
  /**
   * The settled amounts of bonus `key` per member, in money units (10^-scale), rounded by the plan's
   * policy exactly as the statements show them. Only for a `key` whose `earnings.<key>` the step reads.
   */
  earnings(key: string): Float64Array;
  /**
   * Publishes the running step's column `name` (one of those its entry declares, see
   * {@link BonusFamily.publishes}): one value per member, in the units of its kind. Each declared column
   * is published exactly once, before the step returns.
   */
  publish(name: string, values: Float64Array): void;
  /**
   * A column another step published (`<key>.<name>`) or settled (`earnings.<key>`). Only for a column the
   * step reads.
   */
  column(name: ColumnName): Float64Array;
  /** The period's orders, numbered by member (all of member 0's, then member 1's, …). */
  readonly orders: RunOrders;
  /**
   * The opening state's values of state field `field` per member (docs/state.md), for a plan that keeps it;
   * undefined otherwise. E.g. `rank.highest`: a member advances to each rank above it up to this period's
   * paid-as rank (a rank-advancement bonus pays once, the first period a rank is reached).
   */
  opening(field: string): Float64Array | undefined;
  /**
   * Whether the run was given an opening state. False in a first period (no state: every field of
   * {@link RunContext.opening} is at its initial value), and for a plan that keeps no state.
   */
  readonly openingGiven: boolean;
  /**
   * Gives the closing values of one of the step's own state fields (`<key>.<name>`, declared by
   * {@link BonusFamily.state}): one per member, or one for a company field, in the units of its kind
   * (volume units, money units of the plan's scale, a count, a rank index or -1, a day number or NaN).
   * Every declared field must be closed once, while the step runs.
   */
  close(field: string, values: Float64Array): void;
  /**
   * Records a non-money award for member `member` (a trip, a prize): the award at index `award` of the
   * running step's {@link CompiledBonus.awards}. It has no amount and is no line item: the member's
   * statement lists it under `awards` (docs/statements.md).
   */
  award(member: number, award: number): void;
}

/**
 * The orders as a step reads them: per order, its id, member index, kind, day within the period and volume
 * of each measure. Orders are numbered by member: all of member 0's, then member 1's, ….
 */
export interface RunOrders {
  readonly count: number;
  /** The id of each order. */
  readonly ids: TextList;
  /** The member index of each order. */
  readonly member: Int32Array;
  /** Each order's kind, an index into ORDER_KINDS. */
  readonly kinds: Uint8Array;
  /**
   * Each order's day within the period: 0 for its first day, `period.days - 1` for its last (for daily
   * caps and "first N days" windows). Computed on first use.
   */
  days(): Uint16Array;
  /**
   * Each order's volume of measure `measure` (a measure index of the plan) in volume units, as the input
   * gives it (before counting rules and caps); undefined for a measure orders carry no volume of.
   */
  volumes(measure: number): Float64Array | undefined;
}

/** Accounting of a bonus that distributes a potential over levels: every unit ends up in one bucket. */
export interface LevelAccounting {
  /** Exact value at VALUE_SCALE: the most the bonus could pay if every level slot paid its maximum rate. */
  readonly potential: bigint;
  /** Value paid to members at their own, uncompressed level. */
  readonly paid: bigint;
  /** Value paid to members who took a level because unqualified members below them were skipped. */
  readonly compressedUp: bigint;
  /** Value not paid, by reason. */
  readonly breakage: Readonly<Record<string, bigint>>;
  /**
   * Optional (a differential bonus): value of the potential that members below the recipient took at their
   * own rates. Then paid + compressedUp + withheld + breakage = potential.
   */
  readonly withheld?: bigint;
  /**
   * Optional (a pool that carries its remainder): value carried to the next period's state instead of being
   * paid or kept. Then paid + compressedUp + withheld + carried + breakage = potential.
   */
  readonly carried?: bigint;
}

/**
 * A detail field of a family's line items, beside the fields every line has (`bonus`, `kind`, `base`,
 * `rate`, `value`, `amount`, `reference`). The statement writer, the CSV export, explain's line check and
 * the reference formatter render every declared field by this description alone, so a new family edits
 * none of them. A field reads one column of the {@link LineSink}:
 *
 * - `level` or `sources` as a count (a JSON integer), always present;
 * - `compressed`: the line's `LINE_COMPRESSED` flag as a JSON boolean, always present;
 * - `source` as a member: the id of the member the column holds, present only when it holds one (≥ 0);
 * - `order` as an order: the id of the order (an index into the run's orders) the column holds, present
 *   only when it holds one (≥ 0).
 *
 * Field names sort after `"amount"` (a line's keys are sorted; `amount` comes first).
 */
export interface LineField {
  /** The field's key in the statement's line item (and its CSV column). */
  readonly name: string;
  /** The sink column it reads. */
  readonly column: "level" | "sources" | "compressed" | "source" | "order";
}

/** A compiled bonus, ready to run. */
export interface CompiledBonus {
  readonly key: string;
  readonly kind: string;
  readonly reference: string | undefined;
  /** The columns the step reads (see {@link ColumnName}): the engine runs it after the steps they come from. */
  readonly reads: readonly ColumnName[];
  /** The columns the step publishes, by their full name `<key>.<name>` (the family's {@link BonusFamily.publishes}). */
  readonly publishes: readonly { readonly column: ColumnName; readonly kind: ColumnKind }[];
  /** The detail fields of its lines (the family's {@link BonusFamily.lineFields}). */
  readonly lineFields: readonly LineField[];
  /** The state fields the step keeps, by their full name `<key>.<name>` (the family's {@link BonusFamily.state}). */
  readonly stateFields: readonly StateField[];
  /** Adds the bonus's line items to `sink`; returns its accounting where the family keeps one. */
  run(ctx: RunContext, sink: LineSink, bonusIndex: number): LevelAccounting | undefined;
  /**
   * Optional: explains member `member`'s part of this bonus by recomputing only that part (never from a
   * stored trace): where each of its line items came from, and what it did not receive and why.
   */
  explain?(ctx: ExplainContext, member: number, bonusIndex: number): BonusExplanation;
  /** Optional: the names of the non-money awards the step may record ({@link RunContext.award}), by index. */
  readonly awards?: readonly string[];
  /**
   * Optional: a report over the whole run (a contest's standings, a cap's company figures), computed from
   * the run as explain is: run-wide facts and one row per member listed (docs/audit.md "Reports").
   */
  report?(ctx: ExplainContext): BonusReportBody;
}

/** A value in a bonus report: a decimal string, a whole number, a word, true or false, or null. */
export type ReportValue = string | number | boolean | null;

/** What a family's report holds (the engine adds the bonus key, kind and period). */
export interface BonusReportBody {
  /** Run-wide figures by name. */
  readonly facts: Readonly<Record<string, ReportValue>>;
  /** The names of the rows' fields, in order; the first is `memberId`. */
  readonly columns: readonly string[];
  /** One row per member listed, in the family's order, each with the fields of `columns`. */
  readonly rows: readonly Readonly<Record<string, ReportValue>>[];
}

/** A bonus family: one folder under src/bonuses and one line in the registry. */
export interface BonusFamily<C extends { kind: string; key: string } = { kind: string; key: string }, I = unknown> {
  readonly kind: string;
  /** One line for docs and `compplan schema`. */
  readonly description: string;
  /** The entry as validated (`C`, defaults applied) from the entry as written (`I`). */
  readonly schema: z.ZodType<C, I>;
  /** Checks names the entry uses against the rest of the plan. */
  validate(config: C, names: PlanNames, path: readonly PathSegment[]): Issue[];
  /** The columns an entry reads (see {@link ColumnName}); the compiled step declares the same. */
  reads(config: C): readonly ColumnName[];
  /**
   * Optional: the per-member columns an entry publishes (see {@link PublishedColumn}); none when absent.
   * The step must publish each through {@link RunContext.publish}.
   */
  publishes?(config: C): readonly PublishedColumn[];
  /**
   * Optional: the state fields an entry keeps between periods (docs/state.md), named without the entry's
   * key (the state file names them `<key>.<name>`). The step reads each one's opening values with
   * {@link RunContext.opening} and must give its closing values with {@link RunContext.close}. A plan with
   * an entry for which this gives a list keeps state, also when the list is empty (an entry that reads only
   * the opening rank fields, such as `rank.highest`); undefined, or no `state`, keeps none for the entry.
   */
  state?(config: C): readonly StateField[] | undefined;
  /**
   * Optional: the measures an entry pays more than 1 money unit per volume unit of (a rate times a point
   * value above 1), each with the most it pays per unit (a decimal string). The run then checks that
   * measure's total against the exact range divided by that factor (`RUN_VOLUME_OVERFLOW`), so every
   * amount the entry makes, and every base another bonus makes of its earnings, stays exact. None when
   * absent (rates of at most 1 need no tighter check).
   */
  amplifies?(config: C): readonly { readonly measure: string; readonly factor: string }[];
  /** The detail fields of the family's line items, in the order of their CSV columns. */
  readonly lineFields: readonly LineField[];
  /**
   * Optional: for a family that pays on the orders members place within a window after joining (a fast
   * start), the entry's window. A measure's `leavesOut: [<key>]` leaves those orders out of the measure.
   */
  orderWindow?(config: C): JoinWindow;
  /** Compiles an entry; the plan compiler adds the entry's reads, published columns, state fields and the family's line fields to the step. */
  compile(config: C, ctx: CompileContext): Omit<CompiledBonus, "reads" | "lineFields" | "publishes" | "stateFields">;
}
