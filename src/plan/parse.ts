/**
 * Parsing a plan: text (YAML or JSON) or an object → a validated, frozen {@link Plan}, or coded issues.
 * Order of checks: syntax and duplicate keys; the plan schema; each bonus against its family's schema;
 * then names across the plan (measures, ranks, keys) and the rank ladder's consistency.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument } from "yaml";
import type { z } from "zod";
import { CompplanError, type Issue, type IssueCode, type PathSegment, type Result, issue } from "../errors/issues.js";
import { closestName, nameHint } from "../errors/suggest.js";
import { compareDecimal, parseUnits } from "../money/decimal.js";
import type { BonusConfig } from "../bonuses/registry.js";
import type { ColumnKind } from "../bonuses/family.js";
import { FAMILIES, familyFor, findFamily } from "../bonuses/lookup.js";
import { RANK_STEP, columnSource, orderPlanSteps } from "./steps.js";
import { planShellSchema } from "./schema.js";

/** The validated top level of a plan, before its bonus entries are typed by their families. */
type Shell = z.output<typeof planShellSchema>;

/** A validated compensation plan (plan language v1). Decimal values are strings, exactly as written. */
export type Plan = Readonly<Omit<Shell, "bonuses">> & { readonly bonuses: readonly BonusConfig[] };

/** Options for {@link parsePlan} and {@link safeParsePlan}. */
export interface ParsePlanOptions {
  /** The file name, attached to issues so they can be located. */
  readonly fileName?: string;
}

/**
 * Validates a plan and returns it, or the issues that make it invalid. Never throws on bad input.
 *
 * @param input - plan text (YAML or JSON) or an already-parsed object
 * @returns `{ ok: true, value: plan }` or `{ ok: false, issues }`; issue codes start with `PLAN_`
 * @example
 * ```ts
 * const r = safeParsePlan(readFileSync("plan.yaml", "utf8"), { fileName: "plan.yaml" });
 * if (!r.ok) for (const i of r.issues) console.error(formatIssue(i));
 * ```
 */
export function safeParsePlan(input: unknown, options: ParsePlanOptions = {}): Result<Plan> {
  let located: Located | undefined;
  const attach = (list: Issue[]): Issue[] =>
    list.map((i) => ({ ...i, ...(located !== undefined && i.line === undefined ? locate(located, i) : {}), ...(options.fileName !== undefined ? { file: options.fileName } : {}) }));
  let data: unknown = input;
  if (typeof input === "string") {
    const text = readText(input);
    if (text.issues.length > 0) return { ok: false, issues: attach(text.issues) };
    data = text.data;
    located = text.located;
  }
  const shell = planShellSchema.safeParse(data, { reportInput: true });
  const issues: Issue[] = [];
  if (!shell.success) issues.push(...mapZodIssues(shell.error.issues, [], planShellSchema));
  for (const p of protoKeys(data)) {
    if (!issues.some((i) => samePath(i.path, p))) issues.push(issue("PLAN_INVALID_VALUE", p, PROTO_MESSAGE, "__proto__"));
  }
  const bonuses: BonusConfig[] = [];
  const rawBonuses = (data as { bonuses?: unknown })?.bonuses;
  if (Array.isArray(rawBonuses)) {
    rawBonuses.forEach((raw, i) => {
      const kind = (raw as { kind?: unknown } | null)?.kind;
      if (typeof kind !== "string") return; // the shell schema already reported it
      const family = findFamily(kind);
      if (family === undefined) {
        issues.push(issue("PLAN_UNKNOWN_BONUS_KIND", ["bonuses", i, "kind"], `unknown bonus kind "${kind}"${nameHint(kind, FAMILIES.map((f) => f.kind), "kinds")}`, kind));
        return;
      }
      const r = family.schema.safeParse(raw, { reportInput: true });
      if (r.success) bonuses.push(r.data);
      else issues.push(...mapZodIssues(r.error.issues, ["bonuses", i], family.schema));
    });
  }
  if (issues.length > 0 || !shell.success) return { ok: false, issues: attach(sortIssues(issues)) };
  const plan: Plan = { ...shell.data, bonuses };
  const semantic = checkNames(plan);
  if (semantic.length > 0) return { ok: false, issues: attach(semantic) };
  const frozen = deepFreeze(plan);
  PARSED.add(frozen);
  return { ok: true, value: frozen };
}

