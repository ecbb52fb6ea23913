import type { Db } from '../../db/client.js';
import type { AgentRow } from '../../db/repos/agents.js';
import type { ConnectionRow } from '../../db/repos/connections.js';
import { type AccountDay, accountDaysOf } from '../../db/repos/insights.js';
import { actionsOf } from '../../db/repos/plans.js';
import { recommendationsOf } from '../../db/repos/recommendations.js';
import type { RunRow } from '../../db/repos/runs.js';
import type { RecommendationLevel, RuleId, Severity } from '../../domain/recommendation.js';
import type { ReportBanners, ReportFigures, ReportView } from '../blocks/types.js';

const DAY_MS = 86_400_000;

/**
 * The report of one run as Slack shows it: the run's own summary, the same figures over the days before
 * the window (from the run's daily rows) for the change, 14 days of account spend for the sparkline,
 * the recommendations in the engine's order, and the banners an operator must not miss.
 */
export async function reportViewOf(
  db: Db,
  input: { run: RunRow; agent: AgentRow; connection: ConnectionRow; planId: string | null; now: Date },
): Promise<ReportView> {
  const { run, agent, connection, now } = input;
  const summary = (run.summary ?? {}) as Partial<ReportFigures>;
  const days = await accountDaysOf(db, run.id);
  const recs = await recommendationsOf(db, run.id);
  const keyByRec = new Map<string, string>();
  if (input.planId)
    for (const a of await actionsOf(db, input.planId))
      if (a.recommendationId) keyByRec.set(a.recommendationId, a.key);
  const since = run.windowSince ?? '';
  const until = run.windowUntil ?? '';
  const windowDays = since && until ? Math.round((Date.parse(until) - Date.parse(since)) / DAY_MS) + 1 : 7;
  const before = since ? days.filter((d) => d.date < since).slice(-windowDays) : [];
  const tracking = recs.find((r) => r.rule === 'tracking_broken');
  const banners: ReportBanners = {
    halted: agent.halted
      ? { reason: agent.haltedReason, by: agent.haltedBy, at: agent.haltedAt?.toISOString() ?? null }
      : null,
    trackingBroken: tracking ? tracking.message : null,
    staleData: staleness(run, agent, now),
    tokenExpiry: tokenExpiry(connection, now),
  };
  return {
    runId: run.id,
    adAccountId: agent.adAccountId,
    accountName: agent.accountName ?? agent.adAccountId,
    currency: agent.currency,
    environment: connection.environment,
    window: { since, until },
    current: {
      spend: Number(summary.spend ?? 0),
      purchases: Number(summary.purchases ?? 0),
      cpa: summary.cpa ?? null,
      roas: summary.roas ?? null,
    },
    previous: before.length === windowDays ? figuresOf(before) : null,
    dailySpend: lastDays(days, 14),
    recommendations: recs.map((r) => ({
      severity: r.severity as Severity,
      rule: r.rule as RuleId,
      entity: { level: r.level as RecommendationLevel, id: r.entityId, name: r.entityName },
      sentence: r.message,
      actionKey: keyByRec.get(r.id) ?? null,
    })),
    banners,
    planId: input.planId,
    shadow: (run.shadow ?? []).map((s) => ({ rule: s.rule, reason: s.reason })),
  };
}

function figuresOf(days: AccountDay[]): ReportFigures {
  const spend = days.reduce((s, d) => s + d.spend, 0);
  const purchases = days.reduce((s, d) => s + d.purchases, 0);
  const value = days.reduce((s, d) => s + d.purchaseValue, 0);
  return {
    spend,
    purchases,
    cpa: purchases > 0 ? Math.round(spend / purchases) : null,
    roas: spend > 0 ? Math.round((value / spend) * 10_000) / 10_000 : null,
  };
}

function lastDays(days: AccountDay[], n: number): (number | null)[] {
  const out: (number | null)[] = days.slice(-n).map((d) => d.spend);
  while (out.length < n) out.unshift(null);
  return out;
}

/** A report is stale when its data is older than two polling intervals. */
function staleness(run: RunRow, agent: AgentRow, now: Date): ReportBanners['staleData'] {
  const at = run.finishedAt ?? run.startedAt;
  const ageHours = (now.getTime() - at.getTime()) / 3_600_000;
  return ageHours * 3600 > agent.intervalSeconds * 2
    ? { lastSuccessAt: at.toISOString(), ageHours: Math.round(ageHours) }
    : null;
}

/** Warn in the last 7 days before a token expires (and after). */
function tokenExpiry(connection: ConnectionRow, now: Date): ReportBanners['tokenExpiry'] {
  const at = connection.tokenExpiresAt;
  if (!at) return null;
  const daysLeft = Math.floor((at.getTime() - now.getTime()) / DAY_MS);
  return daysLeft <= 7 ? { expiresAt: at.toISOString(), daysLeft } : null;
}
