import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import {
  activitiesOfObjectsAfter,
  activitiesSince,
  insertActivities,
  latestActivityTime,
} from '../db/repos/account-activities.js';
import {
  type Activity,
  type AnomalyCard,
  type AnomalyInput,
  actorKindOf,
  anomalyCards,
  type ChangeGroups,
  type ClassifiedChange,
  classify,
  groupChanges,
  localMidnight,
  matters,
  outsideChangesAfter,
} from '../domain/activity.js';
import { formatMoney } from '../domain/money.js';
import type { Recommendation } from '../domain/recommendation.js';
import type { Snapshot } from '../domain/snapshot.js';
import { toAppError } from '../lib/errors.js';
import type { MetaClient } from '../meta/client.js';
import { normalizeAccountId } from '../meta/usage-headers.js';

export interface ActivitySync {
  /** Where the read began: the newest stored entry, else the window's start. */
  since: string;
  read: number;
  kept: number;
  stored: number;
  calls: number;
  /** The read failed (the run goes on without it; the next poll reads from the same point). */
  error: { code: string; message: string } | null;
}

/**
 * Reads the account's activity log since the newest stored entry (the first time: since `firstSince`),
 * keeps the categories that matter, classifies each actor and stores each entry once. A failed read
 * does not fail the poll: the figures matter more, and the next poll starts from the same point.
 */
export async function syncActivities(
  ctx: AppContext,
  db: Db,
  client: MetaClient,
  adAccountId: string,
  firstSince: Date,
): Promise<ActivitySync> {
  const account = normalizeAccountId(adAccountId);
  const since = (await latestActivityTime(db, account)) ?? firstSince;
  const before = client.callsSent;
  try {
    const read = await client.activities({ accountId: account, since });
    const kept = read.filter(matters);
    const ourApp = ctx.config.meta.appId;
    const stored = await insertActivities(
      db,
      account,
      kept.map((activity) => ({ activity, kind: actorKindOf(activity, ourApp) })),
      ctx.clock.now(),
    );
    return {
      since: since.toISOString(),
      read: read.length,
      kept: kept.length,
      stored,
      calls: client.callsSent - before,
      error: null,
    };
  } catch (e) {
    const err = toAppError(e);
    const message = ctx.redactor.string(err.message);
    ctx.logger.warn('activity log not read', { adAccountId: account, code: err.code, error: message });
    return {
      since: since.toISOString(),
      read: 0,
      kept: 0,
      stored: 0,
      calls: client.callsSent - before,
      error: { code: err.code, message },
    };
  }
}

/** The instant a window's first local day began, minus a day of slack: the first read's start. */
export function windowStart(snapshot: Snapshot): Date {
  const start = Date.parse(localMidnight(snapshot.window.since, snapshot.account.timezone));
  return new Date(start - 86_400_000);
}

export const moneyIn = (currency: string) => (minor: number) => formatMoney(minor, currency);

export interface ChangesReport {
  since: string;
  until: string;
  groups: ChangeGroups;
  anomalies: AnomalyCard[];
}

/** The changes stored for the account in [since, until], grouped by who made them. */
export async function changesOf(
  ctx: AppContext,
  db: Db,
  input: {
    adAccountId: string;
    currency: string;
    since: Date;
    until: Date;
    snapshot?: Snapshot;
    recommendations?: readonly Recommendation[];
  },
): Promise<ChangesReport> {
  const account = normalizeAccountId(input.adAccountId);
  const list = await activitiesSince(db, account, input.since, input.until);
  const money = moneyIn(input.currency);
  const ourApp = ctx.config.meta.appId;
  const anomalies =
    input.snapshot && input.recommendations
      ? anomalyCards(
          anomalyInputs(input.snapshot, input.recommendations, input.since),
          list.map((a) => classify(a, ourApp, money)),
          input.until.toISOString(),
        )
      : [];
  return {
    since: input.since.toISOString(),
    until: input.until.toISOString(),
    groups: groupChanges(list, ourApp, money),
    anomalies,
  };
}

