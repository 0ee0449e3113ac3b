/**
 * The core of the INDEPENDENT REFERENCE ENGINE: everything every plan has, written only from the
 * specification (docs/plan-language.md, docs/statements.md, docs/state.md, /work/shared/DOMAIN.md): members and the sponsor
 * tree, volumes, qualification, ranks, then, once each bonus family (families/) has produced its lines,
 * rounding, statement assembly and the summary.
 *
 * Style: plain objects per member, recursion with memoisation, decimal.js for every amount, volume and rate
 * (never JS floating point). Each part cites the rule of the specification it implements.
 *
 * The input is assumed valid (validation is the fast engine's job): a measure an order does not mention
 * counts 0, a missing status is "enrolled", and a sponsorId that is null, undefined or "" marks the root.
 */
import { Decimal } from "decimal.js";
import type { Plan } from "../../src/plan/parse.js";
import { D, fmtExact, fmtMoney, fmtShort, roundingMode, sum, ZERO } from "./decimal.js";
import type { FamilyAccounting, FamilyColumn, FamilyLine, PlanBonus, ReferenceFacts, ReferenceFamily, ReferenceMember, ReferenceOrder } from "./family.js";
import { REFERENCE_FAMILIES } from "./families/index.js";
import { accumulatedFieldNames, bonusState, closingRanks, keepsState, type OpeningState, openingCompany, openingValue, type PaidAsOverPeriods, paidAsOverPeriods, readState, type StateValue, stateFields, writeState } from "./state.js";
import type {
  ReferenceCappedLeg,
  ReferenceInput,
  ReferenceLine,
  ReferenceQualificationDetail,
  ReferenceRank,
  ReferenceRequirementDetail,
  ReferenceStatement,
  ReferenceSummary,
  ReferenceSummaryBonus,
} from "./output.js";

/** UTF-16 code unit order, JavaScript's default string comparison. */
function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A member while the tree is built; afterwards read as a {@link ReferenceMember}. */
interface MutableMember {
  id: string;
  sponsorId: string | null;
  status: string;
  /** The rank the input gives the member ("a rank the company set"), or null for none. */
  given: string | null;
  sponsor: MutableMember | null;
  /** First-level members (personally sponsored), ordered by id. */
  children: MutableMember[];
  placementParent: MutableMember | null;
  joinDate: string;
}

/** An order of the period as the core keeps it: what the families see, and its volumes as the input gives them. */
interface CoreOrder extends ReferenceOrder {
  readonly volumes: ReferenceInput["orders"][number]["volumes"];
}

/** A volume checked against a minimum, `actual ≥ minimum`, both written in the shortest exact form. */
function atLeast(actual: Decimal, minimum: string): { actual: string; required: string; met: boolean } {
  const required = new D(minimum);
  return { actual: fmtShort(actual), required: fmtShort(required), met: actual.greaterThanOrEqualTo(required) };
}

/** A family's line item with what the core adds: the bonus's position, key, kind and reference. */
interface RawLine extends FamilyLine {
  bonusIndex: number;
  bonus: string;
  kind: string;
  reference?: string;
}

type RankRequires = Plan["ranks"][number]["requires"];

/**
 * The bonus a rank's column requirement reads: `earnings.<key>` and `<key>.<name>` (plan-language.md "Ranks":
 * column requirements) both name bonus `<key>` (a bonus key holds no `.`).
 */
function columnBonus(column: string): string {
  return column.startsWith("earnings.") ? column.slice("earnings.".length) : column.slice(0, column.indexOf("."));
}

/** The reference implementation of a bonus's kind (families/index.ts). */
function familyOf(bonus: PlanBonus): ReferenceFamily {
  const family = REFERENCE_FAMILIES.find((f) => f.kind === bonus.kind);
  if (family === undefined) throw new Error(`reference engine: no reference family for bonus kind ${bonus.kind}`);
  return family;
}

// ---------------------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------------------

/** What a run may be given besides the plan and the input. */
export interface ReferenceOptions {
  /**
   * Tests only: line items added to a bonus as if its family had produced them after its own: signed
   * amounts, rounding and totals are then checked on lines no family makes yet (a cap's negative line).
   * Each is `{ bonusIndex, line }`, without detail fields.
   */
  extraLines?: readonly { readonly bonusIndex: number; readonly line: FamilyLine }[];
  /** docs/state.md: the opening state, as the text of the previous period's `state.ndjson` (none: the first period). */
  state?: string;
}

/** What a run gives: statements, summary and, for a plan that keeps state, the closing state's text. */
export interface ReferenceResult {
  statements: ReferenceStatement[];
  summary: ReferenceSummary;
  /** docs/state.md "The state file": the closing state's bytes; undefined for a plan that keeps no state. */
  state?: string;
  /** How many members were paid as a rank kept in grace, and raised by hold (for tests to see they happen). */
  overPeriods: { grace: number; held: number };
}

