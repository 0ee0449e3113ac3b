// State between periods (docs/state.md): ranks kept in grace and held, the state file's bytes, and every
// bad state a coded issue. Expected values are worked by hand from the docs.
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type Plan, parsePlan, safeCalculate, stateNdjson } from "../index.js";
import { parseState, safeParseState } from "./state.js";

const plan = (extra: string) =>
  parsePlan(`
compplan: 1
id: state-test
currency: USD
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
ranks:
  - name: Bronze
    requires: { personal: { measure: PV, minimum: "100" } }
  - name: Silver
    requires: { personal: { measure: PV, minimum: "200" } }
bonuses: []
${extra}
`);
const members: MemberInput[] = [
  { id: "A", sponsorId: null, joinDate: "2024-01-01" },
  { id: "B", sponsorId: "A", joinDate: "2024-01-01" },
];
const pv = (period: string, a: string, b = "0"): OrderInput[] => [
  { id: "oa", memberId: "A", kind: "personal-consumption", date: `${period}-10`, volumes: { PV: a } },
  { id: "ob", memberId: "B", kind: "personal-consumption", date: `${period}-10`, volumes: { PV: b } },
];

/** Runs periods in a row, each from the previous one's closing state; returns each run's state text and A's rank. */
function chain(p: Plan, periods: [string, string][]): { state: string; a: string | null }[] {
  let state: string | undefined;
  return periods.map(([period, a]) => {
    const r = safeCalculate(p, { period, members, orders: pv(period, a) }, state === undefined ? {} : { state: parseState(state) });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    state = stateNdjson(r.value) as string;
    return { state, a: r.value.statement("A")?.rank.paidAs ?? null };
  });
}

describe("paid-as rank over periods", () => {
  it("grace 1: Silver (200 PV), then kept Silver in grace at 100 PV, then Bronze when the grace is used", () => {
    const runs = chain(plan("paidAs: { grace: 1 }"), [
      ["2026-09", "200"],
      ["2026-10", "100"],
      ["2026-11", "100"],
    ]);
    expect(runs.map((r) => r.a)).toEqual(["Silver", "Silver", "Bronze"]);
    const fp = /"plan":"(sha256:[0-9a-f]{64})"/.exec(runs[0]?.state as string)?.[1] as string;
    const header = (period: string) =>
      `{"fields":[{"kind":"rank","name":"rank.highest"},{"kind":"rank","name":"rank.paidAs"},{"kind":"count","name":"rank.periods"},{"kind":"count","name":"rank.grace"}],"format":"compplan-state/1","period":"${period}","plan":"${fp}"}\n`;
    expect(runs[0]?.state).toBe(`${header("2026-09")}{"id":"A","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":1}\n`);
    expect(runs[1]?.state).toBe(`${header("2026-10")}{"id":"A","rank.grace":1,"rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":2}\n`);
    expect(runs[2]?.state).toBe(`${header("2026-11")}{"id":"A","rank.highest":"Silver","rank.paidAs":"Bronze","rank.periods":1}\n`);
  });

  it("grace 0 (a plan with state but no grace): Bronze as soon as the requirements are missed", () => {
    expect(chain(plan("state: {}"), [["2026-09", "200"], ["2026-10", "100"]]).map((r) => r.a)).toEqual(["Silver", "Bronze"]);
  });

  it("hold highest: never below the highest rank held, even with no volume", () => {
    expect(chain(plan("paidAs: { hold: highest }"), [["2026-09", "200"], ["2026-10", "0"], ["2026-11", "150"]]).map((r) => r.a)).toEqual(["Silver", "Silver", "Silver"]);
  });

  it("a plan that keeps state but is given none starts at the initial values; one that keeps none writes none", () => {
    const r = safeCalculate(plan("paidAs: { grace: 3 }"), { period: "2026-10", members, orders: pv("2026-10", "100") });
    expect(r.ok && r.value.statement("A")?.rank.paidAs).toBe("Bronze");
    const none = safeCalculate(plan(""), { period: "2026-10", members, orders: pv("2026-10", "100") });
    expect(none.ok && stateNdjson(none.value)).toBeUndefined();
  });
});

