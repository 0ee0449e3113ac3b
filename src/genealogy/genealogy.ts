/**
 * The sponsor tree in columnar form. Members are numbered top-down: breadth-first from the root, each
 * member's children in input order. A member's sponsor, its children and the members above and beside it
 * then sit close together in every per-member array, which keeps the engine's walks (up the upline,
 * across the children) in cache on ten million members. `row` maps a member back to its input row. Every
 * walk is a loop over `order` (parents before children) or its reverse (children before parents), never
 * recursion, so a one-million-deep chain is as safe as a bushy tree.
 */
import { type Issue, assert, issue } from "../errors/issues.js";
import type { MemberRow } from "../input/rows.js";
import { IndexedTexts, type TextList } from "../input/text-list.js";
import { idOrder, throughRows } from "../input/text-order.js";

/** Account status of a member. Suspended and terminated members are never qualified. */
export type MemberStatus = "enrolled" | "suspended" | "terminated";
export const MEMBER_STATUSES: readonly MemberStatus[] = ["enrolled", "suspended", "terminated"];

/** Finds a member's index by id (a Map, or the fast input path's table). */
export interface IdIndex {
  /** The index of the member with this id, or undefined. */
  get(id: string): number | undefined;
}

/**
 * Ranks the company set for some members (the members' `rank` field), as the input wrote them. A prepared
 * input does not know the plan, so the names are checked against a plan's ladder when the plan runs
 * (`MEMBER_UNKNOWN_RANK`, located by `file` and `lines`). Kept by row and only for the rows that have one.
 */
export interface GivenRanks {
  /** The distinct rank names given, in order of first appearance. */
  readonly names: readonly string[];
  /** The input rows that have a given rank, ascending. */
  readonly rows: Int32Array;
  /** The given rank of row `rows[k]` is `names[codes[k]]`. */
  readonly codes: Int32Array;
  /** The members file, when the members came from one. */
  readonly file?: string;
  /** The 1-based line of row `rows[k]` in `file` (0 when unknown), when the members came from a file. */
  readonly lines?: Int32Array;
}

/**
 * A tree over the members, by member index: the sponsor tree ({@link Genealogy} itself) or the placement
 * tree ({@link PlacementTree}). What a walk up or down "the tree" reads, whichever tree it is.
 */
export interface Tree {
  /** Parent index, -1 for the root. */
  readonly parent: Int32Array;
  /** Members in top-down order: the root first, every member after its parent. */
  readonly order: Int32Array;
  /** Distance from the root (root = 0). */
  readonly depth: Int32Array;
  /** Children of member i are childList[childStart[i] .. childStart[i+1]). */
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
  readonly root: number;
}

/** Which tree a step walks: the sponsor tree, or the placement tree (binary or matrix). */
export type TreeName = "sponsor" | "placement";

/**
 * The tree named `name` of a genealogy: the genealogy itself for the sponsor tree, its placement tree
 * otherwise (which the caller has made sure exists; the root alone is its own placement tree too).
 */
export function treeOf(g: Genealogy, name: TreeName | undefined): Tree {
  if (name !== "placement" || (g.placement === undefined && g.size <= 1)) return g;
  assert(g.placement !== undefined, "placement-tree", "a step walks the placement tree but the input has none");
  return g.placement;
}

/**
 * The placement tree (binary or matrix), over the same member indices as the sponsor tree and with the
 * same root. A member's children are listed by leg position, and `order` is breadth-first from the root
 * in that order. Built in linear time from the members' `placementId` and `leg`.
 */
export interface PlacementTree extends Tree {
  /** Leg position under the parent, 1-based (`L` = 1, `R` = 2); 0 for the root. */
  readonly leg: Int32Array;
  /** The largest leg position any member has: a plan's placement width must be at least this. */
  readonly widest: number;
  /** The file the members came from, when they came from one (for issues found when a plan is applied). */
  readonly file?: string;
  /** The 1-based file line of each input row, when the members came from a file. */
  readonly line?: Int32Array;
}

