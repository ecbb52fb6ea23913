import { AppError } from '../lib/errors.js';
import { MetaApiError, MetaBadResponseError, MetaNetworkError } from './errors.js';
import { describeIssues, eachPage } from './paging.js';
import { type InsightsRow, insightsRowSchema, reportRunCreatedSchema, reportRunSchema } from './schemas.js';
import type { GraphTransport } from './transport.js';
import { normalizeAccountId } from './usage-headers.js';

export type InsightsLevel = 'account' | 'campaign' | 'adset' | 'ad';

export interface InsightsQuery {
  accountId: string;
  level: InsightsLevel;
  fields: readonly string[];
  /** Meta's default is last_30d; ignored by Meta when timeRange is given. */
  datePreset?: string;
  /** Inclusive local dates, YYYY-MM-DD. */
  timeRange?: { since: string; until: string };
  /** 1 for one row per day; Meta's default is all_days (one row for the whole range). */
  timeIncrement?: number | 'monthly' | 'all_days';
  attributionWindows?: readonly string[];
  filtering?: readonly unknown[];
  /** Rows per page; the client's page size when absent. */
  limit?: number;
}

/**
 * sync: one paged GET. async: a report run (POST, poll, page the results). auto: sync, switching to async
 * when Meta says the request is too big (100/1487534, 1/99) or the first page times out — Meta's own
 * advice ("try sync calls first and then use async calls in cases where sync calls timeout").
 */
export type InsightsMode = 'auto' | 'sync' | 'async';

export function insightsParams(q: InsightsQuery, defaultLimit: number): Record<string, unknown> {
  const params: Record<string, unknown> = {
    level: q.level,
    fields: q.fields.join(','),
    limit: q.limit ?? defaultLimit,
  };
  if (q.timeRange) params.time_range = { since: q.timeRange.since, until: q.timeRange.until };
  else if (q.datePreset) params.date_preset = q.datePreset;
  if (q.timeIncrement !== undefined) params.time_increment = q.timeIncrement;
  if (q.attributionWindows?.length) params.action_attribution_windows = [...q.attributionWindows];
  if (q.filtering?.length) params.filtering = [...q.filtering];
  return params;
}

function shouldGoAsync(e: unknown): boolean {
  return (
    (e instanceof MetaApiError && e.tooMuchData) || (e instanceof MetaNetworkError && e.kind === 'timeout')
  );
}

/**
 * Hands each page of insights rows to `onPage`, sync or async as `mode` says. Pages are not kept here
 * (see eachPage), so a caller that keeps only what it derives from them holds one raw page at a time.
 */
export async function eachInsightsPage(
  transport: GraphTransport,
  q: InsightsQuery,
  mode: InsightsMode,
  onPage: (rows: InsightsRow[]) => void,
): Promise<void> {
  const account = normalizeAccountId(q.accountId);
  const params = insightsParams(q, transport.config.pageSize);
  if (mode !== 'async') {
    let delivered = false;
    try {
      await eachPage(
        transport,
        {
          method: 'GET',
          path: `${account}/insights`,
          params,
          accountId: account,
          useCase: 'ads_insights',
          // In auto mode a timeout means "too big": go async at once instead of repeating it.
          retryTimeouts: mode === 'sync',
        },
        insightsRowSchema,
        (rows) => {
          delivered = true;
          onPage(rows);
        },
      );
      return;
    } catch (e) {
      // Once rows have been handed out, starting over would repeat them.
      if (mode === 'sync' || delivered || !shouldGoAsync(e)) throw e;
      transport.config.logger.info('meta: insights too large for a sync call; running an async report', {
        ad_account_id: account,
        level: q.level,
        reason: e instanceof AppError ? e.code : 'unknown',
      });
    }
  }
  await asyncReport(transport, account, params, onPage);
}

export async function fetchInsights(
  transport: GraphTransport,
  q: InsightsQuery,
  mode: InsightsMode = 'auto',
): Promise<InsightsRow[]> {
  const out: InsightsRow[] = [];
  await eachInsightsPage(transport, q, mode, (rows) => {
    for (const row of rows) out.push(row);
  });
  return out;
}

