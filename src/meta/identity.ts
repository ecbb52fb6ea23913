import { z } from 'zod';
import { AppError } from '../lib/errors.js';
import { MetaBadResponseError } from './errors.js';
import { collectAll, describeIssues } from './paging.js';
import type { GraphTransport } from './transport.js';

/**
 * Who the token is and what it may do: the probes behind `doctor`, `verify-use-cases` and `connect`.
 * debug_token is asked with the app token (`appId|appSecret`) when the app secret is configured, as Meta
 * recommends; without one it falls back to the token inspecting itself.
 */

const num = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const debugTokenSchema = z.object({
  data: z
    .object({
      app_id: z.union([z.string(), z.number().transform(String)]).optional(),
      type: z.string().optional(),
      application: z.string().optional(),
      is_valid: z.boolean(),
      expires_at: num.optional(),
      data_access_expires_at: num.optional(),
      issued_at: num.optional(),
      scopes: z.array(z.string()).optional(),
      granular_scopes: z
        .array(z.object({ scope: z.string(), target_ids: z.array(z.string()).optional() }).loose())
        .optional(),
      user_id: z.union([z.string(), z.number().transform(String)]).optional(),
      error: z
        .object({ code: num.optional(), subcode: num.optional(), message: z.string().optional() })
        .loose()
        .optional(),
    })
    .loose(),
});

export interface TokenInfo {
  isValid: boolean;
  appId: string | null;
  type: string | null;
  application: string | null;
  userId: string | null;
  /** null: the token never expires (Meta reports expires_at 0). */
  expiresAt: Date | null;
  dataAccessExpiresAt: Date | null;
  issuedAt: Date | null;
  scopes: string[];
  /** targetIds null: the scope applies to every asset. */
  granularScopes: Array<{ scope: string; targetIds: string[] | null }>;
  error: { code: number | null; subcode: number | null; message: string | null } | null;
}

const epoch = (s: number | undefined): Date | null => (s ? new Date(s * 1000) : null);

function parse<T>(schema: z.ZodType<T>, data: unknown, path: string): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new MetaBadResponseError({ method: 'GET', path }, describeIssues(r.error));
  return r.data;
}

export async function debugToken(transport: GraphTransport, inputToken?: string): Promise<TokenInfo> {
  const { appId, appSecret, accessToken } = transport.config;
  const res = await transport.request({
    method: 'GET',
    path: 'debug_token',
    params: { input_token: inputToken ?? accessToken },
    auth: appId && appSecret ? 'app' : 'user',
  });
  const d = parse(debugTokenSchema, res.data, 'debug_token').data;
  return {
    isValid: d.is_valid,
    appId: d.app_id ?? null,
    type: d.type ?? null,
    application: d.application ?? null,
    userId: d.user_id ?? null,
    expiresAt: epoch(d.expires_at),
    dataAccessExpiresAt: epoch(d.data_access_expires_at),
    issuedAt: epoch(d.issued_at),
    scopes: d.scopes ?? [],
    granularScopes: (d.granular_scopes ?? []).map((g) => ({
      scope: g.scope,
      targetIds: g.target_ids ?? null,
    })),
    error: d.error
      ? { code: d.error.code ?? null, subcode: d.error.subcode ?? null, message: d.error.message ?? null }
      : null,
  };
}

const permissionSchema = z.object({ permission: z.string(), status: z.string() }).loose();
export type PermissionGrant = z.infer<typeof permissionSchema>;

export function getPermissions(transport: GraphTransport): Promise<PermissionGrant[]> {
  return collectAll(
    transport,
    { method: 'GET', path: 'me/permissions', params: { limit: 100 } },
    permissionSchema,
  );
}

const adAccountSummarySchema = z
  .object({
    id: z.string(),
    account_id: z.string().optional(),
    name: z.string().optional(),
    currency: z.string().optional(),
    timezone_name: z.string().optional(),
    account_status: z.coerce.number().optional(),
  })
  .loose();
export type AdAccountSummary = z.infer<typeof adAccountSummarySchema>;

export function listAdAccounts(transport: GraphTransport): Promise<AdAccountSummary[]> {
  return collectAll(
    transport,
    {
      method: 'GET',
      path: 'me/adaccounts',
      params: {
        fields: 'id,account_id,name,currency,timezone_name,account_status',
        limit: transport.config.pageSize,
      },
    },
    adAccountSummarySchema,
  );
}

const pageSummarySchema = z.object({ id: z.string(), name: z.string().optional() }).loose();
export type PageSummary = z.infer<typeof pageSummarySchema>;

export function listPages(transport: GraphTransport): Promise<PageSummary[]> {
  return collectAll(
    transport,
    { method: 'GET', path: 'me/accounts', params: { fields: 'id,name', limit: transport.config.pageSize } },
    pageSummarySchema,
  );
}

const tokenSchema = z
  .object({
    access_token: z.string().min(1),
    token_type: z.string().optional(),
    expires_in: num.optional(),
  })
  .loose();

export interface IssuedToken {
  accessToken: string;
  tokenType: string | null;
  /** Seconds; null when Meta did not say (a token that does not expire). */
  expiresIn: number | null;
}

function requireApp(transport: GraphTransport): { appId: string; appSecret: string } {
  const { appId, appSecret } = transport.config;
  if (!appId || !appSecret) {
    throw new AppError({
      code: 'config_missing',
      verdict: 'invalid',
      message: 'Exchanging Meta tokens needs the app id and secret (META_APP_ID, META_APP_SECRET).',
    });
  }
  return { appId, appSecret };
}

async function oauthAccessToken(
  transport: GraphTransport,
  params: Record<string, unknown>,
): Promise<IssuedToken> {
  // 'write': each call mints a token (and a code works once), so a failure is never re-sent blindly.
  const res = await transport.request({
    method: 'GET',
    path: 'oauth/access_token',
    params,
    auth: 'none',
    kind: 'write',
  });
  const t = parse(tokenSchema, res.data, 'oauth/access_token');
  return { accessToken: t.access_token, tokenType: t.token_type ?? null, expiresIn: t.expires_in ?? null };
}

/** A short-lived user token → a long-lived one (about 60 days). An expired token cannot be exchanged. */
export function exchangeForLongLivedToken(
  transport: GraphTransport,
  shortLivedToken: string,
): Promise<IssuedToken> {
  const { appId, appSecret } = requireApp(transport);
  return oauthAccessToken(transport, {
    grant_type: 'fb_exchange_token',
    client_id: appId,
    client_secret: appSecret,
    fb_exchange_token: shortLivedToken,
  });
}

/** The OAuth code from the login redirect → a user token. `redirectUri` must match the one used to log in. */
export function exchangeCode(
  transport: GraphTransport,
  args: { code: string; redirectUri: string },
): Promise<IssuedToken> {
  const { appId, appSecret } = requireApp(transport);
  return oauthAccessToken(transport, {
    client_id: appId,
    redirect_uri: args.redirectUri,
    client_secret: appSecret,
    code: args.code,
  });
}
