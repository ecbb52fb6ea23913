import type { AppContext } from '../app/context.js';
import { markScanned, queueThreadsOfAgent } from '../db/repos/slack-messages.js';
import { workspaceById } from '../db/repos/slack-workspaces.js';
import { type Actor, slackActor } from '../domain/actor.js';
import { parseThreadReply } from '../domain/thread-commands.js';
import { AppError, toAppError } from '../lib/errors.js';
import { botTokenForWorkspace } from '../slack/oauth/bot-token.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';
import { decideOn, requireOpenPlan } from './decide.js';

export interface SyncApprovalsResult {
  planId: string;
  scannedThreads: number;
  processedCommands: number;
  approvedKeys: string[];
  rejectedKeys: string[];
  clearedKeys: string[];
  /** Replies or commands that changed nothing, and why (not an approver, unknown key, old plan…). */
  ignored: Array<{ ts: string; user: string; reason: string }>;
}

/** Approval threads older than this are no longer read. */
const THREAD_LOOKBACK_MS = 7 * 86_400_000;

/**
 * Reads APPROVE / REJECT / CLEAR replies from the agent's approval threads, oldest first, and records
 * them with their author. A thread answers the plan it was posted for (slack_messages.plan_id): a reply
 * in an older plan's thread is refused with a pointer to the active plan, never applied to whatever the
 * active plan calls A1. Each author is checked twice: the id must have Slack's shape (anything else is
 * ignored, saying so), and the policy must let them decide. Each Slack message is applied once (its ts
 * is the decision's source reference), so syncing again is harmless. Nothing here writes to Meta.
 */
export async function syncApprovals(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor },
): Promise<SyncApprovalsResult> {
  const scope = await resolveFor(ctx, input.actor, input);
  const { db, agent } = scope;
  authorize(input.actor, 'sync_approvals', agent);
  // Multi-workspace mode: the threads are read with the bot token the agent's workspace installed.
  const reader =
    ctx.config.slack.oauth && agent.slackWorkspaceId
      ? ctx.slackThreads(await botTokenForWorkspace(ctx, agent.slackWorkspaceId))
      : ctx.slackThreads();
  if (!reader) {
    throw new AppError({
      code: 'slack_not_configured',
      verdict: 'invalid',
      message:
        'Slack is not configured: set SLACK_BOT_TOKEN (and SLACK_SIGNING_SECRET) to read approval threads, or decide with `metabuyer approve|reject KEY…`.',
    });
  }
  const now = ctx.clock.now();
  const plan = await requireOpenPlan(db, agent.id, now);
  const workspace = agent.slackWorkspaceId ? await workspaceById(db, agent.slackWorkspaceId) : undefined;
  if (!workspace) {
    throw new AppError({
      code: 'slack_workspace_unknown',
      verdict: 'invalid',
      message: `${agent.adAccountId} is not bound to a Slack workspace, so replies cannot be tied to people: run \`metabuyer setup --slack-workspace T… --slack-target channel:C… --apply\`.`,
    });
  }
  const threads = await queueThreadsOfAgent(db, agent.id, new Date(now.getTime() - THREAD_LOOKBACK_MS));
  const result: SyncApprovalsResult = {
    planId: plan.id,
    scannedThreads: 0,
    processedCommands: 0,
    approvedKeys: [],
    rejectedKeys: [],
    clearedKeys: [],
    ignored: [],
  };
  const keysFor = { approve: result.approvedKeys, reject: result.rejectedKeys, clear: result.clearedKeys };
  for (const thread of threads) {
    if (!thread.planId) continue;
    const replies = await reader.replies(
      thread.channelId,
      thread.threadTs,
      thread.lastScannedTs ?? undefined,
    );
    result.scannedThreads++;
    for (const reply of replies) {
      const ignore = (reason: string) =>
        result.ignored.push({ ts: reply.ts, user: shown(reply.user), reason });
      const parsed = parseThreadReply(reply.text);
      if (parsed.commands.length === 0 && parsed.problems.length === 0) continue;
      let author: Actor;
      try {
        author = slackActor(reply.user, workspace.teamId);
      } catch {
        ignore('the author is not a Slack user id (U… or W…); reply ignored');
        continue;
      }
      for (const problem of parsed.problems) ignore(problem);
      for (const command of parsed.commands) {
        try {
          const outcome = await decideOn(ctx, scope, {
            decision: command.decision,
            keys: command.keys,
            actor: author,
            source: 'slack_thread',
            planId: thread.planId,
            reason: command.reason ?? undefined,
            sourceRef: `${thread.channelId}:${reply.ts}`,
          });
          const recorded = outcome.results.filter((r) => r.recorded).map((r) => r.key);
          if (recorded.length > 0) result.processedCommands++;
          for (const key of recorded) {
            for (const list of Object.values(keysFor)) {
              const i = list.indexOf(key);
              if (i >= 0) list.splice(i, 1);
            }
            keysFor[command.decision].push(key);
          }
        } catch (e) {
          ignore(toAppError(e).message);
        }
      }
    }
    const last = replies.at(-1);
    if (last) await markScanned(db, thread.id, last.ts);
  }
  ctx.logger.info('approvals synced', {
    planId: plan.id,
    scannedThreads: result.scannedThreads,
    processedCommands: result.processedCommands,
  });
  return result;
}

/** A reply's author as shown back: bounded and printable, whatever Slack (or a forger) sent. */
function shown(user: string): string {
  const clean = String(user).replace(/\p{Cc}/gu, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}
