/**
 * One Graph call, start to finish, for a plain HTTP request and for each batch item alike:
 * version → injected fault → token → route → rate limit → handler → usage headers → call log.
 *
 * Faults (see faults.ts for matching):
 * - with `error` and/or `status`: the call fails that way (after `delay_ms`, if given) and changes nothing;
 * - with only `delay_ms`: the call is slow but succeeds; inside a batch, the item times out instead and
 *   comes back `null` (the batch itself does not wait);
 * - with nothing but the path: HTTP 500, code 2, is_transient (an unexpected error);
 * - `apply_then_fail`: the call runs for real (the write takes effect), then answers the fault's error
 *   after `delay_ms`; with no error and no status the answer is a timeout: the connection is held
 *   `delay_ms` then dropped without a response (a batch item comes back `null`). If the call itself fails
 *   (a rule refuses the write), that real error is the answer and nothing was applied.
 * Calls stopped by a fault before running do not count toward rate limits.
 */

import { authenticate } from './auth.js';
import type { CallEntry } from './call-log.js';
import type { GraphRequest, GraphResult, Sim } from './context.js';
import { errors, GraphError, type MetaError } from './errors.js';
import type { Fault } from './faults.js';
import { runBatch } from './handlers/batch.js';
import { isUnauthenticated, resolveRoute } from './router.js';
import type { UseCase } from './usage.js';

export const SUPPORTED_VERSIONS = ['v24.0', 'v25.0', 'v26.0'];
export const LATEST_VERSION = 'v26.0';

export interface Outcome {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** No response: the connection is dropped after holdMs (a batch item becomes null). */
  timedOut: boolean;
  holdMs: number;
}

export type Wait = (ms: number) => Promise<void>;

function checkVersion(version: string | undefined): void {
  if (version === undefined || SUPPORTED_VERSIONS.includes(version)) return;
  const major = Number(/^v(\d+)\./.exec(version)?.[1] ?? 'NaN');
  if (major <= 23) throw errors.deprecatedVersion(LATEST_VERSION);
  throw errors.unknownPath(`/${version}`);
}

function faultError(f: Fault): GraphError {
  if (!f.error) return errors.unknownError(f.status ?? 500);
  const e: MetaError = {
    message: f.error.message,
    type: f.error.type ?? 'OAuthException',
    code: f.error.code,
  };
  if (f.error.error_subcode !== undefined) e.error_subcode = f.error.error_subcode;
  if (f.error.is_transient !== undefined) e.is_transient = f.error.is_transient;
  if (f.error.error_user_title !== undefined) e.error_user_title = f.error.error_user_title;
  if (f.error.error_user_msg !== undefined) e.error_user_msg = f.error.error_user_msg;
  return new GraphError(e, f.status ?? (f.error.code === 1 || f.error.code === 2 ? 500 : 400));
}

/** Meta's throttle codes (reference §5): app 4, account 17 and 613, pages 32, the BUC range 80000–80014. */
function isThrottleCode(code: number): boolean {
  return code === 4 || code === 17 || code === 32 || code === 613 || (code >= 80000 && code <= 80014);
}

/** The budget a throttle code exhausted: the one it names, else the one the path spends. */
function useCaseOfThrottle(code: number, path: string): UseCase {
  if (code === 80000) return 'ads_insights';
  if (code === 80004) return 'ads_management';
  return /\/insights$/.test(path) ? 'ads_insights' : 'ads_management';
}

class TimedOut {
  constructor(readonly holdMs: number) {}
}

function throttleError(sim: Sim, useCase: string): GraphError {
  if (sim.usage.limits.throttleStyle === 'legacy') return errors.throttledLegacy();
  return useCase === 'ads_insights' ? errors.throttledInsights() : errors.throttledManagement();
}

