import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../lib/logger.js';

/**
 * Redis connections for BullMQ, from REDIS_URL. ioredis reads host, port, password, TLS (rediss://) and
 * the database number (`redis://host:6379/3`) from the URL itself, so queues land in the database the
 * operator chose.
 *
 * Workers block on Redis and must never give up on a command while Redis restarts, hence
 * `maxRetriesPerRequest: null` (BullMQ requires it for workers). Producers — an operator's CLI command
 * enqueuing or re-scheduling — would rather fail fast with a clear message than hang, so they keep a
 * small retry budget and do not queue commands while offline.
 */
export function workerConnection(redisUrl: string, name: string, logger?: Logger): Redis {
  return watched(new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: name }), name, logger);
}

export function producerConnection(
  redisUrl: string,
  name: string,
  logger?: Logger,
  extra: RedisOptions = {},
): Redis {
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
    connectionName: name,
    ...extra,
  });
  return watched(redis, name, logger);
}

/**
 * ioredis reconnects by itself; an unheard 'error' event would only be printed to the console by it.
 * Log the first failure of an outage and its recovery, not every reconnect attempt.
 */
function watched(redis: Redis, name: string, logger: Logger | undefined): Redis {
  let down = false;
  redis.on('error', (e: Error) => {
    if (!down) logger?.warn('redis connection lost; reconnecting', { connection: name, error: e.message });
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger?.info('redis connection back', { connection: name });
    down = false;
  });
  return redis;
}

/** Closes a connection politely, or drops it if Redis does not answer within `graceMs` (it may be down). */
export async function closeConnection(redis: Redis, graceMs = 1_000): Promise<void> {
  if (redis.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  const polite = redis.quit().then(
    () => true,
    () => false,
  );
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const quitted = await Promise.race([polite, late]);
  clearTimeout(timer);
  if (!quitted) redis.disconnect();
}

/** Waits for `work` at most `ms`; returns whether it finished. Shutdown steps must not hang on a dead Redis. */
export async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = await Promise.race([
    work.then(
      () => true as const,
      () => true as const,
    ),
    late,
  ]);
  clearTimeout(timer);
  return done;
}
