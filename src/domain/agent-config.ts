import { z } from 'zod';
import { DEFAULT_LAG_PROFILE, lagProfileProblem } from './conversion-lag.js';
import { RULE_IDS } from './recommendation.js';

/**
 * Everything one agent is configured with, stored as JSON on the agent's row. Every field has a default
 * so a stored config from an older version still parses, and `parseAgentConfig({})` is a valid agent
 * (one without targets: CPA and ROAS rules stay silent until targets are set).
 *
 * Money is in minor units of the account currency (`targetCpaMinor: 12000` is $120.00 in USD and
 * ¥12,000 in JPY); the CLI converts `--target-cpa 120` with toMinorUnits(…, currency). Percentages are
 * whole-number percents (20 = 20 %).
 */
const percent = z.number().gt(0).max(100);
const minorUnits = z.number().int().positive();
const multiple = z.number().positive();

const highCpaRule = z.object({
  enabled: z.boolean().default(true),
  /** Observed CPA ≥ this × target makes it high severity (pause); below, medium (budget cut or alert). */
  highSeverityMultiple: multiple.default(1.5),
  budgetCutPct: percent.default(20),
});

const zeroConversionsRule = z.object({
  enabled: z.boolean().default(true),
});

const lowRoasRule = z.object({
  enabled: z.boolean().default(true),
  /** Fires when ROAS < this × target ROAS… */
  roasFraction: multiple.default(0.75),
  /** …on at least this many purchases… */
  minPurchases: z.number().int().nonnegative().default(10),
  /** …or on spend ≥ this × target CPA. */
  minSpendTargetCpaMultiple: multiple.default(3),
  budgetCutPct: percent.default(20),
});

const scaleWinnerRule = z.object({
  enabled: z.boolean().default(true),
  /** ROAS must be ≥ this × target ROAS (and the CPA confidently below target). */
  roasMultiple: multiple.default(1.25),
  budgetIncreasePct: percent.default(20),
  /** No increase within this many hours of the last increase or significant edit. */
  cooldownHours: z.number().nonnegative().default(72),
});

const lowCtrRule = z.object({
  enabled: z.boolean().default(true),
  /** CTR (all clicks) below this percent… */
  maxCtrPct: z.number().positive().default(0.5),
  /** …on at least this many impressions. */
  minImpressions: z.number().int().nonnegative().default(5000),
});

const highFrequencyRule = z.object({
  enabled: z.boolean().default(true),
  maxFrequency: z.number().positive().default(4),
  /** Below this many impressions a frequency says nothing (8 impressions on 2 people is not fatigue). */
  minImpressions: z.number().int().nonnegative().default(1000),
});

const spendSpikeRule = z.object({
  enabled: z.boolean().default(true),
  /** Yesterday's spend ≥ this × the median of the baseline days… */
  medianMultiple: multiple.default(2),
  /** …with modified z-score 0.6745·(x − median)/MAD ≥ this (ignored when MAD is 0)… */
  minModifiedZ: z.number().positive().default(3.5),
  baselineDays: z.number().int().min(3).max(28).default(7),
  /** …and yesterday's spend ≥ this × target CPA (a spike too small to matter is not reported). */
  minSpendTargetCpaMultiple: z.number().nonnegative().default(1),
});

const trackingBrokenRule = z.object({
  enabled: z.boolean().default(true),
  recentDays: z.number().int().min(1).max(7).default(2),
  /** Spend over the recent days ≥ this × target CPA with zero purchases… */
  minSpendTargetCpaMultiple: multiple.default(3),
  baselineDays: z.number().int().min(1).max(28).default(7),
  /** …after at least this many purchases in the baseline days before them. */
  minBaselinePurchases: z.number().int().positive().default(5),
});

const rules = z.object({
  highCpa: highCpaRule.prefault({}),
  zeroConversions: zeroConversionsRule.prefault({}),
  lowRoas: lowRoasRule.prefault({}),
  scaleWinner: scaleWinnerRule.prefault({}),
  lowCtr: lowCtrRule.prefault({}),
  highFrequency: highFrequencyRule.prefault({}),
  spendSpike: spendSpikeRule.prefault({}),
  trackingBroken: trackingBrokenRule.prefault({}),
});

