import { sql } from 'drizzle-orm';
import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * A Slack workspace MetaBuyer is installed in. Written by the Slack install flow (or `setup` with a bot
 * token from the environment). Invariant: one live installation per team; the bot token is only ever
 * stored sealed (AES-256-GCM, see src/lib/crypto.ts) and is never selected into logs or messages.
 * Uninstalling (app_uninstalled, tokens_revoked) sets revoked_at and blanks the sealed token; a later
 * install of the same team revives that row, so agents bound to it keep their workspace.
 */
export const slackWorkspaces = pgTable(
  'slack_workspaces',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id').notNull(),
    teamName: text('team_name'),
    enterpriseId: text('enterprise_id'),
    botUserId: text('bot_user_id'),
    /** `B…`: the bot's id (auth.test), which Bolt's authorize hands to middleware as botId. */
    botId: text('bot_id'),
    /** The Slack app (`A…`) that was installed. */
    appId: text('app_id'),
    /** The bot scopes granted at install, comma-separated as Slack reports them. */
    botScopes: text('bot_scopes'),
    botTokenSealed: text('bot_token_sealed'),
    installedBy: text('installed_by'),
    installedAt: ts('installed_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('slack_workspaces_live_by_team').on(t.teamId).where(sql`${t.revokedAt} is null`)],
);
