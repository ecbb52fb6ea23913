import type { Redis } from 'ioredis';
import type { Database } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ScheduleSync } from './schedule-port.js';

/**
 * The BullMQ schedule port, loaded on first use: commands that never touch a schedule do not pay for
 * importing BullMQ. The `poll` Queue shares the context's Redis connection, which the context closes.
 */
export function lazyBullSchedules(deps: {
  redis: () => Redis;
  prefix: string;
  database: () => Promise<Database>;
  clock: Clock;
  logger: Logger;
}): ScheduleSync {
  let impl: Promise<ScheduleSync> | undefined;
  const load = () => {
    impl ??= (async () => {
      const [{ Queue }, { BullPollSchedules }, { within }] = await Promise.all([
        import('bullmq'),
        import('./poll-schedules.js'),
        // Imports ioredis: loaded with BullMQ, not with the context.
        import('./connection.js'),
      ]);
      const queue = new Queue('poll', { connection: deps.redis(), prefix: deps.prefix });
      // The context's connection reports its own trouble; commands fail with their own message.
      queue.on('error', (e: Error) => deps.logger.debug('poll queue error', { error: e.message }));
      // Closing must not hang a command on a Redis that is down.
      return new BullPollSchedules({
        ...deps,
        queue,
        onClose: () => within(2_000, queue.close()).then(() => {}),
      });
    })();
    return impl;
  };
  return {
    sync: async (agentId) => (await load()).sync(agentId),
    syncAll: async () => (await load()).syncAll(),
    close: async () => {
      if (impl) await (await impl).close();
    },
  };
}
