// The statements CSV a back office pays from: one row per line item and one per member total, exact
// decimal strings, the bundle fingerprint in the file, RFC 4180 quoting.
import { describe, expect, it } from "vitest";
import { calculate, parsePlan } from "../index.js";
import { BASE_PLAN, PERIOD, baseMembers, baseOrders } from "../../test/fixtures/base.js";
import { createBundle } from "./bundle.js";
import { CSV_COLUMNS, statementsCsv } from "./csv.js";
import { replay } from "./replay.js";
import { csvIdsInput } from "../../test/fixtures/csv-ids.js";

describe("statementsCsv", () => {
  // Base plan: A ← B ← C, all qualified; CV 80/120/160. Unilevel base row 5%/4%; Bronze 5%/4%/3%.
  // A is Bronze (PV 100, GV 450 ≥ 300): level 1 B 120 × 5% = 6.00, level 2 C 160 × 4% = 6.40.
  // B (GV 350) is Bronze: level 1 C 160 × 5% = 8.00. C has nothing. No one is Silver: no rank bonus.
  const input = { period: PERIOD, members: baseMembers(), orders: baseOrders() };
  const run = calculate(parsePlan(BASE_PLAN.replace("kind: unilevel", "kind: unilevel\n    reference: 'Art. 4, \"levels\"'")), input);
  const fp = createBundle(run, input).fingerprint;
  const text = Array.from(statementsCsv(run, fp)).join("");

  it("writes the header, a run row with the bundle fingerprint, then lines and totals per member", () => {
    const rows = text.split("\r\n");
    expect(rows.pop()).toBe(""); // every row ends with CRLF
    expect(rows[0]).toBe(CSV_COLUMNS.join(","));
    expect(rows[0]).toBe("record,bundle,period,currency,memberId,bonus,kind,level,compressed,sources,source,order,base,rate,value,amount,reference");
    expect(rows.slice(1)).toEqual([
      `run,${fp},2026-10,USD,,,,,,,,,,,,20.40,`,
      'line,,,,A,unilevel,unilevel,1,false,1,B,,120,0.05,6.00,6.00,"Art. 4, ""levels"""',
      'line,,,,A,unilevel,unilevel,2,false,1,C,,160,0.04,6.40,6.40,"Art. 4, ""levels"""',
      "total,,,,A,,,,,,,,,,,12.40,",
      'line,,,,B,unilevel,unilevel,1,false,1,C,,160,0.05,8.00,8.00,"Art. 4, ""levels"""',
      "total,,,,B,,,,,,,,,,,8.00,",
      "total,,,,C,,,,,,,,,,,0.00,",
    ]);
  });
});

describe("statementsCsv with ids holding a comma, a quote and a line break (RFC 4180, issue 12)", () => {
  // A ← "A,1" ← B"x; A is Bronze: "A,1" at level 1 (120 × 5% = 6.00), B"x at level 2 (160 × 4% = 6.40).
  const input = csvIdsInput();
  const run = calculate(parsePlan(BASE_PLAN.replace("kind: unilevel", 'kind: unilevel\n    reference: "Art. 4\\n(levels)"')), input);
  const bundle = createBundle(run, input, { embedInputs: true });
  const text = Array.from(statementsCsv(run, bundle.fingerprint)).join("");

  it("quotes those fields, doubling quotes; a line break stays inside its quoted field", () => {
    expect(text.split("\r\n").slice(2)).toEqual([
      'line,,,,A,unilevel,unilevel,1,false,1,"A,1",,120,0.05,6.00,6.00,"Art. 4\n(levels)"',
      'line,,,,A,unilevel,unilevel,2,false,1,"B""x",,160,0.04,6.40,6.40,"Art. 4\n(levels)"',
      "total,,,,A,,,,,,,,,,,12.40,",
      'line,,,,"A,1",unilevel,unilevel,1,false,1,"B""x",,160,0.05,8.00,8.00,"Art. 4\n(levels)"',
      'total,,,,"A,1",,,,,,,,,,,8.00,',
      'total,,,,"B""x",,,,,,,,,,,0.00,',
      "",
    ]);
  });

  it("replay reads it back field by field: verified as written, any split", () => {
    const report = replay(bundle, { csv: text.match(/[\s\S]{1,7}/g) as string[] });
    expect(report.differences).toEqual([]);
    expect(report.verified.find((v) => v.check === "csv")?.message).toBe("statements.csv: 8 rows read back field by field, each equal to the replay's");
  });

  it("replay names a tampered field of the member whose id holds a comma", () => {
    const tampered = text.replace('"A,1",,,,,,,,,,,8.00,', '"A,1",,,,,,,,,,,80.00,');
    expect(tampered).not.toBe(text);
    const report = replay(bundle, { csv: [tampered] });
    expect(report.differences).toEqual([
      expect.objectContaining({ check: "csv", memberId: "A,1", line: 10, field: "amount", expected: "80.00", actual: "8.00" }),
    ]);
  });
});
