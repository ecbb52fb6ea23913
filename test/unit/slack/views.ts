import type { RuleId, Severity } from '../../../src/domain/recommendation.js';
import type {
  HomeAgentView,
  QueueActionView,
  QueueView,
  ReportRecommendation,
  ReportView,
} from '../../../src/slack/blocks/types.js';

/** View models as the app would map them from ops results; each test overrides what it is about. */
export const ACCOUNT = 'act_1000000001';

export function recommendation(i: number, over: Partial<ReportRecommendation> = {}): ReportRecommendation {
  const severities: Severity[] = ['high', 'medium', 'low'];
  const rules: RuleId[] = ['high_cpa', 'zero_conversions', 'low_ctr', 'high_frequency'];
  return {
    severity: severities[i % 3]!,
    rule: rules[i % 4]!,
    entity: { level: 'adset', id: String(2_000_000_000 + i), name: `Prospecting ${i}` },
    sentence: `CPA $${180 + i} over 7 days is above the $120 target with 90 % confidence (12 purchases).`,
    actionKey: i < 10 ? `A${i + 1}` : null,
    ...over,
  };
}

export function report(over: Partial<ReportView> = {}): ReportView {
  return {
    runId: 'run_01JDEMO',
    adAccountId: ACCOUNT,
    accountName: 'Demo Store',
    currency: 'USD',
    environment: 'sandbox',
    window: { since: '2026-11-24', until: '2026-11-30' },
    current: { spend: 284_319, purchases: 19, cpa: 14_964, roas: 1.21 },
    previous: { spend: 250_000, purchases: 20, cpa: 12_500, roas: 1.3 },
    dailySpend: [
      30_000, 32_000, 31_000, 35_000, 40_000, 38_000, 36_000, 41_000, 45_000, 44_000, 39_000, 42_000, 47_000,
      50_000,
    ],
    recommendations: [0, 1, 2].map((i) => recommendation(i)),
    banners: {},
    planId: 'pln_01JDEMO',
    ...over,
  };
}

export function queueAction(i: number, over: Partial<QueueActionView> = {}): QueueActionView {
  return {
    key: `A${i + 1}`,
    entity: { level: 'adset', id: String(2_000_000_000 + i), name: `Prospecting ${i}` },
    change: { type: 'update_daily_budget', from: 15_000, to: 12_000 },
    requiresApproval: true,
    status: 'proposed',
    why: 'CPA $180 over 7 days is above the $120 target with 90 % confidence.',
    evidenceGrade: '90 % confidence bound',
    decision: null,
    ...over,
  };
}

export function queue(over: Partial<QueueView> = {}): QueueView {
  return {
    planId: 'pln_01JDEMO',
    agentId: 'agt_01JDEMO',
    adAccountId: ACCOUNT,
    currency: 'USD',
    environment: 'live',
    state: 'active',
    expiresAt: '2026-12-02T09:00:00.000Z',
    actions: [
      queueAction(0),
      queueAction(1, { change: { type: 'set_status', from: 'ACTIVE', to: 'PAUSED' } }),
    ],
    ...over,
  };
}

export function homeAgent(over: Partial<HomeAgentView> = {}): HomeAgentView {
  return {
    agentId: 'agt_01JDEMO',
    adAccountId: ACCOUNT,
    accountName: 'Demo Store',
    currency: 'USD',
    environment: 'live',
    token: { expiresAt: '2027-01-20T00:00:00Z', daysLeft: 50 },
    targets: { cpa: 12_000, roas: 1.8 },
    thresholds: [
      { label: 'Max frequency', value: '3.5' },
      { label: 'Min CTR', value: '0.5 %' },
    ],
    window: { datePreset: 'last_7d', attributionWindow: '7d_click' },
    schedule: { intervalSeconds: 21_600, nextRunAt: '2026-12-01T15:00:00Z' },
    enabled: true,
    executionEnabled: false,
    operators: ['U0OPERATOR'],
    approvers: ['U0APPROVER', 'U0OPERATOR'],
    halted: null,
    lastRun: {
      id: 'run_01JDEMO',
      status: 'succeeded',
      startedAt: '2026-12-01T09:00:00Z',
      summaryLine: 'spend $2,843.19 | purchases 19 | CPA $149.64 | ROAS 1.21',
    },
    slackChannel: 'channel:C0REPORTS1',
    ...over,
  };
}