/** Runs `plan` on `input`, from the opening state in `options.state` when the plan keeps state. */
export function referenceCalculate(plan: Plan, input: ReferenceInput, options: ReferenceOptions = {}): ReferenceResult {
  const extraLines = options.extraLines ?? [];
  const scale = plan.money.scale;
  const mode = roundingMode(plan.money.rounding.mode);
  const round = (x: Decimal): Decimal => x.toDecimalPlaces(scale, mode);
  const measureNames = Object.keys(plan.measures);
  const ladder = plan.ranks;
  const ladderIndex = (name: string): number => ladder.findIndex((r) => r.name === name);

  // ----- Members and the sponsor tree -----------------------------------------------------------------
  // "Members: id, sponsorId (empty for the one root), status: enrolled (default), suspended or terminated."
  const members = new Map<string, MutableMember>();
  for (const m of input.members) {
    const sponsorId = m.sponsorId === null || m.sponsorId === undefined || m.sponsorId === "" ? null : m.sponsorId;
    // "rank (optional): a rank the company set; empty for none."
    const given = m.rank === null || m.rank === undefined || m.rank === "" ? null : m.rank;
    members.set(m.id, { id: m.id, sponsorId, status: m.status ?? "enrolled", given, sponsor: null, children: [], placementParent: null, joinDate: m.joinDate });
  }
  // plan-language.md "The two trees": "A member's placement parent is the member named by its placementId"
  // (null, undefined or "" for none: the root, or every member of an input without a placement tree).
  for (const m of input.members) {
    if (m.placementId === null || m.placementId === undefined || m.placementId === "") continue;
    const parent = members.get(m.placementId);
    if (parent === undefined) throw new Error(`unknown placement parent ${m.placementId}`);
    (members.get(m.id) as MutableMember).placementParent = parent;
  }
  for (const m of members.values()) {
    if (m.sponsorId !== null) {
      const sponsor = members.get(m.sponsorId);
      if (sponsor === undefined) throw new Error(`unknown sponsor ${m.sponsorId}`);
      m.sponsor = sponsor;
      sponsor.children.push(m);
    }
  }
  for (const m of members.values()) m.children.sort((a, b) => byString(a.id, b.id));
  // statements.md: "Members are ordered by memberId (UTF-16 code unit order)."
  const ordered: readonly ReferenceMember[] = [...members.values()].sort((a, b) => byString(a.id, b.id));

  // ----- Orders ---------------------------------------------------------------------------------------
  // "A customer order is attributed to the member it names."
  const orders: readonly CoreOrder[] = input.orders.map((o) => {
    const member = members.get(o.memberId);
    if (member === undefined) throw new Error(`unknown member ${o.memberId} of order ${o.id}`);
    return { id: o.id, member, kind: o.kind, date: o.date, volumes: o.volumes };
  });
  // "A counting measure reads the orders' volume of its own name unless it says volumeOf: B: then it reads
  // the orders' volume of measure B". "A measure an order does not mention counts 0 for that order."
  const volumeRead = (o: ReferenceOrder, measure: string): Decimal => {
    const given = (o as CoreOrder).volumes[plan.measures[measure]?.volumeOf ?? measure];
    return given === undefined ? ZERO : new D(String(given));
  };
  // plan-language.md "`fast-start`": "the order's volume of measure (of the measure it names in volumeOf, when
  // it has one) when measure counts the order's kind" (null when it does not count it).
  const orderVolume = (o: ReferenceOrder, measure: string): Decimal | null =>
    (plan.measures[measure]?.counts ?? []).includes(o.kind as never) ? volumeRead(o, measure) : null;
  // "Leaving out the orders a bonus pays on": "An order is left out of the measure when it was placed inside
  // the window of any bonus named, counted from the join date of the member who placed it, whatever the
  // order's kind and volume and whether or not the bonus paid anything on it."
  const leftOut = (o: ReferenceOrder, measure: string): boolean =>
    (plan.measures[measure]?.leavesOut ?? []).some((key) => {
      const bonus = plan.bonuses.find((b) => b.key === key);
      const inside = bonus === undefined ? undefined : familyOf(bonus).insideWindow;
      if (bonus === undefined || inside === undefined) throw new Error(`reference engine: measure ${measure} leaves out the orders of ${key}, a bonus without a window`);
      return inside(bonus as never, o.member.joinDate, o.date);
    });

  // ----- Measures: personal and group volume ---------------------------------------------------------
  // "raw volume by kind: the sum of M over m's orders of each kind (of the orders' volume of volumeOf when
  // the measure has it)." "A left-out order counts 0 toward the measure: personal(m, M) is computed as above
  // from m's other orders only (raw volume by kind, counts, and personalConsumptionCap applied to the personal
  // consumption that remains)".
  const raw = new Map<string, Map<string, Map<string, Decimal>>>(); // member -> measure -> kind -> sum
  const rawOf = (memberId: string, measure: string, kind: string): Decimal =>
    raw.get(memberId)?.get(measure)?.get(kind) ?? ZERO;
  for (const o of orders) {
    for (const measure of measureNames) {
      if (plan.measures[measure]?.accumulates !== undefined || leftOut(o, measure)) continue;
      const v = volumeRead(o, measure);
      let byMeasure = raw.get(o.member.id);
      if (byMeasure === undefined) raw.set(o.member.id, (byMeasure = new Map()));
      let byKind = byMeasure.get(measure);
      if (byKind === undefined) byMeasure.set(measure, (byKind = new Map()));
      byKind.set(o.kind, (byKind.get(o.kind) ?? ZERO).plus(v));
    }
  }

  // "personal volume: the sum of the raw volume of the kinds listed in counts, except that personal
  // consumption counts at most personalConsumptionCap (when given): min(raw personal consumption, cap).
  // Kinds not listed count 0."
  // docs/state.md: the opening state (none: the first period), read before volumes, which may carry from it.
  const fields = stateFields(plan);
  const opening = keepsState(plan) && options.state !== undefined ? readState(options.state) : undefined;
  const accumulated = accumulatedMeasures(plan, opening);
  const personalMemo = new Map<string, Decimal>();
  const excludedMemo = new Map<string, Decimal>(); // raw personal consumption minus what counted, when > 0
  const personal = (m: ReferenceMember, measure: string): Decimal => {
    const memoKey = `${m.id}\u0000${measure}`;
    const memo = personalMemo.get(memoKey);
    if (memo !== undefined) return memo;
    const def = plan.measures[measure];
    if (def === undefined) throw new Error(`unknown measure ${measure}`);
    if (def.accumulates !== undefined) {
      const v = accumulated.carried(m.id, measure).plus(personal(m, def.accumulates));
      personalMemo.set(memoKey, v);
      return v;
    }
    let sum = ZERO;
    for (const kind of new Set(def.counts)) {
      const r = rawOf(m.id, measure, kind);
      if (kind === "personal-consumption" && def.personalConsumptionCap !== undefined) {
        const cap = new D(def.personalConsumptionCap);
        const counted = D.min(r, cap);
        sum = sum.plus(counted);
        // statements.md: personalConsumptionExcluded "present only when a cap excluded something".
        if (r.greaterThan(counted)) excludedMemo.set(memoKey, r.minus(counted));
      } else {
        sum = sum.plus(r);
      }
    }
    personalMemo.set(memoKey, sum);
    return sum;
  };

  // "group volume: personal volume of m plus the personal volume of every member below m in the sponsor
  // tree (the whole downline; no breakaway in v1)."
  const groupMemo = new Map<string, Decimal>();
  const group = (m: ReferenceMember, measure: string): Decimal => {
    const memoKey = `${m.id}\u0000${measure}`;
    const memo = groupMemo.get(memoKey);
    if (memo !== undefined) return memo;
    let sum = personal(m, measure);
    for (const c of m.children) sum = sum.plus(group(c, measure));
    groupMemo.set(memoKey, sum);
    return sum;
  };

  // ----- Qualification --------------------------------------------------------------------------------
  // "A member is qualified when all of these hold: 1. their status is enrolled; 2. when personal is given:
  // personal(m, measure) ≥ minimum; 3. when sponsoredActive is given: at least that many of m's
  // personally sponsored members (first level) are active: enrolled and meeting the personal minimum
  // (when there is one). Their own sponsoring is not required of them."
  // Absent `qualification`: every enrolled member is qualified.
  const qualificationMemo = new Map<string, { qualified: boolean; details: ReferenceQualificationDetail[] }>();
  const qualification = (m: ReferenceMember): { qualified: boolean; details: ReferenceQualificationDetail[] } => {
    const memo = qualificationMemo.get(m.id);
    if (memo !== undefined) return memo;
    const details: ReferenceQualificationDetail[] = [];
    // statements.md: conditions "in this order: status (always); personal ...; sponsoredActive ...".
    details.push({ condition: "status", actual: m.status, required: "enrolled", met: m.status === "enrolled" });
    const q = plan.qualification;
    if (q?.personal !== undefined) {
      const check = atLeast(personal(m, q.personal.measure), q.personal.minimum);
      details.push({ condition: "personal", measure: q.personal.measure, ...check });
    }
    if (q?.sponsoredActive !== undefined) {
      const minimum = q.personal === undefined ? undefined : { measure: q.personal.measure, value: new D(q.personal.minimum) };
      const isActive = (c: ReferenceMember) =>
        c.status === "enrolled" && (minimum === undefined || personal(c, minimum.measure).greaterThanOrEqualTo(minimum.value));
      const count = m.children.filter(isActive).length;
      details.push({
        condition: "sponsoredActive",
        actual: String(count),
        required: String(q.sponsoredActive),
        met: count >= q.sponsoredActive,
      });
    }
    const result = { qualified: details.every((d) => d.met), details };
    qualificationMemo.set(m.id, result);
    return result;
  };
  const isQualified = (m: ReferenceMember): boolean => qualification(m).qualified;

  // ----- Ranks ----------------------------------------------------------------------------------------
  // "A leg holds rank: c or someone below c has a paid-as rank at or above rank."
  const highestInSubtreeMemo = new Map<string, number>();
  const highestRankInSubtree = (c: ReferenceMember): number => {
    const memo = highestInSubtreeMemo.get(c.id);
    if (memo !== undefined) return memo;
    let best = paidAsIndex(c);
    for (const g of c.children) best = Math.max(best, highestRankInSubtree(g));
    highestInSubtreeMemo.set(c.id, best);
    return best;
  };

  /**
   * Checks every requirement of one rank for a member, in the statement order `qualified`, `personal`,
   * `group`, then each `legs` requirement in plan order. "Every listed requirement must hold"; "All
   * requirements are listed even after one fails."
   */
  const checkRank = (m: ReferenceMember, requires: RankRequires): { met: boolean; details: ReferenceRequirementDetail[] } => {
    const details: ReferenceRequirementDetail[] = [];
    // `qualified` (default true): "the member is qualified". Listed only when the rank requires it.
    if (requires.qualified) {
      const q = isQualified(m);
      details.push({ requirement: "qualified", actual: q ? "yes" : "no", required: "yes", met: q });
    }
    // `personal: { measure, minimum }`: personal(m, measure) ≥ minimum.
    if (requires.personal !== undefined) {
      const check = atLeast(personal(m, requires.personal.measure), requires.personal.minimum);
      details.push({ requirement: "personal", measure: requires.personal.measure, ...check });
    }
    if (requires.group !== undefined) {
      const g = requires.group;
      const minimum = new D(g.minimum);
      if (g.legCap === undefined) {
        // `group: { measure, minimum }`: group(m, measure) ≥ minimum.
        details.push({ requirement: "group", measure: g.measure, ...atLeast(group(m, g.measure), g.minimum) });
      } else {
        // `group: { measure, minimum, legCap }`: personal(m, measure) + Σ over first-level members c of
        // min(group(c, measure), legCap × minimum) ≥ minimum (exact decimals; own volume counts in full).
        const share = new D(g.legCap);
        const maxPerLeg = share.times(minimum);
        let counted = personal(m, g.measure);
        const cappedLegs: ReferenceCappedLeg[] = [];
        for (const c of m.children) {
          // children are ordered by id: "cappedLegs ... ordered by leg id"
          const legVolume = group(c, g.measure);
          counted = counted.plus(D.min(legVolume, maxPerLeg));
          // "each first-level leg whose leg volume exceeds maxPerLeg"
          if (legVolume.greaterThan(maxPerLeg)) {
            cappedLegs.push({ leg: c.id, volume: fmtShort(legVolume), counted: fmtShort(maxPerLeg) });
          }
        }
        details.push({
          requirement: "group",
          measure: g.measure,
          actual: fmtShort(counted),
          required: fmtShort(minimum),
          met: counted.greaterThanOrEqualTo(minimum),
          legCap: {
            share: fmtShort(share),
            maxPerLeg: fmtShort(maxPerLeg),
            uncapped: fmtShort(group(m, g.measure)),
            cappedLegs,
          },
        });
      }
    }
    for (const leg of requires.legs ?? []) {
      if (leg.rank !== undefined) {
        // `legs: [{ count, rank }]`: at least count first-level members c whose leg holds rank.
        const needed = ladderIndex(leg.rank);
        const actual = m.children.filter((c) => highestRankInSubtree(c) >= needed).length;
        details.push({
          requirement: "legs",
          rank: leg.rank,
          actual: String(actual),
          required: String(leg.count),
          met: actual >= leg.count,
        });
      } else {
        // `legs: [{ count, measure, minimum }]`: at least count first-level members c with
        // group(c, measure) ≥ minimum.
        const measure = leg.measure ?? "";
        const minimum = new D(leg.minimum ?? "0");
        const actual = m.children.filter((c) => group(c, measure).greaterThanOrEqualTo(minimum)).length;
        details.push({
          requirement: "legs",
          measure,
          legMinimum: fmtShort(minimum),
          actual: String(actual),
          required: String(leg.count),
          met: actual >= leg.count,
        });
      }
    }
    for (const c of requires.columns ?? []) {
      // `columns: [{ column, minimum }]`: the member's value of the column ≥ minimum. `earnings.<key>` is
      // what bonus <key> paid the member: "the amount m's statement shows for b (0 when m has no line of
      // b)", shown in money at the plan's scale, as is the minimum. `<key>.<name>`: "a column bonus <key>
      // publishes (its family declares it, with a kind: a volume ...; money ...; or a count, whole)";
      // statements.md: "a published volume column is written like volumes, a count as a whole number".
      const i = keyIndex.get(columnBonus(c.column));
      if (i === undefined || !ran.has(i)) throw new Error(`reference engine: a rank reads ${c.column} before that bonus ran`);
      const minimum = new D(c.minimum);
      if (c.column.startsWith("earnings.")) {
        const actual = subtotals[i]?.get(m.id) ?? ZERO;
        details.push({ requirement: "column", column: c.column, actual: fmtMoney(actual, scale), required: fmtMoney(minimum, scale), met: actual.greaterThanOrEqualTo(minimum) });
        continue;
      }
      const column = published[i]?.[c.column.slice(c.column.indexOf(".") + 1)];
      if (column === undefined) throw new Error(`reference engine: no bonus publishes ${c.column}`);
      const actual = column.of(m);
      const fmt = (x: Decimal): string => (column.kind === "money" ? fmtMoney(x, scale) : fmtShort(x));
      details.push({ requirement: "column", column: c.column, actual: fmt(actual), required: fmt(minimum), met: actual.greaterThanOrEqualTo(minimum) });
    }
    return { met: details.every((d) => d.met), details };
  };

  // "The paid-as rank of a member is the highest rank in the ladder whose requirements are all met; a
  // member meeting none has no rank." (-1 = no rank)
  const computedRank = (m: ReferenceMember): number => {
    for (let i = ladder.length - 1; i >= 0; i--) {
      const rank = ladder[i];
      if (rank !== undefined && checkRank(m, rank.requires).met) return i;
    }
    return -1;
  };
  // "Given ranks: givenRank floor (the default): paid as the higher of the computed rank and the given
  // rank; paid-as: paid as exactly the given rank, even below the computed one. A member without a given
  // rank is computed as usual." The given rank must be a rank of the ladder (else MEMBER_UNKNOWN_RANK).
  const givenIndex = (m: ReferenceMember): number => {
    const given = (members.get(m.id) as MutableMember).given;
    if (given === null) return -1;
    const index = ladderIndex(given);
    if (index < 0) throw new Error(`reference engine: member ${m.id} is given rank ${given}, not in the ladder`);
    return index;
  };
  // docs/state.md "Paid-as rank over periods": "For each member, in this order (all before the upline's
  // `legs` requirements read the member's rank, so a rank kept in grace or held counts in the upline's legs
  // like a computed one): 1. the computed rank; 2. a given rank ... with `givenRank: paid-as` the member is
  // paid as the given rank and steps 3 and 4 do not apply; with `floor`, the higher of the two; 3. hold;
  // 4. grace." (state.ts paidAsOverPeriods). A plan keeping no state has neither hold nor grace.
  const openingRank = (id: string, name: string): number => {
    const v = openingValue(opening, id, { name, kind: "rank" });
    return v === null ? -1 : ladderIndex(v as string);
  };
  const openingCount = (id: string, name: string): number => openingValue(opening, id, { name, kind: "count" }) as number;
  const paidAsMemo = new Map<string, PaidAsOverPeriods>();
  const overPeriods = (m: ReferenceMember): PaidAsOverPeriods => {
    // "Ranks are a step": no rank is known while the bonuses the ranks read are still running.
    if (!ranksReady) throw new Error("reference engine: a bonus the ranks read asked for a rank (a circle the parser rejects)");
    const memo = paidAsMemo.get(m.id);
    if (memo !== undefined) return memo;
    const given = givenIndex(m);
    const givenDecides = given >= 0 && plan.givenRank === "paid-as";
    const soFar = givenDecides ? given : Math.max(computedRank(m), given);
    const result = paidAsOverPeriods(plan, soFar, givenDecides, {
      highest: openingRank(m.id, "rank.highest"),
      paidAs: openingRank(m.id, "rank.paidAs"),
      grace: openingCount(m.id, "rank.grace"),
    });
    paidAsMemo.set(m.id, result);
    return result;
  };
  const paidAsIndex = (m: ReferenceMember): number => overPeriods(m).index;

  // ----- Money and rounding -------------------------------------------------------------------------------
  // "applies: line (default): each line item's amount is its exact value rounded; a member's bonus subtotal
  // is the sum of its lines' amounts. applies: bonus: line items show exact values; each member's subtotal
  // per bonus is the exact sum rounded. A member's statement total is the sum of their bonus subtotals."
  const applies = plan.money.rounding.applies;
  const lineAmount = (l: RawLine): Decimal => (applies === "line" ? round(l.value) : l.value);
  const fmtLineAmount = (l: RawLine): string =>
    applies === "line" ? fmtMoney(lineAmount(l), scale) : fmtExact(l.value, scale);

  /** subtotal of one member for one bonus, from that member's lines of that bonus (at least one). */
  const subtotal = (lines: readonly RawLine[]): Decimal => {
    if (applies === "line") return sum(lines.map((l) => round(l.value)));
    return round(sum(lines.map((l) => l.value)));
  };

  // ----- Bonuses: each a step, by the reference implementation of its family ------------------------------
  const keyIndex = new Map(plan.bonuses.map((b, i) => [b.key, i]));
  const readsOf = plan.bonuses.map((bonus) =>
    (familyOf(bonus).reads?.(bonus) ?? []).map((key) => {
      // "Naming a bonus key the plan does not have is PLAN_UNKNOWN_BONUS" (the parser rejects it).
      const i = keyIndex.get(key);
      if (i === undefined) throw new Error(`reference engine: bonus ${bonus.key} reads unknown bonus ${key}`);
      return i;
    }),
  );

  // "A bonus that reads the earnings of bonus b runs after b. Bonuses that do not read each other run in plan
  // order." The ranks are a step too: "first the bonuses whose earnings rank requirements read (and the
  // bonuses those read, in turn), then the ranks, then every other bonus"; within each group the next step
  // is the first bonus in plan order whose read bonuses have all run. None ready while some are left means
  // a circle ("PLAN_STEP_CYCLE", which the parser rejects).
  const rankReads = new Set<number>();
  const pending = plan.ranks.flatMap((r) => (r.requires.columns ?? []).map((c) => keyIndex.get(columnBonus(c.column)) ?? -1));
  while (pending.length > 0) {
    const i = pending.pop() as number;
    if (i < 0 || rankReads.has(i)) continue;
    rankReads.add(i);
    pending.push(...(readsOf[i] ?? []));
  }
  const stepOrder: number[] = [];
  const ran = new Set<number>();
  let ranksReady = false;
  const order = (inGroup: (i: number) => boolean): number[] => {
    const group: number[] = [];
    const count = plan.bonuses.filter((_, i) => inGroup(i)).length;
    while (group.length < count) {
      const next = plan.bonuses.findIndex((_, i) => inGroup(i) && !group.includes(i) && (readsOf[i] ?? []).every((j) => !inGroup(j) || group.includes(j)));
      if (next < 0) throw new Error("reference engine: bonuses read each other's earnings in a circle");
      group.push(next);
    }
    return group;
  };
  const firstGroup = order((i) => rankReads.has(i));
  const secondGroup = order((i) => !rankReads.has(i));
  stepOrder.push(...firstGroup, ...secondGroup);

  const rawLines: RawLine[] = [];
  // statements.md `awards`, and each bonus field's closing values (docs/state.md "State a bonus keeps").
  const awards: { bonusIndex: number; memberId: string; award: string }[] = [];
  const accounting = new Map<number, FamilyAccounting>();
  // docs/state.md "State a bonus keeps": which bonus (plan position) keeps each state field, and the closing
  // values the bonuses gave.
  const bonusFieldOwner = new Map<string, number>();
  plan.bonuses.forEach((b, i) => {
    for (const f of bonusState(b) ?? []) bonusFieldOwner.set(f.name, i);
  });
  const closingCompany = new Map<string, StateValue>();
  const closingMember = new Map<string, (m: ReferenceMember) => StateValue>();
  // Per bonus (plan position): each member's subtotal, for members with at least one line of it. The
  // statements show exactly these ("bonuses": the member's subtotal per bonus key that has at least one
  // line), and they are the bonus's "earnings" a later step reads.
  const subtotals: Map<string, Decimal>[] = plan.bonuses.map(() => new Map());
  // Per bonus (plan position): the columns it published ("<key>.<name>"), once it has run.
  const published: (Record<string, FamilyColumn> | undefined)[] = plan.bonuses.map(() => undefined);

  for (const bonusIndex of stepOrder) {
    if (!rankReads.has(bonusIndex)) ranksReady = true;
    const bonus = plan.bonuses[bonusIndex];
    if (bonus === undefined) throw new Error("reference engine: step out of range");
    const reads = readsOf[bonusIndex] ?? [];
    const facts: ReferenceFacts = {
      members: ordered,
      orders,
      orderVolume,
      moneyScale: scale,
      personal,
      group,
      isQualified,
      paidAs: (m) => ladder[paidAsIndex(m)]?.name ?? null,
      rankIndex: ladderIndex,
      // "The earnings of bonus b for member m are the amount m's statement shows for b (its subtotal ...; 0 when
      // m has no line of b)."
      period: input.period,
      scale,
      earnings: (key, m) => {
        const i = keyIndex.get(key);
        if (i === undefined || !reads.includes(i)) throw new Error(`reference engine: bonus ${bonus.key} reads ${key} undeclared`);
        return subtotals[i]?.get(m.id) ?? ZERO;
      },
      openingGiven: opening !== undefined,
      openingHighest: (m) => ladder[openingRank(m.id, "rank.highest")]?.name ?? null,
      opening: (field, m) => {
        // Only the bonus's own fields ("it reads the opening values").
        const spec = ownFields.find((f) => f.name === field);
        if (spec === undefined) throw new Error(`reference engine: bonus ${bonus.key} reads state field ${field} it does not keep`);
        if (spec.scope === "company") return openingCompany(opening, spec);
        if (m === undefined) throw new Error(`reference engine: member field ${field} read without a member`);
        return openingValue(opening, m.id, spec);
      },
    };
    const ownFields = fields.filter((f) => bonusFieldOwner.get(f.name) === bonusIndex);
    const result = familyOf(bonus).calculate(bonus, facts);
    const byMember = new Map<string, RawLine[]>();
    const extra = extraLines.filter((x) => x.bonusIndex === bonusIndex).map((x) => x.line);
    for (const line of [...result.lines, ...extra]) {
      // plan-language.md "Bonuses": "No line item is ever produced with an exact value of zero."
      if (line.value.isZero()) continue;
      // "an optional reference that is carried to each line item it produces"
      const raw: RawLine = { ...line, bonusIndex, bonus: bonus.key, kind: bonus.kind };
      if (bonus.reference !== undefined) raw.reference = bonus.reference;
      rawLines.push(raw);
      const list = byMember.get(raw.memberId);
      if (list === undefined) byMember.set(raw.memberId, [raw]);
      else list.push(raw);
    }
    for (const [memberId, lines] of byMember) subtotals[bonusIndex]?.set(memberId, subtotal(lines));
    ran.add(bonusIndex);
    published[bonusIndex] = result.columns;
    // statements.md `awards`: "ordered by the bonus's position in the plan, then in the order the bonus lists its awards".
    for (const a of result.awards ?? []) awards.push({ bonusIndex, memberId: a.memberId, award: a.award });
    // docs/state.md: the step "must give every field's closing values, once; a step that does not is a bug".
    for (const f of ownFields) {
      const v = result.closing?.[f.name];
      if (v === undefined) throw new Error(`reference engine: bonus ${bonus.key} gave no closing value of ${f.name}`);
      if (f.scope === "company") {
        if (typeof v === "function") throw new Error(`reference engine: company field ${f.name} closed per member`);
        closingCompany.set(f.name, v);
      } else {
        const of = typeof v === "function" ? v : () => v;
        closingMember.set(f.name, of);
      }
    }
    if (result.accounting !== undefined) {
      // statements.md "Summary", accounting: "potential = paid + compressedUp + Σ breakage"; plan-language.md
      // "unilevel": "Conservation: for the bonus, paid + compressedUp + breakage = potential exactly";
      // "stairstep": "Conservation: paid + withheld + breakage = potential, exactly"; statements.md: "then
      // potential = paid + compressedUp + withheld + carried + Σ breakage".
      const acc = result.accounting;
      const accounted = acc.paid.plus(acc.compressedUp).plus(acc.withheld ?? ZERO).plus(acc.carried ?? ZERO);
      if (!accounted.plus(sum(Object.values(acc.breakage))).equals(acc.potential)) {
        throw new Error(`reference engine: conservation fails for bonus ${bonus.key}`);
      }
      accounting.set(bonusIndex, acc);
    }
  }

  // Every bonus has run: the ranks are ready (also when every bonus was one the ranks read, or there is none).
  ranksReady = true;

  // statements.md: lines "ordered by the bonus's position in the plan, then level (lines without a level
  // first), then compressed false before true, then source (member id; lines without a source first), then
  // in the order the bonus made them" (a stable sort keeps that order).
  const lineOrder = (a: RawLine, b: RawLine): number => {
    if (a.bonusIndex !== b.bonusIndex) return a.bonusIndex - b.bonusIndex;
    const la = (a.fields?.level as number | undefined) ?? -Infinity;
    const lb = (b.fields?.level as number | undefined) ?? -Infinity;
    if (la !== lb) return la < lb ? -1 : 1;
    const ca = a.fields?.compressed === true ? 1 : 0;
    const cb = b.fields?.compressed === true ? 1 : 0;
    if (ca !== cb) return ca - cb;
    // "then source (member id; lines per source)": as "lines without a level first", lines without a source
    // first (a stairstep line merged from several sources, beside one-source lines at its level), so that the
    // order is a total one whatever the sort algorithm.
    const sa = a.fields?.source as string | undefined;
    const sb = b.fields?.source as string | undefined;
    if (sa === sb) return 0;
    if (sa === undefined) return -1;
    if (sb === undefined) return 1;
    return sa < sb ? -1 : 1;
  };

  const formatLine = (l: RawLine): ReferenceLine => {
    const out: ReferenceLine = { ...l.fields, bonus: l.bonus, kind: l.kind, value: fmtExact(l.value, scale), amount: fmtLineAmount(l) };
    if (l.base !== undefined) out.base = fmtShort(l.base);
    if (l.rate !== undefined) out.rate = fmtShort(l.rate);
    if (l.reference !== undefined) out.reference = l.reference;
    return out;
  };

  // Per-bonus totals for the summary.
  const bonusAmount = plan.bonuses.map(() => ZERO); // "amount = sum of members' subtotals"
  const bonusExact = plan.bonuses.map(() => ZERO); // "exact = sum of the exact values of its lines"
  const bonusLines = plan.bonuses.map(() => 0);
  const bonusRecipients = plan.bonuses.map(() => 0);

  const linesOf = new Map<string, RawLine[]>();
  for (const l of rawLines) {
    const list = linesOf.get(l.memberId);
    if (list === undefined) linesOf.set(l.memberId, [l]);
    else list.push(l);
  }

  // ----- Statements -----------------------------------------------------------------------------------------
  const statements: ReferenceStatement[] = ordered.map((m) => {
    const q = qualification(m);

    // statements.md "rank": paidAs; requirements only when paidAs is not null; next only when a rank above
    // paidAs exists (the lowest rank when paidAs is null).
    const paidAs = paidAsIndex(m);
    const rank: ReferenceRank = { paidAs: paidAs < 0 ? null : (ladder[paidAs]?.name ?? null) };
    // statements.md: rank.given is the rank the input gives the member, when it gives one.
    const given = (members.get(m.id) as MutableMember).given;
    if (given !== null) rank.given = given;
    const paidRank = ladder[paidAs];
    if (paidAs >= 0 && paidRank !== undefined) {
      rank.requirements = checkRank(m, paidRank.requires).details;
      // statements.md: rank.reference is the paid-as rank's plan clause, when it has one.
      if (paidRank.reference !== undefined) rank.reference = paidRank.reference;
    }
    const nextRank = ladder[paidAs + 1];
    if (nextRank !== undefined) {
      rank.next = { name: nextRank.name, requirements: checkRank(m, nextRank.requires).details };
      if (nextRank.reference !== undefined) rank.next.reference = nextRank.reference;
    }

    // statements.md "volumes": every measure, personal and group; personalConsumptionExcluded only when a
    // cap excluded something.
    const personalOut: Record<string, string> = {};
    const groupOut: Record<string, string> = {};
    const excludedOut: Record<string, string> = {};
    for (const measure of measureNames) {
      personalOut[measure] = fmtShort(personal(m, measure));
      groupOut[measure] = fmtShort(group(m, measure));
      const excluded = excludedMemo.get(`${m.id}\u0000${measure}`);
      if (excluded !== undefined) excludedOut[measure] = fmtShort(excluded);
    }
    const volumes: ReferenceStatement["volumes"] = { personal: personalOut, group: groupOut };
    if (Object.keys(excludedOut).length > 0) volumes.personalConsumptionExcluded = excludedOut;

    // Lines (zero values were dropped as the families returned them), subtotals per bonus (keys with at least
    // one line: the subtotals computed as each bonus ran, the same its earnings are), total; all in plan order.
    const mine = (linesOf.get(m.id) ?? []).slice().sort(lineOrder);
    const bonuses: Record<string, string> = {};
    let total = ZERO;
    plan.bonuses.forEach((bonus, bonusIndex) => {
      const ofBonus = mine.filter((l) => l.bonusIndex === bonusIndex);
      const sub = subtotals[bonusIndex]?.get(m.id);
      if (ofBonus.length === 0 || sub === undefined) return;
      bonuses[bonus.key] = fmtMoney(sub, scale);
      total = total.plus(sub);
      bonusAmount[bonusIndex] = (bonusAmount[bonusIndex] ?? ZERO).plus(sub);
      bonusExact[bonusIndex] = (bonusExact[bonusIndex] ?? ZERO).plus(sum(ofBonus.map((l) => l.value)));
      bonusLines[bonusIndex] = (bonusLines[bonusIndex] ?? 0) + ofBonus.length;
      bonusRecipients[bonusIndex] = (bonusRecipients[bonusIndex] ?? 0) + 1;
    });

    // "awards: present only when the member received a non-money award": { award, bonus, kind, reference }.
    const mineAwards = awards
      .filter((a) => a.memberId === m.id)
      .sort((a, b) => a.bonusIndex - b.bonusIndex)
      .map((a) => {
        const bonus = plan.bonuses[a.bonusIndex] as PlanBonus;
        return { award: a.award, bonus: bonus.key, kind: bonus.kind, ...(bonus.reference !== undefined ? { reference: bonus.reference } : {}) };
      });
    return {
      ...(mineAwards.length > 0 ? { awards: mineAwards } : {}),
      memberId: m.id,
      sponsorId: m.sponsorId,
      status: m.status,
      qualified: q.qualified,
      qualification: q.details,
      rank,
      volumes,
      lines: mine.map(formatLine),
      bonuses,
      total: fmtMoney(total, scale),
    };
  });

  // ----- Summary ------------------------------------------------------------------------------------------
  // "volumes: per measure, the sum of every member's personal volume"
  const volumeTotals: Record<string, Decimal> = {};
  for (const measure of measureNames) {
    volumeTotals[measure] = sum(ordered.map((m) => personal(m, measure)));
  }

  const summaryBonuses: ReferenceSummaryBonus[] = plan.bonuses.map((bonus, i) => {
    const amount = bonusAmount[i] ?? ZERO;
    const exact = bonusExact[i] ?? ZERO;
    const entry: ReferenceSummaryBonus = {
      key: bonus.key,
      kind: bonus.kind,
      amount: fmtMoney(amount, scale),
      exact: fmtExact(exact, scale),
      // "rounding = amount − exact" (may be negative; never "-0.00")
      rounding: fmtExact(amount.minus(exact), scale),
      lines: bonusLines[i] ?? 0,
      recipients: bonusRecipients[i] ?? 0,
    };
    const acc = accounting.get(i);
    if (acc !== undefined) {
      // "accounting: level bonuses only, exact values ... (every reason listed, zero or not)"
      entry.accounting = {
        potential: fmtExact(acc.potential, scale),
        paid: fmtExact(acc.paid, scale),
        compressedUp: fmtExact(acc.compressedUp, scale),
        // plan-language.md "Run summary": "for stairstep potential, paid, withheld and breakage by reason (with
        // compressedUp 0)".
        ...(acc.withheld !== undefined ? { withheld: fmtExact(acc.withheld, scale) } : {}),
        // "for pool potential, paid, carried (with remainder: carry) and breakage by reason".
        ...(acc.carried !== undefined ? { carried: fmtExact(acc.carried, scale) } : {}),
        breakage: Object.fromEntries(Object.entries(acc.breakage).map(([reason, x]) => [reason, fmtExact(x, scale)])),
      };
    }
    return entry;
  });

  // "total: sum of bonus amounts = sum of statement totals"
  const total = sum(bonusAmount);

  // "payoutShare: total ÷ volumes[payoutBasis], 6 decimal places, half-even; null when that volume is 0".
  const basis = volumeTotals[plan.payoutBasis] ?? ZERO;
  const payoutShare = basis.isZero()
    ? null
    : total.dividedBy(basis).toFixed(6, Decimal.ROUND_HALF_EVEN);

  // "ranks: one entry per rank of the ladder, in ladder order, with the number of members paid as it;
  // unranked counts the rest"
  const ranks = ladder.map((r, i) => ({ rank: r.name, members: ordered.filter((m) => paidAsIndex(m) === i).length }));
  const unranked = ordered.filter((m) => paidAsIndex(m) < 0).length;

  const summary: ReferenceSummary = {
    plan: plan.name === undefined ? { id: plan.id } : { id: plan.id, name: plan.name },
    period: input.period,
    currency: plan.currency,
    members: ordered.length,
    qualified: ordered.filter((m) => isQualified(m)).length,
    orders: input.orders.length,
    volumes: Object.fromEntries(measureNames.map((measure) => [measure, fmtShort(volumeTotals[measure] ?? ZERO)])),
    bonuses: summaryBonuses,
    total: fmtMoney(total, scale),
    payoutBasis: plan.payoutBasis,
    payoutShare,
    ranks,
    unranked,
  };

  // ----- The closing state (docs/state.md) ---------------------------------------------------------------
  let closingText: string | undefined;
  if (keepsState(plan)) {
    const closing = new Map<string, Map<string, StateValue>>();
    for (const m of ordered) {
      const p = overPeriods(m);
      const ranks = closingRanks(p.index, {
        highest: openingRank(m.id, "rank.highest"),
        paidAs: openingRank(m.id, "rank.paidAs"),
        periods: openingCount(m.id, "rank.periods"),
      });
      const name = (i: number): string | null => ladder[i]?.name ?? null;
      closing.set(
        m.id,
        new Map<string, StateValue>([
          ["rank.highest", name(ranks.highest)],
          ["rank.paidAs", name(ranks.paidAs)],
          ["rank.periods", ranks.periods],
          ["rank.grace", p.grace],
          ...accumulated.closing(m, personal),
          ...[...closingMember].map(([name, of]): [string, StateValue] => [name, of(m)]),
        ]),
      );
    }
    // "STATE_UNKNOWN_MEMBER: a row for a member who is not in the members file, when state.unknownMembers is
    // error; with carry the row is written unchanged to the closing state".
    const carried = new Map<string, string>();
    for (const [id, line] of opening?.lines ?? []) {
      if (members.has(id)) continue;
      if (plan.state?.unknownMembers !== "carry") throw new Error(`reference engine: state row for unknown member ${id}`);
      carried.set(id, line);
    }
    closingText = writeState(plan, input.period, fields, closing, carried, closingCompany);
  }
  const counts = { grace: 0, held: 0 };
  for (const m of ordered) {
    const p = overPeriods(m);
    if (p.grace > 0) counts.grace++;
    if (p.held) counts.held++;
  }

  return { statements, summary, ...(closingText !== undefined ? { state: closingText } : {}), overPeriods: counts };
}