async function handle(
  sim: Sim,
  req: GraphRequest,
  seq: number,
  wait: Wait,
  setAccount: (a: string) => void,
  setFault: (f: Fault) => void,
): Promise<GraphResult> {
  checkVersion(req.version);
  const fault = sim.faults.take(req.method, req.path);
  if (fault) setFault(fault);
  const inBatch = req.inBatch !== undefined;
  if (fault && !fault.applyThenFail) {
    const failing = fault.error !== undefined || fault.status !== undefined;
    if (fault.delayMs > 0 && !failing) {
      if (inBatch) throw new TimedOut(0);
      await wait(fault.delayMs);
    } else {
      if (fault.delayMs > 0) await wait(fault.delayMs);
      throw faultError(fault);
    }
  }
  if (req.path === '/' && req.method === 'POST' && req.params.batch !== undefined) {
    return runBatch(req, seq, (item) => dispatch(sim, item, wait));
  }
  const caller = isUnauthenticated(req.path)
    ? { token: undefined, isApp: false }
    : authenticate(req.params, sim.state);
  const route = resolveRoute(sim, req, caller);
  if (route.account) setAccount(route.account.digits);
  if (sim.usage.record(route.account?.digits, route.useCase, sim.state.nowMs())) {
    throw throttleError(sim, route.useCase ?? 'ads_management');
  }
  const result = await route.run();
  if (fault?.applyThenFail) {
    if (fault.error !== undefined || fault.status !== undefined) {
      if (fault.delayMs > 0) await wait(fault.delayMs);
      throw faultError(fault);
    }
    throw new TimedOut(inBatch ? 0 : fault.delayMs);
  }
  return result;
}

export async function dispatch(sim: Sim, req: GraphRequest, wait: Wait): Promise<Outcome> {
  const seq = sim.log.nextSeq();
  let account: string | undefined;
  let fault: Fault | undefined;
  let outcome: Outcome;
  try {
    const result = await handle(
      sim,
      req,
      seq,
      wait,
      (a) => {
        account = a;
      },
      (f) => {
        fault = f;
      },
    );
    outcome = { status: result.status, body: result.body, headers: {}, timedOut: false, holdMs: 0 };
  } catch (e) {
    if (e instanceof TimedOut) {
      outcome = { status: 0, body: null, headers: {}, timedOut: true, holdMs: e.holdMs };
    } else if (e instanceof GraphError) {
      outcome = { status: e.status, body: e.body(), headers: {}, timedOut: false, holdMs: 0 };
    } else {
      throw e;
    }
  }
  const error = (outcome.body as { error?: MetaError } | null)?.error;
  const injectedThrottle = fault?.error && error && isThrottleCode(error.code) ? error.code : undefined;
  outcome.headers = {
    'content-type': 'application/json; charset=UTF-8',
    'facebook-api-version': req.version ?? LATEST_VERSION,
    'x-fb-trace-id': error?.fbtrace_id ?? `sim${seq}`,
    ...(injectedThrottle === undefined
      ? sim.usage.headers(account, sim.state.nowMs())
      : sim.usage.throttledHeaders(
          account ?? /^\/act_(\d+)/.exec(req.path)?.[1],
          sim.state.nowMs(),
          injectedThrottle,
          useCaseOfThrottle(injectedThrottle, req.path),
          fault?.spec.regain_minutes ?? 1,
        )),
  };
  if (error?.code === 190 || error?.code === 104) {
    outcome.headers['www-authenticate'] =
      `OAuth "Facebook Platform" "invalid_token" "${error.message.replace(/"/g, "'")}"`;
  }
  const entry: CallEntry = {
    seq,
    method: req.method,
    path: req.path,
    version: req.version ?? null,
    query: Object.fromEntries(req.query),
    body: req.body ?? null,
    status: outcome.timedOut ? null : outcome.status,
    error_code: error?.code ?? null,
    error_subcode: error?.error_subcode ?? null,
  };
  if (req.inBatch !== undefined) entry.in_batch = req.inBatch;
  if (outcome.timedOut) entry.timed_out = true;
  sim.log.add(entry);
  return outcome;
}
