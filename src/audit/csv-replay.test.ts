// Replay reads statements.csv back field by field (RFC 4180) and checks each field against the statements
// it recomputes, so it catches a CSV whose quoting shifted fields even when the exporter itself is what
// got the quoting wrong (issue 12: before, replay compared the file with its own re-export).
import { describe, expect, it, vi } from "vitest";
import { calculate, parsePlan } from "../index.js";
import { BASE_PLAN } from "../../test/fixtures/base.js";
import { createBundle } from "./bundle.js";
import * as exporter from "./csv.js";
import { replay } from "./replay.js";
import { csvIdsInput } from "../../test/fixtures/csv-ids.js";

/** A broken exporter: writes every field as it is, without quoting (what a naive `join(",")` does). */
const naive = (text: string) => text.replace(/"((?:[^"]|"")*)"/g, (_, inner: string) => inner.replace(/""/g, '"'));

vi.mock("./csv.js", async (importOriginal) => {
  const actual = await importOriginal<Record<string, unknown>>();
  const wrap = (name: string) =>
    typeof actual[name] === "function"
      ? {
          [name]: function* (...args: unknown[]) {
            for (const piece of (actual[name] as (...a: unknown[]) => Iterable<string>)(...args)) yield naive(piece);
          },
        }
      : {};
  // The export, and the rows the replay of earlier versions compared the file with.
  return { ...actual, ...wrap("statementsCsv"), ...wrap("memberCsvRows"), naiveStatementsCsv: true };
});

// Base plan, members with ids holding a comma and a quote (test/fixtures/csv-ids.ts).
const input = csvIdsInput();
const run = calculate(parsePlan(BASE_PLAN), input);
const bundle = createBundle(run, input, { embedInputs: true });

describe("replay of a CSV written by an exporter that does not quote", () => {
  it("the mock is in place: the exported row of A,1 is not quoted", () => {
    expect((exporter as unknown as { naiveStatementsCsv?: boolean }).naiveStatementsCsv).toBe(true);
    const text = Array.from(exporter.statementsCsv(run, bundle.fingerprint)).join("");
    // A (Bronze) is paid on "A,1" (level 1, 120 × 5% = 6.00) and B"x (level 2, 160 × 4% = 6.40).
    expect(text).toContain("\r\nline,,,,A,unilevel,unilevel,1,false,1,A,1,,120,0.05,6.00,6.00,\r\n");
  });

  it("is caught: the first row whose fields shifted, with the field and both values", () => {
    const text = Array.from(exporter.statementsCsv(run, bundle.fingerprint)).join("");
    const report = replay(bundle, { csv: [text] });
    expect(report.ok).toBe(false);
    expect(report.differences).toHaveLength(1);
    expect(report.differences[0]).toMatchObject({ check: "csv", memberId: "A", line: 3, field: "source", expected: "A", actual: "A,1" });
    expect(report.differences[0]?.message).toContain("the row has 18 fields, not 17");
  });
});
