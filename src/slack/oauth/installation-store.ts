import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import {
  liveWorkspaceByTeam,
  revokeInstallation,
  type SlackWorkspaceRow,
  saveInstallation,
} from '../../db/repos/slack-workspaces.js';
import { open, seal } from '../../lib/crypto.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';

/**
 * The purpose a workspace's bot token is sealed under. It names the team, so a sealed token copied onto
 * another team's row fails to open instead of posting into the wrong workspace.
 */
export function botTokenPurpose(teamId: string): string {
  return `slack_workspace.bot_token:${teamId}`;
}

const SLACK_ID = /^[A-Z0-9]{2,32}$/;

/** What MetaBuyer needs from the installation Bolt built out of oauth.v2.access and auth.test. */
const botInstallation = z.object({
  team: z.object({ id: z.string().regex(SLACK_ID), name: z.string().optional() }),
  enterprise: z.object({ id: z.string().regex(SLACK_ID) }).optional(),
  isEnterpriseInstall: z.literal(false).optional(),
  appId: z.string().optional(),
  user: z
    .object({ id: z.string().regex(SLACK_ID) })
    .partial()
    .optional(),
  bot: z.object({
    token: z.string().regex(/^xoxb-/),
    userId: z.string().regex(SLACK_ID),
    id: z.string().regex(SLACK_ID).optional(),
    scopes: z.array(z.string()).optional(),
  }),
});

function refused(message: string, code = 'slack_install_invalid'): AppError {
  return new AppError({ code, verdict: 'invalid', message });
}

/**
 * Bolt's InstallationStore on Postgres (slack_workspaces): one live row per team, the bot token sealed
 * with the keyring and never stored plain nor logged. Bolt calls fetchInstallation on every incoming
 * request to authorise it for its team, and storeInstallation at the end of the OAuth flow.
 * Org-wide (Enterprise Grid) installs are refused: the manifest does not enable org deploy.
 */
export class PostgresInstallationStore implements InstallationStore {
  constructor(private readonly ctx: AppContext) {}

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(
    installation: Installation<AuthVersion, boolean>,
  ): Promise<void> {
    if (installation.isEnterpriseInstall) {
      throw refused(
        'MetaBuyer is installed per workspace; an organisation-wide (Enterprise Grid) install is not supported. Nothing was stored.',
        'slack_org_install_unsupported',
      );
    }
    const parsed = botInstallation.safeParse(installation);
    if (!parsed.success) {
      // The issue paths say what was missing; values (the token among them) are never echoed.
      const where = parsed.error.issues.map((i) => i.path.join('.') || 'installation').join(', ');
      throw refused(`Slack's install answer lacks what MetaBuyer needs (${where}). Nothing was stored.`);
    }
    const i = parsed.data;
    const db = (await this.ctx.database()).db;
    const at = this.ctx.clock.now();
    const row = await saveInstallation(
      db,
      {
        teamId: i.team.id,
        teamName: i.team.name ?? null,
        enterpriseId: i.enterprise?.id ?? null,
        botUserId: i.bot.userId,
        botId: i.bot.id ?? null,
        appId: i.appId ?? null,
        botScopes: i.bot.scopes?.join(',') ?? null,
        botTokenSealed: seal(this.ctx.keyring(), i.bot.token, botTokenPurpose(i.team.id)),
        installedBy: i.user?.id ?? null,
        at,
      },
      () => newId('ws', at.getTime()),
    );
    this.ctx.logger.info('slack workspace installed', {
      workspace_id: row.id,
      team_id: row.teamId,
      installed_by: row.installedBy,
    });
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v2', false>> {
    const row = query.teamId ? await this.liveRow(query.teamId) : undefined;
    if (!row?.botTokenSealed || !row.botUserId) {
      // Bolt turns this into an AuthorizationError and answers the request without running handlers.
      throw new AppError({
        code: 'slack_not_installed',
        verdict: 'reauthenticate',
        message: `MetaBuyer is not installed in Slack workspace ${query.teamId ?? '(no team id)'}.`,
      });
    }
    return installationOf(row, open(this.ctx.keyring(), row.botTokenSealed, botTokenPurpose(row.teamId)));
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    if (!query.teamId) return;
    const db = (await this.ctx.database()).db;
    const row = await revokeInstallation(db, query.teamId, this.ctx.clock.now());
    if (row) {
      this.ctx.logger.info('slack workspace uninstalled: its bot token is forgotten', {
        workspace_id: row.id,
        team_id: row.teamId,
      });
    }
  }

  private async liveRow(teamId: string): Promise<SlackWorkspaceRow | undefined> {
    return liveWorkspaceByTeam((await this.ctx.database()).db, teamId);
  }
}

function installationOf(row: SlackWorkspaceRow, botToken: string): Installation<'v2', false> {
  return {
    team: { id: row.teamId, ...(row.teamName ? { name: row.teamName } : {}) },
    enterprise: row.enterpriseId ? { id: row.enterpriseId } : undefined,
    user: { id: row.installedBy ?? '', token: undefined, scopes: undefined },
    bot: {
      token: botToken,
      userId: row.botUserId!,
      id: row.botId ?? '',
      scopes: row.botScopes ? row.botScopes.split(',') : [],
    },
    ...(row.appId ? { appId: row.appId } : {}),
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}
