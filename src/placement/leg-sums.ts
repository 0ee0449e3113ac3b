/**
 * Sums of a weight (a member count, or a volume) over placement subtrees while members are added, for
 * weaker-leg placement. Adding a member adds its weight to every ancestor, and a binary tree filled at the
 * extremes of its legs is as deep as it has members, so the sums are not kept per member (that would be
 * O(depth) per member, quadratic on long legs). Instead the tree's Euler tour, each member u as two
 * entries, `2u` where its subtree begins (carrying u's weight) and `2u + 1` where it ends (weight 0), is
 * kept in a treap (a binary search tree over the tour's order, balanced by random priorities). A member's
 * subtree is the run of entries from its begin to its end, so its weight is a difference of two prefix
 * sums; a new member is two entries inserted next to its parent's. Both are O(log n) expected; the result
 * never depends on the priorities, only the speed does.
 *
 * Each entry keeps the sum of its left subtree (`leftSum`), not of its whole subtree: the prefix sum
 * before an entry is its own `leftSum` plus, for each ancestor reached from its right side, that
 * ancestor's `leftSum` and weight, so a walk up reads only the entries on the path. The links and the
 * priority of entry e are `node[4e … 4e+3]`, its weight and leftSum `num[2e]`, `num[2e+1]`: an entry's
 * fields sit together in memory, two cache lines per step of a walk.
 *
 * Sums are exact: weights are whole units and the caller checks their total is at most 2^53 − 1.
 */

const LEFT = 0;
const RIGHT = 1;
const UP = 2;
const PRIO = 3;

/** @internal Subtree sums over a placement tree being built; see the module comment. */
export class SubtreeSums {
  /** Per entry: left, right, up (-1 for none) and priority. */
  private readonly node: Int32Array;
  /** Per entry: weight and the sum of the weights of its left subtree. */
  private readonly num: Float64Array;
  /** Steps taken through the treap so far (linear-time tests count them). */
  steps = 0;

  /**
   * @param weight - each member's weight
   * @param tour - the entries of the tree as the input has it, in tour order (begin 2u, the subtrees of
   *   u's children by leg, end 2u + 1)
   */
  constructor(weight: Float64Array, tour: Int32Array) {
    const entries = weight.length * 2;
    const node = (this.node = new Int32Array(4 * entries).fill(-1));
    const num = (this.num = new Float64Array(2 * entries));
    // Fixed pseudo-random priorities (xorshift32): runs are repeatable, and the results never depend on them.
    let x = 0x9e3779b9 | 0;
    for (let e = 0; e < entries; e++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      node[4 * e + PRIO] = x;
    }
    for (let u = 0; u < weight.length; u++) num[4 * u] = weight[u] as number;
    this.build(tour);
  }

  /**
   * The treap of the tour, built in one pass with a stack (the Cartesian tree of the priorities); each
   * entry's subtree sum is known when it leaves the stack, and gives its parent's leftSum.
   */
  private build(tour: Int32Array): void {
    const { node, num } = this;
    const stack = new Int32Array(tour.length);
    const total = new Float64Array(tour.length);
    let top = 0;
    for (let k = 0; k < tour.length; k++) {
      const e = tour[k] as number;
      let last = -1;
      let lastSum = 0;
      // Entries popped are closed: their right subtree (the entries popped before) is complete.
      let right = 0;
      while (top > 0 && (node[4 * (stack[top - 1] as number) + PRIO] as number) < (node[4 * e + PRIO] as number)) {
        last = stack[--top] as number;
        lastSum = (total[top] as number) + right;
        right = lastSum;
      }
      node[4 * e + LEFT] = last;
      num[2 * e + 1] = lastSum;
      if (last >= 0) node[4 * last + UP] = e;
      if (top > 0) {
        const t = stack[top - 1] as number;
        node[4 * t + RIGHT] = e;
        node[4 * e + UP] = t;
      }
      stack[top] = e;
      // total[i]: the weight of stack[i] and its left subtree (its right subtree is added as it closes).
      total[top++] = lastSum + (num[2 * e] as number);
    }
  }

  /** The sum of the weights of the entries before entry `e` in tour order. */
  private before(e: number): number {
    const { node, num } = this;
    let acc = num[2 * e + 1] as number;
    let steps = 1;
    for (let c = e, p = node[4 * e + UP] as number; p >= 0; c = p, p = node[4 * p + UP] as number, steps++) {
      if (node[4 * p + RIGHT] === c) acc += (num[2 * p] as number) + (num[2 * p + 1] as number);
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
    const { node, num } = this;
    let p: number;
    let steps = 1;
    if (after) {
      if ((node[4 * a + RIGHT] as number) < 0) node[4 * (p = a) + RIGHT] = z;
      else {
        p = node[4 * a + RIGHT] as number;
        for (; (node[4 * p + LEFT] as number) >= 0; steps++) p = node[4 * p + LEFT] as number;
        node[4 * p + LEFT] = z;
      }
    } else if ((node[4 * a + LEFT] as number) < 0) node[4 * (p = a) + LEFT] = z;
    else {
      p = node[4 * a + LEFT] as number;
      for (; (node[4 * p + RIGHT] as number) >= 0; steps++) p = node[4 * p + RIGHT] as number;
      node[4 * p + RIGHT] = z;
    }
    node[4 * z + UP] = p;
    num[2 * z + 1] = 0;
    // z's weight counts in the leftSum of every ancestor it sits to the left of.
    const add = num[2 * z] as number;
    if (add !== 0) {
      for (let c = z, t = p; t >= 0; c = t, t = node[4 * t + UP] as number, steps++) {
        if (node[4 * t + LEFT] === c) num[2 * t + 1] = (num[2 * t + 1] as number) + add;
      }
    }
    for (; (node[4 * z + UP] as number) >= 0 && (node[4 * z + PRIO] as number) > (node[4 * (node[4 * z + UP] as number) + PRIO] as number); steps++) this.rotateUp(z);
    this.steps += steps;
  }

  /** Rotates entry z above its parent, keeping the tour order and the left sums. */
  private rotateUp(z: number): void {
    const { node, num } = this;
    const p = node[4 * z + UP] as number;
    const g = node[4 * p + UP] as number;
    if (node[4 * p + LEFT] === z) {
      // p's left subtree becomes z's right subtree: p loses z and z's left subtree.
      const b = node[4 * z + RIGHT] as number;
      node[4 * p + LEFT] = b;
      if (b >= 0) node[4 * b + UP] = p;
      node[4 * z + RIGHT] = p;
      num[2 * p + 1] = (num[2 * p + 1] as number) - (num[2 * z + 1] as number) - (num[2 * z] as number);
    } else {
      // z's left subtree becomes p with p's left subtree and z's old left subtree.
      const b = node[4 * z + LEFT] as number;
      node[4 * p + RIGHT] = b;
      if (b >= 0) node[4 * b + UP] = p;
      node[4 * z + LEFT] = p;
      num[2 * z + 1] = (num[2 * z + 1] as number) + (num[2 * p + 1] as number) + (num[2 * p] as number);
    }
    node[4 * p + UP] = z;
    node[4 * z + UP] = g;
    if (g >= 0) {
      if (node[4 * g + LEFT] === p) node[4 * g + LEFT] = z;
      else node[4 * g + RIGHT] = z;
    }
  }
}
