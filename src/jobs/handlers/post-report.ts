import { DelayedError, RateLimitError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Database } from '../../db/client.js';
import { agentById } from '../../db/repos/agents.js';
import {
  postedMessage,
  queuesSupersededBy,
  recordSlackMessage,
  type SlackMessageRow,
} from '../../db/repos/slack-messages.js';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type SlackPost, type SlackPoster, SlackRateLimitedError } from '../../slack/poster.js';
import { loadReportView, type ReportRenderer } from '../../slack/report-view.js';
import type { WorkerMetrics } from '../../worker/metrics.js';
import type { postReportJob } from '../definitions.js';
import type { JobHandler, JobRun } from '../host.js';
import { enqueueCloseQueue } from './close-queue.js';

/** Slack allows about one message per second per channel; a little over, so bursts never trip it. */
export const CHANNEL_SPACING_MS = 1_100;

export interface PostReportDeps {
  database: () => Promise<Database>;
  /** Undefined when SLACK_BOT_TOKEN is not set: the job fails with a message saying so. */
  poster: SlackPoster | undefined;
  /**
   * Multi-workspace mode: the poster for the agent's workspace (its own bot token). Refuses a workspace
   * that uninstalled MetaBuyer (slack_not_installed, a permanent failure), so nothing is posted there.
   */
  posterFor?: (workspaceId: string | null) => Promise<SlackPoster>;
  renderer: ReportRenderer;
  /** Holds the per-channel spacing tokens. */
  redis: Redis;
  prefix: string;
  clock: Clock;
  metrics?: WorkerMetrics;
  spacingMs?: number;
}

/**
 * Posts a run's report (the thread parent) and its plan's approval queue (a reply in that thread) to
 * the agent's channel, and records each message's ts in slack_messages so the thread is known to
 * sync-approvals and to later replies. Idempotent by run and plan: a retried job reuses what was
 * already posted. Waits never hold a job: a busy channel moves the job to delayed; a 429 rate-limits
 * the slack queue for Retry-After and hands the job back.
 */
export function postReportHandler(deps: PostReportDeps): JobHandler<typeof postReportJob> {
  const spacing = deps.spacingMs ?? CHANNEL_SPACING_MS;
  return async (payload, run) => {
    const { db } = await deps.database();
    const agent = await agentById(db, payload.agentId);
    if (!agent) {
      throw new AppError({
        code: 'agent_not_found',
        verdict: 'invalid',
        message: `No agent ${payload.agentId}.`,
      });
    }
    if (!agent.slackChannelId) {
      run.logger.info('report not posted: the agent has no Slack channel (setup --slack-target channel:C…)');
      return { posted: 0, reason: 'no_channel' };
    }
    const poster = deps.posterFor ? await deps.posterFor(agent.slackWorkspaceId) : deps.poster;
    if (!poster) {
      throw new AppError({
        code: 'slack_not_configured',
        verdict: 'invalid',
        message: 'SLACK_BOT_TOKEN is not set: the worker cannot post reports to Slack.',
      });
    }
    const channel = agent.slackChannelId;
    const view = await loadReportView(db, payload);
    const source = { db, ids: payload, now: deps.clock.now() };
    // The poster of the agent's own workspace (multi-workspace mode) posts, paced per channel.
    const send = (post: SlackPost) => sendPaced({ ...deps, poster }, run, channel, post, spacing);
    const record = (kind: 'report' | 'queue', out: { channel: string; ts: string }, threadTs: string) =>
      recordSlackMessage(db, {
        id: newId('msg', deps.clock.now().getTime()),
        agentId: agent.id,
        kind,
        channelId: out.channel,
        messageTs: out.ts,
        threadTs,
        runId: payload.runId,
        planId: payload.planId,
        postedAt: deps.clock.now(),
      });

    let posted = 0;
    let report: SlackMessageRow | undefined = await postedMessage(db, {
      agentId: agent.id,
      kind: 'report',
      runId: payload.runId,
    });
    if (!report) {
      const out = await send({ channel, ...(await deps.renderer.report(view, source)) });
      report = await record('report', out, out.ts);
      posted++;
    }
    const queueMessage = payload.planId ? await deps.renderer.queue(view, source) : undefined;
    if (queueMessage && payload.planId) {
      const existing = await postedMessage(db, { agentId: agent.id, kind: 'queue', planId: payload.planId });
      if (!existing) {
        const out = await send({ channel, threadTs: report.threadTs, ...queueMessage });
        await record('queue', out, report.threadTs);
        posted++;
      }
    }
    // The plan this one replaced: its queue messages close now, pointing here.
    const superseded = payload.planId ? await queuesSupersededBy(db, payload.planId) : [];
    for (const m of superseded) await enqueueCloseQueue(run.queues, m.id, 'superseded');
    run.logger.info('report posted to slack', {
      channel,
      thread_ts: report.threadTs,
      posted,
      queues_to_close: superseded.length,
    });
    return { posted, threadTs: report.threadTs };
  };
}

/**
 * Posts through the channel's pacing; a 429 rate-limits the whole slack queue for Retry-After and hands
 * the job back (RateLimitError), so no worker sleeps while holding a job.
 */
export async function sendPaced(
  deps: Pick<PostReportDeps, 'poster' | 'redis' | 'prefix' | 'metrics'>,
  run: JobRun,
  channel: string,
  post: SlackPost,
  spacingMs: number,
): Promise<{ channel: string; ts: string }> {
  if (!deps.poster) {
    throw new AppError({
      code: 'slack_not_configured',
      verdict: 'invalid',
      message: 'SLACK_BOT_TOKEN is not set: the worker cannot post to Slack.',
    });
  }
  await paceChannel(deps, run, channel, spacingMs);
  try {
    const out = await deps.poster.post(post);
    deps.metrics?.slackPosts.inc({ outcome: 'posted' });
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

/**
 * Takes the channel's spacing token (a Redis key that lives `spacingMs`); when another post holds it,
 * moves the job to delayed until it lapses — other channels' jobs keep flowing meanwhile.
 */
async function paceChannel(
  deps: Pick<PostReportDeps, 'redis' | 'prefix' | 'metrics'>,
  run: JobRun,
  channel: string,
  spacingMs: number,
) {
  const key = `${deps.prefix}:slack-pace:${channel}`;
  const took = await deps.redis.set(key, run.job.id ?? '1', 'PX', spacingMs, 'NX');
  if (took === 'OK') return;
  const ttl = await deps.redis.pttl(key);
  const waitMs = ttl > 0 ? ttl : spacingMs;
  deps.metrics?.slackPosts.inc({ outcome: 'paced' });
  run.logger.debug('slack channel busy: job delayed', { channel, wait_ms: waitMs });
  await run.job.moveToDelayed(Date.now() + waitMs, run.token);
  throw new DelayedError();
}
