/**
 * Ordering texts by id: the order of `<` (UTF-16 code units), read straight from the bytes for the fast
 * input path's lists (ASCII, so bytes and code units agree) and from the strings otherwise. One sort serves
 * the statements (ordered by member id) and the canonical input rows (ordered by id).
 */
import { ByteTexts, IndexedTexts, type TextList } from "./text-list.js";

/** @internal The texts of a list as the sort reads them. */
export interface TextUnits {
  readonly count: number;
  /** UTF-16 code units of text i. */
  len(i: number): number;
  /** Code unit q of text i. */
  unit(i: number, q: number): number;
  /** Whether text i comes before text j (the order of `<`). */
  less(i: number, j: number): boolean;
}

/**
 * @internal The byte-backed list behind `list` (itself, or the list an IndexedTexts indexes, through any
 * number of them: an order's member id indexes the members' ids, which index the input rows), if any.
 */
export function bytesBehind(list: TextList): ByteTexts | undefined {
  return list instanceof ByteTexts ? list : list instanceof IndexedTexts ? bytesBehind(list.of) : undefined;
}

/** @internal Position i of `list` within {@link bytesBehind}'s list. */
export function positionIn(list: TextList): (i: number) => number {
  if (!(list instanceof IndexedTexts)) return (i) => i;
  const index = list.index;
  if (!(list.of instanceof IndexedTexts)) return (i) => index[i] as number;
  const inner = positionIn(list.of);
  return (i) => inner(index[i] as number);
}

/**
 * @internal A comparator of positions by their texts in the order of `<`: byte by byte for byte-backed
 * lists (ASCII, so the same order) without making strings.
 */
