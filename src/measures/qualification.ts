/**
 * Qualification: a member is qualified (active) in a period when their account is enrolled, their
 * personal volume reaches the plan's minimum (which personal consumption alone can meet where the measure
 * counts it), and, where the plan asks, enough personally sponsored members are active: enrolled and
 * meeting the personal minimum. Their own sponsoring is not required of them, or no member at the bottom
 * of a tree could ever qualify, and so no one could.
 */
import type { Genealogy } from "../genealogy/genealogy.js";
import { MEMBER_STATUSES } from "../genealogy/genealogy.js";
import { formatVolume } from "../money/decimal.js";
import type { CompiledQualification } from "../plan/compile.js";
import type { WorkCounter } from "../run/work.js";
import type { MeasureValues } from "./volumes.js";

/** One condition checked for a member, with the actual and required values. */
export interface ConditionDetail {
  /** `status`, `personal` or `sponsoredActive`. */
  readonly condition: string;
  readonly measure?: string;
  readonly actual: string;
  readonly required: string;
  readonly met: boolean;
}

/** @internal Qualified flag per member. */
export function computeQualification(g: Genealogy, v: MeasureValues, q: CompiledQualification, work: WorkCounter): Uint8Array {
  const n = g.size;
  const active = new Uint8Array(n);
  for (let i = 0; i < n; i++) active[i] = isActive(g, v, q, i) ? 1 : 0;
  if (q.sponsoredActive === 0) {
    work.add("qualification", n);
    return active;
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = active[i] === 1 && activeChildren(g, v, q, i, q.sponsoredActive) >= q.sponsoredActive ? 1 : 0;
  }
  work.add("qualification", 2 * n);
  return out;
}

/** Enrolled and meeting the personal minimum: qualification without its sponsoring condition. */
function isActive(g: Genealogy, v: MeasureValues, q: CompiledQualification, i: number): boolean {
  if (g.status[i] !== 0) return false;
  return q.personal === undefined || ((v.personal[q.personal.measure] as Float64Array)[i] as number) >= q.personal.minimum;
}

/** Active personally sponsored members of i, counting no further than `stop`. */
function activeChildren(g: Genealogy, v: MeasureValues, q: CompiledQualification, i: number, stop: number): number {
  let count = 0;
  for (let c = g.childStart[i] as number, end = g.childStart[i + 1] as number; c < end && count < stop; c++) {
    if (isActive(g, v, q, g.childList[c] as number)) count++;
  }
  return count;
}

/** @internal Every qualification condition for one member, with values, for statements and explanations. */
export function qualificationDetails(g: Genealogy, v: MeasureValues, q: CompiledQualification, i: number): ConditionDetail[] {
  const out: ConditionDetail[] = [];
  const status = MEMBER_STATUSES[g.status[i] as number] as string;
  out.push({ condition: "status", actual: status, required: "enrolled", met: status === "enrolled" });
  if (q.personal !== undefined) {
    const actual = (v.personal[q.personal.measure] as Float64Array)[i] as number;
    out.push({
      condition: "personal",
      measure: (v.specs[q.personal.measure] as { name: string }).name,
      actual: formatVolume(actual),
      required: formatVolume(q.personal.minimum),
      met: actual >= q.personal.minimum,
    });
  }
  if (q.sponsoredActive > 0) {
    const count = sponsoredActiveCount(g, v, q, i);
    out.push({ condition: "sponsoredActive", actual: String(count), required: String(q.sponsoredActive), met: count >= q.sponsoredActive });
  }
  return out;
}

/** @internal The number of member i's active personally sponsored members (the `sponsoredActive` actual). */
export function sponsoredActiveCount(g: Genealogy, v: MeasureValues, q: CompiledQualification, i: number): number {
  return activeChildren(g, v, q, i, Number.MAX_SAFE_INTEGER);
}
