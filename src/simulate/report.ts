/**
 * The what-if report: one self-contained HTML page rendered from a {@link RunDiff}, for a finance reader.
 * What was changed, headline numbers, charts of the change per bonus and per rank, of the pay
 * distribution and of payout per bonus and per rank, tables of the largest gains and losses, and the
 * fingerprints of the inputs and plans with the engine version.
 *
 * Colours carry one meaning throughout, the effect on the company: a payout that rises is a cost (red), one
 * that falls a saving (blue); breakage the company keeps counts the other way. Before/after bars are
 * neutral greys, and counts of people are not coloured. The page explains this key at the top. Red and
 * blue stay apart for readers who do not tell red from green, and every figure also carries its sign.
 *
 * Charts are plain SVG written by this module, not a charting library: no dependency to keep up to date, no
 * script at all in the page (so nothing can fetch anything; the page's Content-Security-Policy forbids it
 * anyway), byte-for-byte deterministic output, and a page of tens of kilobytes that opens from disk. Bar
 * lengths are the only numbers computed in floating point, and only for drawing; every number printed is
 * the exact decimal string of the diff. Each headline number carries `data-field` (its path in diff.json)
 * so a test can check the page against the file.
 */
import { isRecord, requireArguments } from "../errors/arguments.js";
import { decimalToUnits } from "../money/arith.js";
import { formatFixed, formatRatio, groupDigits as group } from "../money/decimal.js";
import { canonicalJson } from "../statement/canonical.js";
import type { AppliedChange, AppliedChanges } from "./applied.js";
import type { MemberChange, RunDiff } from "./diff.js";
import type { ChainDiff, ChainMemberChange } from "./chain.js";

const BEFORE_COLOR = "#c3cad3";
const AFTER_COLOR = "#5b6675";
/** A change that costs the company money. */
const COST_COLOR = "#b42318";
/** A change that saves the company money. */
const SAVING_COLOR = "#1560a8";

/**
 * Renders a comparison as a self-contained HTML page (no scripts, no external resources, no timestamps).
 *
 * @param diff - a comparison from {@link simulate}
 * @returns the HTML text; the same diff always gives the same bytes
 * @example
 * ```ts
 * writeFileSync("report.html", renderDiffReport(simulate(plan, change, input).diff));
 * ```
 */
export function renderDiffReport(diff: RunDiff): string {
  requireArguments("renderDiffReport", [["diff", isRecord(diff) && isRecord(diff.before) && isRecord(diff.after), "a RunDiff from simulate", diff]]);
  const b = diff.before.plan;
  const a = diff.after.plan;
  const title = `What-if: ${b.id} → ${a.id}, ${diff.period}`;
  const parts: string[] = [];
  parts.push(`<header><h1>What-if report</h1>`);
  const same = planLabel(a) === planLabel(b);
  const compared = same ? `, and the same plan with the change below` : ` compared with <b>${esc(planLabel(a))}</b>`;
  parts.push(
    `<p class="sub">Base plan <b>${esc(planLabel(b))}</b>${compared} · period <b>${esc(diff.period)}</b> · ` +
      `<span data-field="members" data-format="count">${count(diff.members)}</span> members · amounts in ${esc(diff.currency)}</p>`,
  );
  if (diff.description !== undefined) parts.push(`<p class="desc">${esc(diff.description)}</p>`);
  parts.push(`</header>`);
  if (diff.applied !== undefined) parts.push(appliedSection(diff.applied, planLabel(b), planLabel(a)));
  parts.push(COLOUR_KEY);
  parts.push(headline(diff));
  parts.push(deltaSection(diff));
  parts.push(distributionSection(diff));
  parts.push(bonusSection(diff));
  parts.push(rankSection(diff));
  parts.push(memberTables(diff));
  parts.push(accountingSection(diff));
  parts.push(provenanceSection(diff));
  parts.push(
    `<footer>Computed by compplan from the same members and orders under both plans; every amount is exact. ` +
      `Percentiles use the nearest-rank method (the value at position ⌈p × N / 100⌉ of members' pay sorted from lowest). ` +
      `The figures on this page are those of diff.json.</footer>`,
  );
  return page(title, parts);
}

