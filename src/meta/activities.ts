import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Activity } from '../domain/activity.js';
import { MetaBadResponseError } from './errors.js';
import { eachPage } from './paging.js';
import type { GraphTransport } from './transport.js';
import { normalizeAccountId } from './usage-headers.js';

/**
 * The account's activity log (`GET act_X/activities`), newest first at Meta, read since an instant and
 * paged to the end. Every field asked for exists on AdActivity in Meta's spec (fields.test.ts). Errors
 * come through the transport's taxonomy like every read (throttles, tokens, permissions).
 */
export const ACTIVITY_FIELDS = [
  'event_type',
  'event_time',
  'actor_id',
  'actor_name',
  'application_id',
  'application_name',
  'object_id',
  'object_name',
  'object_type',
  'extra_data',
  'translated_event_type',
  'date_time_in_timezone',
] as const;

const text = z.union([z.string(), z.number().transform(String)]);

export const activityNodeSchema = z
  .object({
    event_type: z.string().min(1),
    event_time: z.string().min(1),
    actor_id: text.optional(),
    actor_name: z.string().optional(),
    application_id: text.optional(),
    application_name: z.string().optional(),
    object_id: text.optional(),
    object_name: z.string().optional(),
    object_type: z.string().optional(),
    extra_data: z
      .union([z.string(), z.record(z.string(), z.unknown()).transform((o) => JSON.stringify(o))])
      .optional(),
    translated_event_type: z.string().optional(),
    date_time_in_timezone: z.string().optional(),
  })
  .loose();
export type ActivityNode = z.infer<typeof activityNodeSchema>;

/** Meta's datetimes: "2026-11-20T15:00:00+0000" (no colon in the offset) → ISO UTC. */
export function parseMetaTime(value: string): string | undefined {
  const fixed = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(fixed);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * Meta's entries have no id: the identity is what the entry says (time, type, object, actor, app,
 * data), hashed, so reading the same entry twice stores it once.
 */
export function eventKeyOf(n: ActivityNode, eventTime: string): string {
  const parts = [
    eventTime,
    n.event_type,
    n.object_id ?? '',
    n.actor_id ?? '',
    n.application_id ?? '',
    n.extra_data ?? '',
  ];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export function toActivity(n: ActivityNode, ctx: { path: string }): Activity {
  const eventTime = parseMetaTime(n.event_time);
  if (!eventTime) {
    throw new MetaBadResponseError(
      { method: 'GET', path: ctx.path },
      `activity event_time is not a date-time (${n.event_time.slice(0, 40)})`,
    );
  }
  return {
    eventKey: eventKeyOf(n, eventTime),
    eventType: n.event_type,
    eventTime,
    actorId: n.actor_id ?? null,
    actorName: n.actor_name ?? null,
    applicationId: n.application_id ?? null,
    applicationName: n.application_name ?? null,
    objectId: n.object_id ?? null,
    objectName: n.object_name ?? null,
    objectType: n.object_type ?? null,
    extraData: n.extra_data ?? null,
    translatedEventType: n.translated_event_type ?? null,
  };
}

export interface ActivitiesQuery {
  accountId: string;
  /** Inclusive lower bound. */
  since: Date;
  until?: Date;
  /** One of Meta's categories (the parameter takes one); absent: every category. */
  category?: string;
}

/** Every entry since `since`, across all pages, validated; each page is handed to onPage as it comes. */
export async function readActivities(
  transport: GraphTransport,
  q: ActivitiesQuery,
  onPage?: (page: Activity[]) => void,
): Promise<Activity[]> {
  const account = normalizeAccountId(q.accountId);
  const path = `${account}/activities`;
  const params: Record<string, unknown> = {
    fields: ACTIVITY_FIELDS.join(','),
    since: Math.floor(q.since.getTime() / 1000),
    limit: Math.min(transport.config.pageSize, 500),
  };
  if (q.until) params.until = Math.floor(q.until.getTime() / 1000);
  if (q.category) params.category = q.category;
  const out: Activity[] = [];
  await eachPage(
    transport,
    { method: 'GET', path, params, accountId: account },
    activityNodeSchema,
    (nodes) => {
      const page = nodes.map((n) => toActivity(n, { path }));
      for (const a of page) out.push(a);
      onPage?.(page);
    },
  );
  return out;
}
