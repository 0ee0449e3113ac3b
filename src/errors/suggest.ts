/**
 * Guidance for issues about names: the closest valid name ("did you mean …?") and the list of valid ones,
 * cut when long. One edit-distance function serves plan keys, measures, ranks, bonus keys and kinds, and
 * change-set paths.
 */

/** The most valid names listed in a message before the list is cut. */
const LISTED = 12;

/**
 * @internal The edit distance between two names: insertions, deletions, substitutions and swaps of two
 * adjacent characters each cost 1 (optimal string alignment). Case differences cost 1 as well.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] as number) + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * @internal The valid name closest to `name`, when one is close enough to be a likely typo: at most a
 * third of the name's length in edits (at least 1), or the same name in another case. Ties go to the
 * first in `known`. Names longer than 200 characters are never matched (they are not typos).
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  if (typeof name !== "string" || name.length > 200) return undefined;
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    if (k === name) continue;
    const d = k.toLowerCase() === name.toLowerCase() ? 0.5 : Math.abs(k.length - name.length) > limit ? Number.POSITIVE_INFINITY : editDistance(name, k);
    if (d <= limit && d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** @internal The valid names as a message lists them: comma-separated, cut after a dozen ("and N more"). */
export function listNames(known: Iterable<string>): string {
  const all = [...known];
  if (all.length === 0) return "none";
  const shown = all.slice(0, LISTED).join(", ");
  return all.length > LISTED ? `${shown} and ${all.length - LISTED} more` : shown;
}

/**
 * @internal The guidance after an unknown name: ` (did you mean "Gold"? ranks: Bronze, Silver, Gold)`,
 * or ` (ranks: …)` when no valid name is close.
 * @param what - the plural of what the names are, e.g. "ranks"
 */
export function nameHint(name: string, known: Iterable<string>, what: string): string {
  const list = [...known];
  const near = closestName(name, list);
  return ` (${near !== undefined ? `did you mean "${near}"? ` : ""}${what}: ${listNames(list)})`;
}