export function textOrder(list: TextList): (a: number, b: number) => number {
  const bytes = bytesBehind(list);
  if (bytes !== undefined) {
    const at = positionIn(list);
    return (a, b) => bytes.compare(at(a), at(b));
  }
  return (a, b) => {
    const x = list.at(a) as string;
    const y = list.at(b) as string;
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** @internal The units of a list: from its bytes when it has them, else from its strings. */
export function unitsOf(list: TextList): TextUnits {
  const bytes = bytesBehind(list);
  if (bytes !== undefined) {
    const at = positionIn(list);
    return {
      count: list.length,
      len: (i) => bytes.textLength(at(i)),
      unit: (i, q) => bytes.byteAt(at(i), q),
      less: (i, j) => bytes.compare(at(i), at(j)) < 0,
    };
  }
  return {
    count: list.length,
    len: (i) => (list.at(i) as string).length,
    unit: (i, q) => (list.at(i) as string).charCodeAt(q),
    less: (i, j) => (list.at(i) as string) < (list.at(j) as string),
  };
}


/** Below this many ids a range is sorted by insertion. */
const SMALL = 16;
/** Bits per digit of the least-significant-digit radix sort. */
const DIGIT = 11;
const RADIX = 1 << DIGIT;
const DIGIT_MASK = RADIX - 1;

/**
 * @internal The positions of `ids` in ascending UTF-16 code unit order (the order of `<`), ties in input
 * order; undefined when the ids are already strictly ascending (the identity order).
 *
 * Each code unit that occurs gets a dense rank (1, 2, …; 0 is the end of an id), so a few bits hold one,
 * and two 31-bit words hold the first several code units of an id. The ids are sorted by those two words
 * with a stable least-significant-digit radix sort (sequential passes over typed arrays, whatever the input
 * order), then each run of equal words whose ids go on is sorted the same way by the next code units.
 */
export function idOrder(list: TextList): Int32Array | undefined {
  // Most inputs are in id order already, and then this check is all the sort costs: for a byte-backed list
  // it is made by the list itself, without the units' closures.
  if (list instanceof ByteTexts && list.ascending()) return undefined;
  return sortedOrder(unitsOf(list));
}

/**
 * @internal Positions i of a list whose text i is `byRow.at(row[i])` (`row` a permutation), in id order:
 * the rows sorted by id (one check when they are in order already), each taken to its position.
 */
export function idOrderThroughRows(byRow: TextList, row: Int32Array): Int32Array {
  const inverse = new Int32Array(row.length);
  for (let i = 0; i < row.length; i++) inverse[row[i] as number] = i;
  return throughRows(idOrder(byRow), inverse);
}

/**
 * @internal Rows in id order (`sortedRows`, undefined when the rows are in order already) taken to their
 * positions: `positionOfRow[r]` is where row r is.
 */
export function throughRows(sortedRows: Int32Array | undefined, positionOfRow: Int32Array): Int32Array {
  const out = new Int32Array(positionOfRow.length);
  for (let k = 0; k < out.length; k++) out[k] = positionOfRow[sortedRows === undefined ? k : (sortedRows[k] as number)] as number;
  return out;
}

/** @internal {@link idOrder} over texts already read as units. */
export function sortedOrder(ids: TextUnits): Int32Array | undefined {
  const n = ids.count;
  let sorted = 1;
  while (sorted < n && ids.less(sorted - 1, sorted)) sorted++;
  if (sorted >= n) return undefined;
  const rank = new Uint16Array(65536);
  for (let p = 0; p < n; p++) {
    const len = ids.len(p);
    for (let q = 0; q < len; q++) rank[ids.unit(p, q)] = 1;
  }
  let k = 0;
  for (let c = 0; c < 65536; c++) if (rank[c] !== 0) rank[c] = ++k;
  const bits = Math.max(1, 32 - Math.clz32(k));
  const per = Math.floor(31 / bits); // code units per word
  const passes = Math.ceil((per * bits) / DIGIT); // digits per word
  const order = new Int32Array(n);
  for (let p = 0; p < n; p++) order[p] = p;
  let hi = new Int32Array(n);
  let lo = new Int32Array(n);
  let at = order;
  let hi2 = new Int32Array(n);
  let lo2 = new Int32Array(n);
  let at2 = new Int32Array(n);
  const count = new Int32Array(RADIX);
  const stack: number[] = [0, n, 0];
  while (stack.length > 0) {
    const d = stack.pop() as number;
    const end = stack.pop() as number;
    const begin = stack.pop() as number;
    if (end - begin < SMALL) {
      insertionSort(ids, order, begin, end);
      continue;
    }
    // The words of code units d .. d + per and d + per .. d + 2 per of each id.
    let longer = false;
    let hiBits = 0;
    let loBits = 0;
    for (let j = begin; j < end; j++) {
      const p = order[j] as number;
      const len = ids.len(p);
      let x = 0;
      let y = 0;
      for (let q = d; q < d + per; q++) x = (x << bits) | (q < len ? (rank[ids.unit(p, q)] as number) : 0);
      for (let q = d + per; q < d + 2 * per; q++) y = (y << bits) | (q < len ? (rank[ids.unit(p, q)] as number) : 0);
      if (len > d + 2 * per) longer = true;
      hi[j] = x;
      lo[j] = y;
      hiBits |= x;
      loBits |= y;
    }
    // Digits of the low word, then of the high word; a digit the same for every id is skipped.
    for (let pass = 0; pass < 2 * passes; pass++) {
      const w = pass < passes ? lo : hi;
      const shift = (pass % passes) * DIGIT;
      if ((((pass < passes ? loBits : hiBits) >>> shift) & DIGIT_MASK) === 0) continue;
      count.fill(0);
      for (let j = begin; j < end; j++) {
        const c = ((w[j] as number) >>> shift) & DIGIT_MASK;
        count[c] = (count[c] as number) + 1;
      }
      if (count[((w[begin] as number) >>> shift) & DIGIT_MASK] === end - begin) continue;
      for (let c = 0, sum = begin; c < RADIX; c++) {
        const size = count[c] as number;
        count[c] = sum;
        sum += size;
      }
      for (let j = begin; j < end; j++) {
        const c = ((w[j] as number) >>> shift) & DIGIT_MASK;
        const t = count[c] as number;
        count[c] = t + 1;
        hi2[t] = hi[j] as number;
        lo2[t] = lo[j] as number;
        at2[t] = at[j] as number;
      }
      [hi, hi2] = [hi2, hi];
      [lo, lo2] = [lo2, lo];
      [at, at2] = [at2, at];
    }
    if (at !== order) {
      // The sorted range is in the spare arrays: copy it back (the spare arrays' other ranges are garbage).
      order.set(at.subarray(begin, end), begin);
      [at, at2] = [at2, at];
    }
    if (!longer) continue;
    for (let a = begin; a < end; ) {
      let b = a + 1;
      while (b < end && hi[b] === hi[a] && lo[b] === lo[a]) b++;
      if (b - a > 1) stack.push(a, b, d + 2 * per);
      a = b;
    }
  }
  return order;
}

function insertionSort(ids: TextUnits, order: Int32Array, begin: number, end: number): void {
  for (let j = begin + 1; j < end; j++) {
    const p = order[j] as number;
    let m = j - 1;
    while (m >= begin && ids.less(p, order[m] as number)) {
      order[m + 1] = order[m] as number;
      m--;
    }
    order[m + 1] = p;
  }
}
