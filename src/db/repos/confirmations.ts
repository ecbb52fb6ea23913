import { eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { executionConfirmations } from '../schema/index.js';

export type ConfirmationRow = typeof executionConfirmations.$inferSelect;

export async function recordConfirmation(
  db: Db,
  row: Omit<ConfirmationRow, 'status' | 'finishedAt' | 'result'>,
): Promise<ConfirmationRow> {
  const [out] = await db
    .insert(executionConfirmations)
    .values({ ...row, status: 'pending' })
    .returning();
  return out!;
}

export async function markConfirmation(
  db: Db,
  id: string,
  status: ConfirmationRow['status'],
  at: Date,
  result?: Record<string, unknown>,
): Promise<void> {
  await db
    .update(executionConfirmations)
    .set({ status, ...(status === 'done' ? { finishedAt: at } : {}), ...(result ? { result } : {}) })
    .where(eq(executionConfirmations.id, id));
}

export async function confirmationById(db: Db, id: string): Promise<ConfirmationRow | undefined> {
  const [row] = await db.select().from(executionConfirmations).where(eq(executionConfirmations.id, id));
  return row;
}
