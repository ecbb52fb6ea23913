import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../app/context.js';
import { type Actor, slackActor } from '../../domain/actor.js';
import { currencyExponent } from '../../domain/money.js';
import { toAppError } from '../../lib/errors.js';
import { pauseAgent, resumeAgent } from '../../ops/halt.js';
import { type SetupChanges, setup } from '../../ops/setup.js';
import type { ViewStateValues } from '../blocks/confirm-modal.js';
import {
  renderExecutionModal,
  renderPeopleModal,
  renderScheduleModal,
  renderTargetsModal,
  validateExecution,
  validatePeople,
  validateSchedule,
  validateTargets,
} from '../blocks/edit-modals.js';
import { renderHome } from '../blocks/home.js';
import { ACTION_IDS, type ModalMetadata } from '../blocks/ids.js';
import {
  connectionViewOf,
  homeConnectOf,
  mayConnectFrom,
  workspaceAgents,
} from '../views/home-connect-view.js';
import { homeViewOf } from '../views/home-view.js';
import { agentOfWorkspace, homeAgentOf } from './scope.js';

/**
 * Publishes App Home for one viewer, from the database as it is now: the agent, the workspace's Meta
 * connections and, for a viewer who may connect, the connect buttons (a fresh login link bound to
 * them) and the account choice of their pending Facebook login. `problem` shows what just went wrong.
 */
export async function publishHome(
  ctx: AppContext,
  client: WebClient,
  teamId: string,
  userId: string,
  opts: { problem?: string } = {},
): Promise<void> {
  const viewer = slackActor(userId, teamId);
  const { db } = await ctx.database();
  const now = ctx.clock.now();
  const found = await homeAgentOf(ctx, teamId);
  const view = await homeViewOf(db, {
    viewer,
    agent: found?.agent ?? null,
    connection: found?.connection ?? null,
    now,
  });
  const agents = await workspaceAgents(db, teamId);
  view.connections = agents.flatMap(({ agent, connection }) =>
    connection ? [connectionViewOf(agent, connection, now)] : [],
  );
  if (mayConnectFrom(viewer, agents)) {
    const channelId =
      found?.agent.slackChannelId ?? agents.find((a) => a.agent.slackChannelId)?.agent.slackChannelId ?? null;
    // A reconnect keeps what the account had; a new connection is sandbox unless live is picked.
    const environment = agents.find((a) => a.connection)?.connection?.environment ?? 'sandbox';
    view.connect = await homeConnectOf(ctx, viewer, { channelId, environment });
  }
  if (opts.problem) view.notice = opts.problem;
  await client.views.publish({ user_id: userId, view: renderHome(view) as never });
}

const EDIT_MODALS = {
  [ACTION_IDS.editTargets]: renderTargetsModal,
  [ACTION_IDS.editSchedule]: renderScheduleModal,
  [ACTION_IDS.editPeople]: renderPeopleModal,
  [ACTION_IDS.editExecution]: renderExecutionModal,
} as const;

/** A Home button: open an edit modal, or pause / resume the agent (then re-publish Home). */
export async function onHomeButton(
  ctx: AppContext,
  client: WebClient,
  input: { actionId: string; teamId: string; userId: string; triggerId: string },
): Promise<void> {
  const actor = slackActor(input.userId, input.teamId);
  const found = await homeAgentOf(ctx, input.teamId);
  if (!found) return;
  const render = EDIT_MODALS[input.actionId as keyof typeof EDIT_MODALS];
  if (render) {
    const { db } = await ctx.database();
    const view = await homeViewOf(db, { viewer: actor, ...found, now: ctx.clock.now() });
    if (view.agent)
      await client.views.open({ trigger_id: input.triggerId, view: render(view.agent) as never });
    return;
  }
  const where = { adAccount: found.agent.adAccountId };
  try {
    if (input.actionId === ACTION_IDS.pause)
      await pauseAgent(ctx, { ...where, actor, reason: `paused from App Home by <@${actor.id}>` });
    if (input.actionId === ACTION_IDS.resume) await resumeAgent(ctx, { ...where, actor });
  } catch (e) {
    ctx.logger.info('home action refused', { action: input.actionId, error: toAppError(e).message });
  }
  await publishHome(ctx, client, input.teamId, input.userId);
}

/** An edit modal submitted: field errors for bad input; otherwise setup, as this user, and Home again. */
export async function onEditSubmit(
  ctx: AppContext,
  client: WebClient,
  input: { meta: ModalMetadata; teamId: string; userId: string; values: ViewStateValues },
): Promise<{ response_action: 'errors'; errors: Record<string, string> } | undefined> {
  const actor: Actor = slackActor(input.userId, input.teamId);
  const found = await agentOfWorkspace(ctx, input.teamId, input.meta.agentId);
  if (!found) return { response_action: 'errors', errors: { _: 'This agent is not in your workspace.' } };
  const changes = changesOf(input.meta.kind, input.values, found.agent.currency);
  if ('errors' in changes) return changes;
  try {
    await setup(ctx, { adAccount: found.agent.adAccountId, actor, apply: true, changes });
  } catch (e) {
    const first = Object.keys(input.values)[0] ?? 'error';
    return { response_action: 'errors', errors: { [first]: ctx.redactor.string(toAppError(e).message) } };
  }
  await publishHome(ctx, client, input.teamId, input.userId).catch(() => {});
  return undefined;
}

function changesOf(
  kind: ModalMetadata['kind'],
  values: ViewStateValues,
  currency: string,
): SetupChanges | { response_action: 'errors'; errors: Record<string, string> } {
  switch (kind) {
    case 'targets': {
      const v = validateTargets(values, currency);
      if (!v.ok) return v.response;
      const digits = currencyExponent(currency);
      return {
        ...(v.value.targetCpaMinor !== null
          ? { targetCpa: (v.value.targetCpaMinor / 10 ** digits).toFixed(digits) }
          : {}),
        ...(v.value.targetRoas !== null ? { targetRoas: v.value.targetRoas } : {}),
      };
    }
    case 'schedule': {
      const v = validateSchedule(values);
      if (!v.ok) return v.response;
      return {
        intervalSeconds: v.value.intervalSeconds,
        datePreset: v.value.datePreset as SetupChanges['datePreset'],
        attributionWindow: v.value.attributionWindow as SetupChanges['attributionWindow'],
      };
    }
    case 'people': {
      const v = validatePeople(values);
      return v.ok ? { operators: v.value.operators, approvers: v.value.approvers } : v.response;
    }
    case 'execution': {
      const v = validateExecution(values);
      return v.ok ? { executionEnabled: v.value.executionEnabled } : v.response;
    }
    default:
      return { response_action: 'errors', errors: { _: 'Unknown form.' } };
  }
}
