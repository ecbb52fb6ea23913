import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../app/context.js';
import type { Decision } from '../../domain/action-state.js';
import { slackActor } from '../../domain/actor.js';
import { ACTION_IDS, parseActionButtonValue } from '../blocks/ids.js';
import { record } from './decisions.js';
import { refreshQueue } from './queue-refresh.js';

const DECISIONS: Record<string, Decision> = {
  [ACTION_IDS.approve]: 'approve',
  [ACTION_IDS.reject]: 'reject',
  [ACTION_IDS.clear]: 'clear',
};

export function isDecisionButton(actionId: string): boolean {
  return actionId in DECISIONS;
}

/**
 * Approve / Reject / Undo on the queue: the button names its plan and key, the decision is recorded as
 * this user (refused privately when they may not decide), and the queue message is re-rendered in place.
 */
export async function onDecisionButton(
  ctx: AppContext,
  client: WebClient,
  input: {
    actionId: string;
    value: unknown;
    teamId: string;
    userId: string;
    channel: string;
    actionTs: string;
  },
): Promise<string | null> {
  const target = parseActionButtonValue(input.value);
  const decision = DECISIONS[input.actionId];
  if (!target || !decision) return 'That button is not one of MetaBuyer’s. Nothing was recorded.';
  const outcome = await record(ctx, {
    actor: slackActor(input.userId, input.teamId),
    decision,
    keys: [target.key],
    planId: target.planId,
    channel: input.channel,
    source: 'slack_button',
    sourceRef: `${input.channel}:${input.actionTs}:${input.userId}`,
  });
  if (!outcome.ok) return outcome.message;
  await refreshQueue(ctx, client, target.planId);
  return null;
}
