/**
 * Reads an insights request (GET or POST …/insights) into a query, refusing what Meta refuses: unknown
 * fields, bad enum values, malformed time ranges, time_increment outside 1..90. Dates are resolved here,
 * against the account's "today", so an async report keeps the window it was created with.
 */
import { errors, GraphError } from '../graph/errors.js';
import { asList, asObject, asString, type Params } from '../graph/params.js';
import { enumValues, nodeSpec } from '../graph/spec.js';
import type { Level } from '../model/types.js';
import { dateParts, epochDayOf, parseDate } from '../time/local-date.js';
import { type DayRange, presetRange } from '../time/presets.js';

export type Increment = number | 'all_days' | 'monthly';

export interface InsightsFilter {
  /** e.g. "campaign.id", "ad.effective_status", "spend" */
  field: string;
  operator: string;
  value: unknown;
}

export interface InsightsQuery {
  level: Level;
  fields: string[];
  ranges: DayRange[];
  increment: Increment;
  windows: string[] | undefined;
  entityFilters: InsightsFilter[];
  metricFilters: InsightsFilter[];
}

const LEVEL_RANK: Record<Level, number> = { account: 0, campaign: 1, adset: 2, ad: 3 };
export const DEFAULT_INSIGHTS_FIELDS = ['impressions', 'spend'];
const OPERATORS = [
  'EQUAL',
  'NOT_EQUAL',
  'GREATER_THAN',
  'GREATER_THAN_OR_EQUAL',
  'LESS_THAN',
  'LESS_THAN_OR_EQUAL',
  'IN_RANGE',
  'NOT_IN_RANGE',
  'CONTAIN',
  'NOT_CONTAIN',
  'IN',
  'NOT_IN',
  'STARTS_WITH',
  'ENDS_WITH',
];
export const METRIC_FILTER_FIELDS = ['impressions', 'clicks', 'spend', 'reach', 'inline_link_clicks'];
const ENTITY_FILTER = /^(ad|adset|campaign)\.(id|name|effective_status)$/;

function oneOf(param: string, value: unknown, typeName: string): string {
  const values = enumValues(typeName) ?? [];
  const s = asString(value);
  if (s === undefined || !values.includes(s)) throw errors.paramMustBeOneOf(param, values);
  return s;
}

function parseRange(value: unknown, param: string): DayRange {
  const o = asObject(value, param);
  const since = parseDate(asString(o?.since) ?? '');
  const until = parseDate(asString(o?.until) ?? '');
  if (since === undefined || until === undefined) {
    throw errors.paramInvalid(
      param,
      'must be a JSON object {"since":"YYYY-MM-DD","until":"YYYY-MM-DD"} of real dates',
    );
  }
  if (since > until) throw errors.paramInvalid(param, 'must have since on or before until');
  return { since, until };
}

function parseIncrement(value: unknown): Increment {
  const s = asString(value);
  if (s === undefined || s === '' || s === 'all_days') return 'all_days';
  if (s === 'monthly') return 'monthly';
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= 90) return n;
  }
  throw errors.paramInvalid('time_increment', 'must be "monthly", "all_days" or an integer from 1 to 90');
}

function parseFilters(value: unknown): { entity: InsightsFilter[]; metric: InsightsFilter[] } {
  const list = asList(value, 'filtering') ?? [];
  const entity: InsightsFilter[] = [];
  const metric: InsightsFilter[] = [];
  list.forEach((raw, i) => {
    const f = raw as { field?: unknown; operator?: unknown; value?: unknown } | null;
    const field = asString(f?.field);
    const operator = asString(f?.operator);
    if (!f || typeof f !== 'object' || field === undefined || operator === undefined) {
      throw errors.paramInvalid(`filtering[${i}]`, 'must be an object with field, operator and value');
    }
    if (!OPERATORS.includes(operator)) throw errors.paramMustBeOneOf(`filtering[${i}][operator]`, OPERATORS);
    const metricName = field.replace(/^(ad|adset|campaign)\./, '');
    if (ENTITY_FILTER.test(field)) entity.push({ field, operator, value: f.value });
    else if (METRIC_FILTER_FIELDS.includes(metricName))
      metric.push({ field: metricName, operator, value: f.value });
    else {
      throw new GraphError({
        message: `(#100) Filtering field ${field} is invalid. The MetaBuyer simulator filters on {ad,adset,campaign}.{id,name,effective_status} and ${METRIC_FILTER_FIELDS.join(', ')}`,
        type: 'OAuthException',
        code: 100,
      });
    }
  });
  return { entity, metric };
}

