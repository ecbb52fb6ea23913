import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { agents } from './agents.js';
import { runs } from './runs.js';

/**
 * A plan of actions built from one run. Written by `plan-actions`. Invariants: at most one `active` plan
 * per agent (a new plan marks the previous one `superseded`, naming its successor); a plan past
 * `expires_at` can no longer be executed; `guardrails` records every action a guardrail blocked or
 * trimmed while planning.
 */
export const plans = pgTable(
  'plans',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    status: text('status', { enum: ['active', 'superseded'] }).notNull(),
    createdAt: ts('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    expiresAt: ts('expires_at').notNull(),
    supersededBy: text('superseded_by'),
    supersededAt: ts('superseded_at'),
    guardrails: jsonb('guardrails').$type<unknown[]>().notNull().default([]),
  },
  (t) => [
    uniqueIndex('plans_one_active_per_agent').on(t.agentId).where(sql`${t.status} = 'active'`),
    index('plans_latest_by_agent').on(t.agentId, t.createdAt.desc()),
  ],
);
