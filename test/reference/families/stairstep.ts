/**
 * Reference `stairstep` (docs/plan-language.md "`stairstep`: a rate from a schedule of steps, differential and
 * breakaway"): steps by bracket volume or by paid-as rank, the paying rate with unqualified roll-up or
 * breakage, breakaway and the paid group, the four methods, the point value, the breakaway override by
 * generation, line items per leg or per member, the published columns and the accounting. Every quoted rule
 * is from that section.
 *
 * Style: the slow way. Each member's step, bracket volume, paid group and breakaway are memoised recursions
 * over the sponsor tree; a member's pay is a walk of their own group below them (every member x with its
 * h(x, m)), and their override a walk down their whole downline counting breakaways. Nothing is shared
 * between members but those memo tables.
 */
import { D, type Decimal, sum, ZERO } from "../decimal.js";
import type { BonusOfKind, FamilyColumn, FamilyLine, ReferenceFamily, ReferenceMember } from "../family.js";

/** The stairstep entry as the section writes it (a parsed entry, with its defaults applied or not). */
interface StairstepEntry {
  readonly key: string;
  readonly volume: string;
  readonly on?: "group" | "personal" | undefined;
  readonly measure?: string | undefined;
  readonly pointValue?: string | undefined;
  readonly method?: "differential" | "deduct" | "personal" | "group" | undefined;
  readonly unqualified?: "roll-up" | "breakage" | undefined;
  readonly lines?: "per-leg" | "per-member" | undefined;
  readonly steps: readonly { readonly minimum?: string | undefined; readonly rank?: string | undefined; readonly rate: string }[];
  readonly breakaway?:
    | {
        readonly from: number;
        readonly generations?: readonly string[] | undefined;
        readonly minimumGroup?: string | undefined;
        readonly minimumLegs?: number | undefined;
      }
    | undefined;
}

/** "breakage by reason: member-unqualified ..., override-unqualified ...". */
const BREAKAGE_REASONS = ["member-unqualified", "override-unqualified"] as const;
type BreakageReason = (typeof BREAKAGE_REASONS)[number];

/** A line before per-member merging: recipient, generation (its `level`), source, base and the rate (× pointValue). */
interface StairLine {
  readonly memberId: string;
  readonly generation: number;
  readonly source: string;
  readonly base: Decimal;
  readonly rate: Decimal;
}

/** Memoises a function of a member by its id. */
function memo<T>(f: (m: ReferenceMember) => T): (m: ReferenceMember) => T {
  const seen = new Map<string, T>();
  return (m) => {
    const hit = seen.get(m.id);
    if (hit !== undefined) return hit;
    const v = f(m);
    seen.set(m.id, v);
    return v;
  };
}

