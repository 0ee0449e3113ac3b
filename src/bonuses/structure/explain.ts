/**
 * Explaining a structure bonus for one member: the level paid and the requirements that made it, or why
 * no level (or no higher level) was met, requirement by requirement with actual and required values.
 * The levels of the whole tree are computed once per run (a member's level depends on its frontline's).
 */
import type { BonusExplanation, ExplainContext, LineBasis, NotPaid } from "../../audit/explanation.js";
import type { ConditionDetail } from "../../measures/qualification.js";
import { formatFixed, formatVolume } from "../../money/decimal.js";
import type { CompileContext } from "../family.js";
import { type StructureLevel, type StructureLevels, type StructureProgram, structureLevels } from "./run.js";

/** @internal Builds the `explain` method of a compiled structure bonus. */
export function structureExplainer(p: StructureProgram, cc: CompileContext): (ctx: ExplainContext, member: number) => BonusExplanation {
  const cache = new WeakMap<Uint8Array, StructureLevels>();
  const money = (units: number) => formatFixed(BigInt(units), cc.moneyScale);
  return (ctx, m) => {
    let s = cache.get(ctx.qualified);
    if (s === undefined) cache.set(ctx.qualified, (s = structureLevels(ctx, p)));
    const levels = s;
    const name = (measure: number) => (ctx.measures.specs[measure] as { name: string }).name;
    /** Level j's (0-based) requirements for m, with actual and required values (qualification aside). */
    const details = (j: number): ConditionDetail[] => {
      const l = p.levels[j] as StructureLevel;
      const out: ConditionDetail[] = [];
      if (l.personal !== undefined) {
        const v = (ctx.measures.personal[l.personal.measure] as Float64Array)[m] as number;
        out.push({ condition: "personal-volume", measure: name(l.personal.measure), actual: formatVolume(v), required: formatVolume(l.personal.minimum), met: v >= l.personal.minimum });
      }
      if (l.sponsored !== undefined) {
        const c = (levels.sponsored[j] as Int32Array)[m] as number;
        out.push({ condition: "sponsored", measure: name(l.sponsored.measure), actual: String(c), required: String(l.sponsored.count), met: c >= l.sponsored.count });
      }
      if (l.team !== undefined) {
        const v = (levels.team[j] as Float64Array)[m] as number;
        out.push({ condition: "team-volume", measure: name(l.team.measure), actual: formatVolume(v), required: formatVolume(l.team.minimum), met: v >= l.team.minimum });
      }
      if (l.frontline !== undefined) {
        const c = (levels.frontline[j] as Int32Array)[m] as number;
        out.push({ condition: "frontline", actual: String(c), required: String(l.frontline.count), met: c >= l.frontline.count });
      }
      return out;
    };
    /** One requirement in words. */
    const words = (j: number, d: ConditionDetail): string => {
      const l = p.levels[j] as StructureLevel;
      switch (d.condition) {
        case "personal-volume":
          return `own ${d.measure} ${d.actual} of ${d.required}`;
        case "sponsored":
          return `personally sponsored members with ${d.measure} ≥ ${formatVolume(l.sponsored?.minimum ?? 0)}: ${d.actual} of ${d.required}`;
        case "team-volume": {
          const depth = l.team?.depth ?? -1;
          const scope = depth < 0 ? "the whole downline" : depth === 0 ? "own volume only" : `you and ${depth} level${depth === 1 ? "" : "s"} below`;
          return `team ${d.measure} (${scope}) ${d.actual} of ${d.required}`;
        }
        default:
          return `first-level members meeting level ${(l.frontline?.level ?? 0) + 1}: ${d.actual} of ${d.required}`;
      }
    };
    const list = (j: number, which: "met" | "unmet" | "all") =>
      details(j)
        .filter((d) => which === "all" || d.met === (which === "met"))
        .map((d) => words(j, d))
        .join("; ");
    const amount = (j: number) => (p.levels[j] as StructureLevel).amount;
    const lines: LineBasis[] = [];
    const notPaid: NotPaid[] = [];
    const paid = levels.level[m] as number;
    const qualified = ctx.qualified[m] === 1;
    if (p.requiresQualified && !qualified) {
      // The highest level whose requirements hold, qualification aside.
      let j = p.levels.length - 1;
      while (j >= 0 && !details(j).every((d) => d.met)) j--;
      notPaid.push({
        reason: "member-unqualified",
        message: `this bonus pays qualified members only${j >= 0 ? `; the requirements of level ${j + 1} (${money(amount(j))}) are met` : ""}`,
        ...(j >= 0 ? { forgone: money(amount(j)), level: j + 1 } : {}),
        conditions: ctx.qualification.filter((c) => !c.met),
      });
      return { lines, notPaid };
    }
    if (paid === 0) {
      notPaid.push({
        reason: "no-level",
        message: `no level met: level 1 (${money(amount(0))}) needs ${list(0, "unmet") || "nothing more"}`,
        level: 1,
        conditions: details(0).filter((d) => !d.met),
      });
      return { lines, notPaid };
    }
    const j = paid - 1;
    const summary = list(j, "all");
    if (amount(j) > 0) lines.push({ fields: { level: paid }, note: `the highest level met${summary === "" ? "" : ` (${summary})`}: ${money(amount(j))}` });
    else notPaid.push({ reason: "level-pays-nothing", message: `level ${paid}, the highest level met, pays nothing; only the highest level met is paid`, level: paid });
    if (paid < p.levels.length) {
      const k = paid;
      notPaid.push({
        reason: "next-level",
        message: `level ${k + 1} (${money(amount(k))}) is not met: ${list(k, "unmet")}`,
        level: k + 1,
        forgone: money(Math.max(0, amount(k) - amount(j))),
        conditions: details(k).filter((d) => !d.met),
      });
    }
    return { lines, notPaid };
  };
}
