// The contract between the core plan arbitrary (plans.ts) and one arbitrary per bonus family
// (families/<kind>.ts, listed in families/index.ts).
import type fc from "fast-check";

/** What the core plan has already decided, for a family to build its bonus entries against. */
export interface PlanContext {
  /**
   * The plan's measures that have a volume per order (not accumulated: the orders' measures, and a measure
   * reading another's order volumes with `volumeOf`); `measure(i)` picks one of all the plan's measures, an
   * accumulated one included, for any natural number i.
   */
  readonly measures: readonly string[];
  measure(i: number): string;
  /** The rank names of the ladder, lowest first (may be empty). */
  readonly ranks: readonly string[];
  /** `money.scale`. */
  readonly scale: number;
  /**
   * The bonus entries the families listed before this one built (key and kind), for a family whose entries
   * name other bonuses (`matching`'s `of`). Naming only these keeps the plan free of circles.
   */
  readonly bonuses: readonly { readonly key: string; readonly kind: string }[];
  /** Whether the plan declares a placement tree (`placement: { width }`): a bonus may then walk it. */
  readonly placement?: boolean;
}

/**
 * The random bonus entries of one family. `genes` are drawn independently of the rest of the plan; `build`
 * turns them into zero or more bonus entries (plan-language objects) valid in the plan's context, with keys
 * no other family uses.
 */
export interface FamilyArbitrary<G = unknown> {
  readonly kind: string;
  readonly genes: fc.Arbitrary<G>;
  build(genes: G, ctx: PlanContext): Record<string, unknown>[];
}

/** A family arbitrary, with the type of its genes inferred. */
export function familyArbitrary<G>(
  kind: string,
  genes: fc.Arbitrary<G>,
  build: (genes: G, ctx: PlanContext) => Record<string, unknown>[],
): FamilyArbitrary<G> {
  return { kind, genes, build };
}
