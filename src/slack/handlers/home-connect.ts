import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { statusCommand } from '../../cli/commands/status.js';
import { agentByAccount } from '../../db/repos/agents.js';
import { liveWorkspaceByTeam } from '../../db/repos/slack-workspaces.js';
import { type Actor, slackActor } from '../../domain/actor.js';
import { AppError, toAppError } from '../../lib/errors.js';
import { connect } from '../../ops/connect.js';
import { disconnect } from '../../ops/connections.js';
import { chooseAdAccount } from '../../ops/meta-oauth-choose.js';
import { setup } from '../../ops/setup.js';
import { status } from '../../ops/status.js';
import type { FieldErrors, ViewStateValues } from '../blocks/confirm-modal.js';
import { CONNECT_BLOCKS, renderConnectTokenModal, validateConnectToken } from '../blocks/connect-modal.js';
import { renderFirstStatus } from '../blocks/first-status.js';
import { ACTION_IDS, HOME_BLOCKS } from '../blocks/ids.js';
import { guardMessage } from '../blocks/limits.js';
import { mayConnectFrom, workspaceAgents } from '../views/home-connect-view.js';
import { publishHome } from './home.js';

/** The Home buttons this module answers; URL buttons and pickers need only Bolt's ack. */
export const HOME_CONNECT_ACTIONS: ReadonlySet<string> = new Set([
  ACTION_IDS.connectFacebook,
  ACTION_IDS.reconnectFacebook,
  ACTION_IDS.pasteToken,
  ACTION_IDS.chooseAccount,
  ACTION_IDS.pickChannel,
  ACTION_IDS.pickEnvironment,
  ACTION_IDS.disconnect,
]);

const AD_ACCOUNT = z.string().regex(/^act_[0-9]{1,20}$/);
const CHANNEL = z.string().regex(/^[CG][A-Z0-9]{2,20}$/);

export interface HomeConnectInput {
  actionId: string;
  teamId: string;
  userId: string;
  triggerId: string;
  value: string | undefined;
  /** view.state.values of the Home tab the button was pressed in (the channel and environment pickers). */
  viewState: unknown;
}

async function mayConnect(ctx: AppContext, actor: Actor, teamId: string): Promise<boolean> {
  const { db } = await ctx.database();
  return mayConnectFrom(actor, await workspaceAgents(db, teamId));
}

/** A connect-related Home button, pressed by a Slack user of `teamId`. */
export async function onHomeConnectAction(
  ctx: AppContext,
  client: WebClient,
  input: HomeConnectInput,
): Promise<void> {
  const actor = slackActor(input.userId, input.teamId);
  switch (input.actionId) {
    case ACTION_IDS.pasteToken: {
      const refused = await openConnectTokenModal(ctx, client, input);
      if (refused) return refuse(ctx, client, input);
      return;
    }
    case ACTION_IDS.chooseAccount:
      return chooseFromHome(ctx, client, actor, input);
    case ACTION_IDS.disconnect:
      return disconnectFromHome(ctx, client, actor, input);
    case ACTION_IDS.connectFacebook:
    case ACTION_IDS.reconnectFacebook:
      // Slack opens the link in the browser by itself; the Home gets a fresh link, as this one is now
      // in use (each login link works once).
      await publishHome(ctx, client, input.teamId, input.userId);
      return;
    default:
      // The channel and environment pickers are read when Choose is pressed.
      return;
  }
}

/**
 * Opens the Paste a token modal (App Home's button, or `/metabuyer connect`), preselecting the channel
 * given or the workspace's report channel. Returns why it was refused, or null once opened.
 */
export async function openConnectTokenModal(
  ctx: AppContext,
  client: WebClient,
  input: { teamId: string; userId: string; triggerId: string; channelId?: string },
): Promise<string | null> {
  const actor = slackActor(input.userId, input.teamId);
  const { db } = await ctx.database();
  const agents = await workspaceAgents(db, input.teamId);
  if (!mayConnectFrom(actor, agents))
    return 'Only an operator of this workspace’s ad account can connect Meta.';
  const channelId =
    (input.channelId && CHANNEL.safeParse(input.channelId).success ? input.channelId : null) ??
    agents.find((a) => a.agent.slackChannelId)?.agent.slackChannelId ??
    null;
  await client.views.open({
    trigger_id: input.triggerId,
    view: renderConnectTokenModal({ channelId }) as never,
  });
  return null;
}

async function refuse(ctx: AppContext, client: WebClient, input: HomeConnectInput): Promise<void> {
  await publishHome(ctx, client, input.teamId, input.userId, {
    problem: 'Only an operator of this workspace’s ad account can connect or disconnect Meta.',
  });
}

const homeState = z.object({
  [HOME_BLOCKS.pickChannel]: z
    .object({ [ACTION_IDS.pickChannel]: z.object({ selected_channel: z.string().nullish() }).partial() })
    .partial()
    .optional(),
  [HOME_BLOCKS.pickEnvironment]: z
    .object({
      [ACTION_IDS.pickEnvironment]: z
        .object({ selected_option: z.object({ value: z.string() }).nullish() })
        .partial(),
    })
    .partial()
    .optional(),
});

/** The channel and environment the Home's pickers hold (sandbox unless live was picked). */
export function pickedOnHome(viewState: unknown): {
  channel: string | null;
  environment: 'sandbox' | 'live';
} {
  const parsed = homeState.safeParse(viewState ?? {});
  const s = parsed.success ? parsed.data : {};
  const rawChannel = s[HOME_BLOCKS.pickChannel]?.[ACTION_IDS.pickChannel]?.selected_channel ?? null;
  const rawEnv = s[HOME_BLOCKS.pickEnvironment]?.[ACTION_IDS.pickEnvironment]?.selected_option?.value;
  return {
    channel: rawChannel && CHANNEL.safeParse(rawChannel).success ? rawChannel : null,
    environment: rawEnv === 'live' ? 'live' : 'sandbox',
  };
}

