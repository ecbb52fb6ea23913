import { describe, expect, it } from 'vitest';
import { activityNodeSchema, eventKeyOf, parseMetaTime, toActivity } from '../../../src/meta/activities.js';
import { MetaBadResponseError } from '../../../src/meta/errors.js';

const node = activityNodeSchema.parse({
  event_type: 'update_ad_set_budget',
  event_time: '2026-11-20T14:02:00+0000',
  actor_id: 100000000000042,
  actor_name: 'Jane Buyer',
  object_id: '12',
  object_type: 'CAMPAIGN',
  extra_data: { old_value: 10000, new_value: 11000 },
});

describe("Meta's activity entries", () => {
  it("reads Meta's datetimes (offset without a colon) as ISO UTC", () => {
    expect(parseMetaTime('2026-11-20T14:02:00+0000')).toBe('2026-11-20T14:02:00.000Z');
    expect(parseMetaTime('2026-11-20T09:02:00-0500')).toBe('2026-11-20T14:02:00.000Z');
    expect(parseMetaTime('yesterday')).toBeUndefined();
  });

  it('accepts numeric ids and object extra_data, as strings', () => {
    const a = toActivity(node, { path: 'act_1/activities' });
    expect(a).toMatchObject({
      actorId: '100000000000042',
      extraData: '{"old_value":10000,"new_value":11000}',
    });
    expect(a.applicationId).toBeNull();
  });

  it('gives the same entry the same identity on every read, and another entry another', () => {
    const again = activityNodeSchema.parse({ ...node });
    expect(eventKeyOf(again, '2026-11-20T14:02:00.000Z')).toBe(eventKeyOf(node, '2026-11-20T14:02:00.000Z'));
    expect(eventKeyOf({ ...node, extra_data: '{}' }, '2026-11-20T14:02:00.000Z')).not.toBe(
      eventKeyOf(node, '2026-11-20T14:02:00.000Z'),
    );
  });

  it('refuses an entry whose time is not a date-time', () => {
    expect(() => toActivity({ ...node, event_time: 'soon' }, { path: 'act_1/activities' })).toThrow(
      MetaBadResponseError,
    );
  });
});
