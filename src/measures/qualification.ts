/**
 * Qualification: a member is qualified (active) in a period when their account is enrolled, their
 * personal volume reaches the plan's minimum (which personal consumption alone can meet where the measure
 * counts it), and, where the plan asks, enough personally sponsored members are qualified themselves.
 * Computed bottom-up so a sponsor sees its sponsored members' final result.
 */
import type { Genealogy } from "../genealogy/genealogy.js";
import { MEMBER_STATUSES } from "../genealogy/genealogy.js";
import { formatVolume } from "../money/decimal.js";
import type { CompiledQualification } from "../plan/compile.js";
import type { WorkCounter } from "../run/work.js";
import type { MeasureValues } from "./volumes.js";

/** One condition checked for a member, with the actual and required values. */
export interface ConditionDetail {
  /** `status`, `personal`, `sponsoredQualified`, or a rank requirement name. */
  readonly condition: string;
  readonly measure?: string;
  readonly actual: string;
  readonly required: string;
  readonly met: boolean;
}

/** @internal Qualified flag per member. */
export function computeQualification(g: Genealogy, v: MeasureValues, q: CompiledQualification, work: WorkCounter): Uint8Array {
  const n = g.size;
  const out = new Uint8Array(n);
  const { order, childStart, childList } = g;
  for (let j = n - 1; j >= 0; j--) {
    const i = order[j] as number;
    out[i] = meets(g, v, q, out, i, childStart, childList) ? 1 : 0;
  }
  work.add("qualification", n + (q.sponsoredQualified > 0 ? n : 0));
  return out;
}

function meets(g: Genealogy, v: MeasureValues, q: CompiledQualification, qualified: Uint8Array, i: number, childStart: Int32Array, childList: Int32Array): boolean {
  if (g.status[i] !== 0) return false;
  if (q.personal !== undefined && ((v.personal[q.personal.measure] as Float64Array)[i] as number) < q.personal.minimum) return false;
  if (q.sponsoredQualified > 0) {
    let count = 0;
    for (let c = childStart[i] as number, end = childStart[i + 1] as number; c < end && count < q.sponsoredQualified; c++) {
      if (qualified[childList[c] as number] === 1) count++;
    }
    if (count < q.sponsoredQualified) return false;
  }
  return true;
}

/** @internal Every qualification condition for one member, with values, for statements and explanations. */
export function qualificationDetails(g: Genealogy, v: MeasureValues, q: CompiledQualification, qualified: Uint8Array, i: number): ConditionDetail[] {
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
  if (q.sponsoredQualified > 0) {
    let count = 0;
    for (let c = g.childStart[i] as number, end = g.childStart[i + 1] as number; c < end; c++) {
      if (qualified[g.childList[c] as number] === 1) count++;
    }
    out.push({ condition: "sponsoredQualified", actual: String(count), required: String(q.sponsoredQualified), met: count >= q.sponsoredQualified });
  }
  return out;
}
