import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { classifiedActivitiesSince } from '../../db/repos/account-activities.js';
import type { AgentRow } from '../../db/repos/agents.js';
import type { ConnectionRow } from '../../db/repos/connections.js';
import { type AccountDay, accountDaysOf } from '../../db/repos/insights.js';
import { actionsOf } from '../../db/repos/plans.js';
import { recommendationsOf } from '../../db/repos/recommendations.js';
import type { RunRow } from '../../db/repos/runs.js';
import { entitySnapshots } from '../../db/schema/index.js';
import {
  ANOMALY_RULES,
  type AnomalyInput,
  anomalyCards,
  type ClassifiedChange,
  classifyAs,
  localMidnight,
  matters,
} from '../../domain/activity.js';
import { formatMoney } from '../../domain/money.js';
import type { RecommendationLevel, RuleId, Severity } from '../../domain/recommendation.js';
import type { ReportBanners, ReportChangesView, ReportFigures, ReportView } from '../blocks/types.js';

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
    changes: since ? await changesView(db, agent, run, since, recs) : null,
  };
}

type RecRow = Awaited<ReturnType<typeof recommendationsOf>>[number];

/**
 * Who else changed the account from a day before the window until the run (as the polls stored the
 * activity log), and for each sharp move the first outside change to its entity or the objects above.
 */
async function changesView(
  db: Db,
  agent: AgentRow,
  run: RunRow,
  since: string,
  recs: RecRow[],
): Promise<ReportChangesView> {
  const tz = agent.timezoneName ?? 'UTC';
  const from = new Date(Date.parse(localMidnight(since, tz)) - DAY_MS);
  const money = (minor: number) => formatMoney(minor, agent.currency);
  const changes: ClassifiedChange[] = (
    await classifiedActivitiesSince(db, agent.adAccountId, from, run.startedAt)
  )
    .filter((e) => matters(e.activity))
    .map((e) => classifyAs(e.activity, e.kind, money));
  const line = (c: ClassifiedChange) => ({ at: c.activity.eventTime, sentence: c.sentence });
  const moves = recs.filter((r) => ANOMALY_RULES.has(r.rule));
  const parents = await parentsOf(
    db,
    run.id,
    moves.map((r) => r.entityId),
  );
  const inputs: AnomalyInput[] = moves.map((r) => {
    const window = (r.evidence as { window?: { since?: string } }).window;
    return {
      recommendationId: r.id,
      rule: r.rule,
      objectIds: [r.entityId, ...(parents.get(r.entityId) ?? [])],
      entityName: r.entityName,
      startedAt: localMidnight(window?.since ?? since, tz),
      lookbackFrom: from.toISOString(),
    };
  });
  return {
    since: from.toISOString(),
    byPeople: changes.filter((c) => c.kind === 'person').map(line),
    byOtherApps: changes.filter((c) => c.kind === 'other_app').map(line),
    byMeta: changes.filter((c) => c.kind === 'meta').map(line),
    ours: changes.filter((c) => c.kind === 'us').length,
    anomalies: anomalyCards(inputs, changes, run.startedAt.toISOString()).map((a) => ({
      rule: a.rule,
      entity: a.entityName,
      sentence: a.sentence,
    })),
  };
}

/** The campaign (and ad set) above each entity, as the run read them. */
async function parentsOf(db: Db, runId: string, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({
      id: entitySnapshots.entityId,
      campaignId: entitySnapshots.campaignId,
      adsetId: entitySnapshots.adsetId,
    })
    .from(entitySnapshots)
    .where(and(eq(entitySnapshots.runId, runId), inArray(entitySnapshots.entityId, ids)));
  for (const r of rows) out.set(r.id, [r.campaignId, ...(r.adsetId ? [r.adsetId] : [])]);
  return out;
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