const guardrails = z.object({
  /** Largest budget change one action may make, as a percent of the current budget. */
  maxBudgetChangePct: percent.default(20),
  /** Lowest daily budget an action may set; the account's min_daily_budget always applies too. */
  budgetFloorMinor: minorUnits.nullable().default(null),
  /** Highest daily budget an action may set; null for none. */
  budgetCeilingMinor: minorUnits.nullable().default(null),
  maxActionsPerPlan: z.number().int().positive().default(10),
  /** No write to an entity within this many hours of the last write to it. */
  entityCooldownHours: z.number().nonnegative().default(24),
  protectedEntityIds: z.array(z.string().min(1)).default([]),
  /**
   * Names never touched, matched case-insensitively against the whole name; `*` matches any run of
   * characters ("*brand*" protects every name containing "brand"). Globs, not regular expressions, so
   * an operator's pattern can neither be invalid nor slow.
   */
  protectedNamePatterns: z.array(z.string().min(1)).default([]),
  /** Budget decreases of at most this percent need no approval; null: every write needs approval. */
  approvalWaiverMaxDecreasePct: percent.nullable().default(null),
  /** Meta allows 4 budget changes per ad set per hour (error 613/1487632). */
  maxBudgetChangesPerHour: z.number().int().positive().default(4),
});

/**
 * The automatic kill switch (src/domain/kill-switch.ts): trips that halt the agent by themselves. On by
 * default; `enabled: false` turns every trip off (a revoked token still halts through token maintenance).
 */
const killSwitch = z.object({
  enabled: z.boolean().default(true),
  /** Today's spend so far above this × the typical pace (median daily spend, prorated to the hour) trips. */
  paceMultiple: z.number().min(1.1).max(100).default(3),
  /** Complete days the typical pace is the median of (days that spent anything). */
  paceBaselineDays: z.number().int().min(3).max(28).default(14),
  /** This many failed writes… */
  maxWriteFailures: z.number().int().min(1).max(100).default(3),
  /** …within this many minutes trip. */
  writeFailureWindowMinutes: z.number().int().min(1).max(1440).default(60),
});

/**
 * The account's conversion lag (src/domain/conversion-lag.ts): which fraction of a day's purchases is
 * reported by each age. Conversion verdicts allow for the part still missing (src/domain/maturity.ts).
 */
const conversionLag = z
  .array(z.object({ hours: z.number().min(0), reported: z.number().gt(0).max(1) }))
  .min(1)
  .superRefine((profile, ctx) => {
    const problem = lagProfileProblem(profile);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .default(DEFAULT_LAG_PROFILE.map((p) => ({ ...p })));

/**
 * Shadow mode (src/domain/shadow.ts): rules that recommend but never plan, and minimum backtest
 * precisions (0–1) a rule must show on this account before it proposes actions — on at least
 * `minPrecisionCases` labelled verdicts, measured within `staleAfterDays`. The poll measures again
 * (src/ops/rule-precision.ts) when a required measurement is missing or older than `remeasureAfterDays`.
 */
const ruleId = z.enum(RULE_IDS);
const shadow = z.object({
  rules: z.array(ruleId).default([]),
  minPrecision: z.partialRecord(ruleId, z.number().gt(0).max(1)).default({}),
  minPrecisionCases: z.number().int().min(1).max(1000).default(10),
  remeasureAfterDays: z.number().positive().max(365).default(7),
  staleAfterDays: z.number().positive().max(365).default(30),
});

export const agentConfigSchema = z.object({
  targetCpaMinor: minorUnits.nullable().default(null),
  targetRoas: z.number().positive().nullable().default(null),
  /** One-sided confidence of the evidence bounds. */
  confidenceLevel: z.number().gt(0.5).lt(1).default(0.9),
  datePreset: z
    .enum(['yesterday', 'last_3d', 'last_7d', 'last_14d', 'last_28d', 'last_30d', 'last_90d'])
    .default('last_7d'),
  attributionWindow: z
    .enum(['1d_click', '7d_click', '1d_view', '1d_click_1d_view', '7d_click_1d_view'])
    .default('7d_click'),
  sourceOfTruth: z.enum(['meta']).default('meta'),
  intervalSeconds: z.number().int().min(300).default(21_600),
  executionEnabled: z.boolean().default(false),
  reportingEnabled: z.boolean().default(true),
  /** `channel:C12345678`; null until set up. */
  slackTarget: z.string().min(1).nullable().default(null),
  rollbackWindowHours: z.number().positive().default(72),
  planTtlHours: z.number().positive().default(24),
  conversionLag,
  shadow: shadow.prefault({}),
  rules: rules.prefault({}),
  guardrails: guardrails.prefault({}),
  killSwitch: killSwitch.prefault({}),
});

export type AgentConfig = z.output<typeof agentConfigSchema>;
/** What may be stored or passed in: any subset, defaults fill the rest. */
export type AgentConfigInput = z.input<typeof agentConfigSchema>;

/** Parses a stored or user-supplied config, filling defaults. Throws ZodError on invalid input. */
export function parseAgentConfig(input: unknown = {}): AgentConfig {
  return agentConfigSchema.parse(input ?? {});
}

/** The default config with targets set, as `setup --target-cpa --target-roas` would store it. */
export function defaultAgentConfig(overrides: AgentConfigInput = {}): AgentConfig {
  return parseAgentConfig(overrides);
}
