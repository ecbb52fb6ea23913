import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import type { Database } from '../db/client.js';
import {
  consumeOAuthState,
  insertOAuthGrant,
  insertOAuthState,
  type OAuthStateRow,
  setStateOutcome,
  stateByHash,
} from '../db/repos/oauth.js';
import { type Actor, SLACK_USER_ID } from '../domain/actor.js';
import { seal } from '../lib/crypto.js';
import { AppError, toAppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { MetaClient } from '../meta/client.js';
import { type OAuthExchangeProblem, oauthExchangeProblem } from '../meta/errors.js';
import {
  activeAdAccounts,
  exchangeLoginCode,
  firstPageId,
  loginDialogUrl,
  missingScopes,
  type OfferedAdAccount,
  oauthRedirectUri,
} from '../meta/oauth.js';
import { normalizeAdAccountId } from './agent-scope.js';
import { REQUIRED_PERMISSIONS } from './permissions.js';

/** Meta's login states live 15 minutes: long enough to log in, short enough that a leaked link goes stale. */
export const OAUTH_STATE_TTL_MS = 15 * 60_000;
/** A login waits this long for its ad-account choice; then the token it holds is unusable. */
export const OAUTH_GRANT_TTL_MS = 24 * 3_600_000;
export const GRANT_TOKEN_PURPOSE = 'meta_oauth_grant.access_token';

const STATE_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,20}$/;

export function hashState(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}

/** The actor as a Slack user: the state and the grant are bound to a Slack user and workspace. */
export function slackIdentity(actor: Actor): { teamId: string; userId: string } {
  if (actor.source !== 'slack' || !actor.workspaceId || !SLACK_USER_ID.test(actor.id)) {
    throw new AppError({
      code: 'slack_user_required',
      verdict: 'invalid',
      message:
        'Connect with Facebook is started from Slack (App Home), so the login is tied to a Slack user and workspace. From the command line, use `metabuyer connect --access-token …`.',
    });
  }
  return { teamId: actor.workspaceId, userId: actor.id };
}

export function requireOAuthConfig(ctx: AppContext): { appId: string; appSecret: string; publicUrl: string } {
  const { appId, appSecret } = ctx.config.meta;
  const publicUrl = ctx.config.publicUrl;
  const missing = [
    !appId && 'META_APP_ID',
    !appSecret && 'META_APP_SECRET',
    !publicUrl && 'PUBLIC_URL',
  ].filter(Boolean);
  if (missing.length > 0 || !appId || !appSecret || !publicUrl) {
    throw new AppError({
      code: 'config_missing',
      verdict: 'invalid',
      message: `Connect with Facebook needs ${missing.join(', ')} to be set (the Meta app, and the address Meta redirects back to).`,
      details: { variables: missing },
    });
  }
  return { appId, appSecret, publicUrl };
}

/** A client that carries the app credentials only (every OAuth call sends client_id/secret itself). */
export function appClient(ctx: AppContext): MetaClient {
  const { appId, appSecret } = requireOAuthConfig(ctx);
  return ctx.metaClient(`${appId}|${appSecret}`);
}

export interface BeginOAuthResult {
  /** The Facebook Login dialog URL for the "Connect with Facebook" button. */
  url: string;
  expiresAt: string;
}

/**
 * Starts Connect with Facebook for a Slack user: stores a single-use state (hashed) bound to them, their
 * workspace and the channel / agent they asked from, and returns the login dialog URL.
 */
export async function beginMetaOAuth(
  ctx: AppContext,
  input: { actor: Actor; channel?: string; adAccount?: string },
): Promise<BeginOAuthResult> {
  const { teamId, userId } = slackIdentity(input.actor);
  const { appId, publicUrl } = requireOAuthConfig(ctx);
  if (input.channel !== undefined && !CHANNEL_ID.test(input.channel))
    throw new AppError({
      code: 'usage',
      verdict: 'invalid',
      message: 'channel must be a Slack channel id (C…)',
    });
  const adAccountId = input.adAccount ? normalizeAdAccountId(input.adAccount) : null;
  const state = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + OAUTH_STATE_TTL_MS);
  const { db } = await ctx.database();
  await insertOAuthState(db, {
    id: newId('ostate', now.getTime()),
    stateHash: hashState(state),
    slackTeamId: teamId,
    slackUserId: userId,
    slackChannelId: input.channel ?? null,
    adAccountId,
    createdAt: now,
    expiresAt,
  });
  ctx.logger.info('meta oauth started', { teamId, userId, channel: input.channel ?? null });
  return {
    url: loginDialogUrl({
      dialogUrl: ctx.config.meta.oauthDialogUrl,
      apiVersion: ctx.config.meta.apiVersion,
      appId,
      redirectUri: oauthRedirectUri(publicUrl),
      state,
    }),
    expiresAt: expiresAt.toISOString(),
  };
}

/** What can go wrong between Meta's redirect and a stored login; each gets its own page. */
export type CallbackProblem =
  | 'bad_request'
  | 'state_unknown'
  | 'state_expired'
  | 'state_used'
  | 'denied'
  | 'not_configured'
  | OAuthExchangeProblem
  | 'missing_permission'
  | 'no_ad_accounts';

export type CallbackOutcome =
  | {
      ok: true;
      teamId: string;
      /** The Slack user who pressed Connect with Facebook: their App Home now offers the accounts. */
      userId: string;
      channelId: string | null;
      metaUserId: string | null;
      accounts: OfferedAdAccount[];
      missingRecommended: string[];
      tokenExpiresAt: string | null;
    }
  | {
      ok: false;
      problem: CallbackProblem;
      /** Known once the state was recognised: where to send the person back to. */
      teamId: string | null;
      userId: string | null;
      channelId: string | null;
      /** Permissions missing (missing_permission). */
      missing?: string[];
    };

