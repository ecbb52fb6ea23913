/**
 * GET /__sim/objects/:id — an object as stored now, in the simulator's own terms (not Graph's): budgets
 * are integers in minor units or null, times ISO 8601 UTC, last_sig_edit_ts unix seconds or null.
 * POST /__sim/mutate — a change made outside the API, as a person in Ads Manager would make it: no
 * call-log entry, no rate limit, no budget-change count; Ads Manager's budget-level rule still holds
 * (a budget only where the campaign's budget mode allows it), and a budget change is a significant
 * edit (last_sig_edit_ts = now), as it is through the API.
 */
import type { z } from 'zod';
import {
  type ActivityActor,
  activityOf,
  changeActivities,
  DEFAULT_PERSON,
  META_ACTOR,
  snapshotOf,
} from '../model/activities.js';
import type { GraphObject, SimState } from '../model/state.js';
import { effectiveStatus } from '../model/status.js';
import type { automaticBody, mutateBody } from './schemas.js';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function objectView(o: GraphObject): Record<string, unknown> {
  switch (o.kind) {
    case 'account':
      return {
        id: o.id,
        type: 'account',
        name: o.name,
        currency: o.currency,
        timezone_name: o.timezone,
        account_status: o.accountStatus,
        min_daily_budget: o.minDailyBudget,
        campaigns: o.campaigns.length,
      };
    case 'campaign':
      return {
        id: o.id,
        type: 'campaign',
        account_id: o.account.id,
        name: o.name,
        objective: o.objective,
        status: o.status,
        effective_status: effectiveStatus(o),
        daily_budget: o.dailyBudget ?? null,
        adset_ids: o.adsets.map((s) => s.id),
        created_time: iso(o.createdMs),
        updated_time: iso(o.updatedMs),
      };
    case 'adset':
      return {
        id: o.id,
        type: 'adset',
        account_id: o.account.id,
        campaign_id: o.campaign.id,
        name: o.name,
        status: o.status,
        effective_status: effectiveStatus(o),
        daily_budget: o.dailyBudget ?? null,
        learning_stage: o.learningStage,
        last_sig_edit_ts: o.lastSigEditMs === undefined ? null : Math.floor(o.lastSigEditMs / 1000),
        ad_ids: o.ads.map((a) => a.id),
        created_time: iso(o.createdMs),
        updated_time: iso(o.updatedMs),
      };
    case 'ad':
      return {
        id: o.id,
        type: 'ad',
        account_id: o.account.id,
        campaign_id: o.campaign.id,
        adset_id: o.adset.id,
        name: o.name,
        status: o.status,
        effective_status: effectiveStatus(o),
        daily_budget: null,
        creative_id: o.creativeId ?? null,
        created_time: iso(o.createdMs),
        updated_time: iso(o.updatedMs),
      };
    case 'creative':
      return {
        id: o.id,
        type: 'creative',
        account_id: o.account.id,
        name: o.name,
        object_story_spec: o.objectStorySpec ?? null,
      };
    case 'report_run':
      return {
        id: o.id,
        type: 'report_run',
        account_id: o.account.id,
        polls: o.polls,
        polls_to_complete: o.pollsToComplete,
        failing: o.failure !== undefined,
        created_time: iso(o.createdMs),
      };
  }
}

/** The person a mutation is logged as: the body's `actor`, else a default Ads Manager user. */
function personOf(actor: z.output<typeof mutateBody>['actor']): ActivityActor {
  if (!actor) return DEFAULT_PERSON;
  return { ...DEFAULT_PERSON, actorId: actor.id ?? DEFAULT_PERSON.actorId, actorName: actor.name };
}

/**
 * Applies a mutation and logs it in the account's activity log (as a person, or as `actor` when
 * given); returns an error message for a change Ads Manager would not allow.
 */
export function mutate(
  state: SimState,
  body: z.output<typeof mutateBody>,
  actor: ActivityActor = personOf(body.actor),
  eventType?: string,
): string | undefined {
  const o = state.objects.get(body.id);
  if (!o || (o.kind !== 'campaign' && o.kind !== 'adset' && o.kind !== 'ad')) {
    return `no campaign, ad set or ad with id ${body.id}`;
  }
  const { status, daily_budget: budget, name } = body.fields;
  if (budget !== undefined) {
    if (o.kind === 'ad') return 'an ad has no budget';
    if (o.kind === 'adset' && o.campaign.dailyBudget !== undefined) {
      return `ad set ${o.id} belongs to campaign ${o.campaign.id}, which has a campaign budget (CBO): change the campaign's budget`;
    }
    if (
      o.kind === 'campaign' &&
      o.dailyBudget === undefined &&
      o.adsets.some((s) => s.dailyBudget !== undefined)
    ) {
      return `campaign ${o.id} uses ad set budgets: change an ad set's budget`;
    }
  }
  const now = state.nowMs();
  const before = snapshotOf(o);
  if (status !== undefined) o.status = status;
  if (name !== undefined) o.name = name;
  if (budget !== undefined && o.kind !== 'ad' && budget !== o.dailyBudget) {
    o.dailyBudget = budget;
    for (const s of o.kind === 'adset' ? [o] : o.adsets) s.lastSigEditMs = now;
  }
  o.updatedMs = now;
  const logged = changeActivities(o, before, actor, now);
  if (eventType) for (const a of logged) a.eventType = eventType;
  state.activities.push(...logged);
  state.touched();
  return undefined;
}

/**
 * An adjustment Meta makes on its own (POST /__sim/automatic-adjustments): the change, if any, is
 * applied like a mutation and logged with Meta as the actor (no user, no app) under `event_type`;
 * without `fields` only the event is logged (a learning-stage exit, a campaign ending).
 */
export function automaticAdjustment(
  state: SimState,
  body: z.output<typeof automaticBody>,
): string | undefined {
  const o = state.objects.get(body.id);
  if (!o || (o.kind !== 'campaign' && o.kind !== 'adset' && o.kind !== 'ad')) {
    return `no campaign, ad set or ad with id ${body.id}`;
  }
  if (body.fields) return mutate(state, { id: body.id, fields: body.fields }, META_ACTOR, body.event_type);
  state.activities.push(activityOf(o, body.event_type, META_ACTOR, state.nowMs(), body.extra_data ?? {}));
  state.touched();
  return undefined;
}
