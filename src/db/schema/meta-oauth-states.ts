import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * One "Connect with Facebook" attempt: the `state` sent through Meta's login dialog, bound to the Slack
 * user and workspace that pressed the button (and the channel / agent they pressed it for). Invariants:
 * only the SHA-256 of the state is stored (the state itself is 256 random bits, in the dialog URL only);
 * a state is valid 15 minutes and is consumed at most once — the callback claims it with one conditional
 * UPDATE, so a replayed or concurrent callback finds it used and changes nothing.
 */
export const metaOauthStates = pgTable(
  'meta_oauth_states',
  {
    id: text('id').primaryKey(),
    stateHash: text('state_hash').notNull(),
    slackTeamId: text('slack_team_id').notNull(),
    slackUserId: text('slack_user_id').notNull(),
    /** Where the agent should report once an ad account is picked; null: decided at the choice. */
    slackChannelId: text('slack_channel_id'),
    /** The agent's ad account when reconnecting an existing agent; null for a new one. */
    adAccountId: text('ad_account_id'),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    consumedAt: ts('consumed_at'),
    /** What the callback made of it: connected, denied, failed. */
    outcome: text('outcome'),
  },
  (t) => [uniqueIndex('meta_oauth_states_by_state_hash').on(t.stateHash)],
);
