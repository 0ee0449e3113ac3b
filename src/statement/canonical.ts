/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, undefined members dropped, arrays in order.
 * The same value always gives the same bytes, whatever order its keys were built in.
 */

/**
 * Serialises a JSON-compatible value canonically.
 *
 * @param value - plain objects, arrays, strings, booleans, null and safe integers
 * @param indent - spaces per level for people (0, the default, for NDJSON and hashing)
 * @returns the canonical JSON text
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: "x" }); // '{"a":"x","b":1}'
 * ```
 */
export function canonicalJson(value: unknown, indent = 0): string {
  return write(value, indent, "");
}

function write(value: unknown, indent: number, pad: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError("canonicalJson: numbers must be finite");
      return JSON.stringify(value);
    case "object": {
      const inner = indent > 0 ? pad + " ".repeat(indent) : "";
      const nl = indent > 0 ? "\n" : "";
      const sep = indent > 0 ? ": " : ":";
      if (Array.isArray(value)) {
        if (value.length === 0) return "[]";
        return `[${nl}${value.map((v) => inner + write(v, indent, inner)).join(`,${nl}`)}${nl}${pad}]`;
      }
      const keys = Object.keys(value as object)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort();
      if (keys.length === 0) return "{}";
      const body = keys.map((k) => `${inner}${JSON.stringify(k)}${sep}${write((value as Record<string, unknown>)[k], indent, inner)}`);
      return `{${nl}${body.join(`,${nl}`)}${nl}${pad}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
}
