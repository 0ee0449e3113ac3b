/**
 * A finished run: the finalize pass (line amounts, member totals, the summary) and lazy statements.
 * Statement objects and strings are made only when asked for, one member at a time.
 */
import type { LevelAccounting, RunOrders } from "../bonuses/family.js";
import { assert } from "../errors/issues.js";
import type { Genealogy } from "../genealogy/genealogy.js";
import { MEMBER_STATUSES, membersById } from "../genealogy/genealogy.js";
import { qualificationDetails } from "../measures/qualification.js";
import { type RankValues, type RequirementDetail, checkRank } from "../measures/ranks.js";
import type { MeasureValues } from "../measures/volumes.js";
import {
  ExactProductSum,
  ExactSum,
  VALUE_SCALE,
  VOLUME_SCALE,
  formatFixed,
  formatRatio,
  formatTrimmed,
  formatVolume,
  pow10,
} from "../money/decimal.js";
import type { CompiledPlan } from "../plan/compile.js";
import type { Plan } from "../plan/parse.js";
import { ORDER_KINDS } from "../plan/fields.js";
import type { AccountingSummary, AwardItem, BonusSummary, LineItem, Statement, Summary } from "../statement/types.js";
import { ByteWriter } from "./bytes.js";
import { LINE_COMPRESSED, type LineSink, linesByRecipient } from "./lines.js";
import { textOrder } from "../input/text-order.js";
import { type LineIndex, StatementRenderer, subtotalsInto } from "./statement-bytes.js";
import { lineUnits } from "./settle.js";
import { lineItemFields } from "./line-fields.js";
import type { Period } from "./period.js";
import type { WorkCounter } from "./work.js";
import type { StateColumns, StateInput } from "../state/state.js";
import type { AwardRecords } from "./awards.js";
import type { ColumnStore } from "./columns.js";

/** @internal What the orchestrator hands over. */
export interface RunParts {
  readonly compiled: CompiledPlan;
  readonly period: Period;
  readonly genealogy: Genealogy;
  readonly volumes: MeasureValues;
  readonly qualified: Uint8Array;
  readonly ranks: RankValues;
  readonly lines: LineSink;
  readonly accounting: readonly (LevelAccounting | undefined)[];
  /** Per bonus, each member's settled amount in money units (0 without a line): see src/run/settle.ts. */
  readonly earnings: readonly Float64Array[];
  /** The columns the steps published and settled (`<key>.<name>`, `earnings.<key>`), for explain and reports. */
  readonly columns?: ColumnStore;
  /** The non-money awards the steps recorded (statements list them under `awards`). */
  readonly awards?: AwardRecords;
  /** The opening and closing state, for a plan that keeps state (docs/state.md). */
  readonly opening?: StateColumns;
  readonly closing?: StateColumns;
  /** The opening state as given to the run (undefined: none was given), for its bundle. */
  readonly openingInput?: StateInput;
  readonly orderCount: number;
  /** The run's orders as its steps read them (line items name orders by index into them). */
  readonly orders: RunOrders;
  readonly work: WorkCounter;
}

const PC = ORDER_KINDS.indexOf("personal-consumption");

/** The result of {@link calculate}: the summary, and every member's statement on demand. */
export class RunResult {
  /** The plan that was run. */
  readonly plan: Plan;
  /** The period that was run. */
  readonly period: Period;
  /** Totals of the run. */
  readonly summary: Summary;
  /** Units of work per pass (member visits, upline steps): the evidence of linear time. */
  readonly work: Readonly<Record<string, number>>;
  private readonly parts: RunParts;
  /** Lines of member i are lineOrder[lineStart[i] .. lineStart[i+1]). */
  private readonly lineStart: Int32Array;
  private readonly lineOrder: Int32Array;
  /** Per line: the rounded amount in money units (rounding per line only). */
  private readonly lineAmount: Float64Array;
  private readonly memberTotal: Float64Array;
  /** The lines per member, as the byte renderer and the subtotals read them. */
  private readonly index: LineIndex;
  private renderer: StatementRenderer | undefined;

