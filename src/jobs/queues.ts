import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError } from '../lib/errors.js';
import { type JobDefinition, type PayloadOf, QUEUE_NAMES, type QueueName } from './definitions.js';

/**
 * How long finished jobs stay in Redis. Completed poll jobs are kept for a week so that a duplicate
 * tick (same job id) is refused by BullMQ itself; failures stay a month for the operator to read.
 */
const KEEP_COMPLETED = { age: 7 * 24 * 3600, count: 5_000 };
const KEEP_FAILED = { age: 30 * 24 * 3600, count: 5_000 };

/** Retries per queue: Meta and Slack faults pass; a poll that failed three times waits for its next slot. */
const RETRIES: Partial<Record<QueueName, Pick<JobsOptions, 'attempts' | 'backoff'>>> = {
  poll: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
  slack: { attempts: 6, backoff: { type: 'exponential', delay: 5_000 } },
  // runConfirmation is idempotent: a retry reports what is settled and runs only what is not.
  execute: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
  rollback: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
  maintenance: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
};

export function defaultJobOptions(queue: QueueName): JobsOptions {
  return { removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED, ...RETRIES[queue] };
}

/** A payload that does not match its definition: never enqueued, never retried. */
export function invalidPayload(def: JobDefinition, issues: string): AppError {
  return new AppError({
    code: 'job_payload_invalid',
    verdict: 'invalid',
    message: `Job ${def.name} v${def.version} has an invalid payload: ${issues}`,
    details: { job: def.name, version: def.version },
  });
}

export function describeIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }) {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(payload)'} ${i.message}`).join('; ');
}

/** Checks a payload against its definition; returns the parsed payload or throws job_payload_invalid. */
export function checkPayload<D extends JobDefinition>(def: D, data: unknown): PayloadOf<D> {
  const parsed = def.schema.safeParse(data);
  if (!parsed.success) throw invalidPayload(def, describeIssues(parsed.error));
  return parsed.data as PayloadOf<D>;
}

/**
 * The producer side: one BullMQ Queue per queue name, all under one key prefix, sharing one Redis
 * connection. Payloads are checked against their definition before they are added, so a bad payload is
 * refused where it was made.
 */
export class JobQueues {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
  ) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: defaultJobOptions(name),
      });
      // Connection trouble is logged once by the connection itself (see connection.ts).
      q.on('error', () => {});
      this.queues.set(name, q);
    }
    return q;
  }

  all(): Queue[] {
    return QUEUE_NAMES.map((n) => this.queue(n));
  }

  async enqueue<D extends JobDefinition>(
    def: D,
    payload: PayloadOf<D>,
    opts: Pick<JobsOptions, 'jobId' | 'delay' | 'priority' | 'attempts' | 'removeOnComplete'> = {},
  ) {
    const data = checkPayload(def, payload);
    return this.queue(def.queue).add(def.name, data, opts);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
