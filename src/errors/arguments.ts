/**
 * Checks of the arguments of the library's public functions, so a `safe…` function returns an issue
 * (and its throwing form throws a {@link CompplanError}) for `null`, `undefined` or a value of the wrong
 * type, instead of failing with a `TypeError`.
 */
import { CompplanError, type Issue, issue } from "./issues.js";

/** @internal True for a non-null object that is not an array. */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** @internal True for `undefined` or an options object whose callbacks named in `callbacks` are functions when present. */
export function isOptions(x: unknown, ...callbacks: string[]): boolean {
  return x === undefined || (isRecord(x) && callbacks.every((c) => x[c] === undefined || typeof x[c] === "function"));
}

/** @internal True for a set of strings as the library takes one (`has` and iteration). */
export function isNameSet(x: unknown): x is ReadonlySet<string> {
  return isRecord(x) && typeof x.has === "function" && typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";
}

/** One argument to check: its name, whether it is acceptable, and what was expected. */
export type ArgumentCheck = readonly [name: string, ok: boolean, expected: string, value: unknown];

/**
 * @internal `INPUT_INVALID_ARGUMENT` issues for the arguments of `fn` that are not acceptable, in order; an
 * empty list when all are.
 */
export function argumentIssues(fn: string, checks: readonly ArgumentCheck[]): Issue[] {
  return checks
    .filter(([, ok]) => !ok)
    .map(([name, , expected, value]) => issue("INPUT_INVALID_ARGUMENT", [name], `${fn}: argument "${name}" must be ${expected}`, value));
}

/** @internal True for a finished run (a `RunResult`), checked by shape so no module cycle is needed. */
export function isRun(x: unknown): boolean {
  try {
    return isRecord(x) && isRecord((x as { internals?: unknown }).internals);
  } catch {
    return false;
  }
}

/** @internal For throwing forms: throws a {@link CompplanError} with the {@link argumentIssues} of `fn`, if any. */
export function requireArguments(fn: string, checks: readonly ArgumentCheck[]): void {
  const bad = argumentIssues(fn, checks);
  if (bad.length > 0) throw new CompplanError(bad);
}
