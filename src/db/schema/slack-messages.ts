import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { agents } from './agents.js';

/**
 * The Slack messages MetaBuyer posted for an agent — reports and approval queues — so decisions can be
 * read back from their threads. Written by the Slack poster; `last_scanned_ts` is advanced by
 * sync-approvals. Invariant: one row per posted message (channel + ts).
 */
export const slackMessages = pgTable(
  'slack_messages',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    kind: text('kind', { enum: ['report', 'queue', 'notice'] }).notNull(),
    channelId: text('channel_id').notNull(),
    /** The message's own ts. */
    messageTs: text('message_ts').notNull(),
    /** The thread it lives in (its own ts when it starts the thread). */
    threadTs: text('thread_ts').notNull(),
    runId: text('run_id'),
    planId: text('plan_id'),
    postedAt: ts('posted_at').notNull(),
    lastScannedTs: text('last_scanned_ts'),
  },
  (t) => [
    index('slack_messages_threads_of_plan').on(t.planId),
    index('slack_messages_by_agent').on(t.agentId),
  ],
);
