// The schedule of a random level bonus (`unilevel`, `matching`): with or without a base row, and up to three
// rows for ranks of the ladder (at most one per rank), any rates including 0.
import fc from "fast-check";
import type { PlanContext } from "./family.js";
import { rate } from "./values.js";

/** The genes of a schedule: a base row of 1 to 5 levels or none, up to 3 rank rows of 1 to 6 levels. */
export const scheduleGenes = {
  baseRow: fc.option(fc.array(rate, { minLength: 1, maxLength: 5 }), { nil: undefined }),
  rankRows: fc.array(fc.record({ rank: fc.nat(3), rates: fc.array(rate, { minLength: 1, maxLength: 6 }) }), { maxLength: 3 }),
};

export interface ScheduleGenes {
  baseRow: string[] | undefined;
  rankRows: { rank: number; rates: string[] }[];
}

/** The schedule rows of the genes in the plan's context: never empty (a base row of 5% when none is left). */
export function buildSchedule(g: ScheduleGenes, ctx: PlanContext): Record<string, unknown>[] {
  const schedule: Record<string, unknown>[] = [];
  if (g.baseRow !== undefined) schedule.push({ rates: g.baseRow });
  // At most one row per rank (a rank named twice is a plan error); none when the ladder is empty.
  const seen = new Set<number>();
  for (const row of g.rankRows) {
    if (ctx.ranks.length === 0 || seen.has(row.rank % ctx.ranks.length)) continue;
    seen.add(row.rank % ctx.ranks.length);
    schedule.push({ rank: ctx.ranks[row.rank % ctx.ranks.length], rates: row.rates });
  }
  if (schedule.length === 0) schedule.push({ rates: ["0.05"] });
  return schedule;
}
