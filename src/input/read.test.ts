import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ISSUE_CODES, type Issue } from "../errors/issues.js";
import { type InputFormat, type RecordKind, detectFormat, readRecords } from "./read.js";

const members = (text: string, format: InputFormat = "csv") => readRecords(text, { file: "m.in", kind: "members", format });
const orders = (text: string, measures?: readonly string[], format: InputFormat = "csv") =>
  readRecords(text, measures === undefined ? { file: "o.in", kind: "orders", format } : { file: "o.in", kind: "orders", format, measures });

/** The issue fields a test pins down (the message is only checked to name the value). */
function brief(i: Issue): Record<string, unknown> {
  return "value" in i ? { code: i.code, path: i.path, line: i.line, value: i.value } : { code: i.code, path: i.path, line: i.line };
}

const M_HEADER = "id,sponsorId,joinDate,status\n";
const O_HEADER = "id,memberId,kind,date,PV\n";

describe("detectFormat", () => {
  it("uses the extension, case-insensitively", () => {
    expect(detectFormat("a/members.csv", "[]")).toBe("csv");
    expect(detectFormat("MEMBERS.CSV", "")).toBe("csv");
    expect(detectFormat("m.json", "id,x")).toBe("json");
    expect(detectFormat("m.ndjson", "[]")).toBe("ndjson");
    expect(detectFormat("m.JSONL", "")).toBe("ndjson");
  });

  it("falls back to the content", () => {
    expect(detectFormat("-", "[{}]")).toBe("json");
    expect(detectFormat("-", '\uFEFF  \n {"members": []}')).toBe("json");
    expect(detectFormat("-", '{\n  "orders": [\n  ]\n}')).toBe("json");
    expect(detectFormat("-", '{\n  "id": "a"\n}')).toBe("json");
    expect(detectFormat("-", '{"id":"a"}\n{"id":"b"}\n')).toBe("ndjson");
    expect(detectFormat("-", '{"id":"a"}')).toBe("ndjson");
    expect(detectFormat("-", "id,sponsorId\n")).toBe("csv");
    expect(detectFormat("-", "")).toBe("csv");
  });

  it("is used by readRecords when no format is given", () => {
    const r = readRecords('{"id":"o1","memberId":"m","kind":"retail-sale","date":"2025-01-01","volumes":{}}\n', { file: "stdin", kind: "orders" });
    expect(r.issues).toEqual([]);
    expect(r.records).toHaveLength(1);
  });
});

