// The byte renderer against the object path: on random plans and inputs (test/arbitraries), the bytes
// RunResult.writeStatements appends are the UTF-8 of canonicalJson(statement) and a newline, statement by
// statement in member-id order, whatever the buffer boundaries. Member ids here also carry characters
// JSON escapes, non-ASCII and astral characters (lone surrogates are refused by input validation: they have
// no UTF-8 form; src/run/bytes.test.ts renders them directly); volumes reach the largest accepted,
// so amounts leave the safe-integer range and take the BigInt paths.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RunResult, calculate, canonicalJson, parsePlan, safeCalculate } from "../index.js";
import { type InputShape, givenRanksArb, inputArb } from "../../test/arbitraries/inputs.js";
import { planArb } from "../../test/arbitraries/plans.js";
import { ByteWriter } from "./bytes.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 1000);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

// Never in the arbitraries' ids ([A-Za-z0-9_.-]), so appending them keeps ids distinct. Input
// validation refuses control characters, surrounding white space and lone surrogates, so none of those.
const ODD = ['"', "\\", "/", "é", "ß", "😀", "\u007f", "<>&", "中文", "'"];
const suffix = fc.oneof({ weight: 2, arbitrary: fc.constant("") }, { weight: 3, arbitrary: fc.array(fc.constantFrom(...ODD), { minLength: 1, maxLength: 3 }).map((xs) => xs.join("")) });

/** The input with each member id given a suffix (the same one everywhere it appears). */
function renameIds(input: InputShape, suffixes: readonly string[]): InputShape {
  const names = new Map(input.members.map((m, k) => [m.id, `${m.id}${suffixes[k % suffixes.length] ?? ""}`]));
  const name = (id: string) => names.get(id) ?? id;
  return {
    period: input.period,
    members: input.members.map((m) => ({
      ...m,
      id: name(m.id),
      sponsorId: typeof m.sponsorId === "string" ? name(m.sponsorId) : null,
      ...(typeof m.placementId === "string" ? { placementId: name(m.placementId) } : {}),
    })),
    orders: input.orders.map((o) => ({ ...o, memberId: name(o.memberId) })),
  };
}

/** Every statement written through buffers of `size` bytes handed over as they fill. */
function written(run: ReturnType<typeof calculate>, size: number): { bytes: Buffer; count: number } {
  const parts: Uint8Array[] = [];
  const w = new ByteWriter(new Uint8Array(size), (full) => {
    parts.push(full.written().slice());
    full.pos = 0;
  });
  const count = run.writeStatements(w);
  parts.push(w.written());
  return { bytes: Buffer.concat(parts), count };
}

describe("byte renderer = canonicalJson(statement)", () => {
  it(`on ${numRuns} random plans and inputs with odd member ids and large volumes`, () => {
    const arb = planArb.chain((p) =>
      fc.record({ p: fc.constant(p), input: inputArb(p.measures, 40, p.placementWidth).chain((i) => givenRanksArb(i, (p.plan.ranks as { name: string }[]).map((r) => r.name))), suffixes: fc.array(suffix, { minLength: 1, maxLength: 40 }), scaleUp: fc.boolean() }),
    );
    fc.assert(
      fc.property(arb, ({ p, input, suffixes, scaleUp }) => {
        const renamed = renameIds(input, suffixes);
        // Optionally push every order volume towards the largest accepted (1,000,000,000).
        const data = scaleUp
          ? { ...renamed, orders: renamed.orders.map((o, k) => ({ ...o, volumes: Object.fromEntries(Object.keys(o.volumes).map((m) => [m, k % 3 === 0 ? "1000000000" : `${999_999_000 + k}.9999`])) })) }
          : renamed;
        const plan = parsePlan(p.plan);
        // A bonus paying more than 1 per unit of a measure (a stairstep's rate × point value) makes the run
        // refuse volumes that large (RUN_VOLUME_OVERFLOW, docs/plan-language.md "Point value"): then the
        // volumes as generated.
        const r = safeCalculate(plan, data);
        const refused = !r.ok && scaleUp && r.issues.every((i) => i.code === "RUN_VOLUME_OVERFLOW");
        const run: RunResult = r.ok ? r.value : refused ? calculate(plan, renamed) : calculate(plan, data);
        const expected = Array.from(run.statements(), (s) => `${canonicalJson(s)}\n`).join("");
        const { bytes, count } = written(run, ByteWriter.MIN_CAPACITY);
        expect(count).toBe(run.memberCount);
        expect(bytes.toString("utf8")).toBe(expected);
        expect(bytes.equals(Buffer.from(expected, "utf8"))).toBe(true);
        expect(`${Array.from(run.statementsJson()).join("\n")}\n`).toBe(expected);
      }),
      { numRuns, ...(seed !== undefined ? { seed } : {}), endOnFailure: true },
    );
  });
});
