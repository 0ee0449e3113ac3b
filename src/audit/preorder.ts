/**
 * A tree (the sponsor tree, or the placement tree when a step walks it) laid out in depth-first preorder, built once per run for explanations. In preorder a
 * member's subtree is one contiguous range of positions, so recomputing one member's part of a level bonus
 * is a forward scan over that range (skipping the subtrees below the levels that matter) through arrays
 * read in order: a million-member downline costs milliseconds instead of a random walk over memory.
 * It is an index of the tree, not a trace of the run: nothing about line items is stored.
 */
import { type Tree, type TreeName, treeOf } from "../genealogy/genealogy.js";
import type { MeasureValues } from "../measures/volumes.js";
import type { RunResult } from "../run/result.js";
import type { Preorder } from "./explanation.js";

interface Layout {
  readonly member: Int32Array;
  readonly pos: Int32Array;
  readonly end: Int32Array;
  readonly depth: Int32Array;
}

const layouts = new WeakMap<Tree, Layout>();
const views = new WeakMap<MeasureValues, Partial<Record<TreeName, Preorder>>>();

function layout(g: Tree): Layout {
  let l = layouts.get(g);
  if (l !== undefined) return l;
  const n = g.parent.length;
  // Subtree sizes, bottom-up over the top-down order.
  const size = new Int32Array(n).fill(1);
  for (let j = n - 1; j > 0; j--) {
    const m = g.order[j] as number;
    const p = g.parent[m] as number;
    size[p] = (size[p] as number) + (size[m] as number);
  }
  // Preorder positions: a member's first child right after it, each next child after the previous
  // child's subtree. Top-down order visits parents first, so a parent's position is known in time.
  const pos = new Int32Array(n);
  const next = new Int32Array(n); // next free position among a member's children
  const member = new Int32Array(n);
  const end = new Int32Array(n);
  const depth = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const m = g.order[j] as number;
    const p = g.parent[m] as number;
    const at = p < 0 ? 0 : (next[p] as number);
    if (p >= 0) next[p] = at + (size[m] as number);
    pos[m] = at;
    next[m] = at + 1;
    member[at] = m;
    end[at] = at + (size[m] as number);
    depth[at] = g.depth[m] as number;
  }
  l = { member, pos, end, depth };
  layouts.set(g, l);
  return l;
}

/**
 * @internal The preorder view of a run's sponsor tree, or of its placement tree: the tree's layout and,
 * per position, qualification and volumes.
 */
export function preorderOf(run: RunResult, tree: TreeName = "sponsor"): Preorder {
  const p = run.internals;
  let byTree = views.get(p.volumes);
  if (byTree === undefined) views.set(p.volumes, (byTree = {}));
  let v = byTree[tree];
  if (v !== undefined) return v;
  const l = layout(treeOf(p.genealogy, tree));
  const n = l.member.length;
  const qualified = new Uint8Array(n);
  for (let at = 0; at < n; at++) qualified[at] = p.qualified[l.member[at] as number] as number;
  const personal: (Float64Array | undefined)[] = [];
  const volumes = p.volumes;
  v = {
    ...l,
    qualified,
    personal(measure: number): Float64Array {
      let a = personal[measure];
      if (a === undefined) {
        const src = volumes.personal[measure] as Float64Array;
        a = new Float64Array(n);
        for (let at = 0; at < n; at++) a[at] = src[l.member[at] as number] as number;
        personal[measure] = a;
      }
      return a;
    },
  };
  byTree[tree] = v;
  return v;
}
