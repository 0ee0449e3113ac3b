/** An explanation as text for people: members, support staff and auditors reading "why was I paid this?". */
import type {
  BonusPart,
  ExplainedLine,
  Explanation,
  NotPaid,
  QualificationCheck,
  RequirementExplanation,
  RoundingDetail,
  SourceList,
  VolumeBreakdown,
} from "./explanation.js";
import { VOLUME_SCALE, parseUnits } from "../money/decimal.js";
import { grouped } from "./words.js";

const MET = "[met]    ";
const UNMET = "[not met]";

/**
 * Renders an explanation as text: qualification, paid-as and next rank, then each bonus with its line
 * items (sources, levels, base, rate, rounding, plan clause) and what was not paid, and why.
 *
 * @param e - from {@link explain}
 * @returns text ending with a line feed
 * @example
 * ```ts
 * process.stdout.write(formatExplanation(explain(run, "M0000042")));
 * ```
 */
export function formatExplanation(e: Explanation): string {
  const out: string[] = [];
  out.push(`Member ${e.memberId}${e.sponsorId === null ? " (the root)" : `, sponsored by ${e.sponsorId}`}: period ${e.period}, plan ${e.plan}`);
  out.push(`Total paid: ${grouped(e.total)} ${e.currency}`);
  out.push("");
  out.push(`Qualification: ${e.qualified ? "qualified" : "NOT qualified"}`);
  for (const c of e.qualification) out.push(`  ${c.met ? MET : UNMET} ${condition(c)}`);
  out.push("");
  const r = e.rank;
  if (r.paidAs === null) out.push("Paid-as rank: none");
  else out.push(`Paid-as rank: ${r.paidAs}${r.reference !== undefined ? ` (${r.reference})` : ""}`);
  if (r.given !== undefined) out.push(`  ${r.given.message}`);
  if (r.state !== undefined) out.push(`  ${r.state.message}`);
  if (r.paidAs !== null) {
    for (const d of r.requirements ?? []) requirement(out, d);
  }
  if (r.next !== undefined) {
    const n = r.next;
    const met = n.requirements.every((d) => d.met);
    out.push(`Next rank: ${n.name}${n.reference !== undefined ? ` (${n.reference})` : ""}: ${met ? "every requirement met" : "not reached"}`);
    for (const d of n.requirements) requirement(out, d);
    if (!met) {
      const parts: string[] = [];
      for (const a of n.additional) parts.push(`${grouped(a.volume)} more ${a.measure}, ${a.where}`);
      for (const c of n.columnsNeeded ?? []) parts.push(`${grouped(c.shortfall)} more ${c.column} (a bonus's result; more volume alone does not reach it)`);
      if (n.legsNeeded > 0) parts.push(`${n.legsNeeded} more qualifying leg${n.legsNeeded === 1 ? "" : "s"}`);
      if (n.otherUnmet) parts.push("qualification (see above)");
      out.push(`  To reach ${n.name}: ${parts.length > 0 ? parts.join("; and ") : "nothing more"}`);
    }
  }
  for (const b of e.bonuses) {
    out.push("");
    bonus(out, b, e.currency);
  }
  return `${out.join("\n")}\n`;
}

/** One order kind of a volume breakdown: what was ordered, left out (`leavesOut`), capped and counted. */
function kindVolume(k: VolumeBreakdown["kinds"][number]): string {
  const kind = k.kind.replace(/-/g, " ");
  if (!k.counts) return `${kind} ${grouped(k.raw)} not counted`;
  const units = (x: string) => parseUnits(x, VOLUME_SCALE) as bigint;
  const leftOut = k.leftOut === undefined ? 0n : units(k.leftOut);
  const note = leftOut > 0n ? ` (${grouped(k.leftOut as string)} left out: orders a bonus pays on)` : "";
  const capped = units(k.raw) - leftOut !== units(k.counted) ? " (capped)" : "";
  return k.raw === k.counted ? `${kind} ${grouped(k.counted)} counted` : `${kind} ${grouped(k.raw)}, ${grouped(k.counted)} counted${capped}${note}`;
}

function condition(c: QualificationCheck): string {
  switch (c.condition) {
    case "status":
      return `status ${c.actual} (required ${c.required})`;
    case "personal": {
      let s = `${c.measure} ${grouped(c.actual)} of ${grouped(c.required)} required`;
      if (c.breakdown !== undefined) {
        const kinds = c.breakdown.kinds.map(kindVolume);
        const a = c.breakdown.accumulated;
        s += a === undefined ? `: ${kinds.join(", ")}` : `: carried from earlier periods ${grouped(a.carried)} + this period's ${a.base} ${grouped(a.thisPeriod)} (${kinds.join(", ")})`;
      }
      return s;
    }
    case "sponsoredActive":
      return `${c.actual} of ${c.required} required personally sponsored members active`;
    default:
      return `${c.condition} ${c.actual} (required ${c.required})`;
  }
}