/** The sponsor tree as dense typed arrays, members numbered top-down (see the module comment). */
export interface Genealogy extends Tree {
  readonly size: number;
  /** Member ids by index. */
  readonly ids: TextList;
  /** Member index by id. */
  readonly indexOf: IdIndex;
  /** Sponsor index, -1 for the root. */
  readonly parent: Int32Array;
  /** Members in top-down order: every member after its sponsor. */
  readonly order: Int32Array;
  /** Distance from the root (root = 0). */
  readonly depth: Int32Array;
  /** Children of member i are childList[childStart[i] .. childStart[i+1]). */
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
  /** Index into MEMBER_STATUSES. */
  readonly status: Uint8Array;
  readonly joinDate: TextList;
  readonly root: number;
  /** Input row of member i (the position of its record in the members input). */
  readonly row: Int32Array;
  /** Member index of input row r: the inverse of `row`. */
  readonly memberOfRow: Int32Array;
  /** Member ids in input row order (a string array, or the fast input path's byte-backed list). */
  readonly rowIds: TextList;
  /** Join dates in input row order. */
  readonly rowJoinDates: TextList;
  /** The ranks the input gives some members; absent when it gives none. */
  readonly givenRanks?: GivenRanks;
  /** The placement tree, when the input has one (some member has a placementId). */
  readonly placement?: PlacementTree;
}

/** @internal The sponsor tree as the input has it: indices are input rows. */
export interface RowTree {
  readonly ids: TextList;
  /** Row of the member with this id. */
  readonly indexOf: IdIndex;
  /** Sponsor row, -1 for the root. */
  readonly parent: Int32Array;
  readonly status: Uint8Array;
  readonly joinDate: TextList;
  /** The ranks the input gives some rows; absent when it gives none. */
  readonly givenRanks?: GivenRanks | undefined;
}

/**
 * @internal Numbers the members of a tree of input rows top-down. `order` and `depth` are
 * {@link linkTree}'s for the same rows: member j is row `order[j]`. Children of a member get consecutive
 * numbers in input order, so the children list is simply 1 … n-1 and the top-down order is 0 … n-1.
 */
export function numberTopDown(rows: RowTree, tree: { readonly order: Int32Array; readonly depth: Int32Array }): Genealogy {
  const n = rows.parent.length;
  const row = tree.order;
  const memberOfRow = new Int32Array(n);
  for (let j = 0; j < n; j++) memberOfRow[row[j] as number] = j;
  const parent = new Int32Array(n);
  const depth = new Int32Array(n);
  const status = new Uint8Array(n);
  const childStart = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) {
    const r = row[j] as number;
    const p = rows.parent[r] as number;
    const m = p < 0 ? -1 : (memberOfRow[p] as number);
    parent[j] = m;
    depth[j] = tree.depth[r] as number;
    status[j] = rows.status[r] as number;
    if (m >= 0) childStart[m + 1] = (childStart[m + 1] as number) + 1;
  }
  // Children of j are childList[childStart[j] .. childStart[j+1]) = members childStart[j]+1 … childStart[j+1].
  for (let j = 0; j < n; j++) childStart[j + 1] = (childStart[j + 1] as number) + (childStart[j] as number);
  const childList = new Int32Array(Math.max(0, n - 1));
  for (let c = 0; c < childList.length; c++) childList[c] = c + 1;
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) order[j] = j;
  const indexOf: IdIndex = {
    get: (id) => {
      const r = rows.indexOf.get(id);
      return r === undefined ? undefined : memberOfRow[r];
    },
  };
  return {
    size: n,
    ids: new IndexedTexts(rows.ids, row),
    indexOf,
    parent,
    order,
    depth,
    childStart,
    childList,
    status,
    joinDate: new IndexedTexts(rows.joinDate, row),
    root: n > 0 ? 0 : -1,
    row,
    memberOfRow,
    rowIds: rows.ids,
    rowJoinDates: rows.joinDate,
    ...(rows.givenRanks !== undefined ? { givenRanks: rows.givenRanks } : {}),
  };
}