async function startReport(
  transport: GraphTransport,
  account: string,
  params: Record<string, unknown>,
): Promise<string> {
  const res = await transport.request({
    method: 'POST',
    path: `${account}/insights`,
    params,
    accountId: account,
    useCase: 'ads_insights',
    // Starting a report changes nothing in the account; a duplicate run is harmless, so it retries as a read.
    kind: 'read',
  });
  const parsed = reportRunCreatedSchema.safeParse(res.data);
  if (!parsed.success) {
    throw new MetaBadResponseError(
      { method: 'POST', path: `${account}/insights` },
      `no report_run_id (${describeIssues(parsed.error)})`,
    );
  }
  return parsed.data.report_run_id;
}

type ReportEnd = { ok: true } | { ok: false; status: string; error: AppError };

async function waitForReport(transport: GraphTransport, account: string, runId: string): Promise<ReportEnd> {
  const { firstPollMs, maxPollMs, maxWaitMs } = transport.config.asyncReports;
  let delay = firstPollMs;
  let waited = 0;
  for (;;) {
    await transport.config.sleep(delay);
    waited += delay;
    const res = await transport.request({
      method: 'GET',
      path: runId,
      params: {
        fields:
          'id,async_status,async_percent_completion,error_code,error_subcode,error_message,error_user_title,error_user_msg',
      },
      accountId: account,
      useCase: 'ads_insights',
    });
    const parsed = reportRunSchema.safeParse(res.data);
    if (!parsed.success) {
      throw new MetaBadResponseError(
        { method: 'GET', path: runId },
        `not a report run (${describeIssues(parsed.error)})`,
      );
    }
    const run = parsed.data;
    if (run.async_status === 'Job Completed' && run.async_percent_completion >= 100) return { ok: true };
    if (run.async_status === 'Job Failed' || run.async_status === 'Job Skipped') {
      const error =
        typeof run.error_code === 'number'
          ? new MetaApiError(
              {
                code: run.error_code,
                ...(typeof run.error_subcode === 'number' ? { error_subcode: run.error_subcode } : {}),
                ...(run.error_message ? { message: run.error_message } : {}),
                ...(run.error_user_title ? { error_user_title: run.error_user_title } : {}),
                ...(run.error_user_msg ? { error_user_msg: run.error_user_msg } : {}),
              },
              { method: 'GET', path: runId, accountId: account },
            )
          : new AppError({
              code: 'meta_report_failed',
              verdict: 'retry',
              message: `Meta's async insights report for ${account} ended "${run.async_status}".`,
              details: { ad_account_id: account, async_status: run.async_status },
            });
      return { ok: false, status: run.async_status, error };
    }
    if (waited >= maxWaitMs) {
      throw new AppError({
        code: 'meta_report_timeout',
        verdict: 'retry',
        message: `Meta's async insights report for ${account} did not finish within ${Math.round(maxWaitMs / 60_000)} minutes (last status "${run.async_status}", ${run.async_percent_completion} %).`,
        details: { ad_account_id: account },
      });
    }
    delay = Math.min(maxPollMs, Math.round(delay * 1.5));
  }
}

/**
 * POST the query as a report run, poll until Meta says "Job Completed" at 100 %, then page the rows. A run
 * that fails or is skipped (expired) is submitted once more before giving up.
 */
async function asyncReport(
  transport: GraphTransport,
  account: string,
  params: Record<string, unknown>,
  onPage: (rows: InsightsRow[]) => void,
): Promise<void> {
  let runId = '';
  for (let submission = 1; ; submission++) {
    runId = await startReport(transport, account, params);
    const end = await waitForReport(transport, account, runId);
    if (end.ok) break;
    if (submission >= 2) throw end.error;
    transport.config.logger.warn('meta: async insights report did not complete; submitting it again', {
      ad_account_id: account,
      async_status: end.status,
    });
  }
  await eachPage(
    transport,
    {
      method: 'GET',
      path: `${runId}/insights`,
      params: { limit: params.limit },
      accountId: account,
      useCase: 'ads_insights',
    },
    insightsRowSchema,
    onPage,
  );
}