describe("CSV", () => {
  it("reads members in the API shape, with origins", () => {
    const r = members(`${M_HEADER}root,,2024-01-01,enrolled\na,root,2024-02-01,\n`);
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([
      { id: "root", sponsorId: "", joinDate: "2024-01-01", status: "enrolled" },
      { id: "a", sponsorId: "root", joinDate: "2024-02-01", status: "" },
    ]);
    expect(r.origins).toEqual([
      { file: "m.in", line: 2 },
      { file: "m.in", line: 3 },
    ]);
  });

  it("leaves out the status field when its column is absent, and accepts columns in any order", () => {
    const r = members("joinDate,id,sponsorId\n2024-01-01,root,\n");
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([{ id: "root", sponsorId: "", joinDate: "2024-01-01" }]);
    expect(Object.keys(r.records[0] as object)).toEqual(["id", "sponsorId", "joinDate"]);
  });

  it("reads orders with one volume per measure column", () => {
    const r = orders("id,memberId,kind,date,PV,CV\no1,m1,retail-sale,2025-01-05,100,80.5\no2,m2,customer-order,2025-01-06,,0\n", ["PV", "CV"]);
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([
      { id: "o1", memberId: "m1", kind: "retail-sale", date: "2025-01-05", volumes: { PV: "100", CV: "80.5" } },
      { id: "o2", memberId: "m2", kind: "customer-order", date: "2025-01-06", volumes: { PV: "", CV: "0" } },
    ]);
  });

  it("treats every other column as a measure when no measures are given", () => {
    const r = orders("id,memberId,kind,date,PV,BV\no1,m1,retail-sale,2025-01-05,1,2\n");
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([{ id: "o1", memberId: "m1", kind: "retail-sale", date: "2025-01-05", volumes: { PV: "1", BV: "2" } }]);
  });

  it("keeps a measure named __proto__ as an own property", () => {
    const r = orders("id,memberId,kind,date,__proto__\no1,m1,retail-sale,2025-01-05,7\n");
    const rec = r.records[0] as { volumes: Record<string, string> };
    expect(Object.getPrototypeOf(rec.volumes)).toBe(Object.prototype);
    expect(Object.entries(rec.volumes)).toEqual([["__proto__", "7"]]);
  });

  it("reads quoted fields with commas, line breaks and escaped quotes, and counts their lines", () => {
    const text = `${M_HEADER}"a, b",root,2024-01-01,enrolled\n"multi\nline\r\nid","say ""hi""",2024-01-02,\n"",x,"2024-01-03",""\nlast,x,2024-01-04,\n`;
    const r = members(text);
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([
      { id: "a, b", sponsorId: "root", joinDate: "2024-01-01", status: "enrolled" },
      { id: "multi\nline\r\nid", sponsorId: 'say "hi"', joinDate: "2024-01-02", status: "" },
      { id: "", sponsorId: "x", joinDate: "2024-01-03", status: "" },
      { id: "last", sponsorId: "x", joinDate: "2024-01-04", status: "" },
    ]);
    expect(r.origins.map((o) => o.line)).toEqual([2, 3, 6, 7]);
  });

  it("trims spaces around unquoted cells and quoted fields but not inside quotes", () => {
    const r = members("  id , sponsorId,\tjoinDate \n  a  ,  \" b \"  ,\t2024-01-01\t\n");
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([{ id: "a", sponsorId: " b ", joinDate: "2024-01-01" }]);
  });

  it("ignores a BOM, reads CRLF, and skips empty and blank lines", () => {
    const r = members("\uFEFFid,sponsorId,joinDate\r\n\r\nroot,,2024-01-01\r\n   \r\na,root,2024-01-02\r\n\r\n\r\n");
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([
      { id: "root", sponsorId: "", joinDate: "2024-01-01" },
      { id: "a", sponsorId: "root", joinDate: "2024-01-02" },
    ]);
    expect(r.origins.map((o) => o.line)).toEqual([3, 5]);
  });

  it("reads a last row without a line break, and a lone CR at the end", () => {
    expect(members("id,sponsorId,joinDate\nroot,,2024-01-01").records).toEqual([{ id: "root", sponsorId: "", joinDate: "2024-01-01" }]);
    expect(members("id,sponsorId,joinDate\r\nroot,,2024-01-01\r").records).toEqual([{ id: "root", sponsorId: "", joinDate: "2024-01-01" }]);
  });

  it("reports an empty file as INPUT_EMPTY", () => {
    for (const text of ["", "   \n\n", "\uFEFF", "\uFEFF\r\n \t\r\n"]) {
      for (const kind of ["members", "orders"] as const) {
        const r = readRecords(text, { file: "f.csv", kind });
        expect(r.records).toEqual([]);
        expect(r.issues.map(brief)).toEqual([{ code: "INPUT_EMPTY", path: [kind], line: 1 }]);
        expect(r.issues[0]?.file).toBe("f.csv");
      }
    }
  });

  it("allows a header without rows for orders but not for members", () => {
    expect(orders(O_HEADER, ["PV"])).toEqual({ records: [], origins: [], issues: [] });
    const r = members(`\n${M_HEADER}\n`);
    expect(r.records).toEqual([]);
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_EMPTY", path: ["members"], line: 2 }]);
  });

  it("reports a missing required column as INPUT_MISSING_COLUMN", () => {
    const r = members("id,sponsorId\nroot,\n");
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MISSING_COLUMN", path: ["members", "header", "joinDate"], line: 1, value: "joinDate" }]);
    expect(r.issues[0]?.message).toContain('"joinDate"');
    expect(r.issues[0]?.file).toBe("m.in");
    // The rows are still read.
    expect(r.records).toEqual([{ id: "root", sponsorId: "" }]);

    const o = orders("id,kind,date,PV\no1,retail-sale,2025-01-01,1\n", ["PV"]);
    expect(o.issues.map(brief)).toEqual([{ code: "INPUT_MISSING_COLUMN", path: ["orders", "header", "memberId"], line: 1, value: "memberId" }]);
  });

  it("reads an orders file without a column for one of the measures: that measure is left out (it counts 0)", () => {
    const r = orders(`\n\n${O_HEADER}o1,m1,retail-sale,2025-01-01,1\n`, ["PV", "CV"]);
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([{ id: "o1", memberId: "m1", kind: "retail-sale", date: "2025-01-01", volumes: { PV: "1" } }]);
  });

  it("skips the columns named in ignoreColumns, and only those", () => {
    const text = "id,memberId,kind,note,date,PV,email\no1,m1,retail-sale,hello,2025-01-01,1,x@y\n";
    const r = readRecords(text, { file: "o.csv", kind: "orders", measures: ["PV"], ignoreColumns: ["email", "note"] });
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([{ id: "o1", memberId: "m1", kind: "retail-sale", date: "2025-01-01", volumes: { PV: "1" } }]);
    const partly = readRecords(text, { file: "o.csv", kind: "orders", measures: ["PV"], ignoreColumns: ["email"] });
    expect(partly.issues.map(brief)).toEqual([{ code: "INPUT_UNKNOWN_COLUMN", path: ["orders", "header", "note"], line: 1, value: "note" }]);
    expect(partly.issues[0]?.message).toContain("ignoreColumns");
    // A known field or a measure is read even when named as ignored.
    const known = readRecords(text, { file: "o.csv", kind: "orders", measures: ["PV"], ignoreColumns: ["email", "note", "PV", "kind"] });
    expect(known.records).toEqual(r.records);
  });

  it("skips ignored fields of JSON and NDJSON records, and keeps the others", () => {
    const rec = { id: "root", joinDate: "2024-01-01", email: "x@y", extra: 1 };
    for (const [format, text] of [["json", JSON.stringify([rec])], ["ndjson", `${JSON.stringify(rec)}\n`]] as const) {
      const r = readRecords(text, { file: "m", kind: "members", format, ignoreColumns: ["email", "id"] });
      expect(r.issues).toEqual([]);
      expect(r.records).toEqual([{ id: "root", joinDate: "2024-01-01", extra: 1 }]);
    }
  });

  it("names CR-only line ends (old Mac OS) instead of reading the file as one line", () => {
    for (const [format, text] of [
      ["csv", "id,sponsorId,joinDate\rroot,,2024-01-01\ra,root,2024-01-01\r"],
      ["ndjson", '{"id":"root","joinDate":"2024-01-01"}\r{"id":"a","sponsorId":"root","joinDate":"2024-01-01"}\r'],
    ] as const) {
      const r = members(text, format);
      expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members"], line: 1 }]);
      expect(r.issues[0]?.message).toContain("CR alone (old Mac OS line ends)");
      expect(r.records).toEqual([]);
    }
    // A CR at the very end, or CRLF line ends, are ordinary.
    expect(members("id,sponsorId,joinDate\r\nroot,,2024-01-01\r\n").issues).toEqual([]);
    expect(members("id,sponsorId,joinDate\r").issues.map((i) => i.code)).toEqual(["INPUT_EMPTY"]);
  });

  it("cuts a huge column name or text after a quote to a readable length in messages", () => {
    const huge = "x".repeat(1_000_000);
    const r = members(`id,sponsorId,joinDate,${huge}\nroot,,2024-01-01,1\n"a"${huge},,2024-01-01,1\nb,root\n`);
    expect(r.issues.map((i) => i.code)).toEqual(["INPUT_UNKNOWN_COLUMN", "INPUT_MALFORMED", "INPUT_TRUNCATED"]);
    for (const i of r.issues) expect(i.message.length).toBeLessThan(400);
  });

  it("reports an unknown column as INPUT_UNKNOWN_COLUMN and ignores it", () => {
    const r = members("id,sponsorId,joinDate,email\nroot,,2024-01-01,x@y\n");
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_UNKNOWN_COLUMN", path: ["members", "header", "email"], line: 1, value: "email" }]);
    expect(r.issues[0]?.message).toContain('"email"');
    expect(r.records).toEqual([{ id: "root", sponsorId: "", joinDate: "2024-01-01" }]);

    const o = orders("id,memberId,kind,date,PV,XV\no1,m1,retail-sale,2025-01-01,1,2\n", ["PV"]);
    expect(o.issues.map(brief)).toEqual([{ code: "INPUT_UNKNOWN_COLUMN", path: ["orders", "header", "XV"], line: 1, value: "XV" }]);
    expect(o.records).toEqual([{ id: "o1", memberId: "m1", kind: "retail-sale", date: "2025-01-01", volumes: { PV: "1" } }]);
  });

  it("hints at a column spelled with the wrong case", () => {
    const r = members("id,sponsorid,joinDate\nroot,,2024-01-01\n");
    expect(r.issues.map((i) => i.code)).toEqual(["INPUT_UNKNOWN_COLUMN", "INPUT_MISSING_COLUMN"]);
    expect(r.issues[0]?.message).toContain('did you mean "sponsorId"');
  });

  it("reports a duplicate or unnamed column as INPUT_MALFORMED", () => {
    const r = members("id,sponsorId,joinDate,id\na,,2024-01-01,b\n");
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", "header", "id"], line: 1, value: "id" }]);
    expect(r.issues[0]?.message).toContain('"id"');
    // The first column of that name is used.
    expect(r.records).toEqual([{ id: "a", sponsorId: "", joinDate: "2024-01-01" }]);

    const u = members("id,sponsorId,joinDate,\na,,2024-01-01,\n");
    expect(u.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", "header", ""], line: 1, value: "" }]);
  });

  it("reports a row with fewer fields than the header as INPUT_TRUNCATED", () => {
    const r = members(`${M_HEADER}root,,2024-01-01,enrolled\na,root\nb,root,2024-01-01,enrolled\n`);
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["members", 1], line: 3, value: 2 }]);
    expect(r.issues[0]?.message).toContain("missing: joinDate, status");
    // The short row is still returned (without its missing fields), so the indices stay aligned.
    expect(r.records).toEqual([
      { id: "root", sponsorId: "", joinDate: "2024-01-01", status: "enrolled" },
      { id: "a", sponsorId: "root" },
      { id: "b", sponsorId: "root", joinDate: "2024-01-01", status: "enrolled" },
    ]);
    expect(r.origins.map((o) => o.line)).toEqual([2, 3, 4]);
  });

  it("reports a row with more fields than the header as INPUT_MALFORMED", () => {
    const r = orders(`${O_HEADER}o1,m1,retail-sale,2025-01-01,1,000\n`, ["PV"]);
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["orders", 0], line: 2, value: 6 }]);
    expect(r.issues[0]?.message).toContain('"000"');
    expect(r.records).toEqual([{ id: "o1", memberId: "m1", kind: "retail-sale", date: "2025-01-01", volumes: { PV: "1" } }]);
  });

  it("reports text after a closing quote as INPUT_MALFORMED", () => {
    const r = members(`${M_HEADER}"a"b,,2024-01-01,\n`);
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", 0], line: 2, value: "b" }]);
    expect(r.records).toEqual([{ id: "ab", sponsorId: "", joinDate: "2024-01-01", status: "" }]);
  });

  it("reports text after a closing quote in the header as INPUT_MALFORMED naming the column", () => {
    const r = members('id,"sponsorId"x,joinDate\nroot,,2024-01-01\n');
    expect(r.issues.map(brief)).toEqual([
      { code: "INPUT_MALFORMED", path: ["members", "header", "sponsorIdx"], line: 1, value: "x" },
      { code: "INPUT_UNKNOWN_COLUMN", path: ["members", "header", "sponsorIdx"], line: 1, value: "sponsorIdx" },
      { code: "INPUT_MISSING_COLUMN", path: ["members", "header", "sponsorId"], line: 1, value: "sponsorId" },
    ]);
  });

  it("keeps a quote inside an unquoted field literally", () => {
    const r = members(`${M_HEADER}a"b,,2024-01-01,\n`);
    expect(r.issues).toEqual([]);
    expect((r.records[0] as { id: string }).id).toBe('a"b');
  });

  it("reports a quote left open at the end of the file as INPUT_TRUNCATED, at the line it opened", () => {
    const r = members(`${M_HEADER}root,,2024-01-01,\na,"root\n,2024-01-01,\n`);
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["members", 1], line: 3, value: '"root\n,2024-01-01,\n' }]);
    expect(r.records).toEqual([{ id: "root", sponsorId: "", joinDate: "2024-01-01", status: "" }]);

    const h = members('id,"sponsorId,joinDate\n');
    expect(h.issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["members"], line: 1, value: '"sponsorId,joinDate\n' }]);
  });

  it("reports every issue with the file and a line", () => {
    const r = orders('id,id,memberId,kind,date,ZZ\na\n"x"y,1,2,3,4,5,6\n"open', ["PV"]);
    expect(r.issues.map((i) => i.code)).toEqual([
      "INPUT_MALFORMED",
      "INPUT_UNKNOWN_COLUMN",
      "INPUT_TRUNCATED",
      "INPUT_MALFORMED",
      "INPUT_MALFORMED",
      "INPUT_TRUNCATED",
    ]);
    for (const i of r.issues) {
      expect(i.file).toBe("o.in");
      expect(i.line).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("JSON", () => {
  const pretty = `[
  {
    "id": "root",
    "sponsorId": null,
    "joinDate": "2024-01-01"
  },
  {
    "id": "a",
    "sponsorId": "root",
    "joinDate": "2024-01-02"
  },
  { "id": "b", "sponsorId": "a", "joinDate": "2024-01-03" }
]
`;

  it("reads an array, with the line each record starts on", () => {
    const r = members(pretty, "json");
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([
      { id: "root", sponsorId: null, joinDate: "2024-01-01" },
      { id: "a", sponsorId: "root", joinDate: "2024-01-02" },
      { id: "b", sponsorId: "a", joinDate: "2024-01-03" },
    ]);
    expect(r.origins).toEqual([
      { file: "m.in", line: 2 },
      { file: "m.in", line: 7 },
      { file: "m.in", line: 12 },
    ]);
  });

  it("reads a single-line array and an object keyed by the kind", () => {
    const single = members('[{"id":"a","joinDate":"2024-01-01"},{"id":"b"}]', "json");
    expect(single.issues).toEqual([]);
    expect(single.origins.map((o) => o.line)).toEqual([1, 1]);
    const wrapped = orders('\uFEFF{\n  "orders": [\n    {"id": "o1", "volumes": {"PV": "1"}},\n    {"id": "o2"}\n  ]\n}\n', undefined, "json");
    expect(wrapped.issues).toEqual([]);
    expect(wrapped.records).toEqual([{ id: "o1", volumes: { PV: "1" } }, { id: "o2" }]);
    expect(wrapped.origins.map((o) => o.line)).toEqual([3, 4]);
  });

  it("is not confused by brackets, commas, quotes and line breaks inside strings", () => {
    const r = members('[\n{"id": "a,]}\\"[{\\\\", "sponsorId": "\\n"},\n\n{"id": "b"}]', "json");
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([{ id: 'a,]}"[{\\', sponsorId: "\n" }, { id: "b" }]);
    expect(r.origins.map((o) => o.line)).toEqual([2, 4]);
  });

  it("passes records on as parsed, for the validator to check", () => {
    const r = orders('[1, "x", null, {"id": 5, "extra": true}]', undefined, "json");
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([1, "x", null, { id: 5, extra: true }]);
  });

  it("reports an empty file, or an empty members array, as INPUT_EMPTY", () => {
    expect(members(" \n", "json").issues.map(brief)).toEqual([{ code: "INPUT_EMPTY", path: ["members"], line: 1 }]);
    expect(orders("", undefined, "json").issues.map(brief)).toEqual([{ code: "INPUT_EMPTY", path: ["orders"], line: 1 }]);
    expect(members("\n[\n]", "json").issues.map(brief)).toEqual([{ code: "INPUT_EMPTY", path: ["members"], line: 2 }]);
    expect(members('{"members": []}', "json").issues.map(brief)).toEqual([{ code: "INPUT_EMPTY", path: ["members"], line: 1 }]);
    expect(orders("[]", undefined, "json")).toEqual({ records: [], origins: [], issues: [] });
    expect(orders('{"orders":[]}', undefined, "json")).toEqual({ records: [], origins: [], issues: [] });
  });

  it("reports a record that is not valid JSON as INPUT_MALFORMED and reads the others", () => {
    const r = members('[\n  {"id": "a"},\n  {"id": \'b\'},\n  {"id": "c"}\n]', "json");
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", 1], line: 3, value: "{\"id\": 'b'}" }]);
    expect(r.issues[0]?.message).toMatch(/not valid JSON/);
    expect(r.records).toEqual([{ id: "a" }, { id: "c" }]);
    expect(r.origins.map((o) => o.line)).toEqual([2, 4]);
  });

  it("gives the file line of a syntax error inside a record", () => {
    const r = members('[\n{"id": "a",\n "x": 1,\n "y": }\n]', "json");
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", 0], line: 2, value: '{"id": "a",\n "x": 1,\n "y": }' }]);
    // A position in JSON.parse's message is translated to a line of the file.
    const p = members('[\n{"id": "a",\n "x" 1}\n]', "json");
    expect(p.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", 0], line: 2, value: '{"id": "a",\n "x" 1}' }]);
    expect(p.issues[0]?.message).not.toMatch(/at position/);
    if (/Unexpected number/.test(p.issues[0]?.message ?? "")) expect(p.issues[0]?.message).toContain("on line 3");
  });

  it("reports a missing comma, an extra comma and a trailing comma as INPUT_MALFORMED", () => {
    expect(members('[{"id":"a"} {"id":"b"}]', "json").issues.map(brief)).toEqual([
      { code: "INPUT_MALFORMED", path: ["members", 0], line: 1, value: '{"id":"a"} {"id":"b"}' },
    ]);
    expect(members('[{"id":"a"},\n,{"id":"b"}]', "json").issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", 1], line: 2 }]);
    const t = members('[{"id":"a"},\n{"id":"b"},\n]', "json");
    expect(t.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", 2], line: 3 }]);
    expect(t.records).toHaveLength(2);
  });

  it("reports a duplicate key as INPUT_MALFORMED naming the key", () => {
    const r = orders('[{"id":"o1","volumes":{"PV":"1","PV":"2"}}]', undefined, "json");
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["orders", 0], line: 1, value: '{"id":"o1","volumes":{"PV":"1","PV":"2"}}' }]);
    expect(r.issues[0]?.message).toContain('"PV"');
    expect(r.records).toEqual([]);
  });

  it("reports mismatched brackets as INPUT_MALFORMED and stops there", () => {
    const r = members('[{"id":"a"},\n{"id":["b"}, {"id":"c"}]', "json");
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", 1], line: 2, value: '{"id":["b"' }]);
    expect(r.records).toEqual([{ id: "a" }]);
    expect(members('[{"id":"a"}}]', "json").issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", 0], line: 1, value: '{"id":"a"}' }]);
  });

  it("reports a wrong top-level shape as INPUT_MALFORMED", () => {
    expect(members('{"orders": []}', "json").issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members"], line: 1, value: "orders" }]);
    expect(members('{"members": [{"id":"a"}], "orders": []}', "json").issues.map(brief)).toEqual([
      { code: "INPUT_MALFORMED", path: ["members"], line: 1 },
    ]);
    expect(members('{"members": {"id":"a"}}', "json").issues.map(brief)).toEqual([
      { code: "INPUT_MALFORMED", path: ["members"], line: 1, value: '{"id":"a"}}' },
    ]);
    expect(members("\n42", "json").issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members"], line: 2, value: "42" }]);
    expect(members("{}", "json").issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members"], line: 1, value: "}" }]);
    expect(members("id,sponsorId", "json").issues[0]?.code).toBe("INPUT_MALFORMED");
  });

  it("reports content after the end as INPUT_MALFORMED", () => {
    const r = members('[{"id":"a"}]\n[{"id":"b"}]', "json");
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members"], line: 2, value: '[{"id":"b"}]' }]);
    expect(r.records).toEqual([{ id: "a" }]);
  });

  it("reports JSON that ends early as INPUT_TRUNCATED", () => {
    const inRecord = members('[\n  {"id": "a"},\n  {"id": "b", "sponsorId": "a', "json");
    expect(inRecord.issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["members", 1], line: 3, value: '{"id": "b", "sponsorId": "a' }]);
    expect(inRecord.records).toEqual([{ id: "a" }]);

    const afterRecord = members('[\n  {"id": "a"},\n  {"id": "b"}\n', "json");
    expect(afterRecord.issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["members"], line: 4 }]);
    expect(afterRecord.records).toEqual([{ id: "a" }, { id: "b" }]);

    expect(members('[{"id":"a"},', "json").issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["members"], line: 1 }]);
    expect(members("[", "json").issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["members"], line: 1 }]);
    expect(orders("[1, 2", undefined, "json").issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["orders", 1], line: 1, value: "2" }]);
    expect(members('{"members": [{"id":"a"}]', "json").issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["members"], line: 1 }]);
    expect(members('{"members"', "json").issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["members"], line: 1 }]);
    expect(members('{"memb', "json").issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["members"], line: 1 }]);
  });
});