  /** @internal Use {@link calculate}. */
  constructor(parts: RunParts) {
    this.parts = parts;
    this.plan = parts.compiled.plan;
    this.period = parts.period;
    const n = parts.genealogy.size;
    const sink = parts.lines;
    const L = sink.count;
    // Group lines by recipient (counting sort), then order each member's lines by bonus, level, flags.
    const { start: lineStart, order: lineOrder } = linesByRecipient(sink, n);
    // Statement order: bonus (plan order), level, uncompressed before compressed, then source member id (one
    // line per source; lines without a source first) for a bonus whose lines show a source; the order the
    // family made them breaks the remaining ties. A total order, so the sort's result does not depend on
    // the lines around.
    const sortKey = (l: number) => (sink.bonus[l] as number) * 1_000_000 + (sink.level[l] as number) * 10 + ((sink.flags[l] as number) & LINE_COMPRESSED);
    const showsSource = parts.compiled.bonuses.map((b) => b.lineFields.some((f) => f.column === "source"));
    let byId: ((a: number, b: number) => number) | undefined;
    const compare = (x: number, y: number): number => {
      const k = sortKey(x) - sortKey(y);
      if (k !== 0) return k;
      const sx = sink.source[x] as number;
      const sy = sink.source[y] as number;
      if (sx !== sy && showsSource[sink.bonus[x] as number] === true) return sx < 0 ? -1 : sy < 0 ? 1 : (byId ??= textOrder(parts.genealogy.ids))(sx, sy);
      return x - y;
    };
    for (let i = 0; i < n; i++) {
      const lo = lineStart[i] as number;
      const hi = lineStart[i + 1] as number;
      if (hi - lo > 16) {
        lineOrder.subarray(lo, hi).sort(compare);
        continue;
      }
      for (let a = lo + 1; a < hi; a++) {
        const x = lineOrder[a] as number;
        let b = a - 1;
        while (b >= lo && compare(lineOrder[b] as number, x) > 0) {
          lineOrder[b + 1] = lineOrder[b] as number;
          b--;
        }
        lineOrder[b + 1] = x;
      }
    }
    this.lineStart = lineStart;
    this.lineOrder = lineOrder;

    // Amounts: the settled earnings of each bonus (rounded where rounding is defined, src/run/settle.ts),
    // and with rounding per line each line's own rounded amount.
    const { compiled } = parts;
    const scale = compiled.moneyScale;
    const shift = VALUE_SCALE - scale;
    const perLine = compiled.roundingApplies === "line";
    const B = compiled.bonuses.length;
    const lineAmount = new Float64Array(perLine ? L : 0);
    const bonusAmount = compiled.bonuses.map(() => new ExactSum());
    const bonusExact = compiled.bonuses.map(() => new ExactProductSum());
    const bonusLines = new Array<number>(B).fill(0);
    const bonusRecipients = new Array<number>(B).fill(0);
    const total = new ExactSum();
    for (let l = 0; l < L; l++) {
      const b = sink.bonus[l] as number;
      bonusExact[b]?.add(sink.base[l] as number, sink.rate[l] as number);
      bonusLines[b] = (bonusLines[b] as number) + 1;
      if (perLine) lineAmount[l] = lineUnits(sink, l, compiled);
    }
    this.lineAmount = lineAmount;
    this.index = { parts, lineStart, lineOrder, lineAmount };
    const memberTotal = new Float64Array(n);
    const earnings = parts.earnings;
    for (let i = 0; i < n; i++) {
      const lo = lineStart[i] as number;
      const hi = lineStart[i + 1] as number;
      // Lines are grouped by bonus: each run of a bonus's lines is one subtotal, its settled amount.
      let t = 0;
      for (let a = lo; a < hi; a++) {
        const b = sink.bonus[lineOrder[a] as number] as number;
        if (a > lo && sink.bonus[lineOrder[a - 1] as number] === b) continue;
        const amount = (earnings[b] as Float64Array)[i] as number;
        bonusAmount[b]?.add(amount);
        bonusRecipients[b] = (bonusRecipients[b] as number) + 1;
        total.add(amount);
        t += amount;
      }
      memberTotal[i] = t;
    }
    this.memberTotal = memberTotal;

    const money = (units: bigint) => formatFixed(units, scale);
    const exact = (value: bigint) => formatTrimmed(value, VALUE_SCALE, scale);
    const bonuses: BonusSummary[] = compiled.bonuses.map((b, i) => {
      const amount = (bonusAmount[i] as ExactSum).value();
      const exactValue = (bonusExact[i] as ExactProductSum).value();
      const acc = parts.accounting[i];
      let accounting: AccountingSummary | undefined;
      if (acc !== undefined) {
        let broken = 0n;
        for (const v of Object.values(acc.breakage)) broken += v;
        const withheld = acc.withheld ?? 0n;
        const carried = acc.carried ?? 0n;
        assert(acc.paid + acc.compressedUp + withheld + carried + broken === acc.potential, "level-conservation", `bonus ${b.key}: paid + compressedUp + withheld + carried + breakage ≠ potential`);
        assert(acc.paid + acc.compressedUp === exactValue, "level-lines-match-accounting", `bonus ${b.key}: lines ≠ paid + compressedUp`);
        accounting = {
          potential: exact(acc.potential),
          paid: exact(acc.paid),
          compressedUp: exact(acc.compressedUp),
          ...(acc.withheld !== undefined ? { withheld: exact(acc.withheld) } : {}),
          ...(acc.carried !== undefined ? { carried: exact(acc.carried) } : {}),
          breakage: Object.fromEntries(Object.entries(acc.breakage).map(([k, v]) => [k, exact(v)])),
        };
      }
      return {
        key: b.key,
        kind: b.kind,
        amount: money(amount),
        exact: exact(exactValue),
        rounding: exact(amount * pow10(shift) - exactValue),
        lines: bonusLines[i] as number,
        recipients: bonusRecipients[i] as number,
        ...(accounting !== undefined ? { accounting } : {}),
      };
    });
    const totalUnits = total.value();
    const volumes: Record<string, string> = {};
    let basis = 0n;
    compiled.measures.forEach((m, s) => {
      const sum = new ExactSum();
      const personal = parts.volumes.personal[s] as Float64Array;
      for (let i = 0; i < n; i++) sum.add(personal[i] as number);
      volumes[m.name] = formatVolume(sum.value());
      if (s === compiled.payoutBasis) basis = sum.value();
    });
    const rankCounts = compiled.ranks.map(() => 0);
    let unranked = 0;
    let qualifiedCount = 0;
    for (let i = 0; i < n; i++) {
      const r = parts.ranks.rank[i] as number;
      if (r >= 0) rankCounts[r] = (rankCounts[r] as number) + 1;
      else unranked++;
      qualifiedCount += parts.qualified[i] as number;
    }
    this.summary = {
      plan: { id: this.plan.id, ...(this.plan.name !== undefined ? { name: this.plan.name } : {}) },
      period: this.period.id,
      currency: this.plan.currency,
      members: n,
      qualified: qualifiedCount,
      orders: parts.orderCount,
      volumes,
      bonuses,
      total: money(totalUnits),
      payoutBasis: this.plan.payoutBasis,
      // total is at the money scale, basis at the volume scale: bring both to the volume scale.
      payoutShare: formatRatio(totalUnits * pow10(VOLUME_SCALE - scale), basis, 6),
      ranks: compiled.ranks.map((r, i) => ({ rank: r.name, members: rankCounts[i] as number })),
      unranked,
    };
    parts.work.add("finalize", n + L);
    this.work = parts.work.snapshot();
  }

