// The byte writer against the string functions it replaces: formatNumberUnits for numbers, JSON.stringify
// for strings, String for integers; in a growing buffer and in small buffers handed over as they fill.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { formatNumberUnits } from "../money/decimal.js";
import { ByteWriter } from "./bytes.js";

const decoder = new TextDecoder();
const text = (write: (w: ByteWriter) => void) => {
  const w = new ByteWriter(new Uint8Array(8));
  write(w);
  return decoder.decode(w.written());
};

/** A writer whose buffers (of MIN_CAPACITY bytes) are collected as they fill. */
function streaming(): { w: ByteWriter; all: () => Uint8Array } {
  const parts: Uint8Array[] = [];
  const w = new ByteWriter(new Uint8Array(ByteWriter.MIN_CAPACITY), (full) => {
    parts.push(full.written().slice());
    full.buf = new Uint8Array(ByteWriter.MIN_CAPACITY);
    full.pos = 0;
  });
  return { w, all: () => Buffer.concat([...parts, w.written()]) };
}

const safeInt = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.maxSafeInteger(),
  fc.maxSafeNat(),
  fc.constantFrom(0, -0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 999_999_999, 1_000_000_000, 9_999_999_999, 10_000_000_000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
);
const scales = fc.integer({ min: 0, max: 10 }).chain((scale) => fc.tuple(fc.constant(scale), fc.integer({ min: 0, max: scale })));
// JSON escapes, code points beyond ASCII, astral characters and lone surrogates.
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  fc.constantFrom('"', "\\", "\n", "\u0000", "\u001f", "\u007f", "\u2028", "é", "😀", "\ud800", "a\udfffb", "M0000001"),
);

describe("ByteWriter", () => {
  test.prop([safeInt, scales], { numRuns: 5000 })("units = formatNumberUnits", (n, [scale, minScale]) => {
    expect(text((w) => w.units(n, scale, minScale))).toBe(formatNumberUnits(n, scale, minScale));
  });

  it("units next to multiples of 10^scale up to the largest safe integer", () => {
    for (let scale = 1; scale <= 10; scale++) {
      const d = 10 ** scale;
      for (const top of [Number.MAX_SAFE_INTEGER, 2 ** 52, 2 ** 40, 2 ** 31, 1e12]) {
        const m = Math.floor(top / d);
        for (let k = -3; k <= 3; k++) {
          for (const a of [m * d + k, (m - 1) * d + k, d + k]) {
            if (!Number.isSafeInteger(a) || a < 0) continue;
            for (const minScale of [0, scale]) expect(text((w) => w.units(a, scale, minScale))).toBe(formatNumberUnits(a, scale, minScale));
          }
        }
      }
    }
  });

  it("units beyond the safe range take formatNumberUnits's BigInt path", () => {
    for (const n of [2 ** 53, 2 ** 60, 1e21, -(2 ** 54)]) expect(text((w) => w.units(n, 4, 0))).toBe(formatNumberUnits(n, 4, 0));
  });

  test.prop([fc.oneof(fc.maxSafeNat(), fc.nat(1000))])("uint = String", (n) => {
    expect(text((w) => w.uint(n))).toBe(String(n));
  });

  test.prop([anyText], { numRuns: 3000 })("json = JSON.stringify, as UTF-8", (s) => {
    expect(Buffer.from(text((w) => w.json(s)), "utf8")).toEqual(Buffer.from(JSON.stringify(s), "utf8"));
    expect(text((w) => w.json(s))).toBe(JSON.stringify(s));
  });

  test.prop([fc.array(fc.tuple(anyText, safeInt, fc.boolean()), { maxLength: 40 })])("pieces spanning handed-over buffers arrive whole and in order", (pieces) => {
    const { w, all } = streaming();
    let expected = "";
    // Long strings (beyond the fast path and beyond one buffer) cross buffer boundaries.
    const long = "x".repeat(ByteWriter.MIN_CAPACITY + 17);
    for (const [s, n, b] of pieces) {
      w.json(s);
      w.units(n, 4, 0);
      w.bool(b);
      w.ascii(long);
      w.byte(10);
      expected += `${JSON.stringify(s)}${formatNumberUnits(n, 4, 0)}${b}${long}\n`;
    }
    expect(decoder.decode(all())).toBe(expected);
  });
});