/** The page around the sections: no script, no external resource, no timestamp. */
function page(title: string, parts: readonly string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${parts.join("\n")}
</body>
</html>
`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2430;background:#fff;margin:0 auto;max-width:980px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d8dde3;padding-bottom:4px}
h3.chart-title{font-size:15px;margin:18px 0 4px}
.sub{color:#4a5563;margin:0}.desc{margin:8px 0 0;font-style:italic}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:12px;margin-top:16px}
.card{border:1px solid #d8dde3;border-radius:8px;padding:12px 14px;background:#f8fafc}
.card h3{font-size:13px;font-weight:600;color:#4a5563;margin:0 0 6px;text-transform:uppercase;letter-spacing:.03em}
.big{font-size:22px;font-weight:700}.row{display:flex;justify-content:space-between;gap:8px;font-variant-numeric:tabular-nums}.row>span:last-child{white-space:nowrap}
.cost{color:${COST_COLOR}}.saving{color:${SAVING_COLOR}}.muted{color:#6b7583}
.key{display:flex;flex-wrap:wrap;gap:6px 20px;align-items:center;margin-top:16px;padding:8px 12px;border:1px solid #d8dde3;border-radius:8px;font-size:13px;color:#4a5563}
.key b{color:#1d2430}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;margin-top:8px}
th,td{padding:4px 8px;border-bottom:1px solid #e6e9ed;text-align:right;vertical-align:top}th{background:#f1f4f7;font-weight:600}
th:first-child,td:first-child{text-align:left}
table.changes td,table.changes th,table.provenance td,table.provenance th{text-align:left}
td.fp{white-space:nowrap}td:first-child{white-space:nowrap}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.legend{display:flex;gap:16px;font-size:13px;color:#4a5563;margin:4px 0}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
svg{display:block;max-width:100%;height:auto}svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1d2430}
.note{color:#6b7583;font-size:13px}
.tables{display:grid;grid-template-columns:1fr;gap:12px}
footer{margin-top:40px;color:#6b7583;font-size:12px;border-top:1px solid #d8dde3;padding-top:8px}
@page{size:A4;margin:14mm 12mm}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font-size:10pt;max-width:none;padding:0;color:#000;background:#fff}
h1{font-size:18pt}h2{font-size:13pt;margin-top:18pt;break-after:avoid;page-break-after:avoid}
.card,th{background:#fff}.card,.key,.keep,svg,tr{break-inside:avoid;page-break-inside:avoid}
.cards{grid-template-columns:repeat(3,1fr);gap:8px}
table{font-size:8.5pt}thead{display:table-header-group}code{font-size:8pt}code.fp{font-size:7pt}
footer{font-size:8pt}
}
`;

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function planLabel(p: { id: string; name?: string }): string {
  return p.name !== undefined ? `${p.name} (${p.id})` : p.id;
}


function count(n: number): string {
  return group(String(n));
}

function signed(text: string): string {
  return text.startsWith("-") || /^0(\.0*)?$/.test(text) ? group(text) : `+${group(text)}`;
}

/** A share with 6 places as a percentage with 4 ("0.249736" → "24.9736%"), by moving the decimal point. */
function percent(share: string | null): string {
  return share === null ? "n/a" : `${formatFixed(decimalToUnits(share, 6), 4)}%`;
}

/** A change of share as percentage points, signed. */
function points(change: string | null): string {
  return change === null ? "n/a" : `${signed(formatFixed(decimalToUnits(change, 6), 4))} pp`;
}

/**
 * How a change is read: `pay` is money paid out (more is a cost to the company), `kept` is money the
 * company keeps (more is a saving).
 */
type Sense = "pay" | "kept";

/** The class of a signed change by its effect on the company: `cost`, `saving`, or `muted` for none. */
function effect(change: string, sense: Sense = "pay"): "cost" | "saving" | "muted" {
  if (/^-?0(\.0*)?$/.test(change)) return "muted";
  const up = !change.startsWith("-");
  return up === (sense === "pay") ? "cost" : "saving";
}

/** The colour key, once at the top of the page. */
const COLOUR_KEY =
  `<div class="key" role="note"><b>Colour key</b>` +
  `<span><span class="swatch" style="background:${COST_COLOR}"></span><span class="cost">red</span>: costs the company more (a payout rises, or breakage kept falls)</span>` +
  `<span><span class="swatch" style="background:${SAVING_COLOR}"></span><span class="saving">blue</span>: saves the company money (a payout falls, or breakage kept rises)</span>` +
  `<span>grey: no change; counts of people are not coloured</span>` +
  `<span>before/after charts: <span class="swatch" style="background:${BEFORE_COLOR}"></span>before, <span class="swatch" style="background:${AFTER_COLOR}"></span>after</span></div>`;

/** A number printed with the diff path it comes from, so a test can check the page against diff.json. */
function field(path: string, text: string, format: string, cls = ""): string {
  return `<span data-field="${path}" data-format="${format}"${cls !== "" ? ` class="${cls}"` : ""}>${esc(text)}</span>`;
}

function headline(d: RunDiff): string {
  const rel = relativeChange(d.total.before, d.total.after, d.scale);
  const card = (heading: string, body: string) => `<div class="card"><h3>${heading}</h3>${body}</div>`;
  const row = (label: string, value: string) => `<div class="row"><span class="muted">${label}</span><span>${value}</span></div>`;
  const cards = [
    card(
      "Total payout",
      `<div class="big">${field("total.after", group(d.total.after), "money")}</div>` +
        row("before", field("total.before", group(d.total.before), "money")) +
        row("change", field("total.change", signed(d.total.change), "signed-money", effect(d.total.change))) +
        (rel === null ? "" : row("change in %", `<span class="${effect(d.total.change)}">${rel}</span>`)),
    ),
    card(
      `Payout share of ${esc(d.after.payoutBasis)}`,
      `<div class="big">${field("payoutShare.after", percent(d.payoutShare.after), "percent")}</div>` +
        row(d.before.payoutBasis === d.after.payoutBasis ? "before" : `before (of ${esc(d.before.payoutBasis)})`, field("payoutShare.before", percent(d.payoutShare.before), "percent")) +
        row("change", field("payoutShare.change", points(d.payoutShare.change), "points", d.payoutShare.change === null ? "muted" : effect(d.payoutShare.change))),
    ),
    card(
      "Members whose pay changed",
      row("paid more", field("movers.gainers", count(d.movers.gainers), "count")) +
        row("paid less", field("movers.losers", count(d.movers.losers), "count")) +
        row("paid the same", field("movers.payUnchanged", count(d.movers.payUnchanged), "count")) +
        row("sum gained", field("movers.gained", signed(d.movers.gained), "signed-money", effect(d.movers.gained))) +
        row("sum lost", field("movers.lost", signed(d.movers.lost), "signed-money", effect(d.movers.lost))),
    ),
    card(
      "Ranks and qualification",
      row("paid as a higher rank", field("movers.rankUp", count(d.movers.rankUp), "count")) +
        row("paid as a lower rank", field("movers.rankDown", count(d.movers.rankDown), "count")) +
        row("qualified before", field("qualified.before", count(d.qualified.before), "count")) +
        row("qualified after", field("qualified.after", count(d.qualified.after), "count")),
    ),
    card(
      "Breakage (kept by the company)",
      `<div class="big">${field("accounting.breakage.after", group(d.accounting.breakage.after), "money")}</div>` +
        row("before", field("accounting.breakage.before", group(d.accounting.breakage.before), "money")) +
        row("change", field("accounting.breakage.change", signed(d.accounting.breakage.change), "signed-money", effect(d.accounting.breakage.change, "kept"))),
    ),
    card(
      "Compressed up",
      `<div class="big">${field("accounting.compressedUp.after", group(d.accounting.compressedUp.after), "money")}</div>` +
        row("before", field("accounting.compressedUp.before", group(d.accounting.compressedUp.before), "money")) +
        row("change", field("accounting.compressedUp.change", signed(d.accounting.compressedUp.change), "signed-money", effect(d.accounting.compressedUp.change))),
    ),
  ];
  return `<section class="cards">${cards.join("")}</section>`;
}

/** `after / before − 1` as a signed percentage with 2 places, or null when before is zero. */
function relativeChange(before: string, after: string, scale: number): string | null {
  const x = decimalToUnits(before, scale);
  const y = decimalToUnits(after, scale);
  const r = formatRatio((y - x) * 100n, x, 2);
  return r === null ? null : `${signed(r)}%`;
}

interface Series {
  readonly categories: readonly string[];
  readonly before: readonly (string | null)[];
  readonly after: readonly (string | null)[];
}

const LEGEND = `<div class="legend"><span><span class="swatch" style="background:${BEFORE_COLOR}"></span>before</span><span><span class="swatch" style="background:${AFTER_COLOR}"></span>after</span></div>`;

/**
 * A horizontal grouped bar chart: per category, a bar before and a bar after, each labelled with its
 * exact value. Bars start at zero; the longest bar spans the plotting width.
 */
function barChart(label: string, s: Series): string {
  const width = 900;
  const labelWidth = 170;
  const valueWidth = 120;
  const plot = width - labelWidth - valueWidth;
  const bar = 13;
  const gap = 3;
  const groupHeight = bar * 2 + gap + 14;
  const height = s.categories.length * groupHeight + 8;
  const numbers = [...s.before, ...s.after].map((v) => (v === null ? 0 : Number(v)));
  const max = Math.max(0, ...numbers);
  const length = (v: string | null) => (v === null || max === 0 ? 0 : Math.max(0, (Number(v) / max) * plot));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>`);
  s.categories.forEach((cat, i) => {
    const y = 4 + i * groupHeight;
    out.push(`<text x="${labelWidth - 8}" y="${y + bar + 2}" text-anchor="end">${esc(cat)}</text>`);
    const rows: [string | null, string, string][] = [
      [s.before[i] ?? null, BEFORE_COLOR, "before"],
      [s.after[i] ?? null, AFTER_COLOR, "after"],
    ];
    rows.forEach(([v, color, which], r) => {
      const by = y + r * (bar + gap);
      const w = length(v);
      out.push(`<rect x="${labelWidth}" y="${by}" width="${w.toFixed(1)}" height="${bar}" fill="${color}"><title>${esc(`${cat} ${which}: ${v === null ? "n/a" : group(v)}`)}</title></rect>`);
      out.push(`<text x="${(labelWidth + w + 6).toFixed(1)}" y="${by + bar - 2}">${esc(v === null ? "n/a" : group(v))}</text>`);
    });
  });
  out.push(`<line x1="${labelWidth}" y1="0" x2="${labelWidth}" y2="${height}" stroke="#6b7583" stroke-width="1"/>`);
  out.push(`</svg>`);
  return out.join("");
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h) => `<th>${h}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A signed change of money, coloured by its effect on the company. */
function change(text: string, sense: Sense = "pay"): string {
  return `<span class="${effect(text, sense)}">${esc(signed(text))}</span>`;
}

function distributionSection(d: RunDiff): string {
  const payees = d.distribution.payees;
  // The highest pay (P100) would flatten every other bar: it is in the table below the chart.
  const charted = payees.filter((p) => p.percentile < 100);
  const chart = barChart("Pay of members paid more than zero, by percentile, before and after", {
    categories: charted.map((p) => `P${p.percentile}`),
    before: charted.map((p) => p.before),
    after: charted.map((p) => p.after),
  });
  const rows = d.distribution.members.map((m, i) => {
    const p = payees[i];
    const cell = (v: string | null) => (v === null ? "n/a" : esc(group(v)));
    return [
      m.percentile === 100 ? "P100 (highest)" : `P${m.percentile}`,
      cell(m.before),
      cell(m.after),
      cell(p?.before ?? null),
      cell(p?.after ?? null),
      p?.change === null || p === undefined ? "n/a" : change(p.change),
    ];
  });
  return (
    `<section>` +
    keep(
      `<h2>Distribution of pay</h2>` +
        `<p class="note">Members paid more than zero: ${field("distribution.payeeCount.before", count(d.distribution.payeeCount.before), "count")} before, ` +
        `${field("distribution.payeeCount.after", count(d.distribution.payeeCount.after), "count")} after. The chart shows their pay at each percentile.</p>` +
        LEGEND +
        chart,
    ) +
    table(["percentile", "all members before", "all members after", "paid members before", "paid members after", "change"], rows) +
    `</section>`
  );
}

function bonusSection(d: RunDiff): string {
  const label = bonusLabel;
  const chart = barChart("Payout per bonus, before and after", {
    categories: d.bonuses.map(label),
    before: d.bonuses.map((x) => x.before),
    after: d.bonuses.map((x) => x.after),
  });
  const rows = d.bonuses.map((x) => [esc(label(x)), esc(x.kind), esc(group(x.before)), esc(group(x.after)), change(x.change)]);
  return `<section>${keep(`<h2>Payout per bonus</h2>${LEGEND}${chart}`)}${table(["bonus", "kind", "before", "after", "change"], rows)}</section>`;
}

function rankSection(d: RunDiff): string {
  const name = rankLabel;
  const chart = barChart("Payout per paid-as rank, before and after", {
    categories: d.ranks.map((r) => name(r.rank)),
    before: d.ranks.map((r) => r.pay.before),
    after: d.ranks.map((r) => r.pay.after),
  });
  const rows = d.ranks.map((r) => [
    esc(name(r.rank)),
    count(r.members.before),
    count(r.members.after),
    r.members.change > 0 ? `+${count(r.members.change)}` : count(r.members.change),
    esc(group(r.pay.before)),
    esc(group(r.pay.after)),
    change(r.pay.change),
  ]);
  return (
    `<section>${keep(`<h2>Payout per rank</h2><p class="note">Pay of the members paid as each rank in that run (members can change rank).</p>${LEGEND}${chart}`)}` +
    `${table(["rank", "members before", "members after", "change", "pay before", "pay after", "change"], rows)}</section>`
  );
}

function memberRows(list: readonly MemberChange[]): string[][] {
  const rank = (r: string | null) => esc(r ?? "none");
  return list.map((m) => [
    esc(m.memberId),
    m.rankBefore === m.rankAfter ? rank(m.rankBefore) : `${rank(m.rankBefore)} → ${rank(m.rankAfter)}`,
    esc(group(m.before)),
    esc(group(m.after)),
    change(m.change),
  ]);
}

/** Rows shown per table of gains or losses; diff.json may list more. */
const TABLE_ROWS = 25;

function memberTables(d: RunDiff): string {
  const head = ["member", "paid-as rank", "before", "after", "change"];
  const block = (title: string, all: readonly MemberChange[], total: number) => {
    const list = all.slice(0, TABLE_ROWS);
    const more = all.length > list.length ? ` (diff.json lists ${count(all.length)})` : "";
    return (
      `<div><h2>${title}</h2>` +
      (list.length === 0
        ? `<p class="note">None.</p>`
        : `<p class="note">The ${count(list.length)} largest of ${count(total)}${more}.</p>${table(head, memberRows(list))}`) +
      `</div>`
    );
  };
  return `<section class="tables">${block("Largest gains", d.largestGains, d.movers.gainers)}${block("Largest losses", d.largestLosses, d.movers.losers)}</section>`;
}

function accountingSection(d: RunDiff): string {
  const acc = d.accounting;
  const line = (label: string, c: { before: string; after: string; change: string }, sense: Sense | "none") => [
    label,
    esc(group(c.before)),
    esc(group(c.after)),
    sense === "none" ? esc(signed(c.change)) : change(c.change, sense),
  ];
  const rows = [
    line("potential", acc.potential, "none"),
    line("paid at own level", acc.paid, "pay"),
    line("compressed up", acc.compressedUp, "pay"),
    line("withheld by downline rates", acc.withheld, "pay"),
    ...(acc.carried !== undefined ? [line("carried to the next period's fund", acc.carried, "none")] : []),
    line("breakage (kept)", acc.breakage, "kept"),
    ...Object.entries(acc.breakageByReason).map(([reason, c]) => line(`&nbsp;&nbsp;breakage: ${esc(reason)}`, c, "kept")),
  ];
  return (
    `<section><h2>Level bonus accounting</h2><p class="note">Exact values before rounding, summed over the level bonuses: ` +
    `potential = paid + compressed up + withheld + carried + breakage (withheld: the part of a differential bonus's potential that members below the recipient took at their own rates, so it is paid too; carried: a pool's remainder added to the next period's fund, shown when a pool carries). Compressed-up money is paid to an upline, so more of it is a cost; ` +
    `breakage is kept by the company, so more of it is a saving; the potential itself is not coloured.</p>${table(["", "before", "after", "change"], rows)}</section>`
  );
}

const OPERATION_WORDS: Record<AppliedChange["op"], string> = {
  set: "set",
  unset: "removed",
  addRank: "rank added",
  removeRank: "rank removed",
  addBonus: "bonus added",
  removeBonus: "bonus removed",
  changed: "differs",
  added: "only in the changed plan",
  removed: "only in the base plan",
  reordered: "order differs",
};

/** Longest plan value shown in a cell; diff.json has the whole value. */
const VALUE_CHARS = 240;

/** A plan value for a table cell: text as it is, anything else as compact JSON, cut to a readable length. */
function planValue(v: unknown, present: boolean): string {
  if (!present) return `<span class="muted">(none)</span>`;
  const text = typeof v === "string" ? v : canonicalJson(v);
  const cut = text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS)}… (${count(text.length)} characters in all, in diff.json)` : text;
  return `<code>${esc(cut)}</code>`;
}

function appliedSection(applied: AppliedChanges, base: string, other: string): string {
  const rows = applied.list.map((c, i) => [
    String(i + 1),
    esc(OPERATION_WORDS[c.op]),
    `<code>${esc(c.path)}</code>`,
    planValue(c.before, "before" in c),
    planValue(c.after, "after" in c),
  ]);
  const listed = applied.count > applied.list.length ? ` The first ${count(applied.list.length)} are listed; diff.json's <code>applied</code> holds the same.` : "";
  let intro: string;
  if (applied.source === "change-set") {
    intro = `A change set was applied to the base plan <b>${esc(base)}</b>: ${count(applied.count)} operation${applied.count === 1 ? "" : "s"}, in order. “Before” is the value in the base plan.${listed}`;
  } else if (applied.count === 0) {
    intro = `A whole plan, <b>${esc(other)}</b>, was compared with the base plan <b>${esc(base)}</b>: the two plans are identical (after validation and with decimals normalised), so nothing changed.`;
  } else {
    intro = `A whole plan, <b>${esc(other)}</b>, was compared with the base plan <b>${esc(base)}</b> (no change set). They differ in ${count(applied.count)} value${applied.count === 1 ? "" : "s"}, found by comparing the two validated plans.${listed}`;
  }
  const body = rows.length === 0 ? "" : `<table class="changes"><thead><tr><th>#</th><th>change</th><th>where (path in the plan)</th><th>before</th><th>after</th></tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
  return `<section id="changes-applied"><h2>What was changed</h2><p class="note">${intro}</p>${body}</section>`;
}

interface Deltas {
  readonly categories: readonly string[];
  readonly changes: readonly string[];
}

/**
 * A horizontal bar chart of signed changes around a zero line: increases of payout go right in the cost
 * colour, decreases go left in the saving colour, each labelled with its exact signed value.
 */
function deltaChart(label: string, s: Deltas): string {
  const width = 900;
  const labelWidth = 170;
  const valueWidth = 110;
  const bar = 14;
  const rowHeight = 24;
  const height = s.categories.length * rowHeight + 8;
  const numbers = s.changes.map(Number);
  const most = Math.max(0, ...numbers);
  const least = Math.min(0, ...numbers);
  // Room for the values beside the bars: on the right always (zeros are labelled there), on the left
  // only when some bar goes left.
  const left = least < 0 ? valueWidth : 0;
  const plot = width - labelWidth - left - valueWidth;
  const span = most - least;
  const unit = span === 0 ? 0 : plot / span;
  const zero = labelWidth + left + -least * unit;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}" class="delta-chart"><title>${esc(label)}</title>`);
  s.categories.forEach((cat, i) => {
    const y = 4 + i * rowHeight;
    const v = s.changes[i] as string;
    const n = numbers[i] as number;
    const kind = effect(v);
    const w = Math.abs(n) * unit;
    const x = n < 0 ? zero - w : zero;
    const fill = kind === "cost" ? COST_COLOR : kind === "saving" ? SAVING_COLOR : BEFORE_COLOR;
    out.push(`<text x="${labelWidth - 8}" y="${y + bar - 2}" text-anchor="end">${esc(cat)}</text>`);
    out.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${fill}" data-effect="${kind}"><title>${esc(`${cat}: ${signed(v)}`)}</title></rect>`);
    const tx = n < 0 ? x - 6 : x + w + 6;
    out.push(`<text x="${tx.toFixed(1)}" y="${y + bar - 2}" text-anchor="${n < 0 ? "end" : "start"}" class="${kind}" style="fill:currentColor">${esc(signed(v))}</text>`);
  });
  out.push(`<line x1="${zero.toFixed(1)}" y1="0" x2="${zero.toFixed(1)}" y2="${height}" stroke="#1d2430" stroke-width="1"/>`);
  out.push(`</svg>`);
  return out.join("");
}

