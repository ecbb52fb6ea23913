import { and, desc, eq, gte } from 'drizzle-orm';
import type { Db } from '../client.js';
import { slackMessages } from '../schema/index.js';

export type SlackMessageRow = typeof slackMessages.$inferSelect;

export async function recordSlackMessage(
  db: Db,
  row: typeof slackMessages.$inferInsert,
): Promise<SlackMessageRow> {
  const [out] = await db.insert(slackMessages).values(row).returning();
  return out!;
}

/** The approval-queue threads posted for a plan: where its decisions are answered. */
export async function queueThreadsOf(db: Db, planId: string): Promise<SlackMessageRow[]> {
  return db
    .select()
    .from(slackMessages)
    .where(and(eq(slackMessages.planId, planId), eq(slackMessages.kind, 'queue')))
    .orderBy(slackMessages.postedAt);
}

/**
 * The approval-queue threads of an agent posted since a moment, oldest first: the active plan's, and
 * recent older plans' so that a late reply there is answered with a pointer to the active plan.
 */
export async function queueThreadsOfAgent(db: Db, agentId: string, since: Date): Promise<SlackMessageRow[]> {
  return db
    .select()
    .from(slackMessages)
    .where(
      and(
        eq(slackMessages.agentId, agentId),
        eq(slackMessages.kind, 'queue'),
        gte(slackMessages.postedAt, since),
      ),
    )
    .orderBy(slackMessages.postedAt);
}

export async function markScanned(db: Db, id: string, lastTs: string): Promise<void> {
  await db.update(slackMessages).set({ lastScannedTs: lastTs }).where(eq(slackMessages.id, id));
}

/** The message already posted for a run or plan, so a retried post reuses it instead of posting twice. */
export async function postedMessage(
  db: Db,
  by: { agentId: string; kind: SlackMessageRow['kind']; runId?: string; planId?: string },
): Promise<SlackMessageRow | undefined> {
  const [row] = await db
    .select()
    .from(slackMessages)
    .where(
      and(
        eq(slackMessages.agentId, by.agentId),
        eq(slackMessages.kind, by.kind),
        ...(by.runId ? [eq(slackMessages.runId, by.runId)] : []),
        ...(by.planId ? [eq(slackMessages.planId, by.planId)] : []),
      ),
    )
    .orderBy(slackMessages.postedAt)
    .limit(1);
  return row;
}

/**
 * What a reply in a thread answers: the newest approval queue posted in that thread (its plan), else the
 * message that started it. A report thread holds the report and, as a reply, its approval queue.
 */
export async function messageOfThread(
  db: Db,
  channelId: string,
  threadTs: string,
): Promise<SlackMessageRow | undefined> {
  const rows = await db
    .select()
    .from(slackMessages)
    .where(and(eq(slackMessages.channelId, channelId), eq(slackMessages.threadTs, threadTs)))
    .orderBy(desc(slackMessages.postedAt), desc(slackMessages.messageTs));
  return rows.find((r) => r.kind === 'queue' && r.planId) ?? rows.at(-1);
}

/** The newest report posted for an agent: where its next approval queue goes. */
export async function latestReportOf(db: Db, agentId: string): Promise<SlackMessageRow | undefined> {
  const [row] = await db
    .select()
    .from(slackMessages)
    .where(and(eq(slackMessages.agentId, agentId), eq(slackMessages.kind, 'report')))
    // Slack's ts orders messages even when our clock gives two posts the same instant.
    .orderBy(desc(slackMessages.postedAt), desc(slackMessages.messageTs))
    .limit(1);
  return row;
}
