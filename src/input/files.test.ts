// Reading input files: bytes kept exact (invalid UTF-8 is an issue, never replaced), unreadable files,
// the options of safePrepareFiles / prepareFiles (measures without a column, ignored columns).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { CompplanError } from "../errors/issues.js";
import { decodeUtf8, prepareFiles, readTextFile, safePrepareFiles } from "./files.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MEASURES = ["PV"];

let n = 0;
function file(name: string, content: string | Uint8Array): string {
  const sub = join(dir, String(n++));
  mkdirSync(sub);
  const path = join(sub, name);
  writeFileSync(path, content);
  return path;
}
const bytes = (...parts: (string | number[] | Uint8Array)[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));
const MEMBERS_HEAD = "id,sponsorId,joinDate\nA,,2024-01-01\n";
const ORDERS_HEAD = "id,memberId,kind,date,PV\n";

describe("input bytes are kept exact", () => {
  it("an order for B\\xfe is not credited to member B\\xff: invalid UTF-8 is INPUT_ENCODING with file, line and byte offset", () => {
    const members = file("members.csv", bytes(MEMBERS_HEAD, "B", [0xff], ",A,2024-01-01\n"));
    const orders = file("orders.csv", bytes(ORDERS_HEAD, "o1,B", [0xfe], ",retail-sale,2026-10-03,100\n"));
    const r = safePrepareFiles({ period: "2026-10", members, orders }, { measures: MEASURES });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [i.code, i.file, i.line, i.path])).toEqual([
      ["INPUT_ENCODING", members, 3, ["members"]],
      ["INPUT_ENCODING", orders, 2, ["orders"]],
    ]);
    expect(r.issues[0]?.message).toContain(`byte offset ${MEMBERS_HEAD.length + 1} (line 3, after "B") holds 0xFF`);
    expect(r.issues[1]?.message).toContain(`byte offset ${ORDERS_HEAD.length + 4} (line 2, after "o1,B") holds 0xFE`);
    expect(r.issues[0]?.value).toBe("0xFF");
  });

  it("two members B\\xff and B\\xfe are an encoding issue, not a false duplicate id", () => {
    const members = file("members.csv", bytes(MEMBERS_HEAD, "B", [0xff], ",A,2024-01-01\nB", [0xfe], ",A,2024-01-01\n"));
    const orders = file("orders.csv", ORDERS_HEAD);
    const r = safePrepareFiles({ period: "2026-10", members, orders }, { measures: MEASURES });
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(["INPUT_ENCODING"]);
  });

  it("applies to JSON and NDJSON files, and to the throwing form", () => {
    for (const name of ["members.json", "members.ndjson"]) {
      const rec = (id: (string | number[])[]) => bytes('{"id":"', ...id, '","joinDate":"2024-01-01"}');
      const body = name.endsWith(".json") ? bytes("[", rec(["A"]), ",\n", rec(["B", [0xc3, 0x28]]), "]") : bytes(rec(["A"]), "\n", rec(["B", [0xc3, 0x28]]), "\n");
      const members = file(name, body);
      const orders = file("orders.csv", ORDERS_HEAD);
      try {
        prepareFiles({ period: "2026-10", members, orders }, { measures: MEASURES });
        expect.unreachable("prepareFiles must throw");
      } catch (e) {
        expect(e).toBeInstanceOf(CompplanError);
        const issue = (e as CompplanError).issues[0];
        expect([issue?.code, issue?.line, issue?.value]).toEqual(["INPUT_ENCODING", 2, "0xC3"]);
      }
    }
  });

  it("names UTF-16 files as such", () => {
    const r = readTextFile(file("members.csv", Buffer.from("\ufeffid,sponsorId\n", "utf16le")), "members");
    expect(r.issue?.code).toBe("INPUT_ENCODING");
    expect(r.issue?.message).toContain("UTF-16");
  });

  it("keeps valid UTF-8 exactly, a literal U+FFFD and unnormalised forms included: é (NFC) and e + U+0301 (NFD) are two members", () => {
    const nfc = "Jos\u00e9";
    const nfd = "Jose\u0301";
    const members = file("members.csv", `${MEMBERS_HEAD}${nfc},A,2024-01-01\n${nfd},A,2024-01-01\nB\ufffd,A,2024-01-01\n`);
    const orders = file("orders.csv", `${ORDERS_HEAD}o1,${nfd},retail-sale,2026-10-03,100\no2,B\ufffd,retail-sale,2026-10-03,7\n`);
    const r = safePrepareFiles({ period: "2026-10", members, orders }, { measures: MEASURES });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const g = r.value.genealogy;
    expect(g.size).toBe(4);
    const o = r.value.orders;
    const credited = Array.from({ length: o.count }, (_, i) => g.ids.at(o.member[i] as number));
    expect(credited.sort()).toEqual(["B\ufffd", nfd].sort());
    expect(g.indexOf.get(nfc)).not.toBe(g.indexOf.get(nfd));
  });

  it("finds the first ill-formed sequence where a replacing decoder puts its first U+FFFD", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const r = decodeUtf8(b, "f", "members");
        if (r.issue === undefined) return;
        const m = /byte offset (\d+) .* holds ((?:0x[0-9A-F]{2} ?)+), which/.exec(r.issue.message);
        expect(m).not.toBeNull();
        const offset = Number(m?.[1]);
        const length = (m?.[2] ?? "").trim().split(" ").length;
        const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
        const prefix = decoder.decode(b.subarray(0, offset));
        expect(prefix).not.toContain("\ufffd");
        expect(decoder.decode(b).startsWith(`${prefix}\ufffd`)).toBe(true);
        expect(decoder.decode(b.subarray(offset, offset + length))).toBe("\ufffd");
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects JSON ids holding a lone surrogate, which have no UTF-8 form", () => {
    const members = file("members.json", '[{"id":"A","joinDate":"2024-01-01"},{"id":"B\\ud800","sponsorId":"A","joinDate":"2024-01-01"},{"id":"B\\udc01","sponsorId":"A","joinDate":"2024-01-01"}]');
    const orders = file("orders.ndjson", '{"id":"o1","memberId":"A","kind":"retail-sale","date":"2026-10-03","volumes":{}}\n');
    const r = safePrepareFiles({ period: "2026-10", members, orders }, { measures: MEASURES });
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path, i.line])).toEqual([
      ["INPUT_INVALID_FIELD", ["members", 1, "id"], 1],
      ["INPUT_INVALID_FIELD", ["members", 2, "id"], 1],
    ]);
    expect(r.ok ? "" : r.issues[0]?.message).toContain("lone surrogate");
    // A surrogate pair (an emoji) is well-formed and accepted.
    const pair = file("members.json", '[{"id":"A\\ud83d\\ude00","joinDate":"2024-01-01"}]');
    expect(safePrepareFiles({ period: "2026-10", members: pair, orders }, { measures: MEASURES }).ok).toBe(false); // the order's member A is unknown
    const pairOrders = file("orders.ndjson", '{"id":"o1","memberId":"A\\ud83d\\ude00","kind":"retail-sale","date":"2026-10-03","volumes":{}}\n');
    expect(safePrepareFiles({ period: "2026-10", members: pair, orders: pairOrders }, { measures: MEASURES }).ok).toBe(true);
  });
});

