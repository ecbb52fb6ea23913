import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { agentByAccount, insertAgent, updateAgent } from '../db/repos/agents.js';
import { replaceConnection } from '../db/repos/connections.js';
import { type OAuthGrantRow, pendingGrantFor, useGrant } from '../db/repos/oauth.js';
import { slackWorkspaces } from '../db/schema/index.js';
import type { Actor } from '../domain/actor.js';
import { permits } from '../domain/policy.js';
import { open, seal } from '../lib/crypto.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { activeAdAccounts, type OfferedAdAccount } from '../meta/oauth.js';
import { agentConfigOf, configForStorage, storedAgentConfigSchema } from './agent-config.js';
import { normalizeAdAccountId } from './agent-scope.js';
import { TOKEN_PURPOSE } from './connect.js';
import { GRANT_TOKEN_PURPOSE, slackIdentity } from './meta-oauth.js';
import { permissionReport } from './permissions.js';

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,20}$/;

async function pendingGrant(ctx: AppContext, actor: Actor): Promise<{ db: Db; grant: OAuthGrantRow }> {
  const { teamId, userId } = slackIdentity(actor);
  const { db } = await ctx.database();
  const grant = await pendingGrantFor(db, teamId, userId, ctx.clock.now());
  if (!grant) {
    throw new AppError({
      code: 'oauth_login_missing',
      verdict: 'invalid',
      message:
        'No Facebook login is waiting for an ad-account choice (it was used, or is older than 24 hours). Press Connect with Facebook again.',
    });
  }
  return { db, grant };
}

async function offeredFor(ctx: AppContext, grant: OAuthGrantRow): Promise<OfferedAdAccount[]> {
  const client = ctx.metaClient(open(ctx.keyring(), grant.accessTokenSealed, GRANT_TOKEN_PURPOSE));
  try {
    return await activeAdAccounts(client);
  } finally {
    client.close();
  }
}

export interface OfferedAdAccounts {
  accounts: OfferedAdAccount[];
  channelId: string | null;
  tokenExpiresAt: string | null;
}

/** The active ad accounts (account_status 1) the Slack user's pending Facebook login can reach. */
export async function listOfferedAdAccounts(
  ctx: AppContext,
  input: { actor: Actor },
): Promise<OfferedAdAccounts> {
  const { grant } = await pendingGrant(ctx, input.actor);
  return {
    accounts: await offeredFor(ctx, grant),
    channelId: grant.slackChannelId,
    tokenExpiresAt: grant.tokenExpiresAt ? grant.tokenExpiresAt.toISOString() : null,
  };
}

export interface ChooseAdAccountResult {
  adAccountId: string;
  accountName: string;
  currency: string;
  timezone: string;
  environment: 'sandbox' | 'live';
  channelId: string | null;
  tokenExpiresAt: string | null;
  scopes: string[];
  missingRecommended: string[];
  agentCreated: boolean;
  connectionId: string;
}

/**
 * Turns the Slack user's pending Facebook login into the connection of one ad account, and creates its
 * agent (with `connect`'s defaults, the user as its operator) or rebinds the existing one. Only an active
 * account the login reaches is accepted; rebinding an existing agent needs its operator. The environment
 * is sandbox unless live is asked for.
 */
export async function chooseAdAccount(
  ctx: AppContext,
  input: { actor: Actor; adAccountId: string; channel?: string; environment?: 'sandbox' | 'live' },
): Promise<ChooseAdAccountResult> {
  const adAccountId = normalizeAdAccountId(input.adAccountId);
  const { db, grant } = await pendingGrant(ctx, input.actor);
  const channel = input.channel ?? grant.slackChannelId ?? null;
  if (channel !== null && !CHANNEL_ID.test(channel))
    throw new AppError({
      code: 'usage',
      verdict: 'invalid',
      message: 'channel must be a Slack channel id (C…)',
    });
  const offered = await offeredFor(ctx, grant);
  const account = offered.find((a) => a.adAccountId === adAccountId);
  if (!account) {
    throw new AppError({
      code: 'ad_account_not_offered',
      verdict: 'invalid',
      message: `${adAccountId} is not an active ad account of this Facebook login. Choose one of: ${offered.map((a) => `${a.name} (${a.adAccountId})`).join(', ') || 'none'}.`,
      details: { offered: offered.map((a) => a.adAccountId) },
    });
  }
  const existing = await agentByAccount(db, adAccountId);
  if (existing) {
    const p = permits(input.actor, 'connect', agentConfigOf(existing));
    if (!p.allowed) {
      throw new AppError({
        code: 'not_permitted',
        verdict: 'permission',
        message: `Only an operator of ${adAccountId} (${p.holders.map((h) => `<@${h}>`).join(', ')}) can reconnect it.`,
      });
    }
  }
  const token = open(ctx.keyring(), grant.accessTokenSealed, GRANT_TOKEN_PURPOSE);
  const now = ctx.clock.now();
  // Sandbox unless live is chosen explicitly: a fresh connection never writes to real spend by default.
  const environment = input.environment ?? 'sandbox';
  const [workspace] = await db
    .select({ id: slackWorkspaces.id })
    .from(slackWorkspaces)
    .where(and(eq(slackWorkspaces.teamId, grant.slackTeamId), isNull(slackWorkspaces.revokedAt)));

  const result = await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    if (!(await useGrant(tx, grant.id, now))) {
      throw new AppError({
        code: 'oauth_login_missing',
        verdict: 'invalid',
        message: 'This Facebook login was just used by another request. Press Connect with Facebook again.',
      });
    }
    const connection = await replaceConnection(
      tx,
      {
        id: newId('conn', now.getTime()),
        adAccountId,
        accessTokenSealed: seal(ctx.keyring(), token, TOKEN_PURPOSE),
        tokenMode: 'user',
        tokenExpiresAt: grant.tokenExpiresAt,
        dataAccessExpiresAt: grant.dataAccessExpiresAt,
        environment,
        businessId: null,
        pageId: grant.pageId,
        instagramActorId: null,
        appId: grant.appId,
        scopes: grant.scopes,
        metaUserId: grant.metaUserId,
        validatedAt: now,
        method: 'oauth',
        lastRefreshedAt: now,
      },
      now,
    );
    const facts = {
      connectionId: connection.id,
      currency: account.currency,
      accountName: account.name,
      timezoneName: account.timezone,
      ...(workspace ? { slackWorkspaceId: workspace.id } : {}),
      ...(channel ? { slackChannelId: channel } : {}),
    };
    if (existing) {
      await updateAgent(tx, existing.id, facts, now);
    } else {
      await insertAgent(tx, {
        id: newId('agent', now.getTime()),
        adAccountId,
        ...facts,
        config: configForStorage({
          ...storedAgentConfigSchema.parse({ operators: [input.actor.id] }),
          executionEnabled: false,
          intervalSeconds: 21600,
          slackTarget: null,
        }),
        createdAt: now,
        updatedAt: now,
      });
    }
    return connection;
  });
  ctx.logger.info('meta connected by oauth', {
    adAccountId,
    environment,
    teamId: grant.slackTeamId,
    userId: input.actor.id,
  });
  return {
    adAccountId,
    accountName: account.name,
    currency: account.currency,
    timezone: account.timezone ?? 'UTC',
    environment,
    channelId: channel,
    tokenExpiresAt: grant.tokenExpiresAt ? grant.tokenExpiresAt.toISOString() : null,
    scopes: grant.scopes,
    missingRecommended: permissionReport(grant.scopes).missingRecommended,
    agentCreated: !existing,
    connectionId: result.id,
  };
}
