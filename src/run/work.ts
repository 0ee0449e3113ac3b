/**
 * Counts the engine's work so linear time can be proved by counting, not by timing: each pass adds the
 * number of member visits (or upline steps) it made. Tests assert the counts stay within a fixed multiple
 * of members + orders (times the plan depth for level bonuses).
 */
export class WorkCounter {
  private readonly counts = new Map<string, number>();

  /** Adds `n` units of work to `pass`. */
  add(pass: string, n: number): void {
    this.counts.set(pass, (this.counts.get(pass) ?? 0) + n);
  }

  /** The work per pass, sorted by pass name. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
