/**
 * Reference `payout-cap` (docs/plan-language.md "`payout-cap`: a cap on the pay of named bonuses, for the
 * company or per member"): the pay S(m), protected bonuses F(m), protected amount a(m), reducible pay p(m)
 * and protected pay Q(m); the company cap's largest-remainder split and the per-member cap; one negative
 * line per member cut; the accounting. Every quoted rule is from that section.
 *
 * Style: "All amounts below are in money units of the plan's scale (money.scale: cents for 2), exact
 * integers": every amount is turned into a BigInt count of units, so the floor of the pro-rata division and
 * the remainders are exact integer arithmetic, never a rounded quotient.
 */
import { D, type Decimal, ZERO } from "../decimal.js";
import type { BonusOfKind, FamilyLine, ReferenceFamily, ReferenceMember } from "../family.js";

/** The entry as the section writes it. */
interface PayoutCapEntry {
  readonly of: readonly string[];
  readonly company?: { readonly measure: string; readonly share: string; readonly pointValue?: string | undefined } | undefined;
  readonly perMember?: string | undefined;
  readonly protect?: { readonly bonuses?: readonly string[] | undefined; readonly amount?: string | undefined; readonly columns?: readonly string[] | undefined } | undefined;
}

/** An exact amount of money, written as a whole number of units of 10^-scale (throws when it is not whole). */
function units(x: Decimal, scale: number): bigint {
  const u = x.times(new D(10).pow(scale));
  if (!u.isInteger()) throw new Error(`reference payout-cap: ${x.toFixed()} is not a whole number of money units`);
  return BigInt(u.toFixed(0));
}

const big = (a: bigint, b: bigint): bigint => (a > b ? a : b);

export const payoutCap: ReferenceFamily<BonusOfKind<"payout-cap">> = {
    kind: "payout-cap",
    // "It is a bonus of its own, a step that reads the earnings of the bonuses it names ... and runs after them."
    reads: (bonus) => bonus.of,
    calculate(entry, facts) {
      const b: PayoutCapEntry = entry;
      const scale = facts.scale;
      const toMoney = (u: bigint): Decimal => new D(u.toString()).dividedBy(new D(10).pow(scale));
      const protectedBonuses = b.protect?.bonuses ?? [];
      // "protect.columns (money columns other bonuses publish)": no family of the plan language publishes a
      // money column yet, so a valid plan names none.
      if ((b.protect?.columns ?? []).length > 0) throw new Error("reference payout-cap: protect.columns names a money column no reference family publishes");
      const amount = units(new D(b.protect?.amount ?? "0"), scale);
      const earn = (keys: readonly string[], m: ReferenceMember): bigint => keys.reduce((acc, key) => acc + units(facts.earnings(key, m), scale), 0n);

      // For each member: "pay S(m): the sum of m's earnings from the bonuses in of"; "protected bonuses F(m)";
      // "protected amount a(m): protect.amount (default 0) plus m's value of each column ..., counted as 0
      // when that sum is negative"; "reducible pay p(m) = max(0, S(m) − F(m) − a(m))"; "protected pay
      // Q(m) = S(m) − p(m)".
      const rows = facts.members.map((m) => {
        const S = earn(b.of, m);
        const F = earn(protectedBonuses, m);
        const a = big(0n, amount);
        const p = big(0n, S - F - a);
        return { m, S, p, Q: S - p };
      });

      const cut = new Map<string, bigint>();
      if (b.company !== undefined) {
        // "1. The company volume V is the sum of personal(m, measure) over all members". "2. The cap A is
        // share × pointValue × V, rounded down to the money scale".
        const V = facts.members.reduce((acc, m) => acc.plus(facts.personal(m, (b.company as { measure: string }).measure)), ZERO);
        const exactCap = new D(b.company.share).times(new D(b.company.pointValue ?? "1")).times(V);
        const A = units(exactCap.toDecimalPlaces(scale, D.ROUND_DOWN), scale);
        // "3. T = Σ S(m) ..., P = Σ Q(m) (protected), U = Σ p(m) (reducible); T = P + U."
        const T = rows.reduce((acc, r) => acc + r.S, 0n);
        const P = rows.reduce((acc, r) => acc + r.Q, 0n);
        const U = rows.reduce((acc, r) => acc + r.p, 0n);
        if (T !== P + U) throw new Error("reference payout-cap: T ≠ P + U");
        // "4. When T ≤ A, the cap does not bite: nothing is reduced and the entry has no lines."
        if (T > A) {
          // "5. ... R = max(0, A − P). Each member m with p(m) > 0 keeps k(m) units, the largest-remainder split
          // of R by the weights p(m): first k(m) = ⌊R × p(m) ÷ U⌋ (exact integer division); the units left,
          // d = R − Σ k(m) ..., go one each to the d members with the largest remainders R × p(m) − k(m) × U;
          // among equal remainders, to the member whose id comes first". "m's cut is c(m) = p(m) − k(m)".
          const R = big(0n, A - P);
          const weighted = rows.filter((r) => r.p > 0n).map((r) => ({ ...r, k: (R * r.p) / U }));
          let d = R - weighted.reduce((acc, r) => acc + r.k, 0n);
          const byRemainder = weighted
            .map((r) => ({ r, rem: R * r.p - r.k * U }))
            .sort((x, y) => (x.rem > y.rem ? -1 : x.rem < y.rem ? 1 : x.r.m.id < y.r.m.id ? -1 : x.r.m.id > y.r.m.id ? 1 : 0));
          if (d < 0n || d >= BigInt(Math.max(1, weighted.length))) throw new Error("reference payout-cap: units left out of range");
          for (const { r } of byRemainder) {
            if (d > 0n) {
              r.k += 1n;
              d -= 1n;
            }
          }
          for (const r of weighted) cut.set(r.m.id, r.p - r.k);
        }
      } else {
        // "Per-member cap (perMember: M): c(m) = max(0, p(m) − max(0, M − Q(m)))".
        const M = units(new D(b.perMember as string), scale);
        for (const r of rows) cut.set(r.m.id, big(0n, r.p - big(0n, M - r.Q)));
      }

      // "One line per member with c(m) > 0: a fixed amount (no base, no rate ...) whose exact value and
      // amount are −c(m)." (The core drops a zero.)
      const lines: FamilyLine[] = [];
      let C = 0n;
      for (const m of facts.members) {
        const c = cut.get(m.id) ?? 0n;
        if (c < 0n) throw new Error("reference payout-cap: negative cut");
        C += c;
        lines.push({ memberId: m.id, value: toMoney(-c) });
      }
      // "Accounting: potential = 0, paid = −C, compressedUp = 0, breakage = { capped: C }".
      return { lines, accounting: { potential: ZERO, paid: toMoney(-C), compressedUp: ZERO, breakage: { capped: toMoney(C) } } };
    },
};
