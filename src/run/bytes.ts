/**
 * Appending text as UTF-8 bytes, for the statement renderer: integers and scaled decimals written digit by
 * digit, JSON strings with an ASCII fast path, constant pieces copied from precomputed bytes. No string
 * or object is made per value on the common paths.
 */
import { assert } from "../errors/issues.js";
import { formatNumberUnits } from "../money/decimal.js";

const encoder = new TextEncoder();

/** @internal UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

const NUM_POW10: number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * @internal An append-only byte buffer. Without `full` it grows; with `full`, a full buffer is handed to
 * `full`, which must give the writer an empty buffer (`buf`, `pos = 0`) of at least
 * {@link ByteWriter.MIN_CAPACITY} bytes. Bytes then leave in order, so one piece of text may span buffers.
 */
export class ByteWriter {
  /** The smallest buffer a writer may be given: {@link ByteWriter.room} asks for at most this much. */
  static readonly MIN_CAPACITY = 1 << 16;
  /** Longest string written by the fast path of {@link ByteWriter.json} (bytes asked of `room` at once). */
  private static readonly FAST_STRING = 4096;

  /** The current buffer; bytes `0 .. pos` are written. */
  buf: Uint8Array;
  /** Bytes written to `buf`. */
  pos = 0;
  private readonly full: ((w: ByteWriter) => void) | undefined;

  /**
   * @param buf - the first buffer
   * @param full - takes a full buffer's `buf.subarray(0, pos)` and sets an empty one; omitted: grow
   */
  constructor(buf: Uint8Array, full?: (w: ByteWriter) => void) {
    this.buf = buf;
    this.full = full;
  }

  /** The bytes written (growing writers: all of them; others: those since the last hand-over). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Makes room for `n` more bytes in `buf` (n at most {@link ByteWriter.MIN_CAPACITY}). */
  room(n: number): void {
    if (this.pos + n > this.buf.length) this.spill(n);
  }

  private spill(n: number): void {
    if (this.full !== undefined) {
      if (this.pos > 0) this.full(this);
      assert(this.pos + n <= this.buf.length, "byte-writer-room", `${n} bytes asked of a ${this.buf.length}-byte buffer`);
      return;
    }
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n, 1024));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Appends bytes of any length. */
  bytes(b: Uint8Array): void {
    const n = b.length;
    if (this.pos + n > this.buf.length) {
      if (this.full !== undefined) return this.chunked(b);
      this.spill(n);
    }
    const buf = this.buf;
    const p = this.pos;
    // A loop costs about 1 ns a byte, set() about 11 ns a call.
    if (n < 12) for (let k = 0; k < n; k++) buf[p + k] = b[k] as number;
    else buf.set(b, p);
    this.pos = p + n;
  }

  private chunked(b: Uint8Array): void {
    let off = 0;
    while (off < b.length) {
      if (this.pos === this.buf.length) this.spill(1);
      const k = Math.min(b.length - off, this.buf.length - this.pos);
      this.buf.set(b.subarray(off, off + k), this.pos);
      this.pos += k;
      off += k;
    }
  }

  /** Appends one byte. */
  byte(c: number): void {
    if (this.pos >= this.buf.length) this.spill(1);
    this.buf[this.pos++] = c;
  }

  /** Appends text known to be ASCII (number text from the BigInt fallbacks). */
  ascii(text: string): void {
    const n = text.length;
    if (n > ByteWriter.FAST_STRING) return this.bytes(utf8(text));
    this.room(n);
    const buf = this.buf;
    const p = this.pos;
    for (let k = 0; k < n; k++) buf[p + k] = text.charCodeAt(k);
    this.pos = p + n;
  }

  /** Appends `text` as a JSON string literal: exactly the bytes of `JSON.stringify(text)` in UTF-8. */
  json(text: string): void {
    const n = text.length;
    if (n <= ByteWriter.FAST_STRING) {
      this.room(n + 2);
      const buf = this.buf;
      let p = this.pos;
      buf[p++] = 34;
      let k = 0;
      for (; k < n; k++) {
        const c = text.charCodeAt(k);
        // Control characters, quote and backslash are escaped; non-ASCII takes the general path.
        if (c < 32 || c === 34 || c === 92 || c > 127) break;
        buf[p++] = c;
      }
      if (k === n) {
        buf[p++] = 34;
        this.pos = p;
        return;
      }
    }
    this.bytes(utf8(JSON.stringify(text)));
  }

  /** Appends `true` or `false`. */
  bool(b: boolean): void {
    this.room(5);
    const buf = this.buf;
    const p = this.pos;
    if (b) {
      buf[p] = 116;
      buf[p + 1] = 114;
      buf[p + 2] = 117;
      buf[p + 3] = 101;
      this.pos = p + 4;
    } else {
      buf[p] = 102;
      buf[p + 1] = 97;
      buf[p + 2] = 108;
      buf[p + 3] = 115;
      buf[p + 4] = 101;
      this.pos = p + 5;
    }
  }

  /** Appends a non-negative safe integer in decimal (as `String(n)`). */
  uint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) return this.ascii(String(n));
    this.room(16);
    this.pos = putUint(this.buf, this.pos, n);
  }

  /**
   * Appends an integer `units` at `scale` with at least `minScale` decimal places and no trailing zeros
   * beyond: exactly {@link formatNumberUnits}, whose BigInt path it takes outside the safe range.
   */
  units(units: number, scale: number, minScale: number): void {
    if (!Number.isSafeInteger(units) || scale > 15) return this.ascii(formatNumberUnits(units, scale, minScale));
    this.room(34);
    const buf = this.buf;
    let p = this.pos;
    let a = units;
    if (a < 0) {
      buf[p++] = 45;
      a = -a;
    }
    const d = NUM_POW10[scale] as number;
    // floor(a / d) is exact: for a safe integer a and d = 10^k the quotient's nearest double is less
    // than half an ulp (< 1/d) from the true quotient, which is at least 1/d from the next integer.
    const int = Math.floor(a / d);
    const frac = a - int * d;
    p = putUint(buf, p, int);
    if (frac === 0) {
      // Only the places asked for, all zeros.
      if (minScale > 0) {
        buf[p++] = 46;
        for (let k = 0; k < minScale; k++) buf[p++] = 48;
      }
    } else if (scale > 0) {
      // Every place, then trailing zeros trimmed down to minScale (frac > 0 leaves at least one digit).
      buf[p] = 46;
      putPadded(buf, p + 1, scale, frac);
      let end = p + 1 + scale;
      const keep = p + 1 + minScale;
      while (end > keep && buf[end - 1] === 48) end--;
      p = end;
    }
    this.pos = p;
  }
}

