/**
 * The placement tree as the members input has it before new members are placed: the members that have a
 * `placementId` hang from the root through it; the others (the new members) are not in it yet. Checked
 * here (every issue with its row), then handed to a placer (`matrix.ts`, `binary.ts`) that adds the new
 * members. Indices are the sponsor tree's member indices ({@link Genealogy}).
 */
import { type Issue, issue } from "../errors/issues.js";
import { type Genealogy, PLACEMENT_LINKS, cycleIssues, legName, located, rowLabel } from "../genealogy/genealogy.js";
import type { MemberRow } from "../input/rows.js";

/** @internal The placement tree while new members are added to it. Every array has one entry per member. */
export interface Board {
  /** The number of positions under each member. */
  readonly width: number;
  /** Placement parent; -1 for the root and for a member not placed yet. */
  readonly parent: Int32Array;
  /** Leg position under the parent, 1 … width; 0 for the root and for a member not placed yet. */
  readonly leg: Int32Array;
  /** 1 once a member is in the tree (the root and the members placed in the input from the start). */
  readonly placed: Uint8Array;
  /** Children of u by leg: `first[u]`, then `next[c]` … (-1 ends the list). */
  readonly first: Int32Array;
  readonly next: Int32Array;
  /** The members placed in the input, breadth-first from the root (children by leg). */
  readonly order: Int32Array;
  /** Distance from the root, for the members in the tree (kept by the spillover placer only). */
  readonly depth: Int32Array;
}

/**
 * @internal The placement the input gives, checked: the root has none (`PLACEMENT_ROOT`); a placement
 * parent is a member (`PLACEMENT_UNKNOWN_PARENT`) who is placed too (`PLACEMENT_PARENT_UNPLACED`); a leg is
 * at most `width` (`PLACEMENT_TOO_WIDE`); a position holds one member (`PLACEMENT_POSITION_TAKEN`); no
 * cycle (`PLACEMENT_CYCLE`). A member without a placementId (but the root) is new: `placed` is 0.
 */
