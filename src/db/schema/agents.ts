import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { metaConnections } from './meta-connections.js';
import { slackWorkspaces } from './slack-workspaces.js';

/**
 * An agent watches one ad account and reports to one Slack channel. Written by `setup`, `pause-agent`,
 * `resume-agent` and the scheduler (last/next run). Invariants: one agent per ad account; a halted agent
 * neither polls nor executes, and says why (`halted_reason`); `config` is the engine's AgentConfig
 * (targets, thresholds, guardrails, approvers, rollback window), validated by its zod schema on every
 * read and write.
 */
export const agents = pgTable(
  'agents',
  {
    id: text('id').primaryKey(),
    connectionId: text('connection_id')
      .notNull()
      .references(() => metaConnections.id),
    adAccountId: text('ad_account_id').notNull(),
    /** Read from Meta at connect: budgets and targets are in this currency's minor units. */
    currency: text('currency').notNull(),
    accountName: text('account_name'),
    timezoneName: text('timezone_name'),
    slackWorkspaceId: text('slack_workspace_id').references(() => slackWorkspaces.id),
    /** `C…` channel id; reports and approval queues go there. */
    slackChannelId: text('slack_channel_id'),
    enabled: boolean('enabled').notNull().default(true),
    executionEnabled: boolean('execution_enabled').notNull().default(false),
    intervalSeconds: integer('interval_seconds').notNull().default(21600),
    halted: boolean('halted').notNull().default(false),
    haltedReason: text('halted_reason'),
    haltedBy: text('halted_by'),
    haltedAt: ts('halted_at'),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    lastRunAt: ts('last_run_at'),
    nextRunAt: ts('next_run_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('agents_by_ad_account').on(t.adAccountId),
    index('agents_due_for_poll').on(t.nextRunAt).where(sql`${t.enabled} and not ${t.halted}`),
    check('agents_interval_at_least_5_minutes', sql`${t.intervalSeconds} >= 300`),
    check('agents_halt_has_reason', sql`not ${t.halted} or ${t.haltedReason} is not null`),
  ],
);
