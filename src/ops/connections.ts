import { eq } from 'drizzle-orm';
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { agentByAccount, updateAgent } from '../db/repos/agents.js';
import { liveConnectionFor, liveConnections } from '../db/repos/connections.js';
import { agents, metaConnections } from '../db/schema/index.js';
import { type Actor, actorLabel } from '../domain/actor.js';
import { permits } from '../domain/policy.js';
import { AppError } from '../lib/errors.js';
import { agentConfigOf } from './agent-config.js';
import { normalizeAdAccountId } from './agent-scope.js';
import { type ConnectionStatus, connectionStatus } from './connection-status.js';

export interface ConnectionView {
  id: string;
  adAccountId: string;
  environment: 'sandbox' | 'live';
  method: 'oauth' | 'token';
  tokenType: 'user' | 'system_user';
  scopes: string[];
  connectedAt: string;
  expiresAt: string | null;
  lastRefreshedAt: string | null;
  status: ConnectionStatus;
  /** Why the status is not active, when maintenance said so. */
  detail: string | null;
}

/** Every live Meta connection: how it was made, its token, and its health now. */
export async function listConnections(ctx: AppContext): Promise<{ connections: ConnectionView[] }> {
  const { db } = await ctx.database();
  const now = ctx.clock.now();
  const rows = await liveConnections(db);
  return {
    connections: rows.map((c) => ({
      id: c.id,
      adAccountId: c.adAccountId,
      environment: c.environment,
      method: c.method,
      tokenType: c.tokenMode,
      scopes: c.scopes,
      connectedAt: c.createdAt.toISOString(),
      expiresAt: c.tokenExpiresAt ? c.tokenExpiresAt.toISOString() : null,
      lastRefreshedAt: c.lastRefreshedAt ? c.lastRefreshedAt.toISOString() : null,
      status: connectionStatus(c, now),
      detail: c.healthDetail,
    })),
  };
}

export interface DisconnectResult {
  adAccountId: string;
  connectionId: string;
  method: 'oauth' | 'token';
  disconnectedAt: string;
  haltedAgents: string[];
  /** Meta offers no remote revoke for long-lived tokens: the token stays valid at Meta until it expires. */
  remoteRevoke: false;
  tokenExpiresAt: string | null;
}

/**
 * Forgets an ad account's Meta credentials: the sealed token is blanked and the connection retired in one
 * transaction, and its agent is halted with the reason. Nothing is sent to Meta.
 */
export async function disconnect(
  ctx: AppContext,
  input: { adAccount: string; actor: Actor },
): Promise<DisconnectResult> {
  const adAccountId = normalizeAdAccountId(input.adAccount);
  const { db } = await ctx.database();
  const connection = await liveConnectionFor(db, adAccountId);
  if (!connection) {
    throw new AppError({
      code: 'not_connected',
      verdict: 'invalid',
      message: `${adAccountId} has no live Meta connection; nothing to disconnect.`,
    });
  }
  const agent = await agentByAccount(db, adAccountId);
  if (agent) {
    const p = permits(input.actor, 'connect', agentConfigOf(agent));
    if (!p.allowed)
      throw new AppError({
        code: 'not_permitted',
        verdict: 'permission',
        message: `Only an operator of ${adAccountId} can disconnect it.`,
      });
  }
  const now = ctx.clock.now();
  const who = actorLabel(input.actor);
  const reason = `Meta connection removed by ${who}; reconnect (Connect with Facebook or \`metabuyer connect\`) to resume.`;
  const halted = await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await tx
      .update(metaConnections)
      .set({ revokedAt: now, accessTokenSealed: '', disconnectedBy: who, updatedAt: now })
      .where(eq(metaConnections.id, connection.id));
    const bound = await tx.select().from(agents).where(eq(agents.connectionId, connection.id));
    for (const a of bound) {
      await updateAgent(tx, a.id, { halted: true, haltedReason: reason, haltedBy: who, haltedAt: now }, now);
    }
    return bound.map((a) => a.adAccountId);
  });
  ctx.logger.info('meta disconnected', { adAccountId, connectionId: connection.id, actor: who });
  return {
    adAccountId,
    connectionId: connection.id,
    method: connection.method,
    disconnectedAt: now.toISOString(),
    haltedAgents: halted,
    remoteRevoke: false,
    tokenExpiresAt: connection.tokenExpiresAt ? connection.tokenExpiresAt.toISOString() : null,
  };
}
