/**
 * Ad objects as Graph nodes. Every field asked for must exist on the node type in Meta's spec (else
 * Meta's nonexisting-field error); fields the simulator does not model are left out, as Meta leaves out
 * empty fields. Without `fields`, a node is just {id}, as Meta answers. Budgets are strings in minor
 * units, as Meta sends them; account_status and min_daily_budget are numbers, as Meta sends them.
 */

import { minorUnitsPerMajor } from '../../domain/money.js';
import { lagFractions } from '../insights/lag.js';
import { aggregate } from '../insights/metrics.js';
import type { SimState } from '../model/state.js';
import { effectiveStatus } from '../model/status.js';
import {
  type Account,
  type Ad,
  type AdSet,
  accountOf,
  type Campaign,
  type Creative,
} from '../model/types.js';
import { formatMetaTime, utcOffsetMinutes } from '../time/local-date.js';
import { checkFields, type FieldSelection } from './fields.js';
import type { NodeType } from './spec.js';

type Renderable = Account | Campaign | AdSet | Ad | Creative;
type Json = Record<string, unknown>;

export const NODE_TYPE: Record<Renderable['kind'], NodeType> = {
  account: 'AdAccount',
  campaign: 'Campaign',
  adset: 'AdSet',
  ad: 'Ad',
  creative: 'AdCreative',
};

const ATTRIBUTION_WINDOWS = ['7d_click', '1d_view'];

function learningStageInfo(s: AdSet, state: SimState): Json {
  const today = state.today(s.account);
  const week = aggregate(
    s.account.delivery,
    s.ads.map((a) => a.row),
    today - 7,
    today - 1,
    true,
    lagFractions(s.account, state.nowMs()),
  );
  return {
    status: s.learningStage,
    conversions: week.purchases,
    last_sig_edit_ts: s.lastSigEditMs === undefined ? 0 : Math.floor(s.lastSigEditMs / 1000),
    attribution_windows: ATTRIBUTION_WINDOWS,
  };
}

function totalSpendMinor(a: Account): string {
  let spend = 0;
  for (let i = 0; i < a.delivery.spend.length; i++) spend += a.delivery.spend[i] as number;
  return String(Math.round(spend * minorUnitsPerMajor(a.currency)));
}

