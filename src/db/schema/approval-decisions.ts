import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { planActions } from './plan-actions.js';
import { plans } from './plans.js';

/**
 * Every APPROVE / REJECT / CLEAR an approver gave, from a thread reply, a button or the CLI. Written by
 * the decision functions only; rows are never changed (the current decision of an action is its latest
 * row). Every decision answers one plan (`plan_id`), and only the plan active when it was made. Invariant: the same source message applied to the same action is recorded once
 * (`source_ref`), so re-reading a Slack thread never double-counts.
 */
export const approvalDecisions = pgTable(
  'approval_decisions',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    planActionId: text('plan_action_id')
      .notNull()
      .references(() => planActions.id),
    decision: text('decision', { enum: ['approve', 'reject', 'clear'] }).notNull(),
    actor: text('actor').notNull(),
    source: text('source', { enum: ['cli', 'slack_thread', 'slack_button', 'slack_command'] }).notNull(),
    /** The Slack message ts or interaction id the decision came from; null for the CLI. */
    sourceRef: text('source_ref'),
    /** Why, in the decider's words (`REJECT A2 too early to judge`, `--reason`); null when none given. */
    reason: text('reason'),
    decidedAt: ts('decided_at').notNull(),
  },
  (t) => [
    index('approval_decisions_latest_by_action').on(t.planActionId, t.decidedAt.desc()),
    uniqueIndex('approval_decisions_once_per_source_message').on(t.source, t.sourceRef, t.planActionId),
  ],
);
