/**
 * Plan changes as data (a "reform"): a change set is a list of operations applied, in order, to a copy of
 * a plan, and the result is validated again exactly like a plan file. The original plan is never touched.
 *
 * Operations: `set` a value at a path, `unset` a key or list element, `addRank` / `removeRank`,
 * `addBonus` / `removeBonus`. Paths are described in ./path.ts. `set` and `unset` accept a `from` date
 * for plans with dated values; plan language v1 has none, so a `from` date is rejected with
 * `CHANGE_DATED_UNSUPPORTED` rather than silently ignored.
 */
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { CompplanError, type Issue, type PathSegment, type Result, issue } from "../errors/issues.js";
import { nameHint } from "../errors/suggest.js";
import { CR_ONLY_MESSAGE, type Plan, crOnlyLineEnds, locate, safeParsePlan, syntaxMessage } from "../plan/parse.js";
import { type ChangePath, type ChangePathSegment, checkSegments, formatChangePath, parseChangePath } from "./path.js";

/** Set the value at `set` (a path) to `value`. A list index equal to the list's length appends. */
export interface SetChange {
  readonly set: ChangePath;
  /** Any plan value: decimal strings for rates and amounts, integers for counts, objects for whole entries. */
  readonly value: unknown;
  /** Effective date (YYYY-MM-DD), for plans with dated values; rejected while plans have none. */
  readonly from?: string;
}

/** Remove the key or list element at `unset` (a path). */
export interface UnsetChange {
  readonly unset: ChangePath;
  /** Effective date (YYYY-MM-DD), for plans with dated values; rejected while plans have none. */
  readonly from?: string;
}

/** Insert a rank into the ladder: after or before a named rank, or at the top when neither is given. */
export interface AddRankChange {
  /** The rank, as written in a plan's `ranks` list. */
  readonly addRank: { readonly name: string } & Readonly<Record<string, unknown>>;
  readonly after?: string;
  readonly before?: string;
}

/** Remove a rank by name. Entries that name it (schedule rows, amounts, leg requirements) must go too. */
export interface RemoveRankChange {
  readonly removeRank: string;
}

/** Insert a bonus: after or before a bonus named by key, or last when neither is given. */
export interface AddBonusChange {
  /** The bonus entry, as written in a plan's `bonuses` list. */
  readonly addBonus: { readonly key: string; readonly kind: string } & Readonly<Record<string, unknown>>;
  readonly after?: string;
  readonly before?: string;
}

/** Remove a bonus by key. */
export interface RemoveBonusChange {
  readonly removeBonus: string;
}

/** One operation of a change set. */
export type ChangeOp = SetChange | UnsetChange | AddRankChange | RemoveRankChange | AddBonusChange | RemoveBonusChange;

/**
 * A change set: operations applied in order to a copy of a plan. An empty list changes nothing.
 *
 * ```yaml
 * compplanChange: 1
 * description: Level 3 pays 5% instead of 4%
 * changes:
 *   - set: bonuses[key=unilevel].schedule[rank=Associate].rates[2]
 *     value: "0.05"
 * ```
 */
export interface ChangeSet {
  /** Version of the change-set format; 1 when given. */
  readonly compplanChange?: 1;
  /** What the change is, for people; shown in the report. */
  readonly description?: string;
  readonly changes: readonly ChangeOp[];
}

/** Options for {@link safeParseChangeSet} and {@link safeApplyChangeSet}. */
export interface ChangeSetOptions {
  /** The change-set file name, attached to issues so they can be located. */
  readonly fileName?: string;
}

const OPS = ["set", "unset", "addRank", "removeRank", "addBonus", "removeBonus"] as const;
type OpName = (typeof OPS)[number];
const CHANGES_MAX = 1000;

const pathSchema = z.union([z.string(), z.array(z.unknown())]);
const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date written YYYY-MM-DD");
const nameSchema = z.string().min(1).max(200);
const positioned = { after: nameSchema.optional(), before: nameSchema.optional() };

