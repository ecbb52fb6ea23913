import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Installation, InstallationStore } from '@slack/bolt';
import type { AppContext } from '../../app/context.js';
import { failedPage, type InstallFailure, installedPage, sendPage } from './install-pages.js';
import { PostgresInstallationStore } from './installation-store.js';
import { INSTALL_PATH, REDIRECT_URI_PATH } from './paths.js';
import { BOT_SCOPES } from './scopes.js';

export { INSTALL_PATH, REDIRECT_URI_PATH } from './paths.js';

/**
 * The Bolt App options of multi-workspace mode, or null when SLACK_CLIENT_ID / SLACK_CLIENT_SECRET /
 * SLACK_STATE_SECRET are not configured (single-workspace mode: the app keeps using SLACK_BOT_TOKEN).
 * Spread them into `new App({...})` instead of `token`; Bolt then serves `/slack/install` (a 302 to
 * Slack's authorize page with a signed state, bound to the browser by a cookie) and
 * `/slack/oauth_redirect`, and authorises every request with the bot token of its team from Postgres.
 */
export function slackInstallOptions(ctx: AppContext): SlackInstallOptions | null {
  const oauth = ctx.config.slack.oauth;
  if (!oauth) return null;
  const logger = ctx.logger.child({ component: 'slack-install' });
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: [...BOT_SCOPES],
    installationStore: new PostgresInstallationStore(ctx),
    // Slack checks that the address of oauth.v2.access matches the one of the authorize step.
    ...(ctx.config.publicUrl ? { redirectUri: `${ctx.config.publicUrl}${REDIRECT_URI_PATH}` } : {}),
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: REDIRECT_URI_PATH,
      stateVerification: true,
      directInstall: true,
      callbackOptions: {
        success: (
          installation: Installation,
          _options: unknown,
          _req: IncomingMessage,
          res: ServerResponse,
        ) => {
          sendPage(res, installedPage({ id: installation.team?.id ?? '', name: installation.team?.name }));
        },
        failure: (error: InstallFailure, _options: unknown, _req: IncomingMessage, res: ServerResponse) => {
          logger.warn('slack install failed', { code: error.code, error: error.message });
          sendPage(res, failedPage(error, INSTALL_PATH));
        },
      },
    },
  };
}

export interface SlackInstallOptions {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  scopes: string[];
  installationStore: InstallationStore;
  redirectUri?: string;
  installerOptions: {
    installPath: string;
    redirectUriPath: string;
    stateVerification: true;
    directInstall: true;
    callbackOptions: {
      success: (
        installation: Installation,
        options: unknown,
        req: IncomingMessage,
        res: ServerResponse,
      ) => void;
      failure: (error: InstallFailure, options: unknown, req: IncomingMessage, res: ServerResponse) => void;
    };
  };
}

/** The parts of Bolt's event arguments the uninstall handlers read. */
interface UninstallEventArgs {
  body: { team_id?: string; enterprise_id?: string };
}
interface TokensRevokedArgs extends UninstallEventArgs {
  event: { tokens: { oauth?: string[]; bot?: string[] } };
}

/**
 * Handlers for Slack's `app_uninstalled` and `tokens_revoked` events (Bolt delivers both without
 * authorising them, since the token may already be gone). Either one forgets the workspace's bot token
 * and marks its installation revoked, so posting to that workspace stops at once (botTokenForWorkspace
 * refuses with `slack_not_installed`); agents are left as they are and post again after a re-install.
 * `tokens_revoked` that names only user tokens changes nothing: MetaBuyer holds none. In
 * single-workspace mode (SLACK_BOT_TOKEN) they only log what the operator must do.
 */
export function slackUninstallHandlers(ctx: AppContext): {
  appUninstalled: (args: UninstallEventArgs) => Promise<void>;
  tokensRevoked: (args: TokensRevokedArgs) => Promise<void>;
} {
  const store = new PostgresInstallationStore(ctx);
  const logger = ctx.logger.child({ component: 'slack-install' });
  const forget = async (teamId: string | undefined, why: string) => {
    if (!teamId) {
      logger.warn(`slack ${why} event without a team id: ignored`);
      return;
    }
    if (!ctx.config.slack.oauth) {
      // Single-workspace mode: the token is the operator's SLACK_BOT_TOKEN, not ours to forget, and the
      // workspace row must stay (agents are bound to it) for when the app is installed again.
      logger.warn(
        `slack ${why}: the app was removed from workspace ${teamId}; SLACK_BOT_TOKEN no longer works there. Install the app again and update SLACK_BOT_TOKEN.`,
        { team_id: teamId },
      );
      return;
    }
    await store.deleteInstallation({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
    logger.info(`slack ${why}: workspace installation revoked`, { team_id: teamId });
  };
  return {
    appUninstalled: ({ body }) => forget(body.team_id, 'app_uninstalled'),
    tokensRevoked: async ({ body, event }) => {
      if ((event.tokens.bot ?? []).length === 0) return;
      await forget(body.team_id, 'tokens_revoked');
    },
  };
}