/** Plans returned by {@link safeParsePlan}: validated, frozen, and so taken as they are. */
const PARSED = new WeakSet<object>();

/**
 * @internal The plan argument of a library function: a plan from {@link parsePlan} as it is; anything
 * else (an object literal typed as a plan, `null`, a number) is validated first, so it yields `PLAN_*`
 * issues instead of a `TypeError` deep inside the engine.
 */
export function planArgument(plan: unknown): Result<Plan> {
  if (typeof plan === "object" && plan !== null && PARSED.has(plan)) return { ok: true, value: plan as Plan };
  if (typeof plan === "string") return { ok: false, issues: [issue("INPUT_INVALID_ARGUMENT", ["plan"], "the plan argument is text: parse it first with parsePlan", plan)] };
  return safeParsePlan(plan);
}

/**
 * The measures orders carry volume of: every measure of the plan but the accumulated ones (docs/state.md
 * "Accumulated measures"), in plan order. An input is prepared and validated with these names, so an orders
 * file with a column for an accumulated measure is an unknown measure, never silently ignored.
 *
 * @param plan - a plan from {@link parsePlan}
 * @returns the names of the plan's order measures
 * @example
 * ```ts
 * const prepared = prepareInput(input, new Set(orderMeasures(plan)));
 * ```
 */
export function orderMeasures(plan: Plan): string[] {
  return Object.entries(plan.measures)
    .filter(([, m]) => m.accumulates === undefined && m.volumeOf === undefined)
    .map(([name]) => name);
}

/**
 * Validates a plan and returns it; throws {@link CompplanError} listing every issue when it is invalid.
 *
 * @param input - plan text (YAML or JSON) or an already-parsed object
 * @throws CompplanError with `PLAN_*` issues
 * @example
 * ```ts
 * const plan = parsePlan(readFileSync("plans/globalmlm-unilevel/plan.yaml", "utf8"));
 * ```
 */
export function parsePlan(input: unknown, options: ParsePlanOptions = {}): Plan {
  const r = safeParsePlan(input, options);
  if (!r.ok) throw new CompplanError(r.issues);
  return r.value;
}

/** A plan's parsed text, to find the line and column of the node an issue is about. */
interface Located {
  readonly doc: { readonly contents: unknown };
  readonly lines: LineCounter;
}

/**
 * @internal The line and column (1-based) of the place an issue's path leads to in the text: the key for
 * an unknown or duplicate key, else the value; for a missing key, the mapping that lacks it. Shared with
 * the change-set reader.
 */
export function locate(located: Located, i: Pick<Issue, "code" | "path">): { line: number; column: number } | Record<string, never> {
  let node: unknown = located.doc.contents;
  let keyNode: unknown;
  for (const seg of i.path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (pair === undefined) break;
      keyNode = pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
      keyNode = undefined;
      node = node.items[seg];
    } else break;
  }
  const target = (/_UNKNOWN_KEY$|_DUPLICATE_KEY$|^CHANGE_INVALID$/.test(i.code) && keyNode !== undefined ? keyNode : node) as { range?: [number, number, number] } | null;
  const offset = target?.range?.[0];
  if (offset === undefined) return {};
  const pos = located.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/**
 * @internal The first line of a YAML parser error, in words: the parser reports nesting deeper than it can
 * follow as a stack overflow, which is said here as what it is.
 */
