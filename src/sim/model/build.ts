/**
 * Turns a hand-written ad account of a scenario into live objects and its delivery arrays.
 */
import { DEFAULT_LAG_PROFILE } from '../../domain/conversion-lag.js';
import type { ScenarioAccount } from '../scenario/schema.js';
import { parseDate } from '../time/local-date.js';
import { parseRfc3339 } from '../time/rfc3339.js';
import { Delivery } from './delivery.js';
import type { Account, Ad, AdSet, Campaign } from './types.js';

const DAY_MS = 86_400_000;

export function accountShell(spec: ScenarioAccount, delivery: Delivery, createdMs: number): Account {
  return {
    kind: 'account',
    id: spec.id,
    digits: spec.id.slice(4),
    name: spec.name,
    currency: spec.currency,
    timezone: spec.timezone_name,
    accountStatus: spec.account_status,
    minDailyBudget: spec.min_daily_budget,
    businessId: spec.business_id,
    sandbox: spec.sandbox,
    createdMs,
    campaigns: [],
    delivery,
    conversionLag: spec.conversion_lag ?? DEFAULT_LAG_PROFILE,
  };
}

function timeOr(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : (parseRfc3339(text) ?? fallback);
}

export function buildExplicitAccount(spec: ScenarioAccount, nowMs: number): Account {
  const campaigns = spec.campaigns ?? [];
  let first: number | undefined;
  let last: number | undefined;
  let rows = 0;
  for (const c of campaigns)
    for (const s of c.adsets)
      for (const a of s.ads) {
        rows++;
        for (const d of a.daily) {
          const day = parseDate(d.date) as number;
          if (first === undefined || day < first) first = day;
          if (last === undefined || day > last) last = day;
        }
      }
  const delivery =
    first === undefined || last === undefined
      ? Delivery.empty()
      : new Delivery(first, last - first + 1, rows, true);
  // Objects without a created_time are dated a week before the first delivery (or a month before now).
  const defaultCreated = first === undefined ? nowMs - 30 * DAY_MS : first * DAY_MS - 7 * DAY_MS;
  const account = accountShell(spec, delivery, defaultCreated);

  let row = 0;
  for (const cs of campaigns) {
    const cCreated = timeOr(cs.created_time, defaultCreated);
    const campaign: Campaign = {
      kind: 'campaign',
      id: cs.id,
      account,
      name: cs.name,
      objective: cs.objective,
      status: cs.status,
      dailyBudget: cs.daily_budget,
      specialAdCategories: cs.special_ad_categories ?? [],
      createdMs: cCreated,
      updatedMs: cCreated,
      adsets: [],
    };
    account.campaigns.push(campaign);
    for (const ss of cs.adsets) {
      const sCreated = timeOr(ss.created_time, cCreated);
      const adset: AdSet = {
        kind: 'adset',
        id: ss.id,
        account,
        campaign,
        name: ss.name,
        status: ss.status,
        dailyBudget: ss.daily_budget,
        optimizationGoal: ss.optimization_goal,
        billingEvent: 'IMPRESSIONS',
        learningStage: ss.learning_stage,
        lastSigEditMs:
          ss.last_significant_edit === undefined ? undefined : parseRfc3339(ss.last_significant_edit),
        createdMs: sCreated,
        updatedMs: sCreated,
        ads: [],
      };
      campaign.adsets.push(adset);
      for (const as of ss.ads) {
        const aCreated = timeOr(as.created_time, sCreated);
        const ad: Ad = {
          kind: 'ad',
          id: as.id,
          account,
          campaign,
          adset,
          name: as.name,
          status: as.status,
          creativeId: as.creative_id,
          createdMs: aCreated,
          updatedMs: aCreated,
          row,
        };
        adset.ads.push(ad);
        for (const d of as.daily) {
          delivery.set(row, parseDate(d.date) as number, {
            impressions: d.impressions,
            reach: d.reach,
            clicks: d.clicks,
            linkClicks: d.inline_link_clicks ?? 0,
            spend: d.spend,
            purchases: d.purchases,
            purchaseValue: d.purchase_value,
          });
        }
        row++;
      }
    }
  }
  return account;
}