describe("NDJSON", () => {
  it("reads one record per line, skipping blank lines, with CRLF and a BOM", () => {
    const r = members('\uFEFF{"id":"root","joinDate":"2024-01-01"}\r\n\r\n  \n{"id":"a","sponsorId":"root"}\r\n', "ndjson");
    expect(r.issues).toEqual([]);
    expect(r.records).toEqual([{ id: "root", joinDate: "2024-01-01" }, { id: "a", sponsorId: "root" }]);
    expect(r.origins).toEqual([
      { file: "m.in", line: 1 },
      { file: "m.in", line: 4 },
    ]);
  });

  it("reports a bad line as INPUT_MALFORMED with its line and reads the others", () => {
    const r = members('{"id":"a"}\n{"id": b}\n\n{"id":"c"}\n{"id":\n', "ndjson");
    expect(r.issues.map(brief)).toEqual([
      { code: "INPUT_MALFORMED", path: ["members", 1], line: 2, value: '{"id": b}' },
      { code: "INPUT_MALFORMED", path: ["members", 3], line: 5, value: '{"id":' },
    ]);
    expect(r.issues[0]?.message).toContain("line 2");
    expect(r.records).toEqual([{ id: "a" }, { id: "c" }]);
    expect(r.origins.map((o) => o.line)).toEqual([1, 4]);
  });

  it("reports an incomplete last line without a line break as INPUT_TRUNCATED", () => {
    const r = orders('{"id":"o1"}\n{"id":"o2","volumes":{"PV":"1', undefined, "ndjson");
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_TRUNCATED", path: ["orders", 1], line: 2, value: '{"id":"o2","volumes":{"PV":"1' }]);
    expect(r.records).toEqual([{ id: "o1" }]);
    // A complete but invalid last line is malformed, not truncated.
    expect(orders('{"id":"o1"}\n{"id" "o2"}', undefined, "ndjson").issues[0]?.code).toBe("INPUT_MALFORMED");
  });

  it("reports a duplicate key as INPUT_MALFORMED", () => {
    const r = members('{"id":"a","id":"b"}\n', "ndjson");
    expect(r.issues.map(brief)).toEqual([{ code: "INPUT_MALFORMED", path: ["members", 0], line: 1, value: '{"id":"a","id":"b"}' }]);
    expect(r.issues[0]?.message).toContain('"id"');
  });

  it("reports an empty file as INPUT_EMPTY", () => {
    expect(members("\n \r\n", "ndjson").issues.map(brief)).toEqual([{ code: "INPUT_EMPTY", path: ["members"], line: 1 }]);
    expect(orders("", undefined, "ndjson").issues.map(brief)).toEqual([{ code: "INPUT_EMPTY", path: ["orders"], line: 1 }]);
  });
});

