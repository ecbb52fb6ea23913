import { RateLimitError } from 'bullmq';
import type { AppContext } from '../../app/context.js';
import { agentById } from '../../db/repos/agents.js';
import { actionsOf, planById } from '../../db/repos/plans.js';
import {
  postedMessage,
  queueMessagesToClose,
  queueThreadsOf,
  type SlackMessageRow,
  showQueueState,
  slackMessageById,
} from '../../db/repos/slack-messages.js';
import type { ActionStatus } from '../../domain/action-state.js';
import { needsUpdate, queueStateOf, shownStateOf } from '../../domain/queue-state.js';
import { AppError, isAppError } from '../../lib/errors.js';
import { renderApprovalQueue } from '../../slack/blocks/approval-queue.js';
import { guardMessage } from '../../slack/blocks/limits.js';
import { type SlackPoster, SlackRateLimitedError } from '../../slack/poster.js';
import { loadQueueView } from '../../slack/views/queue-view.js';
import type { WorkerMetrics } from '../../worker/metrics.js';
import { closeQueueJob, jobIdOf, type queueSweepJob } from '../definitions.js';
import type { JobHandler, JobRun } from '../host.js';
import type { JobQueues } from '../queues.js';

/** The sweep looks back this far: older queue messages are left as they are. */
export const SWEEP_LOOKBACK_MS = 30 * 24 * 3600_000;
/** A superseded plan waits this long for its successor to be posted, so the closed queue can link to it. */
export const SUCCESSOR_GRACE_MS = 2 * 60_000;
/** At most this many messages per sweep; the next sweep takes the rest. */
export const SWEEP_BATCH = 500;

/**
 * Hands one queue message to the slack queue to be closed. The job id is the message and the state
 * expected, so the sweep and the poster of the new plan asking for the same close make one job.
 */
export function enqueueCloseQueue(queues: JobQueues, messageId: string, expected: 'superseded' | 'expired') {
  return queues.enqueue(
    closeQueueJob,
    { v: 1, messageId },
    { jobId: jobIdOf('close-queue', messageId, expected) },
  );
}

/** The sweep: every queue message whose plan was superseded or expired and that still shows it open. */
export function queueSweepHandler(ctx: AppContext): JobHandler<typeof queueSweepJob> {
  return async (_payload, run) => {
    const { db } = await ctx.database();
    const now = ctx.clock.now();
    const due = await queueMessagesToClose(db, {
      now,
      since: new Date(now.getTime() - SWEEP_LOOKBACK_MS),
      graceMs: SUCCESSOR_GRACE_MS,
      limit: SWEEP_BATCH,
    });
    for (const m of due) await enqueueCloseQueue(run.queues, m.messageId, m.expected);
    if (due.length > 0) run.logger.info('approval queues to close', { count: due.length });
    return { enqueued: due.length };
  };
}

export interface CloseQueueDeps {
  poster: SlackPoster | undefined;
  /** Multi-workspace mode: the poster of the agent's workspace. */
  posterFor?: (workspaceId: string | null) => Promise<SlackPoster>;
  metrics?: WorkerMetrics;
}

/**
 * Re-renders one approval-queue message for its plan's closed state: no buttons, a line saying why
 * (superseded by which plan, with a link to where it is shown; expired and whether anything was
 * written), and every decision kept. Shown once per state: the update runs with the message's row
 * locked and records the state it showed; a failed update records nothing and the job is retried.
 */
