/**
 * The account's activity log (Meta's `act_X/activities`): one entry per change to a campaign, ad set or
 * ad, whoever made it. The simulator records every write through the Graph API (actor: the token's user,
 * application: the scenario's app), every admin mutation (a person in Ads Manager) and every automatic
 * adjustment injected through the admin API (actor: Meta, no application). Event types and categories
 * are Meta's (AdActivity_event_type and adaccountactivities_category_enum_param in the spec data).
 *
 * Meta's objects in the log keep their legacy names: a campaign is a CAMPAIGN_GROUP, an ad set a
 * CAMPAIGN, an ad an ADGROUP. `extra_data` is a JSON string whose exact shape Meta does not document;
 * the simulator writes `{"type", "old_value", "new_value"}` (budgets with `currency`, in minor units).
 */
import type { Account, Ad, AdSet, Campaign } from './types.js';

export interface SimActivity {
  account: Account;
  eventType: string;
  eventTimeMs: number;
  /** undefined for Meta's own automatic changes. */
  actorId: string | undefined;
  actorName: string;
  applicationId: string | undefined;
  applicationName: string | undefined;
  objectId: string;
  objectName: string;
  objectType: 'CAMPAIGN_GROUP' | 'CAMPAIGN' | 'ADGROUP';
  extraData: Record<string, unknown>;
  /** Meta's categories the entry answers to (the `category` filter). */
  categories: string[];
}

export type ChangedField = 'status' | 'daily_budget' | 'name' | 'create';

const OBJECT_TYPE = { campaign: 'CAMPAIGN_GROUP', adset: 'CAMPAIGN', ad: 'ADGROUP' } as const;
const LEVEL_CATEGORY = { campaign: 'CAMPAIGN', adset: 'AD_SET', ad: 'AD' } as const;

const EVENT_TYPE: Record<'campaign' | 'adset' | 'ad', Record<ChangedField, string>> = {
  campaign: {
    status: 'update_campaign_run_status',
    daily_budget: 'update_campaign_budget',
    name: 'update_campaign_name',
    create: 'create_campaign_group',
  },
  adset: {
    status: 'update_ad_set_run_status',
    daily_budget: 'update_ad_set_budget',
    name: 'update_ad_set_name',
    create: 'create_ad_set',
  },
  ad: {
    status: 'update_ad_run_status',
    daily_budget: 'update_ad_run_status',
    name: 'update_ad_friendly_name',
    create: 'create_ad',
  },
};

const FIELD_CATEGORY: Record<ChangedField, string | undefined> = {
  status: 'STATUS',
  daily_budget: 'BUDGET',
  name: undefined,
  create: undefined,
};

/** The categories of an event type Meta's log lists, from its name (run status, budget, bid, targeting). */
export function categoriesOfEventType(eventType: string): string[] {
  const out: string[] = [];
  if (eventType.includes('run_status')) out.push('STATUS');
  if (/budget|spend_cap|min_spend/.test(eventType)) out.push('BUDGET');
  if (/bid/.test(eventType)) out.push('BID');
  if (/target/.test(eventType)) out.push('TARGETING');
  if (/duration|schedul/.test(eventType)) out.push('DATE');
  if (/audience/.test(eventType)) out.push('AUDIENCE');
  return out;
}

export function eventTypeFor(o: Campaign | AdSet | Ad, field: ChangedField): string {
  return EVENT_TYPE[o.kind][field];
}

export interface ActivityActor {
  actorId: string | undefined;
  actorName: string;
  applicationId: string | undefined;
  applicationName: string | undefined;
}

export function activityOf(
  o: Campaign | AdSet | Ad,
  eventType: string,
  actor: ActivityActor,
  atMs: number,
  extraData: Record<string, unknown>,
): SimActivity {
  const categories = new Set<string>([LEVEL_CATEGORY[o.kind], ...categoriesOfEventType(eventType)]);
  return {
    account: o.account,
    eventType,
    eventTimeMs: atMs,
    ...actor,
    objectId: o.id,
    objectName: o.name,
    objectType: OBJECT_TYPE[o.kind],
    extraData,
    categories: [...categories],
  };
}

/** One entry per field that changed (Meta logs a budget and a status change as two events). */
export function changeActivities(
  o: Campaign | AdSet | Ad,
  before: { status: string; dailyBudget: number | undefined; name: string },
  actor: ActivityActor,
  atMs: number,
): SimActivity[] {
  const out: SimActivity[] = [];
  const add = (field: ChangedField, extra: Record<string, unknown>) => {
    const type = eventTypeFor(o, field);
    const a = activityOf(o, type, actor, atMs, extra);
    const cat = FIELD_CATEGORY[field];
    if (cat && !a.categories.includes(cat)) a.categories.push(cat);
    out.push(a);
  };
  if (o.status !== before.status)
    add('status', { type: 'run_status', old_value: before.status, new_value: o.status });
  if (o.kind !== 'ad' && o.dailyBudget !== before.dailyBudget) {
    add('daily_budget', {
      type: 'daily_budget',
      currency: o.account.currency,
      old_value: before.dailyBudget ?? null,
      new_value: o.dailyBudget ?? null,
    });
  }
  if (o.name !== before.name) add('name', { type: 'name', old_value: before.name, new_value: o.name });
  return out;
}

export function snapshotOf(o: Campaign | AdSet | Ad): {
  status: string;
  dailyBudget: number | undefined;
  name: string;
} {
  return { status: o.status, dailyBudget: o.kind === 'ad' ? undefined : o.dailyBudget, name: o.name };
}

/** Meta itself, for automatic adjustments: no user, no app. */
export const META_ACTOR: ActivityActor = {
  actorId: undefined,
  actorName: 'Meta',
  applicationId: undefined,
  applicationName: undefined,
};

/** A person in Ads Manager (admin mutations), unless the mutation names another actor. */
export const DEFAULT_PERSON: ActivityActor = {
  actorId: '100000000000777',
  actorName: 'Ads Manager User',
  applicationId: undefined,
  applicationName: undefined,
};
