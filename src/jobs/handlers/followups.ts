import type { AppContext } from '../../app/context.js';
import { logById, rollbacksOf } from '../../db/repos/action-log.js';
import { agentById } from '../../db/repos/agents.js';
import { outboxByKey } from '../../db/repos/outbox.js';
import { queueThreadsOf } from '../../db/repos/slack-messages.js';
import { writeLabel } from '../../domain/outcome-text.js';
import { AppError } from '../../lib/errors.js';
import { agentConfigOf } from '../../ops/agent-config.js';
import { type FollowupDetail, followupById, summaryOf, sweepFollowups } from '../../ops/followups.js';
import { type FollowupMessageView, renderFollowup } from '../../slack/blocks/followup.js';
import type { SlackPoster } from '../../slack/poster.js';
import type { followupSweepJob, postFollowupJob } from '../definitions.js';
import type { JobHandler } from '../host.js';
import { CHANNEL_SPACING_MS, sendPaced } from './post-report.js';
import type { SlackDeps } from './write-path.js';

/** The repeatable sweep: creates and judges follow-ups (each verdict recorded, and queued for Slack, once). */
export function followupSweepHandler(ctx: AppContext): JobHandler<typeof followupSweepJob> {
  return async (_payload, run) => {
    const r = await sweepFollowups(ctx);
    if (r.evaluated.length > 0)
      run.logger.info('follow-ups judged', { judged: r.evaluated.length, waiting: r.waiting });
    return { created: r.created, judged: r.evaluated.length, waiting: r.waiting };
  };
}

/**
 * Posts a judged follow-up as a reply in its plan's thread. A Roll back button comes with a verdict of
 * hurt while the write is inside the rollback window and not undone yet (decided now, at posting time).
 * A row whose post is already done is not posted again.
 */
export function postFollowupHandler(
  ctx: AppContext,
  deps: SlackDeps & {
    /** Multi-workspace installs: the poster holding the agent's workspace bot token. */
    posterFor?: (workspaceId: string | null) => Promise<SlackPoster>;
  },
): JobHandler<typeof postFollowupJob> {
  return async (payload, run) => {
    const { db } = await ctx.database();
    const followup = await followupById(db, payload.followupId);
    const summary = followup ? summaryOf(followup) : null;
    if (!followup || !summary) {
      throw new AppError({
        code: 'followup_not_judged',
        verdict: 'invalid',
        message: `Follow-up ${payload.followupId} has no verdict to post.`,
      });
    }
    if ((await outboxByKey(db, `followup:${followup.id}`))?.state === 'done')
      return { posted: false, reason: 'already_done' };
    const write = await logById(db, followup.actionLogId);
    const agent = write ? await agentById(db, write.agentId) : undefined;
    const thread = write?.planId ? (await queueThreadsOf(db, write.planId))[0] : undefined;
    if (!write || !agent || !thread) {
      run.logger.info('follow-up not posted: its plan has no Slack thread', { followup_id: followup.id });
      return { posted: false, reason: 'no_thread' };
    }
    const now = ctx.clock.now();
    const windowOpen =
      now.getTime() < write.at.getTime() + agentConfigOf(agent).rollbackWindowHours * 3_600_000;
    const undone = (await rollbacksOf(db, [write.id])).some(
      (r) => r.event === 'applied' || r.event === 'reconciled',
    );
    const detail = followup.detail as unknown as FollowupDetail | null;
    const first = detail?.subjects[0];
    const account = detail?.subjects.find((s) => s.role === 'account' && s !== first);
    const view: FollowupMessageView = {
      label: writeLabel({
        key: write.actionKey,
        type: write.type,
        level: write.level,
        to: write.toValue,
        name: write.entityName ?? write.entityId,
      }),
      summary,
      currency: followup.currency ?? agent.currency,
      before: first?.estimate.days.before ?? [],
      after: first?.estimate.days.after ?? [],
      peers: first?.estimate.peers.count ?? 0,
      account:
        account && account.estimate.change !== null
          ? { change: account.estimate.change, metric: account.estimate.metric }
          : null,
      rollbackLogId: summary.verdict === 'hurt' && windowOpen && !undone ? write.id : null,
    };
    const msg = renderFollowup(view);
    const poster = deps.posterFor ? await deps.posterFor(agent.slackWorkspaceId) : deps.poster;
    const out = await sendPaced(
      { ...deps, poster },
      run,
      thread.channelId,
      { channel: thread.channelId, threadTs: thread.threadTs, ...msg },
      deps.spacingMs ?? CHANNEL_SPACING_MS,
    );
    return { posted: true, ts: out.ts, rollback: view.rollbackLogId !== null };
  };
}