describe("bad state", () => {
  const p = plan("paidAs: { grace: 1 }");
  const september = chain(p, [["2026-09", "200"]])[0]?.state as string;
  const run = (text: string, period = "2026-10") => {
    const s = safeParseState(text, "prev/state.ndjson");
    if (!s.ok) return s.issues;
    const r = safeCalculate(p, { period, members, orders: pv(period, "100") }, { state: s.value });
    return r.ok ? [] : r.issues;
  };
  const first = (text: string, period?: string) => {
    const i = run(text, period)[0];
    return i === undefined ? undefined : { code: i.code, line: i.line, file: i.file, path: i.path.join(".") };
  };

  it("STATE_PERIOD: the state must close the period just before", () => {
    expect(first(september, "2026-11")).toEqual({ code: "STATE_PERIOD", line: 1, file: "prev/state.ndjson", path: "state.period" });
    expect(run(september, "2026-10")).toEqual([]);
  });

  it("STATE_FIELDS: a state written under a plan keeping other fields names them", () => {
    const other = chain(plan("state: {}"), [["2026-09", "200"]])[0]?.state as string;
    const issues = run(other);
    expect(issues[0]?.code).toBe("STATE_FIELDS");
    expect(issues[0]?.message).toContain("the plan keeps rank.grace (count), which the state lacks");
  });

  it("STATE_MALFORMED: not canonical, no header, cut short", () => {
    expect(first(september.replace('{"id":"A"', '{ "id":"A"'))).toMatchObject({ code: "STATE_MALFORMED", line: 2 });
    expect(first(september.split("\n").slice(1).join("\n"))).toMatchObject({ code: "STATE_MALFORMED", line: 1 });
    expect(first(september.slice(0, -1))).toMatchObject({ code: "STATE_MALFORMED" });
  });

  it("STATE_INVALID_VALUE: a rank the plan lacks, a zero count, rows out of order", () => {
    expect(first(september.replace('"rank.paidAs":"Silver"', '"rank.paidAs":"Gold"'))).toEqual({ code: "STATE_INVALID_VALUE", line: 2, file: "prev/state.ndjson", path: "state.rank.paidAs" });
    expect(first(september.replace('"rank.periods":1', '"rank.periods":0'))).toMatchObject({ code: "STATE_INVALID_VALUE", path: "state.rank.periods" });
    const twoRows = `${september}{"id":"B","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":1}\n`;
    expect(run(twoRows)).toEqual([]);
    const swapped = twoRows.split("\n");
    expect(first(`${[swapped[0], swapped[2], swapped[1]].join("\n")}\n`)).toMatchObject({ code: "STATE_INVALID_VALUE", line: 3, path: "state.id" });
  });

  it("STATE_UNKNOWN_MEMBER, or carried unchanged with state.unknownMembers: carry", () => {
    const withZ = `${september}{"id":"Z","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":4}\n`;
    expect(first(withZ)).toEqual({ code: "STATE_UNKNOWN_MEMBER", line: 3, file: "prev/state.ndjson", path: "state.id" });
    const carry = plan("paidAs: { grace: 1 }\nstate: { unknownMembers: carry }");
    const opening = chain(carry, [["2026-09", "200"]])[0]?.state as string;
    const r = safeCalculate(carry, { period: "2026-10", members, orders: pv("2026-10", "100") }, { state: parseState(`${opening}{"id":"Z","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":4}\n`) });
    expect(r.ok && stateNdjson(r.value)?.endsWith('{"id":"Z","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":4}\n')).toBe(true);
  });
});

describe("state file edges found by a trial run", () => {
  const text = (row: string) => `{"fields":[{"kind":"count","name":"rank.periods"}],"format":"compplan-state/1","period":"2026-09","plan":"sha256:${"0".repeat(64)}"}\n${row}\n`;
  it("a number too large for a double is STATE_MALFORMED at its line, never a thrown TypeError", () => {
    const r = safeParseState(text('{"id":"A","rank.periods":1e400}'), "s.ndjson");
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.line])).toEqual([["STATE_MALFORMED", 2]]);
  });
  it("a line ending with a carriage return says so", () => {
    const r = safeParseState(text('{"id":"A","rank.periods":1}\r'));
    expect(r.ok ? "" : r.issues[0]?.message).toContain("carriage return");
  });
});