  /**
   * @internal Each member's statement total in money units (10^-scale), by member index: what the
   * statements' `total` fields say, without rendering them (what-if comparisons read this).
   */
  get totals(): Float64Array {
    return this.memberTotal;
  }

  /** @internal The lines per member in statement order and their rounded amounts, for the exports. */
  get lineIndex(): LineIndex {
    return this.index;
  }

  /** @internal The run's columnar parts, for audit and explanation code inside compplan. */
  get internals(): RunParts {
    return this.parts;
  }

  /** Number of members in the run. */
  get memberCount(): number {
    return this.parts.genealogy.size;
  }

  /**
   * The statement of one member, or undefined when the id is not a member.
   *
   * @param memberId - the member's id as given in the input
   */
  statement(memberId: string): Statement | undefined {
    const i = this.parts.genealogy.indexOf.get(memberId);
    return i === undefined ? undefined : this.render(i);
  }

  /** Every statement, ordered by member id (UTF-16 code unit order), built one at a time. */
  *statements(): IterableIterator<Statement> {
    for (const i of this.sorted()) yield this.render(i);
  }

  /**
   * Every statement as canonical JSON text (one line each, no newline), ordered by member id: exactly
   * `canonicalJson(statement)` for each statement, written directly without building the objects. This is
   * what `compplan run` writes; a test checks it byte for byte against {@link statements}.
   */
  *statementsJson(): IterableIterator<string> {
    const w = new ByteWriter(new Uint8Array(1 << 16));
    const decoder = new TextDecoder();
    const renderer = this.statementRenderer();
    for (const i of this.sorted()) {
      w.pos = 0;
      renderer.write(w, i);
      yield decoder.decode(w.written());
    }
  }

  /**
   * @internal Appends every statement's canonical JSON and a newline to `w`, ordered by member id: the
   * bytes of statements.ndjson, the UTF-8 of {@link RunResult.statementsJson} joined by newlines.
   * Returns the number of statements.
   */
  writeStatements(w: ByteWriter): number {
    const renderer = this.statementRenderer();
    const sorted = this.sorted();
    for (let k = 0; k < sorted.length; k++) {
      renderer.write(w, sorted[k] as number);
      w.byte(10);
    }
    return sorted.length;
  }

  private statementRenderer(): StatementRenderer {
    this.renderer ??= new StatementRenderer(this.index);
    return this.renderer;
  }