export function syntaxMessage(message: string): string {
  const first = message.split("\n")[0] || "syntax error";
  return first.replace(/^Maximum call stack size exceeded/, "nested too deeply to read (lists or mappings nested hundreds of levels deep)");
}

/** YAML (of which JSON is a subset) with duplicate keys reported by path. */
/**
 * @internal Whether a text's lines end in CR alone (old Mac OS line ends): it has carriage returns and no
 * line feed. YAML and JSON parsers read such a text as one long line, with baffling errors.
 */
export function crOnlyLineEnds(text: string): boolean {
  return text.includes("\r") && !text.includes("\n");
}

/** The issue message for a plan or change-set text whose lines end in CR alone. */
export const CR_ONLY_MESSAGE = "the lines of the file end in CR alone (old Mac OS line ends), which YAML and JSON do not read as line ends; save it with LF or CRLF line ends";

function readText(text: string): { data?: unknown; issues: Issue[]; located?: Located } {
  if (text.trim() === "") return { issues: [issue("PLAN_SYNTAX", [], "the plan is empty")] };
  if (crOnlyLineEnds(text)) return { issues: [{ ...issue("PLAN_SYNTAX", [], CR_ONLY_MESSAGE), line: 1 }] };
  let doc: ReturnType<typeof parseDocument>;
  const lines = new LineCounter();
  try {
    doc = parseDocument(text, { uniqueKeys: false, prettyErrors: true, strict: true, lineCounter: lines });
  } catch (e) {
    return { issues: [issue("PLAN_SYNTAX", [], `cannot read the plan: ${(e as Error).message}`)] };
  }
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { ...issue("PLAN_SYNTAX", [], syntaxMessage(e.message)), ...(pos !== undefined ? { line: pos.line, column: pos.col } : {}) };
      }),
    };
  }
  const issues = duplicateKeys(doc, lines);
  if (issues.length > 0) return { issues };
  try {
    return { data: doc.toJS({ maxAliasCount: 100 }), issues: [], located: { doc, lines } };
  } catch (e) {
    return { issues: [issue("PLAN_SYNTAX", [], `cannot read the plan: ${(e as Error).message}`)] };
  }
}

function duplicateKeys(doc: ReturnType<typeof parseDocument>, lines: LineCounter): Issue[] {
  const out: Issue[] = [];
  const stack: { node: unknown; path: PathSegment[] }[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: PathSegment[] };
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
        if (seen.has(key)) {
          const offset = (item.key as { range?: [number, number, number] } | null)?.range?.[0];
          const pos = offset === undefined ? undefined : lines.linePos(offset);
          out.push({ ...issue("PLAN_DUPLICATE_KEY", [...path, key], `key "${key}" appears twice in the same mapping`, key), ...(pos !== undefined ? { line: pos.line, column: pos.col } : {}) });
        }
        seen.add(key);
        stack.push({ node: item.value, path: [...path, key] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, path: [...path, i] }));
    }
  }
  return out.reverse();
}

const PROTO_MESSAGE = '"__proto__" cannot be a name or key: names start with a letter or a digit';

/**
 * The paths of every own `__proto__` key in plain data (YAML and JSON.parse keep them as own keys; the
 * schema's records would drop them silently, so they are reported). Iterative: any depth is safe.
 */
