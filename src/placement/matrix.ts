/**
 * Forced-matrix spillover: a new member takes the first free position in its sponsor's placement subtree,
 * shallowest first, then leftmost (breadth-first, children by leg). With a depth D the position must be at
 * most D levels below the sponsor; when none is left the sponsor's matrix is full (an issue, or with
 * `whenFull: upline` the first sponsor up the sponsor line whose matrix has room takes the member).
 *
 * Finding that position without a search per member. For each member u in the tree keep
 *
 * - `m[u]`, the depth (below u, 0 for u itself) of the shallowest member of u's subtree that still has a
 *   free position: 0 when u has fewer than `width` children, else 1 + the least `m` of its children (a full
 *   member has all `width` of them). The first free position of u's subtree is at depth `m[u] + 1` below u;
 *   u's matrix of depth D is full exactly when `m[u] >= D`.
 * - `cursor[u]`, for a full u, its leftmost child c with `m[c] = m[u] - 1`. Following cursors from u for
 *   `m[u]` steps reaches the leftmost member with a free position at that depth: the answer, whose first
 *   free leg is kept too (`run[u]`, the last child of the unbroken run of legs 1, 2, … from leg 1).
 *
 * Adding a member x under p changes nothing above p unless p becomes full. Then `m[p]` becomes 1 and the
 * change climbs: at each full ancestor q whose cursor is the child that changed, the cursor moves right to
 * the next child with the old least value; only when there is none does `m[q]` grow by one (and the cursor
 * restarts from the left). A cursor only moves right while `m[q]` keeps a value, so q's children are passed
 * at most once per value of `m[q]`; and a member whose `m` reaches h has at least width^h members below
 * it, so the members reaching h number at most n / width^h. All updates together are therefore
 * O(n · width / (width - 1)): linear.
 *
 * A sponsor's query walks down at most `m[s]` ≤ log_width(n) cursors. It starts instead from where the
 * sponsor's last query ended (`memo`), climbing only until it meets an ancestor whose first free depth is
 * still the sponsor's (`depth + m` unchanged): the positions at that depth left of the last answer are all
 * taken, and no new ones appear there (their parents are all full), so the next free one is in that
 * ancestor's subtree to the right. A sponsor placing many members in a row then costs O(1) each.
 */
import type { Board } from "./board.js";

/** @internal The spillover placer over a {@link Board}; see the module comment. */
export class Spillover {
  /** The position of the last successful {@link find}: the parent and its leg. */
  at = -1;
  leg = 0;
  /** The member whose matrix the last {@link find} used (the sponsor, or one above it with upline). */
  used = -1;
  /** Pointer steps taken so far (up, down, along children, up the sponsor line): linear-time tests count them. */
  steps = 0;
  private readonly width: number;
  private readonly count: Int32Array;
  private readonly run: Int32Array;
  private readonly m: Int32Array;
  private readonly cursor: Int32Array;
  private readonly memo: Int32Array;
  private readonly memoTarget: Int32Array;
  /** With upline: skip pointers up the sponsor line past members whose matrix is full. */
  private readonly up: Int32Array | undefined;

  /**
   * @param b - the tree as the input gives it; its arrays are updated as members are added
   * @param limit - the matrix depth D (Infinity for none)
   * @param sponsor - each member's sponsor (-1 for the root), for `upline`; undefined for `error`
   */
  constructor(
    private readonly b: Board,
    private readonly limit: number,
    sponsor: Int32Array | undefined,
  ) {
    const n = b.parent.length;
    const w = (this.width = b.width);
    this.count = new Int32Array(n);
    this.run = new Int32Array(n).fill(-1);
    this.m = new Int32Array(n);
    this.cursor = new Int32Array(n).fill(-1);
    this.memo = new Int32Array(n).fill(-1);
    this.memoTarget = new Int32Array(n).fill(-1);
    this.up = sponsor === undefined ? undefined : sponsor.slice();
    const { first, next, leg, order } = b;
    // Children first (the reverse of breadth-first order): each member's m from its children's.
    for (let k = order.length - 1; k >= 0; k--) {
      const u = order[k] as number;
      let count = 0;
      let least = Number.MAX_SAFE_INTEGER;
      let best = -1;
      let run = -1;
      for (let c = first[u] as number; c >= 0; c = next[c] as number) {
        count++;
        if (leg[c] === (run < 0 ? 1 : (leg[run] as number) + 1)) run = c;
        if ((this.m[c] as number) < least) {
          least = this.m[c] as number;
          best = c;
        }
      }
      this.count[u] = count;
      this.run[u] = run;
      if (count === w) {
        this.m[u] = least + 1;
        this.cursor[u] = best;
      }
    }
  }

