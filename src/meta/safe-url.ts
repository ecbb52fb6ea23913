import { REDACTED, redactString } from '../lib/redact.js';

/**
 * Query and form parameters that carry credentials. Meta repeats every request parameter in
 * `paging.next`, access_token included, so any URL that came from Meta is treated as secret-bearing.
 */
export const SECRET_PARAMS: readonly string[] = [
  'access_token',
  'appsecret_proof',
  'client_secret',
  'fb_exchange_token',
  'input_token',
  'code',
];

const SECRET_SET = new Set(SECRET_PARAMS);

/** A URL (absolute or a relative Graph path) with every credential parameter removed, fit for logs and errors. */
export function safeUrl(url: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://relative.invalid');
  } catch {
    return redactString(url);
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_SET.has(name)) parsed.searchParams.delete(name);
  }
  const text = absolute
    ? parsed.toString()
    : `${parsed.pathname}${parsed.search}`.replace(/^\//, url.startsWith('/') ? '/' : '');
  // The shape-based redactor is a second net for tokens in places no parameter name announces.
  return redactString(text);
}

/** A copy of request parameters without credentials, for logs, errors and unknown-outcome records. */
export function safeParams(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    out[k] = SECRET_SET.has(k) ? REDACTED : typeof v === 'string' ? redactString(v) : v;
  }
  return out;
}
