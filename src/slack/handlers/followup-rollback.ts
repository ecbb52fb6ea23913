import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../app/context.js';
import { logById } from '../../db/repos/action-log.js';
import { slackActor } from '../../domain/actor.js';
import { parseLogIdValue } from '../blocks/ids.js';
import { prepareConfirmModal } from './confirm.js';
import { agentOfWorkspace } from './scope.js';

/**
 * The Roll back button of a follow-up that found a write hurt: opens the rollback confirmation modal for
 * that one write (the same modal and the same checks as `/metabuyer rollback-actions`). Returns a message
 * for the clicker instead when the button is not ours, the agent is not in their workspace, they may not
 * confirm, or the write can no longer be rolled back; null when the modal was opened.
 */
export async function onRollbackWriteButton(
  ctx: AppContext,
  client: WebClient,
  input: { value: unknown; teamId: string; userId: string; triggerId: string },
): Promise<string | null> {
  const logId = parseLogIdValue(input.value);
  if (!logId) return 'That button is not one of MetaBuyer’s. Nothing was done.';
  const { db } = await ctx.database();
  const write = await logById(db, logId);
  const found = write ? await agentOfWorkspace(ctx, input.teamId, write.agentId) : null;
  if (!write || !found) return 'That write is not one of this workspace’s agents. Nothing was done.';
  const prepared = await prepareConfirmModal(ctx, {
    kind: 'rollback',
    agent: found.agent,
    connection: found.connection,
    actor: slackActor(input.userId, input.teamId),
    logIds: [logId],
  });
  if ('message' in prepared) return prepared.message;
  await client.views.open({ trigger_id: input.triggerId, view: prepared.view as never });
  return null;
}
