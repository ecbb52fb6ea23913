import { sql } from 'drizzle-orm';
import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { agents } from './agents.js';

/**
 * The Slack messages MetaBuyer posted for an agent — reports and approval queues — so decisions can be
 * read back from their threads. Written by the Slack poster; `last_scanned_ts` is advanced by
 * sync-approvals; `shown_state` by whoever re-renders a queue message closed. Invariants: one row per
 * posted message (channel + ts); a queue message's `shown_state` only moves forward
 * (open → expired → superseded → executed), and is written in the same transaction as the chat.update
 * that showed it, so each closed state is shown once.
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
    /**
     * Queue messages: the plan state the message last showed. Null (rows from before it existed) reads
     * as `open`; reports and notices keep null.
     */
    shownState: text('shown_state', { enum: ['open', 'expired', 'superseded', 'executed'] }),
    /** When `shown_state` was last written by a chat.update. */
    shownAt: ts('shown_at'),
  },
  (t) => [
    index('slack_messages_threads_of_plan').on(t.planId),
    index('slack_messages_by_agent').on(t.agentId),
    // The queue sweep: queue messages that may still need closing.
    index('slack_messages_queues_to_close')
      .on(t.planId)
      .where(sql`${t.kind} = 'queue' and coalesce(${t.shownState}, 'open') in ('open', 'expired')`),
  ],
);
