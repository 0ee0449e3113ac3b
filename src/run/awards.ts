/**
 * Non-money awards a run's steps record (a contest's trip): no amount, so not line items. Each is a member,
 * a bonus and the index of the award among the bonus's {@link CompiledBonus.awards}; statements list a
 * member's awards by bonus (plan order), then award index.
 */
import { assert } from "../errors/issues.js";
import type { CompiledBonus } from "../bonuses/family.js";

/** @internal The awards of one run, recorded step by step. */
export class AwardRecords {
  private readonly records: number[] = [];
  private byMember: Map<number, [number, number][]> | undefined;

  /** @param bonuses - the plan's compiled bonuses (each step's award names) */
  constructor(private readonly bonuses: readonly CompiledBonus[]) {}

  /** Records award `award` of bonus `bonus` for `member`. */
  add(member: number, bonus: number, award: number): void {
    const names = this.bonuses[bonus]?.awards ?? [];
    if (!(Number.isInteger(award) && award >= 0 && award < names.length)) assert(false, "award-declared", `bonus ${this.bonuses[bonus]?.key} records award ${award} of ${names.length}`);
    assert(this.byMember === undefined, "awards-before-finalize", "an award recorded after the statements were indexed");
    this.records.push(member, bonus, award);
  }

  /** The number of awards recorded. */
  get count(): number {
    return this.records.length / 3;
  }

  /** Member `member`'s awards as [bonus, award] pairs, in statement order (bonus, then award). */
  of(member: number): readonly (readonly [number, number])[] {
    if (this.records.length === 0) return NONE;
    if (this.byMember === undefined) {
      const map = new Map<number, [number, number][]>();
      for (let k = 0; k < this.records.length; k += 3) {
        const m = this.records[k] as number;
        let list = map.get(m);
        if (list === undefined) map.set(m, (list = []));
        list.push([this.records[k + 1] as number, this.records[k + 2] as number]);
      }
      for (const list of map.values()) list.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      this.byMember = map;
    }
    return this.byMember.get(member) ?? NONE;
  }

  /** The name of award `award` of bonus `bonus`. */
  name(bonus: number, award: number): string {
    return (this.bonuses[bonus]?.awards ?? [])[award] as string;
  }
}

const NONE: readonly (readonly [number, number])[] = [];
