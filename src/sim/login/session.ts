/**
 * The person logged in to the simulated facebook.com, and the authorization codes the login dialog has
 * issued. Meta's manual login flow: the dialog redirects to `redirect_uri` with a `code`; the app
 * exchanges it (with the same `redirect_uri` and its secret) at /oauth/access_token for a short-lived
 * user token, then for a long-lived one with `grant_type=fb_exchange_token`. A code works once, only
 * with the redirect_uri it was issued for, and expires after 10 minutes.
 *
 * Who logs in is chosen by the admin API (`POST /__sim/login`); by default it is the user of the
 * scenario's first USER token. The user reaches the ad accounts of their scenario tokens (all accounts
 * when any of them has no `ad_accounts` list, or when the user has no token at all).
 */
import { randomBytes } from 'node:crypto';
import type { Scenario } from '../scenario/schema.js';

export const CODE_TTL_MS = 10 * 60_000;
/** Meta's short-lived user tokens last about two hours. */
export const SHORT_LIVED_SECONDS = 2 * 3600;

export interface LoginUser {
  userId: string;
  name: string;
  /** act_ ids; undefined = every account of the scenario. */
  adAccounts: string[] | undefined;
  /** Permissions this user declines in the dialog (to test a missing permission). */
  declinedScopes: string[];
}

export interface IssuedCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scopes: string[];
  adAccounts: string[] | undefined;
  issuedAtMs: number;
  used: boolean;
}

export function defaultLoginUser(scenario: Scenario): LoginUser {
  const first = scenario.tokens.find((t) => t.type === 'USER');
  const userId = first?.user_id ?? '100000000000000';
  return loginUserFor(scenario, userId, {});
}

export function loginUserFor(
  scenario: Scenario,
  userId: string,
  opts: {
    name?: string | undefined;
    adAccounts?: string[] | undefined;
    declinedScopes?: string[] | undefined;
  },
): LoginUser {
  const own = scenario.tokens.filter((t) => (t.user_id ?? '100000000000000') === userId);
  let adAccounts: string[] | undefined;
  if (opts.adAccounts) adAccounts = [...opts.adAccounts];
  else if (own.length > 0 && own.every((t) => t.ad_accounts !== undefined))
    adAccounts = [...new Set(own.flatMap((t) => t.ad_accounts ?? []))];
  return {
    userId,
    name: opts.name ?? `Sim User ${userId}`,
    adAccounts,
    declinedScopes: opts.declinedScopes ?? [],
  };
}

/** An authorization code: opaque and unguessable, as Meta's are. */
export function newCode(): string {
  return `AQ${randomBytes(36).toString('base64url')}`;
}

/** The scopes the dialog asked for (comma- or space-separated), in order, without duplicates. */
export function parseScopes(scope: string | undefined): string[] {
  return [
    ...new Set(
      (scope ?? '')
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}
