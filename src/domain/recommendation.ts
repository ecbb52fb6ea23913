import type { DailyPoint } from './daily-series.js';
import type { ConfiguredStatus, DeliverySums, Level } from './snapshot.js';

/** Rule ids are part of the CLI/JSON contract: never rename one. */
export const RULE_IDS = [
  'tracking_broken',
  'high_cpa',
  'zero_conversions',
  'low_roas',
  'scale_winner',
  'spend_spike',
  'high_frequency',
  'low_ctr',
  'revive',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/**
 * Ordering among rules of equal severity: tracking_broken first (it changes how every other finding
 * should be read), then the money-losing findings, then opportunities, then creative hygiene.
 */
export const RULE_ORDER: Readonly<Record<RuleId, number>> = Object.fromEntries(
  RULE_IDS.map((id, i) => [id, i]),
) as Record<RuleId, number>;

export type Severity = 'high' | 'medium' | 'low';
export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { high: 0, medium: 1, low: 2 };

/**
 * Where a finding sits. `account` is an addition to the contract's campaign/adset/ad, used only by
 * account-wide alerts (tracking_broken), which never carry an action.
 */
export type RecommendationLevel = 'account' | Level;
export const LEVEL_ORDER: Readonly<Record<RecommendationLevel, number>> = {
  account: 0,
  campaign: 1,
  adset: 2,
  ad: 3,
};

export type StatusAction = {
  type: 'set_status';
  level: Level;
  entityId: string;
  from: ConfiguredStatus;
  to: 'ACTIVE' | 'PAUSED';
};

export type BudgetAction = {
  type: 'update_daily_budget';
  level: Level;
  entityId: string;
  /** Minor units. */
  from: number;
  /** Minor units. */
  to: number;
};

/** One write MetaBuyer may make: a status change or an absolute new daily budget. */
export type ActionSpec = StatusAction | BudgetAction;
export type ActionType = ActionSpec['type'];

export interface CpaBoundsEvidence {
  confidence: number;
  /** Minor units, rounded. */
  cpaLow: number;
  /** Minor units, rounded; null when unbounded (no purchases). */
  cpaHigh: number | null;
  /** Bounds on the expected purchase count (λ). */
  purchasesLow: number;
  purchasesHigh: number;
}

/** The sums behind a finding, and the ratios derived from them. */
export interface EvidenceMetrics extends DeliverySums {
  cpa: number | null;
  roas: number | null;
  /** Percent (0.4 = 0.4 %), as Meta reports it. */
  ctrPct: number | null;
  cpm: number | null;
  cpc: number | null;
  frequency: number | null;
}

/** Delivery of paused children left out of a parent's conversion figures (see recommend.ts). */
export interface ExcludedDelivery {
  entities: number;
  spend: number;
  purchases: number;
  purchaseValue: number;
}

export interface SpikeEvidence {
  date: string;
  spend: number;
  baselineMedian: number;
  mad: number;
  /** Spend / median. */
  ratio: number;
  /** Null when MAD is 0 (the ratio alone decides). */
  modifiedZ: number | null;
  purchases: number;
  baseline: Pick<DailyPoint, 'date' | 'spend'>[];
}

/** spend_spike on a unit with a daily budget: Meta's allowance (rules/spend-spike.ts). */
export interface AllowanceEvidence {
  /** Minor units. */
  dailyBudget: number;
  dayRatio: number;
  withinDay: boolean;
  weekSince: string;
  /** Minor units. */
  weekSpend: number;
  weekRatio: number;
  withinWeek: boolean;
}

export interface TrackingEvidence {
  recentSince: string;
  recentUntil: string;
  recentSpend: number;
  recentPurchases: number;
  baselineSince: string;
  baselineUntil: string;
  baselinePurchases: number;
}

/**
 * How far the purchases behind a conversion verdict have matured (src/domain/maturity.ts), and whether
 * the action was held because it would not survive the purchases still to come.
 */
export interface MaturityEvidence {
  /** Percent of the eventual purchases already reported (94 = "purchases 94 % matured"). */
  purchasesPct: number;
  valuePct: number;
  basis: 'daily' | 'youngest_day' | 'mature';
  /** Window days still maturing, with the percent of their purchases in. */
  immatureDays: Array<{ date: string; reportedPct: number }>;
  /** True when the action was held: the verdict does not hold once the missing purchases are allowed for. */
  held: boolean;
}

export type ScaleHoldReason = 'learning' | 'recent_increase' | 'recent_significant_edit';

export interface ScaleHold {
  reason: ScaleHoldReason;
  /** The entity whose state holds the scale (the ad set in LEARNING, the budget holder…). */
  entityId: string;
  /** ISO time the hold ends; null for learning (it ends when Meta says so). */
  until: string | null;
}

/**
 * The numbers behind a recommendation. Money in minor units of `currency`; ratios unrounded except
 * where noted. `sentence` is the one line an operator reads.
 */
export interface Evidence {
  sentence: string;
  currency: string;
  window: { since: string; until: string };
  metrics: EvidenceMetrics;
  targetCpa: number | null;
  targetRoas: number | null;
  bounds: CpaBoundsEvidence | null;
  /** The thresholds this rule compared against, by name. */
  thresholds: Record<string, number>;
  excluded: ExcludedDelivery | null;
  spike: SpikeEvidence | null;
  allowance: AllowanceEvidence | null;
  tracking: TrackingEvidence | null;
  hold: ScaleHold | null;
  /** Conversion rules: the data's maturity (null for rules that do not read purchases). */
  maturity: MaturityEvidence | null;
  /** Set when the rule is in shadow mode: the action it would have proposed, and why it did not. */
  shadow?: { reason: string; wouldBe: ActionSpec };
  /** revive: when MetaBuyer paused the entity. */
  pausedAt?: string;
  /** Other rules that fired on this entity and were folded into this recommendation. */
  alsoTriggered: RuleId[];
  /** Set when the action was withheld because the data behind it cannot be trusted. */
  suppressedBy: RuleId | null;
}

export interface Recommendation {
  /** `rec_<rule>_<entity id>`: stable across runs, so decisions and dedup can key on it. */
  id: string;
  rule: RuleId;
  severity: Severity;
  level: RecommendationLevel;
  entityId: string;
  entityName: string;
  action: ActionSpec | null;
  evidence: Evidence;
}

export function recommendationId(rule: RuleId, entityId: string): string {
  return `rec_${rule}_${entityId}`;
}
