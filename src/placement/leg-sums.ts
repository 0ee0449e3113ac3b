/**
 * Sums of a weight (a member count, or a volume) over placement subtrees while members are added, for
 * weaker-leg placement. Adding a member adds its weight to every ancestor, and a binary tree filled at the
 * extremes of its legs is as deep as it has members, so the sums are not kept per member (that would be
 * O(depth) per member, quadratic on long legs). Instead the tree's Euler tour, each member u as two
 * entries, `2u` where its subtree begins (carrying u's weight) and `2u + 1` where it ends (weight 0), is
 * kept in a treap (a binary search tree over the tour's order, balanced by random priorities) whose nodes
 * hold the sum of their subtree. A member's subtree is the run of entries from its begin to its end, so its
 * weight is a difference of two prefix sums, each a walk from an entry to the treap's root; a new member is
 * two entries inserted next to its parent's. Both are O(log n) expected; the result never depends on the
 * priorities, only the speed does.
 *
 * Sums are exact: weights are whole units and the caller checks their total is at most 2^53 − 1.
 */

/** @internal Subtree sums over a placement tree being built; see the module comment. */
export class SubtreeSums {
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly up: Int32Array;
  private readonly prio: Int32Array;
  private readonly w: Float64Array;
  private readonly sum: Float64Array;
  /** Steps taken through the treap so far (linear-time tests count them). */
  steps = 0;

  /**
   * @param weight - each member's weight
   * @param tour - the entries of the tree as the input has it, in tour order (begin 2u, the subtrees of
   *   u's children by leg, end 2u + 1)
   */
  constructor(weight: Float64Array, tour: Int32Array) {
    const entries = weight.length * 2;
    this.left = new Int32Array(entries).fill(-1);
    this.right = new Int32Array(entries).fill(-1);
    this.up = new Int32Array(entries).fill(-1);
    this.prio = new Int32Array(entries);
    this.w = new Float64Array(entries);
    this.sum = new Float64Array(entries);
    // Fixed pseudo-random priorities (xorshift32): runs are repeatable, and the results never depend on them.
    let x = 0x9e3779b9 | 0;
    for (let e = 0; e < entries; e++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.prio[e] = x;
    }
    for (let u = 0; u < weight.length; u++) this.w[2 * u] = weight[u] as number;
    this.build(tour);
  }

  /** The treap of the tour, built in one pass with a stack (the Cartesian tree of the priorities). */
  private build(tour: Int32Array): void {
    const { left, right, up, prio, w, sum } = this;
    const stack = new Int32Array(tour.length);
    let top = 0;
    const close = (e: number) => (sum[e] = this.s(left[e] as number) + (w[e] as number) + this.s(right[e] as number));
    for (let k = 0; k < tour.length; k++) {
      const e = tour[k] as number;
      let last = -1;
      while (top > 0 && (prio[stack[top - 1] as number] as number) < (prio[e] as number)) {
        last = stack[--top] as number;
        close(last);
      }
      left[e] = last;
      if (last >= 0) up[last] = e;
      if (top > 0) {
        const t = stack[top - 1] as number;
        right[t] = e;
        up[e] = t;
      }
      stack[top++] = e;
    }
    while (top > 0) close(stack[--top] as number);
  }

  private s(e: number): number {
    return e < 0 ? 0 : (this.sum[e] as number);
  }

  /** The sum of the weights of the entries before entry `e` in tour order. */
  private before(e: number): number {
    const { left, right, up, w } = this;
    let acc = this.s(left[e] as number);
    let steps = 1;
    for (let c = e, p = up[e] as number; p >= 0; c = p, p = up[p] as number, steps++) {
      if (right[p] === c) acc += this.s(left[p] as number) + (w[p] as number);
    }
    this.steps += steps;
    return acc;
  }

  /** The weight of member u's subtree. */
  subtree(u: number): number {
    return this.before(2 * u + 1) - this.before(2 * u);
  }

  /** The weights of the subtrees of a member's two children `l` (leg 1) and `r` (leg 2), side by side in the tour. */
  legs(l: number, r: number): [number, number] {
    const a = this.before(2 * l);
    const b = this.before(2 * r);
    return [b - a, this.before(2 * r + 1) - b];
  }

  /** Adds member x as a leaf under p on leg 1 (its subtree begins right after p's begin) or leg 2 (right before p's end). */
  add(x: number, p: number, leg: number): void {
    if (leg === 1) this.insert(2 * x, 2 * p, true);
    else this.insert(2 * x, 2 * p + 1, false);
    this.insert(2 * x + 1, 2 * x, true);
  }

  /** Inserts entry z right after (or right before) entry a, then restores the heap order of priorities. */
  private insert(z: number, a: number, after: boolean): void {
    const { left, right, up, prio, w, sum } = this;
    sum[z] = w[z] as number;
    let p: number;
    if (after) {
      if ((right[a] as number) < 0) right[(p = a)] = z;
      else {
        p = right[a] as number;
        for (; (left[p] as number) >= 0; this.steps++) p = left[p] as number;
        left[p] = z;
      }
    } else if ((left[a] as number) < 0) left[(p = a)] = z;
    else {
      p = left[a] as number;
      for (; (right[p] as number) >= 0; this.steps++) p = right[p] as number;
      right[p] = z;
    }
    up[z] = p;
    const add = w[z] as number;
    let steps = 1;
    if (add !== 0) for (let t = p; t >= 0; t = up[t] as number, steps++) sum[t] = (sum[t] as number) + add;
    for (; (up[z] as number) >= 0 && (prio[z] as number) > (prio[up[z] as number] as number); steps++) this.rotateUp(z);
    this.steps += steps;
  }

  /** Rotates entry z above its parent, keeping the tour order and the sums. */
  private rotateUp(z: number): void {
    const { left, right, up, w, sum } = this;
    const p = up[z] as number;
    const g = up[p] as number;
    if (left[p] === z) {
      const b = right[z] as number;
      left[p] = b;
      if (b >= 0) up[b] = p;
      right[z] = p;
    } else {
      const b = left[z] as number;
      right[p] = b;
      if (b >= 0) up[b] = p;
      left[z] = p;
    }
    up[p] = z;
    up[z] = g;
    if (g >= 0) {
      if (left[g] === p) left[g] = z;
      else right[g] = z;
    }
    sum[p] = this.s(left[p] as number) + (w[p] as number) + this.s(right[p] as number);
    sum[z] = this.s(left[z] as number) + (w[z] as number) + this.s(right[z] as number);
  }
}
