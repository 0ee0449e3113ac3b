/**
 * Fingerprints: SHA-256 of canonical forms, so the same data gives the same fingerprint however it was
 * written. A fingerprint is the text `sha256:` followed by 64 lower-case hex digits.
 *
 * Canonical forms (docs/audit.md is their normative description):
 * - **plan**: the validated plan (defaults filled in) as compact canonical JSON, every decimal string in its
 *   shortest exact form ("0.050" → "0.05", "50.00" → "50"). Which strings are decimals is read from the plan
 *   language's own schemas, so a rank named "007" stays "007".
 * - **members**: one compact canonical JSON object per validated member `{ id, joinDate, rank, sponsorId,
 *   status }` (`rank` only for a member given one, `sponsorId` null for the root, `status` filled in; a
 *   member placed in a placement tree adds `leg` as a number, `L` = 1 and `R` = 2, and `placementId`), sorted
 *   by id, each followed by a line feed.
 * - **orders**: likewise `{ date, id, kind, memberId, volumes }`, volumes in shortest exact form with zero
 *   volumes left out (a measure an order does not mention counts 0), sorted by id.
 * - **statements**: exactly the bytes of statements.ndjson; **summary**: its compact canonical JSON.
 *
 * So CSV, JSON and NDJSON files of the same rows, in any row order, with "100" or "100.00", fingerprint alike.
 *
 * The members and orders fingerprints are written straight from columns by canonical-rows.ts (fast, for
 * millions of rows); the objects and lines here (`canonicalMembers`, `memberLine`, …) are the same canonical
 * form for embedded rows and replay.
 */
import { TextChunks } from "../run/bytes.js";
import { stringsOf } from "../input/text-list.js";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { BonusConfig } from "../bonuses/registry.js";
import { findFamily } from "../bonuses/lookup.js";
import { isRecord, requireArguments } from "../errors/arguments.js";
import { CompplanError } from "../errors/issues.js";
import { MEMBER_STATUSES, type Genealogy, type MemberStatus, membersById } from "../genealogy/genealogy.js";
import type { OrderColumns } from "../input/rows.js";
import { validateMembers, validateOrders } from "../input/validate.js";
import { canonicalDecimal, formatVolume } from "../money/decimal.js";
import { ORDER_KINDS, type OrderKind } from "../plan/fields.js";
import { type Plan, orderMeasures, planArgument } from "../plan/parse.js";
import { planShellSchema } from "../plan/schema.js";
import { safeParsePeriod } from "../run/period.js";
import type { CalculateInput } from "../run/calculate.js";
import type { RunResult } from "../run/result.js";
import type { Statement } from "../statement/types.js";
import { canonicalJson } from "../statement/canonical.js";
import { unitsOf } from "../input/text-order.js";
import { type MemberColumns, measuresByName, memberLineChunks, orderLineChunks, ordersById, rowMembers, sha256Chunks } from "./canonical-rows.js";

/** A member in canonical form: what the members fingerprint covers, and what a bundle embeds. */
export interface CanonicalMember {
  readonly id: string;
  readonly joinDate: string;
  /** The rank the input gives the member; absent when it gives none. */
  readonly rank?: string;
  /** null for the root. */
  readonly sponsorId: string | null;
  readonly status: MemberStatus;
  /** The leg position under the placement parent, for a member placed in a placement tree (with `placementId`). */
  readonly leg?: number;
  /** The placement parent's id, for a member placed in a placement tree (with `leg`). */
  readonly placementId?: string;
}

/** An order in canonical form: volumes as shortest exact decimal strings, zero volumes left out. */
export interface CanonicalOrder {
  readonly date: string;
  readonly id: string;
  readonly kind: OrderKind;
  readonly memberId: string;
  readonly volumes: Readonly<Record<string, string>>;
}

/** The fingerprints of a period's input. */
export interface InputFingerprints {
  /** Fingerprint of the canonical members. */
  readonly members: string;
  /** Fingerprint of the canonical orders. */
  readonly orders: string;
}

const PREFIX = "sha256:";
/** A well-formed fingerprint. */
export const FINGERPRINT_RE = /^sha256:[0-9a-f]{64}$/;

/**
 * @internal An incremental SHA-256 over text, through {@link TextChunks}: millions of small rows cost few
 * hash calls and build no long string.
 */
export class TextHasher {
  private readonly hash = createHash("sha256");
  private readonly chunks = new TextChunks((bytes) => this.hash.update(bytes));

  /** Adds text. */
  add(text: string): void {
    this.chunks.add(text);
  }

  /** The fingerprint of everything added. */
  digest(): string {
    this.chunks.flush();
    return PREFIX + this.hash.digest("hex");
  }
}

/** @internal SHA-256 fingerprint of bytes (a Parquet file). */
export function fingerprintBytes(bytes: Uint8Array): string {
  return PREFIX + createHash("sha256").update(bytes).digest("hex");
}