/** @internal The given ranks of validated member rows (`rank`), or undefined when no row has one. */
export function givenRanksOf(rows: readonly MemberRow[]): GivenRanks | undefined {
  const names: string[] = [];
  const codeOf = new Map<string, number>();
  const at: number[] = [];
  const codes: number[] = [];
  const lines: number[] = [];
  let file: string | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as MemberRow;
    if (row.rank === undefined) continue;
    let code = codeOf.get(row.rank);
    if (code === undefined) codeOf.set(row.rank, (code = names.push(row.rank) - 1));
    at.push(i);
    codes.push(code);
    lines.push(row.line ?? 0);
    file ??= row.file;
  }
  if (at.length === 0) return undefined;
  return {
    names,
    rows: Int32Array.from(at),
    codes: Int32Array.from(codes),
    ...(file !== undefined ? { file, lines: Int32Array.from(lines) } : {}),
  };
}

const SORTED = new WeakMap<Genealogy, { rows: Int32Array | undefined; members?: Int32Array }>();

function sortedOf(g: Genealogy): { rows: Int32Array | undefined; members?: Int32Array } {
  let sorted = SORTED.get(g);
  if (sorted === undefined) SORTED.set(g, (sorted = { rows: idOrder(g.rowIds) }));
  return sorted;
}

/**
 * @internal Input rows in ascending id order (UTF-16 code units, the order of `<`), or undefined when the
 * input is in that order already (exported data often is: then it costs one check). Computed once per
 * tree, for the canonical member rows and {@link membersById} alike.
 */
export function rowsById(g: Genealogy): Int32Array | undefined {
  return sortedOf(g).rows;
}

/** @internal Member indices in ascending id order, computed once per tree: the order of statements. */
export function membersById(g: Genealogy): Int32Array {
  const sorted = sortedOf(g);
  sorted.members ??= throughRows(sorted.rows, g.memberOfRow);
  return sorted.members;
}

/**
 * Builds the sponsor tree from validated member rows, or returns every structural issue: duplicate ids,
 * unknown sponsors, no root or several roots, sponsor cycles. Paths are `[source, rowIndex, field]`.
 * The placement tree is built too when some row has a `placementId`, unless `placement` is false (the
 * placement helpers read a partial placement themselves).
 */
export function buildGenealogy(rows: readonly MemberRow[], source = "members", placement = true): { genealogy?: Genealogy; issues: Issue[] } {
  const issues: Issue[] = [];
  const n = rows.length;
  const indexOf = new Map<string, number>();
  const ids: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as MemberRow;
    ids[i] = row.id;
    const prev = indexOf.get(row.id);
    if (prev !== undefined) {
      issues.push(located(row, issue("MEMBER_DUPLICATE_ID", [source, i, "id"], `member id "${row.id}" also appears at row ${rowLabel(rows[prev] as MemberRow, prev)}`, row.id)));
    } else indexOf.set(row.id, i);
  }
  if (issues.length > 0) return { issues };

  const parent = new Int32Array(n);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows[i] as MemberRow;
    if (row.sponsorId === null) {
      parent[i] = -1;
      roots.push(i);
      continue;
    }
    const p = indexOf.get(row.sponsorId);
    if (p === undefined) {
      parent[i] = -1;
      issues.push(located(row, issue("MEMBER_UNKNOWN_SPONSOR", [source, i, "sponsorId"], `sponsor "${row.sponsorId}" of member "${row.id}" is not a member`, row.sponsorId)));
    } else if (p === i) {
      parent[i] = -1;
      issues.push(located(row, issue("MEMBER_SPONSOR_CYCLE", [source, i, "sponsorId"], `member "${row.id}" sponsors itself`, row.sponsorId)));
    } else parent[i] = p;
  }
  if (issues.length > 0) return { issues };
  if (n > 0 && roots.length === 0) {
    issues.push(issue("MEMBER_NO_ROOT", [source], "every member has a sponsor, so the sponsor tree has no root (exactly one member must have no sponsor)"));
    return { issues };
  }
  if (roots.length > 1) {
    const first = rows[roots[0] as number] as MemberRow;
    for (const r of roots.slice(1)) {
      const row = rows[r] as MemberRow;
      issues.push(located(row, issue("MEMBER_MULTIPLE_ROOTS", [source, r, "sponsorId"], `member "${row.id}" has no sponsor, but "${first.id}" is already the root; only one member may have no sponsor`, null)));
    }
    return { issues };
  }

  const tree = linkTree(parent, roots[0] ?? -1);
  if (tree.reached < n) {
    return { issues: cycleIssues(rows, parent, tree.order.subarray(0, tree.reached), source, SPONSOR_LINKS) };
  }
  const status = new Uint8Array(n);
  const joinDate: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as MemberRow;
    status[i] = MEMBER_STATUSES.indexOf(row.status);
    joinDate[i] = row.joinDate;
  }
  const genealogy = numberTopDown({ ids, indexOf, parent, status, joinDate, givenRanks: givenRanksOf(rows) }, tree);
  if (!placement || !rows.some((r) => r.placementId !== undefined)) return { genealogy, issues };
  const placed = buildPlacement(rows, indexOf, roots[0] as number, genealogy, source);
  if (placed.tree === undefined) return { issues: placed.issues };
  return { genealogy: { ...genealogy, placement: placed.tree }, issues };
}

