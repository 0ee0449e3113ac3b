/**
 * The reference engine's state between periods, written only from docs/state.md: which fields a plan keeps,
 * reading the opening state from the state file's text, the paid-as rank over periods (hold and grace), the
 * closing rules of the rank fields, and writing the closing state's text.
 *
 * The state is assumed valid (its checks are the fast engine's job): a state row for a member the members
 * file lacks is carried unchanged when the plan says `carry`, and throws otherwise.
 */
import type { Plan } from "../../src/plan/parse.js";
import { fingerprintPlan } from "../../src/index.js";
import { D, type Decimal, fmtMoney, fmtShort } from "./decimal.js";
import { REFERENCE_FAMILIES } from "./families/index.js";

/** docs/state.md: "Each kind has an initial value: volume `0`, money `0`, count `0`, rank none." */
export type StateKind = "volume" | "money" | "count" | "rank";

/** A value of a state field: a volume (exact decimal), a count, or a rank's name (`null`: none). */
export type StateValue = Decimal | number | string | null;

export interface StateFieldSpec {
  name: string;
  kind: StateKind;
  /** "`scope: company`": one value for the whole company instead of one per member. */
  scope?: "company";
}

/** The state read from a state file: its fields, its rows by member id, and each row's line as read. */
export interface OpeningState {
  fields: StateFieldSpec[];
  period: string;
  plan: string;
  rows: Map<string, Map<string, StateValue>>;
  lines: Map<string, string>;
  /** The header's `company`: "the company fields' values that are not initial". */
  company: Map<string, StateValue>;
}

/** "initial value: volume 0, count 0, rank none". */
export function initialOf(kind: StateKind): StateValue {
  return kind === "volume" || kind === "money" ? new D(0) : kind === "count" ? 0 : null;
}

function isInitial(kind: StateKind, v: StateValue): boolean {
  if (kind === "volume" || kind === "money") return (v as Decimal).isZero();
  if (kind === "count") return v === 0;
  return v === null;
}

/**
 * "A plan keeps state when it has a top-level `state` section, or uses a feature that needs it (`paidAs`
 * with `grace` or `hold`, an accumulated measure)." Grace 0 and hold none are the defaults: no feature.
 */
export function keepsState(plan: Plan): boolean {
  const accumulated = Object.values(plan.measures).some((m) => m.accumulates !== undefined);
  return plan.state !== undefined || (plan.paidAs?.grace ?? 0) > 0 || plan.paidAs?.hold === "highest" || accumulated || plan.bonuses.some((b) => bonusState(b) !== undefined);
}

/**
 * "State a bonus keeps": the fields a bonus entry declares (named `<key>.<name>`), or undefined for an entry
 * that keeps no state. "An entry may keep state with no field of its own (its family's `state` gives an empty
 * list): the plan then keeps state for the fields it reads".
 */
export function bonusState(bonus: Plan["bonuses"][number]): StateFieldSpec[] | undefined {
  const family = REFERENCE_FAMILIES.find((f) => f.kind === bonus.kind);
  return family?.state?.(bonus as never);
}

/**
 * An accumulated measure's fields: "`<M>`" when "`M` is an accumulated measure since joining", "`<M>.1` …
 * `<M>.<N-1>`" when "`M` accumulates over the last N periods".
 */
export function accumulatedFieldNames(plan: Plan, measure: string): string[] {
  const periods = plan.measures[measure]?.periods;
  if (periods === undefined) return [measure];
  const out: string[] = [];
  for (let k = 1; k <= periods - 1; k++) out.push(`${measure}.${k}`);
  return out;
}

/**
 * The state fields, "in the plan's order: the rank fields, then the accumulated measures in plan order":
 * `rank.highest` (rank), `rank.paidAs` (rank), `rank.periods` (count) "kept when the plan has ranks";
 * `rank.grace` (count) "kept when `paidAs.grace` > 0"; then each accumulated measure's volume fields.
 */
