/**
 * The per-member columns bonus steps make during a run: each bonus's settled earnings (`earnings.<key>`)
 * and the columns it publishes (`<key>.<name>`), held for the steps that read them (later bonuses, the
 * ranks). Publishing is checked against what each step declares.
 */
import { assert } from "../errors/issues.js";
import type { ColumnName, CompiledBonus } from "../bonuses/family.js";

/** @internal The columns of one run, filled step by step. */
export class ColumnStore {
  private readonly values = new Map<ColumnName, Float64Array>();
  private running = -1;

  /**
   * @param bonuses - the plan's compiled bonuses
   * @param size - the number of members (the length of every column)
   */
  constructor(
    private readonly bonuses: readonly CompiledBonus[],
    private readonly size: number,
  ) {}

  /** Marks bonus `index` as the running step: the one {@link ColumnStore.publish} publishes for. */
  begin(index: number): void {
    this.running = index;
  }

  /** Publishes the running step's declared column `name`, once. */
  publish(name: string, values: Float64Array): void {
    const b = this.bonuses[this.running];
    assert(b !== undefined, "publish-in-step", `column ${name} published outside a step`);
    const column = `${b.key}.${name}`;
    assert(b.publishes.some((p) => p.column === column), "publish-declared", `${b.key} publishes ${column}, which it does not declare`);
    assert(!this.values.has(column), "publish-once", `${column} published twice`);
    assert(values.length === this.size, "publish-size", `${column} has ${values.length} values for ${this.size} members`);
    this.values.set(column, values);
  }

  /** Ends the running step, with its settled earnings; every column it declares must be published. */
  end(earnings: Float64Array): void {
    const b = this.bonuses[this.running] as CompiledBonus;
    for (const p of b.publishes) assert(this.values.has(p.column), "publish-all", `${b.key} did not publish ${p.column}`);
    this.values.set(`earnings.${b.key}`, earnings);
    this.running = -1;
  }

  /** A column a finished step made: `earnings.<key>` or `<key>.<name>`. */
  column(name: ColumnName): Float64Array {
    const v = this.values.get(name);
    assert(v !== undefined, "column-ready-before-read", name);
    return v;
  }

  /** The settled earnings of each bonus, by plan position (every bonus must have run). */
  earningsByBonus(): Float64Array[] {
    return this.bonuses.map((b) => this.column(`earnings.${b.key}`));
  }
}
