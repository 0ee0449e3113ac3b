/**
 * The shapes of explanations: what {@link explain} returns, and what a bonus family's optional `explain`
 * method reports about one member's part of its bonus. Decimal values are strings, as in statements.
 */
import type { Genealogy, MemberStatus, TreeName } from "../genealogy/genealogy.js";
import type { ConditionDetail } from "../measures/qualification.js";
import type { RequirementDetail } from "../measures/ranks.js";
import type { MeasureValues } from "../measures/volumes.js";
import type { OrderKind } from "../plan/fields.js";
import type { LineFieldValue, LineItem, Statement } from "../statement/types.js";
import type { Period } from "../run/period.js";
// For the TSDoc link above.
import type { explain } from "./explain.js";
// RunContext for the TSDoc links of ExplainContext.
import type { RunContext, RunOrders } from "../bonuses/family.js";

/** One order of a source member, as an explanation lists it. */
export interface SourceOrder {
  readonly id: string;
  readonly kind: OrderKind;
  /** The order's volume of the bonus's measure (before counting rules and caps). */
  readonly volume: string;
}

/** A member whose volume contributed to a line item, or to an amount that was not paid. */
export interface SourceDetail {
  readonly memberId: string;
  /** The member's counted personal volume of the bonus's measure. */
  readonly volume: string;
  /** Level before compression: the number of generations from the member explained down to this source. */
  readonly distance: number;
  /** Level after compression (equal to `distance` when nothing was compressed). */
  readonly level: number;
  readonly qualified: boolean;
  /** The source's orders with volume of the measure, when the caller supplied an order index. */
  readonly orders?: readonly SourceOrder[];
  /** Orders left out of `orders` (at most 10 are listed). */
  readonly ordersOmitted?: number;
}

/** The source members of a line item or of a forgone amount: a total and the largest contributors. */
export interface SourceList {
  /** Number of source members. */
  readonly count: number;
  /** Their total volume. */
  readonly volume: string;
  /** The largest contributors, largest volume first (ties by member id), at most `sourcesMax`. */
  readonly shown: readonly SourceDetail[];
  /** Sources not listed in `shown`. */
  readonly omitted: number;
}

/** What a bonus family says about one of the line items it produced for a member. */
export interface LineBasis {
  /**
   * The line's detail fields (those its family declares, e.g. `level`, `compressed`, `sources`, `source`)
   * as the explanation recomputes them; each one given is checked against the statement line.
   */
  readonly fields?: Readonly<Record<string, LineFieldValue>>;
  /** The base recomputed from the sources; checked against the statement line. */
  readonly base?: string;
  /** The rate applied; checked against the statement line. */
  readonly rate?: string;
  /** The source members the line came from. */
  readonly from?: SourceList;
  /** One sentence for people: how the line is computed. */
  readonly note: string;
}

/**
 * Something a member did not receive, or received less of, with the reason. `reason` is a stable code
 * (see docs/audit.md), `message` is for people.
 */
export interface NotPaid {
  readonly reason: string;
  readonly message: string;
  /** The level concerned (level bonuses). */
  readonly level?: number;
  /** The volume that did not pay the member. */
  readonly volume?: string;
  /** The rate that would have applied. */
  readonly rate?: string;
  /** The exact value not received (at least the money scale's places). */
  readonly forgone?: string;
  /** The rank that would change it: unlocks the level, pays the rate, or pays the amount. */
  readonly rank?: string;
  /** The conditions that failed, with actual and required values (volume conditions with their breakdown by order kind). */
  readonly conditions?: readonly QualificationCheck[];
  /** The source members of the volume concerned. */
  readonly from?: SourceList;
}

/** A bonus family's explanation of its bonus for one member. */
export interface BonusExplanation {
  /** One entry per line item the family produced for the member, in the statement's line order; each is checked against its line. */
  readonly lines: readonly LineBasis[];
  /** Why the member received nothing, or less, from this bonus. */
  readonly notPaid: readonly NotPaid[];
  /**
   * One entry per non-money award the statement lists for this bonus, in the statement's order; each is
   * checked against it. Left out: the family records no awards.
   */
  readonly awards?: readonly { readonly award: string; readonly note: string }[];
}

/**
 * A tree (sponsor or placement) in depth-first preorder: the subtree of the member at position p is positions
 * p .. end[p] - 1. Arrays other than `pos` are indexed by position.
 */
export interface Preorder {
  /** The member index at each position. */
  readonly member: Int32Array;
  /** The position of each member index. */
  readonly pos: Int32Array;
  /** One past the last position of the subtree at each position. */
  readonly end: Int32Array;
  /** Depth (root 0) at each position. */
  readonly depth: Int32Array;
  /** 1 when the member at the position is qualified. */
  readonly qualified: Uint8Array;
  /** Personal volume of a measure (index) at each position. */
  personal(measure: number): Float64Array;
}

