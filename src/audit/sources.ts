/**
 * Collecting the source members of a line item or of a forgone amount while a bonus family recomputes one
 * member's part: the count and total of all of them, and the largest few for people to read. Memory stays
 * bounded by `sourcesMax` however many sources there are.
 */
import type { TextList } from "../input/text-list.js";
import { formatVolume } from "../money/decimal.js";
import type { ExplainContext, SourceDetail, SourceList } from "./explanation.js";

interface Entry {
  readonly member: number;
  readonly volume: number;
  readonly distance: number;
  readonly level: number;
}

/**
 * @internal Keeps the largest `max` sources offered (volume descending, then member id). The caller
 * counts and sums all sources itself and offers only those at or above the threshold {@link offer}
 * returns, so a walk over many sources calls in rarely.
 */
export class SourceCollector {
  private readonly top: Entry[] = [];

  constructor(
    private readonly max: number,
    private readonly ids: TextList,
  ) {}

  /**
   * Offers source `member` with `volume` units, found `distance` generations down at compressed `level`.
   * @returns the smallest volume worth offering next (-Infinity while the list is not full, Infinity when
   *   nothing more is kept)
   */
  offer(member: number, volume: number, distance: number, level: number): number {
    const top = this.top;
    if (this.max <= 0) return Number.POSITIVE_INFINITY;
    if (top.length === this.max) {
      const worst = top[top.length - 1] as Entry;
      if (volume < worst.volume || (volume === worst.volume && (this.ids.at(member) as string) >= (this.ids.at(worst.member) as string))) return worst.volume;
      top.pop();
    }
    const e: Entry = { member, volume, distance, level };
    let i = top.length;
    top.push(e);
    while (i > 0 && this.before(e, top[i - 1] as Entry)) {
      top[i] = top[i - 1] as Entry;
      i--;
    }
    top[i] = e;
    // Until the list is full every source is worth offering, a negative one too (matched earnings may be).
    return top.length === this.max ? (top[top.length - 1] as Entry).volume : Number.NEGATIVE_INFINITY;
  }

  /** The sources for an explanation, given the count and total volume of all of them; orders are looked up only for those listed. */
  list(ctx: ExplainContext, measure: number, count: number, volume: number): SourceList {
    const shown = this.top.map((e): SourceDetail => {
      // A base that is not a measure's volume (a matching bonus's earnings) has no orders to list.
      const orders = measure >= 0 ? ctx.ordersOf(e.member, measure) : undefined;
      return {
        memberId: this.ids.at(e.member) as string,
        volume: formatVolume(e.volume),
        distance: e.distance,
        level: e.level,
        qualified: ctx.qualified[e.member] === 1,
        ...(orders !== undefined ? { orders: orders.orders, ...(orders.omitted > 0 ? { ordersOmitted: orders.omitted } : {}) } : {}),
      };
    });
    return { count, volume: formatVolume(volume), shown, omitted: count - shown.length };
  }

  private before(a: Entry, b: Entry): boolean {
    return a.volume > b.volume || (a.volume === b.volume && (this.ids.at(a.member) as string) < (this.ids.at(b.member) as string));
  }
}
