import type {
  AccountInfo,
  ConfiguredStatus,
  DailyRow,
  EntityMeta,
  LearningStage,
  Level,
  WindowRow,
} from '../domain/snapshot.js';
import { MetaBadResponseError } from './errors.js';
import { majorToMinor, parseMinorUnits } from './money.js';
import { purchaseCount, purchaseValueMinor } from './purchases.js';
import type { AccountNode, AdNode, AdSetNode, CampaignNode, InsightsRow } from './schemas.js';
import { normalizeAccountId } from './usage-headers.js';

/**
 * Graph responses → the domain's Snapshot parts. Everything numeric becomes a number here, and money
 * becomes integer minor units of the account currency: budgets already are (strings of minor units),
 * insights spend and purchase values are major-unit decimal strings and are converted exactly.
 */

/**
 * Shares one string per distinct id and date across rows and entities: at 100 000 ads × 14 days, a fresh
 * copy of each per row costs tens of megabytes.
 */
export type Intern = (s: string) => string;
const same: Intern = (s) => s;

const CONFIGURED: ReadonlySet<string> = new Set(['ACTIVE', 'PAUSED', 'ARCHIVED', 'DELETED']);
const LEARNING: ReadonlySet<string> = new Set(['LEARNING', 'SUCCESS', 'FAIL']);

function bad(what: string, problem: string): never {
  throw new MetaBadResponseError({ method: 'GET', path: what }, problem);
}

export function normalizeAccount(node: AccountNode): AccountInfo {
  return {
    id: normalizeAccountId(node.id),
    name: node.name,
    currency: node.currency,
    timezone: node.timezone_name,
    accountStatus: node.account_status,
    minDailyBudget: node.min_daily_budget === undefined ? 0 : parseMinorUnits(node.min_daily_budget),
  };
}

function configuredStatus(status: string, id: string): ConfiguredStatus {
  if (!CONFIGURED.has(status)) bad(id, `unknown status "${status}"`);
  return status as ConfiguredStatus;
}

/** Meta reports "no daily budget" as an absent field or as "0" (lifetime budget, or budget on the campaign). */
function dailyBudget(v: string | number | undefined): number | null {
  if (v === undefined || v === '') return null;
  const n = parseMinorUnits(v);
  return n > 0 ? n : null;
}

export function normalizeCampaign(n: CampaignNode, intern: Intern = same): EntityMeta {
  const id = intern(n.id);
  return {
    id,
    level: 'campaign',
    name: n.name,
    campaignId: id,
    adsetId: null,
    status: configuredStatus(n.configured_status ?? n.status, n.id),
    effectiveStatus: n.effective_status,
    dailyBudget: dailyBudget(n.daily_budget),
    learningStage: null,
    lastSignificantEditAt: null,
  };
}

export function normalizeAdSet(n: AdSetNode, intern: Intern = same): EntityMeta {
  const info = n.learning_stage_info;
  const stage = info?.status && LEARNING.has(info.status) ? (info.status as LearningStage) : null;
  const ts = info?.last_sig_edit_ts === undefined ? 0 : Number(info.last_sig_edit_ts);
  return {
    id: intern(n.id),
    level: 'adset',
    name: n.name,
    campaignId: intern(n.campaign_id),
    adsetId: null,
    status: configuredStatus(n.configured_status ?? n.status, n.id),
    effectiveStatus: n.effective_status,
    dailyBudget: dailyBudget(n.daily_budget),
    learningStage: stage,
    lastSignificantEditAt: Number.isFinite(ts) && ts > 0 ? new Date(ts * 1000).toISOString() : null,
  };
}

export function normalizeAd(n: AdNode, intern: Intern = same): EntityMeta {
  return {
    id: intern(n.id),
    level: 'ad',
    name: n.name,
    campaignId: intern(n.campaign_id),
    adsetId: intern(n.adset_id),
    status: configuredStatus(n.configured_status ?? n.status, n.id),
    effectiveStatus: n.effective_status,
    dailyBudget: null,
    learningStage: null,
    lastSignificantEditAt: null,
  };
}

function count(v: string | number | undefined, field: string): number {
  if (v === undefined || v === '') return 0;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) bad('insights', `${field} is "${String(v).slice(0, 20)}", not a number`);
  return n;
}

export interface RowContext {
  level: Level;
  currency: string;
  purchaseActionType: string;
  intern?: Intern;
}

export function createInterner(): Intern {
  const seen = new Map<string, string>();
  return (s) => {
    const have = seen.get(s);
    if (have !== undefined) return have;
    seen.set(s, s);
    return s;
  };
}

function entityIdOf(row: InsightsRow, level: Level): string {
  const id = level === 'campaign' ? row.campaign_id : level === 'adset' ? row.adset_id : row.ad_id;
  if (!id) bad('insights', `a ${level}-level row has no ${level}_id`);
  return id;
}

export function normalizeWindowRow(row: InsightsRow, ctx: RowContext): WindowRow {
  const id = entityIdOf(row, ctx.level);
  // Written out field by field (no spread) so every row object gets the same compact shape.
  return {
    entityId: ctx.intern ? ctx.intern(id) : id,
    level: ctx.level,
    spend: row.spend === undefined ? 0 : majorToMinor(row.spend, ctx.currency),
    impressions: count(row.impressions, 'impressions'),
    reach: count(row.reach, 'reach'),
    clicks: count(row.clicks, 'clicks'),
    linkClicks: count(row.inline_link_clicks, 'inline_link_clicks'),
    purchases: purchaseCount(row, ctx.purchaseActionType),
    purchaseValue: purchaseValueMinor(row, ctx.purchaseActionType, ctx.currency),
  };
}

export function normalizeDailyRow(row: InsightsRow, ctx: RowContext): DailyRow {
  const id = entityIdOf(row, ctx.level);
  return {
    entityId: ctx.intern ? ctx.intern(id) : id,
    level: ctx.level,
    date: ctx.intern ? ctx.intern(row.date_start) : row.date_start,
    spend: row.spend === undefined ? 0 : majorToMinor(row.spend, ctx.currency),
    impressions: count(row.impressions, 'impressions'),
    reach: count(row.reach, 'reach'),
    clicks: count(row.clicks, 'clicks'),
    linkClicks: count(row.inline_link_clicks, 'inline_link_clicks'),
    purchases: purchaseCount(row, ctx.purchaseActionType),
    purchaseValue: purchaseValueMinor(row, ctx.purchaseActionType, ctx.currency),
  };
}

const LEVEL_ORDER: Record<Level, number> = { campaign: 0, adset: 1, ad: 2 };

export function compareIds(a: string, b: string): number {
  // Meta ids are digit strings: shorter is smaller, then lexicographic — numeric order without BigInt.
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** A stable order for the domain: level, then id (numerically), then date. */
export function compareEntities(a: { level: Level; id: string }, b: { level: Level; id: string }): number {
  return LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || compareIds(a.id, b.id);
}

export function compareRows(
  a: { level: Level; entityId: string; date?: string },
  b: { level: Level; entityId: string; date?: string },
): number {
  return (
    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
    compareIds(a.entityId, b.entityId) ||
    ((a.date ?? '') < (b.date ?? '') ? -1 : (a.date ?? '') > (b.date ?? '') ? 1 : 0)
  );
}