export function bucketsOf(range: DayRange, increment: Increment): DayRange[] {
  if (increment === 'all_days') return [range];
  const out: DayRange[] = [];
  if (increment === 'monthly') {
    let start = range.since;
    while (start <= range.until) {
      const { year, month } = dateParts(start);
      const nextMonth = month === 12 ? epochDayOf(year + 1, 1, 1) : epochDayOf(year, month + 1, 1);
      const end = Math.min(nextMonth - 1, range.until);
      out.push({ since: start, until: end });
      start = end + 1;
    }
    return out;
  }
  for (let start = range.since; start <= range.until; start += increment) {
    out.push({ since: start, until: Math.min(start + increment - 1, range.until) });
  }
  return out;
}

/**
 * @param nodeLevel the level of the object queried (account for act_X/insights)
 * @param today the account's local date now; @param earliestData for `maximum`
 */
export function parseInsightsQuery(
  params: Params,
  nodeLevel: Level,
  today: number,
  earliestData: number | undefined,
): InsightsQuery {
  const fieldsText = asString(params.fields);
  const fields = fieldsText
    ? fieldsText
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : DEFAULT_INSIGHTS_FIELDS;
  const known = nodeSpec('AdsInsights').fields;
  const unknown = fields.filter((f) => !known.has(f));
  if (unknown.length > 0) throw errors.invalidInsightsFields(unknown);

  const level =
    params.level === undefined
      ? nodeLevel
      : (oneOf('level', params.level, 'adaccountinsights_level_enum_param') as Level);
  if (LEVEL_RANK[level] < LEVEL_RANK[nodeLevel]) {
    throw errors.paramInvalid('level', `cannot be ${level} on a ${nodeLevel}: ask the ${level} itself`);
  }

  const breakdowns = asList(params.breakdowns, 'breakdowns');
  if (breakdowns && breakdowns.length > 0) throw errors.notImplemented('insights breakdowns');

  let ranges: DayRange[];
  const timeRanges = asList(params.time_ranges, 'time_ranges');
  if (timeRanges && timeRanges.length > 0) {
    ranges = timeRanges.map((r, i) => parseRange(r, `time_ranges[${i}]`));
  } else if (params.time_range !== undefined && params.time_range !== '') {
    ranges = [parseRange(params.time_range, 'time_range')];
  } else {
    const preset =
      params.date_preset === undefined
        ? 'last_30d'
        : oneOf('date_preset', params.date_preset, 'adaccountinsights_date_preset_enum_param');
    ranges = [presetRange(preset, today, earliestData) as DayRange];
  }
  const { year, month } = dateParts(today);
  const oldest = epochDayOf(year - 3, month, 1) - 31;
  if (ranges.some((r) => r.since < oldest)) {
    throw new GraphError({
      message: '(#3018) The start date of the time range cannot be beyond 37 months from the current date',
      type: 'OAuthException',
      code: 3018,
    });
  }

  const increment = timeRanges && timeRanges.length > 0 ? 'all_days' : parseIncrement(params.time_increment);
  const windowList = asList(params.action_attribution_windows, 'action_attribution_windows');
  const windowValues = enumValues('adaccountinsights_action_attribution_windows_enum_param') ?? [];
  const windows = windowList?.map((w, i) => {
    const s = asString(w);
    if (s === undefined || !windowValues.includes(s))
      throw errors.paramMustBeOneOf(`action_attribution_windows[${i}]`, windowValues);
    return s;
  });
  const { entity, metric } = parseFilters(params.filtering);
  return { level, fields, ranges, increment, windows, entityFilters: entity, metricFilters: metric };
}
