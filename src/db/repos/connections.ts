import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { metaConnections } from '../schema/index.js';

export type ConnectionRow = typeof metaConnections.$inferSelect;
export type NewConnection = Omit<
  typeof metaConnections.$inferInsert,
  'createdAt' | 'updatedAt' | 'revokedAt'
>;

/** Stores a new connection for an ad account, retiring the previous live one in the same transaction. */
export async function replaceConnection(db: Db, conn: NewConnection, now: Date): Promise<ConnectionRow> {
  return db.transaction(async (tx) => {
    await tx
      .update(metaConnections)
      .set({ revokedAt: now, updatedAt: now })
      .where(and(eq(metaConnections.adAccountId, conn.adAccountId), isNull(metaConnections.revokedAt)));
    const [row] = await tx
      .insert(metaConnections)
      .values({ ...conn, createdAt: now, updatedAt: now })
      .returning();
    return row!;
  });
}

export async function liveConnectionFor(db: Db, adAccountId: string): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .select()
    .from(metaConnections)
    .where(and(eq(metaConnections.adAccountId, adAccountId), isNull(metaConnections.revokedAt)));
  return row;
}

export async function liveConnections(db: Db): Promise<ConnectionRow[]> {
  return db
    .select()
    .from(metaConnections)
    .where(isNull(metaConnections.revokedAt))
    .orderBy(metaConnections.createdAt);
}

export async function connectionById(db: Db, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(metaConnections).where(eq(metaConnections.id, id));
  return row;
}
