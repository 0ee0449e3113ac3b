// The fast integer arithmetic must equal decimal.js exactly, for every rounding mode, including the largest
// values the plan language and inputs accept. decimal.js is the independent oracle here.
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ExactProductSum,
  ExactSum,
  RATE_SCALE,
  ROUNDING_MODES,
  type RoundingMode,
  VALUE_SCALE,
  VOLUME_SCALE,
  canonicalDecimal,
  divRound,
  formatFixed,
  formatNumberUnits,
  formatTrimmed,
  mulShiftRound,
  mulShiftRoundNumber,
  parseUnits,
} from "./decimal.js";

const Dx = Decimal.clone({ precision: 100 });
const MODE: Record<RoundingMode, Decimal.Rounding> = {
  "half-up": Decimal.ROUND_HALF_UP,
  "half-even": Decimal.ROUND_HALF_EVEN,
  "half-down": Decimal.ROUND_HALF_DOWN,
  down: Decimal.ROUND_DOWN,
  up: Decimal.ROUND_UP,
};

/** decimal.js's answer: (a × 10^-4) × (b × 10^-6) rounded to `scale` places, in units of 10^-scale. */
function oracle(a: number, b: number, scale: number, mode: RoundingMode): bigint {
  const v = new Dx(a).div(10 ** VOLUME_SCALE).mul(new Dx(b).div(10 ** RATE_SCALE));
  return BigInt(v.toDecimalPlaces(scale, MODE[mode]).mul(new Dx(10).pow(scale)).toFixed(0));
}

const MAX_VOLUME_UNITS = Number.MAX_SAFE_INTEGER; // the largest measure total accepted (RUN_VOLUME_OVERFLOW above)
const volume = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000 }),
  fc.integer({ min: 0, max: MAX_VOLUME_UNITS }),
  fc.constantFrom(0, 1, 5, 50, 5_000, 9_999_999_999_999, MAX_VOLUME_UNITS),
);
const rate = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(0, 1, 5_000, 50_000, 125_000, 500_000, 1_000_000));
const mode = fc.constantFrom(...ROUNDING_MODES);
const scale = fc.integer({ min: 0, max: 4 });

describe("mulShiftRound (the hot-loop rounding) equals decimal.js", () => {
  it("on random values, all modes and scales, up to the largest accepted", () => {
    fc.assert(
      fc.property(volume, rate, scale, mode, (a, b, s, m) => {
        const expected = oracle(a, b, s, m);
        expect(mulShiftRound(a, b, VALUE_SCALE - s, m)).toBe(expected);
        if (expected <= BigInt(Number.MAX_SAFE_INTEGER)) expect(BigInt(mulShiftRoundNumber(a, b, VALUE_SCALE - s, m))).toBe(expected);
        else expect(() => mulShiftRoundNumber(a, b, VALUE_SCALE - s, m)).toThrow(RangeError);
      }),
      { numRuns: 5000 },
    );
  });

  it("on exact ties, where the modes differ", () => {
    // 0.125 at scale 2 is a tie: half-up 0.13, half-even 0.12, half-down 0.12, down 0.12, up 0.13.
    const a = 1250; // 0.125 volume
    const b = 1_000_000; // rate 1
    expect(ROUNDING_MODES.map((m) => formatFixed(mulShiftRound(a, b, VALUE_SCALE - 2, m), 2))).toEqual(["0.13", "0.12", "0.12", "0.12", "0.13"]);
    // 0.135: half-even goes up to the even 0.14.
    expect(formatFixed(mulShiftRound(1350, 1_000_000, VALUE_SCALE - 2, "half-even"), 2)).toBe("0.14");
  });

  it("divRound handles negative numerators symmetrically", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }), mode, (n, k, m) => {
        const d = 10n ** BigInt(k);
        const expected = BigInt(new Dx(n.toString()).div(new Dx(d.toString())).toDecimalPlaces(0, MODE[m]).toFixed(0));
        expect(divRound(n, d, m)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parsing and formatting", () => {
  it("parses plain decimals and rejects everything else", () => {
    expect(parseUnits("12.5", 4)).toBe(125000n);
    expect(parseUnits("0.05", 6)).toBe(50000n);
    expect(parseUnits("-3", 2)).toBe(-300n);
    expect(parseUnits("1.50000", 2)).toBe(150n); // trailing zeros beyond the scale are harmless
    expect(parseUnits("1.505", 2)).toBe("precision");
    for (const bad of ["", " 1", "1e3", "1.", ".5", "+1", "0x10", "1,5", "NaN", "Infinity", "--1"]) expect(parseUnits(bad, 4)).toBe("format");
  });

  it("round-trips through formatFixed and formatTrimmed", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.integer({ min: 0, max: 12 }), (u, s) => {
        expect(parseUnits(formatFixed(u, s), s)).toBe(u);
        expect(parseUnits(formatTrimmed(u, s), s)).toBe(u);
        expect(new Dx(formatTrimmed(u, s)).eq(new Dx(formatFixed(u, s)))).toBe(true);
      }),
    );
    expect(formatFixed(5n, 2)).toBe("0.05");
    expect(formatFixed(-5n, 2)).toBe("-0.05");
    expect(formatTrimmed(1_000_000n, 4)).toBe("100");
    expect(formatTrimmed(1_250_000n, 6, 2)).toBe("1.25");
    expect(formatTrimmed(60_000_000_000n, 10, 2)).toBe("6.00");
    expect(canonicalDecimal("0100.50")).toBe("100.5");
    expect(canonicalDecimal("-0.0")).toBe("0");
  });

  it("formatNumberUnits gives the same text as the BigInt formatters", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.maxSafeInteger(), fc.maxSafeNat()), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }), (u, s, m) => {
        const min = Math.min(s, m);
        expect(formatNumberUnits(u, s, min)).toBe(formatTrimmed(BigInt(u), s, min));
        expect(formatNumberUnits(u, s, s)).toBe(formatFixed(BigInt(u), s));
      }),
      { numRuns: 5000 },
    );
  });

  it("ExactSum and ExactProductSum never lose a unit past the safe-integer range", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 1_000_000 })), { maxLength: 50 }), (xs) => {
        const s = new ExactSum();
        const p = new ExactProductSum();
        let big = 0n;
        let prod = 0n;
        for (const [x, r] of xs) {
          s.add(x);
          p.add(x, r);
          big += BigInt(x);
          prod += BigInt(x) * BigInt(r);
        }
        expect(s.value()).toBe(big);
        expect(p.value()).toBe(prod);
      }),
    );
  });
});
