import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeConnection, producerConnection, workerConnection } from '../../../src/jobs/connection.js';
import { defineJob } from '../../../src/jobs/definitions.js';
import { handle, JobHost } from '../../../src/jobs/host.js';
import { JobQueues } from '../../../src/jobs/queues.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';

/** A job of this test only: it takes as long as it is told to. */
const slowJob = defineJob({
  name: 'test-slow',
  queue: 'maintenance',
  version: 1,
  schema: z.strictObject({ v: z.literal(1), ms: z.number().int().min(0) }),
});

/** A stopping worker takes no new job and lets the one in hand finish — up to its deadline. */
describe('graceful shutdown', () => {
  const prefix = uniquePrefix('stop');
  const producer = producerConnection(TEST_REDIS_URL, 'test-producer');
  const queues = new JobQueues(producer, prefix);
  const started: string[] = [];
  const finished: string[] = [];

  const consumers: ReturnType<typeof workerConnection>[] = [];
  const host = () =>
    new JobHost({
      connection: consumers[consumers.push(workerConnection(TEST_REDIS_URL, 'test-worker')) - 1]!,
      prefix,
      queues,
      logger: silentLogger,
      registrations: [
        handle(slowJob, async (p, run) => {
          started.push(run.job.id!);
          await new Promise((r) => setTimeout(r, p.ms));
          finished.push(run.job.id!);
          return 'done';
        }),
      ],
    });

  beforeAll(() => {
    started.length = 0;
  });

  afterAll(async () => {
    await queues.close();
    await Promise.all([producer, ...consumers].map((c) => closeConnection(c)));
    await removeQueues(TEST_REDIS_URL, prefix);
  });

  const waitStarted = async (id: string) => {
    const until = Date.now() + 10_000;
    while (!started.includes(id)) {
      if (Date.now() > until) throw new Error(`job ${id} never started`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('lets the job in hand finish and leaves the waiting ones for the next worker', async () => {
    const h = host();
    await h.start();
    const inHand = await queues.enqueue(slowJob, { v: 1, ms: 600 }, { jobId: 'slow-a' });
    await waitStarted(inHand.id!);
    const waiting = await queues.enqueue(slowJob, { v: 1, ms: 0 }, { jobId: 'slow-b' });
    const t = Date.now();
    expect(await h.close(5_000)).toBe(true);
    expect(Date.now() - t).toBeLessThan(5_000);
    expect(finished).toContain('slow-a');
    expect(await (await Job.fromId(queues.queue('maintenance'), inHand.id!))!.getState()).toBe('completed');
    expect(await waiting.getState()).toBe('waiting');
  });

  it('stops waiting at the deadline and says the job was cut short', async () => {
    const h = host();
    await h.start();
    await waitStarted('slow-b');
    const long = await queues.enqueue(slowJob, { v: 1, ms: 4_000 }, { jobId: 'slow-c' });
    await waitStarted(long.id!);
    const t = Date.now();
    expect(await h.close(300)).toBe(false);
    expect(Date.now() - t).toBeLessThan(1_500);
    expect(finished).not.toContain('slow-c');
  });
});
