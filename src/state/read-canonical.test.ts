// The state writer (bytes from the columns) and the state reader's fast path for canonical rows (state.ts canonicalRowReader) must accept exactly the rows
// the general reader accepts, with the same values: every near-miss below goes the long way and gets the
// general reader's issue, and rows it cannot take (escapes, non-ASCII) are still read right. Rows are
// matched to members by walking both in id order (state.ts membersAlongside): whatever the members' order
// and however their ids are kept, every row finds its member or is an unknown one.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type StateInput, calculate, parsePlan, parseState, safeCalculatePrepared, stateNdjson } from "../index.js";
import { GRACE_PLAN } from "../../test/fixtures/state.js";
import { safePrepareFiles } from "../input/files.js";
import { safePrepareInput } from "../run/calculate.js";
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

describe("state rows read from the text's bytes", () => {
  const header = (...names: string[]) => `{"fields":[${names.map((n) => `{"kind":"count","name":${JSON.stringify(n)}}`).join(",")}],"format":"compplan-state/1","period":"2026-01","plan":"sha256:${"0".repeat(64)}"}`;
  it("non-ASCII text: a non-ASCII field name, ids before and after non-ASCII ones, a character beyond U+FFFF; lines and values as written", () => {
    // Keys in canonical order ("R" before "i") and ids in UTF-16 order (Z before Ä before é before 😀).
    const rows = ['{"Ränge":1,"id":"A"}', '{"Ränge":2,"id":"Z"}', '{"Ränge":3,"id":"Ä"}', '{"Ränge":4,"id":"é"}', '{"Ränge":5,"id":"😀"}'];
    const r = safeParseState(`${header("Ränge")}\n${rows.join("\n")}\n`);
    expect(r.ok && { ids: r.value.ids, values: r.value.values, lines: r.value.lines, numbers: r.value.lineNumbers }).toEqual({
      ids: ["A", "Z", "Ä", "é", "😀"],
      values: [[1, 2, 3, 4, 5]],
      lines: rows,
      numbers: [2, 3, 4, 5, 6],
    });
  });
  it("a file of several chunks (StateRows.load), non-ASCII ones among them, and a line longer than a chunk", () => {
    const long = `L${"x".repeat(300_000)}`;
    const ids = [...Array.from({ length: 6000 }, (_, k) => `${k % 7 === 3 ? "É" : "A"}${String(k).padStart(5, "0")}${"-".repeat(90)}`), long].sort();
    const rows = ids.map((id, k) => `{"id":"${id}","n":${k + 1}}`);
    // Every row is read without JSON.parse.
    const parse = vi.spyOn(JSON, "parse");
    const r = safeParseState(`${header("n")}\n${rows.join("\n")}\n`);
    expect(parse.mock.calls.filter(([line]) => String(line).startsWith('{"id"'))).toEqual([]);
    parse.mockRestore();
    expect(r.ok && r.value.ids).toEqual(ids);
    expect(r.ok && r.value.lines).toEqual(rows);
    expect(r.ok && r.value.values[0]).toEqual(ids.map((_, k) => k + 1));
    expect(r.ok && r.value.lineNumbers.at(-1)).toBe(ids.length + 1);
  });
  it("a lone surrogate written raw is not canonical (JSON escapes it), whatever else the text holds", () => {
    for (const other of ['{"id":"A","n":1}', '{"id":"é","n":1}']) {
      const r = safeParseState(`${header("n")}\n${other}\n{"id":"\ud800","n":1}\n`, "s.ndjson");
      expect(r.ok ? [] : r.issues.map((i) => [i.code, i.line])).toEqual([["STATE_MALFORMED", 3]]);
    }
  });
});

