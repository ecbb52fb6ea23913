import { bigint, index, pgTable, text } from 'drizzle-orm/pg-core';
import { runs } from './runs.js';

/**
 * Delivery sums per entity as read in one run: one row for the decision window (`date` null) and one per
 * complete day. Written once by the run, never updated. Invariant: money in minor units; purchases
 * counted once under the run's purchase action type; ratios are never stored, only sums.
 */
export const insightSnapshots = pgTable(
  'insight_snapshots',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    entityId: text('entity_id').notNull(),
    level: text('level', { enum: ['campaign', 'adset', 'ad'] }).notNull(),
    /** Local date (YYYY-MM-DD) of a daily row; null for the window total. */
    date: text('date'),
    spend: bigint('spend', { mode: 'number' }).notNull(),
    impressions: bigint('impressions', { mode: 'number' }).notNull(),
    reach: bigint('reach', { mode: 'number' }).notNull(),
    clicks: bigint('clicks', { mode: 'number' }).notNull(),
    linkClicks: bigint('link_clicks', { mode: 'number' }).notNull(),
    purchases: bigint('purchases', { mode: 'number' }).notNull(),
    purchaseValue: bigint('purchase_value', { mode: 'number' }).notNull(),
  },
  (t) => [index('insight_snapshots_rows_of_run').on(t.runId, t.level, t.entityId)],
);
