/**
 * The one place where engines' statements are compared with a line order loosened: the lines of a `stairstep`
 * bonus with `lines: per-member`. Such a bonus can give a member, at one level, lines with a `source` and
 * lines without one (merged from several); docs/statements.md orders a member's lines "then `source` (member
 * id; lines per source), then in the order the bonus made them", which does not say where a line without a
 * source goes among lines with one. The reference engine reads it as "lines without a level first" reads
 * levels (lines without a source first); the fast engine compares sources only when both lines have one and
 * otherwise keeps the order it made them in, which is no order at all (three lines with sources Z, none, A
 * stay in that order), so its result depends on the sort algorithm. Reported; until the docs settle it, both
 * engines' statements are compared with those bonuses' lines in one canonical order (level, rate, base,
 * source, sources). Every other line stays where its engine wrote it.
 */
import { canonicalJson, type Plan } from "../../src/index.js";
import { D } from "../reference/decimal.js";

type Line = { bonus: string; level?: number; rate?: string; base?: string; source?: string; sources?: number };

/** `statement` (canonical JSON) with the lines of the plan's per-member stairstep bonuses in canonical order. */
export function settleOpenLineOrder(plan: Plan, statement: string): string {
  const open = new Set(plan.bonuses.filter((b) => b.kind === "stairstep" && b.lines === "per-member").map((b) => b.key));
  if (open.size === 0) return statement;
  const s = JSON.parse(statement) as { lines: Line[] };
  const key = (l: Line): [number, string, string, string, number] => [l.level ?? -1, l.rate ?? "0", l.base ?? "0", l.source ?? "", l.sources ?? 0];
  const compare = (a: Line, b: Line): number => {
    const [la, ra, ba, sa, na] = key(a);
    const [lb, rb, bb, sb, nb] = key(b);
    return la - lb || new D(ra).comparedTo(rb) || new D(ba).comparedTo(bb) || (sa < sb ? -1 : sa > sb ? 1 : 0) || na - nb;
  };
  // Each bonus's lines are one run (lines are ordered by the bonus's position first): sort the open ones in place.
  let i = 0;
  while (i < s.lines.length) {
    let j = i;
    while (j < s.lines.length && s.lines[j]?.bonus === s.lines[i]?.bonus) j++;
    if (open.has(s.lines[i]?.bonus as string)) s.lines.splice(i, j - i, ...s.lines.slice(i, j).sort(compare));
    i = j;
  }
  return canonicalJson(s);
}
