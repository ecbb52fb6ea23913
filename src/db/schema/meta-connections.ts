import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * The credentials for one Meta ad account. Written by `connect`. Invariants: the access token is only
 * stored sealed (`access_token_sealed`, with the key id inside the sealed value, so keys can rotate);
 * one live connection per ad account; `environment` is the word an operator must type to confirm
 * writes (`--confirm sandbox|live`). A disconnected connection keeps its row (agents and the action log
 * point at it) but not its token: `revoked_at` is set and `access_token_sealed` is blanked (''). Token
 * maintenance (src/ops/token-maintenance.ts) keeps `health` and warns a channel at most once per problem
 * (`warned_at`, cleared when the token is healthy again).
 */
export const metaConnections = pgTable(
  'meta_connections',
  {
    id: text('id').primaryKey(),
    /** `act_<digits>` */
    adAccountId: text('ad_account_id').notNull(),
    accessTokenSealed: text('access_token_sealed').notNull(),
    tokenMode: text('token_mode', { enum: ['user', 'system_user'] }).notNull(),
    /** Null when Meta says the token never expires. */
    tokenExpiresAt: ts('token_expires_at'),
    dataAccessExpiresAt: ts('data_access_expires_at'),
    environment: text('environment', { enum: ['sandbox', 'live'] }).notNull(),
    businessId: text('business_id'),
    pageId: text('page_id'),
    instagramActorId: text('instagram_actor_id'),
    appId: text('app_id'),
    /** Permissions granted when last validated. */
    scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
    metaUserId: text('meta_user_id'),
    validatedAt: ts('validated_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
    /** `token`: pasted into `metabuyer connect`; `oauth`: Connect with Facebook. */
    method: text('method', { enum: ['token', 'oauth'] })
      .notNull()
      .default('token'),
    lastRefreshedAt: ts('last_refreshed_at'),
    /** What the last maintenance found: ok, or why the token cannot be trusted. */
    health: text('health', { enum: ['ok', 'missing_scope', 'refresh_failed', 'invalid'] })
      .notNull()
      .default('ok'),
    healthDetail: text('health_detail'),
    /** When the current problem was announced to the agents' channels; null: nothing announced. */
    warnedAt: ts('warned_at'),
    /** Who disconnected it (`cli:alice`, `slack:U…`); null while live or when replaced by a new connect. */
    disconnectedBy: text('disconnected_by'),
  },
  (t) => [
    uniqueIndex('meta_connections_live_by_ad_account').on(t.adAccountId).where(sql`${t.revokedAt} is null`),
    check('meta_connections_ad_account_format', sql`${t.adAccountId} ~ '^act_[0-9]+$'`),
    index('meta_connections_live_by_token_expiry').on(t.tokenExpiresAt).where(sql`${t.revokedAt} is null`),
  ],
);
