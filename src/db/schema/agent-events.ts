import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';
import { agents } from './agents.js';

/**
 * What stopped and restarted an agent, newest last: a kill-switch trip (with its trip key), an
 * operator's halt, a resume. Written by the kill switch (src/ops/kill-switch.ts), pause-agent and
 * resume-agent, in the same transaction as the agent row they change; never updated. Invariant: one
 * trip per agent and trip key (`kind:account-local day`), so the same trip fires — halts and posts —
 * once, however many polls see it.
 */
export const agentEvents = pgTable(
  'agent_events',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    kind: text('kind', { enum: ['trip', 'halt', 'resume'] }).notNull(),
    /** For a trip: spend_pace | zero_conversions | token | write_failures | flapping. */
    tripKind: text('trip_kind'),
    /** For a trip: `<trip kind>:<YYYY-MM-DD>`; null otherwise. */
    tripKey: text('trip_key'),
    reason: text('reason').notNull(),
    /** actorLabel of who did it (`worker:kill-switch`, `cli:alice`, `slack:U…`). */
    actor: text('actor').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    at: ts('at').notNull(),
  },
  (t) => [
    uniqueIndex('agent_events_trip_once').on(t.agentId, t.tripKey).where(sql`${t.tripKey} is not null`),
    index('agent_events_newest_by_agent').on(t.agentId, t.at.desc()),
  ],
);
