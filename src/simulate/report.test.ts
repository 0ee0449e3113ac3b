// The report page: self-contained (no script, no external resource), deterministic, escaped, and carrying
// the diff's numbers. The rendering in a real browser is checked by test/whatif-report-browser.test.ts.
import { describe, expect, it } from "vitest";
import { BASE_PLAN, PERIOD, baseMembers, baseOrders } from "../../test/fixtures/base.js";
import { parsePlan } from "../plan/parse.js";
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
    expect(html).toContain('data-field="total.change" data-format="signed-money" class="up">+6.00</span>');
    // 20.40 / 360 = 5.6667%; 26.40 / 360 = 7.3333%: 1.6666 percentage points more.
    expect(html).toContain('<span data-field="payoutShare.before" data-format="percent">5.6667%</span>');
    expect(html).toContain('<span data-field="payoutShare.after" data-format="percent">7.3333%</span>');
    expect(html).toContain('data-field="payoutShare.change" data-format="points" class="up">+1.6666 pp</span>');
    expect(html).toContain("(+29.41%)"); // 6.00 / 20.40
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
  });

  it("draws bars proportional to the values: the longest spans the plotting width", () => {
    // Payout per bonus: unilevel 20.40 before and 26.40 after; rank-bonus 0. Plot width 610 px.
    const bars = [...html.matchAll(/<rect x="170" y="\d+" width="([\d.]+)" height="13" fill="[^"]+"><title>([^<]+)<\/title>/g)].map((m) => [m[2], m[1]]);
    expect(bars).toContainEqual(["unilevel after: 26.40", "610.0"]);
    expect(bars).toContainEqual(["unilevel before: 20.40", ((20.4 / 26.4) * 610).toFixed(1)]);
    expect(bars).toContainEqual(["rank-bonus after: 0.00", "0.0"]);
  });
});
