/**
 * The contract between the engine and a bonus family. A family declares its plan schema, checks its
 * cross-references, and compiles a plan entry into a step the engine runs at the stage it declares.
 * The engine never asks which kind a bonus is.
 */
import type { z } from "zod";
import type { Issue, PathSegment } from "../errors/issues.js";
import type { RoundingMode } from "../money/decimal.js";
import type { Genealogy } from "../genealogy/genealogy.js";
import type { LineSink } from "../run/lines.js";
import type { MeasureValues } from "../measures/volumes.js";
import type { WorkCounter } from "../run/work.js";
import type { BonusExplanation, ExplainContext } from "../audit/explanation.js";

/** What a family's validation can look up about the rest of the plan. */
export interface PlanNames {
  readonly measures: ReadonlySet<string>;
  readonly ranks: readonly string[];
  readonly moneyScale: number;
}

/** What a compiled bonus can look up: indices of measures and ranks, and the money policy. */
export interface CompileContext {
  measureIndex(name: string): number;
  rankIndex(name: string): number;
  readonly rankCount: number;
  readonly moneyScale: number;
  readonly rounding: RoundingMode;
}

/** Everything the engine has computed when a bonus step runs. */
export interface RunContext {
  readonly genealogy: Genealogy;
  readonly measures: MeasureValues;
  /** 1 when the member is qualified this period. */
  readonly qualified: Uint8Array;
  /** Paid-as rank index per member, -1 for none. */
  readonly rank: Int16Array;
  readonly work: WorkCounter;
}

/** Accounting of a bonus that distributes a potential over levels: every unit ends up in one bucket. */
export interface LevelAccounting {
  /** Exact value at VALUE_SCALE: the most the bonus could pay if every level slot paid its maximum rate. */
  readonly potential: bigint;
  /** Value paid to members at their own, uncompressed level. */
  readonly paid: bigint;
  /** Value paid to members who took a level because unqualified members below them were skipped. */
  readonly compressedUp: bigint;
  /** Value not paid, by reason. */
  readonly breakage: Readonly<Record<string, bigint>>;
}

/** A compiled bonus, ready to run. */
export interface CompiledBonus {
  readonly key: string;
  readonly kind: string;
  readonly reference: string | undefined;
  /** Lower stages run first. Stage 1: needs volumes, qualification and ranks. */
  readonly stage: number;
  /** Adds the bonus's line items to `sink`; returns its accounting where the family keeps one. */
  run(ctx: RunContext, sink: LineSink, bonusIndex: number): LevelAccounting | undefined;
  /**
   * Optional: explains member `member`'s part of this bonus by recomputing only that part (never from a
   * stored trace): where each of its line items came from, and what it did not receive and why.
   */
  explain?(ctx: ExplainContext, member: number, bonusIndex: number): BonusExplanation;
}

/** A bonus family: one folder under src/bonuses and one line in the registry. */
export interface BonusFamily<C extends { kind: string; key: string } = { kind: string; key: string }> {
  readonly kind: string;
  /** One line for docs and `compplan schema`. */
  readonly description: string;
  readonly schema: z.ZodType<C, unknown>;
  /** Checks names the entry uses against the rest of the plan. */
  validate(config: C, names: PlanNames, path: readonly PathSegment[]): Issue[];
  compile(config: C, ctx: CompileContext): CompiledBonus;
}
