import { and, desc, eq, gt, gte, inArray, lt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { actionLog } from '../schema/index.js';

export type ActionLogRow = typeof actionLog.$inferSelect;
export type NewActionLogEntry = Omit<typeof actionLog.$inferInsert, 'seq'>;

/**
 * Appends an entry unless one with the same idempotency key exists. Returns whether this call wrote
 * it: a retried or resumed worker that reaches the same point again records nothing new.
 */
export async function appendLog(db: Db, entry: NewActionLogEntry): Promise<boolean> {
  const rows = await db
    .insert(actionLog)
    .values(entry)
    .onConflictDoNothing()
    .returning({ seq: actionLog.seq });
  return rows.length === 1;
}

export async function logByIdempotencyKey(db: Db, key: string): Promise<ActionLogRow | undefined> {
  const [row] = await db.select().from(actionLog).where(eq(actionLog.idempotencyKey, key));
  return row;
}

export async function newestLog(db: Db, agentId: string, limit: number): Promise<ActionLogRow[]> {
  return db
    .select()
    .from(actionLog)
    .where(eq(actionLog.agentId, agentId))
    .orderBy(desc(actionLog.seq))
    .limit(limit);
}

export async function logForActions(db: Db, planActionIds: string[]): Promise<ActionLogRow[]> {
  if (planActionIds.length === 0) return [];
  return db
    .select()
    .from(actionLog)
    .where(inArray(actionLog.planActionId, planActionIds))
    .orderBy(actionLog.seq);
}

/** Applied writes of the executor (not rollbacks), newest first, made since (or before) a moment. */
export async function appliedWrites(
  db: Db,
  agentId: string,
  when: { since: Date } | { before: Date },
): Promise<ActionLogRow[]> {
  return db
    .select()
    .from(actionLog)
    .where(
      and(
        eq(actionLog.agentId, agentId),
        eq(actionLog.kind, 'execute'),
        inArray(actionLog.event, ['applied', 'reconciled']),
        'since' in when ? gte(actionLog.at, when.since) : lt(actionLog.at, when.before),
      ),
    )
    .orderBy(desc(actionLog.seq));
}

/** Rollback entries that undid any of these writes. */
export async function rollbacksOf(db: Db, logIds: string[]): Promise<ActionLogRow[]> {
  if (logIds.length === 0) return [];
  return db
    .select()
    .from(actionLog)
    .where(and(eq(actionLog.kind, 'rollback'), inArray(actionLog.rollbackOf, logIds)))
    .orderBy(actionLog.seq);
}

/** Applied writes (and rollbacks) made strictly after a moment: what a run read before it cannot show. */
export async function writesAfter(db: Db, agentId: string, after: Date): Promise<ActionLogRow[]> {
  return db
    .select()
    .from(actionLog)
    .where(
      and(
        eq(actionLog.agentId, agentId),
        inArray(actionLog.event, ['applied', 'reconciled']),
        gt(actionLog.at, after),
      ),
    )
    .orderBy(actionLog.seq);
}

/** Every applied write (and rollback) of an agent since a moment: the history guardrails look at. */
export async function writesSince(db: Db, agentId: string, since: Date): Promise<ActionLogRow[]> {
  return db
    .select()
    .from(actionLog)
    .where(
      and(
        eq(actionLog.agentId, agentId),
        inArray(actionLog.event, ['applied', 'reconciled']),
        gte(actionLog.at, since),
      ),
    )
    .orderBy(actionLog.seq);
}

export async function logById(db: Db, id: string): Promise<ActionLogRow | undefined> {
  const [row] = await db.select().from(actionLog).where(eq(actionLog.id, id));
  return row;
}

/** When the agent's writes (and rollbacks) failed, since a moment: what the kill switch counts. */
export async function failedWritesSince(db: Db, agentId: string, since: Date): Promise<Date[]> {
  const rows = await db
    .select({ at: actionLog.at })
    .from(actionLog)
    .where(and(eq(actionLog.agentId, agentId), eq(actionLog.event, 'failed'), gte(actionLog.at, since)))
    .orderBy(actionLog.seq);
  return rows.map((r) => r.at);
}
