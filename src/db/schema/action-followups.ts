import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * What each applied write did, judged at 24 h, 72 h and 7 days (src/domain/outcome.ts). One row per
 * (action_log entry, horizon), created `due` by the sweep for every applied execute write; evaluated once:
 * the verdict, the row turning `done` and the outbox row that posts it are one transaction whose UPDATE
 * only matches a row still `due`, so a second evaluator (or a worker that died mid-job and was replaced)
 * changes nothing and posts nothing. Invariant: a `done` row is never changed again.
 */
export const actionFollowups = pgTable(
  'action_followups',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id').notNull(),
    /** action_log.id of the applied write. */
    actionLogId: text('action_log_id').notNull(),
    horizon: text('horizon', { enum: ['24h', '72h', '7d'] }).notNull(),
    /** The write's instant (our clock) plus the horizon. */
    dueAt: ts('due_at').notNull(),
    status: text('status', { enum: ['due', 'done'] }).notNull(),
    verdict: text('verdict', { enum: ['helped', 'hurt', 'inconclusive'] }),
    /** Why inconclusive (not_matured, no_peers…); null for helped / hurt. */
    reason: text('reason'),
    /** Relative change of the metric against peers, and its interval (0.18 = +18 %). */
    change: jsonb('change').$type<{ value: number; low: number; high: number } | null>(),
    /** Signed money of the after period against the counterfactual, minor units; negative = lost. */
    moneyMinor: bigint('money_minor', { mode: 'number' }),
    currency: text('currency'),
    /** The whole evaluation: subjects, days, sums, peers (src/ops/followups.ts FollowupDetail). */
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    /** The run whose snapshot was judged. */
    runId: text('run_id'),
    createdAt: ts('created_at').notNull(),
    evaluatedAt: ts('evaluated_at'),
  },
  (t) => [
    uniqueIndex('action_followups_once_per_write_and_horizon').on(t.actionLogId, t.horizon),
    index('action_followups_due_by_agent').on(t.agentId, t.dueAt).where(sql`${t.status} = 'due'`),
  ],
);
