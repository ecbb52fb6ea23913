import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type CustomRoute, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { AppContext } from '../app/context.js';
import { agentById } from '../db/repos/agents.js';
import { connectionById } from '../db/repos/connections.js';
import { activePlan } from '../db/repos/plans.js';
import { adoptUnboundAgents, ensureWorkspace } from '../db/repos/slack-workspaces.js';
import { slackActor } from '../domain/actor.js';
import { handleMetaOAuthCallback, META_OAUTH_CALLBACK_PATH } from '../http/meta-oauth-callback.js';
import { AppError, toAppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { createLimiter } from '../lib/limiter.js';
import type { CallbackOutcome } from '../ops/meta-oauth.js';
import { ACTION_IDS, CALLBACK_IDS, parseModalMetadata } from './blocks/ids.js';
import { firstDelivery } from './event-dedupe.js';
import { isDecisionButton, onDecisionButton } from './handlers/buttons.js';
import { onConfirmSubmit, prepareConfirmModal } from './handlers/confirm.js';
import { onThreadReply } from './handlers/decisions.js';
import { onRollbackWriteButton } from './handlers/followup-rollback.js';
import { onEditSubmit, onHomeButton, publishHome } from './handlers/home.js';
import {
  HOME_CONNECT_ACTIONS,
  onConnectTokenSubmit,
  onHomeConnectAction,
  openConnectTokenModal,
} from './handlers/home-connect.js';
import { healthRoutes } from './health.js';
import { boltLogger } from './oauth/bolt-logger.js';
import { botTokenForWorkspace } from './oauth/bot-token.js';
import { slackInstallOptions, slackUninstallHandlers } from './oauth/install-options.js';
import { publishQueue, publishReport } from './publish.js';
import { startRoutesServer } from './routes-server.js';
import { socketModeWithInstallError } from './serve-settings.js';
import { handleSlash, precheckSlash, type SlashPlan, slashKindOf } from './slash/handle-slash.js';

/** Slash commands worked on at once; the rest wait their turn (their acks are already sent). */
const SLASH_WORK_CONCURRENCY = 4;

export interface SlackAppOptions {
  /** Verifies Slack's HTTP requests; unused in Socket Mode. */
  signingSecret: string | undefined;
  /** Single-workspace mode; absent when the app is installed per workspace by OAuth. */
  botToken: string | undefined;
  apiUrl: string;
  port: number;
  /** Socket Mode (local development): Slack's traffic arrives over a WebSocket opened with this xapp- token. */
  appToken?: string | undefined;
}

export interface RunningSlackApp {
  app: App;
  /** The HTTP port: Slack's request paths and health in HTTP mode, only health and callbacks in Socket Mode. */
  port: number;
  mode: 'http' | 'socket';
  stop(): Promise<void>;
}

/**
 * The Slack front door: Bolt's HTTP receiver (signatures verified by Bolt; a forged or stale request
 * gets 401 and reaches no handler), the paths manifest.json names, and /healthz and /readyz.
 * With an app token, Bolt's Socket Mode receiver takes Slack's traffic instead (the same listeners) and a
 * small HTTP server keeps /healthz, /readyz and the Meta OAuth callback on the port.
 * Handlers parse, authorise through src/ops and render; none holds business logic.
 */
export async function startSlackApp(ctx: AppContext, opts: SlackAppOptions): Promise<RunningSlackApp> {
  const log = ctx.logger.child({ component: 'slack' });
  // Several workspaces install by OAuth (tokens in Postgres); otherwise one bot token from the environment.
  const install = slackInstallOptions(ctx);
  if (opts.appToken !== undefined && install) throw socketModeWithInstallError();
  const boltLog = boltLogger(log);
  const socket =
    opts.appToken === undefined
      ? undefined
      : new SocketModeReceiver({
          appToken: opts.appToken,
          logger: boltLog,
          logLevel: LogLevel.INFO,
          // The Socket Mode client calls apps.connections.open through its own WebClient: point it at
          // SLACK_API_URL too (GovSlack, tests), and let it retry as Slack's SDK does when reconnecting.
          installerOptions: { clientOptions: { slackApiUrl: opts.apiUrl } },
        });
  // In Socket Mode, ready also means connected: while the socket reconnects, Slack's traffic cannot arrive.
  const routes = [
    ...healthRoutes(ctx, socket ? { slack_socket: async () => socketConnected(socket) } : {}),
    metaCallbackRoute(ctx, opts.apiUrl),
  ];
  const app = new App({
    ...(socket ? { receiver: socket } : { signingSecret: opts.signingSecret, customRoutes: routes }),
    ...(install ?? { token: opts.botToken }),
    clientOptions: { slackApiUrl: opts.apiUrl, retryConfig: { retries: 0 } },
    logger: boltLog,
    logLevel: LogLevel.INFO,
  });
  const uninstall = slackUninstallHandlers(ctx);
  app.event('app_uninstalled', uninstall.appUninstalled);
  app.event('tokens_revoked', uninstall.tokensRevoked);
  const redis = ctx.redis();
  const once = async (eventId: string | undefined) => !redis || !eventId || firstDelivery(redis, eventId);

  // Every command is acked at once (Slack allows 3 s) and answered through its response_url, the
  // work queued behind the acks so that a burst of commands never delays the acks still to come.
  const slashWork = createLimiter(SLASH_WORK_CONCURRENCY);
  app.command('/metabuyer', async ({ command, ack, respond, client }) => {
    let actor: ReturnType<typeof slackActor>;
    try {
      actor = slackActor(command.user_id, command.team_id, command.user_name);
    } catch {
      await ack({ response_type: 'ephemeral', text: 'MetaBuyer could not identify you; nothing was done.' });
      return;
    }
    // `/metabuyer connect` alone opens the private Paste a token form (a token typed after it is refused).
    if ((command.text ?? '').trim() === 'connect') {
      await ack();
      const refused = await openConnectTokenModal(ctx, client, {
        teamId: command.team_id,
        userId: command.user_id,
        triggerId: command.trigger_id,
        channelId: command.channel_id,
      }).catch((e) => {
        log.warn('connect modal not opened', { error: toAppError(e).message });
        return 'MetaBuyer could not open the form in time; run the command again, or use the App Home tab.';
      });
      await respond({
        response_type: 'ephemeral',
        text: refused ?? 'Opened a private form to paste a Meta token.',
      }).catch((e) => log.warn('slash answer not delivered', { error: toAppError(e).message }));
      return;
    }
    const early = precheckSlash(command.text ?? '');
    if (early !== null) {
      await ack({ response_type: 'ephemeral', text: codeBlock(ctx.redactor.string(early)) });
      return;
    }
    await ack();
    const answer = (text: string) =>
      respond({ response_type: 'ephemeral', text: codeBlock(text) }).catch((e) =>
        log.warn('slash answer not delivered', { error: toAppError(e).message }),
      );
    // A confirmation modal must open within the 3 s its trigger_id lives: it never queues behind others.
    const run: typeof slashWork = slashKindOf(command.text ?? '') === 'modal' ? (task) => task() : slashWork;
    await run(async () => {
      const plan = await handleSlash(ctx, {
        teamId: command.team_id,
        channelId: command.channel_id,
        actor,
        text: command.text ?? '',
      });
      if (plan.kind === 'reply') {
        await answer(plan.text);
        if (plan.command === 'plan-actions' && plan.agentId) await postQueueOf(plan.agentId, client);
        return;
      }
      if (plan.kind === 'slow') {
        await answer(plan.ack);
        const text = await plan.run().catch((e) => ctx.redactor.string(toAppError(e).message));
        await answer(text);
        // A run's report opens its thread in the agent's channel, where its approval queue will follow.
        if (plan.command === 'run-now')
          await publishReport(ctx, client, plan.agentId).catch((e) =>
            log.warn('report not posted', { error: toAppError(e).message }),
          );
        return;
      }
      // execute-actions / rollback-actions: the modal opens straight away (a trigger_id lives 3 s).
      const refusal = await openConfirmModal(ctx, client, plan, actor, command.trigger_id);
      if (refusal) await answer(refusal);
    });
  });

  async function postQueueOf(agentId: string, client: WebClient): Promise<void> {
    const { db } = await ctx.database();
    const plan = await activePlan(db, agentId);
    if (plan)
      await publishQueue(ctx, client, plan.id).catch((e) =>
        log.warn('approval queue not posted', { error: toAppError(e).message }),
      );
  }

  app.message(async ({ message, body, client }) => {
    const m = message as {
      subtype?: string;
      bot_id?: string;
      user?: string;
      text?: string;
      ts: string;
      thread_ts?: string;
      channel: string;
    };
    // Our own posts, edits and joins are not decisions; only replies in a thread can be.
    if (m.subtype || m.bot_id || !m.user || !m.thread_ts || m.thread_ts === m.ts) return;
    const b = body as { event_id?: string; team_id?: string };
    if (!(await once(b.event_id))) return;
    await onThreadReply(ctx, client, {
      teamId: b.team_id ?? '',
      channel: m.channel,
      user: m.user,
      text: m.text ?? '',
      ts: m.ts,
      threadTs: m.thread_ts,
    }).catch((e) => log.warn('thread reply not handled', { error: toAppError(e).message }));
  });

  app.action(/^mb_/, async ({ ack, body, action, client, respond }) => {
    await ack();
    const b = body as {
      team?: { id?: string };
      user: { id: string; team_id?: string };
      trigger_id?: string;
      channel?: { id?: string };
      container?: { channel_id?: string };
      view?: { state?: { values?: unknown } };
    };
    const teamId = b.team?.id ?? b.user.team_id ?? '';
    const a = action as unknown as { action_id: string; value?: string; action_ts: string };
    try {
      if (isDecisionButton(a.action_id)) {
        const refusal = await onDecisionButton(ctx, client, {
          actionId: a.action_id,
          value: a.value,
          teamId,
          userId: b.user.id,
          channel: b.channel?.id ?? b.container?.channel_id ?? '',
          actionTs: a.action_ts,
        });
        if (refusal) await respond({ response_type: 'ephemeral', replace_original: false, text: refusal });
        return;
      }
      if (a.action_id === ACTION_IDS.openExecute) return;
      if (HOME_CONNECT_ACTIONS.has(a.action_id)) {
        await onHomeConnectAction(ctx, client, {
          actionId: a.action_id,
          teamId,
          userId: b.user.id,
          triggerId: b.trigger_id ?? '',
          value: a.value,
          viewState: b.view?.state?.values,
        });
        return;
      }
      if (a.action_id === ACTION_IDS.rollbackWrite) {
        const refusal = await onRollbackWriteButton(ctx, client, {
          value: a.value,
          teamId,
          userId: b.user.id,
          triggerId: b.trigger_id ?? '',
        });
        if (refusal) await respond({ response_type: 'ephemeral', replace_original: false, text: refusal });
        return;
      }
      await onHomeButton(ctx, client, {
        actionId: a.action_id,
        teamId,
        userId: b.user.id,
        triggerId: b.trigger_id ?? '',
      });
    } catch (e) {
      log.warn('button not handled', { action: a.action_id, error: toAppError(e).message });
    }
  });

  app.view(/^mb_/, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    if (view.callback_id === CALLBACK_IDS.connectToken) {
      const answer = await onConnectTokenSubmit(ctx, client, {
        teamId,
        userId: body.user.id,
        values: view.state.values as never,
      }).catch((e) => {
        log.warn('token connect failed', { error: ctx.redactor.string(toAppError(e).message) });
        return {
          response_action: 'errors' as const,
          errors: { _: 'MetaBuyer could not connect; nothing was stored.' },
        };
      });
      await ack(answer as never);
      return;
    }
    const meta = parseModalMetadata(view.private_metadata);
    if (!meta) {
      await ack({
        response_action: 'errors',
        errors: { _: 'This form is not one of MetaBuyer’s.' },
      } as never);
      return;
    }
    const values = view.state.values as never;
    const confirming =
      view.callback_id === CALLBACK_IDS.confirmExecute || view.callback_id === CALLBACK_IDS.confirmRollback;
    const result = confirming
      ? await onConfirmSubmit(ctx, client, { meta, teamId, actor: slackActor(body.user.id, teamId), values })
      : await onEditSubmit(ctx, client, { meta, teamId, userId: body.user.id, values });
    await ack(result as never);
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const teamId = (body as { team_id?: string }).team_id ?? '';
    await publishHome(ctx, client, teamId, event.user).catch((e) =>
      log.warn('home not published', { error: toAppError(e).message }),
    );
  });

  const listening = socket ? await startSocketMode(app, routes, opts.port) : await startHttp(app, opts.port);
  const { port, stop } = listening;
  const mode = socket ? 'socket' : 'http';
  log.info(
    socket
      ? `slack: Socket Mode connected (SLACK_APP_TOKEN); HTTP on port ${port} serves only /healthz, /readyz and ${META_OAUTH_CALLBACK_PATH}`
      : `slack: receiving Slack's requests over HTTP on port ${port}`,
    { mode, port, api_url: opts.apiUrl },
  );
  // Single-workspace mode: learn the installed team from the bot token, so agents can be bound to it.
  try {
    if (install || !opts.botToken) return { app, port, mode, stop };
    const auth = await app.client.auth.test({ token: opts.botToken });
    const { db } = await ctx.database();
    if (auth.team_id) {
      const ws = await ensureWorkspace(db, {
        id: newId('ws', ctx.clock.now().getTime()),
        teamId: auth.team_id,
        installedBy: 'env:SLACK_BOT_TOKEN',
        at: ctx.clock.now(),
      });
      await adoptUnboundAgents(db, ws.id);
    }
  } catch (e) {
    log.warn('slack auth.test failed', { error: toAppError(e).message });
  }
  return { app, port, mode, stop };
}

