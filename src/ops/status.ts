import type { AppContext } from '../app/context.js';
import { actionsOf, activePlan } from '../db/repos/plans.js';
import { latestRun } from '../db/repos/runs.js';
import type { Actor } from '../domain/actor.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';

export interface StatusResult {
  adAccountId: string;
  enabled: boolean;
  executionEnabled: boolean;
  intervalSeconds: number;
  halted: boolean;
  haltedReason: string | null;
  haltedBy: string | null;
  environment: 'sandbox' | 'live';
  slackTarget: string | null;
  lastRun: { id: string; status: string; startedAt: string; finishedAt: string | null } | null;
  /** When the scheduler will poll next; null while halted or disabled. */
  nextRunAt: string | null;
  token: { mode: string; expiresAt: string | null; expiresInDays: number | null };
  plan: { id: string; expiresAt: string; expired: boolean; counts: Record<string, number> } | null;
}

export async function status(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor },
): Promise<StatusResult> {
  const { db, agent, connection } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'view', agent);
  const now = ctx.clock.now();
  const run = await latestRun(db, agent.id);
  const plan = await activePlan(db, agent.id);
  const counts: Record<string, number> = {};
  if (plan) for (const a of await actionsOf(db, plan.id)) counts[a.status] = (counts[a.status] ?? 0) + 1;
  const polling = agent.enabled && !agent.halted;
  const next =
    agent.nextRunAt ?? (run ? new Date(run.startedAt.getTime() + agent.intervalSeconds * 1000) : now);
  const expiresAt = connection.tokenExpiresAt;
  return {
    adAccountId: agent.adAccountId,
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
    nextRunAt: polling ? next.toISOString() : null,
    token: {
      mode: connection.tokenMode,
      expiresAt: expiresAt ? expiresAt.toISOString() : null,
      expiresInDays: expiresAt ? Math.floor((expiresAt.getTime() - now.getTime()) / 86_400_000) : null,
    },
    plan: plan
      ? {
          id: plan.id,
          expiresAt: plan.expiresAt.toISOString(),
          expired: plan.expiresAt.getTime() <= now.getTime(),
          counts,
        }
      : null,
  };
}
