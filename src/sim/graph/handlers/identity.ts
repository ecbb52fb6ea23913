/**
 * Who-am-I and token endpoints: /me and its edges, /debug_token, /oauth/access_token.
 *
 * OAuth code exchange (GET /oauth/access_token with client_id, client_secret, redirect_uri, code): a
 * code issued by the login dialog (src/sim/http/dialog.ts) returns a new short-lived user token for the
 * user who logged in, with the permissions granted there; it works once, within 10 minutes, and only
 * with the redirect_uri it was issued for (Meta's 36009, 36007 and 36008). A code written
 * `code-<token>`, where <token> is one of the scenario's token strings, returns that token, as if its
 * user had just logged in (for tests that skip the dialog); it also works once. `grant_type=fb_exchange_token` issues a new long-lived
 * token (60 days) with the same user, scopes and ad accounts as the one exchanged.
 */

import { CODE_TTL_MS, SHORT_LIVED_SECONDS } from '../../login/session.js';
import type { SimState, TokenRecord } from '../../model/state.js';
import type { Account } from '../../model/types.js';
import { appToken, reaches, tokenProblem } from '../auth.js';
import type { Caller, GraphResult } from '../context.js';
import { errors } from '../errors.js';
import { checkFields, parseFields } from '../fields.js';
import { pagedList } from '../paging.js';
import { asString } from '../params.js';
import { renderNode } from '../render-objects.js';
import { type Call, ok } from './call.js';

const LONG_LIVED_SECONDS = 5_183_944;
const PAGE_FIELDS = new Set(['id', 'name', 'category', 'tasks']);

function userToken(caller: Caller): TokenRecord {
  if (!caller.token) throw errors.currentUserNeedsUserToken();
  return caller.token;
}

export function userName(t: TokenRecord, state: SimState): string {
  if (t.type === 'SYSTEM_USER') return `MetaBuyer System User ${t.userId}`;
  return state.login.userId === t.userId ? state.login.name : `Sim User ${t.userId}`;
}

/** The scenario's app as Meta names it in debug_token and the activity log. */
export function applicationName(state: SimState): string {
  return `MetaBuyer simulator (${state.scenario.name})`;
}

export function me(call: Call): GraphResult {
  const t = userToken(call.caller);
  const text = asString(call.req.params.fields);
  const selection = text
    ? parseFields(text)
    : [
        { name: 'id', sub: undefined },
        { name: 'name', sub: undefined },
      ];
  checkFields(selection, 'User');
  const values: Record<string, unknown> = { id: t.userId, name: userName(t, call.sim.state) };
  const body: Record<string, unknown> = {};
  for (const f of selection) if (values[f.name] !== undefined) body[f.name] = values[f.name];
  body.id = t.userId;
  return ok(body);
}

export function myPermissions(call: Call): GraphResult {
  const t = userToken(call.caller);
  const only = asString(call.req.params.permission);
  const data = t.scopes
    .filter((s) => only === undefined || s === only)
    .map((permission) => ({ permission, status: 'granted' }));
  return ok({ data });
}

export function myAdAccounts(call: Call): GraphResult {
  userToken(call.caller);
  const text = asString(call.req.params.fields);
  const selection = text ? parseFields(text) : undefined;
  const accounts = call.sim.state.accounts.filter((a) => reaches(call.caller, a));
  return ok(
    pagedList(call.req, call.sim.settings, accounts.length, (i) =>
      renderNode(accounts[i] as Account, selection, call.sim.state),
    ),
  );
}

/** Pages need pages_show_list, as at Meta; without it the list is empty. Page tokens are not issued. */
export function myPages(call: Call): GraphResult {
  const t = userToken(call.caller);
  const text = asString(call.req.params.fields);
  const names = text ? parseFields(text).map((f) => f.name) : ['id', 'name', 'category', 'tasks'];
  const unknown = names.find((n) => !PAGE_FIELDS.has(n));
  if (unknown) throw errors.nonexistingField(unknown, 'Page');
  const pages = t.scopes.includes('pages_show_list') ? call.sim.state.pages : [];
  return ok(
    pagedList(call.req, call.sim.settings, pages.length, (i) => {
      const pg = pages[i] as { id: string; name: string };
      const values: Record<string, unknown> = {
        id: pg.id,
        name: pg.name,
        category: 'Shopping & retail',
        tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'],
      };
      return Object.fromEntries(names.map((n) => [n, values[n]]).concat([['id', pg.id]]));
    }),
  );
}

