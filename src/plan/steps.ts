/**
 * The order of a plan's bonus steps, from what each reads. A step that reads `earnings.<key>` or a column
 * `<key>.<name>` of bonus `<key>` runs after that bonus; volumes, qualification and ranks are ready before
 * any bonus step. Steps that do not depend on each other keep their plan order, so the order is the same
 * for the same plan, and a plan whose steps read each other in a circle has no order.
 */

/** One step as the ordering sees it: its key and the columns it reads. */
export interface StepReads {
  readonly key: string;
  readonly reads: readonly string[];
}

/** The key of the bonus a column comes from, or undefined for the engine's own columns. */
export function columnSource(column: string, keys: ReadonlySet<string>): string | undefined {
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
