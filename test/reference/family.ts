/**
 * The contract between the reference engine's core (core.ts) and its bonus families (families/<kind>.ts).
 *
 * The core computes everything every plan has, from the docs: members and the sponsor tree, volumes,
 * qualification and ranks. It hands a family one bonus entry of the plan and the {@link ReferenceFacts}; the
 * family returns its {@link FamilyResult}: the line items it produces (exact values) and, for a family that
 * accounts for what it did not pay, its accounting. The core then does what is common to every family: it
 * drops lines of exact value zero, adds the bonus key, kind and reference to each line, checks conservation
 * of the accounting, rounds, and assembles statements and the summary.
 *
 * A family that reads the earnings of other bonuses names them in `reads`; the core then runs it after them
 * (plan-language.md "Bonuses that read other bonuses: earnings and the order of steps") and lets it read
 * exactly those earnings through {@link ReferenceFacts.earnings}. A family reads nothing else: not the input
 * rows, not other bonuses' lines, not the core's memo tables. When a new family needs a new fact (another
 * tree, an order's day), the fact is added here and computed once in the core, from the docs section that
 * defines it.
 */
import type { Plan } from "../../src/index.js";
import type { Decimal } from "./decimal.js";
import type { StateFieldSpec, StateValue } from "./state.js";

/** One entry of the plan's `bonuses`, whatever its kind. */
export type PlanBonus = Plan["bonuses"][number];

/** The bonus entry of one kind. */
export type BonusOfKind<K extends PlanBonus["kind"]> = Extract<PlanBonus, { kind: K }>;

/** A member as the families see it (plan-language.md "Inputs the plan is applied to"). */
export interface ReferenceMember {
  readonly id: string;
  /** `null` for the root. */
  readonly sponsorId: string | null;
  /** `enrolled`, `suspended` or `terminated` ("enrolled" when the input gave none). */
  readonly status: string;
  /** The sponsor, `null` for the root. */
  readonly sponsor: ReferenceMember | null;
  /** Personally sponsored members (the first level), ordered by id. */
  readonly children: readonly ReferenceMember[];
  /**
   * plan-language.md "The two trees": the member named by its `placementId` ("a member's placement parent"),
   * `null` for the root and for every member of an input without a placement tree.
   */
  readonly placementParent: ReferenceMember | null;
  /** plan-language.md "Inputs the plan is applied to": `joinDate` (YYYY-MM-DD, not after the period). */
  readonly joinDate: string;
}

/**
 * An order of the period (plan-language.md "Inputs the plan is applied to": `id`, `memberId`, `kind`, `date`
 * within the period, a volume per measure). "A customer order is attributed to the member it names": `member`.
 */
export interface ReferenceOrder {
  readonly id: string;
  readonly member: ReferenceMember;
  readonly kind: string;
  /** YYYY-MM-DD. */
  readonly date: string;
}

/** What a family may read: the facts of the run, each computed by the core from the docs section named. */
export interface ReferenceFacts {
  /** Every member, ordered by id (UTF-16 code unit order). */
  readonly members: readonly ReferenceMember[];
  /** plan-language.md "Money and rounding": `money.scale`, the places of a money amount (a unit is 10^-scale). */
  readonly moneyScale: number;
  /** plan-language.md "Measures": `personal(m, M)`. */
  personal(m: ReferenceMember, measure: string): Decimal;
  /** The period's orders, in the input's order. */
  readonly orders: readonly ReferenceOrder[];
  /**
   * One order's volume of measure M, or `null` when M does not count the order's kind: "the order's volume of
   * measure (of the measure it names in volumeOf, when it has one) when measure counts the order's kind"
   * (plan-language.md "`fast-start`", a base; "Measures": raw volume "of the orders' volume of volumeOf when
   * the measure has it"). One order's volume: `personalConsumptionCap` and `leavesOut` do not apply to it.
   */
  orderVolume(o: ReferenceOrder, measure: string): Decimal | null;
  /** plan-language.md "Measures": `group(m, M)`, the whole downline. */
  group(m: ReferenceMember, measure: string): Decimal;
  /** plan-language.md "Qualification". */
  isQualified(m: ReferenceMember): boolean;
  /** plan-language.md "Ranks": the paid-as rank's name, or `null` for no rank. */
  paidAs(m: ReferenceMember): string | null;
  /** The position of a rank in the ladder (lowest first, from 0); -1 for a name not in the ladder. */
  rankIndex(name: string): number;
  /**
   * plan-language.md "Bonuses that read other bonuses": the earnings of bonus `key` for member m, "the amount
   * m's statement shows for b (its subtotal: rounded by the plan's money.rounding, per line or per bonus,
   * exactly as in the statement; 0 when m has no line of b)". Only for a key the family's `reads` names (the
   * core throws otherwise).
   */
  earnings(key: string, m: ReferenceMember): Decimal;
  /**
   * docs/state.md: whether the run was given an opening state at all ("false in a first period, where every
   * field is at its initial value").
   */
  readonly openingGiven: boolean;
  /** docs/state.md: m's opening `rank.highest` (none: `null`; also for a member the opening state does not list). */
  openingHighest(m: ReferenceMember): string | null;
  /**
   * docs/state.md "State a bonus keeps": the opening value of one of the bonus's own fields (its full name
   * `<key>.<name>`): a member's (`m` given) or, for a company field, the company's. Initial when absent.
   */
  opening(field: string, m?: ReferenceMember): StateValue;
  /** plan-language.md "Money and rounding": `money.scale`, the decimal places of a money amount. */
  readonly scale: number;
  /** The run's period, as the input writes it (`2026-01`, `2026-W05`, `2026-01-01..2026-01-15`). */
  readonly period: string;
}

