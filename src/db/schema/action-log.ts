import { bigserial, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * The append-only record of every write MetaBuyer attempted on Meta and how it ended. Written only by the
 * executor and the rollback. Invariants: rows are never updated or deleted — a trigger in the migration
 * `append_only_action_log` refuses UPDATE and DELETE in the database itself; `idempotency_key` makes each
 * outcome of each attempt recordable exactly once, so a retried or crashed worker cannot log a write twice.
 */
export const actionLog = pgTable(
  'action_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull().unique('action_log_id_unique'),
    agentId: text('agent_id').notNull(),
    adAccountId: text('ad_account_id').notNull(),
    kind: text('kind', { enum: ['execute', 'rollback'] }).notNull(),
    /** intent = about to write; then exactly one of the outcomes. */
    event: text('event', {
      enum: ['intent', 'applied', 'failed', 'stale', 'unknown', 'refused', 'reconciled'],
    }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    planId: text('plan_id'),
    planActionId: text('plan_action_id'),
    actionKey: text('action_key'),
    confirmationId: text('confirmation_id'),
    /** For a rollback: the log id of the applied write it undoes. */
    rollbackOf: text('rollback_of'),
    type: text('type', { enum: ['set_status', 'update_daily_budget'] }).notNull(),
    level: text('level', { enum: ['campaign', 'adset', 'ad'] }).notNull(),
    entityId: text('entity_id').notNull(),
    entityName: text('entity_name'),
    fromValue: jsonb('from_value').$type<string | number>().notNull(),
    toValue: jsonb('to_value').$type<string | number>().notNull(),
    /** The value read live just before (intent) or just after (outcome) the write. */
    observedValue: jsonb('observed_value').$type<string | number | null>(),
    approvedBy: jsonb('approved_by').$type<string[]>().notNull().default([]),
    confirmedBy: text('confirmed_by'),
    environment: text('environment', { enum: ['sandbox', 'live'] }).notNull(),
    reason: text('reason'),
    error: jsonb('error').$type<Record<string, unknown>>(),
    at: ts('at').notNull(),
  },
  (t) => [
    uniqueIndex('action_log_each_outcome_once').on(t.idempotencyKey),
    index('action_log_newest_by_agent').on(t.agentId, t.seq.desc()),
    index('action_log_by_entity').on(t.entityId, t.seq.desc()),
  ],
);
