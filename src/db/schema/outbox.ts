import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * Work asked for in the same transaction as the change that asks for it (a confirmation recorded → run
 * it), drained by the in-process runner or relayed to BullMQ. States: pending → claimed (by a process,
 * whose process lease is the claim's lease) → done | failed; a claimed row whose owner died is claimable
 * again. Invariants: one row per `dedupe_key` (asking twice records the work once); a message may be
 * handled more than once, so handlers are idempotent (runConfirmation is).
 */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    /**
     * execute | rollback: run a confirmation; slack.connection_warning: post a token warning once;
     * slack.followup: post a follow-up verdict in its plan's thread once;
     * slack.kill_switch: post a kill-switch trip once and close the approval queue.
     */
    topic: text('topic', {
      enum: ['execute', 'rollback', 'slack.connection_warning', 'slack.followup', 'slack.kill_switch'],
    }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    /** Versioned, schema-checked job payload. Never secrets. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    state: text('state', { enum: ['pending', 'claimed', 'done', 'failed'] }).notNull(),
    /** The process lease of the claimer (process_leases.id). */
    ownerId: text('owner_id'),
    claimedAt: ts('claimed_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    availableAt: ts('available_at').notNull(),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    uniqueIndex('outbox_once_per_dedupe_key').on(t.dedupeKey),
    index('outbox_claimable_in_order').on(t.availableAt).where(sql`${t.state} in ('pending', 'claimed')`),
  ],
);
