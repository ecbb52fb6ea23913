import type { Config } from '../lib/config.js';
import { AppError } from '../lib/errors.js';

/**
 * How Slack's traffic reaches `metabuyer serve`: signed HTTP requests on PORT (production), or Socket
 * Mode (SLACK_APP_TOKEN set: the app opens a WebSocket to Slack, so a laptop needs no public URL).
 */
export type SlackTransport = { kind: 'http'; signingSecret: string } | { kind: 'socket'; appToken: string };

export interface ServeSettings {
  transport: SlackTransport;
  /** Single-workspace mode; undefined when workspaces install the app by OAuth. */
  botToken: string | undefined;
  apiUrl: string;
}

const NOT_CONFIGURED = 'serve_not_configured';

/**
 * What `serve` needs, judged before anything starts. Socket Mode is single-workspace only (SLACK_BOT_TOKEN):
 * the multi-workspace install sends browsers to `/slack/oauth_redirect` at PUBLIC_URL, which is the
 * production HTTP deployment anyway, and Slack does not list Socket Mode apps in its Marketplace. Rather
 * than half-serve that combination, it is refused with what to change.
 */
export function serveSettings(config: Config): ServeSettings {
  const { slack } = config;
  const socket = slack.appToken !== undefined;
  if (socket && slack.oauth) throw socketModeWithInstallError();
  const needed: Array<[string, string | undefined]> = [
    ['DATABASE_URL', config.databaseUrl],
    ['REDIS_URL', config.redisUrl],
  ];
  // Socket Mode traffic is authenticated by the app-level token, not by request signatures.
  if (socket) needed.push(['SLACK_BOT_TOKEN (Socket Mode serves one workspace)', slack.botToken]);
  else
    needed.push(
      ['SLACK_SIGNING_SECRET', slack.signingSecret],
      [
        'SLACK_BOT_TOKEN (or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)',
        slack.botToken ?? slack.oauth?.clientId,
      ],
    );
  const missing = needed.filter(([, v]) => !v).map(([n]) => n);
  if (missing.length > 0) {
    throw new AppError({
      code: NOT_CONFIGURED,
      verdict: 'invalid',
      message: `metabuyer serve needs ${missing.join(', ')} (see the README: "Running it for real").`,
    });
  }
  return {
    transport: socket
      ? { kind: 'socket', appToken: slack.appToken! }
      : { kind: 'http', signingSecret: slack.signingSecret! },
    botToken: slack.botToken,
    apiUrl: slack.apiUrl,
  };
}

/** Socket Mode with the multi-workspace install: refused, saying what to unset either way. */
export function socketModeWithInstallError(): AppError {
  return new AppError({
    code: NOT_CONFIGURED,
    verdict: 'invalid',
    message:
      'Socket Mode (SLACK_APP_TOKEN) serves one workspace with SLACK_BOT_TOKEN and cannot be combined with the multi-workspace install (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET). For local development unset the three install variables and set SLACK_BOT_TOKEN; to serve the install, unset SLACK_APP_TOKEN and serve over HTTP.',
    details: { variables: ['SLACK_APP_TOKEN', 'SLACK_CLIENT_ID'] },
  });
}
