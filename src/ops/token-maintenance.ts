import { eq } from 'drizzle-orm';
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { type ConnectionRow, connectionById, liveConnections } from '../db/repos/connections.js';
import { purgeOAuthLeftovers } from '../db/repos/oauth.js';
import { enqueueOutbox } from '../db/repos/outbox.js';
import { agents, metaConnections } from '../db/schema/index.js';
import { actorLabel, workerActor } from '../domain/actor.js';
import { tripDay } from '../domain/kill-switch.js';
import { open, seal } from '../lib/crypto.js';
import { type AppError, toAppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { renewLongLivedToken } from '../meta/oauth.js';
import { TOKEN_PURPOSE } from './connect.js';
import { RENEW_BEFORE_MS } from './connection-status.js';
import { fireTripsInTx } from './kill-switch.js';
import { appClient } from './meta-oauth.js';
import { REQUIRED_PERMISSIONS } from './permissions.js';

/** Outbox topic of the one message a broken connection posts in each of its agents' channels. */
export const CONNECTION_WARNING_TOPIC = 'slack.connection_warning' as const;

export interface ConnectionWarning {
  text: string;
  /** Channels the warning was queued for (agents with a report channel). */
  channels: string[];
}

export type MaintenanceOutcome =
  /** Nothing to do: valid, all permissions, not within 7 days of expiry. */
  | 'healthy'
  /** Renewed through fb_exchange_token. */
  | 'renewed'
  /** Meta could not be asked now (network, throttle); the next run tries again. Nothing changed. */
  | 'retry_later'
  /** The token is valid but lacks a required permission: warned (once), not halted. */
  | 'missing_scope'
  /** Revoked, expired or not renewable: its agents are halted and a warning was recorded (once). */
  | 'halted'
  /** Disconnected or replaced: nothing to maintain. */
  | 'skipped';

export interface MaintenanceResult {
  connectionId: string;
  adAccountId: string | null;
  outcome: MaintenanceOutcome;
  expiresAt: string | null;
  /** The warning recorded by this run (null when none was due: healthy, or already warned). */
  warning: ConnectionWarning | null;
  detail: string | null;
}

const WORKER = workerActor('maintenance');

/** Connections the daily maintenance visits: every live one (system-user tokens are checked, not renewed). */
export async function connectionsToMaintain(ctx: AppContext): Promise<string[]> {
  const { db } = await ctx.database();
  return (await liveConnections(db)).map((c) => c.id);
}

/**
 * The daily check of one connection (the worker's `maintenance` queue calls it): is the token still
 * valid (debug_token), does it hold the required permissions, and — for a user token within 7 days of
 * expiry — renew it with fb_exchange_token. Renewal happens under a row lock and only inside the window,
 * so it happens exactly once per expiry however often this runs. A token that is revoked, expired or
 * cannot be renewed halts its agents and records one warning for their channels (outbox topic
 * `slack.connection_warning`); later runs keep the agents halted but do not warn again until the token
 * has been healthy in between.
 */
export async function maintainToken(ctx: AppContext, connectionId: string): Promise<MaintenanceResult> {
  const { db } = await ctx.database();
  const c = await connectionById(db, connectionId);
  const base = {
    connectionId,
    adAccountId: c?.adAccountId ?? null,
    expiresAt: c?.tokenExpiresAt ? c.tokenExpiresAt.toISOString() : null,
  };
  if (!c || c.revokedAt || !c.accessTokenSealed)
    return { ...base, outcome: 'skipped', warning: null, detail: null };

  const token = open(ctx.keyring(), c.accessTokenSealed, TOKEN_PURPOSE);
  const client = ctx.metaClient(token);
  let info: Awaited<ReturnType<typeof client.debugToken>>;
  try {
    info = await client.debugToken();
  } catch (e) {
    const err = toAppError(e);
    if (err.verdict !== 'reauthenticate') return retryLater(ctx, base, err);
    return markBroken(ctx, db, c, 'invalid', brokenText(c, `Meta refused the token (${err.code})`));
  } finally {
    client.close();
  }
  const now = ctx.clock.now();
  if (!info.isValid) {
    const why = info.error?.code
      ? `Meta says it is no longer valid (code ${info.error.code}${info.error.subcode ? `/${info.error.subcode}` : ''})`
      : 'Meta says it is no longer valid';
    return markBroken(ctx, db, c, 'invalid', brokenText(c, why));
  }
  const scopes = [...info.scopes].sort();
  const missing = REQUIRED_PERMISSIONS.filter((p) => !scopes.includes(p));

  const expiresAt = info.expiresAt ?? c.tokenExpiresAt;
  const due =
    c.tokenMode === 'user' && expiresAt !== null && expiresAt.getTime() - now.getTime() <= RENEW_BEFORE_MS;
  if (due) {
    const renewed = await renewUnderLock(ctx, db, c.id, now);
    if (renewed.kind === 'retry') return retryLater(ctx, base, renewed.error);
    if (renewed.kind === 'failed')
      return markBroken(
        ctx,
        db,
        c,
        'refresh_failed',
        brokenText(
          c,
          `it could not be renewed before it expires on ${expiresAt?.toISOString().slice(0, 10)} (${renewed.error.code})`,
        ),
      );
    if (renewed.kind === 'renewed') {
      ctx.logger.info('meta token renewed', { connectionId: c.id, adAccountId: c.adAccountId });
      if (missing.length === 0)
        return { ...base, outcome: 'renewed', expiresAt: renewed.expiresAt, warning: null, detail: null };
    }
  }
  if (missing.length > 0) {
    const text = `The Meta login for ${c.adAccountId} is missing the permission${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: MetaBuyer cannot ${missing.includes('ads_management') ? 'change ads' : missing.includes('ads_read') ? 'read ads' : 'see business assets'} until it is granted. Reconnect with Connect with Facebook (keep every permission on), or \`metabuyer connect\` with a token that has it.`;
    const warning = await recordProblem(ctx, db, c, 'missing_scope', text, { halt: false, scopes });
    return { ...base, outcome: 'missing_scope', warning, detail: text };
  }
  if (c.health !== 'ok' || c.warnedAt || c.scopes.join(',') !== scopes.join(',')) {
    await db
      .update(metaConnections)
      .set({ health: 'ok', healthDetail: null, warnedAt: null, scopes, validatedAt: now, updatedAt: now })
      .where(eq(metaConnections.id, c.id));
  }
  return { ...base, outcome: 'healthy', warning: null, detail: null };
}

function retryLater(
  ctx: AppContext,
  base: Omit<MaintenanceResult, 'outcome' | 'warning' | 'detail'>,
  err: AppError,
): MaintenanceResult {
  ctx.logger.warn('meta token maintenance deferred', { connectionId: base.connectionId, code: err.code });
  return { ...base, outcome: 'retry_later', warning: null, detail: err.message };
}

type Renewal =
  | { kind: 'renewed'; expiresAt: string | null }
  | { kind: 'not_due' }
  | { kind: 'retry'; error: AppError }
  | { kind: 'failed'; error: AppError };

/** fb_exchange_token under a row lock: a second caller waits, then finds the token already renewed. */
async function renewUnderLock(ctx: AppContext, db: Db, id: string, now: Date): Promise<Renewal> {
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [row] = await tx.select().from(metaConnections).where(eq(metaConnections.id, id)).for('update');
    if (!row || row.revokedAt || !row.accessTokenSealed) return { kind: 'not_due' } as Renewal;
    if (row.tokenExpiresAt && row.tokenExpiresAt.getTime() - now.getTime() > RENEW_BEFORE_MS)
      return { kind: 'not_due' } as Renewal;
    const app = appClient(ctx);
    try {
      const grant = await renewLongLivedToken(app, open(ctx.keyring(), row.accessTokenSealed, TOKEN_PURPOSE));
      if (!grant.info.isValid) throw new Error('Meta issued a token it reports as not valid');
      const expiresAt =
        grant.info.expiresAt ??
        (grant.expiresIn ? new Date(now.getTime() + grant.expiresIn * 1000) : row.tokenExpiresAt);
      await tx
        .update(metaConnections)
        .set({
          accessTokenSealed: seal(ctx.keyring(), grant.accessToken, TOKEN_PURPOSE),
          tokenExpiresAt: expiresAt,
          dataAccessExpiresAt: grant.info.dataAccessExpiresAt ?? row.dataAccessExpiresAt,
          lastRefreshedAt: now,
          validatedAt: now,
          health: 'ok',
          healthDetail: null,
          warnedAt: null,
          updatedAt: now,
        })
        .where(eq(metaConnections.id, id));
      return { kind: 'renewed', expiresAt: expiresAt ? expiresAt.toISOString() : null } as Renewal;
    } catch (e) {
      const err = toAppError(e);
      return (err.retryable ? { kind: 'retry', error: err } : { kind: 'failed', error: err }) as Renewal;
    } finally {
      app.close();
    }
  });
}

