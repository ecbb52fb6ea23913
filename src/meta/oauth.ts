/**
 * Connect with Facebook: Meta's manual login flow, from the dialog URL to a checked long-lived user token.
 *
 *   dialog (META_OAUTH_DIALOG_URL/vXX.0/dialog/oauth?client_id&redirect_uri&state&scope&response_type=code)
 *   → redirect_uri?code&state → /oauth/access_token (code → short-lived token)
 *   → /oauth/access_token?grant_type=fb_exchange_token (→ long-lived, ~60 days) → debug_token.
 *
 * The same fb_exchange_token call renews a long-lived token before it expires (Meta user tokens have no
 * refresh token). Errors come back as AppErrors mapped in ./errors.ts; oauthExchangeProblem() names why
 * an exchange was refused.
 */
import type { MetaClient } from './client.js';
import type { AdAccountSummary, IssuedToken, PageSummary, TokenInfo } from './identity.js';

/** What MetaBuyer asks for at login: read and change ads, see business assets, and a Page for creatives. */
export const OAUTH_SCOPES = [
  'ads_read',
  'ads_management',
  'business_management',
  'pages_show_list',
  'pages_read_engagement',
] as const;

/** Without these the connection is refused: the agent could neither read nor change ads. */
export const OAUTH_REQUIRED_SCOPES = ['ads_read', 'ads_management'] as const;

/** Meta's account_status for an ad account that can run ads; only these are offered. */
export const ACTIVE_ACCOUNT_STATUS = 1;

export const META_OAUTH_CALLBACK_PATH = '/meta/oauth/callback';

export function oauthRedirectUri(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${META_OAUTH_CALLBACK_PATH}`;
}

export function loginDialogUrl(args: {
  dialogUrl: string;
  apiVersion: string;
  appId: string;
  redirectUri: string;
  state: string;
  scopes?: readonly string[];
}): string {
  const url = new URL(`${args.dialogUrl.replace(/\/+$/, '')}/${args.apiVersion}/dialog/oauth`);
  url.searchParams.set('client_id', args.appId);
  url.searchParams.set('redirect_uri', args.redirectUri);
  url.searchParams.set('state', args.state);
  url.searchParams.set('scope', (args.scopes ?? OAUTH_SCOPES).join(','));
  url.searchParams.set('response_type', 'code');
  return url.toString();
}

export interface LongLivedGrant {
  accessToken: string;
  info: TokenInfo;
  /** From the long-lived exchange (seconds), or null when Meta did not say. */
  expiresIn: number | null;
}

/**
 * Code → short-lived token → long-lived token, then debug_token on the long-lived one. `app` is a client
 * holding the app credentials (its own token is never sent on these calls).
 */
export async function exchangeLoginCode(
  app: MetaClient,
  args: { code: string; redirectUri: string },
): Promise<LongLivedGrant> {
  const short: IssuedToken = await app.exchangeCode(args);
  const long = await app.exchangeForLongLivedToken(short.accessToken);
  const info = await app.debugToken(long.accessToken);
  return { accessToken: long.accessToken, info, expiresIn: long.expiresIn };
}

/** A long-lived token → a new one, valid ~60 days from now, checked with debug_token. */
export async function renewLongLivedToken(app: MetaClient, token: string): Promise<LongLivedGrant> {
  const long = await app.exchangeForLongLivedToken(token);
  const info = await app.debugToken(long.accessToken);
  return { accessToken: long.accessToken, info, expiresIn: long.expiresIn };
}

export interface OfferedAdAccount {
  adAccountId: string;
  name: string;
  currency: string;
  timezone: string | null;
}

/** The user's ad accounts that can run ads (account_status 1), by name. */
export async function activeAdAccounts(user: MetaClient): Promise<OfferedAdAccount[]> {
  const all: AdAccountSummary[] = await user.listAdAccounts();
  return all
    .filter((a) => a.account_status === ACTIVE_ACCOUNT_STATUS)
    .map((a) => ({
      adAccountId: a.id.startsWith('act_') ? a.id : `act_${a.id}`,
      name: a.name ?? a.id,
      currency: a.currency ?? 'USD',
      timezone: a.timezone_name ?? null,
    }))
    .sort((x, y) => x.name.localeCompare(y.name) || x.adAccountId.localeCompare(y.adAccountId));
}

/** The first Page the user administers (for creatives' object_story_spec.page_id), or null. */
export async function firstPageId(user: MetaClient): Promise<string | null> {
  const pages: PageSummary[] = await user.listPages();
  return pages[0]?.id ?? null;
}

export function missingScopes(granted: readonly string[], wanted: readonly string[]): string[] {
  return wanted.filter((s) => !granted.includes(s));
}