describe("many issues", () => {
  it("a members file with 200,000 invalid rows gives 200,000 issues, not a stack overflow", () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `m${i},A,2024-02-30\n`).join("");
    const members = file("members.csv", `${MEMBERS_HEAD}${rows}`);
    const r = safePrepareFiles({ period: "2026-10", members, orders: file("orders.csv", ORDERS_HEAD) }, { measures: MEASURES });
    expect(r.ok ? 0 : r.issues.length).toBe(200_000);
    expect(r.ok ? undefined : r.issues[199_999]?.line).toBe(200_002);
  });
});

describe("unreadable files", () => {
  it("a missing file or a folder is INPUT_UNREADABLE naming the file and the system's reason", () => {
    const orders = file("orders.csv", ORDERS_HEAD);
    const missing = join(dir, "nope.csv");
    const r = safePrepareFiles({ period: "2026-10", members: missing, orders }, { measures: MEASURES });
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path, i.file, i.message])).toEqual([
      ["INPUT_UNREADABLE", ["members"], missing, `cannot read members file "${missing.length > 60 ? `${missing.slice(0, 60)}…` : missing}": no such file or directory (ENOENT)`],
    ]);
    const folder = readTextFile(dir, "orders");
    expect(folder.issue?.code).toBe("INPUT_UNREADABLE");
    expect(folder.issue?.message).toMatch(/\(EISDIR\)$/);
  });
});

describe("safePrepareFiles options", () => {
  const members = () => file("members.csv", `${MEMBERS_HEAD}B,A,2024-01-01\n`);

  it("an orders CSV without a column for a measure counts 0 for it, on the fast and the general path", () => {
    for (const style of ["fast", "general"]) {
      const quote = style === "general" ? '"o1"' : "o1"; // a quoted field sends the file to the general path
      const orders = file("orders.csv", `id,memberId,kind,date,PV\n${quote},B,retail-sale,2026-10-03,100\n`);
      const r = safePrepareFiles({ period: "2026-10", members: members(), orders }, { measures: ["CV", "PV"] });
      expect(r.ok, style).toBe(true);
      if (!r.ok) continue;
      expect(r.value.orders.measures).toEqual(["CV", "PV"]);
      expect(r.value.orders.volumes.map((v) => Array.from(v))).toEqual([[0], [100 * 10_000]]);
    }
  });

  it("extra columns are INPUT_UNKNOWN_COLUMN unless named in ignoreColumns", () => {
    const orders = file("orders.csv", `id,memberId,email,kind,date,PV\no1,B,b@example.com,retail-sale,2026-10-03,100\n`);
    const m = file("members.csv", `id,sponsorId,joinDate,email\nA,,2024-01-01,a@example.com\nB,A,2024-01-01,b@example.com\n`);
    const strict = safePrepareFiles({ period: "2026-10", members: m, orders }, { measures: MEASURES });
    expect(strict.ok ? [] : strict.issues.map((i) => [i.code, i.path])).toEqual([
      ["INPUT_UNKNOWN_COLUMN", ["members", "header", "email"]],
      ["INPUT_UNKNOWN_COLUMN", ["orders", "header", "email"]],
    ]);
    const phases: string[] = [];
    const r = safePrepareFiles({ period: "2026-10", members: m, orders }, { measures: MEASURES, ignoreColumns: ["email"], onPhase: (p) => phases.push(p) });
    expect(r.ok).toBe(true);
    if (r.ok) expect(Array.from(r.value.orders.volumes[0] ?? [])).toEqual([100 * 10_000]);
    expect(phases).toEqual(["read inputs", "validate", "genealogy"]);
  });
});
