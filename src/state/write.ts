/** A run's closing state as the bytes of state.ndjson (docs/state.md "The state file"). */
import { fingerprintPlan } from "../audit/fingerprint.js";
import type { RunResult } from "../run/result.js";
import { stateNdjsonOf } from "./state.js";

/**
 * The closing state of a run as the text of `state.ndjson`: the header (fields, format, period, the plan's
 * fingerprint), then one canonical line per member with a value that is not initial, sorted by id. The
 * next period's run reads it back with {@link parseState}.
 *
 * @param run - a finished run
 * @returns the text, or undefined when the run's plan keeps no state
 * @example
 * ```ts
 * const text = stateNdjson(run);
 * if (text !== undefined) writeFileSync("2026-10/state.ndjson", text);
 * ```
 */
export function stateNdjson(run: RunResult): string | undefined {
  const p = run.internals;
  if (p.closing === undefined) return undefined;
  return stateNdjsonOf(p.closing, p.genealogy, run.period.id, fingerprintPlan(run.plan), p.compiled.state.rankNames, p.compiled.moneyScale);
}