/** Each finding's entity with the objects above it, and when its window began. */
export function anomalyInputs(
  snapshot: Snapshot,
  recommendations: readonly Recommendation[],
  lookbackFrom: Date,
): AnomalyInput[] {
  const byId = new Map(snapshot.entities.map((e) => [e.id, e]));
  return recommendations.map((r) => {
    const e = byId.get(r.entityId);
    const ids = new Set<string>([r.entityId]);
    if (e) {
      ids.add(e.campaignId);
      if (e.adsetId) ids.add(e.adsetId);
    }
    return {
      recommendationId: r.id,
      rule: r.rule,
      objectIds: [...ids],
      entityName: r.entityName,
      startedAt: localMidnight(r.evidence.window.since, snapshot.account.timezone),
      lookbackFrom: lookbackFrom.toISOString(),
    };
  });
}

/** Outside changes to some objects after an instant (a plan's creation), oldest first. */
export async function outsideChanges(
  ctx: AppContext,
  db: Db,
  input: { adAccountId: string; currency: string; objectIds: readonly string[]; after: Date },
): Promise<ClassifiedChange[]> {
  const account = normalizeAccountId(input.adAccountId);
  const list = await activitiesOfObjectsAfter(db, account, input.objectIds, input.after);
  return outsideChangesAfter(
    list,
    new Set(input.objectIds),
    input.after.toISOString(),
    ctx.config.meta.appId,
    moneyIn(input.currency),
  );
}

/** "changed by Jane Buyer (person) at 2026-11-20T14:02:00Z: Budget of ad set … raised $50.00 → $120.00". */
export function outsideChangeNote(c: ClassifiedChange): string {
  return `changed by ${c.actor} at ${c.activity.eventTime.replace(/\.\d{3}Z$/, 'Z')} after this plan: ${c.sentence}`;
}

export interface ChangeJson {
  event_time: string;
  event_type: string;
  actor: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  application_id: string | null;
  application_name: string | null;
  object_id: string | null;
  object_name: string | null;
  object_type: string | null;
  description: string;
}

export function changeJson(c: ClassifiedChange): ChangeJson {
  const a: Activity = c.activity;
  return {
    event_time: a.eventTime,
    event_type: a.eventType,
    actor: c.actor,
    actor_kind: c.kind,
    actor_id: a.actorId,
    actor_name: a.actorName,
    application_id: a.applicationId,
    application_name: a.applicationName,
    object_id: a.objectId,
    object_name: a.objectName,
    object_type: a.objectType,
    description: c.sentence,
  };
}

/** The report's `changes` in --json: outside changes by group, our own counted. */
export function changesJson(r: ChangesReport, sync: ActivitySync | null) {
  return {
    since: r.since,
    until: r.until,
    by_people: r.groups.byPeople.map(changeJson),
    by_other_apps: r.groups.byOtherApps.map(changeJson),
    by_meta: r.groups.byMeta.map(changeJson),
    ours: r.groups.ours.length,
    read_error: sync?.error ?? null,
  };
}

export function anomaliesJson(r: ChangesReport) {
  return r.anomalies.map((a) => ({
    recommendation_id: a.recommendationId,
    rule: a.rule,
    entity_name: a.entityName,
    hours_before: a.hoursBefore,
    change: changeJson(a.change),
    description: a.sentence,
  }));
}

/**
 * Why an object drifted from a plan, when the activity log says: the latest outside change to it after
 * the plan was made. Stored entries first; when none explains it, the log is read now (the change may be
 * newer than the last poll). Best effort: a failed read leaves the reason as it was.
 */
export async function explainDrift(
  ctx: AppContext,
  db: Db,
  client: MetaClient,
  input: { adAccountId: string; currency: string; objectId: string; after: Date },
): Promise<string | null> {
  const query = { ...input, objectIds: [input.objectId] };
  let found = await outsideChanges(ctx, db, query);
  if (found.length === 0) {
    const sync = await syncActivities(ctx, db, client, input.adAccountId, input.after);
    if (sync.error === null) found = await outsideChanges(ctx, db, query);
  }
  const last = found.at(-1);
  return last ? outsideChangeNote(last) : null;
}
