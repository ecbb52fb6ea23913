/**
 * Who is calling, checked as Meta checks it: a token must be present, known, not revoked
 * (`valid: false` → 190/460) and not expired (190/463); when the app requires it, appsecret_proof must
 * be present, and when present it must be the HMAC of the token with the app secret. The app token
 * `<app id>|<app secret>` is accepted where Meta accepts app tokens (debug_token, token exchange).
 */
import { appSecretProof, constantTimeEqual } from '../../lib/crypto.js';
import type { SimState, TokenRecord } from '../model/state.js';
import type { Account } from '../model/types.js';
import { formatMetaExpiry } from '../time/local-date.js';
import type { Caller } from './context.js';
import { errors, type GraphError } from './errors.js';
import { asString, type Params } from './params.js';

export function appToken(state: SimState): string {
  return `${state.scenario.app.id}|${state.scenario.app.secret}`;
}

/** Why a token is not usable now, or undefined when it is. */
export function tokenProblem(token: TokenRecord, state: SimState): GraphError | undefined {
  if (!token.valid) return errors.revokedToken();
  const now = state.nowMs();
  if (token.expiresAt !== 0 && token.expiresAt * 1000 <= now) {
    return errors.expiredToken(formatMetaExpiry(token.expiresAt * 1000), formatMetaExpiry(now));
  }
  return undefined;
}

export function authenticate(params: Params, state: SimState): Caller {
  const raw = asString(params.access_token);
  if (!raw) throw errors.missingToken();
  if (raw === appToken(state)) return { token: undefined, isApp: true };
  const token = state.tokens.get(raw);
  if (!token) throw errors.unparsableToken();
  const problem = tokenProblem(token, state);
  if (problem) throw problem;
  const proof = asString(params.appsecret_proof);
  if (proof === undefined || proof === '') {
    if (state.scenario.app.require_appsecret_proof) throw errors.proofRequired();
  } else if (!constantTimeEqual(proof, appSecretProof(raw, state.scenario.app.secret))) {
    throw errors.proofInvalid();
  }
  return { token, isApp: false };
}

export function canRead(caller: Caller): boolean {
  return (
    !!caller.token &&
    (caller.token.scopes.includes('ads_read') || caller.token.scopes.includes('ads_management'))
  );
}

export function canWrite(caller: Caller): boolean {
  return !!caller.token && caller.token.scopes.includes('ads_management');
}

/** Whether the token may reach this ad account at all (its ad_accounts list, when it has one). */
export function reaches(caller: Caller, account: Account): boolean {
  if (!caller.token) return false;
  return caller.token.adAccounts === undefined || caller.token.adAccounts.includes(account.id);
}
