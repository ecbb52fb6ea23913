import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { AppContext } from '../app/context.js';
import { adoptUnboundAgents, ensureWorkspace } from '../db/repos/slack-workspaces.js';
import { slackActor } from '../domain/actor.js';
import { toAppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import { healthRoutes } from './health.js';
import { handleSlash } from './slash/handle-slash.js';

export interface SlackAppOptions {
  signingSecret: string;
  botToken: string;
  apiUrl: string;
  port: number;
}

export interface RunningSlackApp {
  app: App;
  port: number;
  stop(): Promise<void>;
}

/**
 * The Slack front door: Bolt's HTTP receiver (signatures verified by Bolt; a forged or stale request
 * gets 401 and reaches no handler), the paths manifest.json names, and /healthz and /readyz.
 * Handlers parse, authorise through src/ops and render; none holds business logic.
 */
export async function startSlackApp(ctx: AppContext, opts: SlackAppOptions): Promise<RunningSlackApp> {
  const app = new App({
    signingSecret: opts.signingSecret,
    token: opts.botToken,
    clientOptions: { slackApiUrl: opts.apiUrl, retryConfig: { retries: 0 } },
    customRoutes: healthRoutes(ctx),
    logger: boltLogger(ctx.logger.child({ component: 'slack' })),
    logLevel: LogLevel.INFO,
  });

  app.command('/metabuyer', async ({ command, ack, respond, client }) => {
    let actor: ReturnType<typeof slackActor>;
    try {
      actor = slackActor(command.user_id, command.team_id, command.user_name);
    } catch {
      await ack({ response_type: 'ephemeral', text: 'MetaBuyer could not identify you; nothing was done.' });
      return;
    }
    const plan = await handleSlash(ctx, {
      teamId: command.team_id,
      channelId: command.channel_id,
      actor,
      text: command.text ?? '',
    });
    if (plan.kind === 'reply') {
      await ack({ response_type: 'ephemeral', text: codeBlock(plan.text) });
      return;
    }
    if (plan.kind === 'slow') {
      await ack({ response_type: 'ephemeral', text: plan.ack });
      const text = await plan.run().catch((e) => ctx.redactor.string(toAppError(e).message));
      await respond({ response_type: 'ephemeral', text: codeBlock(text) }).catch((e) =>
        ctx.logger.warn('slash answer not delivered', { error: toAppError(e).message }),
      );
      return;
    }
    await ack();
    void client;
  });

  const server = (await app.start(opts.port)) as Server;
  const port = (server.address() as AddressInfo).port;
  // Single-workspace mode: learn the installed team from the bot token, so agents can be bound to it.
  try {
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
    ctx.logger.warn('slack auth.test failed', { error: toAppError(e).message });
  }
  return { app, port, stop: () => app.stop() as Promise<void> };
}

/** Slack renders & < > as markup: escape them, and keep the CLI's aligned text aligned. */
export function codeBlock(text: string): string {
  const safe = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return safe.includes('\n') ? `\`\`\`${safe}\`\`\`` : safe;
}

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => log.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => log.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => log.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => log.error(m.map(String).join(' ')),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
