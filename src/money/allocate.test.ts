// Exact allocation: examples worked by hand, and properties checked in exact rational arithmetic (a share
// s_k of amount A by weights w with total T is within one unit of A·w_k/T exactly when |s_k·T − A·w_k| < T).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate } from "./allocate.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 300);
const abs = (x: bigint) => (x < 0n ? -x : x);

describe("allocate: examples", () => {
  it("100 units in three equal shares: 34, 33, 33 (the first tie gets the unit), or 33 each and 1 left", () => {
    expect(allocate(100n, [1n, 1n, 1n], "largest-remainder")).toEqual({ shares: [34n, 33n, 33n], remainder: 0n });
    expect(allocate(100n, [1n, 1n, 1n], "truncate")).toEqual({ shares: [33n, 33n, 33n], remainder: 1n });
  });

  it("the largest fractional part gets the unit, not the largest share: 10 by 1:2:2 → 2, 4, 4", () => {
    // Exact 2, 4, 4: nothing left over.
    expect(allocate(10n, [1n, 2n, 2n], "largest-remainder").shares).toEqual([2n, 4n, 4n]);
    // 11 by 1:2:2: exact 2.2, 4.4, 4.4; truncated 2, 4, 4 leaves 1 for the second (0.4, earlier than the third).
    expect(allocate(11n, [1n, 2n, 2n], "largest-remainder").shares).toEqual([2n, 5n, 4n]);
    // 13 by 1:2:2: exact 2.6, 5.2, 5.2; 2, 5, 5 leaves 1 for the first (0.6).
    expect(allocate(13n, [1n, 2n, 2n], "largest-remainder").shares).toEqual([3n, 5n, 5n]);
  });

  it("a negative amount splits like the positive one, negated; never -0", () => {
    expect(allocate(-100n, [1n, 1n, 1n], "largest-remainder")).toEqual({ shares: [-34n, -33n, -33n], remainder: 0n });
    expect(allocate(-100n, [1n, 1n, 1n], "truncate")).toEqual({ shares: [-33n, -33n, -33n], remainder: -1n });
    expect(allocate(-1n, [1n, 1n], "truncate")).toEqual({ shares: [0n, 0n], remainder: -1n });
  });

  it("a zero weight gets nothing; no weight at all allocates nothing", () => {
    expect(allocate(7n, [0n, 1n, 0n], "largest-remainder").shares).toEqual([0n, 7n, 0n]);
    expect(allocate(7n, [0n, 0n], "largest-remainder")).toEqual({ shares: [0n, 0n], remainder: 7n });
    expect(allocate(7n, [], "truncate")).toEqual({ shares: [], remainder: 7n });
  });

  it("fewer units than shares: 2 units by three equal weights → 1, 1, 0", () => {
    expect(allocate(2n, [5n, 5n, 5n], "largest-remainder").shares).toEqual([1n, 1n, 0n]);
    expect(allocate(2n, [5n, 5n, 5n], "truncate")).toEqual({ shares: [0n, 0n, 0n], remainder: 2n });
  });

  it("refuses a negative weight (a bug in the caller)", () => {
    expect(() => allocate(1n, [1n, -1n], "truncate")).toThrow(/allocation-weight-non-negative/);
  });
});

describe("allocate: properties", () => {
  const amount = fc.oneof(fc.bigInt({ min: -1000n, max: 1000n }), fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }));
  const weights = fc.array(fc.oneof(fc.bigInt({ min: 0n, max: 5n }), fc.bigInt({ min: 0n, max: 10n ** 12n })), { maxLength: 30 });
  const method = fc.constantFrom("largest-remainder" as const, "truncate" as const);

  it("shares add up to the amount less the reported remainder; each is within one unit of its exact value", () => {
    fc.assert(
      fc.property(amount, weights, method, (a, ws, m) => {
        const { shares, remainder } = allocate(a, ws, m);
        const total = ws.reduce((s, w) => s + w, 0n);
        expect(shares).toHaveLength(ws.length);
        expect(shares.reduce((s, x) => s + x, 0n) + remainder).toBe(a);
        if (total === 0n) {
          expect(remainder).toBe(a);
          return;
        }
        ws.forEach((w, k) => {
          const s = shares[k] as bigint;
          expect(abs(s * total - a * w) < total).toBe(true);
          if (m === "truncate") expect(abs(s * total) <= abs(a * w)).toBe(true);
          if (w === 0n) expect(s).toBe(0n);
        });
        if (m === "largest-remainder") expect(remainder).toBe(0n);
        else {
          // Of the amount's sign, and fewer units than there are shares with a weight.
          expect(remainder === 0n || remainder < 0n === a < 0n).toBe(true);
          expect(abs(remainder) < BigInt(ws.filter((w) => w > 0n).length)).toBe(true);
        }
      }),
      { numRuns },
    );
  });

  it("a negative amount gives exactly the negated shares of its magnitude", () => {
    fc.assert(
      fc.property(amount, weights, method, (a, ws, m) => {
        const pos = allocate(abs(a), ws, m);
        const neg = allocate(-abs(a), ws, m);
        expect(neg.shares).toEqual(pos.shares.map((s) => -s));
        expect(neg.remainder).toBe(-pos.remainder);
      }),
      { numRuns },
    );
  });
});