const callbackQuery = z.object({
  state: z.string().regex(STATE_SHAPE).optional(),
  code: z.string().min(1).max(2048).optional(),
  error: z.string().max(200).optional(),
  error_reason: z.string().max(200).optional(),
});

const RECOMMENDED = ['pages_show_list', 'pages_read_engagement'];

/**
 * Meta's redirect back (GET /meta/oauth/callback): claims the state, exchanges the code for a long-lived
 * token, checks it (debug_token: valid, required permissions) and the user's active ad accounts, and stores
 * the login sealed, awaiting the ad-account choice. Any failure changes nothing but the state (consumed).
 */
export async function completeMetaOAuth(
  ctx: AppContext,
  query: Record<string, string | undefined>,
): Promise<CallbackOutcome> {
  const fail = (problem: CallbackProblem, st?: OAuthStateRow, missing?: string[]): CallbackOutcome => ({
    ok: false,
    problem,
    teamId: st?.slackTeamId ?? null,
    userId: st?.slackUserId ?? null,
    channelId: st?.slackChannelId ?? null,
    ...(missing ? { missing } : {}),
  });
  const parsed = callbackQuery.safeParse(query);
  if (!parsed.success || !parsed.data.state) return fail('bad_request');
  const q = parsed.data;
  let config: ReturnType<typeof requireOAuthConfig>;
  try {
    config = requireOAuthConfig(ctx);
  } catch {
    return fail('not_configured');
  }
  const database = await ctx.database();
  const { db } = database;
  const now = ctx.clock.now();
  const hash = hashState(q.state as string);
  const st = await consumeOAuthState(db, hash, now);
  if (!st) {
    const seen = await stateByHash(db, hash);
    const problem = !seen ? 'state_unknown' : seen.consumedAt ? 'state_used' : 'state_expired';
    ctx.logger.warn('meta oauth callback refused', { problem });
    return fail(problem, seen);
  }
  const done = async (outcome: CallbackOutcome): Promise<CallbackOutcome> => {
    await setStateOutcome(db, st.id, outcome.ok ? 'connected' : outcome.problem);
    ctx.logger[outcome.ok ? 'info' : 'warn']('meta oauth callback', {
      teamId: st.slackTeamId,
      userId: st.slackUserId,
      outcome: outcome.ok ? 'connected' : outcome.problem,
    });
    return outcome;
  };
  if (q.error) return done(fail('denied', st));
  if (!q.code) return done(fail('bad_request', st));

  return exchangeAndStore(ctx, database, st, q.code, config.publicUrl, now, fail, done);
}

async function exchangeAndStore(
  ctx: AppContext,
  database: Database,
  st: OAuthStateRow,
  code: string,
  publicUrl: string,
  now: Date,
  fail: (p: CallbackProblem, st?: OAuthStateRow, missing?: string[]) => CallbackOutcome,
  done: (o: CallbackOutcome) => Promise<CallbackOutcome>,
): Promise<CallbackOutcome> {
  const app = appClient(ctx);
  let grant: Awaited<ReturnType<typeof exchangeLoginCode>>;
  try {
    grant = await exchangeLoginCode(app, { code, redirectUri: oauthRedirectUri(publicUrl) });
  } catch (e) {
    const err = toAppError(e);
    ctx.logger.warn('meta oauth exchange failed', { code: err.code, ...safeMetaDetails(err.details) });
    return done(fail(oauthExchangeProblem(e), st));
  } finally {
    app.close();
  }
  if (!grant.info.isValid) return done(fail('token_unusable', st));
  const missing = missingScopes(grant.info.scopes, REQUIRED_PERMISSIONS);
  if (missing.length > 0) return done(fail('missing_permission', st, missing));

  const user = ctx.metaClient(grant.accessToken);
  let accounts: OfferedAdAccount[];
  let pageId: string | null = null;
  try {
    accounts = await activeAdAccounts(user);
    if (accounts.length === 0) return done(fail('no_ad_accounts', st));
    pageId = await firstPageId(user).catch((e: unknown) => {
      ctx.logger.warn('meta oauth: could not list pages', { code: toAppError(e).code });
      return null;
    });
  } catch (e) {
    ctx.logger.warn('meta oauth: could not list ad accounts', { code: toAppError(e).code });
    return done(fail('exchange_failed', st));
  } finally {
    user.close();
  }
  const expiresAt = grant.info.expiresAt;
  await insertOAuthGrant(
    database.db,
    {
      id: newId('ogrant', now.getTime()),
      slackTeamId: st.slackTeamId,
      slackUserId: st.slackUserId,
      slackChannelId: st.slackChannelId,
      adAccountId: st.adAccountId,
      metaUserId: grant.info.userId,
      accessTokenSealed: seal(ctx.keyring(), grant.accessToken, GRANT_TOKEN_PURPOSE),
      scopes: [...grant.info.scopes].sort(),
      tokenExpiresAt: expiresAt,
      dataAccessExpiresAt: grant.info.dataAccessExpiresAt,
      appId: grant.info.appId,
      pageId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + OAUTH_GRANT_TTL_MS),
    },
    now,
  );
  return done({
    ok: true,
    teamId: st.slackTeamId,
    userId: st.slackUserId,
    channelId: st.slackChannelId,
    metaUserId: grant.info.userId,
    accounts,
    missingRecommended: missingScopes(grant.info.scopes, RECOMMENDED),
    tokenExpiresAt: expiresAt ? expiresAt.toISOString() : null,
  });
}

function safeMetaDetails(d: Record<string, unknown>): Record<string, unknown> {
  return { meta_code: d.meta_code ?? null, meta_subcode: d.meta_subcode ?? null };
}
