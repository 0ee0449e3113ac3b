/**
 * The reference engine's output types: statements and the run summary, field by field as
 * docs/statements.md describes them ("Statement", "Requirement details", "Line items", "Summary").
 */
import type { MemberInput, OrderInput } from "../../src/input/validate.js";

/** statements.md "Statement", field `qualification`: each condition checked. */
export type ReferenceQualificationDetail =
  | { condition: "status"; actual: string; required: "enrolled"; met: boolean }
  | { condition: "personal"; measure: string; actual: string; required: string; met: boolean }
  | { condition: "sponsoredActive"; actual: string; required: string; met: boolean };

/** statements.md "Requirement details": one entry of a leg cap's `cappedLegs`. */
export interface ReferenceCappedLeg {
  leg: string;
  volume: string;
  counted: string;
}

/** statements.md "Requirement details". */
export type ReferenceRequirementDetail =
  | { requirement: "qualified"; actual: "yes" | "no"; required: "yes"; met: boolean }
  | { requirement: "personal"; measure: string; actual: string; required: string; met: boolean }
  | {
      requirement: "group";
      measure: string;
      actual: string;
      required: string;
      met: boolean;
      legCap?: { share: string; maxPerLeg: string; uncapped: string; cappedLegs: ReferenceCappedLeg[] };
    }
  | { requirement: "legs"; rank: string; actual: string; required: string; met: boolean }
  | { requirement: "legs"; measure: string; legMinimum: string; actual: string; required: string; met: boolean }
  | { requirement: "column"; column: string; actual: string; required: string; met: boolean };

/** statements.md "Statement", field `rank`. */
export interface ReferenceRank {
  given?: string;
  paidAs: string | null;
  reference?: string;
  requirements?: ReferenceRequirementDetail[];
  next?: { name: string; reference?: string; requirements: ReferenceRequirementDetail[] };
}

/** statements.md "Line items": the fields every line has, and the detail fields of its family. */
export interface ReferenceLine {
  [field: string]: string | number | boolean | undefined;
  bonus: string;
  kind: string;
  base?: string;
  rate?: string;
  value: string;
  amount: string;
  reference?: string;
}

/** statements.md "Statement". */
export interface ReferenceStatement {
  memberId: string;
  sponsorId: string | null;
  status: string;
  qualified: boolean;
  qualification: ReferenceQualificationDetail[];
  rank: ReferenceRank;
  volumes: {
    personal: Record<string, string>;
    group: Record<string, string>;
    personalConsumptionExcluded?: Record<string, string>;
  };
  lines: ReferenceLine[];
  bonuses: Record<string, string>;
  /** statements.md `awards`: present only when the member received a non-money award. */
  awards?: { award: string; bonus: string; kind: string; reference?: string }[];
  total: string;
}

/** statements.md "Summary", one entry of `bonuses`. */
export interface ReferenceSummaryBonus {
  key: string;
  kind: string;
  amount: string;
  exact: string;
  rounding: string;
  lines: number;
  recipients: number;
  accounting?: {
    potential: string;
    paid: string;
    compressedUp: string;
    withheld?: string;
    carried?: string;
    breakage: Record<string, string>;
  };
}

/** statements.md "Summary". */
export interface ReferenceSummary {
  plan: { id: string; name?: string };
  period: string;
  currency: string;
  members: number;
  qualified: number;
  orders: number;
  volumes: Record<string, string>;
  bonuses: ReferenceSummaryBonus[];
  total: string;
  payoutBasis: string;
  payoutShare: string | null;
  ranks: { rank: string; members: number }[];
  unranked: number;
}

/** The input of a run: the period's members and orders (valid: validation is the fast engine's job). */
export interface ReferenceInput {
  period: string;
  members: readonly MemberInput[];
  orders: readonly OrderInput[];
}
