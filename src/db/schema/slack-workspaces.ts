import { sql } from 'drizzle-orm';
import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * A Slack workspace MetaBuyer is installed in. Written by the Slack install flow (or `setup` with a bot
 * token from the environment). Invariant: one live installation per team; the bot token is only ever
 * stored sealed (AES-256-GCM, see src/lib/crypto.ts) and is never selected into logs or messages.
 */
export const slackWorkspaces = pgTable(
  'slack_workspaces',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id').notNull(),
    teamName: text('team_name'),
    enterpriseId: text('enterprise_id'),
    botUserId: text('bot_user_id'),
    botTokenSealed: text('bot_token_sealed'),
    installedBy: text('installed_by'),
    installedAt: ts('installed_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('slack_workspaces_live_by_team').on(t.teamId).where(sql`${t.revokedAt} is null`)],
);
