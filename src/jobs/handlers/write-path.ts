import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { agentById } from '../../db/repos/agents.js';
import { confirmationById } from '../../db/repos/confirmations.js';
import { outboxById } from '../../db/repos/outbox.js';
import { activePlan } from '../../db/repos/plans.js';
import { queueThreadsOf, recordShownState } from '../../db/repos/slack-messages.js';
import { cliActor } from '../../domain/actor.js';
import { shownStateOf } from '../../domain/queue-state.js';
import { AppError } from '../../lib/errors.js';
import type { ExecuteResult } from '../../ops/execute.js';
import { KILL_SWITCH_TOPIC } from '../../ops/kill-switch.js';
import type { RollbackResult } from '../../ops/rollback.js';
import { runNow } from '../../ops/run-now.js';
import { connectionsToMaintain, maintainToken, purgeOAuthLogins } from '../../ops/token-maintenance.js';
import { reconcile, runConfirmation } from '../../ops/write-path.js';
import { renderApprovalQueue } from '../../slack/blocks/approval-queue.js';
import { renderKillSwitch } from '../../slack/blocks/kill-switch.js';
import { renderResults } from '../../slack/blocks/results.js';
import type { SlackPoster } from '../../slack/poster.js';
import { loadQueueView } from '../../slack/views/queue-view.js';
import type { WorkerMetrics } from '../../worker/metrics.js';
import {
  type executeJob,
  jobIdOf,
  maintainTokenJob as maintainTokenDef,
  type maintainTokenJob,
  type maintenanceSweepJob,
  type postOutboxMessageJob,
  postResultsJob as postResultsDef,
  type postResultsJob,
  purgeOAuthLoginsJob as purgeDef,
  type purgeOAuthLoginsJob,
  type reconcileJob,
  type runNowJob,
} from '../definitions.js';
import type { JobHandler, JobRun } from '../host.js';
import { CHANNEL_SPACING_MS, sendPaced } from './post-report.js';

/** run-now for an operator's CLI: the same op, its result returned to the waiting CLI. */
export function runNowHandler(ctx: AppContext, deps?: SlackDeps): JobHandler<typeof runNowJob> {
  return async (payload, run) => {
    const { db } = await ctx.database();
    const agent = await agentById(db, payload.agentId);
    if (!agent) {
      throw new AppError({
        code: 'agent_not_found',
        verdict: 'invalid',
        message: `No agent ${payload.agentId}.`,
      });
    }
    const result = await runNow(ctx, {
      adAccount: agent.adAccountId,
      actor: cliActor(payload.operator),
      trigger: 'cli',
    });
    // A manual poll does not replan: when it read new changes, the active plan's queue may now carry
    // outside-change flags, so its messages are brought up to date (best effort).
    if (deps && result.activities.stored > 0) {
      try {
        const plan = await activePlan(db, agent.id);
        if (plan) await refreshQueue(ctx, deps, run, plan.id);
      } catch (e) {
        run.logger.warn('approval queue not refreshed after the poll', { error: (e as Error).message });
      }
    }
    return result;
  };
}

/**
 * Runs the confirmation a job names (execute and rollback queues alike). runConfirmation is idempotent
 * across processes, so a job handed twice (a flushed Redis, a crashed worker's job run again) writes once.
 * Then hands the slack queue a post-results job (ids only; one per confirmation).
 */
export function confirmationHandler(ctx: AppContext): JobHandler<typeof executeJob> {
  return async (payload, run) => {
    const result = await runConfirmation(ctx, payload.confirmationId);
    await run.queues.enqueue(
      postResultsDef,
      { v: 1, confirmationId: payload.confirmationId },
      { jobId: jobIdOf('results', payload.confirmationId) },
    );
    const counts =
      result.kind === 'execute'
        ? { applied: result.applied, skipped: result.skipped, failed: result.failed, unknown: result.unknown }
        : { rolled_back: result.rolled_back, refused: result.refused, failed: result.failed };
    run.logger.info('confirmation ran', {
      confirmation_id: payload.confirmationId,
      kind: result.kind,
      ...counts,
    });
    return { kind: result.kind, confirmationId: payload.confirmationId, ...counts };
  };
}

export function reconcileHandler(ctx: AppContext): JobHandler<typeof reconcileJob> {
  return async (_payload, run) => {
    const r = await reconcile(ctx);
    if (r.settled.length || r.reopened.length)
      run.logger.info('reconciled', { settled: r.settled.length, reopened: r.reopened });
    return { settled: r.settled.length, reopened: r.reopened.length };
  };
}

export interface SlackDeps {
  poster: SlackPoster | undefined;
  redis: Redis;
  prefix: string;
  metrics?: WorkerMetrics;
  spacingMs?: number;
}

/** Posts a finished confirmation's results as a reply in its plan's report thread. */
export function postResultsHandler(ctx: AppContext, deps: SlackDeps): JobHandler<typeof postResultsJob> {
  return async (payload, run) => {
    const { db } = await ctx.database();
    const conf = await confirmationById(db, payload.confirmationId);
    if (conf?.status !== 'done' || !conf.result) {
      throw new AppError({
        code: 'confirmation_not_finished',
        verdict: 'invalid',
        message: `Confirmation ${payload.confirmationId} has no results to post.`,
      });
    }
    // Rollbacks have no plan: their results go to the thread of nothing, so they are not posted here.
    const thread = conf.planId ? (await queueThreadsOf(db, conf.planId))[0] : undefined;
    if (!thread) {
      run.logger.info('results not posted: the plan has no Slack thread', { confirmation_id: conf.id });
      return { posted: false };
    }
    const result = conf.result as unknown as ExecuteResult | RollbackResult;
    const msg = renderResults(result, conf.confirmedBy);
    const out = await sendPaced(
      deps,
      run,
      thread.channelId,
      { channel: thread.channelId, threadTs: thread.threadTs, ...msg },
      deps.spacingMs ?? CHANNEL_SPACING_MS,
    );
    const updated = await refreshQueue(ctx, deps, run, conf.planId!);
    return { posted: true, ts: out.ts, updated };
  };
}

