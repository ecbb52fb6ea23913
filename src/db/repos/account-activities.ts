import { and, asc, desc, eq, gt, gte, inArray, lte, ne } from 'drizzle-orm';
import type { Activity, ActorKind } from '../../domain/activity.js';
import type { Db } from '../client.js';
import { accountActivities } from '../schema/index.js';
import { inChunks } from './rows.js';

export type AccountActivityRow = typeof accountActivities.$inferSelect;

/** Stores entries once per (account, event_key); returns how many were new. */
export async function insertActivities(
  db: Db,
  adAccountId: string,
  entries: ReadonlyArray<{ activity: Activity; kind: ActorKind }>,
  readAt: Date,
): Promise<number> {
  let inserted = 0;
  await inChunks(entries, 500, async (chunk) => {
    const rows = await db
      .insert(accountActivities)
      .values(
        chunk.map(({ activity: a, kind }) => ({
          adAccountId,
          eventKey: a.eventKey,
          eventType: a.eventType,
          eventTime: new Date(a.eventTime),
          actorId: a.actorId,
          actorName: a.actorName,
          applicationId: a.applicationId,
          applicationName: a.applicationName,
          objectId: a.objectId,
          objectName: a.objectName,
          objectType: a.objectType,
          extraData: a.extraData,
          translatedEventType: a.translatedEventType,
          actorKind: kind,
          readAt,
        })),
      )
      .onConflictDoNothing({ target: [accountActivities.adAccountId, accountActivities.eventKey] })
      .returning({ id: accountActivities.id });
    inserted += rows.length;
  });
  return inserted;
}

/** The newest stored entry's time: the next read starts there (inclusive; re-reads dedupe). */
export async function latestActivityTime(db: Db, adAccountId: string): Promise<Date | undefined> {
  const [row] = await db
    .select({ t: accountActivities.eventTime })
    .from(accountActivities)
    .where(eq(accountActivities.adAccountId, adAccountId))
    .orderBy(desc(accountActivities.eventTime))
    .limit(1);
  return row?.t;
}

/** Activities of an account since t (and until u), oldest first. */
export async function activitiesSince(
  db: Db,
  adAccountId: string,
  since: Date,
  until?: Date,
): Promise<Activity[]> {
  const rows = await db
    .select()
    .from(accountActivities)
    .where(
      and(
        eq(accountActivities.adAccountId, adAccountId),
        gte(accountActivities.eventTime, since),
        until ? lte(accountActivities.eventTime, until) : undefined,
      ),
    )
    .orderBy(asc(accountActivities.eventTime), asc(accountActivities.id));
  return rows.map(toActivity);
}

/** Activities on some objects of an account strictly after t, oldest first. */
export async function activitiesOfObjectsAfter(
  db: Db,
  adAccountId: string,
  objectIds: readonly string[],
  after: Date,
): Promise<Activity[]> {
  return (await objectRowsAfter(db, adAccountId, objectIds, after, false)).map(toActivity);
}

async function objectRowsAfter(
  db: Db,
  adAccountId: string,
  objectIds: readonly string[],
  after: Date,
  outsideOnly: boolean,
): Promise<AccountActivityRow[]> {
  if (objectIds.length === 0) return [];
  return db
    .select()
    .from(accountActivities)
    .where(
      and(
        eq(accountActivities.adAccountId, adAccountId),
        gt(accountActivities.eventTime, after),
        inArray(accountActivities.objectId, [...objectIds]),
        outsideOnly ? ne(accountActivities.actorKind, 'us') : undefined,
      ),
    )
    .orderBy(asc(accountActivities.eventTime), asc(accountActivities.id));
}

function toActivity(r: AccountActivityRow): Activity {
  return {
    eventKey: r.eventKey,
    eventType: r.eventType,
    eventTime: r.eventTime.toISOString(),
    actorId: r.actorId,
    actorName: r.actorName,
    applicationId: r.applicationId,
    applicationName: r.applicationName,
    objectId: r.objectId,
    objectName: r.objectName,
    objectType: r.objectType,
    extraData: r.extraData,
    translatedEventType: r.translatedEventType,
  };
}

/**
 * Changes by anyone but us (as classified when stored) to some objects of an account after t, oldest
 * first: what the approval queue flags.
 */
export async function outsideActivitiesOfObjectsAfter(
  db: Db,
  adAccountId: string,
  objectIds: readonly string[],
  after: Date,
): Promise<Array<{ activity: Activity; kind: ActorKind }>> {
  const rows = await objectRowsAfter(db, adAccountId, objectIds, after, true);
  return rows.map((r) => ({ activity: toActivity(r), kind: r.actorKind }));
}

/** Activities of an account in [since, until] with the actor stored with them, oldest first. */
export async function classifiedActivitiesSince(
  db: Db,
  adAccountId: string,
  since: Date,
  until: Date,
): Promise<Array<{ activity: Activity; kind: ActorKind }>> {
  const rows = await db
    .select()
    .from(accountActivities)
    .where(
      and(
        eq(accountActivities.adAccountId, adAccountId),
        gte(accountActivities.eventTime, since),
        lte(accountActivities.eventTime, until),
      ),
    )
    .orderBy(asc(accountActivities.eventTime), asc(accountActivities.id));
  return rows.map((r) => ({ activity: toActivity(r), kind: r.actorKind }));
}
