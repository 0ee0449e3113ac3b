/**
 * Looking up the bonus families of the registry (./registry.ts) by kind. Internal: the registry file is the
 * one a new family is added to.
 */
import { assert } from "../errors/issues.js";
import type { BonusFamily } from "./family.js";
import { type BonusConfig, LIST } from "./registry.js";

/** @internal The families, in documentation order. */
export const FAMILIES: readonly BonusFamily<BonusConfig>[] = LIST as unknown as readonly BonusFamily<BonusConfig>[];

const BY_KIND = new Map(FAMILIES.map((f) => [f.kind, f]));

/** @internal The family of a kind, or undefined for an unknown kind. */
export function findFamily(kind: string): BonusFamily<BonusConfig> | undefined {
  return BY_KIND.get(kind);
}

/** @internal The family of a kind that validation already accepted. */
export function familyFor(kind: string): BonusFamily<BonusConfig> {
  const f = BY_KIND.get(kind);
  assert(f !== undefined, "validated-bonus-kind", kind);
  return f;
}
