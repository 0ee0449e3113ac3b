import { assert } from "../errors/issues.js";
import { RATE_SCALE, VALUE_SCALE, VOLUME_SCALE, pow10 } from "../money/decimal.js";

/**
 * Line items in columnar form. Bonus steps append; statements are rendered from these arrays only when
 * asked for. Every line's exact value is `base × rate` (base at VOLUME_SCALE, rate at RATE_SCALE); a
 * fixed-amount line stores its amount as the base with a rate of 1.
 */

/** The line took its level through compression (unqualified members below were skipped). */
export const LINE_COMPRESSED = 1;
/** The line is a fixed amount (base holds the amount; rate is 1). */
export const LINE_FIXED = 2;

/**
 * @internal Appends a fixed-amount line of `units` money units (10^-`scale`, either sign): its base is the
 * amount in volume units (10^-4) at a rate of 1, so its exact value is the amount.
 */
export function addMoneyLine(sink: LineSink, recipient: number, bonus: number, units: number, scale: number): void {
  const base = units * 10 ** (VOLUME_SCALE - scale);
  if (!Number.isSafeInteger(base)) assert(false, "money-line-safe-integer", `a line of ${units} units at scale ${scale}`);
  sink.add(recipient, bonus, 0, LINE_FIXED, 0, -1, base, 10 ** RATE_SCALE);
}

/** @internal An amount in money units (10^-`scale`) as an exact value (10^-VALUE_SCALE), for accounting. */
export function moneyValue(units: bigint, scale: number): bigint {
  return units * pow10(VALUE_SCALE - scale);
}

/**
 * @internal The lines of `sink` grouped by recipient (a counting sort, linear): recipient i's lines are
 * `order[start[i] .. start[i+1])`, each group in the order the lines were added.
 */
export function linesByRecipient(sink: LineSink, n: number): { readonly start: Int32Array; readonly order: Int32Array } {
  const L = sink.count;
  const start = new Int32Array(n + 1);
  for (let l = 0; l < L; l++) {
    const r = (sink.recipient[l] as number) + 1;
    start[r] = (start[r] as number) + 1;
  }
  for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
  const fill = start.slice(0, n);
  const order = new Int32Array(L);
  for (let l = 0; l < L; l++) {
    const r = sink.recipient[l] as number;
    order[fill[r] as number] = l;
    fill[r] = (fill[r] as number) + 1;
  }
  return { start, order };
}

/**
 * Growable columnar storage of line items. Start it at about the number of lines the run will make (the
 * member count is a fair guess): memory the lines never reach is reserved, not touched, so it costs
 * nothing, while each doubling copies every line so far into freshly touched memory.
 */
export class LineSink {
  count = 0;
  recipient: Int32Array;
  bonus: Uint16Array;
  level: Int16Array;
  flags: Uint8Array;
  /** Number of source members (0 for none). */
  sources: Int32Array;
  /** The single source member when `sources` is 1, else -1. */
  source: Int32Array;
  /** The order (an index into the run's orders) a line pays on, else -1. */
  order: Int32Array;
  base: Float64Array;
  rate: Float64Array;

  constructor(capacity = 1024) {
    const size = Math.max(1024, capacity);
    this.recipient = new Int32Array(size);
    this.bonus = new Uint16Array(size);
    this.level = new Int16Array(size);
    this.flags = new Uint8Array(size);
    this.sources = new Int32Array(size);
    this.source = new Int32Array(size);
    this.order = new Int32Array(size);
    this.base = new Float64Array(size);
    this.rate = new Float64Array(size);
  }

  /** Appends one line; `order` is the order it pays on (an index into the run's orders), -1 for none. */
  add(recipient: number, bonus: number, level: number, flags: number, sources: number, source: number, base: number, rate: number, order = -1): void {
    if (this.count === this.recipient.length) this.grow();
    const i = this.count++;
    this.recipient[i] = recipient;
    this.bonus[i] = bonus;
    this.level[i] = level;
    this.flags[i] = flags;
    this.sources[i] = sources;
    this.source[i] = source;
    this.order[i] = order;
    this.base[i] = base;
    this.rate[i] = rate;
  }

  private grow(): void {
    const size = this.recipient.length * 2;
    const g = <T extends Int32Array | Uint16Array | Int16Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.recipient = g(this.recipient, (n) => new Int32Array(n));
    this.bonus = g(this.bonus, (n) => new Uint16Array(n));
    this.level = g(this.level, (n) => new Int16Array(n));
    this.flags = g(this.flags, (n) => new Uint8Array(n));
    this.sources = g(this.sources, (n) => new Int32Array(n));
    this.source = g(this.source, (n) => new Int32Array(n));
    this.order = g(this.order, (n) => new Int32Array(n));
    this.base = g(this.base, (n) => new Float64Array(n));
    this.rate = g(this.rate, (n) => new Float64Array(n));
  }
}
