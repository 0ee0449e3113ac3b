/**
 * Hand-worked reference tests run each case through both engines: {@link runBoth} runs the reference and the
 * fast engine (each from its own opening state) and checks they write the same statements, summary and state
 * bytes; {@link byId} and {@link pays} read the reference's statements.
 */
import { expect } from "vitest";
import { calculate, canonicalJson, parseState, stateNdjson } from "../../src/index.js";
import type { MemberInput, OrderInput } from "../../src/input/validate.js";
import type { Plan } from "../../src/plan/parse.js";
import { type ReferenceResult, type ReferenceStatement, referenceCalculate } from "./engine.js";

/**
 * Runs both engines on one period and checks they agree; `fast` is the fast engine's run, `next` each engine's
 * closing state, for the next period.
 */
export function runBoth(plan: Plan, period: string, members: MemberInput[], orders: OrderInput[], state?: { fast: string; ref: string }) {
  const input = { period, members, orders };
  const ref = referenceCalculate(plan, input, state === undefined ? {} : { state: state.ref });
  const fast = calculate(plan, input, state === undefined ? {} : { state: parseState(state.fast) });
  expect(Array.from(fast.statements(), (s) => canonicalJson(s))).toStrictEqual(ref.statements.map((s) => canonicalJson(s)));
  expect(canonicalJson(fast.summary)).toBe(canonicalJson(ref.summary));
  expect(stateNdjson(fast)).toBe(ref.state);
  return { ref, fast, next: { fast: stateNdjson(fast) as string, ref: ref.state as string } };
}

/** A member's statement. */
export function byId(statements: readonly ReferenceStatement[], id: string): ReferenceStatement {
  const s = statements.find((x) => x.memberId === id);
  if (s === undefined) throw new Error(`no statement for ${id}`);
  return s;
}

/** Every member's subtotal of bonus `key` ("" for none). */
export function pays(ref: ReferenceResult, key: string): Record<string, string> {
  return Object.fromEntries(ref.statements.map((s) => [s.memberId, s.bonuses[key] ?? ""]));
}