async function startHttp(app: App, port: number): Promise<{ port: number; stop(): Promise<void> }> {
  const server = (await app.start(port)) as Server;
  return { port: (server.address() as AddressInfo).port, stop: () => app.stop() as Promise<void> };
}

/**
 * HTTP first, so /healthz answers while the socket connects; then apps.connections.open and the
 * WebSocket, resolved by Slack's `hello`. A refused token (invalid_auth, not_allowed_token_type) fails
 * serve with what to check; the error never carries the token.
 */
async function startSocketMode(
  app: App,
  routes: CustomRoute[],
  port: number,
): Promise<{ port: number; stop(): Promise<void> }> {
  const http = await startRoutesServer(routes, port);
  try {
    await app.start();
  } catch (e) {
    await http.close();
    const why = toAppError(e).message;
    throw new AppError({
      code: 'slack_socket_mode_failed',
      verdict: 'invalid',
      message: `Socket Mode could not connect to Slack (${why}). Check SLACK_APP_TOKEN: an app-level token (xapp-…) with the connections:write scope, of an app with Socket Mode turned on.`,
    });
  }
  return {
    port: http.port,
    stop: async () => {
      await app.stop();
      await http.close();
    },
  };
}

function socketConnected(receiver: SocketModeReceiver): void {
  if (!receiver.client.websocket?.isActive())
    throw new Error('the Socket Mode connection to Slack is down (reconnecting)');
}