function deltaSection(d: RunDiff): string {
  const bonuses = deltaChart("Change of payout per bonus (after − before)", {
    categories: d.bonuses.map(bonusLabel),
    changes: d.bonuses.map((x) => x.change),
  });
  const ranks = deltaChart("Change of payout per paid-as rank (after − before)", {
    categories: d.ranks.map((r) => rankLabel(r.rank)),
    changes: d.ranks.map((r) => r.pay.change),
  });
  return (
    `<section id="change-charts">` +
    keep(
      `<h2>Where the payout changes</h2>` +
        `<p class="note">Each bar is the change of payout, after − before: to the right (red) the company pays more, to the left (blue) it pays less. ` +
        `The changes per bonus, like those per rank, add up to the total change, ${change(d.total.change)}.</p>` +
        `<h3 class="chart-title">Per bonus</h3>${bonuses}`,
    ) +
    keep(`<h3 class="chart-title">Per paid-as rank</h3><p class="note">A rank's change includes members who moved into or out of it.</p>${ranks}`) +
    `</section>`
  );
}

/** A heading with its chart, kept on one printed page. */
function keep(html: string): string {
  return `<div class="keep">${html}</div>`;
}

function bonusLabel(x: RunDiff["bonuses"][number]): string {
  return x.status === "both" ? x.key : `${x.key} (${x.status})`;
}

