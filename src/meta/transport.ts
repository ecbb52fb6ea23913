import http from 'node:http';
import https from 'node:https';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { appSecretProof } from '../lib/crypto.js';
import { AppError } from '../lib/errors.js';
import type { MetaConfig } from './config.js';
import {
  MetaApiError,
  MetaBadResponseError,
  type MetaCallContext,
  MetaHttpError,
  MetaNetworkError,
  type NetworkFailureKind,
  parseMetaErrorBody,
  WriteOutcomeUnknownError,
} from './errors.js';
import { type CallScope, throttledScopeFor, UsageGovernor } from './governor.js';
import { type CallKind, withRetries } from './retry.js';
import { SECRET_PARAMS, safeUrl } from './safe-url.js';
import { normalizeAccountId, type UsageReading } from './usage-headers.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';
/** Which credential a call carries: the connection's token, the app token (`id|secret`), or none (OAuth). */
export type AuthMode = 'user' | 'app' | 'none';

export interface GraphRequest {
  method: HttpMethod;
  /**
   * A Graph path without the version (`act_1/insights`, `me/permissions`; `''` for the batch endpoint),
   * or a complete `paging.next` URL from Meta.
   */
  path: string;
  params?: Record<string, unknown>;
  /** Defaults to read for GET, write otherwise. Decides what may be retried. */
  kind?: CallKind;
  /** The ad account whose call budget this spends, for the governor. */
  accountId?: string;
  /** Defaults to ads_management. */
  useCase?: string;
  auth?: AuthMode;
  /** Overrides the configured token (identity checks on a token not yet stored). */
  accessToken?: string;
  /** False when a timeout should come back at once (the insights reader switches to async instead). */
  retryTimeouts?: boolean;
}

export interface GraphResponse {
  status: number;
  data: unknown;
  headers: Record<string, string>;
}

/** Every Graph parameter is a string on the wire; lists and objects go as JSON, as Meta expects. */
export function encodeParams(params: Record<string, unknown>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    out.append(
      k,
      typeof v === 'string'
        ? v
        : typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : JSON.stringify(v),
    );
  }
  return out;
}

function networkKind(code: string | undefined): NetworkFailureKind {
  switch (code) {
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
    case 'ESOCKETTIMEDOUT':
      return 'timeout';
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return 'reset';
    default:
      return 'other';
  }
}

function flattenHeaders(h: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (typeof v === 'string') out[k.toLowerCase()] = v;
    else if (Array.isArray(v)) out[k.toLowerCase()] = v.join(', ');
    else if (typeof v === 'number') out[k.toLowerCase()] = String(v);
  }
  return out;
}

/**
 * The one way MetaBuyer talks HTTP to the Graph API: builds versioned URLs, signs every call with
 * appsecret_proof, runs each attempt past the usage governor, classifies failures, and retries only what
 * is safe to retry. Credentials go only to the configured Graph host: a `paging.next` URL is re-based on
 * it, with Meta's echo of our token replaced by our own.
 */
export class GraphTransport {
  readonly config: MetaConfig;
  readonly governor: UsageGovernor;
  /** axios, loaded on the first call: a command that never calls Meta never pays for importing it. */
  private http: Promise<AxiosInstance> | undefined;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private sent = 0;
  private metaDateMs: number | undefined;