/** What a bonus family's `explain` reads: the run's columns, names, and the member's qualification. */
export interface ExplainContext {
  readonly genealogy: Genealogy;
  /** The run's orders, numbered by member (as {@link RunContext.orders} gave the step). */
  readonly orders: RunOrders;
  /** The sponsor tree in preorder, for scanning a member's subtree in memory order. */
  readonly preorder: Preorder;
  /** The sponsor tree or (when the input has one) the placement tree in preorder, laid out on first use. */
  treePreorder(tree: TreeName): Preorder;
  readonly measures: MeasureValues;
  /** 1 when the member is qualified. */
  readonly qualified: Uint8Array;
  /** Paid-as rank index per member, -1 for none. */
  readonly rank: Int16Array;
  /** Rank names in ladder order. */
  readonly rankNames: readonly string[];
  /** Decimal places of money amounts. */
  readonly moneyScale: number;
  /** The qualification conditions of the member explained, with values. */
  readonly qualification: readonly ConditionDetail[];
  /** Most sources to list per line or reason. */
  readonly sourcesMax: number;
  /** The orders of a member with volume of `measure` (a measure index), or undefined without an order index. */
  ordersOf(member: number, measure: number): { readonly orders: readonly SourceOrder[]; readonly omitted: number } | undefined;
  /** The settled amounts of bonus `key` per member index, in money units (what the statements show). */
  earnings(key: string): Float64Array;
  /** The run's period. */
  readonly period: Period;
  /** A column a bonus published (`<key>.<name>`), per member index, in the units of its kind. */
  column(name: string): Float64Array;
  /**
   * The run's opening state values of state field `field` (as {@link RunContext.opening} gave the step),
   * undefined for a plan that keeps no such field.
   */
  opening(field: string): Float64Array | undefined;
  /** Whether the run was given an opening state (as {@link RunContext.openingGiven}). */
  readonly openingGiven: boolean;
}

/** A personal volume by order kind: what was ordered and what counted. */
export interface VolumeBreakdown {
  readonly measure: string;
  readonly kinds: readonly {
    readonly kind: OrderKind;
    /** Volume of the member's own orders of this kind. */
    readonly raw: string;
    /** What counted toward the personal volume (0 when the measure does not count the kind; capped where the plan caps it). */
    readonly counted: string;
    /** Whether the measure counts this kind. */
    readonly counts: boolean;
    /**
     * For a measure with `leavesOut`: the volume of this kind's orders left out (placed inside the window of
     * a bonus named); `raw` includes it, `counted` does not.
     */
    readonly leftOut?: string;
  }[];
  /** The plan's cap on counted personal consumption, when it has one. */
  readonly personalConsumptionCap?: string;
  /**
   * For an accumulated measure (docs/state.md "Accumulated measures"): the volume carried from earlier
   * periods and the base measure's personal volume this period, which `kinds` then break down (the base
   * measure's kinds and cap).
   */
  readonly accumulated?: {
    readonly base: string;
    /** The periods it spans, this one included; 0: since joining. */
    readonly periods: number;
    readonly carried: string;
    readonly thisPeriod: string;
  };
}

/** A qualification condition with its values and, for volume conditions, the breakdown by order kind. */
export interface QualificationCheck extends ConditionDetail {
  readonly breakdown?: VolumeBreakdown;
}

/** A rank requirement with its values and what is missing. */
export interface RequirementExplanation extends RequirementDetail {
  /**
   * For an unmet volume requirement: the additional volume needed; for an unmet column requirement: how
   * much more of the column (money at the plan's scale for `earnings.<key>`).
   */
  readonly shortfall?: string;
  /** For an unmet legs requirement: how many more legs are needed. */
  readonly legsNeeded?: number;
  /** Sentences for people: capped legs, where volume must come from, the closest legs. */
  readonly notes: readonly string[];
}

/** The smallest additional volume of one measure that meets every volume requirement of the next rank. */
export interface AdditionalVolume {
  readonly measure: string;
  readonly volume: string;
  /** Where it must come from for it to count. */
  readonly where: string;
}

/** An unmet column requirement of the next rank: the column and how much more of it is needed. */
export interface ColumnShortfall {
  readonly column: string;
  readonly shortfall: string;
}

/** The rank just above the paid-as rank: each requirement, and what is missing. */
export interface NextRankExplanation {
  readonly name: string;
  readonly reference?: string;
  readonly requirements: readonly RequirementExplanation[];
  /** Per measure, the smallest additional volume that meets every volume requirement (empty when they are met). */
  readonly additional: readonly AdditionalVolume[];
  /** More first-level legs needed, per unmet legs requirement. */
  readonly legsNeeded: number;
  /**
   * The unmet column requirements (a bonus's result such as `earnings.retail`) and how much more each
   * needs: additional volume alone does not meet them. Absent when none is unmet.
   */
  readonly columnsNeeded?: readonly ColumnShortfall[];
  /** True when something other than volume and legs is missing (qualification). */
  readonly otherUnmet: boolean;
}

