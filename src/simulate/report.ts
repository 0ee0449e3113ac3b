/**
 * The what-if report: one self-contained HTML page rendered from a {@link RunDiff}, for a finance reader.
 * Headline numbers, charts of the pay distribution and of payout per bonus and per rank, and tables of the
 * largest gains and losses.
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
import type { MemberChange, RunDiff } from "./diff.js";

const BEFORE_COLOR = "#98a2ad";
const AFTER_COLOR = "#1f5fbf";

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
  parts.push(headline(diff));
  parts.push(distributionSection(diff));
  parts.push(bonusSection(diff));
  parts.push(rankSection(diff));
  parts.push(memberTables(diff));
  parts.push(accountingSection(diff));
  parts.push(
    `<footer>Computed by compplan from the same members and orders under both plans; every amount is exact. ` +
      `Percentiles use the nearest-rank method (the value at position ⌈p × N / 100⌉ of members' pay sorted from lowest). ` +
      `The figures on this page are those of diff.json.</footer>`,
  );
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
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2430;margin:0 auto;max-width:980px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d8dde3;padding-bottom:4px}
.sub{color:#4a5563;margin:0}.desc{margin:8px 0 0;font-style:italic}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:12px;margin-top:20px}
.card{border:1px solid #d8dde3;border-radius:8px;padding:12px 14px;background:#f8fafc}
.card h3{font-size:13px;font-weight:600;color:#4a5563;margin:0 0 6px;text-transform:uppercase;letter-spacing:.03em}
.big{font-size:22px;font-weight:700}.row{display:flex;justify-content:space-between;gap:8px;font-variant-numeric:tabular-nums}
.up{color:#0f7a3a}.down{color:#b42318}.muted{color:#6b7583}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;margin-top:8px}
th,td{padding:4px 8px;border-bottom:1px solid #e6e9ed;text-align:right}th{background:#f1f4f7;font-weight:600}
th:first-child,td:first-child{text-align:left}
.legend{display:flex;gap:16px;font-size:13px;color:#4a5563;margin:4px 0}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
svg{display:block;max-width:100%;height:auto}svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1d2430}
.note{color:#6b7583;font-size:13px}
.tables{display:grid;grid-template-columns:1fr;gap:12px}
footer{margin-top:40px;color:#6b7583;font-size:12px;border-top:1px solid #d8dde3;padding-top:8px}
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

function trend(change: string): string {
  return change.startsWith("-") ? "down" : /^0(\.0*)?$/.test(change) ? "muted" : "up";
}

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
        row("change", `${field("total.change", signed(d.total.change), "signed-money", trend(d.total.change))}${rel === null ? "" : ` <span class="${trend(d.total.change)}">(${rel})</span>`}`),
    ),
    card(
      `Payout share of ${esc(d.after.payoutBasis)}`,
      `<div class="big">${field("payoutShare.after", percent(d.payoutShare.after), "percent")}</div>` +
        row(d.before.payoutBasis === d.after.payoutBasis ? "before" : `before (of ${esc(d.before.payoutBasis)})`, field("payoutShare.before", percent(d.payoutShare.before), "percent")) +
        row("change", field("payoutShare.change", points(d.payoutShare.change), "points", d.payoutShare.change === null ? "muted" : trend(d.payoutShare.change))),
    ),
    card(
      "Members whose pay changed",
      row("paid more", field("movers.gainers", count(d.movers.gainers), "count", d.movers.gainers > 0 ? "up" : "")) +
        row("paid less", field("movers.losers", count(d.movers.losers), "count", d.movers.losers > 0 ? "down" : "")) +
        row("paid the same", field("movers.payUnchanged", count(d.movers.payUnchanged), "count")) +
        row("sum gained", field("movers.gained", signed(d.movers.gained), "signed-money")) +
        row("sum lost", field("movers.lost", signed(d.movers.lost), "signed-money")),
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
        row("change", field("accounting.breakage.change", signed(d.accounting.breakage.change), "signed-money", trend(d.accounting.breakage.change))),
    ),
    card(
      "Compressed up",
      `<div class="big">${field("accounting.compressedUp.after", group(d.accounting.compressedUp.after), "money")}</div>` +
        row("before", field("accounting.compressedUp.before", group(d.accounting.compressedUp.before), "money")) +
        row("change", field("accounting.compressedUp.change", signed(d.accounting.compressedUp.change), "signed-money", trend(d.accounting.compressedUp.change))),
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

function change(text: string): string {
  return `<span class="${trend(text)}">${esc(signed(text))}</span>`;
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
    `<section><h2>Distribution of pay</h2>` +
    `<p class="note">Members paid more than zero: ${field("distribution.payeeCount.before", count(d.distribution.payeeCount.before), "count")} before, ` +
    `${field("distribution.payeeCount.after", count(d.distribution.payeeCount.after), "count")} after. The chart shows their pay at each percentile.</p>` +
    LEGEND +
    chart +
    table(["percentile", "all members before", "all members after", "paid members before", "paid members after", "change"], rows) +
    `</section>`
  );
}

function bonusSection(d: RunDiff): string {
  const label = (x: RunDiff["bonuses"][number]) => (x.status === "both" ? x.key : `${x.key} (${x.status})`);
  const chart = barChart("Payout per bonus, before and after", {
    categories: d.bonuses.map(label),
    before: d.bonuses.map((x) => x.before),
    after: d.bonuses.map((x) => x.after),
  });
  const rows = d.bonuses.map((x) => [esc(label(x)), esc(x.kind), esc(group(x.before)), esc(group(x.after)), change(x.change)]);
  return `<section><h2>Payout per bonus</h2>${LEGEND}${chart}${table(["bonus", "kind", "before", "after", "change"], rows)}</section>`;
}

function rankSection(d: RunDiff): string {
  const name = (r: string | null) => r ?? "no rank";
  const chart = barChart("Payout per paid-as rank, before and after", {
    categories: d.ranks.map((r) => name(r.rank)),
    before: d.ranks.map((r) => r.pay.before),
    after: d.ranks.map((r) => r.pay.after),
  });
  const rows = d.ranks.map((r) => [
    esc(name(r.rank)),
    count(r.members.before),
    count(r.members.after),
    r.members.change === 0 ? "0" : `<span class="${r.members.change > 0 ? "up" : "down"}">${r.members.change > 0 ? "+" : ""}${count(r.members.change)}</span>`,
    esc(group(r.pay.before)),
    esc(group(r.pay.after)),
    change(r.pay.change),
  ]);
  return (
    `<section><h2>Payout per rank</h2><p class="note">Pay of the members paid as each rank in that run (members can change rank).</p>${LEGEND}${chart}` +
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
  const line = (label: string, c: { before: string; after: string; change: string }) => [label, esc(group(c.before)), esc(group(c.after)), change(c.change)];
  const rows = [
    line("potential", acc.potential),
    line("paid at own level", acc.paid),
    line("compressed up", acc.compressedUp),
    line("breakage", acc.breakage),
    ...Object.entries(acc.breakageByReason).map(([reason, c]) => line(`&nbsp;&nbsp;breakage: ${esc(reason)}`, c)),
  ];
  return (
    `<section><h2>Level bonus accounting</h2><p class="note">Exact values before rounding, summed over the level bonuses: ` +
    `potential = paid + compressed up + breakage.</p>${table(["", "before", "after", "change"], rows)}</section>`
  );
}
