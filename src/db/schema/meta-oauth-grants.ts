import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * A Facebook login that succeeded (Connect with Facebook) and awaits the Slack user's choice of ad
 * account. Written by the OAuth callback; turned into a meta_connections row by chooseAdAccount.
 * Invariants: the long-lived user token is only stored sealed, and is blanked ('') once the grant is
 * used or superseded; a grant belongs to the Slack user and workspace whose state it consumed, and only
 * they can use it, once, before `expires_at`.
 */
export const metaOauthGrants = pgTable(
  'meta_oauth_grants',
  {
    id: text('id').primaryKey(),
    slackTeamId: text('slack_team_id').notNull(),
    slackUserId: text('slack_user_id').notNull(),
    slackChannelId: text('slack_channel_id'),
    /** Set when the login was started to reconnect this ad account's agent. */
    adAccountId: text('ad_account_id'),
    metaUserId: text('meta_user_id'),
    accessTokenSealed: text('access_token_sealed').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
    tokenExpiresAt: ts('token_expires_at'),
    dataAccessExpiresAt: ts('data_access_expires_at'),
    appId: text('app_id'),
    /** The first Page the user administers (/me/accounts), for creatives. */
    pageId: text('page_id'),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [
    index('meta_oauth_grants_pending_by_slack_user')
      .on(t.slackTeamId, t.slackUserId, t.createdAt)
      .where(sql`${t.usedAt} is null`),
  ],
);
