import { afterAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../../src/domain/actor.js';
import type { CrashPoint } from '../../../src/lib/config.js';
import { confirmExecution } from '../../../src/ops/write-path.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { confirmationDone, spawnWorker, type WorkerProcess } from '../../support/worker-process.js';
import {
  approvedWorld,
  closeWorldsAfterAll,
  logOf,
  outcomesBy,
  statuses,
  writesPerEntity,
} from '../../support/write-path-world.js';

/**
 * A worker process killed (SIGKILL) at each crash point while it runs a confirmed execution that reached it
 * through the outbox relay; a second worker takes the abandoned outbox row over once the first one's lease
 * lapses and finishes the confirmation. The simulator holds each write once, the action log one outcome per
 * action. The four points run side by side, each on its own database, simulator and queue prefix.
 */
closeWorldsAfterAll();
const workers: WorkerProcess[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await Promise.all(prefixes.map((p) => removeQueues(TEST_REDIS_URL, p)));
});

describe('a worker killed mid-write', () => {
  const points: CrashPoint[] = ['after_claim', 'after_intent', 'after_write', 'after_readback'];
  it.concurrent.each(points)(
    'is finished by the next worker when killed %s, each write once in Meta and in the log',
    async (point) => {
      const { h, plan } = await approvedWorld({ METABUYER_LEASE_MS: '1000' });
      const prefix = uniquePrefix(`crash-${point}`);
      prefixes.push(prefix);
      const env = { REDIS_URL: TEST_REDIS_URL, METABUYER_QUEUE_PREFIX: prefix, METABUYER_LEASE_MS: '1000' };
      const conf = await confirmExecution(h.ctx, { confirm: 'sandbox', actor: cliActor('tester') });

      const first = await spawnWorker(h, {
        ...env,
        METABUYER_ALLOW_CRASH_POINTS: '1',
        METABUYER_CRASH_AT: point,
      });
      workers.push(first);
      const died = await first.exited;
      expect(died.signal, first.output()).toBe('SIGKILL');
      const written = point === 'after_claim' || point === 'after_intent' ? 0 : 1;
      expect([...(await writesPerEntity(h)).values()].reduce((a, b) => a + b, 0)).toBe(written);

      const second = await spawnWorker(h, env);
      workers.push(second);
      const done = await confirmationDone(h, conf.id, 60_000);
      expect(done.result).toMatchObject({ applied: plan.length, failed: 0 });

      const writes = await writesPerEntity(h);
      for (const a of plan) expect(writes.get(a.entity_id), `${point} ${a.key}`).toBe(1);
      const executed = outcomesBy(await logOf(h), 'execute');
      for (const a of plan) {
        const expected = written === 1 && a.key === plan[0]!.key ? ['reconciled'] : ['applied'];
        expect(executed.get(a.key), `${point} ${a.key}`).toEqual(expected);
      }
      expect(Object.values(await statuses(h)).every((s) => s === 'applied')).toBe(true);

      second.kill('SIGTERM');
      expect((await second.exited).code, second.output()).toBe(0);
    },
    120_000,
  );
});
