/**
 * Reference `structure` (docs/plan-language.md "`structure`: fixed amounts for a structure built this
 * period"): levels of requirements (personal, sponsored, team, frontline), the paid level ℓ(m) (the highest
 * level met), one fixed line of its amount, and the published column `<key>.level`. Every quoted rule is from
 * that section.
 *
 * Style: the slow way. "m meets level j" is a memoised recursion on (member, level), the frontline
 * requirement asking it of m's first-level members; a team volume walks m's downline to the depth.
 */
import { D, type Decimal, sum, ZERO } from "../decimal.js";
import type { BonusOfKind, FamilyLine, ReferenceFamily, ReferenceMember } from "../family.js";

export const structure: ReferenceFamily<BonusOfKind<"structure">> = {
  kind: "structure",
  calculate(b, facts) {
    // "`requiresQualified` (a key of the entry, true by default, for every level)".
    const requiresQualified = b.requiresQualified ?? true;
    const levels = b.levels;

    // "team(m) is the sum of personal(x, measure) over m and every member x below m at sponsor distance 1 …
    // depth (depth: 0: m's own volume; depth: 1: m and the first level). Without depth, the whole downline:
    // team(m) = group(m, measure)".
    const team = (m: ReferenceMember, measure: string, depth: number | undefined): Decimal => {
      if (depth === undefined) return facts.group(m, measure);
      const down = (x: ReferenceMember, left: number): Decimal => (left === 0 ? ZERO : sum(x.children.map((c) => facts.personal(c, measure).plus(down(c, left - 1)))));
      return facts.personal(m, measure).plus(down(m, depth));
    };

    const seen = new Map<string, boolean>();
    // "A member m meets level j when every requirement that level j gives holds, and, with requiresQualified
    // ..., m is qualified". j from 1.
    const meets = (m: ReferenceMember, j: number): boolean => {
      const memoKey = `${m.id}\u0000${j}`;
      const hit = seen.get(memoKey);
      if (hit !== undefined) return hit;
      const level = levels[j - 1];
      if (level === undefined) throw new Error(`reference structure: no level ${j}`);
      let ok = !requiresQualified || facts.isQualified(m);
      // "personal: { measure, minimum }: personal(m, measure) ≥ minimum".
      if (ok && level.personal !== undefined) ok = facts.personal(m, level.personal.measure).greaterThanOrEqualTo(new D(level.personal.minimum));
      // "sponsored: { count, measure, minimum }: at least count first-level members c of m (personally
      // sponsored, sponsor tree) have status enrolled and personal(c, measure) ≥ minimum".
      if (ok && level.sponsored !== undefined) {
        const s = level.sponsored;
        ok = m.children.filter((c) => c.status === "enrolled" && facts.personal(c, s.measure).greaterThanOrEqualTo(new D(s.minimum))).length >= s.count;
      }
      // "team: { measure, minimum, depth }: team(m) ≥ minimum".
      if (ok && level.team !== undefined) ok = team(m, level.team.measure, level.team.depth).greaterThanOrEqualTo(new D(level.team.minimum));
      // "frontline: { count, level }: at least count first-level members c of m meet level `level` of this
      // same bonus ...; level defaults to the level just below, j − 1".
      if (ok && level.frontline !== undefined) {
        const f = level.frontline;
        const below = f.level ?? j - 1;
        ok = m.children.filter((c) => meets(c, below)).length >= f.count;
      }
      seen.set(memoKey, ok);
      return ok;
    };

    // "Paid level ℓ(m): the highest j that m meets; 0 when m meets none."
    const paidLevel = (m: ReferenceMember): number => {
      for (let j = levels.length; j >= 1; j--) if (meets(m, j)) return j;
      return 0;
    };

    // "m receives one line, the amount of level ℓ(m), when ℓ(m) ≥ 1 and that amount is above 0"; "a fixed
    // amount (no base or rate), with level = ℓ(m). No sources or source." (An amount "0" is a line of exact
    // value zero, which the core drops.)
    const lines: FamilyLine[] = [];
    for (const m of facts.members) {
      const l = paidLevel(m);
      if (l === 0) continue;
      lines.push({ memberId: m.id, fields: { level: l }, value: new D((levels[l - 1] as { amount: string }).amount) });
    }
    // "Published column: <key>.level (count): ℓ(m), 0 for none." "Accounting: none".
    return { lines, columns: { level: { kind: "count", of: (m) => new D(paidLevel(m)) } } };
  },
};