/**
 * A line item as a family produces it (statements.md "Line items"): the recipient, the family's detail
 * fields (e.g. a level bonus's `level`, `compressed`, `sources`, `source`), the base and rate, and the exact
 * value. `bonus`, `kind` and `reference` are the core's to add; so is the amount.
 */
export interface FamilyLine {
  memberId: string;
  /** The detail fields, copied to the line item as they are. */
  fields?: Record<string, number | boolean | string>;
  base?: Decimal;
  rate?: Decimal;
  value: Decimal;
}

/**
 * statements.md "Summary", `accounting`: exact values, with every breakage reason the family knows listed
 * (zero or not). The core checks `potential = paid + compressedUp + withheld + Σ breakage`.
 */
export interface FamilyAccounting {
  potential: Decimal;
  paid: Decimal;
  compressedUp: Decimal;
  /**
   * plan-language.md "`stairstep`", Accounting: "withheld: the withheld parts of paid members"; only for a
   * family that withholds (the summary then shows it).
   */
  withheld?: Decimal;
  /**
   * plan-language.md "`pool`", Accounting: "carried = R (with remainder: carry only; the field is absent
   * otherwise)"; statements.md: "then potential = paid + compressedUp + withheld + carried + Σ breakage".
   */
  carried?: Decimal;
  breakage: Record<string, Decimal>;
}

/**
 * plan-language.md "Ranks", column requirements: "`<key>.<name>`: a column bonus `<key>` publishes (its family
 * declares it, with a kind: a volume ...; money ...; or a count, whole)". A family's published column: its kind
 * and each member's value.
 */
export interface FamilyColumn {
  kind: "volume" | "money" | "count";
  of(m: ReferenceMember): Decimal;
}

/** What a family returns for one bonus entry. */
export interface FamilyResult {
  lines: FamilyLine[];
  /** Only for families that account for what they did not pay (level bonuses, stairstep, pool, rank-advancement). */
  accounting?: FamilyAccounting;
  /** The columns the bonus publishes, by name (without the `<key>.`); none when absent. */
  columns?: Record<string, FamilyColumn>;
  /** statements.md `awards`: non-money awards, in the order the bonus lists them (the core adds bonus, kind, reference). */
  awards?: { memberId: string; award: string }[];
  /**
   * docs/state.md "State a bonus keeps": the closing value of every field the family's `state` declared (full
   * names), "once": a company field's value, or a member field's value for each member.
   */
  closing?: Record<string, StateValue | ((m: ReferenceMember) => StateValue)>;
}

/** A reference implementation of one bonus family, written from its section of docs/plan-language.md. */
export interface ReferenceFamily<B extends PlanBonus = PlanBonus> {
  readonly kind: B["kind"];
  /** The keys of the bonuses whose earnings this bonus reads (none when absent). */
  reads?(bonus: B): readonly string[];
  calculate(bonus: B, facts: ReferenceFacts): FamilyResult;
  /**
   * docs/state.md "State a bonus keeps": the fields the entry keeps (full names `<key>.<name>`, each with its
   * kind and, for a company field, `scope: company`), or undefined when the entry keeps no state. An empty
   * list still makes the plan keep state ("for the fields it reads, such as `rank.highest`").
   */
  state?(bonus: B): StateFieldSpec[] | undefined;
  /**
   * plan-language.md "Leaving out the orders a bonus pays on": for a family that "pays on the orders placed
   * inside a window after joining" (a measure's `leavesOut` names such bonuses), whether an order dated
   * `date` of a member who joined on `joinDate` is inside the entry's window. Undefined for other families.
   */
  insideWindow?(bonus: B, joinDate: string, date: string): boolean;
}