/** The value of one field, or undefined when the simulator has none for it. */
function value(o: Renderable, field: string, state: SimState): unknown {
  const account = accountOf(o);
  const time = (ms: number) => formatMetaTime(ms, account.timezone);
  if (field === 'id') return o.id;
  if (field === 'account_id') return account.digits;
  switch (o.kind) {
    case 'account':
      return (
        {
          name: o.name,
          currency: o.currency,
          timezone_name: o.timezone,
          timezone_offset_hours_utc: utcOffsetMinutes(state.nowMs(), o.timezone) / 60,
          account_status: o.accountStatus,
          disable_reason: 0,
          min_daily_budget: o.minDailyBudget,
          business: o.businessId ? { id: o.businessId, name: `Business ${o.businessId}` } : undefined,
          amount_spent: field === 'amount_spent' ? totalSpendMinor(o) : undefined,
          balance: '0',
          spend_cap: '0',
          is_personal: 0,
          created_time: time(o.createdMs),
        } as Json
      )[field];
    case 'campaign':
      return (
        {
          name: o.name,
          objective: o.objective,
          status: o.status,
          configured_status: o.status,
          effective_status: effectiveStatus(o),
          daily_budget: o.dailyBudget === undefined ? undefined : String(o.dailyBudget),
          budget_remaining: o.dailyBudget === undefined ? '0' : String(o.dailyBudget),
          bid_strategy: o.dailyBudget === undefined ? undefined : 'LOWEST_COST_WITHOUT_CAP',
          special_ad_categories: o.specialAdCategories,
          special_ad_category: o.specialAdCategories[0] ?? 'NONE',
          buying_type: 'AUCTION',
          pacing_type: ['standard'],
          can_use_spend_cap: true,
          created_time: time(o.createdMs),
          start_time: time(o.createdMs),
          updated_time: time(o.updatedMs),
        } as Json
      )[field];
    case 'adset':
      return (
        {
          name: o.name,
          campaign_id: o.campaign.id,
          status: o.status,
          configured_status: o.status,
          effective_status: effectiveStatus(o),
          daily_budget: o.dailyBudget === undefined ? undefined : String(o.dailyBudget),
          budget_remaining: o.dailyBudget === undefined ? '0' : String(o.dailyBudget),
          bid_strategy: o.dailyBudget === undefined ? undefined : 'LOWEST_COST_WITHOUT_CAP',
          optimization_goal: o.optimizationGoal,
          billing_event: o.billingEvent,
          destination_type: 'WEBSITE',
          pacing_type: ['standard'],
          attribution_spec: [
            { event_type: 'CLICK_THROUGH', window_days: 7 },
            { event_type: 'VIEW_THROUGH', window_days: 1 },
          ],
          learning_stage_info: field === 'learning_stage_info' ? learningStageInfo(o, state) : undefined,
          created_time: time(o.createdMs),
          start_time: time(o.createdMs),
          updated_time: time(o.updatedMs),
        } as Json
      )[field];
    case 'ad':
      return (
        {
          name: o.name,
          campaign_id: o.campaign.id,
          adset_id: o.adset.id,
          status: o.status,
          configured_status: o.status,
          effective_status: effectiveStatus(o),
          creative: o.creativeId ? { id: o.creativeId } : undefined,
          created_time: time(o.createdMs),
          updated_time: time(o.updatedMs),
        } as Json
      )[field];
    case 'creative':
      return (
        {
          name: o.name,
          status: 'ACTIVE',
          object_story_spec: o.objectStorySpec,
          object_type: 'SHARE',
        } as Json
      )[field];
  }
}

/** A nested object field (campaign{…}, adset{…}, creative{…}, learning_stage_info{…}, business{…}). */
function nested(o: Renderable, f: FieldSelection, state: SimState): unknown {
  const sub = f.sub as FieldSelection[];
  if (f.name === 'campaign' && o.kind !== 'account' && o.kind !== 'campaign' && o.kind !== 'creative') {
    return renderNode(o.campaign, sub, state);
  }
  if (f.name === 'adset' && o.kind === 'ad') return renderNode(o.adset, sub, state);
  if (f.name === 'creative' && o.kind === 'ad' && o.creativeId) {
    const creative = state.objects.get(o.creativeId);
    if (creative?.kind === 'creative') return renderNode(creative, sub, state);
    return Object.fromEntries(sub.filter((s) => s.name === 'id').map(() => ['id', o.creativeId]));
  }
  const whole = value(o, f.name, state);
  if (!whole || typeof whole !== 'object' || Array.isArray(whole)) return whole;
  if (f.name === 'learning_stage_info') checkFields(sub, 'AdCampaignLearningStageInfo');
  const picked: Json = {};
  for (const s of sub) {
    const v = (whole as Json)[s.name];
    if (v !== undefined) picked[s.name] = v;
  }
  return picked;
}

export function renderNode(o: Renderable, selection: FieldSelection[] | undefined, state: SimState): Json {
  const type = NODE_TYPE[o.kind];
  if (!selection || selection.length === 0) return { id: o.id };
  checkFields(selection, type);
  const out: Json = {};
  for (const f of selection) {
    const v =
      f.sub && f.sub.length > 0
        ? nested(o, f, state)
        : f.name === 'campaign' || f.name === 'adset'
          ? ref(o, f.name)
          : value(o, f.name, state);
    if (v !== undefined) out[f.name] = v;
  }
  if (!('id' in out)) out.id = o.id;
  return out;
}

function ref(o: Renderable, name: 'campaign' | 'adset'): Json | undefined {
  if (name === 'campaign' && (o.kind === 'adset' || o.kind === 'ad')) return { id: o.campaign.id };
  if (name === 'adset' && o.kind === 'ad') return { id: o.adset.id };
  return undefined;
}
