// The benchmarks' generated data: seeded members.csv and orders.csv for October 2026 in a new temporary folder.
import { closeSync, mkdtempSync, openSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateData, type Shape } from "../src/generate/generate.js";
import { parsePeriod } from "../src/run/period.js";

/** Writes `n` generated members (seed 1, `shape`) and their orders into a new temporary folder; returns it. */
export function generateFiles(n: number, shape: Shape = "realistic"): string {
  const dir = mkdtempSync(join(tmpdir(), `compplan-bench-${n}-${shape}-`));
  const m = openSync(join(dir, "members.csv"), "w");
  const o = openSync(join(dir, "orders.csv"), "w");
  try {
    generateData({ members: n, seed: 1, period: parsePeriod("2026-10"), shape }, { members: (c) => void writeSync(m, c), orders: (c) => void writeSync(o, c) });
  } finally {
    closeSync(m);
    closeSync(o);
  }
  return dir;
}
