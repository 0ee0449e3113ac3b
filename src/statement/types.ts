/** The shapes of statements and the run summary. docs/statements.md is their normative description. */
import type { ConditionDetail } from "../measures/qualification.js";
import type { RequirementDetail } from "../measures/ranks.js";
import type { MemberStatus } from "../genealogy/genealogy.js";

/** The value of a line item's detail field: a count, a flag or a member id. */
export type LineFieldValue = number | boolean | string;

/**
 * One line item of a statement. Decimal values are strings (see docs/statements.md). Beside the fields
 * every line has, a line carries the detail fields its bonus family declares: those of the level families
 * (`level`, `compressed`, `sources`, `source`) are typed here; a family's other fields are further
 * properties of the same object, each a {@link LineFieldValue}.
 */
export interface LineItem {
  /** The bonus key from the plan. */
  readonly bonus: string;
  /** The bonus family. */
  readonly kind: string;
  /** Level paid (level bonuses only), after compression. */
  readonly level?: number;
  /** True when the level was reached by compression (level bonuses only). */
  readonly compressed?: boolean;
  /** Number of source members (level bonuses only). */
  readonly sources?: number;
  /** The source member's id when there is exactly one (level bonuses only); for a fast start, the new member. */
  readonly source?: string;
  /** The id of the order the line pays on (a fast start: one line per receiver and order). */
  readonly order?: string;
  /** The volume the rate applies to (absent for fixed amounts). */
  readonly base?: string;
  /** The rate (absent for fixed amounts). */
  readonly rate?: string;
  /** The exact value before rounding. */
  readonly value: string;
  /** The amount: rounded per line, or equal to `value` when the plan rounds per bonus. */
  readonly amount: string;
  /** The plan clause the bonus cites. */
  readonly reference?: string;
}

/**
 * A non-money award on a statement (a contest's trip or prize): it has no amount, so it is not a line item
 * and counts in no subtotal.
 */
export interface AwardItem {
  /** The award, as the plan words it. */
  readonly award: string;
  /** The bonus key that gave it. */
  readonly bonus: string;
  /** The bonus family. */
  readonly kind: string;
  /** The plan clause the bonus cites. */
  readonly reference?: string;
}

/** The checked requirements of one rank for one member. */
export interface RankCheck {
  readonly name: string;
  /** The rank's plan clause, when the plan gives one. */
  readonly reference?: string;
  readonly requirements: readonly RequirementDetail[];
}

/** A member's statement for one period. */
export interface Statement {
  readonly memberId: string;
  readonly sponsorId: string | null;
  readonly status: MemberStatus;
  readonly qualified: boolean;
  /** Every qualification condition with actual and required values. */
  readonly qualification: readonly ConditionDetail[];
  readonly rank: {
    /** The rank the input gives the member (the members' `rank` field), when it gives one. */
    readonly given?: string;
    /** The rank the member is paid as: computed, or set by the given rank as the plan's `givenRank` says. */
    readonly paidAs: string | null;
    /** The paid-as rank's plan clause, when the plan gives one. */
    readonly reference?: string;
    /** The paid-as rank's requirements (when there is a paid-as rank). */
    readonly requirements?: readonly RequirementDetail[];
    /** The rank just above the paid-as rank, and how far each requirement is from being met. */
    readonly next?: RankCheck;
  };
  readonly volumes: {
    readonly personal: Readonly<Record<string, string>>;
    readonly group: Readonly<Record<string, string>>;
    readonly personalConsumptionExcluded?: Readonly<Record<string, string>>;
  };
  readonly lines: readonly LineItem[];
  /** Subtotal per bonus key that has at least one line. */
  readonly bonuses: Readonly<Record<string, string>>;
  /** The member's non-money awards, when there is at least one (plan order of the bonuses). */
  readonly awards?: readonly AwardItem[];
  readonly total: string;
}

/** What a level bonus did with its potential: every unit paid, compressed up, or breakage. */
export interface AccountingSummary {
  readonly potential: string;
  readonly paid: string;
  readonly compressedUp: string;
  /** A differential bonus (stairstep): the part of the potential members below took at their own rates. */
  readonly withheld?: string;
  /** A pool that carries its remainder: the part of the potential carried to the next period's fund. */
  readonly carried?: string;
  /** Breakage by reason; every reason the family knows is listed. */
  readonly breakage: Readonly<Record<string, string>>;
}

/** Totals of one bonus over the run. */
export interface BonusSummary {
  readonly key: string;
  readonly kind: string;
  /** Sum of the members' subtotals. */
  readonly amount: string;
  /** Sum of the exact values of the bonus's lines. */
  readonly exact: string;
  /** amount − exact. */
  readonly rounding: string;
  readonly lines: number;
  readonly recipients: number;
  readonly accounting?: AccountingSummary;
}

/** The run summary. */
export interface Summary {
  readonly plan: { readonly id: string; readonly name?: string };
  readonly period: string;
  readonly currency: string;
  readonly members: number;
  readonly qualified: number;
  readonly orders: number;
  /** Per measure, the sum of personal volume over all members. */
  readonly volumes: Readonly<Record<string, string>>;
  readonly bonuses: readonly BonusSummary[];
  readonly total: string;
  readonly payoutBasis: string;
  /** total ÷ payout-basis volume, 6 places; null when the volume is 0. */
  readonly payoutShare: string | null;
  readonly ranks: readonly { readonly rank: string; readonly members: number }[];
  readonly unranked: number;
}