const OP_SCHEMAS: Record<OpName, z.ZodType> = {
  set: z.strictObject({ set: pathSchema, value: z.unknown(), from: dateSchema.optional() }),
  unset: z.strictObject({ unset: pathSchema, from: dateSchema.optional() }),
  addRank: z.strictObject({ addRank: z.looseObject({ name: nameSchema }), ...positioned }),
  removeRank: z.strictObject({ removeRank: nameSchema }),
  addBonus: z.strictObject({ addBonus: z.looseObject({ key: nameSchema, kind: nameSchema }), ...positioned }),
  removeBonus: z.strictObject({ removeBonus: nameSchema }),
};

const changeSetSchema = z.strictObject({
  compplanChange: z.literal(1).optional(),
  description: z.string().max(5000).optional(),
  changes: z.array(z.unknown()).max(CHANGES_MAX),
});

/**
 * Validates a change set (YAML or JSON text, or an object) and returns it, or the issues that make it
 * invalid. Paths are checked for syntax here; whether they exist in a plan is checked when applied.
 *
 * @param input - change-set text (YAML or JSON) or an object
 * @param options - `fileName` is attached to issues
 * @returns `{ ok: true, value }` or `{ ok: false, issues }` with codes `CHANGE_SYNTAX`, `CHANGE_INVALID`,
 *   `CHANGE_PATH_SYNTAX`
 * @example
 * ```ts
 * const r = safeParseChangeSet('changes:\n  - set: money.rounding.mode\n    value: half-up\n');
 * if (r.ok) console.log(r.value.changes.length); // 1
 * ```
 */
export function safeParseChangeSet(input: unknown, options: ChangeSetOptions = {}): Result<ChangeSet> {
  let located: Located | undefined = typeof input === "object" && input !== null ? LOCATED.get(input) : undefined;
  const attach = (list: readonly Issue[]): Issue[] => list.map((i) => locatedIssue(i, located, options.fileName));
  let data: unknown = input;
  if (typeof input === "string") {
    const text = readText(input);
    if (text.issues.length > 0) return { ok: false, issues: attach(text.issues) };
    data = text.data;
    located = text.located;
  }
  const top = changeSetSchema.safeParse(data, { reportInput: true });
  if (!top.success) return { ok: false, issues: attach(mapIssues(top.error.issues, [], Object.keys(changeSetSchema.shape))) };
  const issues: Issue[] = [];
  top.data.changes.forEach((raw, i) => issues.push(...checkOp(raw, ["changes", i])));
  if (issues.length > 0) return { ok: false, issues: attach(issues) };
  if (located !== undefined) LOCATED.set(top.data, located);
  return { ok: true, value: top.data as ChangeSet };
}

/** A change set's parsed text, for the line and column of issues about its operations. */
type Located = Parameters<typeof locate>[0];

/** Change sets read from text, with their text's nodes: applying one locates its issues in the text. */
const LOCATED = new WeakMap<object, Located>();

/** An issue about the change set with its line and column (when read from text) and file name. */
function locatedIssue(i: Issue, located: Located | undefined, fileName: string | undefined): Issue {
  const at = located !== undefined && i.line === undefined && i.code.startsWith("CHANGE_") ? locate(located, i) : {};
  return { ...i, ...at, ...(fileName !== undefined ? { file: fileName } : {}) };
}

/**
 * Validates a change set; throws {@link CompplanError} listing every issue when it is invalid.
 * See {@link safeParseChangeSet}.
 *
 * @param input - change-set text (YAML or JSON) or an object
 * @param options - `fileName` is attached to issues
 * @returns the change set
 * @throws CompplanError with `CHANGE_*` issues
 * @example
 * ```ts
 * const change = parseChangeSet(readFileSync("raise-level-3.yaml", "utf8"));
 * ```
 */
