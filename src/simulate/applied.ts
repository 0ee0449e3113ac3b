/**
 * What a comparison changed, for people: the operations of a change set with the value each replaced, or,
 * when two whole plans are compared, every value in which their validated forms differ. This is the "what
 * changed" list of diff.json (`applied`) and of the report.
 */
import { canonicalPlan } from "../audit/fingerprint.js";
import type { Plan } from "../plan/parse.js";
import { type ChangeOp, type ChangeSet, pathSegments, valueAt } from "./change.js";
import { type ChangePathSegment, formatChangePath } from "./path.js";

/**
 * One change: where, and the value before and after. `before` is absent when the base plan had nothing
 * there (a key or entry added), `after` when the change removes it.
 */
export interface AppliedChange {
  /**
   * For a change set, the operation (`set`, `unset`, `addRank`, `removeRank`, `addBonus`, `removeBonus`).
   * For two plans, `changed`, `added` (only the changed plan has it), `removed` (only the base plan has it)
   * or `reordered` (a list of ranks or bonuses in another order: before and after are the names in order).
   */
  readonly op: "set" | "unset" | "addRank" | "removeRank" | "addBonus" | "removeBonus" | "changed" | "added" | "removed" | "reordered";
  /** The path, written as in a change set (`bonuses[key=unilevel].schedule[rank=Gold].rates[2]`). */
  readonly path: string;
  /** The value in the base plan (as validated: decimals as written there, defaults filled in). */
  readonly before?: unknown;
  /** The value the change set sets, or the value in the changed plan. */
  readonly after?: unknown;
}

/** The changes a comparison made: a change set's operations, or the differences between two plans. */
export interface AppliedChanges {
  /** `change-set`: a change set was applied to the base plan. `plan`: a second, whole plan was compared. */
  readonly source: "change-set" | "plan";
  /** How many operations or differences there are in all. */
  readonly count: number;
  /** The operations in order, or the differences in plan order; at most 200. */
  readonly list: readonly AppliedChange[];
}

/** The most changes `applied.list` holds; `applied.count` counts them all. */
const APPLIED_LIST_MAX = 200;

/** @internal The operations of a (valid) change set, each with the value the base plan had where it applies. */
export function describeChangeSet(base: Plan, change: ChangeSet): AppliedChanges {
  const list = change.changes.slice(0, APPLIED_LIST_MAX).map((op) => describeOp(base, op));
  return { source: "change-set", count: change.changes.length, list };
}

function describeOp(base: Plan, op: ChangeOp): AppliedChange {
  const entry = (o: AppliedChange["op"], path: string, after?: unknown): AppliedChange => {
    const before = valueAt(base, path);
    return { op: o, path, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
  };
  if ("set" in op) return entry("set", formatChangePath(pathSegments(op.set)), op.value);
  if ("unset" in op) return entry("unset", formatChangePath(pathSegments(op.unset)));
  if ("addRank" in op) return entry("addRank", formatChangePath(["ranks", { name: op.addRank.name }]), op.addRank);
  if ("addBonus" in op) return entry("addBonus", formatChangePath(["bonuses", { key: op.addBonus.key }]), op.addBonus);
  if ("removeRank" in op) return entry("removeRank", formatChangePath(["ranks", { name: op.removeRank }]));
  return entry("removeBonus", formatChangePath(["bonuses", { key: op.removeBonus }]));
}

/**
 * @internal Every value in which two validated plans differ, on their canonical forms (so "0.050" and "0.05"
 * are the same rate). Lists whose entries all carry a distinct `name`, `key` or `rank` (ranks, bonuses)
 * are matched by it, so inserting a rank shows as one added rank; other lists are matched by position.
 */
export function planDifferences(base: Plan, other: Plan): AppliedChanges {
  const out: AppliedChange[] = [];
  let count = 0;
  const add = (c: AppliedChange) => {
    count++;
    if (out.length < APPLIED_LIST_MAX) out.push(c);
  };
  compare(canonicalPlan(base), canonicalPlan(other), [], add);
  return { source: "plan", count, list: out };
}

type Add = (c: AppliedChange) => void;

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const IDENTITIES = ["name", "key", "rank"] as const;

function compare(x: unknown, y: unknown, at: ChangePathSegment[], add: Add): void {
  if (isMapping(x) && isMapping(y)) {
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
    for (const k of keys) presence(Object.hasOwn(x, k), x[k], Object.hasOwn(y, k), y[k], [...at, k], add);
    return;
  }
  if (Array.isArray(x) && Array.isArray(y)) {
    const field = IDENTITIES.find((f) => identified(x, f) && identified(y, f));
    if (field === undefined) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) presence(i < x.length, x[i], i < y.length, y[i], [...at, positionStep(x, y, i)], add);
      return;
    }
    const ids = (list: unknown[]) => list.map((e) => (e as Record<string, string>)[field] as string);
    const byId = (list: unknown[]) => new Map(list.map((e) => [(e as Record<string, string>)[field] as string, e]));
    const xs = byId(x);
    const ys = byId(y);
    for (const id of [...ids(x), ...ids(y).filter((i) => !xs.has(i))]) presence(xs.has(id), xs.get(id), ys.has(id), ys.get(id), [...at, { [field]: id }], add);
    const commonX = ids(x).filter((i) => ys.has(i));
    const commonY = ids(y).filter((i) => xs.has(i));
    if (commonX.join("\u0000") !== commonY.join("\u0000")) add({ op: "reordered", path: formatChangePath(at), before: ids(x), after: ids(y) });
    return;
  }
  if (JSON.stringify(x) !== JSON.stringify(y)) add({ op: "changed", path: formatChangePath(at), before: x, after: y });
}

/** Compares one entry of two containers, either of which may lack it. */
function presence(inX: boolean, vx: unknown, inY: boolean, vy: unknown, at: ChangePathSegment[], add: Add): void {
  if (inX && inY) compare(vx, vy, at, add);
  else if (inY) add({ op: "added", path: formatChangePath(at), after: vy });
  else add({ op: "removed", path: formatChangePath(at), before: vx });
}

/**
 * The step to element `i` of two lists matched by position: a selector (`schedule[rank=Gold]`) when both
 * elements carry the same identity that no other element of either list has, else the index.
 */
function positionStep(x: unknown[], y: unknown[], i: number): ChangePathSegment {
  const a = x[i];
  const b = y[i];
  for (const f of IDENTITIES) {
    if (!isMapping(a) || !isMapping(b) || typeof a[f] !== "string" || a[f] !== b[f]) continue;
    const unique = (list: unknown[]) => list.filter((e) => isMapping(e) && e[f] === a[f]).length === 1;
    if (unique(x) && unique(y)) return { [f]: a[f] as string };
  }
  return i;
}

/** True when every entry is a mapping with a distinct text `field`. */
function identified(list: unknown[], field: string): boolean {
  const seen = new Set<string>();
  for (const e of list) {
    if (!isMapping(e) || typeof e[field] !== "string" || seen.has(e[field])) return false;
    seen.add(e[field]);
  }
  return true;
}