function granularScopes(t: TokenRecord, state: SimState): Array<Record<string, unknown>> {
  return t.scopes.map((scope) => {
    if (t.adAccounts && ['ads_management', 'ads_read', 'business_management'].includes(scope)) {
      return { scope, target_ids: t.adAccounts.map((a) => a.slice(4)) };
    }
    if (scope.startsWith('pages_') && state.pages.length > 0)
      return { scope, target_ids: state.pages.map((p) => p.id) };
    return { scope };
  });
}

export function debugToken(call: Call): GraphResult {
  const state = call.sim.state;
  const input = asString(call.req.params.input_token);
  if (!input) throw errors.paramRequired('input_token');
  const app = state.scenario.app;
  const application = applicationName(state);
  if (input === appToken(state)) {
    return ok({ data: { app_id: app.id, type: 'APP', application, is_valid: true, scopes: [] } });
  }
  const t = state.tokens.get(input);
  if (!t) {
    return ok({
      data: {
        error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
        is_valid: false,
        scopes: [],
      },
    });
  }
  const problem = tokenProblem(t, state);
  const issuedAt = Math.floor(t.issuedAtMs / 1000);
  const data: Record<string, unknown> = {
    app_id: app.id,
    type: t.type,
    application,
    data_access_expires_at: t.type === 'SYSTEM_USER' ? 0 : issuedAt + 90 * 86_400,
    expires_at: t.expiresAt,
    is_valid: problem === undefined,
    issued_at: issuedAt,
    scopes: t.scopes,
    granular_scopes: granularScopes(t, state),
    user_id: t.userId,
  };
  if (problem)
    data.error = {
      code: problem.error.code,
      message: problem.error.message,
      subcode: problem.error.error_subcode,
    };
  return ok({ data });
}

export function oauthAccessToken(call: Call): GraphResult {
  const state = call.sim.state;
  const p = call.req.params;
  const grant = asString(p.grant_type);
  const clientId = asString(p.client_id);
  const secret = asString(p.client_secret);
  if (!clientId) throw errors.paramRequired('client_id');
  if (clientId !== state.scenario.app.id) throw errors.invalidAppId();
  if (secret !== state.scenario.app.secret) throw errors.invalidClientSecret();

  if (grant === 'client_credentials') return ok({ access_token: appToken(state), token_type: 'bearer' });
  if (grant === 'fb_exchange_token') {
    const source = state.tokens.get(asString(p.fb_exchange_token) ?? '');
    if (!source) throw errors.unparsableToken();
    const problem = tokenProblem(source, state);
    if (problem) throw problem;
    const now = state.nowMs();
    const token = `EAASIMLONGLIVED${state.newId('')}`;
    state.tokens.set(token, {
      ...source,
      token,
      type: 'USER',
      expiresAt: Math.floor(now / 1000) + LONG_LIVED_SECONDS,
      issuedAtMs: now,
    });
    call.sim.log.redactor.addLiteral(token);
    return ok({ access_token: token, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS });
  }
  if (grant !== undefined && grant !== 'authorization_code') {
    throw errors.paramMustBeOneOf('grant_type', [
      'authorization_code',
      'client_credentials',
      'fb_exchange_token',
    ]);
  }
  const code = asString(p.code);
  if (!code) throw errors.paramRequired('code');
  const redirectUri = asString(p.redirect_uri);
  if (!redirectUri) throw errors.paramRequired('redirect_uri');
  const issued = state.codes.get(code);
  if (issued) {
    if (issued.used) throw errors.usedCode();
    if (state.nowMs() - issued.issuedAtMs > CODE_TTL_MS) throw errors.expiredCode();
    if (issued.redirectUri !== redirectUri) throw errors.redirectUriMismatch();
    issued.used = true;
    const now = state.nowMs();
    const token = `EAASIMSHORT${state.newId('')}`;
    state.tokens.set(token, {
      token,
      type: 'USER',
      userId: issued.userId,
      scopes: issued.scopes,
      expiresAt: Math.floor(now / 1000) + SHORT_LIVED_SECONDS,
      adAccounts: issued.adAccounts,
      valid: true,
      issuedAtMs: now,
    });
    call.sim.log.redactor.addLiteral(token);
    return ok({ access_token: token, token_type: 'bearer', expires_in: SHORT_LIVED_SECONDS });
  }
  const token = code.startsWith('code-') ? state.tokens.get(code.slice(5)) : undefined;
  if (!token) throw errors.invalidCode();
  if (state.usedCodes.has(code)) throw errors.usedCode();
  state.usedCodes.add(code);
  const problem = tokenProblem(token, state);
  if (problem) throw problem;
  const body: Record<string, unknown> = { access_token: token.token, token_type: 'bearer' };
  if (token.expiresAt !== 0)
    body.expires_in = Math.max(0, token.expiresAt - Math.floor(state.nowMs() / 1000));
  return ok(body);
}
