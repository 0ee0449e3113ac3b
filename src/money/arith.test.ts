// Arithmetic on decimal strings and the allocation-free rounding, against decimal.js as the oracle.
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimalPlaces, mulShiftRoundNumber, subtractDecimals, sumDecimals } from "./arith.js";
import { ROUNDING_MODES, type RoundingMode, mulShiftRound } from "./decimal.js";

const Dx = Decimal.clone({ precision: 100 });
const MODE: Record<RoundingMode, Decimal.Rounding> = {
  "half-up": Decimal.ROUND_HALF_UP,
  "half-even": Decimal.ROUND_HALF_EVEN,
  "half-down": Decimal.ROUND_HALF_DOWN,
  down: Decimal.ROUND_DOWN,
  up: Decimal.ROUND_UP,
};
const decimal = fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 10 })).map(([neg, u, places]) => {
  const s = u.toString().padStart(places + 1, "0");
  const text = places === 0 ? s : `${s.slice(0, -places)}.${s.slice(-places)}`;
  return neg && u !== 0n ? `-${text}` : text;
});

describe("decimal strings", () => {
  it("subtractDecimals and sumDecimals are exact, with at least the minimum places", () => {
    fc.assert(
      fc.property(decimal, decimal, fc.integer({ min: 0, max: 4 }), (a, b, min) => {
        const diff = subtractDecimals(a, b, min);
        expect(new Dx(diff).eq(new Dx(a).minus(b))).toBe(true);
        expect(decimalPlaces(diff)).toBeGreaterThanOrEqual(min);
        const sum = sumDecimals([a, b, a], min);
        expect(new Dx(sum).eq(new Dx(a).plus(b).plus(a))).toBe(true);
      }),
    );
    expect(subtractDecimals("12.50", "10.00", 2)).toBe("2.50");
    expect(subtractDecimals("0.0125", "0.01", 2)).toBe("0.0025");
    expect(subtractDecimals("0.056667", "0.073333", 6)).toBe("-0.016666");
    expect(sumDecimals([], 2)).toBe("0.00");
  });
});

describe("mulShiftRoundNumber", () => {
  it("equals mulShiftRound and decimal.js for every mode, small and large products of either sign", () => {
    // Amounts may be negative (caps, clawbacks): a negative product rounds its magnitude as decimal.js does.
    const operand = fc.oneof(
      fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: -100_000, max: 100_000 }),
      fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(operand, operand, fc.integer({ min: 0, max: 12 }), fc.constantFrom(...ROUNDING_MODES), (a, b, shift, mode) => {
        const oracle = BigInt(new Dx(a).times(b).div(new Dx(10).pow(shift)).toDecimalPlaces(0, MODE[mode]).toFixed());
        expect(mulShiftRound(a, b, shift, mode)).toBe(oracle);
        // Never an inexact number: beyond the safe-integer range it throws instead.
        if (oracle <= BigInt(Number.MAX_SAFE_INTEGER) && oracle >= -BigInt(Number.MAX_SAFE_INTEGER)) expect(Object.is(mulShiftRoundNumber(a, b, shift, mode), Number(oracle))).toBe(true);
        else expect(() => mulShiftRoundNumber(a, b, shift, mode)).toThrow(RangeError);
      }),
      { numRuns: 2000 },
    );
  });

  it("rounds ties as each mode says", () => {
    // 125 × 1 / 10 = 12.5; 135 / 10 = 13.5
    expect(ROUNDING_MODES.map((m) => mulShiftRoundNumber(125, 1, 1, m))).toEqual([13, 12, 12, 12, 13]);
    expect(ROUNDING_MODES.map((m) => mulShiftRoundNumber(135, 1, 1, m))).toEqual([14, 14, 13, 13, 14]);
    // The same ties below zero, by magnitude: -12.5 → -13 half-up, -12 half-even; never -0.
    expect(ROUNDING_MODES.map((m) => mulShiftRoundNumber(-125, 1, 1, m))).toEqual([-13, -12, -12, -12, -13]);
    expect(ROUNDING_MODES.map((m) => mulShiftRoundNumber(-135, 1, 1, m))).toEqual([-14, -14, -13, -13, -14]);
    expect(Object.is(mulShiftRoundNumber(-4, 1, 1, "half-even"), 0)).toBe(true);
  });
});
