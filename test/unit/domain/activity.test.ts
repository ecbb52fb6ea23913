import { describe, expect, it } from 'vitest';
import {
  type Activity,
  actorKindOf,
  anomalyCards,
  categoriesOf,
  classify,
  describeActivity,
  groupChanges,
  matters,
  outsideChangesAfter,
  parseChange,
} from '../../../src/domain/activity.js';

const OUR_APP = '7000000000001';
const money = (minor: number) => `$${(minor / 100).toFixed(2)}`;

function entry(over: Partial<Activity> = {}): Activity {
  return {
    eventKey: over.eventKey ?? `k-${Math.random()}`,
    eventType: 'update_ad_set_budget',
    eventTime: '2026-11-20T12:00:00.000Z',
    actorId: '100000000000042',
    actorName: 'Jane Buyer',
    applicationId: null,
    applicationName: null,
    objectId: '11',
    objectName: 'Broad US 25-54',
    objectType: 'CAMPAIGN',
    extraData: JSON.stringify({ type: 'daily_budget', currency: 'USD', old_value: 5000, new_value: 12000 }),
    translatedEventType: null,
    ...over,
  };
}

describe('who made a change', () => {
  it('is us when our own app wrote it', () => {
    expect(actorKindOf(entry({ applicationId: OUR_APP, applicationName: 'MetaBuyer' }), OUR_APP)).toBe('us');
  });
  it('is another app when an app other than ours wrote it', () => {
    expect(actorKindOf(entry({ applicationId: '555', applicationName: 'Revealbot' }), OUR_APP)).toBe(
      'other_app',
    );
    // Without knowing our app id, no write can be claimed as ours.
    expect(actorKindOf(entry({ applicationId: OUR_APP }), undefined)).toBe('other_app');
  });
  it('is a person when a user changed it without an app', () => {
    expect(actorKindOf(entry(), OUR_APP)).toBe('person');
  });
  it('is Meta for an entry with no user, one named Meta, or an event only Meta makes', () => {
    expect(actorKindOf(entry({ actorId: null, actorName: 'Meta' }), OUR_APP)).toBe('meta');
    expect(actorKindOf(entry({ actorId: '123', actorName: 'Meta' }), OUR_APP)).toBe('meta');
    expect(actorKindOf(entry({ eventType: 'di_ad_set_learning_stage_exit' }), OUR_APP)).toBe('meta');
  });
});

describe('which entries matter', () => {
  it("maps event types to Meta's categories", () => {
    expect(categoriesOf(entry())).toEqual(expect.arrayContaining(['AD_SET', 'BUDGET']));
    expect(
      categoriesOf(entry({ eventType: 'update_campaign_run_status', objectType: 'CAMPAIGN_GROUP' })),
    ).toEqual(expect.arrayContaining(['CAMPAIGN', 'STATUS']));
    expect(categoriesOf(entry({ eventType: 'update_ad_set_bid_strategy' }))).toContain('BID');
    expect(categoriesOf(entry({ eventType: 'update_ad_set_target_spec' }))).toContain('TARGETING');
  });
  it('keeps status, budget, bid, targeting, ad set and campaign changes; drops billing and images', () => {
    expect(matters(entry({ eventType: 'update_ad_run_status', objectType: 'ADGROUP' }))).toBe(true);
    expect(matters(entry({ eventType: 'ad_account_billing_charge', objectType: 'ACCOUNT' }))).toBe(false);
    expect(matters(entry({ eventType: 'add_images', objectType: 'ACCOUNT' }))).toBe(false);
    expect(matters(entry({ eventType: 'update_ad_creative', objectType: 'ADGROUP' }))).toBe(false);
  });
});

