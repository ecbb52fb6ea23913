import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { processLeases } from '../schema/index.js';

export type ProcessLeaseRow = typeof processLeases.$inferSelect;

/** Registers a running process; times are the database's, so every host judges liveness alike. */
export async function startLease(
  db: Db,
  row: Pick<ProcessLeaseRow, 'id' | 'host' | 'pid' | 'role'>,
): Promise<void> {
  await db.insert(processLeases).values({ ...row, startedAt: sql`now()`, heartbeatAt: sql`now()` });
}

/** Renews the lease; false when the row is gone or stopped (the process must stop claiming work). */
export async function heartbeat(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .update(processLeases)
    .set({ heartbeatAt: sql`now()` })
    .where(and(eq(processLeases.id, id), isNull(processLeases.stoppedAt)))
    .returning({ id: processLeases.id });
  return rows.length === 1;
}

export async function stopLease(db: Db, id: string): Promise<void> {
  await db.update(processLeases).set({ stoppedAt: sql`now()` }).where(eq(processLeases.id, id));
}

/**
 * SQL that is true when the process `ownerColumn` names is alive: registered, not stopped, heartbeat
 * younger than the lease. A missing owner (null, or a row pruned long ago) is not alive.
 */
export function ownerAlive(ownerColumn: unknown, leaseMs: number) {
  return sql`exists (select 1 from ${processLeases} p where p.id = ${ownerColumn} and p.stopped_at is null and p.heartbeat_at >= now() - ${Math.round(leaseMs)}::int * interval '1 millisecond')`;
}

/** Whether each of these processes is alive now. */
export async function aliveOwners(db: Db, ids: string[], leaseMs: number): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: processLeases.id })
    .from(processLeases)
    .where(
      and(
        sql`${processLeases.id} in ${ids}`,
        isNull(processLeases.stoppedAt),
        sql`${processLeases.heartbeatAt} >= now() - ${Math.round(leaseMs)}::int * interval '1 millisecond'`,
      ),
    );
  return new Set(rows.map((r) => r.id));
}

/** Forgets processes that stopped or went silent long ago (a day); their claims were settled since. */
export async function pruneLeases(db: Db): Promise<void> {
  await db.delete(processLeases).where(lt(processLeases.heartbeatAt, sql`now() - interval '1 day'`));
}
