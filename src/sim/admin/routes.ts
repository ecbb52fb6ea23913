/**
 * The admin API under /__sim/ (contract in ../shared/ARCHITECTURE.md, extensions in README.md). Every
 * body is validated with zod; a bad one is a 400 with the problems listed and changes nothing.
 */
import type { z } from 'zod';
import { loginUserFor } from '../login/session.js';
import type { GraphObject } from '../model/state.js';
import type { SimRuntime } from '../runtime.js';
import { parseRfc3339 } from '../time/rfc3339.js';
import { automaticAdjustment, mutate, objectView } from './objects.js';
import {
  automaticBody,
  clockBody,
  faultBody,
  limitsBody,
  loginBody,
  mutateBody,
  reportFailuresBody,
  revokeBody,
} from './schemas.js';

export interface AdminResponse {
  status: number;
  body: unknown;
}

const HOUR_MS = 3_600_000;

function invalid(message: string, issues?: z.core.$ZodIssue[]): AdminResponse {
  return {
    status: 400,
    body: {
      error: {
        message,
        ...(issues ? { issues: issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } : {}),
      },
    },
  };
}

function parse<T extends z.ZodType>(
  schema: T,
  body: unknown,
): { ok: true; value: z.output<T> } | { ok: false; response: AdminResponse } {
  const r = schema.safeParse(body ?? {});
  return r.success
    ? { ok: true, value: r.data }
    : { ok: false, response: invalid('invalid request body', r.error.issues) };
}

function limitsView(rt: SimRuntime): Record<string, unknown> {
  const { settings, usage } = rt.sim;
  return {
    calls_per_hour: usage.limits.callsPerHour,
    per_account: Object.fromEntries(usage.limits.perAccount),
    app_calls_per_hour: usage.limits.appCallsPerHour,
    throttle_style: usage.limits.throttleStyle,
    report_polls_to_complete: settings.reportPollsToComplete,
    default_page_size: settings.defaultPageSize,
    max_page_size: settings.maxPageSize,
    sync_insights_row_limit: settings.syncInsightsRowLimit,
    latency_ms: settings.latencyMs,
  };
}

function loginView(rt: SimRuntime): Record<string, unknown> {
  const l = rt.sim.state.login;
  return {
    user_id: l.userId,
    name: l.name,
    ad_accounts: l.adAccounts ?? null,
    declined_scopes: l.declinedScopes,
  };
}

