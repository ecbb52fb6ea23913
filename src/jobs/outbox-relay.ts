import type { AppContext } from '../app/context.js';
import {
  claimedOutboxOf,
  claimOutbox,
  markOutboxDone,
  markOutboxFailed,
  type OutboxRow,
} from '../db/repos/outbox.js';
import type { Logger } from '../lib/logger.js';
import { processIdentity } from '../ops/process-identity.js';
import {
  executeJob,
  type JobDefinition,
  postFollowupJob,
  postOutboxMessageJob,
  rollbackJob,
} from './definitions.js';
import type { JobQueues } from './queues.js';

const RETRY_AFTER_MS = 5_000;
const MAX_ATTEMPTS = 5;

/**
 * The job id of an outbox row's hand-off: its dedupe key made safe for BullMQ (no ':'), so every request
 * for the same work lands on one job. A row taken over from a dead relay (attempts > 1) gets a new id:
 * the old job may still sit 'active' under a dead worker's lock, and the work is idempotent anyway.
 */
export function relayJobId(row: Pick<OutboxRow, 'dedupeKey' | 'attempts'>): string {
  const safe = row.dedupeKey.replace(/[^A-Za-z0-9_.-]/g, '-');
  const base = /^[A-Za-z]/.test(safe) ? safe : `k${safe}`;
  return row.attempts > 1 ? `${base}-a${row.attempts}` : base;
}

function jobFor(row: OutboxRow): { def: JobDefinition; data: Record<string, unknown> } {
  if (row.topic === 'execute')
    return { def: executeJob, data: { v: 1, confirmationId: row.payload.confirmationId } };
  if (row.topic === 'rollback')
    return { def: rollbackJob, data: { v: 1, confirmationId: row.payload.confirmationId } };
  if (row.topic === 'slack.followup')
    return { def: postFollowupJob, data: { v: 1, followupId: row.payload.followupId } };
  return { def: postOutboxMessageJob, data: { v: 1, outboxId: row.id } };
}

export interface OutboxRelay {
  /** One pass (tests and the loop): claims new rows, hands them off, settles the finished ones. */
  pass(): Promise<{ handed: number; done: number; failed: number }>;
  stop(): Promise<void>;
}

/**
 * Moves outbox rows into BullMQ. A row is claimed with this worker's process identity (so if the worker
 * dies the row is taken over by another after its lease) and stays claimed until its job has finished:
 * each pass looks at the jobs of the rows it holds — completed marks the row done, failed gives it back
 * (retried later), missing (Redis flushed or replaced) hands it again. Handing twice is harmless: the job
 * id dedupes within Redis, and runConfirmation dedupes across everything.
 */
export function startOutboxRelay(
  ctx: AppContext,
  deps: { queues: JobQueues; logger: Logger; intervalMs?: number },
): OutboxRelay {
  const { queues, logger } = deps;
  const interval = deps.intervalMs ?? 1_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const handOff = async (row: OutboxRow) => {
    const { def, data } = jobFor(row);
    const jobId = relayJobId(row);
    const existing = await queues.queue(def.queue).getJob(jobId);
    if (existing && (await existing.isFailed())) await existing.remove();
    else if (existing) return;
    await queues.enqueue(def, data as never, { jobId });
  };

  const pass = async () => {
    const { db } = await ctx.database();
    const me = await processIdentity(ctx, 'worker');
    let handed = 0;
    let done = 0;
    let failed = 0;
    const fresh = await claimOutbox(db, {
      owner: me.id,
      now: ctx.clock.now(),
      leaseMs: me.leaseMs,
      limit: 50,
    });
    for (const row of fresh) {
      await handOff(row);
      handed++;
    }
    for (const row of await claimedOutboxOf(db, me.id)) {
      const { def } = jobFor(row);
      const job = await queues.queue(def.queue).getJob(relayJobId(row));
      if (!job) {
        // Redis lost the job (flushed, replaced): hand it again.
        logger.warn('outbox job missing from Redis: handed again', { outbox_id: row.id, topic: row.topic });
        await handOff(row);
        handed++;
        continue;
      }
      const state = await job.getState();
      if (state === 'completed') {
        await markOutboxDone(db, row.id, ctx.clock.now());
        done++;
      } else if (state === 'failed') {
        const attemptsLeft = (job.opts.attempts ?? 1) > job.attemptsMade;
        if (attemptsLeft) continue;
        await markOutboxFailed(db, row.id, {
          error: ctx.redactor.string(job.failedReason ?? 'job failed'),
          now: ctx.clock.now(),
          retryAfterMs: RETRY_AFTER_MS,
          maxAttempts: MAX_ATTEMPTS,
        });
        failed++;
      }
    }
    return { handed, done, failed };
  };

  const loop = () => {
    if (stopped) return;
    running = pass()
      .catch((e: unknown) =>
        logger.warn('outbox relay pass failed', { error: ctx.redactor.string((e as Error).message) }),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, interval);
      });
  };
  loop();

  return {
    pass,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