export function readBoard(rows: readonly MemberRow[] | undefined, g: Genealogy, width: number, source: string): { board?: Board; issues: Issue[] } {
  const n = g.size;
  const { memberOfRow, row: rowOf } = g;
  const parent = new Int32Array(n).fill(-1);
  const leg = new Int32Array(n);
  const placed = new Uint8Array(n);
  const issues: Issue[] = [];
  placed[g.root] = 1;
  // Without rows (a tree read by the fast CSV path) no member is placed but the root.
  for (let r = 0; rows !== undefined && r < n; r++) {
    const row = rows[r] as MemberRow;
    const m = memberOfRow[r] as number;
    const at = row.placementId;
    if (m === g.root) {
      if (at !== undefined) issues.push(located(row, issue("PLACEMENT_ROOT", [source, r, "placementId"], `member "${row.id}" has no sponsor, so it is the root of the placement tree too and is placed under no one; leave its placementId and leg empty`, at)));
      continue;
    }
    if (at === undefined) continue;
    const p = g.indexOf.get(at);
    const l = row.leg ?? 0;
    if (p === undefined) issues.push(located(row, issue("PLACEMENT_UNKNOWN_PARENT", [source, r, "placementId"], `placement parent "${at}" of member "${row.id}" is not a member`, at)));
    else if (p === m) issues.push(located(row, issue("PLACEMENT_CYCLE", [source, r, "placementId"], `member "${row.id}" is placed under itself`, at)));
    else if (l > width) issues.push(located(row, issue("PLACEMENT_TOO_WIDE", [source, r, "leg"], `member "${row.id}" is on leg ${legName(l)}, but the placement is ${width} wide (width)`, l)));
    else {
      parent[m] = p;
      leg[m] = l;
      placed[m] = 1;
    }
  }
  if (issues.length > 0) return { issues };
  for (let r = 0; r < n; r++) {
    const m = memberOfRow[r] as number;
    const p = parent[m] as number;
    if (p < 0 || placed[p] === 1) continue;
    const row = (rows as readonly MemberRow[])[r] as MemberRow;
    const at = row.placementId as string;
    issues.push(located(row, issue("PLACEMENT_PARENT_UNPLACED", [source, r, "placementId"], `member "${row.id}" is placed under "${at}", who has no placement yet (a new member, to be placed): give "${at}" a placement too, or leave "${row.id}" without one to place it as a new member`, at)));
  }
  if (issues.length > 0) return { issues };

  // Children lists in leg order: members bucketed by leg (counting sort), then each pushed to the front of
  // its parent's list from the highest leg down.
  // start[l] ends as the number of members on legs 1 … l: the end of leg l's bucket, filled backwards.
  const start = new Int32Array(width + 1);
  for (let m = 0; m < n; m++) if ((parent[m] as number) >= 0) start[leg[m] as number] = (start[leg[m] as number] as number) + 1;
  for (let l = 1; l <= width; l++) start[l] = (start[l] as number) + (start[l - 1] as number);
  const byLeg = new Int32Array(start[width] as number);
  for (let m = n - 1; m >= 0; m--) {
    if ((parent[m] as number) < 0) continue;
    const l = leg[m] as number;
    start[l] = (start[l] as number) - 1;
    byLeg[start[l] as number] = m;
  }
  const first = new Int32Array(n).fill(-1);
  const next = new Int32Array(n).fill(-1);
  let crowded = false;
  for (let k = byLeg.length - 1; k >= 0; k--) {
    const m = byLeg[k] as number;
    const p = parent[m] as number;
    if ((first[p] as number) >= 0 && leg[first[p] as number] === leg[m]) crowded = true;
    next[m] = first[p] as number;
    first[p] = m;
  }
  // Two or more members on one position sit side by side in the list: the earliest row holds it.
  for (let u = 0; crowded && u < n; u++) {
    for (let c = first[u] as number; c >= 0; ) {
      let holder = c;
      let end = c;
      while ((next[end] as number) >= 0 && leg[next[end] as number] === leg[c]) {
        end = next[end] as number;
        if ((rowOf[end] as number) < (rowOf[holder] as number)) holder = end;
      }
      for (let x = c; ; x = next[x] as number) {
        if (x !== holder) {
          const r = rowOf[x] as number;
          const row = (rows as readonly MemberRow[])[r] as MemberRow;
          const other = (rows as readonly MemberRow[])[rowOf[holder] as number] as MemberRow;
          issues.push(located(row, issue("PLACEMENT_POSITION_TAKEN", [source, r, "leg"], `member "${row.id}" is placed on leg ${legName(leg[x] as number)} of "${row.placementId}", the position of "${other.id}" (row ${rowLabel(other, rowOf[holder] as number)}); each position holds one member`, leg[x])));
        }
        if (x === end) break;
      }
      c = next[end] as number;
    }
  }
  if (issues.length > 0) return { issues: issues.sort((a, b) => (a.path[1] as number) - (b.path[1] as number)) };

  // Breadth-first from the root; a placed member it does not reach sits on or below a placement cycle.
  const order = new Int32Array(n);
  const depth = new Int32Array(n);
  let tail = 0;
  order[tail++] = g.root;
  for (let head = 0; head < tail; head++) {
    const u = order[head] as number;
    for (let c = first[u] as number; c >= 0; c = next[c] as number) {
      depth[c] = (depth[u] as number) + 1;
      order[tail++] = c;
    }
  }
  let placedCount = 0;
  for (let m = 0; m < n; m++) placedCount += placed[m] as number;
  if (tail < placedCount) {
    const parentRow = new Int32Array(n).fill(-1);
    for (let m = 0; m < n; m++) if ((parent[m] as number) >= 0) parentRow[rowOf[m] as number] = rowOf[parent[m] as number] as number;
    const reached = Int32Array.from(order.subarray(0, tail), (m) => rowOf[m] as number);
    return { issues: cycleIssues(rows as readonly MemberRow[], parentRow, reached, source, PLACEMENT_LINKS) };
  }
  return { board: { width, parent, leg, placed, first, next, order: order.slice(0, tail), depth }, issues };
}