  /**
   * Finds the position for a new member sponsored by `s` (sets {@link at}, {@link leg} and {@link used});
   * false when no matrix has room (then {@link used} is the last member whose matrix was tried).
   */
  find(s: number): boolean {
    const { m, cursor, memo, memoTarget } = this;
    let t = s;
    if ((m[t] as number) >= this.limit) {
      t = this.climb(s);
      if (t < 0) return false;
    }
    const { depth, parent } = this.b;
    const target = (depth[t] as number) + (m[t] as number);
    let u = memoTarget[t] === target ? (memo[t] as number) : t;
    let steps = 1;
    for (; (depth[u] as number) + (m[u] as number) !== target; steps++) u = parent[u] as number;
    for (; (m[u] as number) > 0; steps++) u = cursor[u] as number;
    this.steps += steps;
    memo[t] = u;
    memoTarget[t] = target;
    this.used = t;
    this.at = u;
    const run = this.run[u] as number;
    this.leg = run < 0 ? 1 : (this.b.leg[run] as number) + 1;
    return true;
  }

  /** The first member up the sponsor line from `s` (itself included) whose matrix has room; -1 for none. */
  private climb(s: number): number {
    const up = this.up;
    if (up === undefined) {
      this.used = s;
      return -1;
    }
    const { m, limit } = this;
    let t = s;
    let last = s;
    while (t >= 0 && (m[t] as number) >= limit) {
      last = t;
      t = up[t] as number;
      this.steps++;
    }
    // Every member passed is full for good (m never shrinks): point them all at t.
    for (let x = s; x !== t && x >= 0; ) {
      const above = up[x] as number;
      up[x] = t;
      x = above;
      this.steps++;
    }
    if (t < 0) this.used = last;
    return t;
  }

  /** Adds member `x` at the position the last {@link find} returned. */
  add(x: number): void {
    const p = this.at;
    const l = this.leg;
    const { first, next, parent, leg, depth, placed } = this.b;
    const { run, count } = this;
    parent[x] = p;
    leg[x] = l;
    depth[x] = (depth[p] as number) + 1;
    placed[x] = 1;
    const r = run[p] as number;
    if (r < 0) {
      next[x] = first[p] as number;
      first[p] = x;
    } else {
      next[x] = next[r] as number;
      next[r] = x;
    }
    let e = x;
    while ((next[e] as number) >= 0 && leg[next[e] as number] === (leg[e] as number) + 1) {
      e = next[e] as number;
      this.steps++;
    }
    run[p] = e;
    count[p] = (count[p] as number) + 1;
    if (count[p] === this.width) this.filled(p);
  }

  /** `p` has just become full: m[p] is 1 now, and the change climbs as the module comment says. */
  private filled(p: number): void {
    const { m, cursor } = this;
    const { first, next, parent } = this.b;
    m[p] = 1;
    let steps = 1;
    let c = first[p] as number;
    for (; m[c] !== 0; steps++) c = next[c] as number;
    cursor[p] = c;
    const w = this.width;
    for (let u = p; ; steps++) {
      const q = parent[u] as number;
      if (q < 0 || this.count[q] !== w || cursor[q] !== u) break;
      const want = (m[q] as number) - 1;
      let d = next[u] as number;
      for (; d >= 0 && m[d] !== want; steps++) d = next[d] as number;
      if (d >= 0) {
        cursor[q] = d;
        break;
      }
      m[q] = want + 2;
      d = first[q] as number;
      for (; m[d] !== want + 1; steps++) d = next[d] as number;
      cursor[q] = d;
      u = q;
    }
    this.steps += steps;
  }
}