/**
 * The placement tree of validated member rows whose sponsor tree `g` is built, or every placement issue:
 * a member other than the root without a placement, the root placed under someone, an unknown placement
 * parent, two members on one position, placement cycles. Paths are `[source, rowIndex, field]`.
 */
function buildPlacement(rows: readonly MemberRow[], indexOf: IdIndex, root: number, g: Genealogy, source: string): { tree?: PlacementTree; issues: Issue[] } {
  const issues: Issue[] = [];
  const n = rows.length;
  // In input rows first, as the issues speak of rows: the placement parent's row (-1 none) and the leg.
  const parentRow = new Int32Array(n).fill(-1);
  const legRow = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const row = rows[r] as MemberRow;
    const at = row.placementId;
    if (r === root) {
      if (at !== undefined) issues.push(located(row, issue("PLACEMENT_ROOT", [source, r, "placementId"], `member "${row.id}" has no sponsor, so it is the root of the placement tree too and is placed under no one; leave its placementId and leg empty`, at)));
      continue;
    }
    if (at === undefined) {
      issues.push(located(row, issue("PLACEMENT_MISSING", [source, r, "placementId"], `member "${row.id}" has no placementId, but the input has a placement tree: every member but the root is placed under someone`)));
      continue;
    }
    const p = indexOf.get(at);
    if (p === undefined) issues.push(located(row, issue("PLACEMENT_UNKNOWN_PARENT", [source, r, "placementId"], `placement parent "${at}" of member "${row.id}" is not a member`, at)));
    else if (p === r) issues.push(located(row, issue("PLACEMENT_CYCLE", [source, r, "placementId"], `member "${row.id}" is placed under itself`, at)));
    else {
      parentRow[r] = p;
      legRow[r] = row.leg ?? 0;
    }
  }
  if (issues.length > 0) return { issues };
  const linked = linkPlacement(g, parentRow, legRow);
  if (linked.tree !== undefined) {
    const file = rows[0]?.file;
    if (file === undefined) return { tree: linked.tree, issues };
    const line = Int32Array.from(rows, (row) => row.line ?? 0);
    return { tree: { ...linked.tree, file, line }, issues };
  }
  for (const r of linked.taken) {
    const row = rows[r] as MemberRow;
    const other = rows[linked.holder[r] as number] as MemberRow;
    const parentId = (rows[parentRow[r] as number] as MemberRow).id;
    issues.push(located(row, issue("PLACEMENT_POSITION_TAKEN", [source, r, "leg"], `member "${row.id}" is placed on leg ${legName(legRow[r] as number)} of "${parentId}", the position of "${other.id}" (row ${rowLabel(other, linked.holder[r] as number)}); each position holds one member`, legRow[r])));
  }
  if (issues.length > 0) return { issues };
  return { issues: cycleIssues(rows, parentRow, linked.reachedRows, source, PLACEMENT_LINKS) };
}

