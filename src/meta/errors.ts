import { AppError, type Verdict } from '../lib/errors.js';
import { redactString } from '../lib/redact.js';
import { safeUrl } from './safe-url.js';

/**
 * The one place Meta's error taxonomy is mapped onto AppError verdicts. Classification reads only
 * `code`, `error_subcode` and `is_transient`: Meta says its message text may change, and the HTTP status
 * of an error is not reliable (code 1 and 2 errors arrive as 400 or 500).
 */

/** Meta's error object, as found under `error` in a Graph response or a batch item body. */
export interface MetaErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id?: string;
  is_transient?: boolean;
  error_data?: unknown;
}

/** Where a failed call went, for messages and details. The path is stored without credentials. */
export interface MetaCallContext {
  method: string;
  path: string;
  httpStatus?: number;
  apiVersion?: string;
  accountId?: string;
  /** The Graph API base (META_GRAPH_URL), named when it cannot be reached. */
  graphUrl?: string;
}

export interface MetaClassification {
  verdict: Verdict;
  code: string;
  /** The sync request asks for too much: split it or run it as an async report. */
  tooMuchData: boolean;
}

const REAUTH_SUBCODE_CODES: Record<number, string> = {
  458: 'meta_app_not_installed',
  459: 'meta_user_checkpointed',
  460: 'meta_password_changed',
  463: 'meta_token_expired',
  464: 'meta_user_unconfirmed',
  467: 'meta_token_invalid',
  492: 'meta_session_invalid',
};

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function toStr(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Reads Meta's error object out of a response body (already parsed, or a JSON string as in batch items).
 * Returns null when the body carries no Meta error, so that the caller can tell "Meta said no" from
 * "something between us and Meta failed".
 */
export function parseMetaErrorBody(body: unknown): MetaErrorBody | null {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!value || typeof value !== 'object') return null;
  const err = (value as { error?: unknown }).error;
  if (!err || typeof err !== 'object' || Array.isArray(err)) return null;
  const e = err as Record<string, unknown>;
  const code = toInt(e.code);
  const message = toStr(e.message);
  if (code === undefined && message === undefined) return null;
  let errorData: unknown = e.error_data;
  if (typeof errorData === 'string') {
    try {
      errorData = JSON.parse(errorData);
    } catch {
      // Meta sometimes sends plain text here; keep it as text.
    }
  }
  const out: MetaErrorBody = {};
  if (message !== undefined) out.message = message;
  if (toStr(e.type)) out.type = toStr(e.type);
  if (code !== undefined) out.code = code;
  const sub = toInt(e.error_subcode);
  if (sub !== undefined) out.error_subcode = sub;
  if (toStr(e.error_user_title)) out.error_user_title = toStr(e.error_user_title);
  if (toStr(e.error_user_msg)) out.error_user_msg = toStr(e.error_user_msg);
  if (toStr(e.fbtrace_id)) out.fbtrace_id = toStr(e.fbtrace_id);
  if (typeof e.is_transient === 'boolean') out.is_transient = e.is_transient;
  else if (e.is_transient === 'true' || e.is_transient === 'false')
    out.is_transient = e.is_transient === 'true';
  if (errorData !== undefined) out.error_data = errorData;
  return out;
}

export function isThrottleCode(code: number | undefined): boolean {
  return (
    code === 4 ||
    code === 17 ||
    code === 32 ||
    code === 341 ||
    code === 613 ||
    (code !== undefined && code >= 80000 && code <= 80014)
  );
}

export function classifyMetaError(body: MetaErrorBody): MetaClassification {
  const code = body.code;
  const sub = body.error_subcode;
  const is = (verdict: Verdict, appCode: string, tooMuchData = false): MetaClassification => ({
    verdict,
    code: appCode,
    tooMuchData,
  });

  if (code === 190)
    return is('reauthenticate', (sub !== undefined && REAUTH_SUBCODE_CODES[sub]) || 'meta_token_invalid');
  if (code === 102) return is('reauthenticate', 'meta_session_invalid');
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) {
    return is('permission', code === 294 ? 'meta_ads_management_required' : 'meta_permission_denied');
  }
  if (isThrottleCode(code)) {
    return is('back_off', sub === 1487632 ? 'meta_budget_change_limit' : 'meta_rate_limited');
  }
  // A policy block must reach a person; looping on it can escalate the block.
  if (code === 368) return is('invalid', 'meta_policy_block');
  if (code === 2635) return is('invalid', 'meta_unsupported_version');
  // "Too much data" is not passing: the same request fails the same way. The insights reader turns it
  // into an async report instead.
  if ((code === 100 && sub === 1487534) || (code === 1 && sub === 99))
    return is('invalid', 'meta_too_much_data', true);
  if (body.is_transient === true) return is('retry', 'meta_transient');
  if (code === 1 || code === 2) return is('retry', 'meta_transient');
  if (code === 100 && sub === 33) return is('invalid', 'meta_object_not_found');
  if (code === 100 && sub === 1885621) return is('invalid', 'meta_budget_level_conflict');
  if (code === 104) return is('invalid', 'meta_bad_signature');
  return is('invalid', 'meta_invalid_request');
}

