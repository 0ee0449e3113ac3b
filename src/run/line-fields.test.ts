// Line items are rendered from what a family declares (exact values are written to at least the money scale): a family with detail fields of its own (names the
// engine has never seen, each reading a sink column) gets canonical bytes equal to the canonical JSON of its
// line objects, and CSV columns, with no edit to the writers. Expected texts are written out by hand.
import { describe, expect, it } from "vitest";
import type { CompiledBonus } from "../bonuses/family.js";
import { canonicalJson } from "../statement/canonical.js";
import { ByteWriter } from "./bytes.js";
import { LineTemplate, lineItemFields } from "./line-fields.js";
import { LINE_COMPRESSED, LINE_FIXED, LineSink } from "./lines.js";

const bonus = (lineFields: CompiledBonus["lineFields"], reference?: string): CompiledBonus => ({
  key: "fs",
  publishes: [],
  kind: "fast-start-like",
  reference,
  reads: [],
  lineFields,
  stateFields: [],
  run: () => undefined,
});

const ids = { members: { length: 3, at: (i: number) => ["M1", "M2", "M\"3"][i] }, orders: { length: 2, at: (i: number) => ["o-1", "o,2"][i] } };

function bytesOf(b: CompiledBonus, sink: LineSink, l: number, amount: number | undefined): string {
  const w = new ByteWriter(new Uint8Array(ByteWriter.MIN_CAPACITY));
  new LineTemplate(b).write(w, sink, l, ids, 2, amount);
  return new TextDecoder().decode(w.written());
}

describe("line templates", () => {
  const fields: CompiledBonus["lineFields"] = [
    { name: "generation", column: "level" },
    { name: "order", column: "source" },
    { name: "split", column: "compressed" },
    { name: "ticket", column: "order" },
    { name: "window", column: "sources" },
  ];
  const sink = new LineSink(4);
  // 120 PV (base units of 10^-4) at 20% (rate units of 10^-6); a source member with a quote in its id.
  // It pays on order 1 ("o,2").
  sink.add(0, 0, 3, LINE_COMPRESSED, 7, 2, 1_200_000, 200_000, 1);
  // A fixed amount of -25.00 (base units at rate 1), no source.
  sink.add(1, 0, 0, LINE_FIXED, 0, -1, -250_000, 1_000_000);

  it("writes a rated line with every declared field, keys sorted", () => {
    const text = bytesOf(bonus(fields, "§9"), sink, 0, undefined);
    expect(text).toBe('{"amount":"24.00","base":"120","bonus":"fs","generation":3,"kind":"fast-start-like","order":"M\\"3","rate":"0.2","reference":"§9","split":true,"ticket":"o,2","value":"24.00","window":7}');
    expect(text).toBe(canonicalJson(lineItemFields(sink, 0, bonus(fields, "§9"), ids, 2, undefined)));
  });

  it("leaves out base, rate and absent member and order fields on a fixed line; the amount is the rounded one given", () => {
    const text = bytesOf(bonus(fields), sink, 1, -2500);
    expect(text).toBe('{"amount":"-25.00","bonus":"fs","generation":0,"kind":"fast-start-like","split":false,"value":"-25.00","window":0}');
    expect(text).toBe(canonicalJson(lineItemFields(sink, 1, bonus(fields), ids, 2, -2500)));
  });

  it("refuses a field that would sort before amount or repeat a line field", () => {
    expect(() => new LineTemplate(bonus([{ name: "aaa", column: "level" }]))).toThrow(/sort after "amount"/);
    expect(() => new LineTemplate(bonus([{ name: "value", column: "level" }]))).toThrow(/not repeat/);
  });
});