async function chooseFromHome(
  ctx: AppContext,
  client: WebClient,
  actor: Actor,
  input: HomeConnectInput,
): Promise<void> {
  const account = AD_ACCOUNT.safeParse(input.value);
  if (!account.success) return;
  const picked = pickedOnHome(input.viewState);
  let problem: string | null = null;
  try {
    const chosen = await chooseAdAccount(ctx, {
      actor,
      adAccountId: account.data,
      environment: picked.environment,
      ...(picked.channel ? { channel: picked.channel } : {}),
    });
    await postFirstStatus(ctx, client, actor, chosen.adAccountId);
  } catch (e) {
    problem = ctx.redactor.string(toAppError(e).message);
    ctx.logger.info('home: account choice refused', { code: toAppError(e).code });
  }
  await publishHome(ctx, client, input.teamId, input.userId, problem ? { problem } : {});
}

async function disconnectFromHome(
  ctx: AppContext,
  client: WebClient,
  actor: Actor,
  input: HomeConnectInput,
): Promise<void> {
  const account = AD_ACCOUNT.safeParse(input.value);
  if (!account.success) return;
  let problem: string | null = null;
  try {
    // Only an account of this workspace: a forged value naming another workspace's account finds nothing.
    const { db } = await ctx.database();
    const ws = await liveWorkspaceByTeam(db, input.teamId);
    const agent = await agentByAccount(db, account.data);
    if (!ws || !agent || agent.slackWorkspaceId !== ws.id)
      throw new AppError({
        code: 'not_found',
        verdict: 'invalid',
        message: `${account.data} is not connected in this workspace.`,
      });
    if (!mayConnectFrom(actor, await workspaceAgents(db, input.teamId)))
      throw new AppError({
        code: 'not_permitted',
        verdict: 'permission',
        message: `Only an operator of ${account.data} can disconnect it.`,
      });
    await disconnect(ctx, { adAccount: account.data, actor });
  } catch (e) {
    problem = ctx.redactor.string(toAppError(e).message);
    ctx.logger.info('home: disconnect refused', { code: toAppError(e).code });
  }
  await publishHome(ctx, client, input.teamId, input.userId, problem ? { problem } : {});
}

/** Which field a refusal of `connect` belongs under. */
function fieldOf(code: string): string {
  if (code === 'ad_account_not_reachable' || code === 'ad_account_taken' || code === 'not_permitted')
    return CONNECT_BLOCKS.adAccount;
  return CONNECT_BLOCKS.token;
}

/**
 * The Paste a token modal submitted: field errors for a malformed form or a token Meta refuses (nothing
 * stored); otherwise the same `connect` as the CLI, the report channel, a first status there, and Home.
 */
export async function onConnectTokenSubmit(
  ctx: AppContext,
  client: WebClient,
  input: { teamId: string; userId: string; values: ViewStateValues },
): Promise<FieldErrors | undefined> {
  const actor = slackActor(input.userId, input.teamId);
  const form = validateConnectToken(input.values);
  if (!form.ok) return form.response;
  if (!(await mayConnect(ctx, actor, input.teamId)))
    return {
      response_action: 'errors',
      errors: {
        [CONNECT_BLOCKS.adAccount]: 'Only an operator of this workspace’s ad account can connect Meta.',
      },
    };
  const { accessToken, adAccountId, environment, channelId } = form.value;
  try {
    await connect(ctx, { accessToken, adAccount: adAccountId, environment, actor });
  } catch (e) {
    const err = toAppError(e);
    ctx.logger.info('home: token connect refused', { code: err.code });
    // The token is never part of the message, but redact anyway: a message may quote Meta.
    const message = ctx.redactor.string(err.message).split(accessToken).join('[token]');
    return { response_action: 'errors', errors: { [fieldOf(err.code)]: message.slice(0, 1900) } };
  }
  if (channelId)
    await setup(ctx, {
      adAccount: adAccountId,
      actor,
      apply: true,
      changes: { slackChannelId: channelId },
    }).catch((e) => ctx.logger.warn('home: report channel not set', { code: toAppError(e).code }));
  await postFirstStatus(ctx, client, actor, adAccountId);
  await publishHome(ctx, client, input.teamId, input.userId).catch((e) =>
    ctx.logger.warn('home not published', { error: toAppError(e).message }),
  );
  return undefined;
}

/**
 * Posts the agent's first status in its channel (the `status` renderer, as `/metabuyer status` shows
 * it). A channel the bot cannot post in is logged, not fatal: the connection is made either way.
 */
export async function postFirstStatus(
  ctx: AppContext,
  client: WebClient,
  actor: Actor,
  adAccountId: string,
): Promise<boolean> {
  try {
    const { db } = await ctx.database();
    const agent = await agentByAccount(db, adAccountId);
    if (!agent?.slackChannelId) return false;
    const result = await status(ctx, { adAccount: adAccountId, actor });
    const message = guardMessage(
      renderFirstStatus({
        by: actor.id,
        accountName: result.accountName ?? adAccountId,
        adAccountId,
        environment: result.environment,
        currency: result.currency,
        statusText: statusCommand.text(result, { 'ad-account': adAccountId }),
      }),
    ).message;
    await client.chat.postMessage({
      channel: agent.slackChannelId,
      text: message.text,
      blocks: message.blocks as never,
    });
    return true;
  } catch (e) {
    ctx.logger.warn('first status not posted', { adAccountId, error: toAppError(e).message });
    return false;
  }
}
