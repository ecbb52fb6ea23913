import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { agents } from './agents.js';

/**
 * One poll-and-recommend cycle. Written by `run-now` and the scheduled poll. Invariants: a run is
 * `running` until it ends as `succeeded` or `failed`; only a succeeded run has a snapshot, a summary and
 * recommendations; `account` keeps the account facts (currency, time zone, min budget) the figures were
 * computed in.
 */
export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    trigger: text('trigger', { enum: ['schedule', 'cli', 'slack', 'demo', 'backtest'] }).notNull(),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull(),
    startedAt: ts('started_at').notNull(),
    finishedAt: ts('finished_at'),
    datePreset: text('date_preset').notNull(),
    windowSince: text('window_since'),
    windowUntil: text('window_until'),
    currency: text('currency'),
    account: jsonb('account').$type<Record<string, unknown>>(),
    purchaseActionType: text('purchase_action_type'),
    /** {spend, purchases, purchaseValue, cpa, roas} in minor units where money. */
    summary: jsonb('summary').$type<Record<string, unknown>>(),
    graphCalls: integer('graph_calls'),
    /**
     * Rules the run kept in shadow (they recommended but proposed no action), each with its reason, as
     * the run decided it: the report says which rules are still in shadow and why. Null on older runs.
     */
    shadow:
      jsonb('shadow').$type<Array<{ rule: string; reason: string; precision?: Record<string, unknown> }>>(),
    error: jsonb('error').$type<{ code: string; message: string }>(),
  },
  (t) => [index('runs_latest_by_agent').on(t.agentId, t.startedAt.desc())],
);
