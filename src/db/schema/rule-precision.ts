import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { agents } from './agents.js';

/**
 * Each rule's backtest precision as last measured on an agent's own account: did the rule's would-be
 * actions on past days hold up over the days that followed (src/domain/precision.ts)? Written by
 * `metabuyer backtest` on an agent and by the poll when the measurement is missing or old
 * (src/ops/rule-precision.ts); read by every run to decide which rules may propose actions
 * (src/domain/shadow.ts). Invariants: one row per agent × rule, replaced whole by each measurement
 * (an upsert, never a partial update); 0 ≤ confirmed ≤ verdicts; `precision` is confirmed / verdicts and
 * null exactly when verdicts is 0; 0 ≤ low ≤ high ≤ 1 (95 % Wilson interval); money in minor units of
 * the agent's currency; the targets are those the verdicts were labelled against, so a measurement taken
 * under other targets is known as such.
 */
export const rulePrecision = pgTable(
  'rule_precision',
  {
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    rule: text('rule').notNull(),
    /** Labelled verdicts (their following days were known and delivered). */
    verdicts: integer('verdicts').notNull(),
    confirmed: integer('confirmed').notNull(),
    /** Verdicts whose following days were not known yet: not counted in precision. */
    unlabelled: integer('unlabelled').notNull(),
    precision: doublePrecision('precision'),
    low: doublePrecision('low').notNull(),
    high: doublePrecision('high').notNull(),
    /** Minor units: positive saved, negative lost. */
    moneySaved: bigint('money_saved', { mode: 'number' }).notNull(),
    /** The local dates replayed (first and last day the engine ran on). */
    windowSince: text('window_since').notNull(),
    windowUntil: text('window_until').notNull(),
    /** Days after each verdict that judged it. */
    horizonDays: integer('horizon_days').notNull(),
    targetCpaMinor: bigint('target_cpa_minor', { mode: 'number' }),
    targetRoas: doublePrecision('target_roas'),
    /** `backtest` (an operator asked) or `poll` (re-measured because missing or old). */
    source: text('source', { enum: ['backtest', 'poll'] }).notNull(),
    measuredAt: ts('measured_at').notNull(),
  },
  (t) => [
    // Serves "the measurements of this agent" (every run) and the upsert's conflict target.
    primaryKey({ name: 'rule_precision_of_agent', columns: [t.agentId, t.rule] }),
    check('rule_precision_counts', sql`${t.confirmed} >= 0 AND ${t.confirmed} <= ${t.verdicts}`),
    check('rule_precision_interval', sql`${t.low} >= 0 AND ${t.low} <= ${t.high} AND ${t.high} <= 1`),
  ],
);
