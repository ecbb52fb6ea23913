import { and, desc, eq, gte, inArray, lte, or, sql } from 'drizzle-orm';
import type { ShownQueueState } from '../../domain/queue-state.js';
import type { Db } from '../client.js';
import { plans, slackMessages } from '../schema/index.js';

export type SlackMessageRow = typeof slackMessages.$inferSelect;

export async function recordSlackMessage(
  db: Db,
  row: typeof slackMessages.$inferInsert,
): Promise<SlackMessageRow> {
  const shown = row.kind === 'queue' ? { shownState: row.shownState ?? ('open' as const) } : {};
  const [out] = await db
    .insert(slackMessages)
    .values({ ...row, ...shown })
    .returning();
  return out!;
}

export async function slackMessageById(db: Db, id: string): Promise<SlackMessageRow | undefined> {
  const [row] = await db.select().from(slackMessages).where(eq(slackMessages.id, id));
  return row;
}

/** A queue message that may need closing, and the state the sweep expects it to show. */
export interface QueueToClose {
  messageId: string;
  planId: string;
  expected: 'superseded' | 'expired';
}

/**
 * Queue messages posted since `since` still shown open (or expired) whose plan has since been
 * superseded or has expired by `now`. A superseded plan waits until its successor's queue is posted (so
 * the closed message can link to it), or `graceMs` after it was superseded (a successor with nothing to
 * approve posts no queue; the poster of its report closes the old one at once).
 */
export async function queueMessagesToClose(
  db: Db,
  input: { now: Date; since: Date; graceMs: number; limit: number },
): Promise<QueueToClose[]> {
  const shown = sql`coalesce(${slackMessages.shownState}, 'open')`;
  const successorPosted = sql`exists (
    select 1 from ${slackMessages} as posted
    where posted.kind = 'queue' and posted.plan_id = ${plans.supersededBy})`;
  const graceOver = new Date(input.now.getTime() - input.graceMs);
  const rows = await db
    .select({ messageId: slackMessages.id, planId: plans.id, status: plans.status })
    .from(slackMessages)
    .innerJoin(plans, eq(plans.id, slackMessages.planId))
    .where(
      and(
        eq(slackMessages.kind, 'queue'),
        sql`${shown} in ('open', 'expired')`,
        gte(slackMessages.postedAt, input.since),
        or(
          and(
            eq(plans.status, 'superseded'),
            or(successorPosted, sql`${plans.supersededAt} is null`, lte(plans.supersededAt, graceOver)),
          ),
          and(eq(plans.status, 'active'), lte(plans.expiresAt, input.now), sql`${shown} = 'open'`),
        ),
      ),
    )
    // Newest first: a message Slack refuses for good (deleted, archived channel) never holds up the rest.
    .orderBy(desc(slackMessages.postedAt))
    .limit(input.limit);
  return rows.map((r) => ({
    messageId: r.messageId,
    planId: r.planId,
    expected: r.status === 'superseded' ? 'superseded' : 'expired',
  }));
}

/** The queue messages of the plans a plan superseded: they close once it is posted. */
export async function queuesSupersededBy(db: Db, planId: string): Promise<SlackMessageRow[]> {
  const previous = await db.select({ id: plans.id }).from(plans).where(eq(plans.supersededBy, planId));
  if (previous.length === 0) return [];
  return db
    .select()
    .from(slackMessages)
    .where(
      and(
        eq(slackMessages.kind, 'queue'),
        inArray(
          slackMessages.planId,
          previous.map((p) => p.id),
        ),
      ),
    )
    .orderBy(slackMessages.postedAt);
}

const SHOWN_ORDER: readonly ShownQueueState[] = ['open', 'expired', 'superseded', 'executed'];

/** Records that a message now shows `state`, only forward (a refresh after execution, say). */
export async function recordShownState(db: Db, id: string, state: ShownQueueState, at: Date): Promise<void> {
  const before = SHOWN_ORDER.slice(0, SHOWN_ORDER.indexOf(state));
  if (before.length === 0) return;
  await db
    .update(slackMessages)
    .set({ shownState: state, shownAt: at })
    .where(
      and(
        eq(slackMessages.id, id),
        inArray(sql<string>`coalesce(${slackMessages.shownState}, 'open')`, before as ShownQueueState[]),
      ),
    );
}

/**
 * Runs `show` (the chat.update) with the message's row locked, and records what it showed only when it
 * succeeded: a second worker waits for the lock and then finds the state already shown; a failed update
 * records nothing, so a retry shows it. `decide` sees the row as locked and returns the state to show, or
 * null when there is nothing to do.
 */
export async function showQueueState<T>(
  db: Db,
  messageId: string,
  at: Date,
  decide: (row: SlackMessageRow) => ShownQueueState | null,
  show: (row: SlackMessageRow, state: ShownQueueState) => Promise<T>,
): Promise<{ shown: ShownQueueState; result: T } | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(slackMessages).where(eq(slackMessages.id, messageId)).for('update');
    if (!row) return null;
    const state = decide(row);
    if (!state) return null;
    const result = await show(row, state);
    await tx
      .update(slackMessages)
      .set({ shownState: state, shownAt: at })
      .where(eq(slackMessages.id, messageId));
    return { shown: state, result };
  });
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