export function handleAdmin(rt: SimRuntime, method: string, url: URL, body: unknown): AdminResponse {
  const path = url.pathname.replace(/\/+$/, '');
  const sim = rt.sim;
  const route = `${method} ${path}`;

  if (route === 'GET /__sim/health') return { status: 200, body: { ok: true } };
  if (route === 'GET /__sim/calls') {
    const since = Number(url.searchParams.get('since') ?? 0);
    return { status: 200, body: { calls: sim.log.list(Number.isFinite(since) ? since : 0) } };
  }
  if (route === 'POST /__sim/reset') {
    rt.reset();
    return { status: 200, body: { ok: true, now: rt.sim.state.clock.now().toISOString() } };
  }
  if (route === 'POST /__sim/faults') {
    const p = parse(faultBody, body);
    if (!p.ok) return p.response;
    const fault = sim.faults.add(p.value);
    return { status: 200, body: { fault: { ...p.value, id: fault.id, remaining: fault.remaining } } };
  }
  if (route === 'GET /__sim/faults') return { status: 200, body: { faults: sim.faults.list() } };
  if (route === 'DELETE /__sim/faults') {
    sim.faults.clear();
    return { status: 200, body: { ok: true } };
  }
  if (route === 'POST /__sim/mutate') {
    const p = parse(mutateBody, body);
    if (!p.ok) return p.response;
    const problem = mutate(sim.state, p.value);
    if (problem) return invalid(problem);
    return { status: 200, body: { object: objectView(sim.state.objects.get(p.value.id) as GraphObject) } };
  }
  if (route === 'POST /__sim/automatic-adjustments') {
    const p = parse(automaticBody, body);
    if (!p.ok) return p.response;
    const problem = automaticAdjustment(sim.state, p.value);
    if (problem) return invalid(problem);
    return { status: 200, body: { object: objectView(sim.state.objects.get(p.value.id) as GraphObject) } };
  }
  if (method === 'GET' && path.startsWith('/__sim/objects/')) {
    const id = decodeURIComponent(path.slice('/__sim/objects/'.length));
    const o = sim.state.objects.get(id) ?? sim.state.objects.get(`act_${id}`);
    if (!o) return { status: 404, body: { error: { message: `no object with id ${id}` } } };
    return { status: 200, body: objectView(o) };
  }
  if (route === 'GET /__sim/clock')
    return { status: 200, body: { now: sim.state.clock.now().toISOString() } };
  if (route === 'POST /__sim/clock') {
    const p = parse(clockBody, body);
    if (!p.ok) return p.response;
    if ('now' in p.value) sim.state.clock.set(parseRfc3339(p.value.now) as number);
    else sim.state.clock.advance(p.value.advance_hours * HOUR_MS);
    sim.state.touched();
    return { status: 200, body: { now: sim.state.clock.now().toISOString() } };
  }
  if (route === 'GET /__sim/limits') return { status: 200, body: limitsView(rt) };
  if (route === 'POST /__sim/limits') {
    const p = parse(limitsBody, body);
    if (!p.ok) return p.response;
    const v = p.value;
    const limits = sim.usage.limits;
    if (v.calls_per_hour !== undefined) {
      if (v.account_id === undefined) limits.callsPerHour = v.calls_per_hour;
      else {
        for (const useCase of v.use_case ? [v.use_case] : ['ads_management', 'ads_insights']) {
          limits.perAccount.set(`${v.account_id}:${useCase}`, v.calls_per_hour);
        }
      }
    }
    if (v.app_calls_per_hour !== undefined) limits.appCallsPerHour = v.app_calls_per_hour;
    if (v.throttle_style !== undefined) limits.throttleStyle = v.throttle_style;
    const s = sim.settings;
    if (v.report_polls_to_complete !== undefined) s.reportPollsToComplete = v.report_polls_to_complete;
    if (v.default_page_size !== undefined) s.defaultPageSize = v.default_page_size;
    if (v.max_page_size !== undefined) s.maxPageSize = v.max_page_size;
    if (v.sync_insights_row_limit !== undefined) s.syncInsightsRowLimit = v.sync_insights_row_limit;
    if (v.latency_ms !== undefined) s.latencyMs = v.latency_ms;
    return { status: 200, body: limitsView(rt) };
  }
  if (route === 'GET /__sim/login') return { status: 200, body: { login: loginView(rt) } };
  if (route === 'POST /__sim/login') {
    const p = parse(loginBody, body);
    if (!p.ok) return p.response;
    sim.state.login = loginUserFor(sim.state.scenario, p.value.user_id, {
      name: p.value.name,
      adAccounts: p.value.ad_accounts,
      declinedScopes: p.value.declined_scopes,
    });
    return { status: 200, body: { login: loginView(rt) } };
  }
  if (route === 'POST /__sim/revoke') {
    const p = parse(revokeBody, body);
    if (!p.ok) return p.response;
    let revoked = 0;
    for (const t of sim.state.tokens.values()) {
      const match = 'token' in p.value ? t.token === p.value.token : t.userId === p.value.user_id;
      if (match && t.valid) {
        t.valid = false;
        revoked++;
      }
    }
    return { status: 200, body: { revoked } };
  }
  if (route === 'POST /__sim/report-failures') {
    const p = parse(reportFailuresBody, body);
    if (!p.ok) return p.response;
    const { count, ...failure } = p.value;
    for (let i = 0; i < count; i++) sim.reportFailures.push({ ...failure });
    return { status: 200, body: { queued: sim.reportFailures.length } };
  }
  return { status: 404, body: { error: { message: `no admin endpoint ${method} ${path}` } } };
}