describe('what changed', () => {
  it('reads budgets (plain or nested) and statuses from extra_data', () => {
    expect(parseChange(entry())).toEqual({ field: 'daily_budget', from: 5000, to: 12000 });
    const nested = JSON.stringify({
      old_value: { old_value: 2000, currency: 'USD' },
      new_value: { new_value: 3000, currency: 'USD' },
    });
    expect(parseChange(entry({ extraData: nested }))).toEqual({
      field: 'daily_budget',
      from: 2000,
      to: 3000,
    });
    expect(parseChange(entry({ eventType: 'update_ad_set_run_status', extraData: 'not json' }))).toEqual({
      field: 'status',
      from: null,
      to: null,
    });
  });
  it('says it in one sentence with the actor', () => {
    const a = entry();
    expect(describeActivity(a, actorKindOf(a, OUR_APP), money)).toBe(
      'Budget of ad set "Broad US 25-54" raised $50.00 → $120.00 by Jane Buyer (person)',
    );
  });
});

describe('grouping for the report', () => {
  it('puts people, other apps and Meta apart, counts ours separately, oldest first', () => {
    const g = groupChanges(
      [
        entry({ eventTime: '2026-11-20T13:00:00.000Z' }),
        entry({ eventTime: '2026-11-20T11:00:00.000Z', actorName: 'Ann' }),
        entry({ applicationId: OUR_APP, applicationName: 'MetaBuyer' }),
        entry({ applicationId: '555', applicationName: 'Revealbot' }),
        entry({ actorId: null, actorName: 'Meta' }),
        entry({ eventType: 'ad_account_billing_charge', objectType: 'ACCOUNT' }),
      ],
      OUR_APP,
      money,
    );
    expect(g.byPeople.map((c) => c.actor)).toEqual(['Ann (person)', 'Jane Buyer (person)']);
    expect(g.byOtherApps.map((c) => c.actor)).toEqual(['Revealbot via Jane Buyer (app)']);
    expect(g.byMeta.map((c) => c.actor)).toEqual(['Meta (automatic)']);
    expect(g.ours).toHaveLength(1);
  });
});

describe('outside changes after a plan', () => {
  it('lists changes to the planned objects after the plan, never our own', () => {
    const list = outsideChangesAfter(
      [
        entry({ eventTime: '2026-11-20T09:00:00.000Z' }),
        entry({ eventTime: '2026-11-20T14:02:00.000Z' }),
        entry({ eventTime: '2026-11-20T14:05:00.000Z', applicationId: OUR_APP }),
        entry({ eventTime: '2026-11-20T14:06:00.000Z', objectId: '12' }),
      ],
      new Set(['11']),
      '2026-11-20T10:00:00.000Z',
      OUR_APP,
      money,
    );
    expect(list.map((c) => c.activity.eventTime)).toEqual(['2026-11-20T14:02:00.000Z']);
  });
});

describe('the anomaly card', () => {
  it('names the first outside change before a spike, with the hours between', () => {
    const cards = anomalyCards(
      [
        {
          recommendationId: 'r1',
          rule: 'spend_spike',
          objectIds: ['11', '10'],
          entityName: 'Broad US 25-54',
          startedAt: '2026-11-19T05:00:00.000Z',
          lookbackFrom: '2026-11-12T00:00:00.000Z',
        },
        {
          recommendationId: 'r2',
          rule: 'low_ctr',
          objectIds: ['11'],
          entityName: 'x',
          startedAt: '2026-11-19T05:00:00.000Z',
          lookbackFrom: '2026-11-12T00:00:00.000Z',
        },
      ],
      [
        entry({ eventTime: '2026-11-19T02:00:00.000Z' }),
        entry({ eventTime: '2026-11-19T04:00:00.000Z', actorName: 'Later' }),
        entry({ eventTime: '2026-11-18T00:00:00.000Z', applicationId: OUR_APP }),
      ].map((a) => classify(a, OUR_APP, money)),
      '2026-11-20T15:00:00.000Z',
    );
    expect(cards).toHaveLength(1);
    expect(cards[0]!.sentence).toBe(
      'Budget of ad set "Broad US 25-54" raised $50.00 → $120.00 by Jane Buyer (person) 3 h before the spike',
    );
  });
});
