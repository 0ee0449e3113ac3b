/** "Did you mean …?" for mistyped command names and flags. */

/**
 * @internal The edit distance between `a` and `b`: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each count 1 (optimal string alignment), so `memebrs` is 1 from `members`.
 */
export function editDistance(a: string, b: string): number {
  // Three rows of the dynamic-programming table: two back (for swaps), one back, and the current one.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] as number) + 1);
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] as number;
}

/**
 * @internal The candidate closest to `input`, when it is close enough to be a likely typo: at most one edit
 * per three characters (at least one). Ties go to the earlier candidate; undefined when none is close.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = editDistance(input, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** @internal ` (did you mean X?)` when a candidate is close to `input`, else "". */
export function didYouMean(input: string, candidates: readonly string[], show: (name: string) => string = (n) => n): string {
  const c = closest(input, candidates);
  return c === undefined ? "" : ` (did you mean ${show(c)}?)`;
}
