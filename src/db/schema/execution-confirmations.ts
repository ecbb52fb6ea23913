import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { agents } from './agents.js';
import { plans } from './plans.js';

/** One write a confirmation covers, recorded when the operator confirmed it. */
export interface ConfirmationTarget {
  /** The plan action written (execute) or whose write is undone (rollback). */
  actionId: string;
  key: string;
  /** Rollback only: the action-log id of the applied write to undo. */
  logId: string | null;
  type: 'set_status' | 'update_daily_budget';
  level: 'campaign' | 'adset' | 'ad';
  entityId: string;
  entityName: string | null;
  /** The value the object must hold for this write to go ahead, and the value it writes. */
  from: string | number;
  to: string | number;
}

/**
 * An operator's confirmation to execute (or roll back) — who, when, with which word, which plan and
 * exactly which writes — recorded before anything is written, in the same transaction as the outbox row
 * that asks for it to run, so a crash leaves a record of intent that is run again. Written by
 * confirmExecution / confirmRollback and runConfirmation. `status` moves pending → running (by a process,
 * `runner_id`) → done, with the result stored. Invariants: `confirm_word` matched the connection's
 * environment when recorded; a run touches only `targets`; a done confirmation is never run again (its
 * stored result is returned).
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
    targets: jsonb('targets').$type<ConfirmationTarget[]>().notNull(),
    status: text('status', { enum: ['pending', 'running', 'done'] }).notNull(),
    /** The process running it now (process_leases.id). */
    runnerId: text('runner_id'),
    finishedAt: ts('finished_at'),
    result: jsonb('result').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('execution_confirmations_latest_by_agent').on(t.agentId, t.confirmedAt.desc()),
    index('execution_confirmations_unfinished').on(t.status),
  ],
);
