import type { AppContext } from '../app/context.js';
import { markScanned, queueThreadsOf } from '../db/repos/slack-messages.js';
import { parseThreadReply } from '../domain/thread-commands.js';
import { AppError, toAppError } from '../lib/errors.js';
import { resolveAgent } from './agent-scope.js';
import { decide, requireOpenPlan } from './decide.js';

export interface SyncApprovalsResult {
  planId: string;
  scannedThreads: number;
  processedCommands: number;
  approvedKeys: string[];
  rejectedKeys: string[];
  clearedKeys: string[];
  /** Replies or commands that changed nothing, and why (not an approver, unknown key…). */
  ignored: Array<{ ts: string; user: string; reason: string }>;
}

/**
 * Reads APPROVE / REJECT / CLEAR replies from the active plan's approval threads, oldest first, and
 * records them with their author. Each Slack message is applied once (its ts is the decision's source
 * reference), so syncing again is harmless. Nothing here writes to Meta.
 */
export async function syncApprovals(
  ctx: AppContext,
  input: { adAccount?: string },
): Promise<SyncApprovalsResult> {
  const { db, agent } = await resolveAgent(ctx, input.adAccount);
  const reader = ctx.slackThreads();
  if (!reader) {
    throw new AppError({
      code: 'slack_not_configured',
      verdict: 'invalid',
      message:
        'Slack is not configured: set SLACK_BOT_TOKEN (and SLACK_SIGNING_SECRET) to read approval threads, or decide with `metabuyer approve|reject KEY…`.',
    });
  }
  const plan = await requireOpenPlan(db, agent.id, ctx.clock.now());
  const threads = await queueThreadsOf(db, plan.id);
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
    const replies = await reader.replies(
      thread.channelId,
      thread.threadTs,
      thread.lastScannedTs ?? undefined,
    );
    result.scannedThreads++;
    for (const reply of replies) {
      const parsed = parseThreadReply(reply.text);
      for (const problem of parsed.problems)
        result.ignored.push({ ts: reply.ts, user: reply.user, reason: problem });
      for (const command of parsed.commands) {
        try {
          const outcome = await decide(ctx, {
            adAccount: agent.adAccountId,
            decision: command.decision,
            keys: command.keys,
            actor: reply.user,
            source: 'slack_thread',
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
          result.ignored.push({ ts: reply.ts, user: reply.user, reason: toAppError(e).message });
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
