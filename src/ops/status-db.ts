import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { type AgentRow, allAgents } from '../db/repos/agents.js';
import { type ConnectionRow, connectionById } from '../db/repos/connections.js';
import { actionsOf, activePlan } from '../db/repos/plans.js';
import { latestRun } from '../db/repos/runs.js';
import type { Actor } from '../domain/actor.js';
import { agentConfigOf } from './agent-config.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';
import { type StatusFacts, type StatusResult, statusAt } from './status-facts.js';
import { STATUS_SNAPSHOT_FORMAT, type StatusSnapshot } from './status-snapshot.js';

/** status answered by the database: the agent resolved and authorised as for every command. */
export async function statusFromDatabase(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor },
): Promise<StatusResult> {
  const { db, agent, connection } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'view', agent);
  return statusAt(await statusFacts(db, agent, connection), ctx.clock.now());
}

/** The status of one agent, read from the database. */
export async function statusFacts(db: Db, agent: AgentRow, connection: ConnectionRow): Promise<StatusFacts> {
  const run = await latestRun(db, agent.id);
  const plan = await activePlan(db, agent.id);
  const counts: Record<string, number> = {};
  if (plan) for (const a of await actionsOf(db, plan.id)) counts[a.status] = (counts[a.status] ?? 0) + 1;
  const config = agentConfigOf(agent);
  // Only what a worker has actually scheduled is promised; nothing is inferred from the interval.
  const schedule: StatusResult['schedule'] = agent.halted
    ? 'halted'
    : !agent.enabled
      ? 'disabled'
      : agent.nextRunAt
        ? 'scheduled'
        : 'not_scheduled';
  const expiresAt = connection.tokenExpiresAt;
  return {
    adAccountId: agent.adAccountId,
    accountName: agent.accountName,
    currency: agent.currency,
    timezoneName: agent.timezoneName,
    targetCpaMinor: config.targetCpaMinor,
    targetRoas: config.targetRoas,
    enabled: agent.enabled,
    executionEnabled: agent.executionEnabled,
    intervalSeconds: agent.intervalSeconds,
    halted: agent.halted,
    haltedReason: agent.haltedReason,
    haltedBy: agent.haltedBy,
    environment: connection.environment,
    slackTarget: agent.slackChannelId ? `channel:${agent.slackChannelId}` : null,
    lastRun: run
      ? {
          id: run.id,
          status: run.status,
          startedAt: run.startedAt.toISOString(),
          finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
        }
      : null,
    nextRunAt: schedule === 'scheduled' ? agent.nextRunAt!.toISOString() : null,
    schedule,
    token: { mode: connection.tokenMode, expiresAt: expiresAt ? expiresAt.toISOString() : null },
    plan: plan ? { id: plan.id, expiresAt: plan.expiresAt.toISOString(), counts } : null,
  };
}

/** Reads the status facts of every agent: what the closing process writes as the home's read model. */
export async function computeStatusSnapshot(db: Db): Promise<StatusSnapshot> {
  const agents = [];
  for (const agent of await allAgents(db)) {
    const connection = await connectionById(db, agent.connectionId);
    let facts: StatusFacts | null = null;
    if (connection && !connection.revokedAt) {
      try {
        facts = await statusFacts(db, agent, connection);
      } catch {
        // e.g. a stored config that no longer parses: the database path reports it.
        facts = null;
      }
    }
    agents.push({ adAccountId: agent.adAccountId, facts });
  }
  return { format: STATUS_SNAPSHOT_FORMAT, agents };
}