/** Writes non-negative safe integer `n` (below 10^width) as exactly `width` digits at `p`, zero-padded. */
function putPadded(buf: Uint8Array, p: number, width: number, n: number): void {
  let k = p + width;
  let x = n;
  while (x > 0x7fffffff) {
    const q = Math.floor(x / 10);
    buf[--k] = 48 + (x - q * 10);
    x = q;
  }
  let y = x | 0;
  while (y > 0) {
    const q = (y / 10) | 0;
    buf[--k] = 48 + (y - q * 10);
    y = q;
  }
  while (k > p) buf[--k] = 48;
}

/** Writes non-negative safe integer `n` at `p`; returns the position after it. */
function putUint(buf: Uint8Array, p: number, n: number): number {
  if (n < 10) {
    buf[p] = 48 + n;
    return p + 1;
  }
  if (n <= 0x7fffffff) {
    // In int32 arithmetic, which the compiler turns into multiplications.
    const len = n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
    let k = p + len;
    let x = n | 0;
    while (x >= 10) {
      const q = (x / 10) | 0;
      buf[--k] = 48 + (x - q * 10);
      x = q;
    }
    buf[--k] = 48 + x;
    return p + len;
  }
  let len = 10;
  for (let t = 1e10; t <= n; t *= 10) len++;
  let k = p + len;
  // floor(n / 10) is exact for safe integers (see units).
  while (n >= 10) {
    const q = Math.floor(n / 10);
    buf[--k] = 48 + (n - q * 10);
    n = q;
  }
  buf[--k] = 48 + n;
  return p + len;
}

/**
 * @internal Text in, UTF-8 bytes out in chunks: each piece is encoded straight into one reused buffer, and
 * a full buffer goes to `consume` (a file write, a hash), so millions of small strings never make a long
 * one. A piece longer than the buffer goes to `consume` on its own.
 */
export class TextChunks {
  private readonly buffer: Buffer;
  private used = 0;

  /** @param consume - takes each chunk (valid only during the call) */
  constructor(
    private readonly consume: (bytes: Uint8Array) => void,
    size = 1 << 20,
  ) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** Appends `text` as UTF-8. */
  add(text: string): void {
    // A UTF-16 code unit encodes to at most 3 UTF-8 bytes.
    if (this.used + text.length * 3 > this.buffer.length) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        this.consume(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  /** Hands what is buffered to `consume`. */
  flush(): void {
    if (this.used > 0) this.consume(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}
