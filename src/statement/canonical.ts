/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, undefined members dropped, arrays in order.
 * The same value always gives the same bytes, whatever order its keys were built in.
 *
 * This is on the path that writes millions of statements, so the compact form avoids per-object
 * allocations beyond the key list: keys are insertion-sorted in place (already-sorted keys cost one pass)
 * and quoted keys are cached.
 */

/**
 * Serialises a JSON-compatible value canonically.
 *
 * @param value - plain objects, arrays, strings, booleans, null and finite numbers
 * @param indent - spaces per level for people (0, the default, for NDJSON and hashing)
 * @returns the canonical JSON text
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: "x" }); // '{"a":"x","b":1}'
 * ```
 */
export function canonicalJson(value: unknown, indent = 0): string {
  return indent > 0 ? pretty(value, indent, "") : compact(value);
}

const quotedKeys = new Map<string, string>();
function quoteKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < 10_000) quotedKeys.set(k, q);
  }
  return q;
}

function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

function scalar(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError("canonicalJson: numbers must be finite");
      return JSON.stringify(value);
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
}

function compact(value: unknown): string {
  if (typeof value !== "object" || value === null) return scalar(value);
  if (Array.isArray(value)) {
    let s = "[";
    for (let i = 0; i < value.length; i++) s += (i > 0 ? "," : "") + compact(value[i]);
    return `${s}]`;
  }
  const obj = value as Record<string, unknown>;
  let s = "{";
  let first = true;
  for (const k of sortedKeys(obj)) {
    const v = obj[k];
    if (v === undefined) continue;
    s += (first ? "" : ",") + quoteKey(k) + ":" + compact(v);
    first = false;
  }
  return `${s}}`;
}

function pretty(value: unknown, indent: number, pad: string): string {
  if (typeof value !== "object" || value === null) return scalar(value);
  const inner = pad + " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + pretty(v, indent, inner)).join(",\n")}\n${pad}]`;
  }
  const obj = value as Record<string, unknown>;
  const body = sortedKeys(obj)
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${inner}${quoteKey(k)}: ${pretty(obj[k], indent, inner)}`);
  return body.length === 0 ? "{}" : `{\n${body.join(",\n")}\n${pad}}`;
}
