import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { Database } from '../db/client.js';
import { lazyBullSchedules } from '../jobs/lazy-schedules.js';
import { noSchedules, type ScheduleSync } from '../jobs/schedule-port.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { type Config, configSecrets } from '../lib/config.js';
import type { Keyring } from '../lib/crypto.js';
import { loadKeyring } from '../lib/keyring-file.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { Redactor } from '../lib/redact.js';
import { createMetaClient, type MetaClient } from '../meta/client.js';
import type { MetaClientOptions } from '../meta/config.js';
import { InMemoryUsageStore, type UsageStore } from '../meta/usage-store.js';
import { RedisUsageStore } from '../meta/usage-store-redis.js';
import { type SlackThreadReader, WebApiThreadReader } from '../slack/thread-reader.js';

/**
 * Everything a command needs from the outside world, built once at start from the parsed Config and
 * passed down. Tests and the demo pass their own clock, database or Meta client options; nothing below
 * reads process.env.
 */
export interface AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly redactor: Redactor;
  /** Opens the database on first use. */
  database(): Promise<Database>;
  /**
   * The METABUYER_HOME whose read model may answer a read without opening the embedded database (see
   * db/home-snapshot.ts); undefined with PostgreSQL or a database passed in.
   */
  snapshotHome(): string | undefined;
  /** Loads (or, embedded, generates) the encryption keyring on first use. */
  keyring(): Keyring;
  /** A Meta client for one access token; every client of this process shares one usage governor. */
  metaClient(accessToken: string): MetaClient;
  /**
   * Reads approval threads from Slack with `botToken` (a workspace's own, in multi-workspace mode) or
   * SLACK_BOT_TOKEN; undefined when there is neither.
   */
  slackThreads(botToken?: string): SlackThreadReader | undefined;
  /** Redis when REDIS_URL is set (opened on first use); undefined otherwise. */
  redis(): Redis | undefined;
  /** Poll schedules (BullMQ with REDIS_URL, nothing otherwise); ops sync them after a change commits. */
  schedules(): ScheduleSync;
  close(): Promise<void>;
}

export interface ContextOverrides {
  clock?: Clock;
  logger?: Logger;
  database?: Database;
  /** Extra Meta client options (tests: instant sleep, fewer retries). */
  meta?: Partial<MetaClientOptions>;
  slackThreads?: SlackThreadReader;
  schedules?: ScheduleSync;
}

/**
 * ioredis, loaded when a command first needs Redis: most CLI calls never do, and importing it costs
 * them startup time. It is CommonJS, so it loads synchronously (redis() stays synchronous) and is the
 * same module instance an `import` elsewhere gets.
 */
function loadRedis(): typeof import('ioredis').Redis {
  return (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis;
}

export function createAppContext(config: Config, overrides: ContextOverrides = {}): AppContext {
  const redactor = new Redactor(configSecrets(config));
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, redactor });
  let database: Promise<Database> | undefined = overrides.database
    ? Promise.resolve(overrides.database)
    : undefined;
  let keyring: Keyring | undefined;
  const ownsDatabase = !overrides.database;
  let redis: Redis | undefined;
  let usageStore: UsageStore | undefined;
  let schedules: ScheduleSync | undefined;
  const clock = overrides.clock ?? systemClock;
  const openRedis = (): Redis | undefined => {
    if (!config.redisUrl) return undefined;
    if (!redis) {
      const Redis = loadRedis();
      redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
      // Connection trouble surfaces as failed commands; the events themselves are only worth a debug line.
      redis.on('error', (e: Error) => logger.debug('redis connection error', { error: e.message }));
    }
    return redis;
  };
  return {
    config,
    logger,
    redactor,
    clock,
    database() {
      // Loaded on first use: a call the read model answers never loads the database code.
      database ??= import('../db/client.js').then(({ openDatabase }) =>
        openDatabase({
          databaseUrl: config.databaseUrl,
          home: config.home,
          lockWaitMs: config.lockWaitMs,
          // The status read model, refreshed by every process that had the embedded database open.
          snapshot: async (db) => (await import('../ops/status-db.js')).computeStatusSnapshot(db),
        }),
      );
      return database;
    },
    snapshotHome() {
      return config.databaseUrl || !ownsDatabase ? undefined : config.home;
    },
    keyring() {
      keyring ??= loadKeyring(config);
      return keyring;
    },
    redis: openRedis,
    schedules() {
      if (overrides.schedules) return overrides.schedules;
      if (!config.redisUrl) return noSchedules;
      schedules ??= lazyBullSchedules({
        redis: () => openRedis()!,
        prefix: config.worker.queuePrefix,
        database: this.database.bind(this),
        clock,
        logger: logger.child({ component: 'schedules' }),
      });
      return schedules;
    },
    slackThreads(botToken?: string) {
      if (overrides.slackThreads) return overrides.slackThreads;
      const token = botToken ?? config.slack.botToken;
      return token ? new WebApiThreadReader({ botToken: token, apiUrl: config.slack.apiUrl }) : undefined;
    },
    metaClient(accessToken: string) {
      if (!usageStore) {
        const r = openRedis();
        usageStore = r
          ? // Under the deployment's prefix, so two deployments (or test runs) sharing a Redis do not
            // share throttle blocks on the same ad account id.
            new RedisUsageStore({ redis: r, prefix: `${config.worker.queuePrefix}:meta-usage` })
          : new InMemoryUsageStore();
      }
      return createMetaClient({
        graphUrl: config.meta.graphUrl,
        apiVersion: config.meta.apiVersion,
        ...(config.meta.appId ? { appId: config.meta.appId } : {}),
        ...(config.meta.appSecret ? { appSecret: config.meta.appSecret } : {}),
        accessToken,
        logger: logger.child({ component: 'meta' }),
        clock,
        usageStore,
        ...overrides.meta,
      });
    },
    async close() {
      if (schedules) await schedules.close().catch(() => {});
      if (database && ownsDatabase) await (await database).close();
      if (redis) await redis.quit().catch(() => redis?.disconnect());
    },
  };
}