function protoKeys(data: unknown): PathSegment[][] {
  type Node = { v: unknown; seg: PathSegment; up: Node | undefined };
  const pathOf = (n: Node | undefined): PathSegment[] => {
    const out: PathSegment[] = [];
    for (let x = n; x?.up !== undefined; x = x.up) out.push(x.seg);
    return out.reverse();
  };
  const out: PathSegment[][] = [];
  const seen = new Set<object>();
  // Parent links instead of a path per node, so a value nested 100,000 deep costs linear time.
  const stack: Node[] = [{ v: data, seg: "", up: undefined }];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const v = node.v;
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, seg: i, up: node }));
    else {
      if (Object.hasOwn(v, "__proto__")) out.push([...pathOf(node), "__proto__"]);
      for (const [k, x] of Object.entries(v)) stack.push({ v: x, seg: k, up: node });
    }
  }
  return out;
}

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** @internal Maps zod issues to compplan issues under `prefix`. */
export function mapZodIssues(zodIssues: readonly z.core.$ZodIssue[], prefix: readonly PathSegment[], schema?: unknown): Issue[] {
  const out: Issue[] = [];
  for (const zi of zodIssues) {
    const path = [...prefix, ...(zi.path as PathSegment[])];
    const has = "input" in zi;
    const input = (zi as { input?: unknown }).input;
    const withValue = (code: IssueCode, message: string): Issue => (has ? issue(code, path, message, input) : issue(code, path, message));
    switch (zi.code) {
      case "unrecognized_keys":
        for (const key of zi.keys) {
          const known = schemaKeysAt(schema, zi.path as PathSegment[]);
          out.push(issue("PLAN_UNKNOWN_KEY", [...path, key], `unknown key "${key}"${known === undefined ? "" : nameHint(key, known, "keys")}`, key));
        }
        break;
      case "invalid_type":
        out.push(input === undefined ? issue("PLAN_MISSING_KEY", path, `required (${zi.expected})`) : withValue("PLAN_INVALID_VALUE", `expected ${zi.expected}`));
        break;
      case "too_small":
      case "too_big":
        out.push(withValue(zi.origin === "number" || zi.origin === "int" ? "PLAN_VALUE_RANGE" : "PLAN_INVALID_VALUE", zi.message));
        break;
      case "custom": {
        const code = (zi.params as { code?: IssueCode } | undefined)?.code ?? "PLAN_INVALID_VALUE";
        out.push(code === "PLAN_MISSING_KEY" ? issue(code, path, "required") : withValue(code, code === "PLAN_DECIMAL_FORMAT" ? zi.message + percentHint(input) : zi.message));
        break;
      }
      default: {
        // An enum or literal key that is absent is missing, not invalid; a mistyped option gets a hint.
        const values = zi.code === "invalid_value" ? zi.values.filter((v): v is string => typeof v === "string") : [];
        const near = typeof input === "string" && values.length > 0 ? closestName(input, values) : undefined;
        out.push(has && input === undefined ? issue("PLAN_MISSING_KEY", path, `required: ${zi.message.replace(/^Invalid (option|input): /, "")}`) : withValue("PLAN_INVALID_VALUE", near === undefined ? zi.message : `${zi.message} (did you mean "${near}"?)`));
      }
    }
  }
  return out;
}

/** The keys the object schema at `path` inside `schema` defines, or undefined when it is not an object there. */
function schemaKeysAt(schema: unknown, path: readonly PathSegment[]): string[] | undefined {
  let s = schema;
  for (let step = 0; step <= path.length; ) {
    const def = (s as { _zod?: { def?: Record<string, unknown> & { type: string } } } | undefined)?._zod?.def;
    if (def === undefined) return undefined;
    if ("innerType" in def) s = def.innerType;
    else if (def.type === "pipe") s = def.in;
    else if (step === path.length) return def.type === "object" ? Object.keys(def.shape as object) : undefined;
    else {
      const seg = path[step++] as PathSegment;
      s = def.type === "object" ? (def.shape as Record<string, unknown>)[String(seg)] : def.type === "array" ? def.element : def.type === "record" ? def.valueType : undefined;
    }
  }
  return undefined;
}