/** @internal SHA-256 fingerprint of a text (UTF-8). */
export function fingerprintText(text: string): string {
  return PREFIX + createHash("sha256").update(text, "utf8").digest("hex");
}

// ---------------------------------------------------------------------------------------------------------
// Plan

type ZodDef = { readonly type: string; readonly [k: string]: unknown };
const defOf = (schema: unknown): ZodDef | undefined => (schema as { _zod?: { def?: ZodDef } } | undefined)?._zod?.def;

/** True for the schemas made by `decimalString` (plan/fields.ts): they carry a decimal `pattern`. */
function isDecimalSchema(schema: unknown): boolean {
  const meta = z.globalRegistry.get(schema as z.ZodType) as { pattern?: unknown } | undefined;
  return typeof meta?.pattern === "string" && meta.pattern.startsWith("^\\d+");
}

/** Walks a value beside the schema that validated it; decimal strings become canonical. */
function canonicalBySchema(value: unknown, schema: unknown): unknown {
  if (schema !== undefined && typeof value === "string" && isDecimalSchema(schema)) return canonicalDecimal(value) ?? value;
  const def = defOf(schema);
  if (def === undefined) return value;
  switch (def.type) {
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
    case "readonly":
    case "catch":
      return canonicalBySchema(value, def.innerType);
    case "pipe":
      return canonicalBySchema(value, def.in);
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
      const shape = def.shape as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = canonicalBySchema(v, shape[k]);
      return out;
    }
    case "array":
      return Array.isArray(value) ? value.map((v) => canonicalBySchema(v, def.element)) : value;
    case "record": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = canonicalBySchema(v, def.valueType);
      return out;
    }
    default:
      return value;
  }
}

/**
 * The canonical form of a validated plan: a JSON-compatible object with every decimal string in its
 * shortest exact form. `parsePlan(canonicalPlan(p))` is a plan that computes exactly what `p` computes.
 *
 * @param plan - a plan from {@link parsePlan}
 * @returns a plain JSON object; `canonicalJson` of it is what {@link fingerprintPlan} hashes
 * @example
 * ```ts
 * const text = canonicalJson(canonicalPlan(plan), 2); // a normalised plan file (JSON is valid YAML)
 * ```
 */
export function canonicalPlan(plan: Plan): Record<string, unknown> {
  const checked = planArgument(plan);
  if (!checked.ok) throw new CompplanError(checked.issues);
  const { bonuses, ...shell } = checked.value;
  const top = canonicalBySchema(shell, planShellSchema) as Record<string, unknown>;
  top.bonuses = bonuses.map((b: BonusConfig) => canonicalBySchema(b, findFamily(b.kind)?.schema));
  // Round-trip through canonical JSON: drops undefined members, gives plain objects only.
  return JSON.parse(canonicalJson(top)) as Record<string, unknown>;
}

/**
 * The fingerprint of a plan: SHA-256 of the compact canonical JSON of {@link canonicalPlan}. Plans that
 * differ only in decimal notation ("0.050" vs "0.05"), key order, YAML vs JSON or defaults written out
 * have the same fingerprint.
 *
 * @param plan - a plan from {@link parsePlan}
 * @returns `sha256:` and 64 hex digits
 * @example
 * ```ts
 * fingerprintPlan(parsePlan(yamlText)) === fingerprintPlan(parsePlan(jsonText)); // same plan
 * ```
 */
export function fingerprintPlan(plan: Plan): string {
  return fingerprintText(canonicalJson(canonicalPlan(plan)));
}

// ---------------------------------------------------------------------------------------------------------
// Inputs

/** @internal The canonical members of a run's sponsor tree, sorted by id. */
export function canonicalMembers(g: Genealogy): CanonicalMember[] {
  const ids = stringsOf(g.ids);
  const order = membersById(g);
  const given = new Map<number, string>();
  const gr = g.givenRanks;
  if (gr !== undefined) for (let k = 0; k < gr.rows.length; k++) given.set(g.memberOfRow[gr.rows[k] as number] as number, gr.names[gr.codes[k] as number] as string);
  const t = g.placement;
  const out: CanonicalMember[] = new Array(g.size);
  for (let r = 0; r < g.size; r++) {
    const i = order[r] as number;
    const p = g.parent[i] as number;
    const rank = given.get(i);
    const pp = t === undefined ? -1 : (t.parent[i] as number);
    out[r] = {
      id: ids[i] as string,
      joinDate: g.joinDate.at(i) as string,
      ...(rank !== undefined ? { rank } : {}),
      ...(pp >= 0 ? { leg: t?.leg[i] as number, placementId: ids[pp] as string } : {}),
      sponsorId: p >= 0 ? (ids[p] as string) : null,
      status: MEMBER_STATUSES[g.status[i] as number] as MemberStatus,
    };
  }
  return out;
}

