import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../app/context.js';
import { messageOfThread } from '../../db/repos/slack-messages.js';
import type { Decision } from '../../domain/action-state.js';
import { type Actor, slackActor } from '../../domain/actor.js';
import { parseThreadReply } from '../../domain/thread-commands.js';
import { toAppError } from '../../lib/errors.js';
import { decide } from '../../ops/decide.js';
import { esc } from '../blocks/kit.js';
import { refreshQueue } from './queue-refresh.js';

export interface ThreadReply {
  teamId: string;
  channel: string;
  user: string;
  text: string;
  ts: string;
  threadTs: string;
}

/**
 * APPROVE / REJECT / CLEAR typed in a plan's thread. Conversation is ignored; a line that starts with a
 * verb but names nothing valid gets a threaded answer saying what was not understood; someone who may
 * not decide gets an ephemeral refusal; a reply in an old plan's thread is refused with a pointer to
 * the active plan. The decision is bound to the thread's own plan, never to whatever plan is newest.
 */
export async function onThreadReply(ctx: AppContext, client: WebClient, reply: ThreadReply): Promise<void> {
  const { db } = await ctx.database();
  const thread = await messageOfThread(db, reply.channel, reply.threadTs);
  if (!thread?.planId) return;
  const parsed = parseThreadReply(reply.text);
  if (parsed.commands.length === 0 && parsed.problems.length === 0) return;
  let actor: Actor;
  try {
    actor = slackActor(reply.user, reply.teamId);
  } catch {
    ctx.logger.warn('thread reply from an id that is not Slack-shaped ignored', { channel: reply.channel });
    return;
  }
  const say = (text: string) =>
    client.chat.postMessage({ channel: reply.channel, thread_ts: reply.threadTs, text }).catch((e) => {
      ctx.logger.warn('thread answer not posted', { error: toAppError(e).message });
    });
  if (parsed.problems.length > 0) {
    await say(
      `<@${actor.id}> I did not understand: ${parsed.problems.map(esc).join('; ')}. Nothing was recorded for those lines.`,
    );
  }
  let changed = false;
  for (const command of parsed.commands) {
    const outcome = await record(ctx, {
      actor,
      decision: command.decision,
      keys: command.keys,
      reason: command.reason ?? undefined,
      planId: thread.planId,
      channel: reply.channel,
      source: 'slack_thread',
      sourceRef: `${reply.channel}:${reply.ts}`,
    });
    if (outcome.ok) changed ||= outcome.recorded > 0;
    else if (outcome.private)
      await client.chat
        .postEphemeral({
          channel: reply.channel,
          user: actor.id,
          thread_ts: reply.threadTs,
          text: outcome.message,
        })
        .catch(() => {});
    else await say(outcome.message);
  }
  if (changed) await refreshQueue(ctx, client, thread.planId);
}

type RecordOutcome = { ok: true; recorded: number } | { ok: false; private: boolean; message: string };

/** One decision through src/ops; refusals come back as words for the person, never as a crash. */
export async function record(
  ctx: AppContext,
  input: {
    actor: Actor;
    decision: Decision;
    keys: string[] | 'ALL';
    reason?: string | undefined;
    planId: string;
    channel: string;
    source: 'slack_thread' | 'slack_button';
    sourceRef: string;
  },
): Promise<RecordOutcome> {
  try {
    const r = await decide(ctx, {
      actor: input.actor,
      slack: { workspaceId: input.actor.workspaceId ?? '', channelId: input.channel },
      planId: input.planId,
      decision: input.decision,
      keys: input.keys,
      reason: input.reason,
      source: input.source,
      sourceRef: input.sourceRef,
    });
    return { ok: true, recorded: r.results.filter((x) => x.recorded).length };
  } catch (e) {
    const err = toAppError(e);
    // Who may not decide learns it privately; what concerns the thread (an old plan, an unknown key) is said there.
    return { ok: false, private: err.verdict === 'permission', message: ctx.redactor.string(err.message) };
  }
}
