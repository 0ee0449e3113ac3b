/** Validated input rows, as the engine consumes them. File readers attach `file` and `line`. */
import type { MemberStatus } from "../genealogy/genealogy.js";
import type { TextList } from "./text-list.js";

/** A validated member row. `sponsorId` is null for the root. */
export interface MemberRow {
  readonly id: string;
  readonly sponsorId: string | null;
  readonly joinDate: string;
  readonly status: MemberStatus;
  /** A rank the company set for the member (the `rank` column), as written; checked against a plan's ladder when the plan runs. */
  readonly rank?: string;
  /** The placement parent's id, for a member of an input with a placement tree (with `leg`). */
  readonly placementId?: string;
  /** The position under the placement parent, 1-based (`L` = 1, `R` = 2). */
  readonly leg?: number;
  readonly file?: string;
  readonly line?: number;
}

/**
 * Validated orders in columns: order i is `ids.at(i)`, `memberIds.at(i)`, `ORDER_KINDS[kinds[i]]`, `dates.at(i)`,
 * and for measure `measures[m]` the volume `volumes[m][i]` in units of 10^-4 (0 when not given).
 */
export interface OrderColumns {
  readonly count: number;
  readonly ids: TextList;
  readonly memberIds: TextList;
  readonly kinds: Uint8Array;
  readonly dates: TextList;
  /** Measure names, sorted. */
  readonly measures: readonly string[];
  readonly volumes: Float64Array[];
  /**
   * When the orders are not in input order (a prepared input numbers them by member): order i is input
   * row `byRow.row[i]`, and `byRow.ids` are the order ids in input order.
   */
  readonly byRow?: { readonly ids: TextList; readonly row: Int32Array };
}

/** Where a raw record came from, for error messages. */
export interface RecordOrigin {
  readonly file?: string;
  readonly line?: number;
}
