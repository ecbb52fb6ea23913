import type { Db } from '../db/client.js';
import { agentById } from '../db/repos/agents.js';
import { actionsOf, planById } from '../db/repos/plans.js';
import { recommendationsOf } from '../db/repos/recommendations.js';
import { runById } from '../db/repos/runs.js';
import { AppError } from '../lib/errors.js';

/**
 * Everything a report renderer may show, loaded from Postgres by id (the job carries ids only). Money
 * stays in integer minor units with the currency beside it; renderers format it.
 */
export interface ReportView {
  agent: { id: string; adAccountId: string; accountName: string | null; currency: string };
  run: {
    id: string;
    status: string;
    startedAt: Date;
    windowSince: string | null;
    windowUntil: string | null;
    summary: { spend: number; purchases: number; cpa: number | null; roas: number | null } | null;
    graphCalls: number | null;
  };
  recommendations: Array<{ rule: string; severity: string; entityName: string; message: string }>;
  plan: {
    id: string;
    expiresAt: Date;
    actions: Array<{
      key: string;
      type: string;
      level: string;
      entityName: string;
      from: string | number;
      to: string | number;
      requiresApproval: boolean;
      status: string;
    }>;
  } | null;
}

/** What a renderer returns: the fallback text Slack always needs, and blocks when the renderer has them. */
export interface RenderedMessage {
  text: string;
  blocks?: unknown[];
}

/**
 * Renders the two messages of a poll: the report (thread parent) and the approval queue (a reply in its
 * thread). Block Kit renderers (src/slack/blocks) plug in here; the plain text one is the default.
 */
export interface ReportRenderer {
  report(view: ReportView, source: RenderSource): RenderedMessage | Promise<RenderedMessage>;
  /** Undefined when there is nothing to approve: no queue message is posted. */
  queue(
    view: ReportView,
    source: RenderSource,
  ): RenderedMessage | undefined | Promise<RenderedMessage | undefined>;
}

/** What a renderer may read beyond the view: the database and the ids the job carries. */
export interface RenderSource {
  db: Db;
  ids: { agentId: string; runId: string; planId: string | null };
  now: Date;
}

export async function loadReportView(
  db: Db,
  ids: { agentId: string; runId: string; planId: string | null },
): Promise<ReportView> {
  const [agent, run] = await Promise.all([agentById(db, ids.agentId), runById(db, ids.runId)]);
  if (!agent || !run || run.agentId !== agent.id) {
    throw new AppError({
      code: 'report_not_found',
      verdict: 'invalid',
      message: `There is no run ${ids.runId} for agent ${ids.agentId}: nothing to report.`,
    });
  }
  const recs = await recommendationsOf(db, run.id);
  const plan = ids.planId ? await planById(db, ids.planId) : undefined;
  const actions = plan ? await actionsOf(db, plan.id) : [];
  const s = run.summary as Record<string, number | null> | null;
  return {
    agent: {
      id: agent.id,
      adAccountId: agent.adAccountId,
      accountName: agent.accountName,
      currency: agent.currency,
    },
    run: {
      id: run.id,
      status: run.status,
      startedAt: run.startedAt,
      windowSince: run.windowSince,
      windowUntil: run.windowUntil,
      summary: s
        ? { spend: s.spend ?? 0, purchases: s.purchases ?? 0, cpa: s.cpa ?? null, roas: s.roas ?? null }
        : null,
      graphCalls: run.graphCalls,
    },
    recommendations: recs.map((r) => ({
      rule: r.rule,
      severity: r.severity,
      entityName: r.entityName,
      message: r.message,
    })),
    plan:
      plan && plan.agentId === agent.id
        ? {
            id: plan.id,
            expiresAt: plan.expiresAt,
            actions: actions.map((a) => ({
              key: a.key,
              type: a.type,
              level: a.level,
              entityName: a.entityName,
              from: a.fromValue,
              to: a.toValue,
              requiresApproval: a.requiresApproval,
              status: a.status,
            })),
          }
        : null,
  };
}