function codeLabel(body: MetaErrorBody): string {
  if (body.code === undefined) return 'no code';
  return body.error_subcode === undefined ? `code ${body.code}` : `code ${body.code}/${body.error_subcode}`;
}

function minutesText(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes <= 1 ? 'about a minute' : `about ${minutes} minutes`;
}

function baseMessage(
  c: MetaClassification,
  body: MetaErrorBody,
  ctx: MetaCallContext,
  retryAfterMs?: number,
): string {
  const label = codeLabel(body);
  switch (c.code) {
    case 'meta_token_expired':
      return 'The Meta access token has expired. Reconnect with `metabuyer connect` to issue a new one.';
    case 'meta_password_changed':
      return 'The Meta access token stopped working because the user changed their Facebook password. Reconnect with `metabuyer connect`.';
    case 'meta_app_not_installed':
      return 'The Meta user has removed the MetaBuyer app, so its token no longer works. Reconnect with `metabuyer connect`.';
    case 'meta_user_checkpointed':
    case 'meta_user_unconfirmed':
      return 'Meta has locked this Facebook user until they log in on facebook.com and clear the prompt there; then reconnect with `metabuyer connect`.';
    case 'meta_session_invalid':
    case 'meta_token_invalid':
      return `The Meta access token is invalid or has been revoked (${label}). Reconnect with \`metabuyer connect\`.`;
    case 'meta_ads_management_required':
      return `Meta refused the call: changing ads needs the ads_management permission and an app with Marketing API access (${label}). Grant it and reconnect; \`metabuyer doctor\` shows what is missing.`;
    case 'meta_permission_denied':
      return `Meta refused the call for lack of permission (${label}): the token needs ads_read to read and ads_management to change ads, and access to this ad account. \`metabuyer doctor\` shows what is missing.`;
    case 'meta_budget_change_limit':
      return `Meta allows 4 budget changes per ad set per hour, and this ad set has reached it (${label}). Try again in an hour.`;
    case 'meta_rate_limited':
      return `Meta is rate-limiting calls (${label}). MetaBuyer will wait${retryAfterMs ? ` ${minutesText(retryAfterMs)}` : ''} before calling again.`;
    case 'meta_policy_block':
      return `Meta has temporarily blocked this action for a policy reason (${label}). MetaBuyer will not retry it; a person should check the account in Ads Manager.`;
    case 'meta_unsupported_version':
      return `The configured Meta API version${ctx.apiVersion ? ` (${ctx.apiVersion})` : ''} is deprecated for this call (${label}). Set META_API_VERSION to a current version such as v26.0.`;
    case 'meta_too_much_data':
      return `Meta says the request asks for too much data at once (${label}); it has to be split or run as an async report.`;
    case 'meta_transient':
      return `Meta had a temporary problem (${label}); the call can be tried again.`;
    case 'meta_object_not_found':
      return `The Meta object does not exist or this token cannot see it (${label}).`;
    case 'meta_budget_level_conflict':
      return `Meta refused the budget: the campaign and its ad sets cannot both hold a budget (${label}).`;
    case 'meta_bad_signature':
      return `Meta rejected the request signature (${label}); check META_APP_SECRET, which signs calls with appsecret_proof.`;
    default:
      return `Meta rejected the request (${label})${body.message ? `: ${body.message}` : '.'}`;
  }
}

function blameFieldSpecs(errorData: unknown): string[][] {
  if (!errorData || typeof errorData !== 'object') return [];
  const specs = (errorData as { blame_field_specs?: unknown }).blame_field_specs;
  if (!Array.isArray(specs)) return [];
  return specs
    .map((s) =>
      Array.isArray(s)
        ? s.filter((x): x is string => typeof x === 'string')
        : typeof s === 'string'
          ? [s]
          : [],
    )
    .filter((s) => s.length > 0);
}

/** Minutes until Meta lets the caller back in, when the error itself says (some throttles do). */
function regainAccessMsFrom(errorData: unknown): number | undefined {
  if (!errorData || typeof errorData !== 'object') return undefined;
  const v = (errorData as { estimated_time_to_regain_access?: unknown }).estimated_time_to_regain_access;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n * 60_000 : undefined;
}

