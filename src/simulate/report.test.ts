// The report page: self-contained (no script, no external resource), deterministic, escaped, and carrying
// the diff's numbers. The rendering in a real browser is checked by test/whatif-report-browser.test.ts.
import { describe, expect, it } from "vitest";
import { BASE_PLAN, PERIOD, baseMembers, baseOrders } from "../../test/fixtures/base.js";
import { parsePlan } from "../plan/parse.js";
import { ENGINE_VERSION } from "../audit/version.js";
import { renderDiffReport } from "./report.js";
import { simulate } from "./simulate.js";

const plan = parsePlan(BASE_PLAN);
const input = { period: PERIOD, members: baseMembers(), orders: baseOrders() };
// The change of diff.test.ts, computed there by hand: Bronze needs group PV 400 and pays 10% on level 1.
const { diff } = simulate(
  plan,
  {
    description: 'Level 1 at 10% <script>alert("x")</script> & more',
    changes: [
      { set: "ranks[name=Bronze].requires.group.minimum", value: "400" },
      { set: "bonuses[key=unilevel].schedule[rank=Bronze].rates[0]", value: "0.10" },
    ],
  },
  input,
);
const html = renderDiffReport(diff);

describe("renderDiffReport", () => {
  it("is one self-contained page: no scripts, no links, no external resources", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|\bsrc=|\bhref=|url\(|@import/i);
    // The only URL is the SVG namespace, which is a name, not a request.
    for (const url of html.match(/https?:\/\/[^"\s]+/g) ?? []) expect(url).toBe("http://www.w3.org/2000/svg");
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it("is deterministic and escapes text from plans and change sets", () => {
    expect(renderDiffReport(diff)).toBe(html);
    expect(html).toContain("Level 1 at 10% &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; more");
    expect(html).not.toContain("<script>alert");
  });

  it("prints the headline numbers of the diff, each marked with its path", () => {
    // By hand (diff.test.ts): total 20.40 → 26.40.
    expect(html).toContain('<span data-field="total.before" data-format="money">20.40</span>');
    expect(html).toContain('<span data-field="total.after" data-format="money">26.40</span>');
    expect(html).toContain('data-field="total.change" data-format="signed-money" class="cost">+6.00</span>');
    // 20.40 / 360 = 5.6667%; 26.40 / 360 = 7.3333%: 1.6666 percentage points more.
    expect(html).toContain('<span data-field="payoutShare.before" data-format="percent">5.6667%</span>');
    expect(html).toContain('<span data-field="payoutShare.after" data-format="percent">7.3333%</span>');
    expect(html).toContain('data-field="payoutShare.change" data-format="points" class="cost">+1.6666 pp</span>');
    expect(html).toContain('<span class="muted">change in %</span><span><span class="cost">+29.41%</span></span>'); // 6.00 / 20.40
    expect((html.match(/<svg /g) ?? []).length).toBe(5);
  });

  it("colours by meaning: a payout increase is a cost, a decrease a saving, more breakage kept a saving", () => {
    // By hand (diff.test.ts): breakage 22.80 → 34.80 while the payout rises 6.00.
    expect(html).toContain('data-field="accounting.breakage.change" data-format="signed-money" class="saving">+12.00</span>');
    expect(html).toContain('data-field="movers.gained" data-format="signed-money" class="cost">+6.00</span>');
    // The same plan with Bronze level 1 at 2% instead of 5%: B earns 2% × 160 = 3.20 instead of 8.00, A
    // 4% × 160 + 2% × 120 = 8.80 instead of 12.40: the total falls 8.40, a saving.
    const lower = renderDiffReport(simulate(plan, { changes: [{ set: "bonuses[key=unilevel].schedule[rank=Bronze].rates[0]", value: "0.02" }] }, input).diff);
    expect(lower).toContain('data-field="total.change" data-format="signed-money" class="saving">-8.40</span>');
    expect(lower).toContain('data-field="movers.lost" data-format="signed-money" class="saving">-8.40</span>');
    expect(lower).toContain('<td>unilevel</td><td>unilevel</td><td>20.40</td><td>12.00</td><td><span class="saving">-8.40</span></td>');
    // Nothing after the colour key is a cost: breakage kept rises by the same 8.40, a saving too.
    expect(lower).toContain('data-field="accounting.breakage.change" data-format="signed-money" class="saving">+8.40</span>');
    expect(lower.slice(lower.indexOf('class="cards"'))).not.toMatch(/class="cost"|data-effect="cost"/);
    // The key explains the colours once, near the top.
    expect(html).toMatch(/<div class="key" role="note"><b>Colour key<\/b>.*costs the company more.*saves the company money/);
    expect(html.indexOf('class="key"')).toBeLessThan(html.indexOf('class="cards"'));
  });

  it("charts the change itself: to the right in the cost colour, to the left in the saving colour", () => {
    const charts = html.match(/<svg [^>]*class="delta-chart".*?<\/svg>/g) ?? [];
    expect(charts.length).toBe(2);
    // Per bonus, only increases: zero at the label column (x 170); the plot is 900 − 170 − 110 = 620 wide,
    // so +6.00 spans it all.
    expect(charts[0]).toContain('<rect x="170.0" y="4" width="620.0" height="14" fill="#b42318" data-effect="cost"><title>unilevel: +6.00</title>');
    // Per rank, −2.00 (Bronze) and +8.00 (no rank): room for values on both sides, plot 900 − 170 − 220 =
    // 510 for a span of 10.00, so 51 px per unit and zero at 170 + 110 + 2 × 51 = 382.
    expect(charts[1]).toContain('<rect x="280.0" y="4" width="102.0" height="14" fill="#1560a8" data-effect="saving"><title>Bronze: -2.00</title>');
    expect(charts[1]).toContain('<rect x="382.0" y="52" width="408.0" height="14" fill="#b42318" data-effect="cost"><title>no rank: +8.00</title>');
    expect(charts[1]).toContain('<line x1="382.0" y1="0" x2="382.0"');
  });

  it("lists the changes applied with the values before and after", () => {
    expect(html).toContain("A change set was applied to the base plan <b>base</b>: 2 operations, in order.");
    expect(html).toContain("<tr><td>1</td><td>set</td><td><code>ranks[name=Bronze].requires.group.minimum</code></td><td><code>300</code></td><td><code>400</code></td></tr>");
    expect(html).toContain("<tr><td>2</td><td>set</td><td><code>bonuses[key=unilevel].schedule[rank=Bronze].rates[0]</code></td><td><code>0.05</code></td><td><code>0.10</code></td></tr>");
    const same = renderDiffReport(simulate(plan, plan, input).diff);
    expect(same).toContain("was compared with the base plan <b>base</b>: the two plans are identical");
    const other = parsePlan(BASE_PLAN.replace("id: base", "id: other").replace('amounts: { Silver: "50.00" }', 'amounts: { Silver: "60.00" }'));
    const whole = renderDiffReport(simulate(plan, other, input).diff);
    expect(whole).toContain("A whole plan, <b>other</b>, was compared with the base plan <b>base</b> (no change set). They differ in 2 values");
    expect(whole).toContain("<td>differs</td><td><code>bonuses[key=rank-bonus].amounts.Silver</code></td><td><code>50</code></td><td><code>60</code></td>");
  });

  it("shows the fingerprints of the members, orders and both plans, and the engine version", () => {
    const section = html.slice(html.indexOf('<section id="provenance">'));
    for (const fp of [diff.inputs?.members.fingerprint, diff.inputs?.orders.fingerprint, diff.before.plan.fingerprint, diff.after.plan.fingerprint]) {
      expect(fp).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(section).toContain(`<code class="fp">${fp}</code>`);
    }
    expect(section).toContain(`<td>engine</td><td>compplan ${ENGINE_VERSION}</td>`);
    expect(section).toContain("<td>members</td><td>3 rows</td>");
  });

  it("has print styles: A4 pages, white background, charts kept whole", () => {
    expect(html).toContain("@page{size:A4;");
    const print = html.slice(html.indexOf("@media print{"));
    expect(print).toMatch(/body\{[^}]*background:#fff/);
    expect(print).toMatch(/\.keep,svg,tr\{break-inside:avoid/);
  });

  it("draws bars proportional to the values: the longest spans the plotting width", () => {
    // Payout per bonus: unilevel 20.40 before and 26.40 after; rank-bonus 0. Plot width 610 px.
    const bars = [...html.matchAll(/<rect x="170" y="\d+" width="([\d.]+)" height="13" fill="[^"]+"><title>([^<]+)<\/title>/g)].map((m) => [m[2], m[1]]);
    expect(bars).toContainEqual(["unilevel after: 26.40", "610.0"]);
    expect(bars).toContainEqual(["unilevel before: 20.40", ((20.4 / 26.4) * 610).toFixed(1)]);
    expect(bars).toContainEqual(["rank-bonus after: 0.00", "0.0"]);
  });
});