export function parseChangeSet(input: unknown, options: ChangeSetOptions = {}): ChangeSet {
  const r = safeParseChangeSet(input, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

/**
 * Applies a change set to a copy of a plan and validates the result as a plan. The given plan is not
 * modified. Every operation is tried; if any fails, or the changed plan is invalid, nothing is returned.
 *
 * @param plan - a plan from {@link parsePlan}
 * @param change - a change set (validated again here, so a literal object may be passed)
 * @param options - `fileName` (of the change set) is attached to issues about its operations
 * @returns `{ ok: true, value: changedPlan }` or `{ ok: false, issues }`: `CHANGE_*` issues with paths
 *   into the change set (`["changes", 0, "set"]`), or `PLAN_*` issues with paths into the changed plan
 * @example
 * ```ts
 * const r = safeApplyChangeSet(plan, { changes: [{ set: "bonuses[key=unilevel].schedule[0].rates[1]", value: "0.06" }] });
 * if (!r.ok) for (const i of r.issues) console.error(formatIssue(i));
 * ```
 */
export function safeApplyChangeSet(plan: Plan, change: ChangeSet, options: ChangeSetOptions = {}): Result<Plan> {
  const parsed = safeParseChangeSet(change, options);
  if (!parsed.ok) return parsed;
  const located = LOCATED.get(parsed.value);
  const draft = structuredClone(plan) as unknown as Draft;
  const issues: Issue[] = [];
  parsed.value.changes.forEach((op, i) => {
    const problem = applyOp(draft, op, ["changes", i]);
    if (problem !== undefined) issues.push(locatedIssue(problem, located, options.fileName));
  });
  if (issues.length > 0) return { ok: false, issues };
  const revalidated = safeParsePlan(draft);
  if (!revalidated.ok) {
    return { ok: false, issues: revalidated.issues.map((i) => ({ ...i, message: `in the plan after the change set: ${i.message}` })) };
  }
  return revalidated;
}

/**
 * Applies a change set to a copy of a plan; throws {@link CompplanError} when an operation fails or the
 * changed plan is invalid. See {@link safeApplyChangeSet}.
 *
 * @param plan - a plan from {@link parsePlan}
 * @param change - a change set
 * @returns the changed plan, validated
 * @throws CompplanError with `CHANGE_*` or `PLAN_*` issues
 * @example
 * ```ts
 * const raised = applyChangeSet(plan, { changes: [{ removeBonus: "retail" }] });
 * ```
 */
export function applyChangeSet(plan: Plan, change: ChangeSet, options: ChangeSetOptions = {}): Plan {
  const r = safeApplyChangeSet(plan, change, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

/** @internal The steps of a validated change's path. */
export function pathSegments(path: ChangePath): ChangePathSegment[] {
  const r = typeof path === "string" ? parseChangePath(path) : checkSegments(path);
  if ("error" in r) throw new CompplanError([issue("CHANGE_PATH_SYNTAX", [], r.error, path)]);
  return r.segments;
}

/** @internal The value at a path of a plan, or undefined when the path leads nowhere. */
export function valueAt(plan: Plan, path: ChangePath): unknown {
  const r = typeof path === "string" ? parseChangePath(path) : checkSegments(path);
  if ("error" in r) return undefined;
  const walked = walk(plan as unknown as Draft, r.segments, []);
  if ("issue" in walked) return undefined;
  const container = walked.container;
  const last = r.segments[r.segments.length - 1] as ChangePathSegment;
  if (Array.isArray(container)) {
    const i = pick(container, last, "", []);
    return typeof i === "number" ? container[i] : undefined;
  }
  return typeof last === "string" && Object.hasOwn(container, last) ? container[last] : undefined;
}

function checkOp(raw: unknown, at: PathSegment[]): Issue[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return [issue("CHANGE_INVALID", at, `a change is a mapping with one of ${OPS.join(", ")}`, raw)];
  }
  const present = OPS.filter((k) => Object.hasOwn(raw, k));
  if (present.length !== 1) {
    const what = present.length === 0 ? "none" : present.join(" and ");
    const near = present.length === 0 ? Object.keys(raw).map((k) => ({ k, hint: nameHint(k, OPS, "operations") })).find((x) => x.hint.includes("did you mean")) : undefined;
    if (near !== undefined) return [issue("CHANGE_INVALID", [...at, near.k], `unknown operation "${near.k}"${near.hint}`, near.k)];
    return [issue("CHANGE_INVALID", at, `a change has exactly one of ${OPS.join(", ")} (this one has ${what})`, Object.keys(raw))];
  }
  const op = present[0] as OpName;
  const r = OP_SCHEMAS[op].safeParse(raw, { reportInput: true });
  if (!r.success) return mapIssues(r.error.issues, at, Object.keys((OP_SCHEMAS[op] as z.ZodObject).shape));
  const issues: Issue[] = [];
  if (op === "set" && !("value" in raw)) issues.push(issue("CHANGE_INVALID", [...at, "value"], "a set change needs a value"));
  if ("after" in raw && "before" in raw) issues.push(issue("CHANGE_INVALID", [...at, "before"], "give after or before, not both"));
  if (op === "set" || op === "unset") {
    const path = (raw as Record<string, unknown>)[op] as ChangePath;
    const p = typeof path === "string" ? parseChangePath(path) : checkSegments(path);
    if ("error" in p) issues.push(issue("CHANGE_PATH_SYNTAX", [...at, op], p.error, path));
  }
  return issues;
}

function mapIssues(zodIssues: readonly z.core.$ZodIssue[], prefix: readonly PathSegment[], known: readonly string[]): Issue[] {
  const out: Issue[] = [];
  for (const zi of zodIssues) {
    const path = [...prefix, ...(zi.path as PathSegment[])];
    const input = (zi as { input?: unknown }).input;
    if (zi.code === "unrecognized_keys") {
      for (const key of zi.keys) out.push(issue("CHANGE_INVALID", [...path, key], `unknown key "${key}"${zi.path.length === 0 ? nameHint(key, known, "keys") : ""}`, key));
    } else if (zi.code === "invalid_type" && input === undefined) {
      out.push(issue("CHANGE_INVALID", path, `required (${zi.expected})`));
    } else {
      out.push("input" in zi ? issue("CHANGE_INVALID", path, zi.message, input) : issue("CHANGE_INVALID", path, zi.message));
    }
  }
  return out;
}

function readText(text: string): { data?: unknown; issues: Issue[]; located?: Located } {
  if (text.trim() === "") return { issues: [issue("CHANGE_SYNTAX", [], "the change set is empty")] };
  if (crOnlyLineEnds(text)) return { issues: [{ ...issue("CHANGE_SYNTAX", [], CR_ONLY_MESSAGE), line: 1 }] };
  const lines = new LineCounter();
  try {
    const doc = parseDocument(text, { prettyErrors: true, strict: true, lineCounter: lines });
    if (doc.errors.length > 0) {
      return {
        issues: doc.errors.map((e) => {
          const pos = e.linePos?.[0];
          return { ...issue("CHANGE_SYNTAX", [], syntaxMessage(e.message)), ...(pos !== undefined ? { line: pos.line, column: pos.col } : {}) };
        }),
      };
    }
    return { data: doc.toJS({ maxAliasCount: 100 }), issues: [], located: { doc, lines } };
  } catch (e) {
    return { issues: [issue("CHANGE_SYNTAX", [], `cannot read the change set: ${(e as Error).message}`)] };
  }
}

/** A copy of a change's value, or why it cannot be copied (nested too deep, or a function or symbol in it). */
function copyValue(value: unknown, at: PathSegment[]): { copy: unknown } | { issue: Issue } {
  try {
    return { copy: structuredClone(value) };
  } catch {
    return { issue: issue("CHANGE_INVALID", at, "the value cannot be copied into a plan: it is nested too deep or holds something other than plain data", value) };
  }
}

/** A mutable copy of a plan, as plain data. */
type Draft = Record<string, unknown>;
type Container = Record<string, unknown> | unknown[];

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Applies one validated operation to the draft; returns the issue when it cannot be applied. */
function applyOp(draft: Draft, op: ChangeOp, at: PathSegment[]): Issue | undefined {
  if ("from" in op && op.from !== undefined) {
    return issue("CHANGE_DATED_UNSUPPORTED", [...at, "from"], "plan language v1 has no dated values, so a change cannot take effect from a date; run the changed plan for the periods it applies to", op.from);
  }
  if ("set" in op) {
    const value = copyValue(op.value, [...at, "value"]);
    return "issue" in value ? value.issue : setAt(draft, pathSegments(op.set), value.copy, [...at, "set"]);
  }
  if ("unset" in op) return unsetAt(draft, pathSegments(op.unset), [...at, "unset"]);
  if ("addRank" in op) return insertNamed(draft, "ranks", "name", structuredClone(op.addRank), op, at);
  if ("addBonus" in op) return insertNamed(draft, "bonuses", "key", structuredClone(op.addBonus), op, at);
  if ("removeRank" in op) return removeNamed(draft, "ranks", "name", op.removeRank, [...at, "removeRank"]);
  return removeNamed(draft, "bonuses", "key", op.removeBonus, [...at, "removeBonus"]);
}

/** ` (did you mean "Gold"? names: Bronze, Gold)` for a name not among the list's elements' `field`. */
function namesOf(list: unknown[], field: string, name: string): string {
  const names = list.map((e) => (isMapping(e) ? String(e[field]) : "?"));
  return names.length === 0 ? " (there are none)" : nameHint(name, names, `${field}s`);
}

function insertNamed(draft: Draft, listKey: "ranks" | "bonuses", field: string, entry: unknown, op: { readonly after?: string; readonly before?: string }, at: PathSegment[]): Issue | undefined {
  if (!Array.isArray(draft[listKey])) draft[listKey] = [];
  const list = draft[listKey] as unknown[];
  const target = op.after ?? op.before;
  if (target === undefined) {
    list.push(entry);
    return undefined;
  }
  const index = list.findIndex((e) => isMapping(e) && e[field] === target);
  if (index < 0) {
    const where = op.after !== undefined ? "after" : "before";
    return issue("CHANGE_NOT_FOUND", [...at, where], `the plan has no ${listKey === "ranks" ? "rank" : "bonus"} "${target}"${namesOf(list, field, target)}`, target);
  }
  list.splice(op.after !== undefined ? index + 1 : index, 0, entry);
  return undefined;
}

function removeNamed(draft: Draft, listKey: "ranks" | "bonuses", field: string, name: string, at: PathSegment[]): Issue | undefined {
  const list = Array.isArray(draft[listKey]) ? (draft[listKey] as unknown[]) : [];
  const index = list.findIndex((e) => isMapping(e) && e[field] === name);
  if (index < 0) return issue("CHANGE_NOT_FOUND", at, `the plan has no ${listKey === "ranks" ? "rank" : "bonus"} "${name}"${namesOf(list, field, name)}`, name);
  list.splice(index, 1);
  return undefined;
}

/** The index in `list` that a step picks, or the reason it picks none. */
function pick(list: unknown[], step: ChangePathSegment, shown: string, at: PathSegment[]): number | Issue {
  if (typeof step === "number") {
    if (step < list.length) return step;
    return issue("CHANGE_NOT_FOUND", at, `${shown}: index ${step} is past the end of a list of ${list.length}`, step);
  }
  if (typeof step === "string") {
    return issue("CHANGE_NOT_FOUND", at, `${shown}: this is a list; pick an element with [index] or [field=value], not .${step}`, step);
  }
  const [field, value] = Object.entries(step)[0] as [string, string];
  const hits: number[] = [];
  list.forEach((e, i) => {
    if (isMapping(e) && Object.hasOwn(e, field) && e[field] !== undefined && e[field] !== null && typeof e[field] !== "object" && String(e[field]) === value) hits.push(i);
  });
  if (hits.length === 1) return hits[0] as number;
  if (hits.length > 1) return issue("CHANGE_AMBIGUOUS", at, `${shown}: ${hits.length} elements have ${field} = "${value}" (at ${hits.join(", ")}); use an index`, value);
  const known = list.filter(isMapping).filter((e) => Object.hasOwn(e, field)).map((e) => e[field]).filter((v) => v !== undefined && typeof v !== "object");
  const listed = known.length > 0 ? nameHint(value, known.map(String), "values present") : ` (no element has ${field})`;
  return issue("CHANGE_NOT_FOUND", at, `${shown}: no element has ${field} = "${value}"${listed}`, value);
}

/** Walks all steps but the last; returns the container the last step applies to, or why there is none. */
function walk(draft: Draft, steps: readonly ChangePathSegment[], at: PathSegment[]): { container: Container } | { issue: Issue } {
  let node: unknown = draft;
  for (let s = 0; s < steps.length - 1; s++) {
    const step = steps[s] as ChangePathSegment;
    const shown = formatChangePath(steps.slice(0, s + 1));
    if (Array.isArray(node)) {
      const i = pick(node, step, shown, at);
      if (typeof i !== "number") return { issue: i };
      node = node[i];
    } else if (isMapping(node)) {
      if (typeof step !== "string") return { issue: issue("CHANGE_NOT_FOUND", at, `${shown}: ${formatChangePath(steps.slice(0, s)) || "the plan"} is a mapping, not a list`, formatChangePath(steps)) };
      if (!Object.hasOwn(node, step)) return { issue: issue("CHANGE_NOT_FOUND", at, `${shown}: the plan has nothing here${nameHint(step, Object.keys(node), "keys")}`, formatChangePath(steps)) };
      node = node[step];
    } else {
      return { issue: issue("CHANGE_NOT_FOUND", at, `${shown}: ${formatChangePath(steps.slice(0, s))} is a single value, not a mapping or list`, formatChangePath(steps)) };
    }
  }
  if (!Array.isArray(node) && !isMapping(node)) {
    return { issue: issue("CHANGE_NOT_FOUND", at, `${formatChangePath(steps)}: ${formatChangePath(steps.slice(0, -1))} is a single value, not a mapping or list`, formatChangePath(steps)) };
  }
  return { container: node };
}

function setAt(draft: Draft, steps: readonly ChangePathSegment[], value: unknown, at: PathSegment[]): Issue | undefined {
  const walked = walk(draft, steps, at);
  if ("issue" in walked) return walked.issue;
  const container = walked.container;
  const last = steps[steps.length - 1] as ChangePathSegment;
  const shown = formatChangePath(steps);
  if (Array.isArray(container)) {
    if (typeof last === "number" && last === container.length) {
      container.push(value);
      return undefined;
    }
    const i = pick(container, last, shown, at);
    if (typeof i !== "number") return i;
    container[i] = value;
    return undefined;
  }
  if (typeof last !== "string") return issue("CHANGE_NOT_FOUND", at, `${shown}: ${formatChangePath(steps.slice(0, -1))} is a mapping, not a list`, shown);
  // An own property even for "__proto__" (plain assignment would set the prototype and drop the change);
  // the changed plan is validated afterwards like any other.
  Object.defineProperty(container, last, { value, writable: true, enumerable: true, configurable: true });
  return undefined;
}

function unsetAt(draft: Draft, steps: readonly ChangePathSegment[], at: PathSegment[]): Issue | undefined {
  const walked = walk(draft, steps, at);
  if ("issue" in walked) return walked.issue;
  const container = walked.container;
  const last = steps[steps.length - 1] as ChangePathSegment;
  const shown = formatChangePath(steps);
  if (Array.isArray(container)) {
    const i = pick(container, last, shown, at);
    if (typeof i !== "number") return i;
    container.splice(i, 1);
    return undefined;
  }
  if (typeof last !== "string") return issue("CHANGE_NOT_FOUND", at, `${shown}: ${formatChangePath(steps.slice(0, -1))} is a mapping, not a list`, shown);
  if (!Object.hasOwn(container, last)) return issue("CHANGE_NOT_FOUND", at, `${shown}: there is no ${last} to remove`, shown);
  delete container[last];
  return undefined;
}
