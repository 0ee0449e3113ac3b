/**
 * Per-member pay and paid-as rank of a finished run, as columns indexed like the run's genealogy, without
 * rendering a statement per member (a million statements would cost more than the comparison itself).
 *
 * A member's total is the run's own statement total (kept while the run finalizes); `columns.test.ts`
 * checks it against every statement of runs under both rounding policies, and the comparison asserts
 * that the columns add up to the run's summary total.
 */
import type { TextList } from "../input/text-list.js";
import type { RunResult } from "../run/result.js";
import { assert } from "../errors/issues.js";

/** @internal Pay and rank per member of one run. */
export interface MemberColumns {
  /** Members' ids, by member index. */
  readonly ids: TextList;
  /** Statement total per member, in money units (10^-scale). */
  readonly total: Float64Array;
  /** Paid-as rank per member: an index into the plan's ladder, -1 for none. */
  readonly rank: Int16Array;
  /** The plan's money scale. */
  readonly scale: number;
}

/** @internal Reads pay and rank per member from a run's columns. */
export function memberColumns(run: RunResult): MemberColumns {
  const parts = run.internals;
  const g = parts.genealogy;
  // The run keeps each member's statement total as it finalizes, by the plan's rounding rule.
  const total = run.totals;
  for (let i = 0; i < g.size; i++) assert(Number.isSafeInteger(total[i]), "member-total-safe-integer", `member ${g.ids.at(i)}`);
  return { ids: g.ids, total, rank: parts.ranks.rank, scale: run.plan.money.scale };
}
