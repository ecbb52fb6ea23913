import type { AppContext } from '../app/context.js';
import { updateAgent } from '../db/repos/agents.js';
import { resolveAgent } from './agent-scope.js';
import { resyncPollSchedule } from './schedule-sync.js';

export interface HaltResult {
  adAccountId: string;
  halted: boolean;
  haltedReason: string | null;
  haltedBy: string | null;
  haltedAt: string | null;
  changed: boolean;
}

/** Halts polling and execution for an agent until someone resumes it. */
export async function pauseAgent(
  ctx: AppContext,
  input: { adAccount?: string; reason: string; actor: string },
): Promise<HaltResult> {
  const { db, agent } = await resolveAgent(ctx, input.adAccount);
  const now = ctx.clock.now();
  const updated = await updateAgent(
    db,
    agent.id,
    { halted: true, haltedReason: input.reason, haltedBy: input.actor, haltedAt: now },
    now,
  );
  ctx.logger.info('agent halted', { agentId: agent.id, reason: input.reason, actor: input.actor });
  await resyncPollSchedule(ctx, agent.id);
  return toResult(updated, !agent.halted || agent.haltedReason !== input.reason);
}

export async function resumeAgent(
  ctx: AppContext,
  input: { adAccount?: string; actor: string },
): Promise<HaltResult> {
  const { db, agent } = await resolveAgent(ctx, input.adAccount);
  const now = ctx.clock.now();
  const updated = await updateAgent(
    db,
    agent.id,
    { halted: false, haltedReason: null, haltedBy: null, haltedAt: null },
    now,
  );
  ctx.logger.info('agent resumed', { agentId: agent.id, actor: input.actor });
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