/**
 * Replaces the plan's approval-queue message(s) in place with the queue as it now stands (statuses,
 * outcomes, no buttons on what can no longer be decided). Best effort: the results reply is already out.
 */
async function refreshQueue(ctx: AppContext, deps: SlackDeps, run: JobRun, planId: string): Promise<number> {
  if (!deps.poster?.update) return 0;
  const { db } = await ctx.database();
  const view = await loadQueueView(db, planId, ctx.clock.now());
  if (!view) return 0;
  const pages = renderApprovalQueue(view);
  const messages = await queueThreadsOf(db, planId);
  let updated = 0;
  for (const [i, m] of messages.entries()) {
    const page = pages[i];
    if (!page) break;
    try {
      await deps.poster.update({
        channel: m.channelId,
        ts: m.messageTs,
        text: page.text,
        blocks: page.blocks,
      });
      // An executed plan's queue is closed now: the sweep has nothing more to show there.
      if (view.state !== 'active')
        await recordShownState(db, m.id, shownStateOf(view.state), ctx.clock.now());
      updated++;
    } catch (e) {
      run.logger.warn('approval queue not updated', { plan_id: planId, error: (e as Error).message });
    }
  }
  return updated;
}

const warningPayload = z.object({ channel_id: z.string().min(1), text: z.string().min(1) }).loose();

/** Posts an outbox message (a connection warning): channel and text are read from the row, not the job. */
export function postOutboxMessageHandler(
  ctx: AppContext,
  deps: SlackDeps,
): JobHandler<typeof postOutboxMessageJob> {
  return async (payload, run) => {
    const { db } = await ctx.database();
    const row = await outboxById(db, payload.outboxId);
    if (!row) {
      throw new AppError({
        code: 'outbox_not_found',
        verdict: 'invalid',
        message: `No outbox row ${payload.outboxId}.`,
      });
    }
    if (row.state === 'done') return { posted: false, reason: 'already_done' };
    if (row.topic === KILL_SWITCH_TOPIC) return postKillSwitch(ctx, deps, run, row.id, row.payload);
    const p = warningPayload.safeParse(row.payload);
    if (!p.success) {
      throw new AppError({
        code: 'outbox_payload_invalid',
        verdict: 'invalid',
        message: `Outbox row ${row.id} has no channel_id and text to post.`,
      });
    }
    const out = await sendPaced(
      deps,
      run,
      p.data.channel_id,
      { channel: p.data.channel_id, text: p.data.text },
      deps.spacingMs ?? CHANNEL_SPACING_MS,
    );
    return { posted: true, ts: out.ts };
  };
}

const killSwitchPayload = z.object({
  v: z.literal(1),
  ad_account_id: z.string().min(1),
  channel_id: z.string().min(1),
  trips: z.array(z.object({ kind: z.string().min(1), reason: z.string().min(1) })).min(1),
  plan_id: z.string().min(1).nullable(),
  at: z.iso.datetime(),
});

/**
 * A kill-switch trip's one message (Block Kit) in the agent's channel, then its approval queue
 * re-rendered as closed (the plan expired in the trip's transaction). A retried job may post twice only
 * if Slack accepted the post and the job died before finishing; the outbox row settles it once done.
 */
async function postKillSwitch(
  ctx: AppContext,
  deps: SlackDeps,
  run: JobRun,
  outboxId: string,
  payload: unknown,
): Promise<Record<string, unknown>> {
  const p = killSwitchPayload.safeParse(payload);
  if (!p.success) {
    throw new AppError({
      code: 'outbox_payload_invalid',
      verdict: 'invalid',
      message: `Outbox row ${outboxId} is not a kill-switch message.`,
    });
  }
  const msg = renderKillSwitch({
    adAccountId: p.data.ad_account_id,
    trips: p.data.trips,
    at: p.data.at,
    planId: p.data.plan_id,
  });
  const out = await sendPaced(
    deps,
    run,
    p.data.channel_id,
    { channel: p.data.channel_id, ...msg },
    deps.spacingMs ?? CHANNEL_SPACING_MS,
  );
  const updated = p.data.plan_id ? await refreshQueue(ctx, deps, run, p.data.plan_id) : 0;
  return { posted: true, ts: out.ts, updated };
}

/** The daily sweep: a maintain-token job per connection (one per connection per day) and the purge. */
export function maintenanceSweepHandler(ctx: AppContext): JobHandler<typeof maintenanceSweepJob> {
  return async (_payload, run) => {
    const day = ctx.clock.now().toISOString().slice(0, 10);
    const ids = await connectionsToMaintain(ctx);
    for (const connectionId of ids) {
      await run.queues.enqueue(
        maintainTokenDef,
        { v: 1, connectionId },
        { jobId: jobIdOf('maintain', connectionId, day) },
      );
    }
    await run.queues.enqueue(purgeDef, { v: 1 }, { jobId: jobIdOf('purge', day) });
    return { connections: ids.length };
  };
}

export function maintainTokenHandler(ctx: AppContext): JobHandler<typeof maintainTokenJob> {
  return async (payload) => {
    const r = await maintainToken(ctx, payload.connectionId);
    return { outcome: r.outcome };
  };
}

export function purgeOAuthLoginsHandler(ctx: AppContext): JobHandler<typeof purgeOAuthLoginsJob> {
  return async () => purgeOAuthLogins(ctx);
}
