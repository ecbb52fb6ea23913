import type { AppContext } from '../app/context.js';
import { type AgentRow, agentByAccount, insertAgent, updateAgent } from '../db/repos/agents.js';
import { replaceConnection } from '../db/repos/connections.js';
import { ensureWorkspace, liveWorkspaceByTeam } from '../db/repos/slack-workspaces.js';
import { type Actor, actorLabel } from '../domain/actor.js';
import { seal } from '../lib/crypto.js';
import { AppError, UsageError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { agentConfigOf, configForStorage, storedAgentConfigSchema } from './agent-config.js';
import { normalizeAdAccountId } from './agent-scope.js';
import { authorize } from './authorize.js';
import { grantedPermissions, permissionReport } from './permissions.js';

export const TOKEN_PURPOSE = 'meta_connection.access_token';

export interface ConnectInput {
  accessToken: string;
  adAccount: string;
  environment: 'sandbox' | 'live';
  businessId?: string;
  pageId?: string;
  instagramActorId?: string;
  appId?: string;
  tokenMode?: 'user' | 'system_user';
  actor: Actor;
}

export interface ConnectResult {
  adAccountId: string;
  accountName: string;
  currency: string;
  timezone: string;
  environment: 'sandbox' | 'live';
  tokenMode: 'user' | 'system_user';
  tokenExpiresAt: string | null;
  scopes: string[];
  missingRequired: string[];
  missingRecommended: string[];
  agentCreated: boolean;
}

/**
 * Validates a Meta token against the ad account (debug_token, permissions, a read of the account) and
 * stores it sealed. Nothing is stored when any check fails, and the token never appears in a message.
 * Reconnecting an agent needs its operator; a Slack user who connects a new account (or one of its own
 * workspace that nobody operates yet) becomes its first operator, and the agent belongs to that
 * workspace. An ad account another workspace (or this machine alone) set up cannot be taken over.
 */
export async function connect(ctx: AppContext, input: ConnectInput): Promise<ConnectResult> {
  const adAccountId = normalizeAdAccountId(input.adAccount);
  const token = input.accessToken.trim();
  if (token.length < 8 || /\s/.test(token))
    throw new UsageError('--access-token does not look like a Meta access token');
  const { db } = await ctx.database();
  const claim = await mayConnect(db, input.actor, await agentByAccount(db, adAccountId), adAccountId);
  const client = ctx.metaClient(token);
  try {
    const info = await client.debugToken();
    if (!info.isValid) {
      throw new AppError({
        code: 'token_invalid',
        verdict: 'reauthenticate',
        message: `Meta says this access token is not valid${info.error?.message ? `: ${info.error.message.replace(/\.+$/, '')}` : ''}. Generate a new one and connect again.`,
      });
    }
    const granted = grantedPermissions(await client.getPermissions());
    const report = permissionReport(granted);
    if (!granted.includes('ads_read') && !granted.includes('ads_management')) {
      throw new AppError({
        code: 'permission_missing',
        verdict: 'permission',
        message:
          'This token cannot read ads: grant ads_read (and ads_management to execute actions), then connect again.',
        details: { granted },
      });
    }
    const account = await client.getAdAccount(adAccountId).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'meta_object_not_found') {
        throw new AppError({
          code: 'ad_account_not_reachable',
          verdict: 'permission',
          message: `Ad account ${adAccountId} does not exist, or this token cannot reach it: check the id, and that the System User has the ad account assigned in Business Settings. Nothing was stored.`,
        });
      }
      throw e;
    });
    const now = ctx.clock.now();
    const tokenMode = input.tokenMode ?? (info.type === 'SYSTEM_USER' ? 'system_user' : 'user');
    const connection = await replaceConnection(
      db,
      {
        id: newId('conn', now.getTime()),
        adAccountId,
        accessTokenSealed: seal(ctx.keyring(), token, TOKEN_PURPOSE),
        tokenMode,
        tokenExpiresAt: info.expiresAt,
        dataAccessExpiresAt: info.dataAccessExpiresAt,
        environment: input.environment,
        businessId: input.businessId ?? null,
        pageId: input.pageId ?? null,
        instagramActorId: input.instagramActorId ?? null,
        appId: input.appId ?? info.appId ?? null,
        scopes: granted,
        metaUserId: info.userId,
        validatedAt: now,
      },
      now,
    );
    const facts = {
      currency: account.currency,
      accountName: account.name ?? null,
      timezoneName: account.timezone_name ?? null,
    };
    const existing = await agentByAccount(db, adAccountId);
    const actor = input.actor;
    const workspace =
      actor.source === 'slack' && actor.workspaceId
        ? await ensureWorkspace(db, {
            id: newId('ws', now.getTime()),
            teamId: actor.workspaceId,
            installedBy: actorLabel(actor),
            at: now,
          })
        : undefined;
    if (existing) {
      const config = claim
        ? { config: configForStorage({ ...agentConfigOf(existing), operators: [actor.id] }) }
        : {};
      await updateAgent(db, existing.id, { connectionId: connection.id, ...facts, ...config }, now);
    } else {
      await insertAgent(db, {
        id: newId('agent', now.getTime()),
        connectionId: connection.id,
        adAccountId,
        ...facts,
        slackWorkspaceId: workspace?.id ?? null,
        config: configForStorage({
          ...storedAgentConfigSchema.parse({ operators: actor.source === 'slack' ? [actor.id] : [] }),
          executionEnabled: false,
          intervalSeconds: 21600,
          slackTarget: null,
        }),
        createdAt: now,
        updatedAt: now,
      });
    }
    ctx.logger.info('meta connected', {
      adAccountId,
      environment: input.environment,
      tokenMode,
      actor: actorLabel(actor),
    });
    return {
      adAccountId,
      accountName: account.name ?? adAccountId,
      currency: account.currency,
      timezone: account.timezone_name ?? 'UTC',
      environment: input.environment,
      tokenMode,
      tokenExpiresAt: info.expiresAt ? info.expiresAt.toISOString() : null,
      scopes: granted,
      missingRequired: report.missingRequired,
      missingRecommended: report.missingRecommended,
      agentCreated: !existing,
    };
  } finally {
    client.close();
  }
}

/**
 * Whether this actor may (re)connect the account, before anything is read or stored. Returns true when
 * a Slack actor claims an agent of its workspace that has no operator yet.
 */
async function mayConnect(
  db: Parameters<typeof agentByAccount>[0],
  actor: Actor,
  existing: AgentRow | undefined,
  adAccountId: string,
): Promise<boolean> {
  if (actor.source === 'worker') {
    throw new AppError({
      code: 'permission_denied',
      verdict: 'permission',
      message: 'The worker never connects ad accounts: an operator does. Nothing was stored.',
    });
  }
  if (!existing) return false;
  if (actor.source === 'slack') {
    const ws = actor.workspaceId ? await liveWorkspaceByTeam(db, actor.workspaceId) : undefined;
    if (!ws || existing.slackWorkspaceId !== ws.id) {
      throw new AppError({
        code: 'ad_account_taken',
        verdict: 'permission',
        message: `${adAccountId} is already set up outside this Slack workspace, so it cannot be connected from here. Nothing was stored.`,
      });
    }
    if (agentConfigOf(existing).operators.length === 0) return true;
  }
  authorize(actor, 'connect', existing);
  return false;
}
