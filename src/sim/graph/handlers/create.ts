/**
 * POST act_X/campaigns | adsets | adcreatives | ads → {"id"}. Parameters are checked against the
 * AdAccount spec for that edge (unknown ones refused, `special_ad_categories` required for campaigns as
 * the spec marks it). Beyond the spec, Meta in practice also requires: a campaign's name and objective,
 * an ad set's name and campaign_id, an ad's name, adset_id and creative. New objects are created with
 * status ACTIVE unless a status is given (only ACTIVE or PAUSED are allowed at creation); new ad sets
 * start LEARNING; new ads have no delivery. `validate_only` answers {"success":true} and creates nothing.
 */

import { activityOf, eventTypeFor } from '../../model/activities.js';
import type { GraphObject } from '../../model/state.js';
import type { Account, Ad, AdSet, Campaign, Creative, Status } from '../../model/types.js';
import type { GraphResult } from '../context.js';
import { errors } from '../errors.js';
import { asInt, asList, asObject, asString, validateParams } from '../params.js';
import { findApi, nodeSpec } from '../spec.js';
import { apiActor } from './activities.js';
import { checkMinimum } from './budget-rules.js';
import { type Call, ok } from './call.js';
import { isValidateOnly } from './update.js';

function checked(call: Call, edge: string, required: string[]): Record<string, unknown> {
  const params = call.req.params;
  const api = findApi('AdAccount', 'POST', edge);
  if (api) validateParams(api, params, true);
  for (const r of required) if (params[r] === undefined || params[r] === '') throw errors.paramRequired(r);
  const status = asString(params.status);
  if (status !== undefined && status !== 'ACTIVE' && status !== 'PAUSED')
    throw errors.paramMustBeOneOf('status', ['ACTIVE', 'PAUSED']);
  return params;
}

function register<T extends GraphObject>(call: Call, o: T): T {
  const state = call.sim.state;
  state.objects.set(o.id, o);
  if (o.kind === 'campaign' || o.kind === 'adset' || o.kind === 'ad') {
    state.activities.push(
      activityOf(o, eventTypeFor(o, 'create'), apiActor(call), state.nowMs(), { type: 'create' }),
    );
  }
  state.touched();
  return o;
}

export function createCampaign(call: Call, account: Account): GraphResult {
  const p = checked(call, 'campaigns', ['name', 'objective', 'special_ad_categories']);
  const budget = p.daily_budget === undefined ? undefined : asInt(p.daily_budget);
  if (budget !== undefined) checkMinimum(budget, account, 'campaign');
  if (isValidateOnly(p)) return ok({ success: true });
  const state = call.sim.state;
  const now = state.nowMs();
  const campaign: Campaign = register(call, {
    kind: 'campaign',
    id: state.newId(),
    account,
    name: asString(p.name) as string,
    objective: asString(p.objective) as string,
    status: (asString(p.status) as Status | undefined) ?? 'ACTIVE',
    dailyBudget: budget,
    specialAdCategories: (asList(p.special_ad_categories, 'special_ad_categories') ?? []).map(
      (c) => asString(c) ?? '',
    ),
    createdMs: now,
    updatedMs: now,
    adsets: [],
  });
  account.campaigns.push(campaign);
  return ok({ id: campaign.id });
}

export function createAdSet(call: Call, account: Account): GraphResult {
  const p = checked(call, 'adsets', ['name', 'campaign_id']);
  const campaign = call.sim.state.objects.get(asString(p.campaign_id) ?? '');
  if (campaign?.kind !== 'campaign' || campaign.account !== account) {
    throw errors.paramInvalid('campaign_id', 'must be the id of a campaign in this ad account');
  }
  const budget = p.daily_budget === undefined ? undefined : asInt(p.daily_budget);
  if (campaign.dailyBudget !== undefined && (budget !== undefined || p.lifetime_budget !== undefined))
    throw errors.budgetLevel();
  if (campaign.dailyBudget === undefined && budget === undefined && p.lifetime_budget === undefined)
    throw errors.budgetMissing();
  if (budget !== undefined) checkMinimum(budget, account, 'ad set');
  if (isValidateOnly(p)) return ok({ success: true });
  const state = call.sim.state;
  const now = state.nowMs();
  const adset: AdSet = register(call, {
    kind: 'adset',
    id: state.newId(),
    account,
    campaign,
    name: asString(p.name) as string,
    status: (asString(p.status) as Status | undefined) ?? 'ACTIVE',
    dailyBudget: budget,
    optimizationGoal: asString(p.optimization_goal) ?? 'OFFSITE_CONVERSIONS',
    billingEvent: asString(p.billing_event) ?? 'IMPRESSIONS',
    learningStage: 'LEARNING',
    lastSigEditMs: now,
    createdMs: now,
    updatedMs: now,
    ads: [],
  });
  campaign.adsets.push(adset);
  return ok({ id: adset.id });
}

export function createCreative(call: Call, account: Account): GraphResult {
  const p = checked(call, 'adcreatives', []);
  const spec = asObject(p.object_story_spec, 'object_story_spec');
  if (!spec && p.object_story_id === undefined && p.asset_feed_spec === undefined)
    throw errors.paramRequired('object_story_spec');
  if (spec) {
    const known = nodeSpec('AdCreativeObjectStorySpec').fields;
    for (const k of Object.keys(spec)) {
      if (!known.has(k))
        throw errors.paramInvalid(`object_story_spec[${k}]`, 'is not a field of object_story_spec');
    }
    const pageId = asString(spec.page_id);
    if (pageId === undefined) throw errors.paramRequired('object_story_spec[page_id]');
    if (!call.sim.state.pages.some((pg) => pg.id === pageId)) throw errors.invalidPageId(pageId);
  }
  if (isValidateOnly(p)) return ok({ success: true });
  const state = call.sim.state;
  const id = state.newId();
  const creative: Creative = register(call, {
    kind: 'creative',
    id,
    account,
    name: asString(p.name) ?? `Creative ${id}`,
    objectStorySpec: spec,
    createdMs: state.nowMs(),
  });
  return ok({ id: creative.id });
}

export function createAd(call: Call, account: Account): GraphResult {
  const p = checked(call, 'ads', ['name', 'adset_id', 'creative']);
  const state = call.sim.state;
  const adset = state.objects.get(asString(p.adset_id) ?? '');
  if (adset?.kind !== 'adset' || adset.account !== account) {
    throw errors.paramInvalid('adset_id', 'must be the id of an ad set in this ad account');
  }
  const creativeRef = asObject(p.creative, 'creative');
  const creativeId = asString(creativeRef?.creative_id) ?? asString(creativeRef?.id);
  const creative = creativeId === undefined ? undefined : state.objects.get(creativeId);
  if (creative?.kind !== 'creative' || creative.account !== account) {
    throw errors.paramInvalid(
      'creative',
      'must name an existing creative of this ad account as {"creative_id": "<id>"}',
    );
  }
  if (isValidateOnly(p)) return ok({ success: true });
  const now = state.nowMs();
  const ad: Ad = register(call, {
    kind: 'ad',
    id: state.newId(),
    account,
    campaign: adset.campaign,
    adset,
    name: asString(p.name) as string,
    status: (asString(p.status) as Status | undefined) ?? 'ACTIVE',
    creativeId: creative.id,
    createdMs: now,
    updatedMs: now,
    row: -1,
  });
  adset.ads.push(ad);
  return ok({ id: ad.id });
}