function rankLabel(r: string | null): string {
  return r ?? "no rank";
}

/** The table of inputs and their fingerprints: input, what, fingerprint. */
function provenanceTable(rows: readonly (readonly string[])[]): string {
  return (
    `<table class="provenance"><thead><tr><th>input</th><th>what</th><th>fingerprint</th></tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => `<td${i === 2 ? ` class="fp"` : ""}>${c}</td>`).join("")}</tr>`).join("") +
    `</tbody></table>`
  );
}

function provenanceSection(d: RunDiff): string {
  const fp = (text: string) => `<code class="fp">${esc(text)}</code>`;
  const rows: string[][] = [];
  if (d.inputs !== undefined) {
    rows.push(["members", `${count(d.inputs.members.count)} rows`, fp(d.inputs.members.fingerprint)]);
    rows.push(["orders", `${count(d.inputs.orders.count)} rows`, fp(d.inputs.orders.fingerprint)]);
  }
  rows.push(["base plan", esc(planLabel(d.before.plan)), fp(d.before.plan.fingerprint)]);
  rows.push(["changed plan", esc(planLabel(d.after.plan)), fp(d.after.plan.fingerprint)]);
  rows.push(["engine", `${esc(d.engine.name)} ${esc(d.engine.version)}`, ""]);
  return (
    `<section id="provenance"><h2>What this comparison was computed from</h2>` +
    `<p class="note">Fingerprints are SHA-256 digests of the canonical form of each input (rows sorted by id, decimals normalised), ` +
    `the same as <code>compplan run</code> records in bundle.json, so a reader can check that this comparison used the same members, ` +
    `orders and plans as a run. The same inputs and engine always give this page byte for byte.</p>` +
    `${provenanceTable(rows)}</section>`
  );
}