// ---------------------------------------------------------------------------------------------------------
// Accumulated measures (docs/state.md "Accumulated measures", "The state file")
// ---------------------------------------------------------------------------------------------------------

/**
 * An accumulated measure M with `accumulates: B`: "a member's personal volume of M is the carried value plus
 * this period's personal volume of B"; "since joining: carried = the opening <M>; over the last N periods:
 * carried = the sum of the opening <M>.1 … <M>.<N-1>". A member absent from the opening state starts at 0.
 * `closing` gives a member's closing value of each accumulated measure's fields:
 * "since joining, <M> = this period's personal volume of M; over N periods, <M>.1 = this period's personal
 * volume of B, and <M>.k = the opening <M>.(k−1)".
 */
function accumulatedMeasures(
  plan: Plan,
  state: OpeningState | undefined,
): {
  carried: (memberId: string, measure: string) => Decimal;
  closing: (m: ReferenceMember, personal: (m: ReferenceMember, measure: string) => Decimal) => [string, Decimal][];
} {
  const opening = (memberId: string, field: string): Decimal => openingValue(state, memberId, { name: field, kind: "volume" }) as Decimal;
  const accumulatedNames = Object.keys(plan.measures).filter((name) => plan.measures[name]?.accumulates !== undefined);
  return {
    carried: (memberId, measure) => sum(accumulatedFieldNames(plan, measure).map((f) => opening(memberId, f))),
    closing: (m, personal) =>
      accumulatedNames.flatMap((name) => {
        const def = plan.measures[name] as NonNullable<Plan["measures"][string]>;
        const fields = accumulatedFieldNames(plan, name);
        return fields.map((field, k): [string, Decimal] => [
          field,
          def.periods === undefined ? personal(m, name) : k === 0 ? personal(m, def.accumulates as string) : opening(m.id, fields[k - 1] as string),
        ]);
      }),
  };
}
