/** The run summary as text for people: the numbers finance looks at first. */
import { groupDigits } from "../money/decimal.js";
import type { Plan } from "../plan/parse.js";
import type { Summary } from "../statement/types.js";


function percent(share: string | null): string {
  if (share === null) return "n/a";
  // share has 6 places; as a percentage with 4 places, by moving the decimal point (no float arithmetic).
  const [int, frac = ""] = share.split(".") as [string, string | undefined];
  const digits = (int + frac.padEnd(6, "0")).replace(/^0+(?=\d)/, "");
  const padded = digits.padStart(5, "0");
  return `${groupDigits(padded.slice(0, -4).replace(/^0+(?=\d)/, "") || "0")}.${padded.slice(-4)}%`;
}

/** Renders a summary as an aligned text report. */
export function formatSummary(s: Summary, plan: Plan): string {
  const lines: string[] = [];
  lines.push(`compplan run: plan "${s.plan.id}"${s.plan.name !== undefined ? ` (${s.plan.name})` : ""}, period ${s.period}, amounts in ${s.currency}`);
  lines.push(`  members ${groupDigits(String(s.members))} (qualified ${groupDigits(String(s.qualified))}), orders ${groupDigits(String(s.orders))}`);
  lines.push(`  volume  ${Object.entries(s.volumes).map(([k, v]) => `${k} ${groupDigits(v)}`).join(", ")}`);
  lines.push("");
  const w = Math.max(12, ...s.bonuses.map((b) => b.key.length + 2));
  lines.push(`  ${"bonus".padEnd(w)}${"amount".padStart(18)}${"lines".padStart(12)}${"recipients".padStart(12)}`);
  for (const b of s.bonuses) {
    lines.push(`  ${b.key.padEnd(w)}${groupDigits(b.amount).padStart(18)}${groupDigits(String(b.lines)).padStart(12)}${groupDigits(String(b.recipients)).padStart(12)}`);
    if (b.accounting !== undefined) {
      const a = b.accounting;
      const broken = Object.entries(a.breakage).filter(([, v]) => !/^0(\.0*)?$/.test(v));
      const withheld = a.withheld !== undefined ? ` + withheld ${groupDigits(a.withheld)}` : "";
      lines.push(`      potential ${groupDigits(a.potential)} = paid ${groupDigits(a.paid)} + compressed up ${groupDigits(a.compressedUp)}${withheld} + breakage${broken.length === 0 ? " 0" : ""}`);
      for (const [reason, v] of broken) lines.push(`        breakage ${reason.padEnd(20)} ${groupDigits(v).padStart(16)}`);
    }
    if (!/^-?0(\.0*)?$/.test(b.rounding)) lines.push(`      rounding ${groupDigits(b.rounding)} (amount paid minus exact value)`);
  }
  lines.push(`  ${"total".padEnd(w)}${groupDigits(s.total).padStart(18)}`);
  lines.push(`  payout share of ${s.payoutBasis}: ${percent(s.payoutShare)}`);
  if (plan.ranks.length > 0) {
    lines.push(`  paid-as ranks: ${s.ranks.map((r) => `${r.rank} ${groupDigits(String(r.members))}`).join(", ")}, unranked ${groupDigits(String(s.unranked))}`);
  }
  return `${lines.join("\n")}\n`;
}
