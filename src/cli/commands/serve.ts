import { z } from 'zod';
import { serveSettings } from '../../slack/serve-settings.js';
import { validateFlags, wholeNumberFlag } from '../args.js';
import { defineCommand } from '../command.js';
import { summaryOf } from '../registry.js';

/** Runs the Slack app until SIGTERM or SIGINT, then shuts down gracefully and exits 0. */
export const serveCommand = defineCommand({
  name: 'serve',
  noAdAccount: true,
  summary: summaryOf('serve'),
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
    const settings = serveSettings(config);
    const { startSlackApp } = await import('../../slack/app.js');
    const running = await startSlackApp(ctx, {
      signingSecret: settings.transport.kind === 'http' ? settings.transport.signingSecret : undefined,
      appToken: settings.transport.kind === 'socket' ? settings.transport.appToken : undefined,
      botToken: settings.botToken,
      apiUrl: settings.apiUrl,
      port: input.port ?? config.port,
    });
    env.io.out(
      env.json
        ? JSON.stringify({ listening: running.port, slack_mode: running.mode })
        : `listening on port ${running.port}${running.mode === 'socket' ? ' (Slack over Socket Mode)' : ''}`,
    );
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
