/** "Did you mean …?" for mistyped command names and flags, on the one edit distance of errors/suggest.ts. */
import { closestName } from "../errors/suggest.js";

export { editDistance } from "../errors/suggest.js";

/**
 * @internal The candidate closest to `input`, when it is close enough to be a likely typo: at most one edit
 * per three characters (at least one), or the same name in another case. Ties go to the earlier candidate;
 * undefined when none is close.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  return closestName(input, candidates);
}

/** @internal ` (did you mean X?)` when a candidate is close to `input`, else "". */
export function didYouMean(input: string, candidates: readonly string[], show: (name: string) => string = (n) => n): string {
  const c = closest(input, candidates);
  return c === undefined ? "" : ` (did you mean ${show(c)}?)`;
}
