/**
 * An index of ids for the fast input path: open addressing (linear probing, at most 70% full) over one Int32Array, with each entry's hash
 * kept beside it, so finding an id read from a file's bytes makes no string and usually touches one
 * cache line. Millions of ids cost two typed arrays instead of a Map's millions of heap entries, and there
 * is no size limit short of memory (V8's Map and Set stop at 2^24 entries).
 */

/** FNV-1a over the bytes, then a finalizer so that ids differing only in their last digits spread. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** @internal The hash of the bytes `buf[s, e)`. */
export function hashBytes(buf: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let q = s; q < e; q++) h = Math.imul(h ^ (buf[q] as number), 0x01000193);
  return finish(h);
}

/** @internal The hash of a string's UTF-16 code units (equal to {@link hashBytes} of its bytes when it is ASCII). */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let q = 0; q < text.length; q++) h = Math.imul(h ^ text.charCodeAt(q), 0x01000193);
  return finish(h);
}


/** What an {@link IdTable} compares against: entry i's id. */
export interface IdTexts {
  /** Whether entry i is the bytes `src[s, e)`. */
  equalsBytes(i: number, src: Uint8Array, s: number, e: number): boolean;
  /** Whether entry i is `text`. */
  equals(i: number, text: string): boolean;
}

/**
 * @internal Ids by position: entry i is `ids`' entry i. The table holds (i + 1, hash) pairs; 0 marks a free
 * slot. Entries are added in order 0, 1, 2…; the caller owns `ids` and appends to it.
 */
export class IdTable {
  private table: Int32Array;
  private mask: number;
  /** Number of ids. */
  size = 0;

  /** @param ids - the ids, appended by the caller as entries are added */
  constructor(private readonly ids: IdTexts, expected = 1024) {
    let cap = 1024;
    while (10 * expected > 7 * cap) cap *= 2;
    this.table = new Int32Array(cap * 2);
    this.mask = cap - 1;
  }

  /** The entry of the bytes `buf[s, e)` with hash `h`, or -1. */
  findBytes(buf: Uint8Array, s: number, e: number, h: number): number {
    const t = this.table;
    for (let j = h & this.mask; ; j = (j + 1) & this.mask) {
      const at = t[2 * j] as number;
      if (at === 0) return -1;
      if (t[2 * j + 1] === h && this.ids.equalsBytes(at - 1, buf, s, e)) return at - 1;
    }
  }

  /** The entry of `id`, or undefined (the {@link Genealogy} index interface). */
  get(id: string): number | undefined {
    const h = hashText(id);
    const t = this.table;
    for (let j = h & this.mask; ; j = (j + 1) & this.mask) {
      const at = t[2 * j] as number;
      if (at === 0) return undefined;
      if (t[2 * j + 1] === h && this.ids.equals(at - 1, id)) return at - 1;
    }
  }

  /** Adds entry `i` (= the current size) with hash `h`; the caller has checked it is not present. */
  add(i: number, h: number): void {
    if (10 * (this.size + 1) > 7 * (this.mask + 1)) this.grow();
    this.place(i, h);
    this.size++;
  }

  /** Makes room for `n` ids without growing again. */
  reserve(n: number): void {
    while (10 * n > 7 * (this.mask + 1)) this.grow();
  }

  private place(i: number, h: number): void {
    const t = this.table;
    let j = h & this.mask;
    while (t[2 * j] !== 0) j = (j + 1) & this.mask;
    t[2 * j] = i + 1;
    t[2 * j + 1] = h;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = old.length - 1;
    for (let j = 0; j < old.length; j += 2) if (old[j] !== 0) this.place((old[j] as number) - 1, old[j + 1] as number);
  }
}

