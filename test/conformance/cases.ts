// Typed access to the published worked examples (a verbatim copy of ../shared/conformance/cases.json).
// Tests read expected figures from here, so no published number is retyped by hand.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// biome-ignore lint: the cases are heterogeneous data; each test reads the fields it knows.
export type ConformanceCase = { id: string; [key: string]: any };

const CASES: ConformanceCase[] = JSON.parse(readFileSync(fileURLToPath(new URL("./cases.json", import.meta.url)), "utf8"));

/** The published case with this id. */
export function conformanceCase(id: string): ConformanceCase {
  const c = CASES.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no conformance case ${id}`);
  return c;
}

/** A published figure (a JSON number) as an exact money string at `scale`, without float arithmetic. */
export function money(n: number, scale = 2): string {
  const [int, frac = ""] = String(n).split(".") as [string, string | undefined];
  if (frac.length > scale) throw new Error(`${n} has more than ${scale} places`);
  return scale === 0 ? int : `${int}.${frac.padEnd(scale, "0")}`;
}
