// The Amway Australia/New Zealand "Starting Out" examples: one member who each month resells what they buy
// (one retail sale with the stated PV and BV; RBV repeats the BV), run over the twelve months of a year.
import type { PeriodRun, Statement } from "../../src/index.js";
import { type ConformanceCase, conformanceCase } from "./cases.js";
import { chainText, everyMonth, loadPlan, membersOf, ordersOf, runFilesChain } from "./helpers.js";

/** The year run: the twelve months of 2026. */
export const YEAR_RANGE = "2026-01..2026-12";

/** A Starting Out example: the published case, the plan beside the test (in `dir`) run over the year. */
export interface StartingOut {
  readonly c: ConformanceCase;
  /** The twelve monthly periods, run as a chain. */
  readonly year: PeriodRun[];
  /** YOU's statement of each month. */
  readonly you: (Statement | undefined)[];
  /** The months as `compplan run --periods` writes them from the files beside the plan, and as the chain gives them. */
  readonly files: () => { fromFiles: ReturnType<typeof runFilesChain>; fromChain: ReturnType<typeof chainText> };
}

/** Runs the case `caseId` with the plan.yaml in `dir` over the twelve months of 2026. */
export function startingOut(caseId: string, dir: URL): StartingOut {
  const c = conformanceCase(caseId);
  type Node = { personalVolume: number; businessVolume: number };
  const month = ordersOf(c.tree, (n: Node) => ({ PV: n.personalVolume, BV: n.businessVolume, RBV: n.businessVolume }), "retail-sale");
  const year = everyMonth(loadPlan(new URL("plan.yaml", dir)), membersOf(c.tree), month, YEAR_RANGE);
  return { c, year, you: year.map((p) => p.run.statement("YOU")), files: () => ({ fromFiles: runFilesChain(dir, YEAR_RANGE), fromChain: chainText(year) }) };
}