export class MetaApiError extends AppError {
  readonly metaCode: number | null;
  readonly metaSubcode: number | null;
  readonly metaType: string | null;
  readonly metaMessage: string | null;
  readonly fbtraceId: string | null;
  readonly userTitle: string | null;
  readonly userMessage: string | null;
  readonly isTransient: boolean;
  readonly blameFieldSpecs: string[][];
  readonly httpStatus: number | null;
  readonly method: string;
  readonly path: string;
  readonly tooMuchData: boolean;

  constructor(body: MetaErrorBody, ctx: MetaCallContext, retryAfterMs?: number) {
    const c = classifyMetaError(body);
    const after =
      retryAfterMs ?? (c.verdict === 'back_off' ? regainAccessMsFrom(body.error_data) : undefined);
    const path = safeUrl(ctx.path);
    const userText = [body.error_user_title, body.error_user_msg].filter(Boolean).join(': ');
    const message = redactString(
      userText
        ? `${baseMessage(c, body, ctx, after)} Meta says: "${userText}"`
        : baseMessage(c, body, ctx, after),
    );
    const details: Record<string, unknown> = {
      meta_code: body.code ?? null,
      meta_subcode: body.error_subcode ?? null,
      fbtrace_id: body.fbtrace_id ?? null,
      method: ctx.method,
      path,
    };
    if (body.type) details.meta_type = body.type;
    if (body.message) details.meta_message = redactString(body.message);
    if (ctx.httpStatus !== undefined) details.http_status = ctx.httpStatus;
    if (ctx.accountId) details.ad_account_id = ctx.accountId;
    const blame = blameFieldSpecs(body.error_data);
    if (blame.length) details.blame_field_specs = blame;
    super({
      code: c.code,
      verdict: c.verdict,
      message,
      details,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    });
    this.name = 'MetaApiError';
    this.metaCode = body.code ?? null;
    this.metaSubcode = body.error_subcode ?? null;
    this.metaType = body.type ?? null;
    this.metaMessage = body.message ? redactString(body.message) : null;
    this.fbtraceId = body.fbtrace_id ?? null;
    this.userTitle = body.error_user_title ?? null;
    this.userMessage = body.error_user_msg ?? null;
    this.isTransient = body.is_transient === true;
    this.blameFieldSpecs = blame;
    this.httpStatus = ctx.httpStatus ?? null;
    this.method = ctx.method;
    this.path = path;
    this.tooMuchData = c.tooMuchData;
  }
}

export type NetworkFailureKind = 'timeout' | 'refused' | 'reset' | 'dns' | 'other';

/**
 * No answer from Meta. `mayHaveReachedMeta` is false only when the connection was never made (refused,
 * DNS), which is the only case where a write is known not to have happened.
 */
export class MetaNetworkError extends AppError {
  readonly kind: NetworkFailureKind;
  readonly mayHaveReachedMeta: boolean;

  constructor(kind: NetworkFailureKind, ctx: MetaCallContext, cause?: unknown, systemCode?: string) {
    const path = safeUrl(ctx.path);
    const what =
      kind === 'timeout'
        ? 'Meta did not answer in time'
        : kind === 'refused'
          ? 'The connection to Meta was refused'
          : kind === 'dns'
            ? 'The Meta API host could not be resolved'
            : kind === 'reset'
              ? 'The connection to Meta was cut before an answer arrived'
              : 'The call to Meta failed on the network';
    // Refused or unresolvable: the address itself is the likely fault (a stopped simulator, a typo).
    const where =
      ctx.graphUrl && (kind === 'refused' || kind === 'dns')
        ? ` Nothing answers at ${safeUrl(ctx.graphUrl).replace(/\/+$/, '')}: check META_GRAPH_URL${
            /graph\.facebook\.com/.test(ctx.graphUrl) ? ' and the network' : ' (is the simulator running?)'
          }.`
        : '';
    super({
      code: kind === 'timeout' ? 'meta_timeout' : 'meta_network',
      verdict: 'retry',
      message: `${what} (${ctx.method} ${path}).${where}`,
      details: { method: ctx.method, path, kind, ...(systemCode ? { system_code: systemCode } : {}) },
      cause,
    });
    this.name = 'MetaNetworkError';
    this.kind = kind;
    this.mayHaveReachedMeta = kind !== 'refused' && kind !== 'dns';
  }
}

