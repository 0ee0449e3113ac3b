/**
 * Lists of texts (ids, dates) that do not hold a JavaScript string per entry. A run over ten million
 * members keeps tens of millions of ids; as strings they are tens of millions of heap objects that every
 * garbage collection must visit. Here they are bytes in one buffer, or codes into a short dictionary, and
 * a string is made only when one is asked for. A plain `string[]` is a {@link TextList} too, so the general
 * input path keeps its arrays.
 */

/** Texts by position, 0 ≤ i < length. A `string[]` is one; so are the byte-backed lists below. */
export interface TextList {
  readonly length: number;
  /** The text at position i (undefined only outside 0 … length - 1). */
  at(i: number): string | undefined;
}

/**
 * @internal ASCII texts stored as bytes: text i is `bytes[start[i], start[i + 1])`. Appended to while a
 * file is read; {@link ByteTexts.done} trims the buffers.
 */
export class ByteTexts implements TextList {
  private bytes = Buffer.allocUnsafe(1 << 16);
  private start = new Float64Array(1024);
  private used = 0;
  length = 0;

  /** Appends the bytes `src[s, e)` (ASCII) as the next text. */
  push(src: Uint8Array, s: number, e: number): void {
    const len = e - s;
    if (this.used + len > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + len));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    if (this.length + 2 > this.start.length) {
      const bigger = new Float64Array(this.start.length * 2);
      bigger.set(this.start);
      this.start = bigger;
    }
    for (let k = 0; k < len; k++) this.bytes[this.used + k] = src[s + k] as number;
    this.used += len;
    this.length++;
    this.start[this.length] = this.used;
  }

  /** Reserves room for about `n` texts of `bytesEach` bytes. */
  reserve(n: number, bytesEach: number): void {
    if (n + 1 > this.start.length) {
      const bigger = new Float64Array(n + 1);
      bigger.set(this.start.subarray(0, this.length + 1));
      this.start = bigger;
    }
    const want = Math.ceil(n * bytesEach);
    if (want > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(want);
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
  }

  /** Trims the buffers to what is used. */
  done(): this {
    const trimmed = Buffer.allocUnsafe(this.used);
    this.bytes.copy(trimmed, 0, 0, this.used);
    this.bytes = trimmed;
    this.start = this.start.slice(0, this.length + 1);
    return this;
  }

  at(i: number): string | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    return this.bytes.toString("latin1", this.start[i] as number, this.start[i + 1] as number);
  }

  /** The number of bytes (= characters) of text i. */
  textLength(i: number): number {
    return (this.start[i + 1] as number) - (this.start[i] as number);
  }

  /** Byte q of text i. */
  byteAt(i: number, q: number): number {
    return this.bytes[(this.start[i] as number) + q] as number;
  }

  /** Whether any text holds the byte `b` (a backslash, say, which JSON escapes). */
  hasByte(b: number): boolean {
    return this.bytes.subarray(0, this.used).includes(b);
  }

  /** Compares texts i and j byte by byte (for ASCII, the order of their UTF-16 code units). */
  compare(i: number, j: number): number {
    const b = this.bytes;
    let p = this.start[i] as number;
    const pe = this.start[i + 1] as number;
    let q = this.start[j] as number;
    const qe = this.start[j + 1] as number;
    for (; p < pe && q < qe; p++, q++) {
      const d = (b[p] as number) - (b[q] as number);
      if (d !== 0) return d;
    }
    return pe - p - (qe - q);
  }

  /** Whether the texts are strictly ascending (each comes before the next, byte by byte). */
  ascending(): boolean {
    for (let i = 1; i < this.length; i++) if (this.compare(i - 1, i) >= 0) return false;
    return true;
  }

  /** Compares text i with the bytes `src[s, e)`, byte by byte: negative when text i comes first. */
  compareBytes(i: number, src: Uint8Array, s: number, e: number): number {
    return compareBytes(this.bytes, this.start[i] as number, this.start[i + 1] as number, src, s, e);
  }

  /** Copies text i's bytes into `target` at `pos`; returns the position after them. */
  copyTo(i: number, target: Uint8Array, pos: number): number {
    const a = this.start[i] as number;
    const e = this.start[i + 1] as number;
    for (let q = a; q < e; q++) target[pos++] = this.bytes[q] as number;
    return pos;
  }

  /** Whether text i is the bytes `src[s, e)`. */
  equalsBytes(i: number, src: Uint8Array, s: number, e: number): boolean {
    const a = this.start[i] as number;
    if ((this.start[i + 1] as number) - a !== e - s) return false;
    for (let k = 0; k < e - s; k++) if (this.bytes[a + k] !== src[s + k]) return false;
    return true;
  }

  /** Whether text i is `text`. */
  equals(i: number, text: string): boolean {
    return sameText(this.bytes, this.start[i] as number, this.start[i + 1] as number, text);
  }
}

/** @internal Compares the bytes `a[as, ae)` with `b[bs, be)`, byte by byte: negative when a's come first. */
export function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let q = 0; q < n; q++) {
    const d = (a[as + q] as number) - (b[bs + q] as number);
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

/** @internal Whether the bytes `buf[s, e)` are the (ASCII) text. */
export function sameText(buf: Uint8Array, s: number, e: number, text: string): boolean {
  if (e - s !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (buf[s + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** @internal Texts from a short dictionary: text i is `words[codes[i]]` (dates: a few hundred distinct). */
export class CodedTexts implements TextList {
  constructor(
    private readonly words: readonly string[],
    private readonly codes: Int32Array,
  ) {}

  get length(): number {
    return this.codes.length;
  }

  at(i: number): string | undefined {
    return i >= 0 && i < this.codes.length ? this.words[this.codes[i] as number] : undefined;
  }
}

/** @internal Texts of another list by index: text i is `of.at(index[i])` (an order's member id). */
export class IndexedTexts implements TextList {
  constructor(
    /** The list indexed into. */
    readonly of: TextList,
    /** Text i is `of.at(index[i])`. */
    readonly index: Int32Array,
  ) {}

  get length(): number {
    return this.index.length;
  }

  at(i: number): string | undefined {
    return i >= 0 && i < this.index.length ? this.of.at(this.index[i] as number) : undefined;
  }
}

/** @internal Whether two lists hold the same texts in the same order. */
export function sameTexts(a: TextList, b: TextList): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a.at(i) !== b.at(i)) return false;
  return true;
}

/**
 * @internal The texts as a string array: the list itself when it is one, else every text made once (for
 * code that reads each text many times, such as a sort by id).
 */
export function stringsOf(list: TextList): readonly string[] {
  if (Array.isArray(list)) return list as readonly string[];
  const out = new Array<string>(list.length);
  for (let i = 0; i < out.length; i++) out[i] = list.at(i) as string;
  return out;
}
