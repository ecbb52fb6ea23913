import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ACTION_STATUSES } from '../../domain/action-state.js';
import { ts } from './_columns.js';
import { plans } from './plans.js';

/**
 * One proposed write in a plan, addressed by its short key (A1, A2…). Written by `plan-actions`
 * (creation), decisions (approved/rejected/proposed) and the executor (executing → applied | failed |
 * stale | unknown; applied → rolling_back → rolled_back). An action being written carries its owner
 * process and confirmation, so a dead owner's action can be reconciled from live state. Invariants: keys are unique within a plan; `type` is
 * set_status (from/to are statuses) or update_daily_budget (from/to are integer minor units); status
 * moves only along the state machine in src/domain/action-state.ts, enforced by compare-and-set updates.
 */
export const planActions = pgTable(
  'plan_actions',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    key: text('key').notNull(),
    /** Order within the plan: A1 is 1. */
    position: integer('position').notNull(),
    type: text('type', { enum: ['set_status', 'update_daily_budget'] }).notNull(),
    level: text('level', { enum: ['campaign', 'adset', 'ad'] }).notNull(),
    entityId: text('entity_id').notNull(),
    entityName: text('entity_name').notNull(),
    fromValue: jsonb('from_value').$type<string | number>().notNull(),
    toValue: jsonb('to_value').$type<string | number>().notNull(),
    requiresApproval: boolean('requires_approval').notNull(),
    status: text('status', { enum: ACTION_STATUSES }).notNull(),
    recommendationId: text('recommendation_id'),
    rule: text('rule'),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull().default({}),
    reason: text('reason'),
    /** The process (process_leases.id) writing it now: set with `executing` / `rolling_back`. */
    ownerId: text('owner_id'),
    /** The confirmation that last moved it past approval (execute or rollback). */
    confirmationId: text('confirmation_id'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('plan_actions_by_plan_and_key').on(t.planId, t.key),
    index('plan_actions_by_entity').on(t.entityId),
    index('plan_actions_in_flight')
      .on(t.status)
      .where(sql`${t.status} in ('executing', 'unknown', 'rolling_back')`),
    check('plan_actions_key_format', sql`${t.key} ~ '^A[0-9]+$'`),
  ],
);
