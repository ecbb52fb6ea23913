import type { Db } from '../../db/client.js';
import type { AgentRow } from '../../db/repos/agents.js';
import type { ConnectionRow } from '../../db/repos/connections.js';
import { latestRun } from '../../db/repos/runs.js';
import type { Actor } from '../../domain/actor.js';
import { permits } from '../../domain/policy.js';
import { agentConfigOf } from '../../ops/agent-config.js';
import { runSummaryLine } from '../../ops/run-now.js';
import type { HomeView } from '../blocks/types.js';

const DAY_MS = 86_400_000;

/** App Home for one viewer: the agent of their workspace (or how to connect one) and what they may change. */
export async function homeViewOf(
  db: Db,
  input: { viewer: Actor; agent: AgentRow | null; connection: ConnectionRow | null; now: Date },
): Promise<HomeView> {
  const { agent, connection, viewer, now } = input;
  if (!agent || !connection)
    return { viewer: { userId: viewer.id, isOperator: false, isApprover: false }, agent: null };
  const config = agentConfigOf(agent);
  const roster = { operators: config.operators, approvers: config.approvers };
  const run = await latestRun(db, agent.id);
  const expires = connection.tokenExpiresAt;
  const r = config.rules;
  return {
    viewer: {
      userId: viewer.id,
      isOperator: permits(viewer, 'setup', roster).allowed,
      isApprover: permits(viewer, 'approve', roster).allowed,
    },
    agent: {
      agentId: agent.id,
      adAccountId: agent.adAccountId,
      accountName: agent.accountName ?? agent.adAccountId,
      currency: agent.currency,
      environment: connection.environment,
      token: {
        expiresAt: expires ? expires.toISOString() : null,
        daysLeft: expires ? Math.floor((expires.getTime() - now.getTime()) / DAY_MS) : null,
      },
      targets: { cpa: config.targetCpaMinor, roas: config.targetRoas },
      thresholds: [
        { label: 'Max budget change', value: `${config.guardrails.maxBudgetChangePct} %` },
        { label: 'Max frequency', value: String(r.highFrequency.maxFrequency) },
        { label: 'Min CTR', value: `${r.lowCtr.maxCtrPct} %` },
        { label: 'Spend spike', value: `${r.spendSpike.medianMultiple} × median` },
        { label: 'Rollback window', value: `${config.rollbackWindowHours} h` },
      ],
      window: { datePreset: config.datePreset, attributionWindow: config.attributionWindow },
      schedule: { intervalSeconds: agent.intervalSeconds, nextRunAt: agent.nextRunAt?.toISOString() ?? null },
      enabled: agent.enabled,
      executionEnabled: agent.executionEnabled,
      operators: config.operators,
      approvers: config.approvers,
      halted: agent.halted
        ? { reason: agent.haltedReason, by: agent.haltedBy, at: agent.haltedAt?.toISOString() ?? null }
        : null,
      lastRun: run
        ? {
            id: run.id,
            status: run.status,
            startedAt: run.startedAt.toISOString(),
            summaryLine:
              run.summary && run.status === 'succeeded'
                ? runSummaryLine(run.summary as never, agent.currency)
                : null,
          }
        : null,
      slackChannel: agent.slackChannelId,
    },
  };
}
