/**
 * Runs an insights query: picks the ads in scope (after id/name/status filters), groups them at the
 * requested level, and lists the (entity, time bucket) rows that had delivery, as Meta omits rows
 * without any. Rows are kept as compact index pairs so that paging through a million-row result only
 * computes and renders the page asked for; results are cached per query until the objects change.
 */

import { asList, asString } from '../graph/params.js';
import { effectiveStatus } from '../model/status.js';
import type { Account, Ad, AdSet, Campaign, Level } from '../model/types.js';
import type { DayRange } from '../time/presets.js';
import { lagFractions } from './lag.js';
import { aggregate, hasDelivery, type Totals } from './metrics.js';
import { bucketsOf, type InsightsFilter, type InsightsQuery } from './query.js';

export type ScopeObject = Account | Campaign | AdSet | Ad;
export type LevelObject = Account | Campaign | AdSet | Ad;

export interface Entity {
  obj: LevelObject;
  rows: number[];
}

export interface InsightsResult {
  account: Account;
  query: InsightsQuery;
  entities: Entity[];
  buckets: DayRange[];
  /** Pairs (entity index, bucket index) of the rows, in output order. */
  refs: Int32Array;
  count: number;
  /** Reported fraction per stored day at the clock of the query (late conversions; lag.ts). */
  lag: Float64Array | undefined;
}

function adsInScope(scope: ScopeObject): Ad[] {
  switch (scope.kind) {
    case 'ad':
      return [scope];
    case 'adset':
      return scope.ads;
    case 'campaign':
      return scope.adsets.flatMap((s) => s.ads);
    case 'account':
      return scope.campaigns.flatMap((c) => c.adsets.flatMap((s) => s.ads));
  }
}

function compare(actual: string | number, operator: string, expected: unknown): boolean {
  const list = () => (asList(expected, 'filtering.value') ?? []).map((v) => asString(v) ?? '');
  const text = String(actual);
  const num = typeof actual === 'number' ? actual : Number(actual);
  const want = Number(asString(expected));
  switch (operator) {
    case 'EQUAL':
      return text === asString(expected);
    case 'NOT_EQUAL':
      return text !== asString(expected);
    case 'IN':
      return list().includes(text);
    case 'NOT_IN':
      return !list().includes(text);
    case 'CONTAIN':
      return text.toLowerCase().includes((asString(expected) ?? '').toLowerCase());
    case 'NOT_CONTAIN':
      return !text.toLowerCase().includes((asString(expected) ?? '').toLowerCase());
    case 'STARTS_WITH':
      return text.startsWith(asString(expected) ?? '');
    case 'ENDS_WITH':
      return text.endsWith(asString(expected) ?? '');
    case 'GREATER_THAN':
      return num > want;
    case 'GREATER_THAN_OR_EQUAL':
      return num >= want;
    case 'LESS_THAN':
      return num < want;
    case 'LESS_THAN_OR_EQUAL':
      return num <= want;
    case 'IN_RANGE':
    case 'NOT_IN_RANGE': {
      const [lo, hi] = list().map(Number);
      const inside = num >= (lo ?? -Infinity) && num <= (hi ?? Infinity);
      return operator === 'IN_RANGE' ? inside : !inside;
    }
    default:
      return false;
  }
}

function entityValue(ad: Ad, field: string): string {
  const [level, attr] = field.split('.') as ['ad' | 'adset' | 'campaign', 'id' | 'name' | 'effective_status'];
  const obj = level === 'ad' ? ad : level === 'adset' ? ad.adset : ad.campaign;
  return attr === 'effective_status' ? effectiveStatus(obj) : obj[attr];
}

function passes(ad: Ad, filters: InsightsFilter[]): boolean {
  return filters.every((f) => compare(entityValue(ad, f.field), f.operator, f.value));
}

function metricValue(t: Totals, field: string): number {
  switch (field) {
    case 'impressions':
      return t.impressions;
    case 'clicks':
      return t.clicks;
    case 'reach':
      return t.reach;
    case 'inline_link_clicks':
      return t.linkClicks;
    default:
      return Math.round(t.spend * 100) / 100;
  }
}

function group(ads: Ad[], level: Level, account: Account): Entity[] {
  if (level === 'account') return [{ obj: account, rows: ads.map((a) => a.row) }];
  const byObj = new Map<LevelObject, number[]>();
  for (const ad of ads) {
    const key = level === 'ad' ? ad : level === 'adset' ? ad.adset : ad.campaign;
    let rows = byObj.get(key);
    if (!rows) {
      rows = [];
      byObj.set(key, rows);
    }
    rows.push(ad.row);
  }
  return [...byObj].map(([obj, rows]) => ({ obj, rows }));
}

export function entityTotals(result: InsightsResult, entity: number, bucket: number): Totals {
  const e = result.entities[entity] as Entity;
  const b = result.buckets[bucket] as DayRange;
  return aggregate(
    result.account.delivery,
    e.rows,
    b.since,
    b.until,
    result.query.level !== 'ad',
    result.lag,
  );
}

export function runInsights(
  scope: ScopeObject,
  account: Account,
  query: InsightsQuery,
  /** The clock the figures are seen at (late conversions); absent = the matured figures of the file. */
  nowMs?: number,
): InsightsResult {
  const ads = adsInScope(scope).filter((ad) => ad.row >= 0 && passes(ad, query.entityFilters));
  const entities = group(ads, query.level, account);
  const buckets = query.ranges.flatMap((r) => bucketsOf(r, query.increment));
  const lag = nowMs === undefined ? undefined : lagFractions(account, nowMs);
  const result: InsightsResult = {
    account,
    query,
    entities,
    buckets,
    refs: new Int32Array(0),
    count: 0,
    lag,
  };
  let refs = new Int32Array(Math.min(2 * entities.length * buckets.length, 1 << 16) || 2);
  let n = 0;
  for (let b = 0; b < buckets.length; b++) {
    for (let e = 0; e < entities.length; e++) {
      const t = entityTotals(result, e, b);
      if (!hasDelivery(t)) continue;
      if (!query.metricFilters.every((f) => compare(metricValue(t, f.field), f.operator, f.value))) continue;
      if (2 * n + 2 > refs.length) {
        const bigger = new Int32Array(refs.length * 2);
        bigger.set(refs);
        refs = bigger;
      }
      refs[2 * n] = e;
      refs[2 * n + 1] = b;
      n++;
    }
  }
  result.refs = refs;
  result.count = n;
  return result;
}

/** A few recent results, so paging through a large result does not recompute it for every page. */
export class InsightsCache {
  private readonly entries = new Map<string, InsightsResult>();
  constructor(private readonly size = 4) {}

  get(key: string, compute: () => InsightsResult): InsightsResult {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = compute();
    this.entries.set(key, value);
    while (this.entries.size > this.size) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
