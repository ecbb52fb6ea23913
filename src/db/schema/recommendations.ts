import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { runs } from './runs.js';

/**
 * What the engine recommended in one run, each with its evidence. Written once by the run. Invariant:
 * the engine's recommendation id is stable for the same rule and entity, so it is unique within a run.
 */
export const recommendations = pgTable(
  'recommendations',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    /** Position in the engine's stable order. */
    ordinal: integer('ordinal').notNull(),
    rule: text('rule').notNull(),
    severity: text('severity').notNull(),
    level: text('level').notNull(),
    entityId: text('entity_id').notNull(),
    entityName: text('entity_name').notNull(),
    /** The contract action: null | {type, level, entity_id, from, to}. */
    action: jsonb('action').$type<Record<string, unknown> | null>(),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull(),
    message: text('message').notNull(),
  },
  (t) => [
    primaryKey({ name: 'recommendations_pk', columns: [t.runId, t.id] }),
    index('recommendations_of_run_in_order').on(t.runId, t.ordinal),
  ],
);
