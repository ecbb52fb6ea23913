import { bigint, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { runs } from './runs.js';

/**
 * The metadata of every campaign, ad set and ad as read in one run. Written once by the run, never
 * updated. Invariant: one row per (run, entity); budgets in minor units.
 */
export const entitySnapshots = pgTable(
  'entity_snapshots',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    entityId: text('entity_id').notNull(),
    level: text('level', { enum: ['campaign', 'adset', 'ad'] }).notNull(),
    name: text('name').notNull(),
    campaignId: text('campaign_id').notNull(),
    adsetId: text('adset_id'),
    status: text('status').notNull(),
    effectiveStatus: text('effective_status').notNull(),
    dailyBudget: bigint('daily_budget', { mode: 'number' }),
    learningStage: text('learning_stage'),
    lastSignificantEditAt: ts('last_significant_edit_at'),
  },
  (t) => [
    primaryKey({ name: 'entity_snapshots_pk', columns: [t.runId, t.entityId] }),
    index('entity_snapshots_history_by_entity').on(t.entityId),
  ],
);
