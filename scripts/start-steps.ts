// The commands `npm start` runs, under a base folder (out/ for npm start; a temporary folder in its test).
import { join } from "node:path";

/** `compplan` argument lists: generate example data into BASE/example, run the starter plan into BASE/run. */
export function startSteps(base: string): string[][] {
  const example = join(base, "example");
  return [
    ["generate", "--members", "10000", "--seed", "42", "--period", "2026-10", "--out", example],
    [
      "run",
      "--plan", "plans/starter-unilevel/plan.yaml",
      "--members", join(example, "members.csv"),
      "--orders", join(example, "orders.csv"),
      "--period", "2026-10",
      // A run folder may not hold its own inputs: the run goes beside the example data, not around it.
      "--out", join(base, "run"),
    ],
  ];
}