function requirement(out: string[], d: RequirementExplanation): void {
  let s: string;
  switch (d.requirement) {
    case "qualified":
      s = "qualified";
      break;
    case "personal":
      s = `personal ${d.measure} ${grouped(d.actual)} of ${grouped(d.required)} required`;
      break;
    case "group":
      s =
        d.legCap === undefined
          ? `group ${d.measure} ${grouped(d.actual)} of ${grouped(d.required)} required`
          : `group ${d.measure} ${grouped(d.actual)} counted of ${grouped(d.required)} required (at most ${grouped(d.legCap.maxPerLeg)} from any one leg; ${grouped(d.legCap.uncapped)} before the cap)`;
      break;
    case "legs":
      s =
        d.rank !== undefined
          ? `${d.actual} of ${d.required} required first-level legs holding ${d.rank}`
          : `${d.actual} of ${d.required} required first-level legs with group ${d.measure} of at least ${grouped(d.legMinimum ?? "0")}`;
      break;
    case "column":
      s = `${d.column} ${grouped(d.actual)} of ${grouped(d.required)} required`;
      break;
    default:
      s = `${d.requirement} ${d.actual} of ${d.required}`;
  }
  out.push(`  ${d.met ? MET : UNMET} ${s}`);
  for (const n of d.notes) out.push(`              ${n}`);
}

function bonus(out: string[], b: BonusPart, currency: string): void {
  out.push(`Bonus ${b.key} (${b.kind})${b.reference !== undefined ? `, ${b.reference}` : ""}: ${grouped(b.amount)} ${currency}`);
  for (const l of b.lines) line(out, l);
  if (b.rounding !== undefined) out.push(`  subtotal: ${rounded(b.rounding)}`);
  for (const a of b.awards ?? []) out.push(`  award (no amount): ${a.award}: ${a.explanation}`);
  if (b.lines.length === 0 && b.notPaid.length === 0 && b.awards === undefined) out.push("  nothing paid");
  if (b.notPaid.length > 0) {
    out.push(b.lines.length === 0 ? "  not paid:" : "  not paid, or paid less:");
    for (const n of b.notPaid) notPaid(out, n);
  }
}

function line(out: string[], l: ExplainedLine): void {
  // Level 0 is no level (a stairstep line other than an override).
  const head = l.level !== undefined && l.level > 0 ? `level ${l.level}${l.compressed === true ? " (compressed)" : ""}` : "line";
  out.push(`  ${head}: ${l.explanation}`);
  const calc = l.base !== undefined && l.rate !== undefined ? `${grouped(l.base)} × ${l.rate} = ` : "";
  out.push(`      ${calc}${grouped(l.value)}; ${rounded(l.rounding)}${l.reference !== undefined ? `; clause: ${l.reference}` : ""}`);
  if (l.from !== undefined) sources(out, l.from, "      ");
}

function rounded(r: RoundingDetail): string {
  if (r.applies === "bonus" && r.exact === r.rounded) return `exact ${grouped(r.exact)} (the plan rounds each member's bonus subtotal, ${r.mode})`;
  if (/^-?0(\.0*)?$/.test(r.difference)) return `exact, nothing to round (${r.mode}, ${r.scale} place${r.scale === 1 ? "" : "s"})`;
  return `rounded ${r.mode} to ${r.scale} place${r.scale === 1 ? "" : "s"}: ${grouped(r.rounded)} (${r.difference.startsWith("-") ? "" : "+"}${r.difference})`;
}

function notPaid(out: string[], n: NotPaid): void {
  out.push(`    - ${n.reason}${n.level !== undefined ? `, level ${n.level}` : ""}: ${n.message}${n.forgone !== undefined ? ` (not received: ${grouped(n.forgone)})` : ""}`);
  for (const c of n.conditions ?? []) out.push(`        failed: ${condition(c)}`);
  if (n.from !== undefined) sources(out, n.from, "        ");
}

function sources(out: string[], s: SourceList, pad: string): void {
  for (const src of s.shown) {
    const where = src.distance === 0 ? "own" : src.distance === src.level ? `level ${src.level}` : `level ${src.level}, ${src.distance} generations down`;
    let t = `${pad}from ${src.memberId}: ${grouped(src.volume)} (${where}${src.qualified ? "" : ", not qualified"})`;
    if (src.orders !== undefined && src.orders.length > 0) {
      t += `; orders ${src.orders.map((o) => `${o.id} ${o.kind} ${grouped(o.volume)}`).join(", ")}${src.ordersOmitted !== undefined ? `, and ${src.ordersOmitted} more` : ""}`;
    }
    out.push(t);
  }
  if (s.omitted > 0) out.push(`${pad}… and ${grouped(String(s.omitted))} more source members (${grouped(String(s.count))} in all, total ${grouped(s.volume)})`);
}
