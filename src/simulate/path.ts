/**
 * Change paths: where in a plan a change applies, written for people. A path is a key, then any number of
 * `.key`, `[index]` (0-based), `["quoted key"]` or `[field=value]` steps. A selector `[field=value]`
 * picks the one list element whose `field` equals `value`, so bonuses are addressed by key and ranks by
 * name: `bonuses[key=unilevel].schedule[rank=Gold].rates[2]`, `ranks[name=Silver].requires.group.legCap`.
 * The same path can be given as a list of steps: `["bonuses", { key: "unilevel" }, "schedule", 0]`.
 */

/**
 * One step of a change path: a key of a mapping, an index into a list (0-based), or a selector
 * `{ field: value }` that picks the one list element whose `field` equals `value`.
 */
export type ChangePathSegment = string | number | { readonly [field: string]: string };

/** A change path as text (`bonuses[key=unilevel].schedule[0].rates[2]`) or as a list of steps. */
export type ChangePath = string | readonly ChangePathSegment[];

const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*/;
const PATH_LENGTH_MAX = 500;
const SEGMENTS_MAX = 32;

/**
 * @internal Reads a path written as text into its steps, or says why it cannot.
 */
export function parseChangePath(text: string): { segments: ChangePathSegment[] } | { error: string } {
  if (text.length === 0) return { error: "the path is empty" };
  if (text.length > PATH_LENGTH_MAX) return { error: `the path is longer than ${PATH_LENGTH_MAX} characters` };
  const segments: ChangePathSegment[] = [];
  const first = NAME.exec(text);
  if (first === null) return { error: "a path starts with a key such as bonuses, ranks or money" };
  segments.push(first[0]);
  let at = first[0].length;
  while (at < text.length) {
    const c = text[at];
    if (c === ".") {
      const m = NAME.exec(text.slice(at + 1));
      if (m === null) return { error: `expected a key after "." at character ${at + 1}` };
      segments.push(m[0]);
      at += 1 + m[0].length;
    } else if (c === "[") {
      const close = closingBracket(text, at);
      if (close < 0) return { error: `"[" at character ${at + 1} is not closed` };
      const inner = text.slice(at + 1, close);
      const step = readBracket(inner);
      if (typeof step === "object" && step !== null && "error" in step) return { error: `${step.error} in "[${inner}]"` };
      segments.push(step as ChangePathSegment);
      at = close + 1;
    } else {
      return { error: `unexpected "${c}" at character ${at + 1}` };
    }
    if (segments.length > SEGMENTS_MAX) return { error: `a path has at most ${SEGMENTS_MAX} steps` };
  }
  return { segments };
}

/** Index of the "]" closing the "[" at `open`, skipping over double-quoted strings; -1 when unclosed. */
function closingBracket(text: string, open: number): number {
  let inString = false;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "]") return i;
  }
  return -1;
}

function readBracket(inner: string): ChangePathSegment | { error: string } {
  if (/^\d+$/.test(inner)) {
    const index = Number(inner);
    return Number.isSafeInteger(index) ? index : { error: "the index is too large" };
  }
  if (inner.startsWith('"')) return readQuoted(inner) ?? { error: "a quoted key must be one JSON string" };
  const eq = inner.indexOf("=");
  if (eq < 0) return { error: "expected an index such as [2], a quoted key such as [\"Gold Star\"] or a selector such as [name=Gold]" };
  const field = inner.slice(0, eq);
  const raw = inner.slice(eq + 1);
  if (NAME.exec(field)?.[0] !== field) return { error: `"${field}" is not a field name` };
  const value = raw.startsWith('"') ? readQuoted(raw) : raw;
  if (value === undefined) return { error: "a quoted value must be one JSON string" };
  if (value.length === 0) return { error: "the selector has no value" };
  return { [field]: value };
}

function readQuoted(text: string): string | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @internal Writes steps back as path text, in the form {@link parseChangePath} reads.
 */
export function formatChangePath(segments: readonly ChangePathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (typeof s === "string") {
      if (NAME.exec(s)?.[0] === s) out += out === "" ? s : `.${s}`;
      else out += `[${JSON.stringify(s)}]`;
    } else {
      const [field, value] = Object.entries(s)[0] ?? ["", ""];
      const bare = value.length > 0 && !/["\]]/.test(value) && value.trim() === value;
      out += `[${field}=${bare ? value : JSON.stringify(value)}]`;
    }
  }
  return out;
}

/**
 * @internal Checks a path given as a list of steps: strings, non-negative integers, or selectors with
 * exactly one string field. Returns the steps or why they are not a path.
 */
export function checkSegments(list: readonly unknown[]): { segments: ChangePathSegment[] } | { error: string } {
  if (list.length === 0) return { error: "the path is empty" };
  if (list.length > SEGMENTS_MAX) return { error: `a path has at most ${SEGMENTS_MAX} steps` };
  const segments: ChangePathSegment[] = [];
  for (const [i, s] of list.entries()) {
    if (typeof s === "string" && s.length > 0) segments.push(s);
    else if (typeof s === "number" && Number.isSafeInteger(s) && s >= 0) segments.push(s);
    else if (typeof s === "object" && s !== null && !Array.isArray(s)) {
      const entries = Object.entries(s);
      const [field, value] = entries[0] ?? [];
      if (entries.length !== 1 || typeof value !== "string" || value.length === 0 || typeof field !== "string") {
        return { error: `step ${i} is a selector and must have exactly one field with a text value, such as { key: unilevel }` };
      }
      segments.push({ [field]: value });
    } else return { error: `step ${i} must be a key, an index (0 or more) or a selector such as { name: Gold }` };
  }
  if (typeof segments[0] !== "string") return { error: "a path starts with a key such as bonuses, ranks or money" };
  return { segments };
}