  constructor(config: MetaConfig) {
    this.config = config;
    this.governor = new UsageGovernor({
      store: config.usageStore,
      clock: config.clock,
      sleep: config.sleep,
      policy: config.governor,
      logger: config.logger,
      maxWaitMs: config.retry.maxBackOffWaitMs,
    });
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
      https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
    };
  }

  private client(): Promise<AxiosInstance> {
    this.http ??= import('axios').then(({ default: axios }) =>
      axios.create({
        timeout: this.config.timeoutMs,
        // Every status comes back as a response; classification is ours, from Meta's error body.
        validateStatus: () => true,
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
        transitional: { clarifyTimeoutError: true, silentJSONParsing: false, forcedJSONParsing: false },
        httpAgent: this.agents.http,
        httpsAgent: this.agents.https,
        maxContentLength: Number.POSITIVE_INFINITY,
        maxBodyLength: Number.POSITIVE_INFINITY,
        maxRedirects: 0,
        headers: { 'User-Agent': 'metabuyer-meta-client' },
      }),
    );
    return this.http;
  }

  /**
   * Meta's clock: the Date header of its latest answer. Meta's data lives on Meta's clock (its "today"
   * and "yesterday" in the account's time zone), which need not be ours.
   */
  get metaNow(): Date | undefined {
    return this.metaDateMs === undefined ? undefined : new Date(this.metaDateMs);
  }

  /** HTTP calls sent so far (each retry counts). */
  get callsSent(): number {
    return this.sent;
  }

  get versionRoot(): string {
    return `${this.config.graphUrl}/${this.config.apiVersion}/`;
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Splits a request into the URL to call and its parameters, with credentials attached. */
  private prepare(req: GraphRequest): { url: string; params: Record<string, unknown>; display: string } {
    let path = req.path;
    const params: Record<string, unknown> = {};
    if (/^https?:\/\//i.test(path)) {
      const next = new URL(path);
      for (const [k, v] of next.searchParams) if (!SECRET_PARAMS.includes(k)) params[k] = v;
      // Meta's next URL names its own host and version; the call goes to ours.
      const m = /^\/v\d+\.\d+\/(.*)$/.exec(next.pathname);
      path = decodeURIComponent(m ? (m[1] ?? '') : next.pathname.replace(/^\//, ''));
    } else {
      path = path.replace(/^\//, '');
    }
    Object.assign(params, req.params);
    const auth = req.auth ?? 'user';
    const { appId, appSecret } = this.config;
    if (auth !== 'none') {
      let token = req.accessToken ?? this.config.accessToken;
      if (auth === 'app') {
        if (!appId || !appSecret) {
          throw new AppError({
            code: 'config_missing',
            verdict: 'invalid',
            message: 'This call needs the Meta app id and secret (META_APP_ID, META_APP_SECRET).',
          });
        }
        token = `${appId}|${appSecret}`;
      }
      params.access_token = token;
      if (appSecret) params.appsecret_proof = appSecretProof(token, appSecret);
    }
    const url = `${this.versionRoot}${path.split('/').map(encodeURIComponent).join('/')}`;
    return { url, params, display: safeUrl(`/${this.config.apiVersion}/${path}`) };
  }

  async request(req: GraphRequest): Promise<GraphResponse> {
    const kind: CallKind = req.kind ?? (req.method === 'GET' ? 'read' : 'write');
    const { url, params, display } = this.prepare(req);
    const scope: CallScope = { accountId: req.accountId, useCase: req.useCase ?? 'ads_management' };
    const ctx: MetaCallContext = {
      method: req.method,
      path: display,
      apiVersion: this.config.apiVersion,
      graphUrl: this.config.graphUrl,
      ...(req.accountId ? { accountId: req.accountId } : {}),
    };
    return withRetries((attempt) => this.attempt(req.method, kind, url, params, scope, ctx, attempt), {
      kind,
      policy: this.config.retry,
      sleep: this.config.sleep,
      random: this.config.random,
      logger: this.config.logger,
      describe: `${req.method} ${display}`,
      retryTimeouts: req.retryTimeouts ?? true,
      onBackOff: (err, attempt) =>
        this.governor.onThrottled(
          err instanceof MetaApiError ? err.metaCode : null,
          err.retryAfterMs,
          scope,
          attempt,
        ),
    });
  }

  private async attempt(
    method: HttpMethod,
    kind: CallKind,
    url: string,
    params: Record<string, unknown>,
    scope: CallScope,
    ctx: MetaCallContext,
    attempt: number,
  ): Promise<GraphResponse> {
    await this.governor.beforeCall(scope);
    const encoded = encodeParams(params).toString();
    const started = Date.now();
    let res: AxiosResponse<string>;
    const http = await this.client();
    this.sent++;
    try {
      res =
        method === 'GET'
          ? await http.request({ method, url: encoded ? `${url}?${encoded}` : url })
          : await http.request({
              method,
              url,
              data: encoded,
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            });
    } catch (e) {
      const code = (e as { code?: string }).code;
      const err = new MetaNetworkError(networkKind(code), ctx, undefined, code);
      this.config.logger.warn('meta: call failed on the network', {
        method,
        path: ctx.path,
        attempt,
        kind: err.kind,
        ms: Date.now() - started,
      });
      if (kind === 'write' && err.mayHaveReachedMeta) {
        throw new WriteOutcomeUnknownError(err.kind === 'timeout' ? 'timeout' : 'connection_lost', ctx, err);
      }
      throw err;
    }
    const headers = flattenHeaders(res.headers);
    const dated = headers.date ? Date.parse(headers.date) : Number.NaN;
    if (Number.isFinite(dated)) this.metaDateMs = dated;
    const readings = await this.governor.observe(headers, scope.accountId);
    const status = res.status;
    this.config.logger.debug('meta: call', {
      method,
      path: ctx.path,
      status,
      attempt,
      ms: Date.now() - started,
    });

    let data: unknown;
    let unreadable = false;
    try {
      data = typeof res.data === 'string' && res.data.length > 0 ? JSON.parse(res.data) : res.data;
    } catch {
      unreadable = true;
    }
    const metaError = unreadable ? null : parseMetaErrorBody(data);
    const callCtx = { ...ctx, httpStatus: status };
    if (metaError) {
      const err = new MetaApiError(metaError, callCtx, regainAccessFor(metaError.code, scope, readings));
      this.config.logger.warn('meta: error', {
        method,
        path: ctx.path,
        status,
        code: err.code,
        meta_code: err.metaCode,
        meta_subcode: err.metaSubcode,
        fbtrace_id: err.fbtraceId,
        verdict: err.verdict,
      });
      throw err;
    }
    if (status < 200 || status >= 300) {
      const err = new MetaHttpError(status, callCtx);
      // An outage answer (5xx) may come after Meta applied the change; a 4xx from a gateway did not.
      if (kind === 'write' && status >= 500)
        throw new WriteOutcomeUnknownError('no_meta_answer', callCtx, err);
      throw err;
    }
    if (unreadable || data === undefined || data === '') {
      const err = new MetaBadResponseError(callCtx, 'the body is not JSON');
      if (kind === 'write') throw new WriteOutcomeUnknownError('unreadable_answer', callCtx, err);
      throw err;
    }
    return { status, data, headers };
  }
}

/**
 * Meta's estimate of when a throttle ends, from the usage headers of the very response that was
 * throttled: the use case the code names (X-Business-Use-Case-Usage estimated_time_to_regain_access),
 * else the call's own use case, else the longest wait any header gives for the account
 * (X-Ad-Account-Usage reset_time_duration at 100 % for 17 and 613). X-App-Usage carries no time: code 4
 * falls back to exponential backoff in the governor.
 */
function regainAccessFor(
  code: number | undefined,
  scope: CallScope,
  readings: UsageReading[],
): number | undefined {
  const timed = readings.filter((r) => r.regainAccessMs !== undefined);
  if (!timed.length) return undefined;
  const named = throttledScopeFor(code, scope);
  const own = scope.accountId ? normalizeAccountId(scope.accountId) : named.accountId;
  for (const target of [named, { accountId: own, useCase: scope.useCase }]) {
    const exact = timed.find((r) => r.accountId === target.accountId && r.useCase === target.useCase);
    if (exact) return exact.regainAccessMs;
  }
  const sameAccount = timed.filter((r) => r.accountId === own || r.accountId === named.accountId);
  return sameAccount.length ? Math.max(...sameAccount.map((r) => r.regainAccessMs!)) : undefined;
}
