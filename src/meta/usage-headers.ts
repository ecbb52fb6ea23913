/**
 * Meta's usage headers, parsed defensively: each is a JSON string that may be absent, truncated or not
 * what the docs say. Anything unreadable is skipped; it never fails a call.
 *
 * - X-Business-Use-Case-Usage: `{"<account id>": [{type, call_count, total_cputime, total_time,
 *   estimated_time_to_regain_access (minutes)}]}` — per ad account and use case.
 * - X-Ad-Account-Usage: `{acc_id_util_pct, reset_time_duration (seconds)}` — the account of the request.
 * - X-FB-Ads-Insights-Throttle: `{app_id_util_pct, acc_id_util_pct}` — insights for the request's account.
 * - X-App-Usage: `{call_count, total_time, total_cputime}` — the whole app.
 */

/** The app-wide scope (X-App-Usage, and throttles such as code 4 that are not per account). */
export const APP_SCOPE_ACCOUNT = '*';
export const APP_USE_CASE = 'app';

export interface UsageReading {
  /** `act_<digits>`, or APP_SCOPE_ACCOUNT. */
  accountId: string;
  /** ads_management, ads_insights, … or APP_USE_CASE. */
  useCase: string;
  /** The highest of the percentages Meta reports for this scope. */
  usedPct: number;
  /** Set when Meta says the scope is throttled and for how long. */
  regainAccessMs?: number;
}

type HeaderBag = Record<string, unknown> | { get?: unknown } | undefined | null;

function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== lower) continue;
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  }
  return undefined;
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function pct(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function maxOf(...values: Array<number | undefined>): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? Math.max(...known) : undefined;
}

export function normalizeAccountId(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('act_') ? trimmed : `act_${trimmed}`;
}

export function parseUsageHeaders(headers: HeaderBag, requestAccountId?: string): UsageReading[] {
  const out: UsageReading[] = [];
  const account = requestAccountId ? normalizeAccountId(requestAccountId) : undefined;

  const buc = parseJsonObject(header(headers, 'x-business-use-case-usage'));
  for (const [id, entries] of Object.entries(buc ?? {})) {
    if (!Array.isArray(entries) || !/^(act_)?\d+$/.test(id)) continue;
    for (const entry of entries) {
      if (!entry || typeof entry !== 'object') continue;
      const e = entry as Record<string, unknown>;
      if (typeof e.type !== 'string' || e.type === '') continue;
      const used = maxOf(pct(e.call_count), pct(e.total_cputime), pct(e.total_time));
      const minutes = pct(e.estimated_time_to_regain_access);
      if (used === undefined && minutes === undefined) continue;
      const reading: UsageReading = {
        accountId: normalizeAccountId(id),
        useCase: e.type,
        usedPct: used ?? 0,
      };
      if (minutes !== undefined && minutes > 0) reading.regainAccessMs = minutes * 60_000;
      out.push(reading);
    }
  }

  const adAccount = parseJsonObject(header(headers, 'x-ad-account-usage'));
  if (adAccount && account) {
    const used = pct(adAccount.acc_id_util_pct);
    if (used !== undefined) {
      const reading: UsageReading = { accountId: account, useCase: 'ads_management', usedPct: used };
      const reset = pct(adAccount.reset_time_duration);
      if (used >= 100 && reset !== undefined && reset > 0) reading.regainAccessMs = reset * 1000;
      out.push(reading);
    }
  }

  const insights = parseJsonObject(header(headers, 'x-fb-ads-insights-throttle'));
  if (insights && account) {
    const used = maxOf(pct(insights.acc_id_util_pct), pct(insights.app_id_util_pct));
    if (used !== undefined) out.push({ accountId: account, useCase: 'ads_insights', usedPct: used });
  }

  const app = parseJsonObject(header(headers, 'x-app-usage'));
  if (app) {
    const used = maxOf(pct(app.call_count), pct(app.total_time), pct(app.total_cputime));
    if (used !== undefined) out.push({ accountId: APP_SCOPE_ACCOUNT, useCase: APP_USE_CASE, usedPct: used });
  }
  return out;
}