describe("state rows matched to members in id order", () => {
  const dir = mkdtempSync(join(tmpdir(), "compplan-state-rows-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Members not in id order (M10 before M2 by id; the input order is another), sponsored from M3.
  const members = ["M3", "M10", "M2", "M1", "M20"].map((id, k) => ({ id, sponsorId: k === 0 ? null : "M3", joinDate: "2026-01-01" }));
  const orders = members.map((m, k) => ({ id: `o${k}`, memberId: m.id, kind: "personal-consumption" as const, date: "2026-10-05", volumes: { PV: String(100 * (k % 2) + 100) } }));
  writeFileSync(join(dir, "members.csv"), `id,sponsorId,joinDate\n${members.map((m) => `${m.id},${m.sponsorId ?? ""},${m.joinDate}`).join("\n")}\n`);
  writeFileSync(join(dir, "orders.csv"), `id,memberId,kind,date,PV\n${orders.map((o) => `${o.id},${o.memberId},${o.kind},${o.date},${o.volumes.PV}`).join("\n")}\n`);
  const run = (plan: ReturnType<typeof parsePlan>, state: StateInput, from: "objects" | "files") => {
    const prepared =
      from === "files"
        ? safePrepareFiles({ period: "2026-10", members: join(dir, "members.csv"), orders: join(dir, "orders.csv") }, { measures: new Set(["PV"]) })
        : safePrepareInput({ period: "2026-10", members, orders }, new Set(["PV"]));
    if (!prepared.ok) throw new Error(prepared.issues[0]?.message);
    return safeCalculatePrepared(plan, prepared.value, { state });
  };
  // Unknown ids before the first member, between members and after the last; members with and without a row.
  const rows = ['{"id":"0","rank.periods":7}', '{"id":"M10","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":2}', '{"id":"M15","rank.periods":7}', '{"id":"M2","rank.grace":1,"rank.highest":"Silver","rank.paidAs":"Bronze","rank.periods":1}', '{"id":"M3","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":4}', '{"id":"Z","rank.periods":7}'];
  it("unknown members are issues in the order of the rows, at their lines", () => {
    const plan = parsePlan(GRACE_PLAN);
    const text = (stateNdjson(calculate(plan, { period: "2026-09", members, orders: [] })) as string).split("\n")[0] as string;
    const state = parseState(`${text}\n${rows.join("\n")}\n`, "s.ndjson");
    for (const from of ["objects", "files"] as const) {
      const r = run(plan, state, from);
      expect(r.ok ? [] : r.issues.map((i) => [i.code, i.line, i.value])).toEqual([
        ["STATE_UNKNOWN_MEMBER", 2, "0"],
        ["STATE_UNKNOWN_MEMBER", 4, "M15"],
        ["STATE_UNKNOWN_MEMBER", 7, "Z"],
      ]);
    }
  });
  it("carried: the same closing state from a CSV file (ids as bytes) and from objects, and from a state made by hand", () => {
    const plan = parsePlan(`${GRACE_PLAN}state: { unknownMembers: carry }\n`);
    const text = (stateNdjson(calculate(plan, { period: "2026-09", members, orders: [] })) as string).split("\n")[0] as string;
    const state = parseState(`${text}\n${rows.join("\n")}\n`);
    const byHand: StateInput = { period: state.period, plan: state.plan, fields: state.fields, ids: [...state.ids], values: state.values.map((v) => [...v]), company: [...state.company], lines: [...state.lines], lineNumbers: [...state.lineNumbers] };
    const closing = (from: "objects" | "files", s: StateInput) => {
      const r = run(plan, s, from);
      if (!r.ok) throw new Error(r.issues[0]?.message);
      return (stateNdjson(r.value) as string).split("\n").slice(1);
    };
    // By hand (docs/state.md): this period M10 and M1 reach Silver (200 PV), the others Bronze; the highest
    // rank is kept, the periods at a rank count on while it is the opening paid-as rank.
    const expected = [
      rows[0],
      '{"id":"M1","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":1}',
      '{"id":"M10","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":3}',
      rows[2],
      '{"id":"M2","rank.highest":"Silver","rank.paidAs":"Bronze","rank.periods":2}',
      '{"id":"M20","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":1}',
      '{"id":"M3","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":5}',
      rows[5],
      "",
    ];
    expect(closing("objects", state)).toEqual(expected);
    expect(closing("files", state)).toEqual(expected);
    expect(closing("files", byHand)).toEqual(expected);
  });
});
