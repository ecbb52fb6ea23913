import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { executionConfirmations } from '../schema/index.js';
import { enqueueOutbox } from './outbox.js';

export type ConfirmationRow = typeof executionConfirmations.$inferSelect;
export type { ConfirmationTarget } from '../schema/execution-confirmations.js';

/** The job payload that asks for a confirmation to run: its id only, never a token. */
export interface ConfirmationJob {
  v: 1;
  confirmationId: string;
}

/**
 * Records a confirmation with its exact targets and, in the same transaction, the outbox row that asks
 * for it to run (topic = its kind, dedupe key = its id): the confirmation exists if and only if its work
 * is queued.
 */
export async function recordConfirmation(
  db: Db,
  row: Omit<ConfirmationRow, 'status' | 'finishedAt' | 'result' | 'runnerId'>,
  outboxId: string,
): Promise<ConfirmationRow> {
  return db.transaction(async (tx) => {
    const [out] = await tx
      .insert(executionConfirmations)
      .values({ ...row, status: 'pending' })
      .returning();
    const job: ConfirmationJob = { v: 1, confirmationId: row.id };
    await enqueueOutbox(tx as unknown as Db, {
      id: outboxId,
      topic: row.kind,
      dedupeKey: row.id,
      payload: { ...job },
      now: row.confirmedAt,
    });
    return out!;
  });
}

export async function confirmationById(db: Db, id: string): Promise<ConfirmationRow | undefined> {
  const [row] = await db.select().from(executionConfirmations).where(eq(executionConfirmations.id, id));
  return row;
}

/**
 * Takes the run of a confirmation for `runner`, compare-and-set: from pending, or from the runner seen
 * before (`previousRunner`, found dead). Returns false when someone else holds it or it is done.
 */
export async function takeConfirmationRun(
  db: Db,
  id: string,
  runner: string,
  previousRunner: string | null,
): Promise<boolean> {
  const rows = await db
    .update(executionConfirmations)
    .set({ status: 'running', runnerId: runner })
    .where(
      and(
        eq(executionConfirmations.id, id),
        ne(executionConfirmations.status, 'done'),
        previousRunner === null
          ? or(eq(executionConfirmations.status, 'pending'), isNull(executionConfirmations.runnerId))
          : eq(executionConfirmations.runnerId, previousRunner),
      ),
    )
    .returning({ id: executionConfirmations.id });
  return rows.length === 1;
}

/** Stores the result and marks it done (once: a second finisher keeps the first result). */
export async function finishConfirmation(
  db: Db,
  id: string,
  at: Date,
  result: Record<string, unknown>,
): Promise<ConfirmationRow> {
  await db
    .update(executionConfirmations)
    .set({ status: 'done', finishedAt: at, result, runnerId: null })
    .where(and(eq(executionConfirmations.id, id), ne(executionConfirmations.status, 'done')));
  return (await confirmationById(db, id))!;
}

/** Unfinished confirmations (pending or running), for reconcile to find abandoned runs. */
export async function unfinishedConfirmations(db: Db): Promise<ConfirmationRow[]> {
  return db.select().from(executionConfirmations).where(sql`${executionConfirmations.status} <> 'done'`);
}

/** Gives an abandoned run back (runner died): pending, to be run again. */
export async function reopenConfirmation(db: Db, id: string, deadRunner: string | null): Promise<boolean> {
  const rows = await db
    .update(executionConfirmations)
    .set({ status: 'pending', runnerId: null })
    .where(
      and(
        eq(executionConfirmations.id, id),
        eq(executionConfirmations.status, 'running'),
        deadRunner === null
          ? isNull(executionConfirmations.runnerId)
          : eq(executionConfirmations.runnerId, deadRunner),
      ),
    )
    .returning({ id: executionConfirmations.id });
  return rows.length === 1;
}
