import { Redis, type RedisOptions } from 'ioredis';

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
export function workerConnection(redisUrl: string, name: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}

export function producerConnection(redisUrl: string, name: string, extra: RedisOptions = {}): Redis {
  return new Redis(redisUrl, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
    connectionName: name,
    ...extra,
  });
}

/** Closes a connection politely, or drops it if Redis does not answer. */
export async function closeConnection(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  await redis.quit().catch(() => redis.disconnect());
}
