// fast-check arbitraries for the plain values plans are made of (rates, volumes as decimal strings) and the
// helpers the plan arbitraries share.
import fc from "fast-check";

const RATES = ["0", "0.01", "0.03", "0.05", "0.1", "0.125", "0.333333", "0.5", "1", "0.000001", "0.07"];
const VOLUMES = ["0", "1", "50", "100", "100", "150", "250.5", "300", "500", "1000"];

/** Units → plain decimal string with up to `scale` places. */
export function fmt(units: number, scale: number): string {
  const s = String(units).padStart(scale + 1, "0");
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale).replace(/0+$/, "");
  return frac === "" ? int : `${int}.${frac}`;
}

/** undefined `weightNone` times for every `weightSome` times a value of `arb`. */
export function sometimes<T>(arb: fc.Arbitrary<T>, weightNone: number, weightSome = 1): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: weightNone, arbitrary: fc.constant(undefined) }, { weight: weightSome, arbitrary: arb });
}

/** A rate: a typical one, or any of 0 .. 1 in steps of 10^-6. */
export const rate = fc.oneof(fc.constantFrom(...RATES), fc.integer({ min: 0, max: 1_000_000 }).map((u) => fmt(u, 6)));
/** A volume minimum: a typical one, or any of 0 .. 5,000 in steps of 10^-4. */
export const volume = fc.oneof(fc.constantFrom(...VOLUMES), fc.integer({ min: 0, max: 50_000_000 }).map((u) => fmt(u, 4)));
