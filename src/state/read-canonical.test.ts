// The state writer (bytes from the columns) and the state reader's fast path for canonical rows (state.ts canonicalRowReader) must accept exactly the rows
// the general reader accepts, with the same values: every near-miss below goes the long way and gets the
// general reader's issue, and rows it cannot take (escapes, non-ASCII) are still read right.
import { describe, expect, it } from "vitest";
import { calculate, parsePlan, parseState, stateNdjson } from "../index.js";
import { GRACE_PLAN } from "../../test/fixtures/state.js";
import { safeParseState } from "./state.js";

const HEADER = `{"fields":[{"kind":"rank","name":"rank.highest"},{"kind":"count","name":"rank.periods"},{"kind":"volume","name":"APV"}],"format":"compplan-state/1","period":"2026-01","plan":"sha256:${"0".repeat(64)}"}`;
const read = (...rows: string[]) => safeParseState(`${HEADER}\n${rows.join("\n")}\n`);
const codes = (...rows: string[]) => {
  const r = read(...rows);
  return r.ok ? [] : r.issues.map((i) => i.code);
};

describe("state rows read without JSON.parse", () => {
  it("canonical rows: the values the general reader gives (keys in canonical order: APV, id, rank.*)", () => {
    const r = read('{"APV":"12.5","id":"A","rank.highest":"Gold","rank.periods":3}', '{"id":"B","rank.periods":1}', '{"id":"C\\"D","rank.highest":"Gold"}', '{"id":"Ä","rank.periods":1000000000}');
    expect(r.ok && { ids: r.value.ids, values: r.value.values }).toEqual({
      ids: ["A", "B", 'C"D', "Ä"],
      values: [
        ["Gold", undefined, "Gold", undefined],
        [3, 1, undefined, 1_000_000_000],
        [125_000, undefined, undefined, undefined],
      ],
    });
  });
  it("near-misses get the general reader's issues", () => {
    for (const [row, code] of [
      ['{"id":"A","rank.periods":03}', "STATE_MALFORMED"],
      ['{"id":"A","rank.periods":3.0}', "STATE_MALFORMED"],
      ['{"id":"A","rank.periods":1e3}', "STATE_MALFORMED"],
      ['{"rank.periods":3,"id":"A"}', "STATE_MALFORMED"],
      ['{"id":"A","rank.periods":3,"rank.periods":3}', "STATE_MALFORMED"],
      ['{"id":"A" ,"rank.periods":1}', "STATE_MALFORMED"],
      ['{"id":"\\u0041","rank.periods":1}', "STATE_MALFORMED"],
      ['{"id":"A","rank.periods":1}x', "STATE_MALFORMED"],
      ['{"id":"A","rank.periods":0}', "STATE_INVALID_VALUE"],
      ['{"id":"A","rank.periods":1000000001}', "STATE_INVALID_VALUE"],
      ['{"id":"A","rank.periods":"1"}', "STATE_INVALID_VALUE"],
      ['{"id":"A","rank.highest":""}', "STATE_INVALID_VALUE"],
      ['{"APV":"1.50","id":"A"}', "STATE_INVALID_VALUE"],
      ['{"id":"","rank.periods":1}', "STATE_INVALID_VALUE"],
      ['{"id":7,"rank.periods":1}', "STATE_INVALID_VALUE"],
      ['{"id":"A","x":1}', "STATE_INVALID_VALUE"],
      ['{"rank.periods":1}', "STATE_INVALID_VALUE"],
    ] as const) {
      expect(codes(row), row).toEqual([code]);
    }
    for (const v of ["0", "-0", "0.0", "1.0", "1.", ".5", "01", "-01.5", "1.50000", "1.12345", "+1", "1e3", "9007199254740.9920"]) expect(codes(`{"APV":"${v}","id":"A"}`), v).toEqual(["STATE_INVALID_VALUE"]);
    expect(codes('{"id":"B","rank.periods":1}', '{"id":"A","rank.periods":1}')).toEqual(["STATE_INVALID_VALUE"]);
    expect(codes('{"id":"A","rank.periods":1}', '{"id":"A","rank.periods":2}')).toEqual(["STATE_INVALID_VALUE"]);
  });
});

describe("volumes read from the text (quickVolume) at the edges of its digits", () => {
  it("the units the general reader gives, up to the largest volume", () => {
    const volumes = ["0.0001", "-0.0001", "0.5", "-0.5", "1", "-1", "10", "12.3456", "99999999999.9999", "-99999999999.9999", "100000000000", "123456789012.5", "900719925474.0991", "-900719925474.0991"];
    const r = read(...volumes.map((v, k) => `{"APV":"${v}","id":"${String.fromCharCode(65 + k)}"}`));
    expect(r.ok && r.value.values[2]).toEqual(volumes.map((v) => Number(BigInt(v.replace(/^(-?\d+)$/, "$1.0000").replace(/\.(\d*)$/, (_, d: string) => d.padEnd(4, "0"))))));
  });
});

describe("state written as bytes (stateNdjsonOf)", () => {
  it("carried rows are merged in id order between members' rows, and ids that need escapes are escaped", () => {
    const plan = parsePlan(`${GRACE_PLAN}state: { unknownMembers: carry }\n`);
    const members = [
      { id: "B", sponsorId: null, joinDate: "2026-01-01" },
      { id: 'A"q', sponsorId: "B", joinDate: "2026-01-01" },
      { id: "D", sponsorId: "B", joinDate: "2026-01-01" },
    ];
    const orders = members.map((m, k) => ({ id: `o${k}`, memberId: m.id, kind: "personal-consumption" as const, date: "2026-10-05", volumes: { PV: "150" } }));
    const header = (stateNdjson(calculate(plan, { period: "2026-09", members, orders: [] })) as string).split("\n")[0] as string;
    const carried = ['{"id":"0","rank.highest":"Bronze"}', '{"id":"C","rank.periods":2}', '{"id":"E","rank.grace":1}'];
    const run = calculate(plan, { period: "2026-10", members, orders }, { state: parseState(`${header}\n${carried.join("\n")}\n`) });
    const row = (id: string) => `{"id":${JSON.stringify(id)},"rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":1}`;
    expect((stateNdjson(run) as string).split("\n").slice(1)).toEqual([carried[0], row('A"q'), row("B"), carried[1], row("D"), carried[2], ""]);
  });
});
