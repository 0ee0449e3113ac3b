/**
 * Binary placement (width 2) under the sponsor: at the bottom of the sponsor's extreme left leg (following
 * leg L down from the sponsor to the first member whose L is free), of its extreme right leg, or of its
 * weaker leg: the side whose placement subtree has less weight (fewer members, or less of a volume), the
 * left one on a tie, at that side's extreme (directly under the sponsor when that position is free).
 *
 * The bottom of a leg in one step. On each side the tree's edges of that side form chains (a member, its
 * child on that side, that child's child on that side, …), and every member of a chain has the same
 * bottom. So each member keeps the top of its chain on each side (`top[side][u]`), and each top the
 * chain's bottom (`bottom[side][top]`). A new member placed at the bottom of a chain joins it (its top is
 * the chain's, and it becomes the bottom); on its other side it starts a chain of its own. Chains never
 * merge otherwise, so both are O(1), whatever the order the sponsors place in. The weights of the sides
 * come from {@link SubtreeSums}.
 */
import type { Board } from "./board.js";
import { SubtreeSums } from "./leg-sums.js";

/** @internal Which binary placement: 0 extreme left, 1 extreme right, 2 the weaker leg. */
export type BinaryRule = 0 | 1 | 2;

/** @internal The binary placer over a {@link Board} of width 2; see the module comment. */
export class BinaryPlacer {
  /** The position of the last {@link find}: the parent and its leg (1 = L, 2 = R). */
  at = -1;
  leg = 0;
  /** The sponsor of the last {@link find} (its matrix is never full). */
  used = -1;
  /** Bottoms looked up so far (the weaker leg's weighing counts in {@link SubtreeSums.steps}). */
  steps = 0;
  /** `kid[2u]` is u's L child, `kid[2u + 1]` its R child (-1 for none). */
  private readonly kid: Int32Array;
  /** The top of each member's chain on each side, and the bottom of each chain (at its top's index). */
  private readonly top: [Int32Array, Int32Array];
  private readonly bottom: [Int32Array, Int32Array];
  /** Whether a side weighs its members (no weights given). */
  private readonly counting: boolean;
  /** The weights of the sides, for the weaker leg. */
  readonly sums: SubtreeSums | undefined;

  /**
   * @param b - the tree as the input gives it (width 2); its arrays are updated as members are added
   * @param rule - extreme left, extreme right or weaker leg
   * @param weight - for the weaker leg: each member's weight (1 each to count members)
   */
  constructor(
    private readonly b: Board,
    private readonly rule: BinaryRule,
    weight?: Float64Array,
  ) {
    const n = b.parent.length;
    const kid = (this.kid = new Int32Array(2 * n).fill(-1));
    for (let m = 0; m < n; m++) {
      const p = b.parent[m] as number;
      if (p >= 0) kid[2 * p + (b.leg[m] as number) - 1] = m;
    }
    this.top = [new Int32Array(n), new Int32Array(n)];
    this.bottom = [new Int32Array(n), new Int32Array(n)];
    for (const side of [0, 1] as const) {
      const top = this.top[side];
      const bottom = this.bottom[side];
      for (let u = 0; u < n; u++) top[u] = bottom[u] = u;
      // Parents first: a member on its parent's side continues the parent's chain, whose bottom it may be.
      for (const u of b.order) {
        const p = b.parent[u] as number;
        if (p < 0 || b.leg[u] !== side + 1) continue;
        top[u] = top[p] as number;
        if ((kid[2 * u + side] as number) < 0) bottom[top[u] as number] = u;
      }
    }
    this.counting = weight === undefined;
    this.sums = rule === 2 ? new SubtreeSums(weight ?? new Float64Array(n).fill(1), tourOf(kid, b.order[0] ?? -1, b.order.length)) : undefined;
  }

  /** Finds the position for a new member sponsored by `s` (sets {@link at} and {@link leg}); never fails. */
  find(s: number): boolean {
    const side = this.rule === 2 ? this.weaker(s) : this.rule;
    this.used = s;
    this.at = this.bottomOf(s, side);
    this.leg = side + 1;
    return true;
  }

  /** 0 (left) or 1 (right): the side of `s` with less weight below it, left on a tie. */
  private weaker(s: number): 0 | 1 {
    const l = this.kid[2 * s] as number;
    const r = this.kid[2 * s + 1] as number;
    const sums = this.sums as SubtreeSums;
    if (l < 0) return 0; // nothing on the left: it weighs 0, at most the right's weight
    // Nothing on the right: it weighs 0, less than a left side holding a member (when members are counted)
    // or one with some volume.
    if (r < 0) return this.counting || sums.subtree(l) > 0 ? 1 : 0;
    const [a, b] = sums.legs(l, r);
    return b < a ? 1 : 0;
  }

  /** The member at the bottom of the chain from `s` down leg `side` (s itself when that leg is free). */
  private bottomOf(s: number, side: 0 | 1): number {
    this.steps++;
    return this.bottom[side][this.top[side][s] as number] as number;
  }

  /** Adds member `x` at the position the last {@link find} returned. */
  add(x: number): void {
    const p = this.at;
    const l = this.leg;
    const b = this.b;
    b.parent[x] = p;
    b.leg[x] = l;
    b.placed[x] = 1;
    this.kid[2 * p + l - 1] = x;
    // x continues p's chain on its side (p was its bottom); on the other side x starts a chain (top[x] = x).
    const side = (l - 1) as 0 | 1;
    const top = this.top[side][p] as number;
    this.top[side][x] = top;
    this.bottom[side][top] = x;
    this.sums?.add(x, p, l);
  }
}

/** The Euler tour of the tree from `root` ({@link SubtreeSums}' entries), by an explicit stack. */
function tourOf(kid: Int32Array, root: number, members: number): Int32Array {
  const tour = new Int32Array(2 * members);
  if (root < 0) return tour.subarray(0, 0);
  const stack = new Int32Array(2 * members);
  let top = 0;
  let k = 0;
  stack[top++] = 2 * root;
  while (top > 0) {
    const e = stack[--top] as number;
    tour[k++] = e;
    if ((e & 1) === 1) continue;
    const u = e >> 1;
    stack[top++] = e + 1;
    const r = kid[2 * u + 1] as number;
    const l = kid[2 * u] as number;
    if (r >= 0) stack[top++] = 2 * r;
    if (l >= 0) stack[top++] = 2 * l;
  }
  return tour;
}