export function closeQueueHandler(ctx: AppContext, deps: CloseQueueDeps): JobHandler<typeof closeQueueJob> {
  return async (payload, run) => {
    const { db } = await ctx.database();
    const now = ctx.clock.now();
    const message = await slackMessageById(db, payload.messageId);
    if (message?.kind !== 'queue' || !message.planId) return { updated: false, reason: 'not_a_queue' };
    const plan = await planById(db, message.planId);
    const agent = plan ? await agentById(db, plan.agentId) : undefined;
    if (!plan || !agent) return { updated: false, reason: 'plan_gone' };
    const actions = (await actionsOf(db, plan.id)).map((a) => a.status as ActionStatus);
    const state = queueStateOf(plan, actions, now);
    if (!needsUpdate(message.shownState, state)) {
      return { updated: false, reason: state === 'active' ? 'open' : 'already_shown', state };
    }
    const poster = deps.posterFor ? await deps.posterFor(agent.slackWorkspaceId) : deps.poster;
    if (!poster?.update) {
      throw new AppError({
        code: 'slack_not_configured',
        verdict: 'invalid',
        message: 'SLACK_BOT_TOKEN is not set: the worker cannot update approval queues in Slack.',
      });
    }
    const successor =
      state === 'superseded' && plan.supersededBy
        ? { id: plan.supersededBy, permalink: await successorLink(db, poster, run, plan.supersededBy) }
        : null;
    const view = await loadQueueView(db, plan.id, now, successor);
    if (!view) return { updated: false, reason: 'plan_gone' };
    const pages = renderApprovalQueue(view).map((m) => guardMessage(m).message);
    const siblings = await queueThreadsOf(db, plan.id);
    const page = pages[siblings.findIndex((m) => m.id === message.id)] ?? pages.at(-1)!;
    const shown = await showQueueState(
      db,
      message.id,
      now,
      (locked) => (needsUpdate(locked.shownState, state) ? shownStateOf(state) : null),
      (locked) =>
        callSlack(deps, run, () =>
          poster.update!({
            channel: locked.channelId,
            ts: locked.messageTs,
            text: page.text,
            blocks: page.blocks,
          }),
        ),
    );
    if (!shown) return { updated: false, reason: 'already_shown', state };
    run.logger.info('approval queue closed', {
      plan_id: plan.id,
      message_ts: message.messageTs,
      shown: shown.shown,
    });
    return { updated: true, state: shown.shown };
  };
}

/**
 * Where the plan that replaced this one is shown: its first queue message, else its run's report.
 * Null when it was never posted, or Slack refuses the link for good (the line then names the plan only).
 */
async function successorLink(
  db: Parameters<typeof queueThreadsOf>[0],
  poster: SlackPoster,
  run: JobRun,
  successorId: string,
): Promise<string | null> {
  if (!poster.permalink) return null;
  const next = await planById(db, successorId);
  if (!next) return null;
  const target: SlackMessageRow | undefined =
    (await queueThreadsOf(db, next.id))[0] ??
    (await postedMessage(db, { agentId: next.agentId, kind: 'report', runId: next.runId }));
  if (!target) return null;
  try {
    return await callSlack({}, run, () => poster.permalink!(target.channelId, target.messageTs));
  } catch (e) {
    if (e instanceof RateLimitError || !isAppError(e) || e.verdict === 'retry' || e.verdict === 'back_off')
      throw e;
    run.logger.warn('no link to the plan that replaced this one', { plan_id: successorId, code: e.code });
    return null;
  }
}

/** A 429 rate-limits the whole slack queue for Retry-After and hands the job back, as posts do. */
async function callSlack<T>(
  deps: Pick<CloseQueueDeps, 'metrics'>,
  run: JobRun,
  call: () => Promise<T>,
): Promise<T> {
  try {
    const out = await call();
    deps.metrics?.slackPosts.inc({ outcome: 'updated' });
    return out;
  } catch (e) {
    if (e instanceof SlackRateLimitedError) {
      deps.metrics?.slackPosts.inc({ outcome: 'rate_limited' });
      const ms = e.retryAfterMs ?? 1_000;
      run.logger.warn('slack rate limited: the slack queue waits as Slack asked', { retry_after_ms: ms });
      await run.queues.queue('slack').rateLimit(ms);
      throw new RateLimitError();
    }
    deps.metrics?.slackPosts.inc({ outcome: 'failed' });
    throw e;
  }
}
