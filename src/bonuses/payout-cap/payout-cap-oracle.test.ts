// The company cap against an oracle written from docs/plan-language.md ("`payout-cap`") alone, in BigInt:
// random small runs with many equal pays (so many equal remainders, settled by member id), and one run
// whose reducible total is beyond the safe integers (the BigInt path of the engine).
import { describe, expect, it } from "vitest";
import { prng as random } from "../../generate/generate.js";
import { type MemberInput, type OrderInput, calculate, parsePlan } from "../../index.js";

const plan = (share: string, amount: string) =>
  parsePlan(`
compplan: 1
id: cap-oracle
currency: USD
money: { scale: 2, rounding: { mode: half-even, applies: line } }
payoutBasis: BV
measures:
  BV: { counts: [personal-consumption] }
  PAY: { counts: [retail-sale] }
bonuses:
  - { key: commission, kind: retail-profit, measure: PAY }
  - { key: cap, kind: payout-cap, of: [commission], company: { measure: BV, share: "${share}" }, protect: { amount: "${amount}" } }
`);

/** The cuts by the docs: S, a, p, Q, A, T, P, U, R, ⌊R p ÷ U⌋ and the largest remainders (ties by id). */
function oracle(ids: string[], pay: bigint[], protectedAmount: bigint, share: bigint, volume: bigint): bigint[] {
  // share in 10^-6, volume in 10^-4, money in cents: A = ⌊share × volume ÷ 10^8⌋.
  const A = (share * volume) / 10n ** 8n;
  const p = pay.map((s) => (s - protectedAmount > 0n ? s - protectedAmount : 0n));
  const T = pay.reduce((x, y) => x + y, 0n);
  const U = p.reduce((x, y) => x + y, 0n);
  const P = T - U;
  if (T <= A) return pay.map(() => 0n);
  seen.bites++;
  const R = A > P ? A - P : 0n;
  const kept = p.map((w) => (U === 0n ? 0n : (R * w) / U));
  let left = R - kept.reduce((x, y) => x + y, 0n);
  const order = ids
    .map((_, i) => i)
    .filter((i) => (p[i] as bigint) > 0n)
    .sort((a, b) => {
        const ra = R * (p[a] as bigint) - (kept[a] as bigint) * U;
      const rb = R * (p[b] as bigint) - (kept[b] as bigint) * U;
      return ra > rb ? -1 : ra < rb ? 1 : (ids[a] as string) < (ids[b] as string) ? -1 : 1;
    });
  const remainder = (i: number) => R * (p[i] as bigint) - (kept[i] as bigint) * U;
  for (let k = 0; k < order.length && left > 0n; k++) {
    const i = order[k] as number;
    const next = order[k + 1];
    if (left === 1n && next !== undefined && remainder(next) === remainder(i)) seen.splitTies++;
    kept[i] = (kept[i] as bigint) + 1n;
    left -= 1n;
  }
  return p.map((w, i) => w - (kept[i] as bigint));
}

/** How often the random runs reached the cases that matter: a cap that bites, equal remainders split by id. */
const seen = { bites: 0, splitTies: 0 };

const cents = (amount: string) => BigInt(amount.replace(".", ""));

describe("company cap against the oracle", () => {
  it.each(Array.from({ length: 80 }, (_, k) => k + 1))("seed %i", (seed) => {
    const rnd = random(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
    const n = 2 + Math.floor(rnd() * 30);
    // Ids in a shuffled input order; pays from a short list, so many are equal.
    const ids = Array.from({ length: n }, (_, i) => `m${String((i * 7919) % 1000).padStart(3, "0")}`);
    const pays = ids.map(() => pick(["0", "0.01", "1", "1", "1", "3.33", "3.33", "10", "100", "7.77"]));
    const bv = ids.map(() => pick(["0", "1", "12.5", "40", "100.25"]));
    const share = pick(["0.01", "0.1", "0.333333", "0.5", "1"]);
    const amount = pick(["0.00", "1.00", "5.00"]);
    const members: MemberInput[] = ids.map((id, i) => ({ id, sponsorId: i === 0 ? null : (ids[Math.floor(rnd() * i)] as string), joinDate: "2024-01-01" }));
    const orders: OrderInput[] = ids.flatMap((id, i) => [
      ...(pays[i] !== "0" ? [{ id: `p${i}`, memberId: id, kind: "retail-sale" as const, date: "2026-10-01", volumes: { PAY: pays[i] as string } }] : []),
      ...(bv[i] !== "0" ? [{ id: `b${i}`, memberId: id, kind: "personal-consumption" as const, date: "2026-10-01", volumes: { BV: bv[i] as string } }] : []),
    ]);
    const run = calculate(plan(share, amount), { period: "2026-10", members, orders });
    const pay = ids.map((id) => cents(run.statement(id)?.bonuses.commission ?? "0.00"));
    const volume = bv.reduce((s, v) => s + BigInt(Math.round(Number(v) * 10_000)), 0n);
    const expected = oracle(ids, pay, cents(amount), BigInt(Math.round(Number(share) * 1e6)), volume);
    const actual = ids.map((id) => -cents(run.statement(id)?.bonuses.cap ?? "0.00"));
    expect(actual).toEqual(expected);
  });

  it("the random runs reached caps that bite and equal remainders split by id", () => {
    expect(seen.bites).toBeGreaterThan(10);
    expect(seen.splitTies).toBeGreaterThan(3);
  });

  it("a reducible total beyond 2^53 cents is split exactly: the largest remainder goes to the last id", () => {
    // 100 members paid 900,000,000,000.00 and one (Z999) 899,999,999,999.99: U = 101 × 9·10^13 − 1 cents.
    // A = 50% of 101 BV = 50.50 = 5,050 cents. ⌊5,050 × 9·10^13 ÷ U⌋ = 50 (remainder 50) for the 100, and
    // ⌊5,050 × (9·10^13 − 1) ÷ U⌋ = 49 (remainder U − 5,000) for Z999; the one unit left goes to Z999.
    const rich = parsePlan(`
compplan: 1
id: cap-big
currency: USD
givenRank: paid-as
payoutBasis: BV
measures:
  BV: { counts: [personal-consumption] }
ranks:
  - { name: Small, requires: {} }
  - { name: Big, requires: {} }
bonuses:
  - { key: award, kind: rank-bonus, amounts: { Small: "899999999999.99", Big: "900000000000.00" } }
  - { key: cap, kind: payout-cap, of: [award], company: { measure: BV, share: "0.5" } }
`);
    const ids = [...Array.from({ length: 100 }, (_, i) => `A${String(i).padStart(3, "0")}`), "Z999"];
    const members: MemberInput[] = ids.map((id, i) => ({ id, sponsorId: i === 0 ? null : "A000", joinDate: "2024-01-01", rank: id === "Z999" ? "Small" : "Big" }));
    const run = calculate(rich, { period: "2026-10", members, orders: [{ id: "o", memberId: "A000", kind: "personal-consumption", date: "2026-10-01", volumes: { BV: "101" } }] });
    expect(run.statement("A042")?.bonuses.cap).toBe("-899999999999.50");
    expect(run.statement("Z999")?.bonuses.cap).toBe("-899999999999.49");
    expect(run.summary.total).toBe("50.50");
  });
});
