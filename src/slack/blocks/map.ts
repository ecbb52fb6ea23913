import { accountDailySeries } from '../../domain/daily-series.js';
import { formatConfidence } from '../../domain/evidence.js';
import type { Evidence, Recommendation } from '../../domain/recommendation.js';
import type { Snapshot } from '../../domain/snapshot.js';
import type { RunSummary } from '../../domain/summary.js';
import type { Environment, ReportBanners, ReportFigures, ReportRecommendation, ReportView } from './types.js';

/**
 * Pure mappings from the domain types ops already returns onto the renderers' view models, so the
 * Slack app only adds what ops does not know (environment, previous window, banners, plan keys).
 */

/** How strong the evidence behind a finding is, in the words the queue shows. */
export function evidenceGrade(e: Evidence): string {
  if (e.suppressedBy) return `held: ${e.suppressedBy.replace(/_/g, ' ')}`;
  if (e.bounds) return `${formatConfidence(e.bounds.confidence)} confidence bound`;
  if (e.spike) return `spike ${e.spike.ratio.toFixed(1)}× the median day`;
  if (e.tracking) return 'tracking check';
  return 'threshold';
}

export function reportRecommendation(
  r: Recommendation,
  actionKey: string | null = null,
): ReportRecommendation {
  return {
    severity: r.severity,
    rule: r.rule,
    entity: { level: r.level, id: r.entityId, name: r.entityName },
    sentence: r.evidence.sentence,
    actionKey,
  };
}

export function reportFigures(s: Pick<RunSummary, 'spend' | 'purchases' | 'cpa' | 'roas'>): ReportFigures {
  return { spend: s.spend, purchases: s.purchases, cpa: s.cpa, roas: s.roas };
}

export interface RunForReport {
  runId: string;
  adAccountId: string;
  snapshot: Snapshot;
  summary: RunSummary;
  recommendations: Recommendation[];
  /** Rules the run kept in shadow, and why. */
  shadow?: ReadonlyArray<{ rule: string; reason: string }>;
}

/**
 * A run (RunNowResult has this shape) as a report. The tracking banner comes from the run's own
 * tracking_broken finding unless the caller passes one; `actionKeys` maps recommendation ids to plan keys.
 */
export function reportViewFromRun(
  run: RunForReport,
  extra: {
    environment: Environment;
    previous?: ReportFigures | null;
    banners?: ReportBanners;
    planId?: string | null;
    actionKeys?: ReadonlyMap<string, string>;
  },
): ReportView {
  const tracking = run.recommendations.find((r) => r.rule === 'tracking_broken');
  return {
    runId: run.runId,
    adAccountId: run.adAccountId,
    accountName: run.snapshot.account.name,
    currency: run.snapshot.account.currency,
    environment: extra.environment,
    window: { since: run.snapshot.window.since, until: run.snapshot.window.until },
    current: reportFigures(run.summary),
    previous: extra.previous ?? null,
    dailySpend: accountDailySeries(run.snapshot).map((d) => d.spend),
    recommendations: run.recommendations.map((r) =>
      reportRecommendation(r, extra.actionKeys?.get(r.id) ?? null),
    ),
    banners: { trackingBroken: tracking?.evidence.sentence ?? null, ...extra.banners },
    planId: extra.planId ?? null,
    shadow: (run.shadow ?? []).map((s) => ({ rule: s.rule, reason: s.reason })),
  };
}
