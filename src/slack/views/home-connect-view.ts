import type { AppContext } from '../../app/context.js';
import type { Db } from '../../db/client.js';
import { type AgentRow, agentsOfWorkspace } from '../../db/repos/agents.js';
import { type ConnectionRow, connectionById } from '../../db/repos/connections.js';
import { liveWorkspaceByTeam } from '../../db/repos/slack-workspaces.js';
import type { Actor } from '../../domain/actor.js';
import { mayConnectHere } from '../../domain/policy.js';
import { AppError, toAppError } from '../../lib/errors.js';
import { agentConfigOf } from '../../ops/agent-config.js';
import { connectionStatus } from '../../ops/connection-status.js';
import { beginMetaOAuth } from '../../ops/meta-oauth.js';
import { listOfferedAdAccounts } from '../../ops/meta-oauth-choose.js';
import { REQUIRED_PERMISSIONS } from '../../ops/permissions.js';
import type { HomeConnectionView, HomeConnectView } from '../blocks/types.js';

export interface WorkspaceAgent {
  agent: AgentRow;
  /** The agent's connection, live or disconnected (revoked_at set). */
  connection: ConnectionRow | null;
}

/** The agents of a Slack workspace, each with its connection as it is now (disconnected ones too). */
export async function workspaceAgents(db: Db, teamId: string): Promise<WorkspaceAgent[]> {
  const ws = await liveWorkspaceByTeam(db, teamId);
  if (!ws) return [];
  const out: WorkspaceAgent[] = [];
  for (const agent of await agentsOfWorkspace(db, ws.id))
    out.push({ agent, connection: (await connectionById(db, agent.connectionId)) ?? null });
  return out;
}

/** Whether this Slack user may connect Meta from this workspace (policy: mayConnectHere). */
export function mayConnectFrom(viewer: Actor, agents: readonly WorkspaceAgent[]): boolean {
  return mayConnectHere(
    viewer,
    agents.map(({ agent }) => agentConfigOf(agent)),
  );
}

/** One connection as App Home lists it: green, or red with the reason in words. */
export function connectionViewOf(agent: AgentRow, c: ConnectionRow, now: Date): HomeConnectionView {
  const status = connectionStatus(c, now);
  const detail = c.healthDetail ? `: ${c.healthDetail}` : '';
  const missing = REQUIRED_PERMISSIONS.filter((p) => !c.scopes.includes(p));
  const health: HomeConnectionView['health'] = (() => {
    switch (status) {
      case 'active':
        return { ok: true, note: null };
      case 'expiring_soon':
        return {
          ok: true,
          note: c.tokenMode === 'user' ? 'renewal due: MetaBuyer renews it daily' : 'expires soon',
        };
      case 'expired':
        return { ok: false, reason: 'expired: reconnect to resume' };
      case 'revoked':
        return { ok: false, reason: `revoked: Meta no longer accepts this token${detail}` };
      case 'refresh_failed':
        return { ok: false, reason: `cannot renew${detail}` };
      case 'missing_scope':
        return {
          ok: false,
          reason: `missing scope: ${missing.length > 0 ? missing.join(', ') : (c.healthDetail ?? 'a required permission')}`,
        };
      default:
        return {
          ok: false,
          reason: `disconnected${c.disconnectedBy ? ` by ${c.disconnectedBy}` : ''}: reconnect to resume`,
        };
    }
  })();
  return {
    adAccountId: c.adAccountId,
    accountName: agent.accountName,
    environment: c.environment,
    method: c.method,
    tokenType: c.tokenMode,
    expiresAt: c.tokenExpiresAt ? c.tokenExpiresAt.toISOString() : null,
    lastRefreshedAt: c.lastRefreshedAt ? c.lastRefreshedAt.toISOString() : null,
    health,
    disconnected: status === 'disconnected',
  };
}

/**
 * The connect part of App Home for a viewer who may connect: a fresh Facebook Login dialog URL (a new
 * single-use state bound to this viewer, valid 15 minutes; null when the Meta app is not configured),
 * and the account choice when the viewer's login is waiting for one.
 */
export async function homeConnectOf(
  ctx: AppContext,
  viewer: Actor,
  input: { channelId: string | null; environment?: 'sandbox' | 'live' },
): Promise<HomeConnectView> {
  let dialogUrl: string | null = null;
  try {
    dialogUrl = (
      await beginMetaOAuth(ctx, { actor: viewer, ...(input.channelId ? { channel: input.channelId } : {}) })
    ).url;
  } catch (e) {
    if (toAppError(e).code !== 'config_missing')
      ctx.logger.warn('home: no Facebook login link', { code: toAppError(e).code });
  }
  try {
    const offered = await listOfferedAdAccounts(ctx, { actor: viewer });
    return {
      dialogUrl,
      picker: {
        accounts: offered.accounts.map((a) => ({
          adAccountId: a.adAccountId,
          name: a.name,
          currency: a.currency,
        })),
        channelId: offered.channelId ?? input.channelId,
        environment: input.environment ?? 'sandbox',
        tokenExpiresAt: offered.tokenExpiresAt,
      },
      problem: null,
    };
  } catch (e) {
    if (e instanceof AppError && e.code === 'oauth_login_missing')
      return { dialogUrl, picker: null, problem: null };
    ctx.logger.warn('home: could not list the offered ad accounts', { code: toAppError(e).code });
    return {
      dialogUrl,
      picker: null,
      problem: `Your Facebook login could not list its ad accounts (${ctx.redactor.string(toAppError(e).message)}). Press Connect with Facebook again.`,
    };
  }
}