/** @internal Validated orders (in columns) in canonical form, sorted by id. */
export function canonicalOrders(cols: OrderColumns): CanonicalOrder[] {
  const ids = stringsOf(cols.ids);
  const order = ordersById(cols, unitsOf(ids));
  const names = measuresByName(cols);
  const out: CanonicalOrder[] = new Array(cols.count);
  for (let r = 0; r < cols.count; r++) {
    const i = order === undefined ? r : (order[r] as number);
    const volumes: Record<string, string> = {};
    for (const { name, m } of names) {
      const units = (cols.volumes[m] as Float64Array)[i] as number;
      if (units !== 0) volumes[name] = formatVolume(units);
    }
    out[r] = {
      date: cols.dates.at(i) as string,
      id: ids[i] as string,
      kind: ORDER_KINDS[cols.kinds[i] as number] as OrderKind,
      memberId: cols.memberIds.at(i) as string,
      volumes,
    };
  }
  return out;
}

const q = JSON.stringify;

/** @internal One canonical member as its NDJSON line (equal to canonicalJson(row) + "\n", written fast). */
export function memberLine(m: CanonicalMember): string {
  const placed = m.placementId !== undefined ? `"leg":${m.leg},"placementId":${q(m.placementId)},` : "";
  return `{"id":${q(m.id)},"joinDate":${q(m.joinDate)},${placed}${m.rank !== undefined ? `"rank":${q(m.rank)},` : ""}"sponsorId":${m.sponsorId === null ? "null" : q(m.sponsorId)},"status":${q(m.status)}}\n`;
}

/** @internal One canonical order as its NDJSON line (equal to canonicalJson(row) + "\n"). */
export function orderLine(o: CanonicalOrder): string {
  let v = "";
  for (const k in o.volumes) v += `${v === "" ? "" : ","}${q(k)}:${q(o.volumes[k])}`;
  return `{"date":${q(o.date)},"id":${q(o.id)},"kind":${q(o.kind)},"memberId":${q(o.memberId)},"volumes":{${v}}}\n`;
}

/** @internal Fingerprint of the canonical members, written from columns (see canonical-rows.ts). */
export function fingerprintMembers(members: MemberColumns): string {
  return sha256Chunks(memberLineChunks(members));
}

/** @internal Fingerprint of the canonical orders, written from their columns (see canonical-rows.ts). */
export function fingerprintOrders(orders: OrderColumns): string {
  return sha256Chunks(orderLineChunks(orders));
}

/** @internal Fingerprint of canonical rows. */
export function fingerprintRows<T>(rows: readonly T[], line: (row: T) => string): string {
  const h = new TextHasher();
  for (const r of rows) h.add(line(r));
  return h.digest();
}

/**
 * The fingerprints of a period's members and orders, from their canonical forms. Use it to check that
 * files in hand are the inputs a bundle records, without running anything.
 *
 * @param plan - the plan (its measures are the volumes orders may carry)
 * @param input - the period, members and orders, as given to {@link calculate}
 * @returns the members and orders fingerprints
 * @throws CompplanError with `PERIOD_*`, `INPUT_*`, `MEMBER_*` or `ORDER_*` issues when the input is invalid
 * @example
 * ```ts
 * const fp = fingerprintInput(plan, { period: "2026-10", members, orders });
 * fp.orders === bundle.inputs.orders.fingerprint;
 * ```
 */
export function fingerprintInput(plan: Plan, input: CalculateInput): InputFingerprints {
  requireArguments("fingerprintInput", [["input", isRecord(input), "an object { period, members, orders }", input]]);
  const period = safeParsePeriod(input.period);
  if (period.period === undefined) throw new CompplanError(period.issue === undefined ? [] : [period.issue]);
  const members = validateMembers(input.members, period.period);
  const orders = validateOrders(input.orders, period.period, new Set(orderMeasures(plan)));
  const issues = [...members.issues, ...orders.issues];
  if (issues.length > 0) throw new CompplanError(issues);
  return { members: fingerprintMembers(rowMembers(members.rows)), orders: fingerprintOrders(orders.columns) };
}

// ---------------------------------------------------------------------------------------------------------
// Outputs

/** @internal The NDJSON line of a statement, exactly as statements.ndjson holds it. */
export function statementLine(s: Statement): string {
  return `${canonicalJson(s)}\n`;
}

/**
 * The fingerprint of a run's statements: SHA-256 of the canonical statements, one per line in member-id
 * order, which are exactly the bytes `compplan run` writes to statements.ndjson (so `sha256sum` of that
 * file gives the same digits). Renders every statement.
 *
 * @param run - a finished run
 * @returns `sha256:` and 64 hex digits
 * @example
 * ```ts
 * fingerprintStatements(run) === bundle.statements.fingerprint;
 * ```
 */
export function fingerprintStatements(run: RunResult): string {
  const h = new TextHasher();
  for (const line of run.statementsJson()) h.add(`${line}\n`);
  return h.digest();
}

/** @internal Fingerprint of a summary: SHA-256 of its compact canonical JSON. */
export function fingerprintSummary(summary: unknown): string {
  return fingerprintText(canonicalJson(summary));
}
