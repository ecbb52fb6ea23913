/**
 * One insights row as Meta sends it: the requested fields in the order asked, every number a string,
 * ratios omitted when their denominator is zero, then date_start and date_stop. Valid fields the
 * simulator does not model are left out, as Meta leaves out fields without data.
 *
 * Purchases are reported under three action types at once (omni_purchase,
 * offsite_conversion.fb_pixel_purchase, purchase), each with the full count, as Meta does. When
 * action_attribution_windows is given, every action also carries one key per window: click windows
 * (1d_click, 7d_click, 28d_click, dda) hold the full value, view windows (1d_view, 1d_ev) hold "0", and
 * windows Meta stopped reporting in 2026 (7d_view, 28d_view and their variants, skan_*) are absent.
 */
import { formatDate } from '../time/local-date.js';
import { entityTotals, type InsightsResult } from './engine.js';
import { count, money, ratio } from './format.js';
import type { Totals } from './metrics.js';

const PURCHASE_TYPES = ['omni_purchase', 'offsite_conversion.fb_pixel_purchase', 'purchase'];
const CLICK_WINDOWS = new Set(['1d_click', '7d_click', '28d_click', 'dda']);
const VIEW_WINDOWS = new Set(['1d_view', '1d_ev']);

type ActionStat = Record<string, string>;

function withWindows(stat: ActionStat, windows: string[] | undefined): ActionStat {
  if (!windows) return stat;
  const out: ActionStat = { ...stat };
  for (const w of windows) {
    if (CLICK_WINDOWS.has(w)) out[w] = stat.value as string;
    else if (VIEW_WINDOWS.has(w)) out[w] = '0';
  }
  return out;
}

function actions(t: Totals, windows: string[] | undefined): ActionStat[] | undefined {
  const out: ActionStat[] = [];
  if (t.linkClicks > 0) out.push({ action_type: 'link_click', value: count(t.linkClicks) });
  if (t.purchases > 0)
    for (const type of PURCHASE_TYPES) out.push({ action_type: type, value: count(t.purchases) });
  return out.length > 0 ? out.map((s) => withWindows(s, windows)) : undefined;
}

function actionValues(t: Totals, windows: string[] | undefined): ActionStat[] | undefined {
  if (t.purchaseValue <= 0) return undefined;
  return PURCHASE_TYPES.map((type) =>
    withWindows({ action_type: type, value: money(t.purchaseValue) }, windows),
  );
}

function costPerAction(t: Totals, windows: string[] | undefined): ActionStat[] | undefined {
  const out: ActionStat[] = [];
  if (t.linkClicks > 0) out.push({ action_type: 'link_click', value: ratio(t.spend / t.linkClicks) });
  if (t.purchases > 0)
    for (const type of PURCHASE_TYPES) out.push({ action_type: type, value: ratio(t.spend / t.purchases) });
  return out.length > 0 ? out.map((s) => withWindows(s, windows)) : undefined;
}

function roas(t: Totals, type: string, windows: string[] | undefined): ActionStat[] | undefined {
  if (t.spend <= 0) return undefined;
  return [withWindows({ action_type: type, value: ratio(t.purchaseValue / t.spend) }, windows)];
}

function ids(result: InsightsResult, entity: number): Record<string, string> {
  const obj = result.entities[entity]?.obj;
  const account = result.account;
  const out: Record<string, string> = {
    account_id: account.digits,
    account_name: account.name,
    account_currency: account.currency,
  };
  if (!obj || obj.kind === 'account') return out;
  const campaign = obj.kind === 'campaign' ? obj : obj.campaign;
  out.campaign_id = campaign.id;
  out.campaign_name = campaign.name;
  out.objective = campaign.objective;
  if (obj.kind === 'campaign') return out;
  const adset = obj.kind === 'adset' ? obj : obj.adset;
  out.adset_id = adset.id;
  out.adset_name = adset.name;
  out.optimization_goal = adset.optimizationGoal;
  if (obj.kind === 'ad') {
    out.ad_id = obj.id;
    out.ad_name = obj.name;
  }
  return out;
}

function fieldValue(
  name: string,
  t: Totals,
  idFields: Record<string, string>,
  windows: string[] | undefined,
): unknown {
  switch (name) {
    case 'impressions':
      return count(t.impressions);
    case 'reach':
      return count(t.reach);
    case 'clicks':
      return count(t.clicks);
    case 'inline_link_clicks':
      return count(t.linkClicks);
    case 'spend':
      return money(t.spend);
    case 'frequency':
      return t.reach > 0 ? ratio(t.impressions / t.reach) : undefined;
    case 'ctr':
      return t.impressions > 0 ? ratio((t.clicks / t.impressions) * 100) : undefined;
    case 'inline_link_click_ctr':
      return t.impressions > 0 ? ratio((t.linkClicks / t.impressions) * 100) : undefined;
    case 'cpc':
      return t.clicks > 0 ? ratio(t.spend / t.clicks) : undefined;
    case 'cost_per_inline_link_click':
      return t.linkClicks > 0 ? ratio(t.spend / t.linkClicks) : undefined;
    case 'cpm':
      return t.impressions > 0 ? ratio((t.spend / t.impressions) * 1000) : undefined;
    case 'cpp':
      return t.reach > 0 ? ratio((t.spend / t.reach) * 1000) : undefined;
    case 'actions':
      return actions(t, windows);
    case 'action_values':
      return actionValues(t, windows);
    case 'cost_per_action_type':
      return costPerAction(t, windows);
    case 'purchase_roas':
      return roas(t, 'omni_purchase', windows);
    case 'website_purchase_roas':
      return roas(t, 'offsite_conversion.fb_pixel_purchase', windows);
    case 'buying_type':
      return 'AUCTION';
    case 'attribution_setting':
      return idFields.adset_id ? '7d_click_1d_view' : undefined;
    default:
      return idFields[name];
  }
}

export function renderInsightsRow(result: InsightsResult, index: number): Record<string, unknown> {
  const entity = result.refs[2 * index] as number;
  const bucket = result.refs[2 * index + 1] as number;
  const t = entityTotals(result, entity, bucket);
  const idFields = ids(result, entity);
  const row: Record<string, unknown> = {};
  for (const name of result.query.fields) {
    if (name === 'date_start' || name === 'date_stop') continue;
    const v = fieldValue(name, t, idFields, result.query.windows);
    if (v !== undefined) row[name] = v;
  }
  const b = result.buckets[bucket];
  row.date_start = formatDate(b?.since ?? 0);
  row.date_stop = formatDate(b?.until ?? 0);
  return row;
}

/** The report-run view of a window: first since and last until of the query. */
export function queryWindow(result: { query: { ranges: Array<{ since: number; until: number }> } }): {
  date_start: string;
  date_stop: string;
} {
  const ranges = result.query.ranges;
  const since = Math.min(...ranges.map((r) => r.since));
  const until = Math.max(...ranges.map((r) => r.until));
  return { date_start: formatDate(since), date_stop: formatDate(until) };
}
