import { z } from 'zod';
import { AppError } from '../../lib/errors.js';
import { validateFlags, wholeNumberFlag } from '../args.js';
import { defineCommand } from '../command.js';

/** Runs the Slack app until SIGTERM or SIGINT, then shuts down gracefully and exits 0. */
export const serveCommand = defineCommand({
  name: 'serve',
  noAdAccount: true,
  summary: 'run the Slack app (slash command, thread replies, buttons, modals, App Home) on PORT',
  usage: 'metabuyer serve [--port N] [--json]',
  flags: { port: { type: 'string', placeholder: 'N', description: 'HTTP port (default: PORT, else 3000)' } },
  parse(values) {
    return validateFlags(
      z.object({
        port: wholeNumberFlag(0, 65535).optional(),
      }),
      values,
      this.usage,
    );
  },
  async run(env, input) {
    const ctx = await env.context();
    const { config } = ctx;
    const missing = [
      ['DATABASE_URL', config.databaseUrl],
      ['REDIS_URL', config.redisUrl],
      ['SLACK_SIGNING_SECRET', config.slack.signingSecret],
      [
        'SLACK_BOT_TOKEN (or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)',
        config.slack.botToken ?? config.slack.oauth?.clientId,
      ],
    ]
      .filter(([, v]) => !v)
      .map(([n]) => n);
    if (missing.length > 0) {
      throw new AppError({
        code: 'serve_not_configured',
        verdict: 'invalid',
        message: `metabuyer serve needs ${missing.join(', ')} (see the README: "Running it for real").`,
      });
    }
    const { startSlackApp } = await import('../../slack/app.js');
    const running = await startSlackApp(ctx, {
      signingSecret: config.slack.signingSecret!,
      botToken: config.slack.botToken,
      apiUrl: config.slack.apiUrl,
      port: input.port ?? config.port,
    });
    env.io.out(env.json ? JSON.stringify({ listening: running.port }) : `listening on port ${running.port}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await running.stop();
    return { stopped: true as const };
  },
  text: () => '',
  json: () => undefined,
});