/**
 * Renders a comparison over a chain of periods as a self-contained HTML page: what was changed, the totals
 * over the chain, a table per period, the payout per bonus over the chain, the largest gains and losses
 * over the chain, the comparison of the final closing states and what it was computed from.
 *
 * @param diff - a comparison from {@link simulatePeriods}
 * @returns the HTML text; the same diff always gives the same bytes
 * @example
 * ```ts
 * writeFileSync("report.html", renderChainDiffReport(simulatePeriods(plan, change, input)));
 * ```
 */
export function renderChainDiffReport(diff: ChainDiff): string {
  requireArguments("renderChainDiffReport", [["diff", isRecord(diff) && Array.isArray(diff.periods) && isRecord(diff.total), "a ChainDiff from simulatePeriods", diff]]);
  const b = diff.before.plan;
  const a = diff.after.plan;
  const t = diff.total;
  const range = `${t.first} to ${t.last}`;
  const parts: string[] = [];
  const same = planLabel(a) === planLabel(b);
  const compared = same ? `, and the same plan with the change below` : ` compared with <b>${esc(planLabel(a))}</b>`;
  parts.push(
    `<header><h1>What-if report over ${count(t.periods)} periods</h1><p class="sub">Base plan <b>${esc(planLabel(b))}</b>${compared} · periods <b>${esc(range)}</b>, ` +
      `each plan from its own closing state · <span data-field="total.members" data-format="count">${count(t.members)}</span> members · amounts in ${esc(diff.currency)}</p>` +
      (diff.description !== undefined ? `<p class="desc">${esc(diff.description)}</p>` : "") +
      `</header>`,
  );
  parts.push(appliedSection(diff.applied, planLabel(b), planLabel(a)));
  parts.push(COLOUR_KEY);
  const card = (heading: string, body: string) => `<div class="card"><h3>${heading}</h3>${body}</div>`;
  const row = (label: string, value: string) => `<div class="row"><span class="muted">${label}</span><span>${value}</span></div>`;
  const m = t.movers;
  parts.push(
    `<section class="cards">` +
      card(
        "Total payout over the chain",
        `<div class="big">${field("total.total.after", group(t.total.after), "money")}</div>` +
          row("before", field("total.total.before", group(t.total.before), "money")) +
          row("change", field("total.total.change", signed(t.total.change), "signed-money", effect(t.total.change))),
      ) +
      card(
        "Members, on their pay over the chain",
        row("paid more", field("total.movers.gainers", count(m.gainers), "count")) +
          row("paid less", field("total.movers.losers", count(m.losers), "count")) +
          row("paid the same", field("total.movers.payUnchanged", count(m.payUnchanged), "count")) +
          row("of whom pay moved between periods", field("total.movers.moved", count(m.moved), "count")) +
          row("sum gained", field("total.movers.gained", signed(m.gained), "signed-money", effect(m.gained))) +
          row("sum lost", field("total.movers.lost", signed(m.lost), "signed-money", effect(m.lost))),
      ) +
      card(
        `Final state (${esc(diff.finalState.period)})`,
        row("members whose state differs", field("finalState.members", count(diff.finalState.members), "count")) +
          row("state rows before", count(diff.finalState.before.rows)) +
          row("state rows after", count(diff.finalState.after.rows)),
      ) +
      `</section>`,
  );
  const periodRows = diff.periods.map((d) => [
    esc(d.period),
    count(d.members),
    esc(group(d.total.before)),
    esc(group(d.total.after)),
    change(d.total.change),
    count(d.movers.gainers),
    count(d.movers.losers),
    count(d.movers.rankChanged),
  ]);
  periodRows.push(["<b>total</b>", count(t.members), esc(group(t.total.before)), esc(group(t.total.after)), change(t.total.change), count(m.gainers), count(m.losers), ""]);
  parts.push(
    `<section><h2>Per period</h2><p class="note">Each period compares the two plans' runs of that period, each run from its own plan's previous closing state. ` +
      `Members paid more or less per period are counted on that period's pay; in the total row on their pay over the chain, so pay moved from one period to another is neither a gain nor a loss.</p>` +
      table(["period", "members", "before", "after", "change", "paid more", "paid less", "rank changed"], periodRows) +
      `</section>`,
  );
  parts.push(`<section><h2>Payout per bonus over the chain</h2>${table(["bonus", "kind", "before", "after", "change"], t.bonuses.map((x) => [esc(bonusLabel(x)), esc(x.kind), esc(group(x.before)), esc(group(x.after)), change(x.change)]))}</section>`);
  const memberBlock = (title: string, all: readonly ChainMemberChange[], total: number) => {
    const list = all.slice(0, TABLE_ROWS);
    const rows = list.map((x) => [esc(x.memberId), esc(group(x.before)), esc(group(x.after)), change(x.change)]);
    return `<div><h2>${title}</h2>${list.length === 0 ? `<p class="note">None.</p>` : `<p class="note">The ${count(list.length)} largest of ${count(total)}.</p>${table(["member", "before", "after", "change"], rows)}`}</div>`;
  };
  parts.push(`<section class="tables">${memberBlock("Largest gains over the chain", t.largestGains, m.gainers)}${memberBlock("Largest losses over the chain", t.largestLosses, m.losers)}</section>`);
  const st = diff.finalState;
  const kept = { both: "both plans", before: "the base plan only", after: "the changed plan only" } as const;
  const value = (v: string | number | null) => (v === null ? `<span class="muted">initial</span>` : esc(String(v)));
  parts.push(
    `<section><h2>Final closing state (${esc(st.period)})</h2><p class="note">The state each plan hands to the period after ${esc(st.period)}: a field only one plan keeps counts as its initial value in the other.</p>` +
      table(["field", "kind", "kept by", "members differing"], st.fields.map((f) => [esc(f.field), esc(f.kind), kept[f.kept], count(f.members)])) +
      (st.examples.length === 0 ? "" : table(["member", "field", "before", "after"], st.examples.slice(0, TABLE_ROWS).map((x) => [esc(x.memberId), esc(x.field), value(x.before), value(x.after)]))) +
      `</section>`,
  );
  const fp = (text: string | null) => (text === null ? `<span class="muted">no state</span>` : `<code class="fp">${esc(text)}</code>`);
  const prov: string[][] = [];
  for (const d of diff.periods) {
    if (d.inputs === undefined) continue;
    prov.push([`${esc(d.period)} members`, `${count(d.inputs.members.count)} rows`, fp(d.inputs.members.fingerprint)]);
    prov.push([`${esc(d.period)} orders`, `${count(d.inputs.orders.count)} rows`, fp(d.inputs.orders.fingerprint)]);
  }
  prov.push(["base plan", esc(planLabel(b)), fp(b.fingerprint)]);
  prov.push(["changed plan", esc(planLabel(a)), fp(a.fingerprint)]);
  prov.push(["final state, base plan", "", fp(st.before.fingerprint)]);
  prov.push(["final state, changed plan", "", fp(st.after.fingerprint)]);
  prov.push(["engine", `${esc(diff.engine.name)} ${esc(diff.engine.version)}`, ""]);
  parts.push(
    `<section id="provenance"><h2>What this comparison was computed from</h2>${provenanceTable(prov)}</section>`,
  );
  parts.push(`<footer>Computed by compplan from the same members and orders under both plans, each plan over the chain from its own state; every amount is exact. The figures on this page are those of diff.json.</footer>`);
  return page(`What-if: ${b.id} → ${a.id}, ${range}`, parts);
}