describe("properties", () => {
  const kinds: RecordKind[] = ["members", "orders"];
  const formats: InputFormat[] = ["csv", "json", "ndjson"];
  const special = fc.constantFrom('"', ",", "\n", "\r", " ", "{", "}", "[", "]", ":", "\\", "a", "1", "\uFEFF", "id", "members", '"id":');
  const texts = fc.oneof(
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.string({ unit: special, maxLength: 120 }),
    fc.tuple(fc.constantFrom(M_HEADER, O_HEADER, "[", '{"members":[', '{"orders":[', "{"), fc.string({ unit: special, maxLength: 120 })).map(([a, b]) => a + b),
  );

  for (const format of formats) {
    it(`never throws on arbitrary ${format} text and always says why nothing was read`, () => {
      fc.assert(
        fc.property(texts, fc.constantFrom(...kinds), (text, kind) => {
          const r = readRecords(text, { file: "f", kind, format, measures: ["PV"] });
          expect(r.origins).toHaveLength(r.records.length);
          const lines = text.split("\n").length;
          for (const o of r.origins) {
            expect(o.file).toBe("f");
            expect(Number.isInteger(o.line) && (o.line ?? 0) >= 1 && (o.line ?? 0) <= lines).toBe(true);
          }
          for (const i of r.issues) {
            expect(Object.keys(ISSUE_CODES)).toContain(i.code);
            expect(i.file).toBe("f");
            expect(Number.isInteger(i.line) && (i.line ?? 0) >= 1 && (i.line ?? 0) <= lines).toBe(true);
            expect(i.path[0]).toBe(kind);
            expect(i.message).not.toContain("internal reader error");
          }
          // Members: something is always read, or an issue says why not. Orders may legitimately be none
          // (an order CSV header, or an empty JSON array) but never silently from unreadable text.
          if (r.records.length === 0 && r.issues.length === 0) {
            expect(kind).toBe("orders");
            expect(format).not.toBe("ndjson");
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it("agrees with JSON.parse on mutated JSON arrays", () => {
    const json = fc
      .tuple(
        fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }),
        fc.constantFrom(0, 2),
        fc.nat(),
        fc.nat(),
        fc.constantFrom("", ",", "]", "}", "[", "{", '"', "\\", " ", "\n", "x", ":"),
        fc.constantFrom("cut", "insert", "delete", "keep"),
      )
      .map(([values, indent, at, len, ch, how]) => {
        const text = JSON.stringify(values, null, indent);
        const i = at % (text.length + 1);
        if (how === "cut") return text.slice(0, i);
        if (how === "insert") return text.slice(0, i) + ch + text.slice(i);
        if (how === "delete") return text.slice(0, i) + text.slice(i + 1 + (len % 3));
        return text;
      });
    fc.assert(
      fc.property(json, (text) => {
        const r = readRecords(text, { file: "o.json", kind: "orders", format: "json" });
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          expect(r.issues.length).toBeGreaterThan(0);
          return;
        }
        if (!Array.isArray(parsed)) {
          expect(r.issues.length).toBeGreaterThan(0);
          return;
        }
        if (r.issues.length === 0) expect(r.records).toEqual(parsed);
        else for (const i of r.issues) expect(i.message).toContain("appears twice");
      }),
      { numRuns: 1000 },
    );
  });

  const cell = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: fc.constantFrom('"', ",", "\n", "\r", "\r\n", " ", "\t", "a", "é", "\uFEFF"), maxLength: 8 }),
  );

  /** Writes one CSV cell, quoting it when it must be (or always, when asked). */
  function quote(s: string, always: boolean): string {
    return always || /[",\r\n]|^[ \t]|[ \t]$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  }

  /** Writes rows as CSV and returns the text with the line each data row starts on. */
  function writeCsv(rows: string[][], eol: string, always: boolean, bom: boolean, trailing: boolean): { text: string; lines: number[] } {
    let text = bom ? "\uFEFF" : "";
    const lines: number[] = [];
    let line = 1;
    rows.forEach((row, i) => {
      if (i > 0) lines.push(line);
      const written = row.map((c) => quote(c, always)).join(",");
      text += written + (i < rows.length - 1 || trailing ? eol : "");
      line += (written.match(/\n/g)?.length ?? 0) + 1;
    });
    return { text, lines };
  }

  it("reads back member records written to CSV", () => {
    const member = fc.record({ id: cell, sponsorId: cell, joinDate: cell, status: cell });
    fc.assert(
      fc.property(
        fc.array(member, { minLength: 1, maxLength: 8 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (recs, eol, always, bom, trailing) => {
          const rows = [["id", "sponsorId", "joinDate", "status"], ...recs.map((m) => [m.id, m.sponsorId, m.joinDate, m.status])];
          const { text, lines } = writeCsv(rows, eol, always, bom, trailing);
          const r = readRecords(text, { file: "m.csv", kind: "members" });
          expect(r.issues).toEqual([]);
          expect(r.records).toEqual(recs);
          expect(r.origins.map((o) => o.line)).toEqual(lines);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reads back order records written to CSV", () => {
    const measureNames = fc.uniqueArray(fc.constantFrom("PV", "CV", "BV", "Team Volume", "a,b", 'q"x'), { maxLength: 4 });
    fc.assert(
      fc.property(
        measureNames.chain((ms) =>
          fc.tuple(
            fc.constant(ms),
            fc.array(
              fc.record({ id: cell, memberId: cell, kind: cell, date: cell, vols: fc.array(cell, { minLength: ms.length, maxLength: ms.length }) }),
              { maxLength: 8 },
            ),
          ),
        ),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        fc.boolean(),
        ([ms, recs], eol, always, bom) => {
          const rows = [["id", "memberId", "kind", "date", ...ms], ...recs.map((o) => [o.id, o.memberId, o.kind, o.date, ...o.vols])];
          const { text, lines } = writeCsv(rows, eol, always, bom, true);
          const r = readRecords(text, { file: "o.csv", kind: "orders", measures: ms });
          expect(r.issues).toEqual([]);
          expect(r.records).toEqual(
            recs.map((o) => ({ id: o.id, memberId: o.memberId, kind: o.kind, date: o.date, volumes: Object.fromEntries(ms.map((m, i) => [m, o.vols[i]])) })),
          );
          expect(r.origins.map((o) => o.line)).toEqual(lines);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reads back JSON and NDJSON records with the lines they start on", () => {
    const value = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null), fc.constantFrom("[", "]", "{", "}", ",", '"', "\\", "\n"));
    const record = fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), value, { maxKeys: 3 })), { maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), fc.constantFrom(0, 2, 4), fc.boolean(), (recs, indent, wrap) => {
        // JSON, pretty-printed (or on one line when indent is 0), as an array or wrapped in {"orders": [...]}.
        const body = JSON.stringify(recs, null, indent);
        const text = wrap ? `{"orders":${body}}` : body;
        const r = readRecords(text, { file: "o.json", kind: "orders" });
        expect(r.issues).toEqual([]);
        expect(r.records).toEqual(recs);
        let line = indent === 0 ? 1 : 2;
        const expected: number[] = [];
        for (const rec of recs) {
          expected.push(line);
          if (indent > 0) line += JSON.stringify(rec, null, indent).split("\n").length;
        }
        expect(r.origins.map((o) => o.line)).toEqual(expected);

        const nd = readRecords(recs.map((x) => JSON.stringify(x)).join("\n"), { file: "o.ndjson", kind: "orders" });
        expect(nd.issues).toEqual([]);
        expect(nd.records).toEqual(recs);
        expect(nd.origins.map((o) => o.line)).toEqual(recs.map((_, i) => i + 1));
      }),
      { numRuns: 300 },
    );
  });
});