/** Slack renders & < > as markup: escape them, and keep the CLI's aligned text aligned. */
export function codeBlock(text: string): string {
  const safe = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return safe.includes('\n') ? `\`\`\`${safe}\`\`\`` : safe;
}

/** Opens execute's or rollback's confirmation modal; returns why not when it cannot. */
async function openConfirmModal(
  ctx: AppContext,
  client: WebClient,
  plan: Extract<SlashPlan, { kind: 'modal' }>,
  actor: ReturnType<typeof slackActor>,
  triggerId: string,
): Promise<string | null> {
  const { db } = await ctx.database();
  const agent = await agentById(db, plan.agentId);
  const connection = agent ? await connectionById(db, agent.connectionId) : undefined;
  if (!agent || !connection) return 'This agent has no Meta connection. Nothing was done.';
  const kind = plan.command === 'execute-actions' ? 'execute' : 'rollback';
  const prepared = await prepareConfirmModal(ctx, { kind, agent, connection, actor });
  if ('message' in prepared) return prepared.message;
  try {
    await client.views.open({ trigger_id: triggerId, view: prepared.view as never });
    return null;
  } catch (e) {
    ctx.logger.warn('confirmation modal not opened', { error: toAppError(e).message });
    return 'The confirmation window could not be opened in time; please run the command again.';
  }
}

