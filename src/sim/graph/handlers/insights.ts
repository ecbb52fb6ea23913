/**
 * Insights, synchronous and async.
 *
 * GET {node}/insights answers at once, paged. A result over `syncInsightsRowLimit` rows fails with
 * Meta's "reduce the amount of data" error (code 1, subcode 99), which is Meta's cue to go async.
 *
 * POST {node}/insights validates the same parameters, then creates an AdReportRun and answers
 * {"report_run_id"}. Each GET of the run advances it one step: "Job Not Started" (0 %), then
 * "Job Running" with a growing percentage, then "Job Completed" (100 %) on poll number
 * `reportPollsToComplete` (3 by default). A run queued to fail (POST /__sim/report-failures) ends as
 * "Job Failed" instead, with error_code / error_message / … on v25.0 and later (not on v24.0), as Meta
 * added those fields in v25. GET {run}/insights before completion is Meta's 2601/1815107 error.
 * Runs expire after 30 days, as Meta's do.
 */
import { type InsightsResult, runInsights, type ScopeObject } from '../../insights/engine.js';
import { parseInsightsQuery } from '../../insights/query.js';
import { queryWindow, renderInsightsRow } from '../../insights/render.js';
import type { ReportRun } from '../../model/state.js';
import { accountOf } from '../../model/types.js';
import type { GraphResult } from '../context.js';
import { errors } from '../errors.js';
import { parseFields } from '../fields.js';
import { pagedList } from '../paging.js';
import { asString, validateParams } from '../params.js';
import { NODE_TYPE } from '../render-objects.js';
import { findApi, nodeSpec } from '../spec.js';
import { type Call, ok } from './call.js';

const REPORT_DEFAULT_FIELDS = [
  'id',
  'account_id',
  'time_ref',
  'async_status',
  'async_percent_completion',
  'is_running',
  'date_start',
  'date_stop',
  // present only on a failed run, from v25.0 on
  'error_code',
  'error_subcode',
  'error_message',
  'error_user_title',
  'error_user_msg',
];
const REPORT_TTL_MS = 30 * 86_400_000;

function query(call: Call, scope: ScopeObject, method: 'GET' | 'POST') {
  const api = findApi(NODE_TYPE[scope.kind], method, 'insights');
  if (api) validateParams(api, call.req.params, false);
  const account = accountOf(scope);
  const state = call.sim.state;
  return parseInsightsQuery(call.req.params, scope.kind, state.today(account), account.delivery.earliestDay);
}

function result(call: Call, scope: ScopeObject, q: ReturnType<typeof parseInsightsQuery>): InsightsResult {
  const state = call.sim.state;
  const { fields: _fields, windows: _windows, ...shape } = q;
  const key = `${scope.id}|${state.version}|${JSON.stringify(shape)}`;
  const cached = call.sim.insightsCache.get(key, () =>
    runInsights(scope, accountOf(scope), q, state.nowMs()),
  );
  // The cached rows are shared; the fields and windows to render are this request's own.
  return { ...cached, query: q };
}

function respond(call: Call, r: InsightsResult): GraphResult {
  return ok(pagedList(call.req, call.sim.settings, r.count, (i) => renderInsightsRow(r, i)));
}

export function insightsGet(call: Call, scope: ScopeObject): GraphResult {
  const r = result(call, scope, query(call, scope, 'GET'));
  if (r.count > call.sim.settings.syncInsightsRowLimit) throw errors.tooMuchData();
  return respond(call, r);
}

export function insightsPost(call: Call, scope: ScopeObject): GraphResult {
  const q = query(call, scope, 'POST');
  const state = call.sim.state;
  const run: ReportRun = {
    kind: 'report_run',
    id: state.newId('6023'),
    account: accountOf(scope),
    scope,
    query: q,
    createdMs: state.nowMs(),
    pollsToComplete: Math.max(1, call.sim.settings.reportPollsToComplete),
    polls: 0,
    completedMs: undefined,
    failure: call.sim.reportFailures.shift(),
  };
  state.objects.set(run.id, run);
  return ok({ report_run_id: run.id });
}

export function reportRunExpired(run: ReportRun, nowMs: number): boolean {
  return nowMs - run.createdMs > REPORT_TTL_MS;
}

function progress(run: ReportRun): { status: string; percent: number } {
  if (run.polls >= run.pollsToComplete) {
    return run.failure ? { status: 'Job Failed', percent: 0 } : { status: 'Job Completed', percent: 100 };
  }
  if (run.polls <= 1) return { status: 'Job Not Started', percent: 0 };
  return { status: 'Job Running', percent: Math.floor((100 * (run.polls - 1)) / (run.pollsToComplete - 1)) };
}

function versionAtLeast(version: string | undefined, major: number): boolean {
  return version === undefined || Number(version.slice(1).split('.')[0]) >= major;
}

export function reportRunGet(call: Call, run: ReportRun): GraphResult {
  const state = call.sim.state;
  run.polls++;
  const { status, percent } = progress(run);
  if (run.polls >= run.pollsToComplete && run.completedMs === undefined) run.completedMs = state.nowMs();
  const failed = status === 'Job Failed';
  const values: Record<string, unknown> = {
    id: run.id,
    account_id: run.account.digits,
    time_ref: Math.floor(run.createdMs / 1000),
    time_completed: run.completedMs === undefined ? undefined : Math.floor(run.completedMs / 1000),
    async_status: status,
    async_percent_completion: percent,
    is_running: status === 'Job Not Started' || status === 'Job Running',
    is_async_export: 0,
    is_bookmarked: false,
    ...queryWindow(run),
  };
  if (failed && run.failure && versionAtLeast(call.req.version, 25)) {
    Object.assign(values, {
      error_code: run.failure.error_code,
      error_subcode: run.failure.error_subcode,
      error_message: run.failure.error_message,
      error_user_title: run.failure.error_user_title,
      error_user_msg: run.failure.error_user_msg,
    });
  }
  const text = asString(call.req.params.fields);
  let names = REPORT_DEFAULT_FIELDS;
  if (text) {
    names = parseFields(text).map((f) => f.name);
    const known = nodeSpec('AdReportRun').fields;
    const unknown = names.find((n) => !known.has(n));
    if (unknown) throw errors.nonexistingField(unknown, 'AdReportRun');
  }
  const body: Record<string, unknown> = {};
  for (const n of names) if (values[n] !== undefined) body[n] = values[n];
  if (!('id' in body)) body.id = run.id;
  return ok(body);
}

export function reportRunInsights(call: Call, run: ReportRun): GraphResult {
  if (progress(run).status !== 'Job Completed') throw errors.reportNotReady();
  return respond(call, result(call, run.scope, run.query));
}