/** For a rate written as a percentage (`"5%"`): ` (write "0.05" for 5%)`; otherwise nothing. */
function percentHint(input: unknown): string {
  const m = typeof input === "string" ? /^\s*(\d{1,12})(?:\.(\d{1,12}))?\s*%\s*$/.exec(input) : null;
  if (m === null) return "";
  const digits = `${m[1]}${m[2] ?? ""}`.padStart(3 + (m[2]?.length ?? 0), "0");
  const point = digits.length - 2 - (m[2]?.length ?? 0);
  const decimal = `${digits.slice(0, point)}.${digits.slice(point)}`.replace(/^0+(?=\d)/, "").replace(/\.?0+$/, "");
  return ` (write "${decimal === "" ? "0" : decimal}" for ${m[1]}${m[2] !== undefined ? `.${m[2]}` : ""}%)`;
}

function sortIssues(issues: Issue[]): Issue[] {
  const key = (i: Issue) => i.path.map((p) => (typeof p === "number" ? String(p).padStart(6, "0") : p)).join("\u0000");
  return issues.map((i, n) => ({ i, n, k: key(i) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.n - b.n)).map((x) => x.i);
}

/** Names used across the plan, and the rank ladder. */
function checkNames(plan: Plan): Issue[] {
  const issues: Issue[] = [];
  const measures = new Set(Object.keys(plan.measures));
  if (measures.size === 0) issues.push(issue("PLAN_MISSING_KEY", ["measures"], "define at least one volume measure"));
  const needMeasure = (name: string, path: PathSegment[]) => {
    if (!measures.has(name)) issues.push(issue("PLAN_UNKNOWN_MEASURE", path, `unknown measure "${name}"${nameHint(name, measures, "measures")}`, name));
  };
  issues.push(...checkMeasureForms(plan, measures));
  needMeasure(plan.payoutBasis, ["payoutBasis"]);
  if (plan.qualification?.personal !== undefined) needMeasure(plan.qualification.personal.measure, ["qualification", "personal", "measure"]);
  const rankNames = plan.ranks.map((r) => r.name);
  plan.ranks.forEach((rank, r) => {
    const p: PathSegment[] = ["ranks", r];
    if (rankNames.indexOf(rank.name) !== r) issues.push(issue("PLAN_DUPLICATE_NAME", [...p, "name"], `rank "${rank.name}" is defined twice`, rank.name));
    const req = rank.requires;
    if (req.personal !== undefined) needMeasure(req.personal.measure, [...p, "requires", "personal", "measure"]);
    if (req.group !== undefined) needMeasure(req.group.measure, [...p, "requires", "group", "measure"]);
    (req.legs ?? []).forEach((leg, l) => {
      const lp: PathSegment[] = [...p, "requires", "legs", l];
      const byRank = leg.rank !== undefined;
      const byVolume = leg.measure !== undefined || leg.minimum !== undefined;
      if (byRank === byVolume || (byVolume && (leg.measure === undefined || leg.minimum === undefined))) {
        issues.push(issue("PLAN_INVALID_VALUE", lp, "a legs requirement names either a rank, or a measure and a minimum"));
      }
      if (leg.rank !== undefined && !rankNames.includes(leg.rank)) issues.push(issue("PLAN_UNKNOWN_RANK", [...lp, "rank"], `unknown rank "${leg.rank}"${nameHint(leg.rank, rankNames, "ranks")}`, leg.rank));
      if (leg.measure !== undefined) needMeasure(leg.measure, [...lp, "measure"]);
    });
    (req.columns ?? []).forEach((c, k) => issues.push(...checkColumnRequirement(plan, c, [...p, "requires", "columns", k])));
  });
  if (issues.length === 0) issues.push(...checkLadder(plan));
  const keys = new Set<string>();
  const bonusKeys = plan.bonuses.map((b) => b.key);
  const published = new Map<string, ColumnKind>();
  for (const b of plan.bonuses) for (const c of findFamily(b.kind)?.publishes?.(b) ?? []) published.set(`${b.key}.${c.name}`, c.kind);
  const orderVolumes = new Set(Object.keys(plan.measures).filter((m) => plan.measures[m]?.accumulates === undefined));
  plan.bonuses.forEach((b, i) => {
    if (keys.has(b.key)) issues.push(issue("PLAN_DUPLICATE_NAME", ["bonuses", i, "key"], `bonus key "${b.key}" is used twice`, b.key));
    if (RESERVED_KEYS.includes(b.key)) {
      issues.push(issue("PLAN_INVALID_VALUE", ["bonuses", i, "key"], `"${b.key}" names the engine's own columns; choose another bonus key (not ${RESERVED_KEYS.join(", ")})`, b.key));
    }
    keys.add(b.key);
    const family = findFamily(b.kind);
    if (family !== undefined) issues.push(...family.validate(b, { measures, orderVolumes, ranks: rankNames, moneyScale: plan.money.scale, bonuses: bonusKeys, placement: plan.placement !== undefined, columns: published }, ["bonuses", i]));
  });
  if (issues.length === 0) issues.push(...checkStepOrder(plan));
  return issues;
}

/**
 * Each measure counts order kinds or accumulates another (docs/state.md "Accumulated measures"): never
 * both nor neither, the base a plain measure of the plan, `periods` and `personalConsumptionCap` each only
 * in its own form.
 */
function checkMeasureForms(plan: Plan, measures: ReadonlySet<string>): Issue[] {
  const issues: Issue[] = [];
  for (const [name, m] of Object.entries(plan.measures)) {
    const p: PathSegment[] = ["measures", name];
    if (m.accumulates === undefined) {
      if (m.counts === undefined) issues.push(issue("PLAN_MISSING_KEY", [...p, "counts"], "a measure counts order kinds (counts: [...]) or accumulates another measure (accumulates: PV)"));
      if (m.periods !== undefined) issues.push(issue("PLAN_INVALID_VALUE", [...p, "periods"], "periods belongs to an accumulated measure: add accumulates: <measure>", m.periods));
      issues.push(...checkLeavesOut(plan, m.leavesOut ?? [], [...p, "leavesOut"]));
      if (m.volumeOf !== undefined) {
        const of = plan.measures[m.volumeOf];
        if (!measures.has(m.volumeOf) || of === undefined) issues.push(issue("PLAN_UNKNOWN_MEASURE", [...p, "volumeOf"], `unknown measure "${m.volumeOf}"${nameHint(m.volumeOf, measures, "measures")}`, m.volumeOf));
        else if (of.accumulates !== undefined || of.volumeOf !== undefined) {
          issues.push(issue("PLAN_INVALID_VALUE", [...p, "volumeOf"], `orders carry no volume of "${m.volumeOf}" (${of.accumulates !== undefined ? "it is accumulated" : `it reads ${of.volumeOf}'s`}): name a measure orders carry`, m.volumeOf));
        }
      }
      continue;
    }
    if (m.volumeOf !== undefined) issues.push(issue("PLAN_INVALID_VALUE", [...p, "volumeOf"], `an accumulated measure reads no orders: it adds up ${m.accumulates} over periods`, m.volumeOf));
    if (m.leavesOut !== undefined) issues.push(issue("PLAN_INVALID_VALUE", [...p, "leavesOut"], `an accumulated measure leaves no orders out: leave them out of ${m.accumulates}, which it accumulates`, m.leavesOut));
    if (m.counts !== undefined) issues.push(issue("PLAN_INVALID_VALUE", [...p, "counts"], `an accumulated measure has no counts: orders carry no volume of it (it adds up ${m.accumulates} over periods)`, m.counts));
    if (m.personalConsumptionCap !== undefined) issues.push(issue("PLAN_INVALID_VALUE", [...p, "personalConsumptionCap"], `an accumulated measure has no cap of its own: cap ${m.accumulates} instead`, m.personalConsumptionCap));
    const base = plan.measures[m.accumulates];
    if (!measures.has(m.accumulates) || base === undefined) issues.push(issue("PLAN_UNKNOWN_MEASURE", [...p, "accumulates"], `unknown measure "${m.accumulates}"${nameHint(m.accumulates, measures, "measures")}`, m.accumulates));
    else if (base.accumulates !== undefined) issues.push(issue("PLAN_INVALID_VALUE", [...p, "accumulates"], `"${m.accumulates}" is itself accumulated: accumulate its base measure ${base.accumulates} instead`, m.accumulates));
  }
  return issues;
}

/**
 * A measure's `leavesOut` (docs/plan-language.md "Leaving out the orders a bonus pays on"): bonus keys of the
 * plan, each once, each of a family that pays on a window after joining.
 */
function checkLeavesOut(plan: Plan, keys: readonly string[], path: readonly PathSegment[]): Issue[] {
  const issues: Issue[] = [];
  const bonusKeys = plan.bonuses.map((b) => b.key);
  keys.forEach((key, i) => {
    const at = [...path, i];
    const bonus = plan.bonuses.find((b) => b.key === key);
    if (keys.indexOf(key) !== i) issues.push(issue("PLAN_INVALID_VALUE", at, `bonus "${key}" is named twice`, key));
    else if (bonus === undefined) issues.push(issue("PLAN_UNKNOWN_BONUS", at, `the plan has no bonus "${key}"${nameHint(key, bonusKeys, "bonuses")}`, key));
    else if (findFamily(bonus.kind)?.orderWindow === undefined) {
      issues.push(issue("PLAN_INVALID_VALUE", at, `bonus "${key}" (${bonus.kind}) pays on no window after joining: a measure leaves out the orders of a bonus that does (fast-start)`, key));
    }
  });
  return issues;
}

/** Words a bonus key may not be: the prefixes of the engine's own columns (`personal.PV`, `earnings.x`). */
const RESERVED_KEYS = ["personal", "group", "qualified", "rank", "earnings"];

/** The columns bonuses publish that a rank requirement may read, with the places of their minimum. */
function bonusColumns(plan: Plan): Map<string, number> {
  const columns = new Map<string, number>();
  for (const b of plan.bonuses) {
    columns.set(`earnings.${b.key}`, plan.money.scale);
    for (const p of findFamily(b.kind)?.publishes?.(b) ?? []) columns.set(`${b.key}.${p.name}`, p.kind === "volume" ? 4 : p.kind === "money" ? plan.money.scale : 0);
  }
  return columns;
}

/** A rank's column requirement names a column a bonus publishes, and its minimum fits the column's places. */
function checkColumnRequirement(plan: Plan, c: { column: string; minimum: string }, path: PathSegment[]): Issue[] {
  const columns = bonusColumns(plan);
  const places = columns.get(c.column);
  if (places === undefined) {
    const known = [...columns.keys()];
    const list = known.length === 0 ? " (the plan has no bonuses)" : nameHint(c.column, known, "columns a rank can read");
    return [issue("PLAN_UNKNOWN_COLUMN", [...path, "column"], `unknown column "${c.column}"${list}`, c.column)];
  }
  if (parseUnits(c.minimum, places) !== "precision") return [];
  const what = c.column.startsWith("earnings.") ? `the plan's money scale allows ${places} decimal places` : `column ${c.column} has ${places} decimal places`;
  return [issue("PLAN_DECIMAL_PRECISION", [...path, "minimum"], what, c.minimum)];
}

/**
 * Steps that read each other's results in a circle cannot be ordered: PLAN_STEP_CYCLE. The ranks are a
 * step (`rank`) reading the columns of their column requirements.
 */
function checkStepOrder(plan: Plan): Issue[] {
  const steps = plan.bonuses.map((b) => ({ key: b.key, reads: familyFor(b.kind).reads(b) }));
  const rankReads = plan.ranks.flatMap((r) => (r.requires.columns ?? []).map((c) => c.column));
  const { cycle } = orderPlanSteps(rankReads, steps);
  if (cycle === undefined) return [];
  const circle = cycle.join(" → ");
  const r = cycle.indexOf(RANK_STEP);
  if (r < 0) {
    const at = plan.bonuses.findIndex((b) => b.key === cycle[0]);
    return [issue("PLAN_STEP_CYCLE", ["bonuses", at], `bonuses read each other's results in a circle: ${circle} (each reads the next)`, cycle)];
  }
  // Point at the first rank requirement that reads the step after `rank` in the circle.
  const next = cycle[r + 1] as string;
  const keys = new Set(plan.bonuses.map((b) => b.key));
  let path: PathSegment[] = ["ranks"];
  plan.ranks.some((rank, i) =>
    (rank.requires.columns ?? []).some((c, k) => columnSource(c.column, keys) === next && (path = ["ranks", i, "requires", "columns", k, "column"])),
  );
  return [issue("PLAN_STEP_CYCLE", path, `ranks and bonuses read each other's results in a circle: ${circle} (each reads the next; a bonus the ranks read runs before them, so it cannot read rank)`, cycle)];
}

/** Each rank must be at least as hard to reach as the rank below it, requirement by requirement. */
function checkLadder(plan: Plan): Issue[] {
  const issues: Issue[] = [];
  const index = (name: string) => plan.ranks.findIndex((r) => r.name === name);
  for (let r = 1; r < plan.ranks.length; r++) {
    const lower = (plan.ranks[r - 1] as Plan["ranks"][number]).requires;
    const rank = plan.ranks[r] as Plan["ranks"][number];
    const higher = rank.requires;
    const lowerName = (plan.ranks[r - 1] as Plan["ranks"][number]).name;
    const fail = (field: string, why: string) =>
      issues.push(issue("PLAN_RANK_LADDER", ["ranks", r, "requires", field], `rank "${rank.name}" is easier to reach than "${lowerName}" below it: ${why}`));
    if (lower.qualified && !higher.qualified) fail("qualified", `"${lowerName}" requires qualification and "${rank.name}" does not`);
    for (const field of ["personal", "group"] as const) {
      const lo = lower[field];
      const hi = higher[field];
      if (lo === undefined) continue;
      if (hi === undefined) fail(field, `"${lowerName}" has a ${field} requirement and "${rank.name}" has none`);
      else if (hi.measure !== lo.measure) fail(field, `the ${field} requirement uses ${hi.measure}, the rank below uses ${lo.measure}`);
      else if (compareDecimal(hi.minimum, lo.minimum) < 0) fail(field, `${field} ${hi.measure} minimum ${hi.minimum} is below ${lo.minimum}`);
    }
    for (const lo of lower.legs ?? []) {
      const covered = (higher.legs ?? []).some((hi) =>
        lo.rank !== undefined
          ? hi.rank !== undefined && index(hi.rank) >= index(lo.rank) && hi.count >= lo.count
          : hi.measure === lo.measure && hi.minimum !== undefined && lo.minimum !== undefined && compareDecimal(hi.minimum, lo.minimum) >= 0 && hi.count >= lo.count,
      );
      if (!covered) fail("legs", `"${lowerName}" needs ${lo.count} legs ${lo.rank !== undefined ? `holding ${lo.rank}` : `with ${lo.minimum} ${lo.measure}`} and "${rank.name}" has no requirement at least as strict`);
    }
    for (const lo of lower.columns ?? []) {
      const covered = (higher.columns ?? []).some((hi) => hi.column === lo.column && compareDecimal(hi.minimum, lo.minimum) >= 0);
      if (!covered) fail("columns", `"${lowerName}" needs ${lo.column} of at least ${lo.minimum} and "${rank.name}" has no requirement at least as strict`);
    }
  }
  return issues;
}

function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "object" && v !== null && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const child of Object.values(v)) stack.push(child);
    }
  }
  return value;
}
