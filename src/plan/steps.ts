/**
 * The order of a plan's steps, from what each reads. A step that reads `earnings.<key>` or a column
 * `<key>.<name>` of bonus `<key>` runs after that bonus; a step that reads `rank` runs after the ranks
 * (the step {@link RANK_STEP}), which run after the bonuses whose columns the rank requirements read.
 * Volumes and qualification are ready before any step. Steps that do not depend on each other keep their
 * plan order, so the order is the same for the same plan, and a plan whose steps read each other in a
 * circle has no order.
 */

/** The key of the ranks as a step: the word `rank`, which no bonus may use as its key. */
export const RANK_STEP = "rank";

/** One step as the ordering sees it: its key and the columns it reads. */
export interface StepReads {
  readonly key: string;
  readonly reads: readonly string[];
}

/** The key of the bonus a column comes from, or undefined for the engine's own columns. */
export function columnSource(column: string, keys: ReadonlySet<string>): string | undefined {
  if (column === RANK_STEP) return keys.has(RANK_STEP) ? RANK_STEP : undefined;
  if (column.startsWith("earnings.")) return column.slice("earnings.".length);
  const dot = column.indexOf(".");
  if (dot > 0) {
    const owner = column.slice(0, dot);
    if (keys.has(owner) && owner !== "personal" && owner !== "group") return owner;
  }
  return undefined;
}

/**
 * Orders steps so that each runs after the steps it reads from (Kahn's algorithm, taking the earliest
 * ready step in plan order each time). Returns the step indices in run order, or one circle of keys
 * (`a → b → a`: a reads b, b reads a) when there is none. Reads of keys that are not steps are ignored here
 * (validation reports them).
 */
export function orderSteps(steps: readonly StepReads[]): { order?: number[]; cycle?: string[] } {
  const index = new Map(steps.map((s, i) => [s.key, i]));
  const keys = new Set(index.keys());
  // deps[i]: the steps i reads from.
  const deps = steps.map((s) => {
    const from = new Set<number>();
    for (const c of s.reads) {
      const owner = columnSource(c, keys);
      const j = owner === undefined ? undefined : index.get(owner);
      if (j !== undefined) from.add(j);
    }
    return from;
  });
  const waiting = deps.map((d) => d.size);
  const readers = steps.map(() => [] as number[]);
  deps.forEach((d, i) => {
    for (const j of d) (readers[j] as number[]).push(i);
  });
  const done = new Uint8Array(steps.length);
  const order: number[] = [];
  while (order.length < steps.length) {
    const next = waiting.findIndex((w, i) => w === 0 && done[i] === 0);
    if (next < 0) return { cycle: findCycle(deps, done, steps) };
    done[next] = 1;
    order.push(next);
    for (const r of readers[next] as number[]) waiting[r] = (waiting[r] as number) - 1;
  }
  return { order };
}

/** A circle among the steps not yet ordered (each of them still reads one of the others). */
function findCycle(deps: readonly Set<number>[], done: Uint8Array, steps: readonly StepReads[]): string[] {
  // Walk from an unordered step along unordered dependencies until a step repeats.
  let at = done.indexOf(0);
  const seen = new Map<number, number>();
  const path: number[] = [];
  while (!seen.has(at)) {
    seen.set(at, path.length);
    path.push(at);
    at = [...(deps[at] as Set<number>)].find((j) => done[j] === 0) as number;
  }
  const circle = path.slice(seen.get(at));
  return [...circle, at].map((i) => (steps[i] as StepReads).key);
}

/**
 * The order of a plan's steps with the ranks among them: first the bonuses the rank requirements read
 * (directly or through the columns those bonuses read), then the ranks, then every other bonus; each group
 * is ordered by {@link orderSteps} on its own (a read of an earlier group counts as done). `order` holds bonus indices; the ranks run after the first `rankAt`
 * of them (0 when no rank requirement reads a bonus's column). A circle through the ranks is named with
 * the key {@link RANK_STEP} (`rank → unilevel → rank`: the ranks read unilevel, which reads rank).
 *
 * @param rankReads - the columns the rank requirements read
 * @param bonuses - the bonus steps in plan order
 */
export function orderPlanSteps(rankReads: readonly string[], bonuses: readonly StepReads[]): { order?: number[]; rankAt?: number; cycle?: string[] } {
  const steps = [{ key: RANK_STEP, reads: rankReads }, ...bonuses];
  const r = orderSteps(steps);
  if (r.order === undefined) return { cycle: r.cycle as string[] };
  // The steps the ranks need: closed under what they read, so each group keeps a valid order.
  const keys = new Set(steps.map((s) => s.key));
  const index = new Map(steps.map((s, i) => [s.key, i]));
  const needed = new Set<number>();
  const stack = [0];
  while (stack.length > 0) {
    for (const c of (steps[stack.pop() as number] as StepReads).reads) {
      const j = index.get(columnSource(c, keys) ?? "");
      if (j !== undefined && !needed.has(j)) {
        needed.add(j);
        stack.push(j);
      }
    }
  }
  // Each group ordered on its own: a read of the other group (or of the ranks) is then already done.
  const group = (inside: boolean) => {
    const members = bonuses.map((_, i) => i).filter((i) => needed.has(i + 1) === inside);
    return (orderSteps(members.map((i) => bonuses[i] as StepReads)).order as number[]).map((k) => members[k] as number);
  };
  const before = group(true);
  const after = group(false);
  return { order: [...before, ...after], rankAt: before.length };
}
