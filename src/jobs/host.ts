import {
  DelayedError,
  type Job,
  type Processor,
  RateLimitError,
  UnrecoverableError,
  Worker,
  type WorkerOptions,
} from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError, isAppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { WorkerMetrics } from '../worker/metrics.js';
import { within } from './connection.js';
import type { JobDefinition, PayloadOf, QueueName } from './definitions.js';
import { describeIssues, type JobQueues } from './queues.js';

/** What a handler gets besides its checked payload. */
export interface JobRun {
  readonly job: Job;
  /** BullMQ's lock token for this attempt: needed to move the job to delayed (job.moveToDelayed). */
  readonly token: string | undefined;
  /** Carries job_id, job, queue and (when the payload names one) agent_id. */
  readonly logger: Logger;
  readonly queues: JobQueues;
}

export type JobHandler<D extends JobDefinition> = (payload: PayloadOf<D>, run: JobRun) => Promise<unknown>;

/**
 * A definition bound to its handler. Execute, rollback, reconcile and the outbox relay plug in here:
 * `handle(executeJob, runConfirmationHandler)`, added to the list the worker is started with.
 */
export interface JobRegistration<D extends JobDefinition = JobDefinition> {
  readonly definition: D;
  readonly handler: JobHandler<D>;
}

export function handle<D extends JobDefinition>(definition: D, handler: JobHandler<D>): JobRegistration<D> {
  return { definition, handler };
}

/** Per-queue worker settings; anything not given keeps BullMQ's default. */
export type QueueSettings = Pick<
  WorkerOptions,
  'concurrency' | 'limiter' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'
>;

/** Polls are long and Meta's budget is shared: two at a time. Slack posts are short: four. */
export const DEFAULT_QUEUE_SETTINGS: Partial<Record<QueueName, QueueSettings>> = {
  poll: { concurrency: 2, lockDuration: 120_000 },
  slack: { concurrency: 4 },
};

export interface JobHostOptions {
  connection: Redis;
  prefix: string;
  queues: JobQueues;
  logger: Logger;
  metrics?: WorkerMetrics;
  registrations: readonly JobRegistration[];
  settings?: Partial<Record<QueueName, QueueSettings>>;
}

/** Errors a retry cannot fix: a person must act (reconnect, grant, fix the input). */
function isPermanent(e: unknown): boolean {
  return (
    isAppError(e) && (e.verdict === 'invalid' || e.verdict === 'permission' || e.verdict === 'reauthenticate')
  );
}

function isDeferral(e: unknown): boolean {
  return e instanceof DelayedError || e instanceof RateLimitError || (e as Error)?.name === 'DelayedError';
}

/**
 * Runs the registered handlers: one BullMQ Worker per queue that has any, dispatching by job name.
 * Every payload is checked against its definition before the handler is called; a payload that fails
 * the check fails the job at once (UnrecoverableError: no retries) with a message naming the fields.
 */
export class JobHost {
  private readonly workers: Worker[] = [];

  constructor(private readonly opts: JobHostOptions) {
    const byQueue = new Map<QueueName, Map<string, JobRegistration>>();
    for (const r of opts.registrations) {
      const q = byQueue.get(r.definition.queue) ?? new Map<string, JobRegistration>();
      if (q.has(r.definition.name)) throw new Error(`job ${r.definition.name} is registered twice`);
      q.set(r.definition.name, r);
      byQueue.set(r.definition.queue, q);
    }
    for (const [queue, handlers] of byQueue) {
      const settings = { ...DEFAULT_QUEUE_SETTINGS[queue], ...opts.settings?.[queue] };
      const worker = new Worker(queue, this.processor(queue, handlers), {
        connection: opts.connection,
        prefix: opts.prefix,
        autorun: false,
        ...settings,
      });
      worker.on('failed', (job, err) => {
        opts.logger.warn('job failed', {
          job_id: job?.id,
          job: job?.name,
          queue,
          attempts_made: job?.attemptsMade,
          final: job
            ? job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError
            : true,
          error: err.message,
        });
      });
      worker.on('error', (err) => opts.logger.error('queue worker error', { queue, error: err.message }));
      this.workers.push(worker);
    }
  }

  /** The queues this host consumes. */
  get queueNames(): string[] {
    return this.workers.map((w) => w.name);
  }

  /** Starts taking jobs; resolves once every worker is connected and waiting. */
  async start(): Promise<void> {
    for (const w of this.workers) {
      w.run().catch((e: Error) =>
        this.opts.logger.error('queue worker stopped', { queue: w.name, error: e.message }),
      );
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  /**
   * Stops taking jobs and lets the jobs in hand finish, for at most `deadlineMs`; then closes anyway
   * (a job cut short is not lost: its lock lapses and the stalled-job check hands it to another worker).
   * Returns whether everything finished in time.
   */
  async close(deadlineMs: number): Promise<boolean> {
    const finished = await within(deadlineMs, Promise.all(this.workers.map((w) => w.close())));
    if (!finished) {
      // BullMQ cannot force a close that has begun; the caller drops the Redis connections instead, and
      // the cut-short jobs' locks lapse so the stalled-job check hands them to another worker.
      this.opts.logger.warn('jobs still running at the shutdown deadline; closing anyway', {
        deadline_ms: deadlineMs,
      });
    }
    return finished;
  }

  private processor(queue: QueueName, handlers: Map<string, JobRegistration>): Processor {
    const { logger, metrics, queues } = this.opts;
    return async (job, token) => {
      const started = Date.now();
      const due = job.timestamp + (job.delay ?? 0);
      metrics?.jobWait.observe({ queue }, Math.max(0, started - due) / 1000);
      const reg = handlers.get(job.name);
      const base = logger.child({ job_id: job.id, job: job.name, queue });
      const observe = (outcome: string) =>
        metrics?.jobDuration.observe({ queue, job: job.name, outcome }, (Date.now() - started) / 1000);
      if (!reg) {
        observe('invalid');
        base.error('job refused: no handler for this job name on this queue');
        throw new UnrecoverableError(`No handler for job "${job.name}" on queue "${queue}".`);
      }
      const parsed = reg.definition.schema.safeParse(job.data);
      if (!parsed.success) {
        const err = new AppError({
          code: 'job_payload_invalid',
          verdict: 'invalid',
          message: `Job ${reg.definition.name} v${reg.definition.version} has an invalid payload: ${describeIssues(parsed.error)}`,
        });
        observe('invalid');
        base.error('job refused: invalid payload', { error: err.message });
        throw new UnrecoverableError(err.message);
      }
      const payload = parsed.data as Record<string, unknown>;
      const log = typeof payload.agentId === 'string' ? base.child({ agent_id: payload.agentId }) : base;
      log.debug('job started', { attempt: job.attemptsMade + 1 });
      try {
        const result = await reg.handler(parsed.data, { job, token, logger: log, queues });
        observe('completed');
        log.info('job completed', { ms: Date.now() - started });
        return result;
      } catch (e) {
        if (isDeferral(e)) {
          observe('deferred');
          throw e;
        }
        observe('failed');
        log.warn('job attempt failed', {
          attempt: job.attemptsMade + 1,
          code: isAppError(e) ? e.code : undefined,
          error: (e as Error).message,
        });
        // A retry cannot fix bad input or missing credentials: fail now, with the operator's message.
        if (isPermanent(e)) throw new UnrecoverableError((e as Error).message);
        throw e;
      }
    };
  }
}