export function stateFields(plan: Plan): StateFieldSpec[] {
  if (!keepsState(plan)) return [];
  const fields: StateFieldSpec[] = [];
  if (plan.ranks.length > 0) {
    fields.push({ name: "rank.highest", kind: "rank" }, { name: "rank.paidAs", kind: "rank" }, { name: "rank.periods", kind: "count" });
    if ((plan.paidAs?.grace ?? 0) > 0) fields.push({ name: "rank.grace", kind: "count" });
  }
  // "then the accumulated measures in plan order", each a volume.
  for (const [name, m] of Object.entries(plan.measures)) {
    if (m.accumulates !== undefined) for (const f of accumulatedFieldNames(plan, name)) fields.push({ name: f, kind: "volume" });
  }
  // "then the fields each bonus keeps, in plan order".
  for (const b of plan.bonuses) fields.push(...(bonusState(b) ?? []));
  return fields;
}

/**
 * statements.md "Canonical form": "object keys sorted (by UTF-16 code unit, as JavaScript's default sort),
 * no insignificant white space".
 */
export function sortedJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(sortedJson).join(",")}]`;
  if (typeof x === "object" && x !== null) {
    const keys = Object.keys(x).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson((x as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(x);
}

/**
 * "The state file": "one JSON object per line, each line ending with a line feed": "a header" with the
 * fields, format, period and plan, then "one line per member". "Values: volume as an exact decimal string,
 * count as a JSON integer, rank as the rank's name"; "fields at their initial value are left out".
 */
export function readState(text: string): OpeningState {
  const lines = text.split("\n");
  if (lines.pop() !== "") throw new Error("reference engine: a state file ends with a line feed");
  const header = JSON.parse(lines[0] ?? "") as { company?: Record<string, unknown>; fields: StateFieldSpec[]; format: string; period: string; plan: string };
  if (header.format !== "compplan-state/1") throw new Error(`reference engine: state format ${header.format}`);
  const rows = new Map<string, Map<string, StateValue>>();
  const raw = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const row = JSON.parse(line) as Record<string, unknown>;
    const id = row.id as string;
    const values = new Map<string, StateValue>();
    for (const f of header.fields) {
      const v = row[f.name];
      values.set(f.name, readValue(f, v));
    }
    rows.set(id, values);
    raw.set(id, line);
  }
  const company = new Map<string, StateValue>();
  for (const f of header.fields) if (f.scope === "company") company.set(f.name, readValue(f, header.company?.[f.name]));
  return { fields: header.fields, period: header.period, plan: header.plan, rows, lines: raw, company };
}

/** "Values by kind": volume and money decimal strings, count an integer, rank a name; absent: the initial value. */
function readValue(f: StateFieldSpec, v: unknown): StateValue {
  if (v === undefined) return initialOf(f.kind);
  return f.kind === "volume" || f.kind === "money" ? new D(v as string) : (v as number | string);
}

/** A company field's opening value: the header's `company`, or the initial value. */
export function openingCompany(state: OpeningState | undefined, field: StateFieldSpec): StateValue {
  return state?.company.get(field.name) ?? initialOf(field.kind);
}

/** A member's opening value of a field: the state's row, or the initial value ("a member absent from the opening state"). */
export function openingValue(state: OpeningState | undefined, id: string, field: StateFieldSpec): StateValue {
  return state?.rows.get(id)?.get(field.name) ?? initialOf(field.kind);
}

/**
 * The closing state's text: the header `{"fields":[…],"format":"compplan-state/1","period":…,"plan":"sha256:…"}`
 * ("the period it closes, and the fingerprint of the plan that wrote it"), then one line per member "with at
 * least one value that is not the initial value, sorted by member id (UTF-16 code unit order)". With
 * `unknownMembers: carry` a row for a member not in the members file "is written unchanged" (`carried`).
 */
export function writeState(
  plan: Plan,
  period: string,
  fields: readonly StateFieldSpec[],
  closing: ReadonlyMap<string, ReadonlyMap<string, StateValue>>,
  carried: ReadonlyMap<string, string>,
  company: ReadonlyMap<string, StateValue> = new Map(),
): string {
  // "Values by kind: volume an exact decimal string in its shortest form; money a decimal string with exactly
  // the plan's money.scale places; count a JSON integer; rank the rank's name."
  const write = (f: StateFieldSpec, v: StateValue): unknown => (f.kind === "volume" ? fmtShort(v as Decimal) : f.kind === "money" ? fmtMoney(v as Decimal, plan.money.scale) : v);
  // "company: the company fields' values that are not initial (left out when there are none)"; "a company
  // field adds "scope":"company"".
  const companyOut: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.scope !== "company") continue;
    const v = company.get(f.name) ?? initialOf(f.kind);
    if (!isInitial(f.kind, v)) companyOut[f.name] = write(f, v);
  }
  const header = sortedJson({
    ...(Object.keys(companyOut).length > 0 ? { company: companyOut } : {}),
    fields: fields.map((f) => ({ kind: f.kind, name: f.name, ...(f.scope !== undefined ? { scope: f.scope } : {}) })),
    format: "compplan-state/1",
    period,
    plan: fingerprintPlan(plan),
  });
  const out = new Map<string, string>(carried);
  for (const [id, values] of closing) {
    const row: Record<string, unknown> = { id };
    for (const f of fields) {
      if (f.scope === "company") continue;
      const v = values.get(f.name) ?? initialOf(f.kind);
      if (isInitial(f.kind, v)) continue;
      row[f.name] = write(f, v);
    }
    if (Object.keys(row).length > 1) out.set(id, sortedJson(row));
  }
  const ids = [...out.keys()].sort();
  return `${[header, ...ids.map((id) => out.get(id) as string)].join("\n")}\n`;
}

/** What the paid-as rank over periods decided for one member (rank indices, -1 for none). */
export interface PaidAsOverPeriods {
  /** The paid-as rank. */
  index: number;
  /** The closing `rank.grace`. */
  grace: number;
  /** Hold raised the rank (step 3). */
  held: boolean;
}

/**
 * docs/state.md "Paid-as rank over periods", for one member, given the rank after steps 1 and 2 (`soFar`)
 * and whether a given rank with `givenRank: paid-as` decided it ("steps 3 and 4 do not apply"):
 *
 * 3. "`hold: highest`: not below the opening `rank.highest`;"
 * 4. "`grace: N`: when the rank so far is below the opening `rank.paidAs` and the opening `rank.grace` is
 *    below N, the member keeps the opening `rank.paidAs` and `rank.grace` becomes the opening value + 1;
 *    otherwise `rank.grace` becomes 0."
 */
export function paidAsOverPeriods(
  plan: Plan,
  soFar: number,
  givenDecides: boolean,
  opening: { highest: number; paidAs: number; grace: number },
): PaidAsOverPeriods {
  if (givenDecides) return { index: soFar, grace: 0, held: false };
  let index = soFar;
  let held = false;
  if (plan.paidAs?.hold === "highest" && index < opening.highest) {
    index = opening.highest;
    held = true;
  }
  const n = plan.paidAs?.grace ?? 0;
  if (index < opening.paidAs && opening.grace < n) return { index: opening.paidAs, grace: opening.grace + 1, held };
  return { index, grace: 0, held };
}

/**
 * The closing rank fields: "The closing `rank.highest` is the higher of the opening one and the paid-as
 * rank; `rank.periods` is the opening value + 1 when the paid-as rank equals the opening `rank.paidAs`, else
 * 1 (0 without a rank)"; `rank.paidAs` is "the member's paid-as rank this period".
 */
export function closingRanks(paidAs: number, opening: { highest: number; paidAs: number; periods: number }): { highest: number; paidAs: number; periods: number } {
  const periods = paidAs < 0 ? 0 : paidAs === opening.paidAs ? opening.periods + 1 : 1;
  return { highest: Math.max(opening.highest, paidAs), paidAs, periods };
}
