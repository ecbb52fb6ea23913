import type { AppContext } from '../../app/context.js';
import { liveWorkspaceByTeam, workspaceById } from '../../db/repos/slack-workspaces.js';
import { open } from '../../lib/crypto.js';
import { AppError } from '../../lib/errors.js';
import { botTokenPurpose } from './installation-store.js';
import { INSTALL_PATH } from './paths.js';

const TEAM_ID = /^[TE][A-Z0-9]{2,31}$/;

/**
 * The bot token to post into a workspace with. `workspaceId` is what an agent stores
 * (`agents.slack_workspace_id`, a `ws_…` row id) or a Slack team id (`T…`).
 * - Multi-workspace mode (SLACK_CLIENT_ID… set): the workspace's own token, unsealed from its live
 *   installation; an uninstalled, revoked or never-installed workspace is refused (`slack_not_installed`,
 *   verdict reauthenticate), so nothing is posted into it and no other workspace's token is ever used.
 * - Single-workspace mode: SLACK_BOT_TOKEN, whatever the workspace.
 * The token is for the Slack client only: never log it, put it in a job payload or an error.
 */
export async function botTokenForWorkspace(
  ctx: AppContext,
  workspaceId: string | null | undefined,
): Promise<string> {
  if (!ctx.config.slack.oauth) {
    if (ctx.config.slack.botToken) return ctx.config.slack.botToken;
    throw new AppError({
      code: 'slack_not_configured',
      verdict: 'invalid',
      message:
        'Slack is not configured: set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (install through /slack/install).',
    });
  }
  const db = (await ctx.database()).db;
  const row = !workspaceId
    ? undefined
    : TEAM_ID.test(workspaceId)
      ? await liveWorkspaceByTeam(db, workspaceId)
      : await workspaceById(db, workspaceId);
  if (!row || row.revokedAt || !row.botTokenSealed) {
    const which = row
      ? `${row.teamName ? `${row.teamName} ` : ''}(${row.teamId})`
      : (workspaceId ?? '(none)');
    const where = ctx.config.publicUrl ? `${ctx.config.publicUrl}${INSTALL_PATH}` : INSTALL_PATH;
    throw new AppError({
      code: 'slack_not_installed',
      verdict: 'reauthenticate',
      message: `MetaBuyer is not installed in the Slack workspace ${which}${row?.revokedAt ? ' any more (it was uninstalled or its token revoked)' : ''}. Install it at ${where}; nothing was posted.`,
      details: { workspace: row?.id ?? workspaceId ?? null },
    });
  }
  return open(ctx.keyring(), row.botTokenSealed, botTokenPurpose(row.teamId));
}
