import { index, pgTable, serial, text, unique } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * Meta's activity log of each ad account, as the polls read it: who changed what, when (people in Ads
 * Manager, other apps, Meta's automatic adjustments, and our own writes). Rows are appended, never
 * updated. Invariant: one row per (ad account, event_key) — Meta's entries have no id, so event_key is
 * the hash of what the entry says (src/meta/activities.ts), and re-reading an entry stores nothing new.
 * Only entries in the categories that matter are kept (src/domain/activity.ts, MATTERING_CATEGORIES).
 */
export const accountActivities = pgTable(
  'account_activities',
  {
    id: serial('id').primaryKey(),
    adAccountId: text('ad_account_id').notNull(),
    eventKey: text('event_key').notNull(),
    eventType: text('event_type').notNull(),
    eventTime: ts('event_time').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    applicationId: text('application_id'),
    applicationName: text('application_name'),
    objectId: text('object_id'),
    objectName: text('object_name'),
    objectType: text('object_type'),
    extraData: text('extra_data'),
    translatedEventType: text('translated_event_type'),
    /** us | other_app | person | meta, as classified when stored (with the app id configured then). */
    actorKind: text('actor_kind', { enum: ['us', 'other_app', 'person', 'meta'] }).notNull(),
    readAt: ts('read_at').notNull(),
  },
  (t) => [
    unique('account_activities_event_unique').on(t.adAccountId, t.eventKey),
    index('account_activities_of_account_since').on(t.adAccountId, t.eventTime),
  ],
);