/**
 * How a rank the input gives the member (the members' `rank`) decided the paid-as rank, by the plan's
 * `givenRank`.
 */
export interface GivenRankExplanation {
  /** The given rank. */
  readonly rank: string;
  /** The plan's `givenRank`: `floor` or `paid-as`. */
  readonly use: "floor" | "paid-as";
  /** The rank the requirements alone give, or null for none. */
  readonly computed: string | null;
  /**
   * Stable code: `given-rank-floor` (the floor raised the paid-as rank above the computed one),
   * `given-rank-paid-as` (paid as the given rank, whatever the requirements give), or
   * `computed-rank-not-below-given` (floor, and the computed rank is at least the given one: the given rank
   * changed nothing).
   */
  readonly reason: "given-rank-floor" | "given-rank-paid-as" | "computed-rank-not-below-given";
  /** A sentence for people, e.g. "paid as Influencer: rank given in the members file (floor)". */
  readonly message: string;
}

/** The paid-as rank with its requirements, and the next rank. */
export interface RankExplanation {
  /** How a rank the input gives the member decided the paid-as rank, when it gives one. */
  readonly given?: GivenRankExplanation;
  /** How the opening state (rank held, grace) decided the paid-as rank, for a plan that keeps rank state. */
  readonly state?: RankStateExplanation;
  readonly paidAs: string | null;
  readonly reference?: string;
  readonly requirements?: readonly RequirementExplanation[];
  readonly next?: NextRankExplanation;
}

/** How the opening state decided a member's paid-as rank (docs/state.md "Paid-as rank over periods"). */
export interface RankStateExplanation {
  /** The opening state's rank fields, as read (none: the initial values). */
  readonly opening: { readonly highest: string | null; readonly paidAs: string | null; readonly periods: number; readonly grace?: number };
  /** The rank this period's requirements (and a given rank) give, before hold and grace; null for none. */
  readonly computed: string | null;
  /**
   * Stable code: `kept-in-grace` (kept at last period's rank, in grace), `held-at-highest` (`hold: highest`
   * raised the rank to the highest held), `grace-used` (below last period's rank: its periods of grace are
   * used), or `from-requirements` (the opening state changed nothing).
   */
  readonly reason: "kept-in-grace" | "held-at-highest" | "grace-used" | "from-requirements";
  /** A sentence for people, e.g. "Silver kept in grace, period 1 of 2 (requirements give Bronze)". */
  readonly message: string;
}

/** How one amount was rounded. */
export interface RoundingDetail {
  /** The plan's rounding mode. */
  readonly mode: string;
  /** Where the plan rounds: each line, or each member's bonus subtotal. */
  readonly applies: "line" | "bonus";
  /** Decimal places of money. */
  readonly scale: number;
  /** The exact value before rounding. */
  readonly exact: string;
  /** The amount after rounding (equal to `exact` for a line when the plan rounds per bonus). */
  readonly rounded: string;
  /** rounded − exact. */
  readonly difference: string;
}

/** A statement line item with where it came from and how it was rounded. */
export interface ExplainedLine extends LineItem {
  /** How the line is computed, for people. */
  readonly explanation: string;
  /** The source members the line came from. */
  readonly from?: SourceList;
  readonly rounding: RoundingDetail;
}

/** One bonus of the plan for the member: what was paid, line by line, and what was not, with reasons. */
export interface BonusPart {
  readonly key: string;
  readonly kind: string;
  readonly reference?: string;
  /** The member's subtotal of this bonus ("0.00" when nothing was paid). */
  readonly amount: string;
  readonly lines: readonly ExplainedLine[];
  /** Rounding of the subtotal, when the plan rounds per bonus and the member has lines. */
  readonly rounding?: RoundingDetail;
  readonly notPaid: readonly NotPaid[];
  /** The statement's non-money awards of this bonus, each with how the family gave it (absent when none). */
  readonly awards?: readonly ExplainedAward[];
}

/** A non-money award of a statement (its `awards`), with why it was given. */
export interface ExplainedAward {
  readonly award: string;
  readonly explanation: string;
}

/** Why a member was paid what they were paid, and not more: the result of {@link explain}. */
export interface Explanation {
  readonly memberId: string;
  readonly sponsorId: string | null;
  readonly period: string;
  /** The plan id. */
  readonly plan: string;
  readonly currency: string;
  readonly status: MemberStatus;
  readonly qualified: boolean;
  readonly qualification: readonly QualificationCheck[];
  readonly rank: RankExplanation;
  readonly volumes: Statement["volumes"];
  /** The plan's bonuses in plan order (only the one asked for, with the `bonus` option). */
  readonly bonuses: readonly BonusPart[];
  /** The statement total. */
  readonly total: string;
}