  /** Member ids in statement order. */
  memberIds(): string[] {
    return Array.from(this.sorted(), (i) => this.parts.genealogy.ids.at(i) as string);
  }

  private sorted(): Int32Array {
    return membersById(this.parts.genealogy);
  }

  /** Member i's subtotal per bonus (money units), in plan order, for bonuses with lines. */
  private subtotals(i: number): { bonus: number; amount: number }[] {
    const amounts = new Float64Array(this.parts.compiled.bonuses.length);
    subtotalsInto(this.index, i, amounts);
    const out: { bonus: number; amount: number }[] = [];
    amounts.forEach((amount, bonus) => {
      if (!Number.isNaN(amount)) out.push({ bonus, amount });
    });
    return out;
  }

  private render(i: number): Statement {
    const { genealogy: g, volumes: v, compiled, lines: sink, qualified, ranks } = this.parts;
    const scale = compiled.moneyScale;
    const personal: Record<string, string> = {};
    const group: Record<string, string> = {};
    const excluded: Record<string, string> = {};
    compiled.measures.forEach((m, s) => {
      personal[m.name] = formatVolume((v.personal[s] as Float64Array)[i] as number);
      group[m.name] = formatVolume((v.group[s] as Float64Array)[i] as number);
      if (m.personalConsumptionCap >= 0 && m.counts[PC]) {
        const raw = (v.consumption[s] as Float64Array)[i] as number;
        if (raw > m.personalConsumptionCap) excluded[m.name] = formatVolume(raw - m.personalConsumptionCap);
      }
    });
    const rankCtx = { g, v, qualified, ranks: compiled.ranks, best: ranks.bestInSubtree, columns: ranks.columns };
    const details = (r: number) => {
      const out: RequirementDetail[] = [];
      checkRank(rankCtx, i, r, out);
      return out;
    };
    const paidAs = ranks.rank[i] as number;
    const check = (r: number) => {
      const spec = compiled.ranks[r];
      assert(spec !== undefined, "rank-index", String(r));
      return { name: spec.name, ...(spec.reference !== undefined ? { reference: spec.reference } : {}), requirements: details(r) };
    };
    const held = paidAs >= 0 ? check(paidAs) : undefined;
    const given = ranks.given === undefined ? -1 : (ranks.given[i] as number);
    const rank: Statement["rank"] = {
      ...(given >= 0 ? { given: (compiled.ranks[given] as { name: string }).name } : {}),
      paidAs: held?.name ?? null,
      ...(held?.reference !== undefined ? { reference: held.reference } : {}),
      ...(held !== undefined ? { requirements: held.requirements } : {}),
      ...(paidAs + 1 < compiled.ranks.length ? { next: check(paidAs + 1) } : {}),
    };
    const perLine = compiled.roundingApplies === "line";
    const lines: LineItem[] = [];
    for (let a = this.lineStart[i] as number, hi = this.lineStart[i + 1] as number; a < hi; a++) {
      const l = this.lineOrder[a] as number;
      const bonus = compiled.bonuses[sink.bonus[l] as number];
      assert(bonus !== undefined, "line-bonus", `line ${l}`);
      lines.push(lineItemFields(sink, l, bonus, { members: g.ids, orders: this.parts.orders.ids }, scale, perLine ? (this.lineAmount[l] as number) : undefined) as unknown as LineItem);
    }
    const bonuses: Record<string, string> = {};
    let total = 0n;
    for (const { bonus, amount } of this.subtotals(i)) {
      bonuses[compiled.bonuses[bonus]?.key as string] = formatFixed(BigInt(amount), scale);
      total += BigInt(amount);
    }
    const parent = g.parent[i] as number;
    const awards: AwardItem[] = (this.parts.awards?.of(i) ?? []).map(([b, k]) => {
      const bonus = compiled.bonuses[b] as (typeof compiled.bonuses)[number];
      return { award: this.parts.awards?.name(b, k) as string, bonus: bonus.key, kind: bonus.kind, ...(bonus.reference !== undefined ? { reference: bonus.reference } : {}) };
    });
    return {
      ...(awards.length > 0 ? { awards } : {}),
      memberId: g.ids.at(i) as string,
      sponsorId: parent >= 0 ? (g.ids.at(parent) as string) : null,
      status: MEMBER_STATUSES[g.status[i] as number] as Statement["status"],
      qualified: qualified[i] === 1,
      qualification: qualificationDetails(g, v, compiled.qualification, i),
      rank,
      volumes: { personal, group, ...(Object.keys(excluded).length > 0 ? { personalConsumptionExcluded: excluded } : {}) },
      lines,
      bonuses,
      total: formatFixed(total, scale),
    };
  }
}
