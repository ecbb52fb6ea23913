import { QueueEvents } from 'bullmq';
import type { AppContext } from '../app/context.js';
import { confirmationById } from '../db/repos/confirmations.js';
import type { Actor } from '../domain/actor.js';
import { AppError } from '../lib/errors.js';
import { resolveFor } from '../ops/agent-scope.js';
import type { ExecuteResult } from '../ops/execute.js';
import type { RollbackResult } from '../ops/rollback.js';
import type { RunNowResult } from '../ops/run-now.js';
import { closeConnection, producerConnection } from './connection.js';
import {
  executeJob,
  type JobDefinition,
  jobIdOf,
  type PayloadOf,
  type QueueName,
  rollbackJob,
  runNowJob,
} from './definitions.js';
import { relayJobId } from './outbox-relay.js';
import { JobQueues } from './queues.js';

export const NO_WORKER_MESSAGE =
  'No worker is running: start `metabuyer worker`, or unset REDIS_URL to run in-process.';

/**
 * The CLI's side of "with REDIS_URL set, run-now, execute-actions and rollback-actions go through the
 * queue and wait for the result": checks that a worker consumes the queue (before anything is recorded),
 * adds the job and waits for it to finish, at most config.worker.queueWaitMs.
 */
export class QueueClient {
  private constructor(
    private readonly ctx: AppContext,
    private readonly queues: JobQueues,
  ) {}

  static open(ctx: AppContext): QueueClient {
    const url = ctx.config.redisUrl!;
    const connection = producerConnection(url, 'metabuyer-cli', ctx.logger);
    return new QueueClient(ctx, new JobQueues(connection, ctx.config.worker.queuePrefix));
  }

  /** Refuses (changing nothing) when no worker consumes this queue. */
  async ensureWorker(queue: QueueName): Promise<void> {
    let workers: unknown[];
    try {
      workers = await this.queues.queue(queue).getWorkers();
    } catch (e) {
      throw new AppError({
        code: 'redis_unavailable',
        verdict: 'retry',
        message: `Cannot reach Redis at REDIS_URL to hand the work to a worker (${(e as Error).message}): start Redis, or unset REDIS_URL to run in-process. Nothing was changed.`,
      });
    }
    if (workers.length === 0) {
      throw new AppError({ code: 'no_worker', verdict: 'retry', message: NO_WORKER_MESSAGE });
    }
  }

  /** Adds the job (or finds the one with its id) and waits for its return value. */
  async run<D extends JobDefinition>(
    def: D,
    payload: PayloadOf<D>,
    opts: { jobId: string; attempts?: number },
  ): Promise<unknown> {
    const timeoutMs = this.ctx.config.worker.queueWaitMs;
    const events = new QueueEvents(def.queue, {
      connection: this.queues.connection.duplicate({ maxRetriesPerRequest: null }),
      prefix: this.queues.prefix,
    });
    events.on('error', () => {});
    try {
      await events.waitUntilReady();
      const job = await this.queues.enqueue(def, payload, opts);
      try {
        return await job.waitUntilFinished(events, timeoutMs);
      } catch (e) {
        const message = (e as Error).message;
        if (/timed out/i.test(message)) {
          throw new AppError({
            code: 'queue_timeout',
            verdict: 'retry',
            message: `The worker did not finish job ${job.id} within ${Math.round(timeoutMs / 1000)} s; it goes on in the worker. Check \`metabuyer status\` and \`metabuyer action-log\` (or raise METABUYER_QUEUE_WAIT_MS).`,
          });
        }
        throw new AppError({
          code: 'job_failed',
          verdict: 'invalid',
          message: this.ctx.redactor.string(message),
        });
      }
    } finally {
      await events.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    const connection = this.queues.connection;
    await this.queues.close().catch(() => {});
    await closeConnection(connection);
  }
}

async function withClient<T>(ctx: AppContext, fn: (c: QueueClient) => Promise<T>): Promise<T> {
  const client = QueueClient.open(ctx);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** run-now through a worker: the worker polls as this operator and returns what run-now returns. */
export function runNowViaQueue(
  ctx: AppContext,
  input: { adAccount?: string; actor: Actor },
): Promise<RunNowResult> {
  return withClient(ctx, async (client) => {
    const { agent } = await resolveFor(
      ctx,
      input.actor,
      input.adAccount ? { adAccount: input.adAccount } : {},
    );
    await client.ensureWorker(runNowJob.queue);
    const result = await client.run(
      runNowJob,
      { v: 1, agentId: agent.id, operator: input.actor.id },
      // The operator is waiting: a failure is reported now, not retried in a minute.
      { jobId: jobIdOf('run-now', agent.id, Date.now()), attempts: 1 },
    );
    return result as RunNowResult;
  });
}

/**
 * A recorded confirmation run by a worker: the job id is the one the outbox relay gives the same row, so
 * the CLI's job and the relay's hand-off are one job. The result is the one stored with the confirmation.
 */
export async function runConfirmationViaQueue(
  ctx: AppContext,
  client: QueueClient,
  confirmationId: string,
  kind: 'execute' | 'rollback',
): Promise<ExecuteResult | RollbackResult> {
  const def = kind === 'execute' ? executeJob : rollbackJob;
  await client.run(
    def,
    { v: 1, confirmationId },
    { jobId: relayJobId({ dedupeKey: confirmationId, attempts: 1 }) },
  );
  const { db } = await ctx.database();
  const conf = await confirmationById(db, confirmationId);
  if (conf?.status !== 'done' || !conf.result) {
    throw new AppError({
      code: 'confirmation_not_finished',
      verdict: 'retry',
      message: `The worker finished its job but confirmation ${confirmationId} has no result yet; \`metabuyer reconcile\` settles it.`,
    });
  }
  return conf.result as unknown as ExecuteResult | RollbackResult;
}

export { withClient as withQueueClient };
