/**
 * The INDEPENDENT REFERENCE ENGINE: a slow, obviously-correct second implementation of `calculate`, written
 * only from the specification (docs/plan-language.md, docs/statements.md, /work/shared/DOMAIN.md). The fast
 * engine in src/ is compared against it byte for byte on random plans and trees (test/differential.test.ts).
 *
 * Its parts:
 * - core.ts: members and the sponsor tree, volumes, qualification, ranks, rounding, statements, summary;
 * - family.ts: the contract between the core and a bonus family (what a family reads, including the earnings
 *   of the bonuses it names, and what it returns); the core runs the bonuses as steps in the order the docs
 *   define, a bonus after those it reads;
 * - families/<kind>.ts: one bonus family each, from its section of docs/plan-language.md, listed in
 *   families/index.ts; levels.ts: the level commission `unilevel` and `matching` share;
 * - state.ts: state between periods (docs/state.md): reading the opening state's text, the paid-as rank
 *   over periods (hold, grace), the closing rank fields, the fields a bonus keeps (its family's `state`: per
 *   member, or company fields in the header's `company`) and the closing state's text;
 * - decimal.ts: exact decimals and their canonical forms; dates.ts: calendar days and a period's first and
 *   last day; output.ts: the statement and summary types;
 * - both-engines.ts: for the hand-worked tests, a case run through both engines, checked byte for byte.
 */
export { referenceCalculate } from "./core.js";
export type { ReferenceOptions, ReferenceResult } from "./core.js";
export type * from "./output.js";