/** An HTTP error status with no Meta error in the body: a proxy, a load balancer or an outage answered. */
export class MetaHttpError extends AppError {
  readonly httpStatus: number;
  constructor(httpStatus: number, ctx: MetaCallContext) {
    const path = safeUrl(ctx.path);
    const verdict: Verdict = httpStatus === 429 ? 'back_off' : httpStatus >= 500 ? 'retry' : 'invalid';
    super({
      code: 'meta_http_error',
      verdict,
      message: `Meta answered HTTP ${httpStatus} without an error description (${ctx.method} ${path}).`,
      details: { method: ctx.method, path, http_status: httpStatus },
    });
    this.name = 'MetaHttpError';
    this.httpStatus = httpStatus;
  }
}

/** A 2xx response that is not the shape Meta documents: we cannot trust anything read from it. */
export class MetaBadResponseError extends AppError {
  constructor(ctx: MetaCallContext, problem: string) {
    const path = safeUrl(ctx.path);
    super({
      code: 'meta_bad_response',
      verdict: 'invalid',
      message: `Meta sent a response MetaBuyer cannot read (${ctx.method} ${path}): ${redactString(problem)}`,
      details: { method: ctx.method, path, problem: redactString(problem) },
    });
    this.name = 'MetaBadResponseError';
  }
}

/** The governor refused to call: Meta has throttled this account (or app) for longer than we will wait. */
export class MetaThrottledError extends AppError {
  readonly blockedUntil: Date;
  constructor(scope: { accountId: string; useCase: string }, blockedUntilMs: number, nowMs: number) {
    const waitMs = Math.max(0, blockedUntilMs - nowMs);
    const who = scope.accountId === '*' ? 'this Meta app' : `ad account ${scope.accountId}`;
    super({
      code: 'meta_throttled',
      verdict: 'back_off',
      message: `Meta has throttled ${who} (${scope.useCase}) until ${new Date(blockedUntilMs).toISOString()}; MetaBuyer is not calling until then (${minutesText(waitMs)}).`,
      details: {
        ad_account_id: scope.accountId,
        use_case: scope.useCase,
        blocked_until: new Date(blockedUntilMs).toISOString(),
      },
      retryAfterMs: waitMs,
    });
    this.name = 'MetaThrottledError';
    this.blockedUntil = new Date(blockedUntilMs);
  }
}

/**
 * A write whose outcome could not be seen: the request may have reached Meta (timeout, connection cut,
 * an error status without Meta's error body). It must be reconciled by reading live state, never
 * re-sent blindly. The write functions turn it into `{ outcome: 'unknown' }`; it is thrown only inside
 * this module.
 */
export class WriteOutcomeUnknownError extends AppError {
  readonly reason: 'timeout' | 'connection_lost' | 'no_meta_answer' | 'unreadable_answer';
  constructor(reason: WriteOutcomeUnknownError['reason'], ctx: MetaCallContext, cause: AppError) {
    const path = safeUrl(ctx.path);
    super({
      code: 'meta_write_outcome_unknown',
      // Not 'retry': sending the write again without reading live state first could apply it twice.
      verdict: 'invalid',
      message: `A change sent to Meta may or may not have been applied (${ctx.method} ${path}: ${cause.message}). Read the object's live state before doing anything else.`,
      details: { method: ctx.method, path, reason },
      cause,
    });
    this.name = 'WriteOutcomeUnknownError';
    this.reason = reason;
  }
}

export function isMetaApiError(e: unknown): e is MetaApiError {
  return e instanceof MetaApiError;
}

/** Why Meta refused to turn a login code (or a token) into a token, in words a person can act on. */
export type OAuthExchangeProblem =
  | 'code_used'
  | 'code_expired'
  | 'redirect_mismatch'
  | 'app_secret_invalid'
  | 'app_invalid'
  | 'token_unusable'
  | 'exchange_failed';

/**
 * Meta's answers at /oauth/access_token: 100/36009 a used code, 100/36007 an expired code, 100/36008 a
 * redirect_uri other than the dialog's, 1 a wrong client secret (Meta uses code 1 there, so it must not be
 * read as a passing fault), 101 an unknown app, 190 a token that cannot be exchanged (expired, revoked).
 */
export function oauthExchangeProblem(e: unknown): OAuthExchangeProblem {
  if (!(e instanceof MetaApiError)) return 'exchange_failed';
  const sub = e.metaSubcode;
  if (e.metaCode === 100 && sub === 36009) return 'code_used';
  if (e.metaCode === 100 && sub === 36007) return 'code_expired';
  if (e.metaCode === 100 && sub === 36008) return 'redirect_mismatch';
  if (e.metaCode === 1) return 'app_secret_invalid';
  if (e.metaCode === 101) return 'app_invalid';
  if (e.metaCode === 190) return 'token_unusable';
  return 'exchange_failed';
}