/**
 * `GET /meta/oauth/callback`: where Facebook Login returns the browser; a page says what happened. It
 * re-publishes the App Home of the user who pressed Connect with Facebook (with its own workspace's bot
 * token): after a login the account choice is waiting when they switch back to Slack; after a cancel or
 * a failure the Home carries a fresh login link, since the old one is spent.
 */
function metaCallbackRoute(ctx: AppContext, apiUrl: string): CustomRoute {
  const log = ctx.logger.child({ component: 'meta-oauth' });
  const republish = async (o: CallbackOutcome): Promise<void> => {
    // Success: the account choice. Failure of a state we issued: a fresh login link (that one is spent).
    if (!o.teamId || !o.userId) return;
    try {
      const token = await botTokenForWorkspace(ctx, o.teamId);
      const client = new WebClient(token, { slackApiUrl: apiUrl, retryConfig: { retries: 0 } });
      await publishHome(ctx, client, o.teamId, o.userId);
    } catch (e) {
      log.warn('home not re-published after the Facebook login', { error: toAppError(e).message });
    }
  };
  return {
    path: META_OAUTH_CALLBACK_PATH,
    method: ['GET'],
    handler: (req, res) => {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      void handleMetaOAuthCallback(ctx, query, { onOutcome: republish }).then((page) => {
        res.writeHead(page.status, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(page.html);
      });
    },
  };
}
