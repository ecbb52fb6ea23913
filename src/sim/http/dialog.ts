/**
 * The simulated Facebook Login dialog (`GET /<version>/dialog/oauth`, also unversioned), as Meta's manual
 * login flow describes it: an HTML page naming who is logged in, the app, and the permissions asked, with
 * Continue (→ redirect_uri?code=…&state=…) and Cancel (→ redirect_uri?error=access_denied&
 * error_reason=user_denied&error_description=…&state=…). Like Meta, both redirects end in `#_=_`.
 * A bad client_id, a missing or non-http(s) redirect_uri, or a response_type other than `code` get an
 * error page and no redirect (Meta never redirects to an address it cannot trust).
 *
 * The buttons post the form back to `/dialog/oauth/confirm` or `/dialog/oauth/cancel`; the code is minted
 * only when Continue is pressed. These pages are not Graph calls: they are not in GET /__sim/calls.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CODE_TTL_MS, newCode, parseScopes } from '../login/session.js';
import type { SimRuntime } from '../runtime.js';

const DIALOG_PATH = /^(\/v\d+\.\d+)?\/dialog\/oauth(\/confirm|\/cancel)?\/?$/;

export function isDialogPath(pathname: string): boolean {
  return DIALOG_PATH.test(pathname);
}

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function page(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f0f2f5;margin:0}main{max-width:480px;margin:40px auto;background:#fff;border-radius:8px;padding:24px;box-shadow:0 1px 2px #0003}button{font-size:16px;padding:8px 20px;border-radius:6px;border:0;margin-right:8px;cursor:pointer}#continue{background:#1877f2;color:#fff}#cancel{background:#e4e6eb}</style>
</head><body><main>${body}</main></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

interface DialogParams {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  scopes: string[];
}

/** The request's parameters, or the error page Meta would show instead of redirecting. */
function validate(
  rt: SimRuntime,
  get: (name: string) => string | undefined,
): { ok: true; value: DialogParams } | { ok: false; title: string; message: string } {
  const app = rt.sim.state.scenario.app;
  const clientId = get('client_id');
  if (!clientId || clientId !== app.id)
    return {
      ok: false,
      title: 'Invalid App ID',
      message: 'The provided app ID does not look like a valid app ID.',
    };
  const redirectUri = get('redirect_uri');
  let parsed: URL | undefined;
  try {
    parsed = redirectUri ? new URL(redirectUri) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!redirectUri || !parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    return {
      ok: false,
      title: 'URL blocked',
      message:
        "This redirect failed because the redirect URI is missing or is not an http(s) address. Make sure redirect_uri is one of the app's Valid OAuth Redirect URIs.",
    };
  const responseType = get('response_type') ?? 'code';
  if (responseType !== 'code')
    return {
      ok: false,
      title: 'Unsupported response_type',
      message: `The simulator models the server-side flow only (response_type=code), not "${responseType}".`,
    };
  return {
    ok: true,
    value: { clientId, redirectUri, state: get('state'), scopes: parseScopes(get('scope')) },
  };
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  url.hash = '_=_';
  return url.toString();
}

function hidden(p: DialogParams): string {
  const fields: Array<[string, string]> = [
    ['client_id', p.clientId],
    ['redirect_uri', p.redirectUri],
    ['scope', p.scopes.join(',')],
    ['response_type', 'code'],
  ];
  if (p.state !== undefined) fields.push(['state', p.state]);
  return fields.map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`).join('');
}

export async function handleDialog(
  rt: SimRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: Buffer,
): Promise<void> {
  const m = DIALOG_PATH.exec(url.pathname) as RegExpExecArray;
  const prefix = `${m[1] ?? ''}/dialog/oauth`;
  const action = m[2];
  const method = (req.method ?? 'GET').toUpperCase();
  const form = action && method === 'POST' ? new URLSearchParams(raw.toString('utf8')) : url.searchParams;
  const get = (name: string) => form.get(name) ?? undefined;
  if (action && method !== 'POST') {
    page(res, 405, 'Not allowed', '<h1>Not allowed</h1><p>The dialog buttons post their form.</p>');
    return;
  }
  const v = validate(rt, get);
  if (!v.ok) {
    page(res, 400, v.title, `<h1>${escapeHtml(v.title)}</h1><p>${escapeHtml(v.message)}</p>`);
    return;
  }
  const p = v.value;
  const state = rt.sim.state;
  const user = state.login;

  if (action === '/cancel') {
    redirect(
      res,
      withParams(p.redirectUri, {
        error: 'access_denied',
        error_code: '200',
        error_description: 'Permissions error',
        error_reason: 'user_denied',
        state: p.state,
      }),
    );
    return;
  }
  if (action === '/confirm') {
    const code = newCode();
    state.codes.set(code, {
      clientId: p.clientId,
      redirectUri: p.redirectUri,
      userId: user.userId,
      scopes: p.scopes.filter((s) => !user.declinedScopes.includes(s)),
      adAccounts: user.adAccounts,
      issuedAtMs: state.nowMs(),
      used: false,
    });
    rt.sim.log.redactor.addLiteral(code);
    redirect(res, withParams(p.redirectUri, { code, state: p.state }));
    return;
  }

  const appName = `MetaBuyer simulator (${state.scenario.name})`;
  const scopes = p.scopes.length
    ? `<ul id="scopes">${p.scopes
        .map(
          (s) =>
            `<li data-scope="${escapeHtml(s)}">${escapeHtml(s)}${user.declinedScopes.includes(s) ? ' <em>(this user declines it)</em>' : ''}</li>`,
        )
        .join('')}</ul>`
    : '<p>No permissions beyond your public profile.</p>';
  page(
    res,
    200,
    `Log in with Facebook | ${appName}`,
    `<h1>${escapeHtml(appName)} is requesting access</h1>
<p id="user">Logged in as <strong>${escapeHtml(user.name)}</strong> (id ${escapeHtml(user.userId)}).</p>
<p>${escapeHtml(appName)} (app ${escapeHtml(p.clientId)}) would like to:</p>${scopes}
<p>Codes issued here are valid for ${CODE_TTL_MS / 60_000} minutes and work once.</p>
<form method="post" action="${escapeHtml(`${prefix}/confirm`)}" style="display:inline">${hidden(p)}<button id="continue" type="submit">Continue as ${escapeHtml(user.name)}</button></form>
<form method="post" action="${escapeHtml(`${prefix}/cancel`)}" style="display:inline">${hidden(p)}<button id="cancel" type="submit">Cancel</button></form>`,
  );
}
