import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { agents } from './agents.js';
import { plans } from './plans.js';

/**
 * An operator's confirmation to execute (or roll back) — who, when, with which word, which plan and
 * which actions — recorded before anything is written, so the same handler can run in a queue worker
 * and a crash leaves a record of intent. Written by `execute-actions` / `rollback-actions` and the
 * confirmation modal; `status` moves pending → running → done. Invariant: `confirm_word` matched the
 * connection's environment when recorded.
 */
export const executionConfirmations = pgTable(
  'execution_confirmations',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    kind: text('kind', { enum: ['execute', 'rollback'] }).notNull(),
    planId: text('plan_id').references(() => plans.id),
    confirmWord: text('confirm_word', { enum: ['sandbox', 'live'] }).notNull(),
    confirmedBy: text('confirmed_by').notNull(),
    confirmedAt: ts('confirmed_at').notNull(),
    /** Plan action keys (execute) or action-log ids (rollback) this confirmation covers. */
    targets: jsonb('targets').$type<string[]>().notNull(),
    status: text('status', { enum: ['pending', 'running', 'done'] }).notNull(),
    finishedAt: ts('finished_at'),
    result: jsonb('result').$type<Record<string, unknown>>(),
  },
  (t) => [index('execution_confirmations_latest_by_agent').on(t.agentId, t.confirmedAt.desc())],
);
