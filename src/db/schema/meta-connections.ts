import { sql } from 'drizzle-orm';
import { check, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * The credentials for one Meta ad account. Written by `connect`. Invariants: the access token is only
 * stored sealed (`access_token_sealed`, with the key id inside the sealed value, so keys can rotate);
 * one live connection per ad account; `environment` is the word an operator must type to confirm
 * writes (`--confirm sandbox|live`).
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
  },
  (t) => [
    uniqueIndex('meta_connections_live_by_ad_account').on(t.adAccountId).where(sql`${t.revokedAt} is null`),
    check('meta_connections_ad_account_format', sql`${t.adAccountId} ~ '^act_[0-9]+$'`),
  ],
);
