/**
 * The orders of a finished run, from the input it was computed from: validated into columns, each order
 * with its member index, and checked against the run (same number of orders per member), so a bundle or an
 * explanation never describes orders the run did not use.
 */
import { CompplanError, issue } from "../errors/issues.js";
import type { OrderColumns } from "../input/rows.js";
import { validateOrders } from "../input/validate.js";
import { orderMeasures } from "../plan/parse.js";
import type { CalculateInput, PreparedInput } from "../run/calculate.js";
import type { RunResult } from "../run/result.js";

/** @internal A run's orders in columns with the member index of each. */
export interface RunOrders {
  readonly columns: OrderColumns;
  readonly member: Int32Array;
}

/**
 * @internal The run's orders from its input; throws CompplanError (`ORDER_*`/`INPUT_*` for invalid orders,
 * `AUDIT_INPUT_MISMATCH` when they are not the run's).
 */
export function runOrders(run: RunResult, input: CalculateInput | PreparedInput): RunOrders {
  const g = run.internals.genealogy;
  let columns: OrderColumns;
  let member: Int32Array;
  if ("genealogy" in input) {
    if (input.genealogy !== g) {
      throw new CompplanError([issue("AUDIT_INPUT_MISMATCH", [], "the prepared input is not the one this run was computed from")]);
    }
    columns = input.orders;
    member = input.orders.member;
  } else {
    if (!Array.isArray(input.members) || input.members.length !== g.size) {
      throw new CompplanError([issue("AUDIT_INPUT_MISMATCH", ["members"], `the run has ${g.size} members; the input given has ${Array.isArray(input.members) ? input.members.length : "no"} members`)]);
    }
    const v = validateOrders(Array.isArray(input.orders) ? input.orders : [], run.period, new Set(orderMeasures(run.plan)));
    if (v.issues.length > 0) throw new CompplanError(v.issues);
    columns = v.columns;
    member = new Int32Array(columns.count);
    for (let o = 0; o < columns.count; o++) {
      const m = g.indexOf.get(columns.memberIds.at(o) as string);
      if (m === undefined) {
        throw new CompplanError([issue("AUDIT_INPUT_MISMATCH", ["orders", o, "memberId"], `order "${columns.ids.at(o)}" is for "${columns.memberIds.at(o)}", who is not a member of the run`)]);
      }
      member[o] = m;
    }
  }
  const counts = new Int32Array(g.size);
  for (let o = 0; o < columns.count; o++) counts[member[o] as number] = (counts[member[o] as number] as number) + 1;
  const recorded = run.internals.volumes.orderCount();
  for (let i = 0; i < g.size; i++) {
    if (counts[i] !== recorded[i]) {
      throw new CompplanError([
        issue("AUDIT_INPUT_MISMATCH", ["orders"], `member "${g.ids.at(i)}" has ${counts[i]} orders in the input given but ${recorded[i]} in the run: these are not the run's orders`),
      ]);
    }
  }
  return { columns, member };
}
