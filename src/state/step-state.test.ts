// State fields a bonus step keeps (docs/state.md "State a bonus keeps"): the family contract
// (BonusFamily.state, RunContext.opening / close), money and day values, and a company field, through two
// chained periods. No family of the registry keeps state yet (binary carry-forward and pools will), so this
// test adds one to the registry: "tally", which pays 1.00 to each member with an order, keeps per member the
// total it has paid (money) and the first day it paid them (day), and for the company the number of periods
// it has run (count). Expected texts are worked by hand from that definition and docs/state.md.
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

vi.mock("../bonuses/registry.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../bonuses/registry.js")>();
  const { LINE_FIXED } = await import("../run/lines.js");
  const { dayNumberOf } = await import("../run/period.js");
  const tally = {
    kind: "tally",
    description: "test only",
    schema: z.strictObject({ kind: z.literal("tally"), key: z.string() }),
    lineFields: [],
    reads: () => [],
    validate: () => [],
    state: () => [
      { name: "paid", kind: "money" },
      { name: "first", kind: "day" },
      { name: "runs", kind: "count", scope: "company" },
    ],
    compile: (config: { key: string }) => ({
      key: config.key,
      kind: "tally",
      reference: undefined,
      run(ctx: import("../bonuses/family.js").RunContext, sink: import("../run/lines.js").LineSink, bonusIndex: number) {
        const n = ctx.genealogy.size;
        const paid = Float64Array.from(ctx.opening(`${config.key}.paid`) as Float64Array);
        const first = Float64Array.from(ctx.opening(`${config.key}.first`) as Float64Array);
        const ordered = new Uint8Array(n);
        for (let o = 0; o < ctx.orders.count; o++) ordered[ctx.orders.member[o] as number] = 1;
        for (let i = 0; i < n; i++) {
          if (ordered[i] !== 1) continue;
          // 1.00: a fixed line holds its amount in units of 10^-4 at a rate of 1 (10^6).
          sink.add(i, bonusIndex, 0, LINE_FIXED, 0, -1, 10_000, 1_000_000);
          paid[i] = (paid[i] as number) + 100; // money units at scale 2
          if (Number.isNaN(first[i])) first[i] = dayNumberOf(ctx.genealogy.joinDate.at(i) as string);
        }
        ctx.close(`${config.key}.paid`, paid);
        ctx.close(`${config.key}.first`, first);
        ctx.close(`${config.key}.runs`, Float64Array.of(((ctx.opening(`${config.key}.runs`) as Float64Array)[0] as number) + 1));
        return undefined;
      },
    }),
  };
  return { ...actual, LIST: [...actual.LIST, tally] };
});

const { parsePlan, safeCalculate, parseState, stateNdjson } = await import("../index.js");

const plan = parsePlan(`
compplan: 1
id: tally
currency: USD
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
bonuses:
  - { key: t, kind: tally }
`);
const members = [
  { id: "A", sponsorId: null, joinDate: "2025-03-04" },
  { id: "B", sponsorId: "A", joinDate: "2026-09-20" },
];
const order = (id: string, memberId: string, date: string) => ({ id, memberId, kind: "personal-consumption" as const, date, volumes: { PV: "10" } });

describe("state a bonus step keeps", () => {
  const sep = safeCalculate(plan, { period: "2026-09", members, orders: [order("1", "A", "2026-09-21")] });
  if (!sep.ok) throw new Error(JSON.stringify(sep.issues));
  const september = stateNdjson(sep.value) as string;
  const fp = /"plan":"(sha256:[0-9a-f]{64})"/.exec(september)?.[1] as string;
  const header = (company: string, period: string) =>
    `{${company}"fields":[{"kind":"money","name":"t.paid"},{"kind":"day","name":"t.first"},{"kind":"count","name":"t.runs","scope":"company"}],"format":"compplan-state/1","period":"${period}","plan":"${fp}"}\n`;

  it("first period: A paid 1.00 (first day: its join date); the company's count is 1; B had no order", () => {
    expect(september).toBe(`${header('"company":{"t.runs":1},', "2026-09")}{"id":"A","t.first":"2025-03-04","t.paid":"1.00"}\n`);
  });

  it("second period from the first one's state: the totals and the count go on, the day is kept", () => {
    const oct = safeCalculate(plan, { period: "2026-10", members, orders: [order("2", "A", "2026-10-01"), order("3", "B", "2026-10-02")] }, { state: parseState(september) });
    if (!oct.ok) throw new Error(JSON.stringify(oct.issues));
    expect(stateNdjson(oct.value)).toBe(
      `${header('"company":{"t.runs":2},', "2026-10")}{"id":"A","t.first":"2025-03-04","t.paid":"2.00"}\n{"id":"B","t.first":"2026-09-20","t.paid":"1.00"}\n`,
    );
  });

  it("a money value with other than the plan's places, a bad day and an unknown company field are STATE_INVALID_VALUE", () => {
    const issues = (text: string) => {
      const r = safeCalculate(plan, { period: "2026-10", members, orders: [] }, { state: parseState(text) });
      return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join(".")]);
    };
    expect(issues(september.replace('"t.paid":"1.00"', '"t.paid":"1.5"'))).toEqual([["STATE_INVALID_VALUE", "state.t.paid"]]);
    expect(() => parseState(september.replace('"t.first":"2025-03-04"', '"t.first":"2025-02-30"'))).toThrow(/a day is a date/);
    expect(() => parseState(september.replace('{"t.runs":1}', '{"t.other":1}'))).toThrow(/not a company field/);
  });
});
