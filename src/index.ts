/**
 * compplan: exact, fast, explainable compensation-plan calculations for direct-selling companies.
 *
 * The public surface is this hand-kept list. Everything else is internal and may change.
 * @packageDocumentation
 */
export { orderMeasures, parsePlan, safeParsePlan } from "./plan/parse.js";
export type { Plan, ParsePlanOptions } from "./plan/parse.js";
export { planJsonSchema } from "./plan/json-schema.js";
export type { PlanInput } from "./plan/json-schema.js";
// The bonus entry types of every family in the registry (BonusConfig, BonusInput, UnilevelConfig, …).
export type * from "./bonuses/registry.js";
export type { OrderKind, VolumeMinimum } from "./plan/fields.js";
export type { RoundingMode } from "./money/decimal.js";

export { calculate, safeCalculate, prepareInput, safePrepareInput, calculatePrepared, safeCalculatePrepared } from "./run/calculate.js";
export type { CalculateInput, CalculateOptions, Phase, PreparedInput } from "./run/calculate.js";
export { prepareFiles, safePrepareFiles } from "./input/files.js";
export type { InputFiles, PrepareFilesOptions } from "./input/files.js";
export { RunResult } from "./run/result.js";
export { parseState, safeParseState, STATE_FORMAT } from "./state/state.js";
export type { StateInput, StateField, StateFieldKind } from "./state/state.js";
export { stateNdjson } from "./state/write.js";
export { type PeriodRun, type PeriodsInput, type PeriodsOptions, runPeriods, safePeriodRange, safeRunPeriods, splitPeriods } from "./state/chain.js";
export type { Period, PeriodKind } from "./run/period.js";
export { dayIndex, PERIOD_DAYS_MAX } from "./run/period.js";
export { allocate } from "./money/allocate.js";
export type { Allocation, AllocationMethod } from "./money/allocate.js";
export type { MemberInput, OrderInput } from "./input/validate.js";
export type { MemberStatus } from "./genealogy/genealogy.js";
export type { RecordOrigin } from "./input/rows.js";
export { PLACEMENT_METHODS, placeMembers, safePlaceMembers } from "./placement/place.js";
export type { PlaceOptions, PlacePhase, PlaceResult, PlacedMember, PlacementMethod, WhenFull } from "./placement/place.js";

export type { Statement, AwardItem, LineItem, LineFieldValue, RankCheck, Summary, BonusSummary, AccountingSummary } from "./statement/types.js";
export type { ConditionDetail } from "./measures/qualification.js";
export type { RequirementDetail } from "./measures/ranks.js";
export { canonicalJson } from "./statement/canonical.js";

export { simulate, safeSimulate } from "./simulate/simulate.js";
export type { Simulation, SimulateOptions, SimulateStep } from "./simulate/simulate.js";
export { simulatePeriods, safeSimulatePeriods } from "./simulate/chain.js";
export type {
  ChainDiff,
  ChainMemberChange,
  ChainMovers,
  ChainTotal,
  SimulatePeriodsOptions,
  StateDiff,
  StateFieldDiff,
  StateSide,
  StateValueChange,
} from "./simulate/chain.js";
export { parseChangeSet, safeParseChangeSet, applyChangeSet, safeApplyChangeSet } from "./simulate/change.js";
export type {
  ChangeSet,
  ChangeOp,
  ChangeSetOptions,
  SetChange,
  UnsetChange,
  AddRankChange,
  RemoveRankChange,
  AddBonusChange,
  RemoveBonusChange,
} from "./simulate/change.js";
export type { ChangePath, ChangePathSegment } from "./simulate/path.js";
export type { RunDiff, Compared, DiffSide, DiffInput, BonusDiff, RankDiff, AccountingDiff, MoverCounts, MemberChange, PercentileDiff, PayDistribution } from "./simulate/diff.js";
export type { AppliedChange, AppliedChanges } from "./simulate/applied.js";
export { sweep, safeSweep, sweepAsync, safeSweepAsync } from "./simulate/sweep.js";
export type { SweepSpec, SweepOptions, SweepPoint, SweepResult } from "./simulate/sweep.js";
export { renderChainDiffReport, renderDiffReport } from "./simulate/report.js";

export { ENGINE_VERSION } from "./audit/version.js";
export { canonicalPlan, fingerprintPlan, fingerprintInput, fingerprintStatements } from "./audit/fingerprint.js";
export type { CanonicalMember, CanonicalOrder, InputFingerprints } from "./audit/fingerprint.js";
export { BUNDLE_FORMAT, createBundle, bundleFingerprint, bundleJson, bundleJsonChunks, parseBundle, safeParseBundle } from "./audit/bundle.js";
export type { RunBundle, BundleInput, BundleOptions, BundleChain } from "./audit/bundle.js";
export { replay, safeReplay, formatReplayReport } from "./audit/replay.js";
export type { ReplayInputs, ReplayOptions, ReplayReport, ReplayDifference, ReplayVerified, ReplayCheck } from "./audit/replay.js";
export { explain, safeExplain, indexOrders, prepareExplain, OrderIndex } from "./audit/explain.js";
export type { ExplainOptions } from "./audit/explain.js";
export { formatExplanation } from "./audit/explain-text.js";
export type {
  Explanation,
  QualificationCheck,
  VolumeBreakdown,
  RankExplanation,
  GivenRankExplanation,
  RankStateExplanation,
  RequirementExplanation,
  NextRankExplanation,
  AdditionalVolume,
  ColumnShortfall,
  BonusPart,
  ExplainedAward,
  ExplainedLine,
  RoundingDetail,
  NotPaid,
  SourceList,
  SourceDetail,
  SourceOrder,
} from "./audit/explanation.js";
export { CSV_COLUMNS, statementsCsv } from "./audit/csv.js";
export { bonusReport, safeBonusReport, formatReport, reportCsv } from "./audit/report.js";
export type { BonusReport, ReportValue } from "./audit/report.js";

export { CompplanError, InvariantError, ISSUE_CODES, formatIssue } from "./errors/issues.js";
export type { Issue, IssueCode, PathSegment, Result } from "./errors/issues.js";