/** @internal How a leg position is named in messages: 1 (L), 2 (R), 3, … */
export function legName(leg: number): string {
  return leg === 1 ? "1 (L)" : leg === 2 ? "2 (R)" : String(leg);
}

/**
 * @internal Links a placement tree over the members of `g` from each input row's placement parent row
 * (`parentRow`, -1 for the root) and leg position. Linear: the members are bucketed by leg once, so every
 * member's children come out in leg order. Returns the tree, or the rows placed on a taken position (each
 * with the row `holder` that holds it) and, when there are none, the rows the walk from the root reached
 * (fewer than all: some sit on or below a placement cycle).
 */
export function linkPlacement(g: Genealogy, parentRow: Int32Array, legRow: Int32Array): { tree?: PlacementTree; taken: number[]; holder: Int32Array; reachedRows: Int32Array } {
  const n = g.size;
  const { row, memberOfRow } = g;
  const parent = new Int32Array(n);
  const leg = new Int32Array(n);
  let widest = 0;
  for (let m = 0; m < n; m++) {
    const r = row[m] as number;
    const p = parentRow[r] as number;
    parent[m] = p < 0 ? -1 : (memberOfRow[p] as number);
    const l = legRow[r] as number;
    leg[m] = l;
    if (l > widest) widest = l;
  }
  // Members by leg (counting sort, stable in member order): children are filled, and so listed, by leg.
  const start = new Int32Array(widest + 2);
  for (let m = 0; m < n; m++) start[(leg[m] as number) + 1] = (start[(leg[m] as number) + 1] as number) + 1;
  for (let l = 0; l <= widest; l++) start[l + 1] = (start[l + 1] as number) + (start[l] as number);
  const byLeg = new Int32Array(n);
  for (let m = 0; m < n; m++) {
    const l = leg[m] as number;
    byLeg[start[l] as number] = m;
    start[l] = (start[l] as number) + 1;
  }
  const tree = linkTree(parent, g.root, byLeg);
  // Within a parent's children (in leg order) a taken position shows as two equal legs side by side.
  const taken: number[] = [];
  const holder = new Int32Array(0);
  const holders: number[] = [];
  for (let m = 0; m < n; m++) {
    for (let c = (tree.childStart[m] as number) + 1, end = tree.childStart[m + 1] as number; c < end; c++) {
      const a = tree.childList[c - 1] as number;
      const b = tree.childList[c] as number;
      if (leg[a] === leg[b]) {
        taken.push(row[b] as number);
        holders.push(row[a] as number);
      }
    }
  }
  if (taken.length > 0) {
    const h = new Int32Array(n);
    taken.forEach((r, k) => (h[r] = holders[k] as number));
    taken.sort((x, y) => x - y);
    return { taken, holder: h, reachedRows: new Int32Array(0) };
  }
  if (tree.reached < n) {
    const reachedRows = Int32Array.from(tree.order.subarray(0, tree.reached), (m) => row[m] as number);
    return { taken, holder, reachedRows };
  }
  const { childStart, childList, order, depth } = tree;
  return { tree: { parent, order, depth, childStart, childList, root: g.root, leg, widest }, taken, holder, reachedRows: new Int32Array(0) };
}

/** @internal Which links a cycle is made of: its issue code, the field and the words of the message. */
export interface Links {
  readonly code: "MEMBER_SPONSOR_CYCLE" | "PLACEMENT_CYCLE";
  readonly field: "sponsorId" | "placementId";
  readonly words: string;
}
const SPONSOR_LINKS: Links = { code: "MEMBER_SPONSOR_CYCLE", field: "sponsorId", words: "sponsor links" };
/** @internal The links of the placement tree, for {@link cycleIssues}. */
export const PLACEMENT_LINKS: Links = { code: "PLACEMENT_CYCLE", field: "placementId", words: "placement links" };

/**
 * @internal One issue per cycle of `parent` links (rows, -1 for none), naming every member on it; the rows
 * in `reached` are known to be on no cycle.
 */
