import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { recordAgentEvent } from '../db/repos/agent-events.js';
import { updateAgent } from '../db/repos/agents.js';
import { type Actor, actorLabel } from '../domain/actor.js';
import { UsageError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';
import { resyncPollSchedule } from './schedule-sync.js';

export interface HaltResult {
  adAccountId: string;
  halted: boolean;
  haltedReason: string | null;
  haltedBy: string | null;
  haltedAt: string | null;
  changed: boolean;
}

/**
 * Halts polling and execution for an agent until someone resumes it. Pausing is the safe direction, so
 * anyone who can reach the agent may pull it; resuming needs an operator (src/domain/policy.ts).
 */
export async function pauseAgent(
  ctx: AppContext,
  input: AgentSelector & { reason: string; actor: Actor },
): Promise<HaltResult> {
  const { db, agent } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'pause', agent);
  const reason = input.reason
    .replace(/\p{Cc}/gu, ' ')
    .trim()
    .slice(0, 500);
  if (reason.length < 3) throw new UsageError('say why the agent is paused (at least 3 characters)');
  const by = actorLabel(input.actor);
  const now = ctx.clock.now();
  const updated = await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await recordAgentEvent(tx, {
      id: newId('aevt', now.getTime()),
      agentId: agent.id,
      kind: 'halt',
      reason,
      actor: by,
      at: now,
    });
    return updateAgent(
      tx,
      agent.id,
      { halted: true, haltedReason: reason, haltedBy: by, haltedAt: now },
      now,
    );
  });
  ctx.logger.info('agent halted', { agentId: agent.id, reason, actor: by });
  await resyncPollSchedule(ctx, agent.id);
  return toResult(updated, !agent.halted || agent.haltedReason !== reason);
}

export async function resumeAgent(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor },
): Promise<HaltResult> {
  const { db, agent } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'resume', agent);
  const now = ctx.clock.now();
  const by = actorLabel(input.actor);
  // The resume is logged with what it ended, so `status` and `action-log` show who resumed from what.
  const updated = await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    if (agent.halted) {
      await recordAgentEvent(tx, {
        id: newId('aevt', now.getTime()),
        agentId: agent.id,
        kind: 'resume',
        reason: `resumed after: ${agent.haltedReason ?? 'a halt'}`.slice(0, 1_000),
        actor: by,
        details: { halted_by: agent.haltedBy, halted_at: agent.haltedAt?.toISOString() ?? null },
        at: now,
      });
    }
    return updateAgent(
      tx,
      agent.id,
      { halted: false, haltedReason: null, haltedBy: null, haltedAt: null },
      now,
    );
  });
  ctx.logger.info('agent resumed', { agentId: agent.id, actor: by });
  await resyncPollSchedule(ctx, agent.id);
  return toResult(updated, agent.halted);
}

function toResult(
  a: {
    adAccountId: string;
    halted: boolean;
    haltedReason: string | null;
    haltedBy: string | null;
    haltedAt: Date | null;
  },
  changed: boolean,
): HaltResult {
  return {
    adAccountId: a.adAccountId,
    halted: a.halted,
    haltedReason: a.haltedReason,
    haltedBy: a.haltedBy,
    haltedAt: a.haltedAt ? a.haltedAt.toISOString() : null,
    changed,
  };
}
