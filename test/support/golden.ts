// Golden files: a check mode (the default) and an explicit update mode (UPDATE_GOLDEN=1). A golden file that
// is missing fails the check; only the update mode writes one.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect } from "vitest";

/** Compares `actual` with the golden file at `path`, or writes it when UPDATE_GOLDEN=1. */
export function expectGolden(path: string | URL, actual: string): void {
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, actual);
  else if (!existsSync(path)) throw new Error(`golden file ${String(path)} is missing: write it with UPDATE_GOLDEN=1 and review it line by line`);
  expect(actual).toBe(readFileSync(path, "utf8"));
}
