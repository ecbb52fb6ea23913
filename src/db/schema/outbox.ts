import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * Hand-offs to the queue, written in the same transaction as the state change that causes them (a run
 * finished → post the report; a confirmation recorded → execute), and relayed to BullMQ by the outbox
 * relay. Invariant: a message is dispatched at least once; consumers are idempotent by `id`.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    topic: text('topic').notNull(),
    /** Versioned, schema-checked job payload. Never secrets. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull(),
    availableAt: ts('available_at').notNull(),
    dispatchedAt: ts('dispatched_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('outbox_pending_in_order').on(t.availableAt).where(sql`${t.dispatchedAt} is null`)],
);
