/**
 * Reference `rank-advancement` (docs/plan-language.md "`rank-advancement`: a fixed amount the first period a
 * rank is reached"): the ranks a member reaches (from the opening `rank.highest`, or none / nothing without
 * an opening state by `withoutState`), eligibility, instalments with `whenLost` forfeit or pause, the
 * `<key>.paid.<Rank>` counts kept between periods, the lines and the accounting. The numbered steps below are
 * the section's.
 */
import { D, type Decimal, sum, ZERO } from "../decimal.js";
import type { BonusOfKind, FamilyLine, ReferenceFamily, ReferenceMember } from "../family.js";
import type { StateFieldSpec, StateValue } from "../state.js";

/** 6. "`<key>.paid.<Rank>` (e.g. advancement.paid.Gold), the instalments paid so far". */
const paidField = (key: string, rank: string): string => `${key}.paid.${rank}`;

/** UTF-16 code unit order ("ordered by rank name (UTF-16 code units, as member ids are)"). */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const rankAdvancement: ReferenceFamily<BonusOfKind<"rank-advancement">> = {
  kind: "rank-advancement",
  // 6. "With instalments above 1, the entry keeps one count field per rank of amounts, ordered by rank name";
  // "With one instalment the entry keeps no field of its own, but it still makes the plan keep state".
  state: (b): StateFieldSpec[] =>
    (b.instalments ?? 1) > 1
      ? Object.keys(b.amounts)
          .sort(byName)
          .map((rank) => ({ name: paidField(b.key, rank), kind: "count" }))
      : [],
  calculate(b, facts) {
    const N = b.instalments ?? 1; // "default 1"
    const requiresQualified = b.requiresQualified ?? true;
    const pause = b.whenLost === "pause"; // "forfeit (default) | pause"
    const skip = b.withoutState === "skip"; // "pay (default) | skip"
    const unit = new D(1).dividedBy(new D(10).pow(facts.moneyScale));

    // 4. "instalment i (1 … N) is ⌊A ÷ N⌋ units, plus one unit for each of the first A mod N instalments".
    const instalment = (amount: string, i: number): Decimal => {
      const A = new D(amount).dividedBy(unit).toNumber(); // whole units (amounts have at most money.scale places)
      return new D(Math.floor(A / N) + (i <= A % N ? 1 : 0)).times(unit);
    };

    const r = (m: ReferenceMember): number => {
      const paidAs = facts.paidAs(m);
      return paidAs === null ? -1 : facts.rankIndex(paidAs);
    };
    // 1., 2. h(m): "the opening state's rank.highest of m (none for a member the opening state does not
    // list)". Without an opening state: "withoutState: pay takes h(m) as none for everyone"; "withoutState:
    // skip makes nobody reach a rank in that run (this period's paid-as ranks are taken as reached before)".
    const h = (m: ReferenceMember): number => {
      if (!facts.openingGiven) return skip ? r(m) : -1;
      const highest = facts.openingHighest(m);
      return highest === null ? -1 : facts.rankIndex(highest);
    };
    // 3. "m is eligible for rank k this period when paid as k or higher (r(m) ≥ k) and, with
    // requiresQualified, qualified."
    const eligible = (m: ReferenceMember, k: number): boolean => r(m) >= k && (!requiresQualified || facts.isQualified(m));

    const lines: FamilyLine[] = [];
    const breakage = { "member-unqualified": ZERO, "rank-lost": ZERO };
    const paidCounts = new Map<string, Map<string, number>>(); // field -> member id -> closing count
    let paid = ZERO;

    for (const [rank, amount] of Object.entries(b.amounts)) {
      const k = facts.rankIndex(rank);
      const field = paidField(b.key, rank);
      const closing = new Map<string, number>();
      paidCounts.set(field, closing);
      // 5. "Each rank k listed with an amount above 0" (a rank listed with 0: nothing, count 0).
      if (!new D(amount).greaterThan(0)) continue;
      for (const m of facts.members) {
        // "m reaches every rank k with h(m) < k ≤ r(m)".
        const reaches = h(m) < k && k <= r(m);
        const p = N > 1 ? (facts.opening(field, m) as number) : 0;
        // 7. "one per rank paid this period, a fixed amount, with level = the rank's position in the ladder
        // (1 for the lowest rank)". "An instalment of 0 makes no line, but counts as paid" (the core drops it).
        const pay = (i: number): void => {
          const value = instalment(amount, i);
          paid = paid.plus(value);
          lines.push({ memberId: m.id, fields: { level: k + 1 }, value });
        };
        if (reaches) {
          // "m reaches k this period: eligible, instalment 1 is paid (with N = 1, the whole amount); not
          // eligible ..., the whole amount is breakage member-unqualified, and it is never paid later".
          if (eligible(m, k)) {
            pay(1);
            // 6. "0 when none is outstanding ..., else the number paid (p + 1 after an instalment)".
            closing.set(m.id, N > 1 ? 1 : 0);
          } else {
            breakage["member-unqualified"] = breakage["member-unqualified"].plus(new D(amount));
            closing.set(m.id, 0);
          }
        } else if (p >= 1 && p < N) {
          // "m does not reach k, and the opening <key>.paid.<k> is p with 1 ≤ p < N".
          if (eligible(m, k)) {
            // "eligible, instalment p + 1 is paid".
            pay(p + 1);
            closing.set(m.id, p + 1 < N ? p + 1 : 0);
          } else if (pause) {
            // "with whenLost: pause nothing happens this period" (count p, "p when paused").
            closing.set(m.id, p);
          } else {
            // "with whenLost: forfeit the remaining instalments p + 1 … N are breakage (rank-lost when r(m) <
            // k, member-unqualified when m is paid as k or higher but unqualified) and are never paid".
            const rest = sum(Array.from({ length: N - p }, (_, x) => instalment(amount, p + 1 + x)));
            const reason = r(m) < k ? "rank-lost" : "member-unqualified";
            breakage[reason] = breakage[reason].plus(rest);
            closing.set(m.id, 0);
          }
        } else {
          // "otherwise nothing" ("An opening count of N or more ... has none outstanding: ... the closing
          // value is 0").
          closing.set(m.id, 0);
        }
      }
    }

    // 8. "paid = the instalments paid this period; breakage by reason, member-unqualified and rank-lost;
    // potential = paid + breakage".
    const potential = paid.plus(breakage["member-unqualified"]).plus(breakage["rank-lost"]);
    const closing: Record<string, (m: ReferenceMember) => StateValue> = {};
    if (N > 1) for (const [field, counts] of paidCounts) closing[field] = (m) => counts.get(m.id) ?? 0;
    return { lines, accounting: { potential, paid, compressedUp: ZERO, breakage }, closing };
  },
};
