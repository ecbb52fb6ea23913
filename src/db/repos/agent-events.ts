import { and, desc, eq, lt, ne } from 'drizzle-orm';
import type { Db } from '../client.js';
import { agentEvents, runs } from '../schema/index.js';

export type AgentEventRow = typeof agentEvents.$inferSelect;
export type NewAgentEvent = typeof agentEvents.$inferInsert;

/** Records an event; a trip whose key was already recorded is not (returns false). */
export async function recordAgentEvent(db: Db, row: NewAgentEvent): Promise<boolean> {
  const out = await db
    .insert(agentEvents)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: agentEvents.id });
  return out.length === 1;
}

/** An agent's events, newest first. */
export async function newestAgentEvents(db: Db, agentId: string, limit: number): Promise<AgentEventRow[]> {
  return db
    .select()
    .from(agentEvents)
    .where(eq(agentEvents.agentId, agentId))
    .orderBy(desc(agentEvents.at), desc(agentEvents.id))
    .limit(limit);
}

/** The succeeded run before this one: the poll that last read the account. */
export async function previousSucceededRun(
  db: Db,
  agentId: string,
  current: { id: string; startedAt: Date },
): Promise<typeof runs.$inferSelect | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(
      and(
        eq(runs.agentId, agentId),
        eq(runs.status, 'succeeded'),
        ne(runs.id, current.id),
        lt(runs.startedAt, current.startedAt),
      ),
    )
    .orderBy(desc(runs.startedAt))
    .limit(1);
  return row;
}