export function cycleIssues(rows: readonly MemberRow[], parent: Int32Array, reached: Int32Array, source: string, links: Links): Issue[] {
  const n = parent.length;
  // 0 unvisited, 1 on the current path, 2 done.
  const state = new Uint8Array(n);
  for (const r of reached) state[r] = 2;
  const out: Issue[] = [];
  for (let start = 0; start < n; start++) {
    if (state[start] !== 0) continue;
    const path: number[] = [];
    let m = start;
    while (m >= 0 && state[m] === 0) {
      state[m] = 1;
      path.push(m);
      m = parent[m] as number;
    }
    if (m >= 0 && state[m] === 1) {
      const cycle = path.slice(path.indexOf(m));
      // A loop, not Math.min(...cycle): a cycle of 130,000 members would overflow the stack.
      let first = m;
      for (const i of cycle) if (i < first) first = i;
      const members = cycle.map((i) => (rows[i] as MemberRow).id);
      const row = rows[first] as MemberRow;
      out.push(located(row, issue(links.code, [source, first, links.field], `${links.words} form a cycle: ${cycleText(members)}`, members)));
    }
    for (const p of path) state[p] = 2;
  }
  return out;
}

/** Most members of a cycle named in its message; a longer cycle is shown by its ends and its length. */
const CYCLE_SHOWN = 10;

/** "A → B → C → A", or for a long cycle its first and last members and how many there are. */
function cycleText(members: readonly string[]): string {
  if (members.length <= CYCLE_SHOWN) return `${members.join(" → ")} → ${members[0]}`;
  const head = members.slice(0, CYCLE_SHOWN - 2).join(" → ");
  const tail = members.slice(-2).join(" → ");
  return `${head} → … (${(members.length - CYCLE_SHOWN).toLocaleString("en-US")} more) → ${tail} → ${members[0]} (${members.length.toLocaleString("en-US")} members)`;
}

/** @internal A row as messages name it: its file line when it has one, else its index. */
export function rowLabel(row: MemberRow, index: number): string {
  return row.line !== undefined ? `line ${row.line}` : String(index);
}

/** @internal An issue about a row, with the row's file and line when it has them. */
export function located(row: MemberRow, base: Issue): Issue {
  if (row.file === undefined) return base;
  return row.line !== undefined ? { ...base, file: row.file, line: row.line } : { ...base, file: row.file };
}

/**
 * @internal The children lists (CSR) and the breadth-first order and depths of a tree given by its parent
 * links. `reached` is how many members the walk from `root` reached: fewer than all means some sit on or
 * below a cycle. Each member's children are listed in index order, or in the order of `by` (a permutation
 * of the indices) when given.
 */
export function linkTree(parent: Int32Array, root: number, by?: Int32Array): { childStart: Int32Array; childList: Int32Array; order: Int32Array; depth: Int32Array; root: number; reached: number } {
  const n = parent.length;
  // Children in CSR form.
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const p = parent[i] as number;
    if (p >= 0) childStart[p + 1] = (childStart[p + 1] as number) + 1;
  }
  for (let i = 0; i < n; i++) childStart[i + 1] = (childStart[i + 1] as number) + (childStart[i] as number);
  const fill = childStart.slice(0, n);
  const childList = new Int32Array(Math.max(0, n - 1));
  for (let x = 0; x < n; x++) {
    const i = by === undefined ? x : (by[x] as number);
    const p = parent[i] as number;
    if (p >= 0) {
      const at = fill[p] as number;
      childList[at] = i;
      fill[p] = at + 1;
    }
  }
  // Breadth-first order from the root; members never reached sit on or below a sponsor cycle.
  const order = new Int32Array(n);
  const depth = new Int32Array(n);
  let head = 0;
  let tail = 0;
  if (root >= 0) order[tail++] = root;
  while (head < tail) {
    const m = order[head++] as number;
    const d = (depth[m] as number) + 1;
    for (let c = childStart[m] as number, end = childStart[m + 1] as number; c < end; c++) {
      const child = childList[c] as number;
      depth[child] = d;
      order[tail++] = child;
    }
  }
  return { childStart, childList, order, depth, root, reached: tail };
}
