/**
 * compplan: exact, fast, explainable compensation-plan calculations for direct-selling companies.
 *
 * The public surface is this hand-kept list. Everything else is internal and may change.
 * @packageDocumentation
 */
export { parsePlan, safeParsePlan } from "./plan/parse.js";
export type { Plan, ParsePlanOptions } from "./plan/parse.js";
export { planJsonSchema } from "./plan/json-schema.js";
export type { BonusConfig } from "./bonuses/registry.js";
export type { UnilevelConfig } from "./bonuses/unilevel/unilevel.js";
export type { RankBonusConfig } from "./bonuses/rank-bonus/rank-bonus.js";
export type { RetailProfitConfig } from "./bonuses/retail-profit/retail-profit.js";
export type { OrderKind, VolumeMinimum } from "./plan/fields.js";
export type { RoundingMode } from "./money/decimal.js";

export { calculate, safeCalculate, safePrepareInput, safeCalculatePrepared } from "./run/calculate.js";
export type { CalculateInput, CalculateOptions, Phase, PreparedInput } from "./run/calculate.js";
export { RunResult } from "./run/result.js";
export type { Period } from "./run/period.js";
export type { MemberInput, OrderInput } from "./input/validate.js";
export type { MemberStatus } from "./genealogy/genealogy.js";
export type { RecordOrigin } from "./input/rows.js";

export type { Statement, LineItem, RankCheck, Summary, BonusSummary, AccountingSummary } from "./statement/types.js";
export type { ConditionDetail } from "./measures/qualification.js";
export type { RequirementDetail } from "./measures/ranks.js";
export { canonicalJson } from "./statement/canonical.js";

export { CompplanError, InvariantError, ISSUE_CODES, formatIssue } from "./errors/issues.js";
export type { Issue, IssueCode, PathSegment, Result } from "./errors/issues.js";