function brokenText(c: ConnectionRow, why: string): string {
  return `The Meta login for ${c.adAccountId} stopped working: ${why}. MetaBuyer has halted this agent so that nothing runs on a dead login. Reconnect with Connect with Facebook in MetaBuyer's App Home (or \`metabuyer connect\`), then resume the agent.`;
}

async function markBroken(
  ctx: AppContext,
  db: Db,
  c: ConnectionRow,
  health: 'invalid' | 'refresh_failed',
  text: string,
): Promise<MaintenanceResult> {
  const warning = await recordProblem(ctx, db, c, health, text, { halt: true });
  ctx.logger.warn('meta token broken: agents halted', {
    connectionId: c.id,
    adAccountId: c.adAccountId,
    health,
  });
  return {
    connectionId: c.id,
    adAccountId: c.adAccountId,
    outcome: 'halted',
    expiresAt: c.tokenExpiresAt ? c.tokenExpiresAt.toISOString() : null,
    warning,
    detail: text,
  };
}

/**
 * Records a problem on the connection, halts its agents when asked, and — the first time only (warned_at
 * was null) — queues one warning per agent channel in the outbox, in the same transaction.
 */
async function recordProblem(
  ctx: AppContext,
  db: Db,
  c: ConnectionRow,
  health: 'invalid' | 'refresh_failed' | 'missing_scope',
  text: string,
  opts: { halt: boolean; scopes?: string[] },
): Promise<ConnectionWarning | null> {
  const now = ctx.clock.now();
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [row] = await tx.select().from(metaConnections).where(eq(metaConnections.id, c.id)).for('update');
    const firstTime = !row?.warnedAt || row.health !== health;
    await tx
      .update(metaConnections)
      .set({
        health,
        healthDetail: text,
        ...(opts.scopes ? { scopes: opts.scopes } : {}),
        ...(firstTime ? { warnedAt: now } : {}),
        updatedAt: now,
      })
      .where(eq(metaConnections.id, c.id));
    const bound = await tx.select().from(agents).where(eq(agents.connectionId, c.id));
    if (opts.halt) {
      // A dead token halts through the kill switch's path (event, halt, plan expired) whatever its
      // setting: nothing can run on it. The connection warning below is the one message posted.
      for (const a of bound.filter((x) => !x.halted)) {
        await fireTripsInTx(tx, {
          agentId: a.id,
          trips: [{ kind: 'token', reason: text, evidence: { health, connection_id: c.id } }],
          day: tripDay(now.getTime(), a.timezoneName),
          now,
          haltedBy: actorLabel(WORKER),
          post: false,
          force: true,
        });
      }
    }
    if (!firstTime) return null;
    const channels: string[] = [];
    for (const a of bound) {
      if (!a.slackChannelId) continue;
      channels.push(a.slackChannelId);
      await enqueueOutbox(tx, {
        id: newId('obx', now.getTime()),
        topic: CONNECTION_WARNING_TOPIC,
        // One warning per agent per unhealthy spell: the spell starts when it is first warned (now).
        dedupeKey: `connection-warning-${c.id}-${a.id}-${now.getTime()}`,
        payload: {
          v: 1,
          connection_id: c.id,
          agent_id: a.id,
          ad_account_id: a.adAccountId,
          channel_id: a.slackChannelId,
          problem: health,
          text,
        },
        now,
      });
    }
    return { text, channels };
  });
}

/**
 * The daily sweep beside maintainToken: Facebook logins nobody finished choosing an account for (older
 * than 24 hours) lose their sealed token, and login states older than a day are deleted.
 */
export async function purgeOAuthLogins(ctx: AppContext): Promise<{ grants: number; states: number }> {
  const { db } = await ctx.database();
  const now = ctx.clock.now();
  const purged = await purgeOAuthLeftovers(db, now, new Date(now.getTime() - 86_400_000));
  if (purged.grants || purged.states) ctx.logger.info('meta oauth leftovers purged', purged);
  return purged;
}
