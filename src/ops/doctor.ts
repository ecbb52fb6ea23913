import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { AppContext } from '../app/context.js';
import { databaseConnectionProblem, queryFailureText } from '../db/errors.js';
import { allAgents } from '../db/repos/agents.js';
import { type ConnectionRow, liveConnections } from '../db/repos/connections.js';
import { toAppError } from '../lib/errors.js';
import type { MetaClient } from '../meta/client.js';
import { normalizeAdAccountId } from './agent-scope.js';
import { openAccessToken } from './credentials.js';
import { grantedPermissions, permissionReport } from './permissions.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';
export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
}
export interface DoctorResult {
  checks: Check[];
}

const RETIRED_FOR_ADS = 23;
const EXPIRY_WARNING_DAYS = 7;

/**
 * Health checks an operator runs before trusting the agent. Each check passes, warns or fails with a
 * detail that says what to do; one failing check never hides the others.
 */
export async function doctor(ctx: AppContext, input: { adAccount?: string }): Promise<DoctorResult> {
  const checks: Check[] = [];
  const add = (name: string, status: CheckStatus, detail: string) => checks.push({ name, status, detail });

  const connection = await databaseCheck(ctx, input.adAccount, add);
  if (ctx.config.redisUrl) await redisCheck(ctx, add);
  versionCheck(ctx, add);

  if (!connection) return { checks };
  let token: string;
  try {
    token = openAccessToken(ctx, connection);
    add(
      'meta_runtime',
      'pass',
      `Credentials for ${connection.adAccountId} (${connection.environment}) are stored and decrypt.`,
    );
  } catch (e) {
    add('meta_runtime', 'fail', toAppError(e).message);
    return { checks };
  }
  maintenanceCheck(connection, add);
  const client = ctx.metaClient(token);
  try {
    await metaChecks(client, connection, ctx.clock.now(), add);
  } finally {
    client.close();
  }
  return { checks };
}

type Add = (name: string, status: CheckStatus, detail: string) => void;

/** What the daily token maintenance found (src/ops/token-maintenance.ts), without calling Meta again. */
function maintenanceCheck(c: ConnectionRow, add: Add): void {
  if (c.health === 'ok' && c.method !== 'oauth') return;
  if (c.health === 'missing_scope')
    add('token_maintenance', 'fail', c.healthDetail ?? 'A required permission is missing.');
  else if (c.health !== 'ok')
    add('token_maintenance', 'fail', c.healthDetail ?? 'The Meta login stopped working: reconnect.');
  else
    add(
      'token_maintenance',
      'pass',
      `Connected with Facebook; last renewed ${c.lastRefreshedAt?.toISOString() ?? 'never'}; renewed automatically 7 days before it expires.`,
    );
}

async function databaseCheck(
  ctx: AppContext,
  adAccount: string | undefined,
  add: Add,
): Promise<ConnectionRow | undefined> {
  try {
    const database = await ctx.database();
    await database.db.execute(sql`select 1`);
    const connections = await liveConnections(database.db).catch(() => null);
    if (connections === null) {
      add('database', 'fail', `${database.where} is reachable but not initialised: run \`metabuyer init\`.`);
      add('meta_runtime', 'fail', 'No database yet: run `metabuyer init`, then `metabuyer connect`.');
      return undefined;
    }
    add('database', 'pass', `${database.where}, migrated.`);
    const wanted = adAccount ? normalizeAdAccountId(adAccount) : undefined;
    const agents = await allAgents(database.db);
    const connection = wanted
      ? connections.find((c) => c.adAccountId === wanted)
      : connections.length === 1
        ? connections[0]
        : connections.find((c) => c.adAccountId === agents[0]?.adAccountId);
    if (!connection) {
      add(
        'meta_runtime',
        'fail',
        wanted
          ? `No Meta connection for ${wanted}: run \`metabuyer connect --access-token … --ad-account ${wanted}\`.`
          : 'No Meta connection: run `metabuyer connect --access-token … --ad-account act_…`.',
      );
      return undefined;
    }
    return connection;
  } catch (e) {
    add(
      'database',
      'fail',
      databaseConnectionProblem(e)?.message ??
        queryFailureText(e) ??
        `Cannot use the database: ${toAppError(e).message}. Check DATABASE_URL, or run \`metabuyer init\`.`,
    );
    return undefined;
  }
}

