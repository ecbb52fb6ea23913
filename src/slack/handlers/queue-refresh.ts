import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../app/context.js';
import { agentById } from '../../db/repos/agents.js';
import { connectionById } from '../../db/repos/connections.js';
import { activePlan, planById } from '../../db/repos/plans.js';
import { queueThreadsOf } from '../../db/repos/slack-messages.js';
import { toAppError } from '../../lib/errors.js';
import { renderApprovalQueue } from '../blocks/approval-queue.js';
import { queueViewOf } from '../views/queue-view.js';

/**
 * Re-renders a plan's approval-queue messages in place (chat.update) from the database as it is now,
 * after a decision. A page Slack refuses to update is logged, never retried in a loop: the next refresh
 * carries the same state. Closing a queue (superseded, expired) is the worker's close-queue job, shown
 * once per state (src/jobs/handlers/close-queue.ts).
 */
export async function refreshQueue(ctx: AppContext, client: WebClient, planId: string): Promise<void> {
  const { db } = await ctx.database();
  const plan = await planById(db, planId);
  if (!plan) return;
  const agent = await agentById(db, plan.agentId);
  if (!agent) return;
  const connection = await connectionById(db, agent.connectionId);
  const active = await activePlan(db, agent.id);
  const view = await queueViewOf(db, {
    plan,
    agent,
    environment: connection?.environment ?? 'sandbox',
    now: ctx.clock.now(),
    activePlanId: active && active.id !== plan.id ? active.id : null,
  });
  const pages = renderApprovalQueue(view);
  const posted = await queueThreadsOf(db, plan.id);
  for (const [i, msg] of posted.entries()) {
    const page = pages[i] ?? pages.at(-1);
    if (!page) continue;
    try {
      await client.chat.update({
        channel: msg.channelId,
        ts: msg.messageTs,
        text: page.text,
        blocks: page.blocks as never,
      });
    } catch (e) {
      ctx.logger.warn('approval queue not updated', { planId, error: toAppError(e).message });
    }
  }
}