export const stairstep: ReferenceFamily<BonusOfKind<"stairstep">> = {
  kind: "stairstep",
  calculate(entry, facts) {
    const b: StairstepEntry = entry;
    // Defaults: "on: group (default)", "measure: the measure paid on (default: the volume measure)",
    // "pointValue (default "1")", "method: differential (default)", "unqualified: roll-up (default)",
    // "lines: per-leg (default)".
    const volume = b.volume;
    const on = b.on ?? "group";
    const measure = b.measure ?? b.volume;
    const pointValue = new D(b.pointValue ?? "1");
    const method = b.method ?? "differential";
    const unqualified = b.unqualified ?? "roll-up";
    const perMember = b.lines === "per-member";
    const breakaway = b.breakaway;
    const generations = (breakaway?.generations ?? []).map((g) => new D(g));
    const byRank = b.steps.some((s) => s.rank !== undefined);
    const { isQualified } = facts;
    const P = (m: ReferenceMember): Decimal => facts.personal(m, measure);

    // "a member's step is the highest step whose condition they meet (steps are numbered 1, 2, … from the
    // lowest; none when they meet none)". 0 = none.
    const step = memo((m: ReferenceMember): number => {
      let best = 0;
      if (byRank) {
        // "Steps by rank: A member's step is the highest step whose rank is at or below their paid-as rank".
        const paidAs = facts.paidAs(m);
        if (paidAs === null) return 0;
        const held = facts.rankIndex(paidAs);
        b.steps.forEach((s, i) => {
          if (facts.rankIndex(s.rank as string) <= held) best = i + 1;
        });
      } else {
        // "Steps by volume (minimum): the step is the highest whose minimum ≤ the member's bracket volume B(m)."
        const bracket = B(m);
        b.steps.forEach((s, i) => {
          if (new D(s.minimum as string).lessThanOrEqualTo(bracket)) best = i + 1;
        });
      }
      return best;
    });
    // "their step rate s(m) is that step's rate (0 without a step)".
    const s = (m: ReferenceMember): Decimal => {
      const k = step(m);
      return k === 0 ? ZERO : new D((b.steps[k - 1] as { rate: string }).rate);
    };

    // "a member breaks away when they are qualified and their step is k or above" (breakaway.from: k).
    const breaksAway = memo((m: ReferenceMember): boolean => breakaway !== undefined && isQualified(m) && step(m) >= breakaway.from);
    // The first-level members who stay in m's group: "A member who breaks away leaves their sponsor's group".
    const staying = (m: ReferenceMember): ReferenceMember[] => m.children.filter((c) => !breaksAway(c));

    // "With on: personal, B(m) = personal(m, volume). With on: group (the default), B(m) is the personal volume
    // of m plus B(c) of every first-level member c of m who does not break away". Steps by rank: "on does not
    // apply ...; the bracket volume published is still group-style B(m) of volume".
    const B: (m: ReferenceMember) => Decimal = memo((m) => {
      if (on === "personal" && !byRank) return facts.personal(m, volume);
      return facts.personal(m, volume).plus(sum(staying(m).map(B)));
    });
    // "G(m) is personal(m, measure) plus G(c) of every first-level member c who does not break away."
    const G: (m: ReferenceMember) => Decimal = memo((m) => P(m).plus(sum(staying(m).map(G))));

    // "Paying rate r(m): s(m) when m is qualified. For an unqualified member, unqualified: roll-up makes
    // r(m) = 0 in every rule below ..., while unqualified: breakage keeps r(m) = s(m) for everyone below and
    // above". (deduct reads s(c) of the members below, never r.)
    const r = (m: ReferenceMember): Decimal => (isQualified(m) || unqualified === "breakage" ? s(m) : ZERO);

    // "A member's group is m and everyone below m reached without passing through a member who breaks away":
    // each x of it below m, with h(x, m) = "max of r(y) over y on the sponsor path from x up to m, x included,
    // m excluded", and the first-level member c whose part of the group x is in.
    const groupBelow = (m: ReferenceMember): { x: ReferenceMember; h: Decimal; leg: ReferenceMember }[] => {
      const out: { x: ReferenceMember; h: Decimal; leg: ReferenceMember }[] = [];
      const visit = (x: ReferenceMember, above: Decimal, leg: ReferenceMember): void => {
        const h = D.max(above, r(x));
        out.push({ x, h, leg });
        for (const y of staying(x)) visit(y, h, leg);
      };
      for (const c of staying(m)) visit(c, ZERO, c);
      return out;
    };

    const acc = {
      potential: ZERO,
      paid: ZERO,
      compressedUp: ZERO,
      withheld: ZERO,
      breakage: Object.fromEntries(BREAKAGE_REASONS.map((x) => [x, ZERO])) as Record<BreakageReason, Decimal>,
    };
    const lines: StairLine[] = [];

    for (const m of facts.members) {
      const q = isQualified(m);
      const sm = s(m);
      // Accounting, potential: "for every member m with s(m) > 0 who is qualified, or unqualified under
      // unqualified: breakage or method: deduct, their gross s(m) × pointValue × G(m) (method: personal:
      // × personal(m, measure))". "With unqualified: roll-up (differential, personal, group) an unqualified
      // member has no potential: their rate is 0."
      if (sm.greaterThan(0) && (q || unqualified === "breakage" || method === "deduct")) {
        const rate = sm.times(pointValue); // "every paying rate is multiplied by pointValue"
        const own: StairLine[] = [];
        let withheld = ZERO;
        if (method === "differential") {
          // "pay(m) = r(m) × personal(m, measure) + Σ over x in m's group, x ≠ m, of personal(x, measure) ×
          // max(0, r(m) − h(x, m))"; "The withheld part ...: Σ personal(x) × min(r(m), h(x, m))". Lines: "a line
          // on m's own volume: base = personal(m, measure), rate = r(m) × pointValue, source = m, level = 0";
          // "for each first-level member c of m who does not break away and each distinct value h of h(x, m)
          // with r(m) − h > 0 among the members x of c's part of m's group: one line with base = the sum of
          // personal(x, measure) over those x, rate = (r(m) − h) × pointValue, source = c, level = 0". (r(m) =
          // s(m) here: m is qualified, or unqualified under breakage.)
          own.push({ memberId: m.id, generation: 0, source: m.id, base: P(m), rate });
          const below = groupBelow(m);
          for (const c of staying(m)) {
            const ofLeg = below.filter((e) => e.leg === c);
            // Distinct h below r(m), lowest first (the leg's highest differential first).
            const hs = [...new Set(ofLeg.map((e) => e.h.toFixed()))].map((h) => new D(h)).filter((h) => sm.minus(h).greaterThan(0)).sort((x, y) => x.comparedTo(y));
            for (const h of hs) {
              const base = sum(ofLeg.filter((e) => e.h.equals(h)).map((e) => P(e.x)));
              own.push({ memberId: m.id, generation: 0, source: c.id, base, rate: sm.minus(h).times(pointValue) });
            }
          }
          withheld = sum(below.map((e) => P(e.x).times(D.min(sm, e.h)))).times(pointValue);
        } else if (method === "deduct") {
          // "a member with r(m) > 0 is paid r(m) × G(m) − Σ over first-level members c of m who do not break
          // away of s(c) × G(c)"; "The withheld part is the deduction." Lines: "the gross line has base = G(m),
          // rate = r(m) × pointValue; one negative line per first-level member c who does not break away and
          // has s(c) × G(c) ≠ 0: base = G(c), rate = −s(c) × pointValue, source = c." The gross line's
          // source: m, as the group method's one line ("source = m").
          own.push({ memberId: m.id, generation: 0, source: m.id, base: G(m), rate });
          for (const c of staying(m)) {
            const deduction = s(c).times(G(c));
            if (deduction.isZero()) continue;
            own.push({ memberId: m.id, generation: 0, source: c.id, base: G(c), rate: s(c).times(pointValue).negated() });
            withheld = withheld.plus(deduction.times(pointValue));
          }
        } else if (method === "personal") {
          // "pay(m) = r(m) × personal(m, measure): own volume at the rate the bracket sets, no differential;
          // nothing withheld." (the own-volume line, as differential's)
          own.push({ memberId: m.id, generation: 0, source: m.id, base: P(m), rate });
        } else {
          // "method: group: pay(m) = r(m) × G(m), no differential ... Nothing withheld." "Group: one line with
          // base = G(m), the same rate, source = m."
          own.push({ memberId: m.id, generation: 0, source: m.id, base: G(m), rate });
        }
        const gross = rate.times(method === "personal" ? P(m) : G(m));
        const pay = sum(own.map((l) => l.base.times(l.rate)));
        // "paid + withheld = r(m) × G(m) for every paid member" (checked: a wrong line would break it).
        if (!pay.plus(withheld).equals(gross)) throw new Error(`reference stairstep: pay + withheld ≠ gross for ${m.id}`);
        acc.potential = acc.potential.plus(gross);
        // Every member in the potential has its withheld part counted, the unqualified too: "breakage ...
        // member-unqualified (an unqualified member's gross less its withheld part)" and "paid + withheld +
        // breakage = potential, exactly" leave no other place for an unqualified member's withheld part.
        acc.withheld = acc.withheld.plus(withheld);
        if (q) lines.push(...own);
        // "what m would be paid is breakage (member-unqualified) instead of paid" (deduct: "an unqualified
        // member with a step is not paid, and what they would be paid is breakage").
        else acc.breakage["member-unqualified"] = acc.breakage["member-unqualified"].plus(pay);
      }

      // "Breakaway override (breakaway.generations, with any method): the override is earned by members who break
      // away (qualified, at step from or above; the top of a tree counts though it
      // has no sponsor to leave)"; "a member who does not break away never earns an override". Their
      // generation-k members d for k up to the number of rates ("generations beyond the last rate pay nothing
      // and are not counted").
      if (breakaway === undefined || generations.length === 0 || !breaksAway(m)) continue;
      // "u earns ... when B(u) ≥ minimumGroup (when given) and u has at least minimumLegs breakaway legs
      // (first-level members c such that c or someone below c breaks away; when given)."
      const legHasBreakaway = (c: ReferenceMember): boolean => breaksAway(c) || c.children.some(legHasBreakaway);
      const earns =
        (breakaway.minimumGroup === undefined || B(m).greaterThanOrEqualTo(new D(breakaway.minimumGroup))) &&
        (breakaway.minimumLegs === undefined || m.children.filter(legHasBreakaway).length >= breakaway.minimumLegs);
      // "the first members who break away below u (no breakaway strictly between) are u's generation 1; the
      // first who break away below a generation-k member are generation k + 1."
      const found: { d: ReferenceMember; k: number }[] = [];
      const visit = (x: ReferenceMember, between: number): void => {
        let passed = between;
        if (breaksAway(x)) {
          found.push({ d: x, k: between + 1 });
          passed = between + 1;
        }
        if (passed < generations.length) for (const y of x.children) visit(y, passed);
      };
      for (const c of m.children) visit(c, 0);
      found.sort((x, y) => x.k - y.k || (x.d.id < y.d.id ? -1 : x.d.id > y.d.id ? 1 : 0));
      for (const { d, k } of found) {
        // "u earns generations[k − 1] × pointValue × G(d) on each generation-k member d (d's group only)";
        // "override: one line per generation-k member d: base = G(d), rate = generations[k−1] × pointValue,
        // source = d, level = k". "An override u does not earn for failing a condition is breakage
        // (override-unqualified)".
        const rate = (generations[k - 1] as Decimal).times(pointValue);
        const value = rate.times(G(d));
        acc.potential = acc.potential.plus(value);
        if (earns) lines.push({ memberId: m.id, generation: k, source: d.id, base: G(d), rate });
        else acc.breakage["override-unqualified"] = acc.breakage["override-unqualified"].plus(value);
      }
    }

    // "No line has an exact value of zero" (so a zero line is not one a member's lines merge).
    const nonZero = lines.filter((l) => !l.base.times(l.rate).isZero());
    // "paid: the exact value of all the bonus's lines".
    acc.paid = sum(nonZero.map((l) => l.base.times(l.rate)));

    // "lines: per-member merges m's lines of one rate and generation into one line (sources = their number,
    // source only when one)". "sources is 1 on per-leg lines. A line's level is its override generation, and
    // 0 on every other line".
    const merged = new Map<string, { memberId: string; generation: number; rate: Decimal; base: Decimal; sources: string[] }>();
    let n = 0;
    for (const l of nonZero) {
      const key = perMember ? `${l.memberId}\u0000${l.generation}\u0000${l.rate.toFixed()}` : String(n++);
      const g = merged.get(key);
      if (g === undefined) merged.set(key, { memberId: l.memberId, generation: l.generation, rate: l.rate, base: l.base, sources: [l.source] });
      else {
        g.base = g.base.plus(l.base);
        g.sources.push(l.source);
      }
    }
    // The order the bonus makes its lines in (statements.md orders a member's lines by level, then source,
    // "then in the order the bonus made them"; the section does not say that order): per leg, the own-volume
    // or gross line, then each leg in id order, a leg's rates highest first, then overrides by generation and
    // source; per member, each level's merged lines by rate, lowest first. (The fast engine's order; the
    // docs leave it open.)
    const made = [...merged.values()];
    if (perMember) made.sort((x, y) => x.generation - y.generation || x.rate.comparedTo(y.rate));
    const out = made.map((g): FamilyLine => {
      const fields: Record<string, number | string> = { level: g.generation, sources: g.sources.length };
      if (g.sources.length === 1) fields.source = g.sources[0] as string;
      return { memberId: g.memberId, fields, base: g.base, rate: g.rate, value: g.base.times(g.rate) };
    });

    // "Published columns: <key>.step (count: the step number, 0 for none), <key>.bracket (volume: B(m)),
    // <key>.group (volume: G(m)), <key>.breakaway (count: 1 when m breaks away)."
    const columns: Record<string, FamilyColumn> = {
      step: { kind: "count", of: (m) => new D(step(m)) },
      bracket: { kind: "volume", of: B },
      group: { kind: "volume", of: G },
      breakaway: { kind: "count", of: (m) => new D(breaksAway(m) ? 1 : 0) },
    };
    // "Conservation: paid + withheld + breakage = potential, exactly" (checked by the core).
    return { lines: out, accounting: acc, columns };
  },
};