async function redisCheck(ctx: AppContext, add: Add): Promise<void> {
  // A throwaway connection that does not retry, so a down Redis is reported at once, not reconnected to.
  const url = ctx.config.redisUrl!;
  const where = (() => {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  })();
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let lastError: (Error & { code?: string }) | undefined;
  probe.on('error', (e: Error) => {
    lastError = e;
  });
  try {
    await probe.connect();
    const pong = await probe.ping();
    add(
      'redis',
      pong === 'PONG' ? 'pass' : 'fail',
      pong === 'PONG' ? `Redis at ${where} answers.` : `Redis at ${where} answered ${pong}.`,
    );
  } catch (e) {
    const reason = lastError?.code ?? (e as { code?: string }).code ?? toAppError(e).message;
    add('redis', 'fail', `Cannot reach Redis at ${where} (${reason}): start Redis or fix REDIS_URL.`);
  } finally {
    probe.disconnect();
  }
}

function versionCheck(ctx: AppContext, add: Add): void {
  const major = Number(/^v(\d+)/.exec(ctx.config.meta.apiVersion)?.[1]);
  if (major <= RETIRED_FOR_ADS) {
    add(
      'meta_api_version',
      'fail',
      `${ctx.config.meta.apiVersion} is retired for the Marketing API: set META_API_VERSION=v26.0.`,
    );
  } else {
    add('meta_api_version', 'pass', `Graph API ${ctx.config.meta.apiVersion}.`);
  }
}

async function metaChecks(client: MetaClient, connection: ConnectionRow, now: Date, add: Add): Promise<void> {
  try {
    const account = await client.getAdAccount(connection.adAccountId);
    const active = account.account_status === undefined || Number(account.account_status) === 1;
    add(
      'meta_api_read',
      active ? 'pass' : 'warn',
      active
        ? `Read ${account.name ?? connection.adAccountId} (${account.currency}).`
        : `Read ${connection.adAccountId}, but its account_status is ${account.account_status} (not active): it cannot deliver; check billing in Ads Manager.`,
    );
  } catch (e) {
    add('meta_api_read', 'fail', `Cannot read ${connection.adAccountId}: ${toAppError(e).message}`);
  }
  try {
    const granted = grantedPermissions(await client.getPermissions());
    const { missingRequired, missingRecommended } = permissionReport(granted);
    if (missingRequired.length > 0) {
      add(
        'meta_permissions',
        'fail',
        `Missing ${missingRequired.join(', ')}: grant them to the token (System User in Business Settings) and connect again.`,
      );
    } else if (missingRecommended.length > 0) {
      add(
        'meta_permissions',
        'warn',
        `Granted ${granted.join(', ')}; missing ${missingRecommended.join(', ')} (needed only for sandbox creatives).`,
      );
    } else {
      add('meta_permissions', 'pass', `Granted ${granted.join(', ')}.`);
    }
  } catch (e) {
    add('meta_permissions', 'fail', `Cannot list the token's permissions: ${toAppError(e).message}`);
  }
  try {
    const info = await client.debugToken();
    if (!info.isValid) {
      add(
        'token_expiry',
        'fail',
        `The token is no longer valid${info.error?.message ? ` (${info.error.message})` : ''}: generate a new one and run \`metabuyer connect\`.`,
      );
    } else if (!info.expiresAt) {
      add('token_expiry', 'pass', 'The token never expires.');
    } else {
      const days = (info.expiresAt.getTime() - now.getTime()) / 86_400_000;
      if (days <= 0)
        add(
          'token_expiry',
          'fail',
          `The token expired on ${info.expiresAt.toISOString()}: run \`metabuyer connect\` with a new one.`,
        );
      else if (days < EXPIRY_WARNING_DAYS)
        add(
          'token_expiry',
          'warn',
          `The token expires in ${Math.floor(days * 24)} hours (${info.expiresAt.toISOString()}): renew it soon, or use a System User token.`,
        );
      else
        add(
          'token_expiry',
          'pass',
          `The token expires on ${info.expiresAt.toISOString()} (in ${Math.floor(days)} days).`,
        );
    }
  } catch (e) {
    add('token_expiry', 'fail', `Cannot inspect the token: ${toAppError(e).message}`);
  }
}
