import { createAppContext } from '../../app/context.js';
import { UsageError } from '../../lib/errors.js';
import { createLogger } from '../../lib/logger.js';
import { WorkerMetrics } from '../../worker/metrics.js';
import { startWorker } from '../../worker/worker.js';
import { defineCommand } from '../command.js';
import { summaryOf } from '../registry.js';

const USAGE = 'metabuyer worker [--json]';

/** Resolves on the first SIGTERM or SIGINT; a second one asks for an immediate stop. */
function stopSignals(): { first: Promise<string>; second: Promise<string>; dispose(): void } {
  const handlers: Array<[NodeJS.Signals, () => void]> = [];
  let seen = 0;
  let resolveFirst!: (s: string) => void;
  let resolveSecond!: (s: string) => void;
  const first = new Promise<string>((r) => {
    resolveFirst = r;
  });
  const second = new Promise<string>((r) => {
    resolveSecond = r;
  });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    const h = () => {
      seen++;
      if (seen === 1) resolveFirst(sig);
      else resolveSecond(sig);
    };
    process.on(sig, h);
    handlers.push([sig, h]);
  }
  const dispose = () => {
    for (const [s, h] of handlers) process.off(s, h);
  };
  return { first, second, dispose };
}

export const workerCommand = defineCommand({
  name: 'worker',
  noAdAccount: true,
  summary: summaryOf('worker'),
  usage: USAGE,
  flags: {},
  parse: () => ({}),
  async run(env) {
    const { config, redactor } = await env.context();
    if (!config.databaseUrl) {
      throw new UsageError(
        'metabuyer worker needs DATABASE_URL: it shares PostgreSQL with serve and the CLI (the embedded database serves one process only). Run `metabuyer init` against it first.',
        USAGE,
      );
    }
    if (!config.redisUrl) {
      throw new UsageError(
        'metabuyer worker needs REDIS_URL: its queues and schedules live in Redis.',
        USAGE,
      );
    }
    // A daemon's logs are its output: the configured level (default info), not the CLI's quiet default.
    const logger = createLogger({ level: config.logLevel, redactor });
    const metrics = new WorkerMetrics(logger);
    const ctx = createAppContext(config, {
      logger,
      meta: { logger: metrics.metaLogger(logger.child({ component: 'meta' })) },
    });
    const signals = stopSignals();
    try {
      const worker = await startWorker(ctx, { metrics });
      if (!env.json)
        env.io.err(`worker running (metrics and health on ${worker.http?.url}); SIGTERM or SIGINT stops it`);
      const signal = await signals.first;
      logger.info('stop signal received', { signal });
      const deadline = config.worker.shutdownTimeoutMs;
      const finished = await Promise.race([
        worker.close(deadline),
        signals.second.then(() => worker.close(0)),
      ]);
      return { stopped: true as const, signal, finished_in_time: finished };
    } finally {
      signals.dispose();
      await ctx.close();
      // Everything is closed above; should a library still hold a handle, do not outlive the deadline.
      setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
    }
  },
  text: (r) =>
    `worker stopped after ${r.signal}${r.finished_in_time ? '' : ' (some jobs were cut short at the deadline)'}.`,
});
