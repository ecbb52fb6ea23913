import { and, asc, eq, inArray, lte, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { outbox } from '../schema/index.js';
import { ownerAlive } from './process-leases.js';

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxTopic = OutboxRow['topic'];

/**
 * Records work to do. Call it with the transaction that makes the change asking for it, so the work is
 * recorded if and only if the change is. A second call with the same dedupe key records nothing and
 * returns the existing row.
 */
export async function enqueueOutbox(
  db: Db,
  msg: {
    id: string;
    topic: OutboxTopic;
    dedupeKey: string;
    payload: Record<string, unknown>;
    now: Date;
  },
): Promise<OutboxRow> {
  const [row] = await db
    .insert(outbox)
    .values({
      id: msg.id,
      topic: msg.topic,
      dedupeKey: msg.dedupeKey,
      payload: msg.payload,
      state: 'pending',
      createdAt: msg.now,
      availableAt: msg.now,
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning();
  if (row) return row;
  const [existing] = await db.select().from(outbox).where(eq(outbox.dedupeKey, msg.dedupeKey));
  return existing!;
}

/**
 * Claims up to `limit` rows for `owner` (a process lease id): pending rows that are due, and claimed rows
 * whose owner died. Rows another claimer has locked are skipped, so concurrent claimers never take the
 * same row. The claim's lease is the owner's process lease: it lasts as long as the owner's heartbeat.
 */
export async function claimOutbox(
  db: Db,
  opts: { owner: string; now: Date; leaseMs: number; limit: number; topics?: OutboxTopic[] },
): Promise<OutboxRow[]> {
  const claimable = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        opts.topics ? inArray(outbox.topic, opts.topics) : undefined,
        or(
          and(eq(outbox.state, 'pending'), lte(outbox.availableAt, opts.now)),
          and(eq(outbox.state, 'claimed'), sql`not ${ownerAlive(outbox.ownerId, opts.leaseMs)}`),
        ),
      ),
    )
    .orderBy(asc(outbox.availableAt))
    .limit(opts.limit)
    .for('update', { skipLocked: true });
  return db
    .update(outbox)
    .set({
      state: 'claimed',
      ownerId: opts.owner,
      claimedAt: opts.now,
      attempts: sql`${outbox.attempts} + 1`,
    })
    .where(inArray(outbox.id, claimable))
    .returning();
}

/** Marks a row done. Done is final: a late duplicate finishing later changes nothing. */
export async function markOutboxDone(db: Db, id: string, now: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ state: 'done', finishedAt: now, lastError: null })
    .where(and(eq(outbox.id, id), ne(outbox.state, 'done')));
}

/** The work of a dedupe key was done (by whoever ran it): its row is done. */
export async function markOutboxDoneByKey(db: Db, dedupeKey: string, now: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ state: 'done', finishedAt: now, lastError: null })
    .where(and(eq(outbox.dedupeKey, dedupeKey), ne(outbox.state, 'done')));
}

/**
 * Records a failed attempt: the row is pending again after `retryAfterMs` while attempts remain, and
 * `failed` (kept, with the last error, for an operator) once they are spent.
 */
export async function markOutboxFailed(
  db: Db,
  id: string,
  failure: { error: string; now: Date; retryAfterMs: number; maxAttempts: number },
): Promise<OutboxRow | undefined> {
  const [row] = await db
    .update(outbox)
    .set({
      state: sql`case when ${outbox.attempts} >= ${failure.maxAttempts} then 'failed' else 'pending' end`,
      ownerId: null,
      lastError: failure.error.slice(0, 2000),
      availableAt: new Date(failure.now.getTime() + failure.retryAfterMs),
      finishedAt: sql`case when ${outbox.attempts} >= ${failure.maxAttempts} then ${failure.now.toISOString()}::timestamptz else null end`,
    })
    .where(and(eq(outbox.id, id), ne(outbox.state, 'done')))
    .returning();
  return row;
}

/** Rows not finished yet (pending, or claimed), oldest first: for the relay, reconcile and `doctor`. */
export async function pendingOutbox(db: Db, limit = 100): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(inArray(outbox.state, ['pending', 'claimed']))
    .orderBy(asc(outbox.availableAt))
    .limit(limit);
}

/** Makes the work of a dedupe key runnable again now (reconcile: its confirmation was abandoned). */
export async function reopenOutbox(db: Db, dedupeKey: string, now: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ state: 'pending', ownerId: null, availableAt: now, finishedAt: null })
    .where(eq(outbox.dedupeKey, dedupeKey));
}

export async function outboxByKey(db: Db, dedupeKey: string): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(outbox).where(eq(outbox.dedupeKey, dedupeKey));
  return row;
}

export async function outboxById(db: Db, id: string): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row;
}

/** Rows an owner has claimed and not finished: the relay's hand-offs it still watches. */
export async function claimedOutboxOf(db: Db, owner: string, limit = 500): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.state, 'claimed'), eq(outbox.ownerId, owner)))
    .orderBy(asc(outbox.claimedAt))
    .limit(limit);
}
