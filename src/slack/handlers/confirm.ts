import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../app/context.js';
import type { AgentRow } from '../../db/repos/agents.js';
import type { ConnectionRow } from '../../db/repos/connections.js';
import { queueThreadsOf } from '../../db/repos/slack-messages.js';
import type { Actor } from '../../domain/actor.js';
import { permits } from '../../domain/policy.js';
import { toAppError } from '../../lib/errors.js';
import { rosterOf } from '../../ops/authorize.js';
import { confirmExecution } from '../../ops/execute.js';
import { confirmRollback } from '../../ops/rollback.js';
import {
  CONFIRM_BLOCK_ID,
  renderConfirmModal,
  type ViewStateValues,
  validateConfirmSubmission,
} from '../blocks/confirm-modal.js';
import type { ModalMetadata } from '../blocks/ids.js';
import { confirmViewOf } from '../views/confirm-view.js';
import { agentOfWorkspace } from './scope.js';

const ROLLBACK_LIMIT = 10;

/**
 * `/metabuyer execute-actions` or `rollback-actions`: the modal that lists exactly what would be written.
 * Decided before the ack (a trigger_id lives 3 s): a caller who may not confirm, or nothing to do, gets
 * a message instead of a modal. Returns the message, or null when the modal is to be opened.
 */
export async function prepareConfirmModal(
  ctx: AppContext,
  input: {
    kind: 'execute' | 'rollback';
    agent: AgentRow;
    connection: ConnectionRow;
    actor: Actor;
    /** Rollback only: just these logged writes (a follow-up's Roll back button). */
    logIds?: string[];
  },
): Promise<{ message: string } | { view: Record<string, unknown> }> {
  const roster = rosterOf(input.agent);
  const verdict = permits(
    input.actor,
    input.kind === 'execute' ? 'confirm_execute' : 'confirm_rollback',
    roster,
  );
  if (!verdict.allowed) {
    const holders = verdict.holders.length ? verdict.holders.map((u) => `<@${u}>`).join(', ') : 'nobody yet';
    return {
      message: `Only an operator of ${input.agent.adAccountId} may confirm writes (operators: ${holders}). Nothing was done.`,
    };
  }
  const { db } = await ctx.database();
  const view = await confirmViewOf(db, { ...input, now: ctx.clock.now(), limit: ROLLBACK_LIMIT });
  if (view.items.length === 0) {
    return {
      message:
        input.kind === 'execute'
          ? 'Nothing is ready to execute: approve actions of the active plan first (`/metabuyer plan-actions`).'
          : input.logIds
            ? 'That write can no longer be rolled back: it is outside the rollback window or already undone.'
            : 'Nothing to roll back inside the rollback window.',
    };
  }
  return { view: renderConfirmModal(view) };
}

/**
 * The typed word checked against the connection's environment (a wrong word is a field error and writes
 * nothing); then the confirmation is recorded with its exact targets and handed to the worker, and the
 * plan's thread says who confirmed what. The results are posted there when the worker has run it.
 */
export async function onConfirmSubmit(
  ctx: AppContext,
  client: WebClient,
  input: { meta: ModalMetadata; teamId: string; actor: Actor; values: ViewStateValues },
): Promise<{ response_action: 'errors'; errors: Record<string, string> } | undefined> {
  const found = await agentOfWorkspace(ctx, input.teamId, input.meta.agentId);
  if (!found)
    return {
      response_action: 'errors',
      errors: { [CONFIRM_BLOCK_ID]: 'This agent is not in your workspace.' },
    };
  const checked = validateConfirmSubmission(input.values, found.connection.environment);
  if (!checked.ok) return checked.response;
  const word = found.connection.environment;
  let confirmation: Awaited<ReturnType<typeof confirmExecution>>;
  try {
    confirmation =
      input.meta.kind === 'execute'
        ? await confirmExecution(ctx, {
            adAccount: found.agent.adAccountId,
            confirm: word,
            actor: input.actor,
            ...(input.meta.planId ? { planId: input.meta.planId } : {}),
          })
        : await confirmRollback(ctx, {
            adAccount: found.agent.adAccountId,
            confirm: word,
            actor: input.actor,
            limit: ROLLBACK_LIMIT,
            ...(input.meta.logIds ? { logIds: input.meta.logIds } : {}),
          });
  } catch (e) {
    return {
      response_action: 'errors',
      errors: { [CONFIRM_BLOCK_ID]: ctx.redactor.string(toAppError(e).message) },
    };
  }
  const { db } = await ctx.database();
  const thread = confirmation.planId ? (await queueThreadsOf(db, confirmation.planId))[0] : undefined;
  const channel = thread?.channelId ?? found.agent.slackChannelId;
  if (channel) {
    const verb = input.meta.kind === 'execute' ? 'execute' : 'roll back';
    await client.chat
      .postMessage({
        channel,
        ...(thread ? { thread_ts: thread.threadTs } : {}),
        text: `<@${input.actor.id}> confirmed (${word}) to ${verb} ${confirmation.targets
          .map((t) => t.key)
          .join(', ')}. Running now; the results will follow here. (confirmation ${confirmation.id})`,
      })
      .catch((e) => ctx.logger.warn('confirmation notice not posted', { error: toAppError(e).message }));
  }
  return undefined;
}
