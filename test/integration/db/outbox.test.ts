import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../../src/app/context.js';
import type { Database } from '../../../src/db/client.js';
import {
  claimOutbox,
  enqueueOutbox,
  markOutboxDone,
  markOutboxFailed,
  outboxByKey,
  pendingOutbox,
} from '../../../src/db/repos/outbox.js';
import { startLease, stopLease } from '../../../src/db/repos/process-leases.js';
import { ManualClock } from '../../../src/lib/clock.js';
import { parseConfig } from '../../../src/lib/config.js';
import { generateKey } from '../../../src/lib/crypto.js';
import { newId } from '../../../src/lib/ids.js';
import { createLogger } from '../../../src/lib/logger.js';
import { drainOutbox } from '../../../src/ops/outbox-runner.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';

/** The outbox: work recorded once per dedupe key, claimed by one live owner, never lost when one dies. */
describe('the outbox', () => {
  let tdb: TestDatabase;
  let database: Database;
  const clock = new ManualClock('2026-11-20T15:00:00Z');
  const ctx = () =>
    createAppContext(
      parseConfig({
        DATABASE_URL: tdb.url,
        METABUYER_ENCRYPTION_KEY: generateKey().toString('base64'),
        METABUYER_LEASE_MS: '1000',
      }),
      { clock, database, logger: createLogger({ level: 'silent' }) },
    );

  beforeAll(async () => {
    tdb = await createTestDatabase();
    const { openDatabase } = await import('../../../src/db/client.js');
    database = await openDatabase({ databaseUrl: tdb.url, home: '/nonexistent' });
    await database.migrate();
  });
  afterAll(async () => {
    await database.close();
    await tdb.drop();
  });

  const enqueue = (key: string, topic: 'execute' | 'rollback' = 'execute') =>
    enqueueOutbox(database.db, {
      id: newId('obx'),
      topic,
      dedupeKey: key,
      payload: { v: 1, confirmationId: key },
      now: clock.now(),
    });

  const owner = async () => {
    const id = newId('proc');
    await startLease(database.db, { id, host: 'test', pid: 1, role: 'test' });
    return id;
  };

  it('records work asked for twice under one dedupe key once', async () => {
    const a = await enqueue('conf_DEDUPE1');
    const b = await enqueue('conf_DEDUPE1');
    expect(b.id).toBe(a.id);
    expect((await pendingOutbox(database.db)).filter((r) => r.dedupeKey === 'conf_DEDUPE1')).toHaveLength(1);
  });

  it('gives each row to one claimer when two claim at once', async () => {
    const keys = Array.from({ length: 6 }, (_, i) => `conf_RACE${i}`);
    for (const k of keys) await enqueue(k);
    const [p1, p2] = [await owner(), await owner()];
    const [one, two] = await Promise.all([
      claimOutbox(database.db, { owner: p1, now: clock.now(), leaseMs: 60_000, limit: 100 }),
      claimOutbox(database.db, { owner: p2, now: clock.now(), leaseMs: 60_000, limit: 100 }),
    ]);
    const claimed = [...one, ...two].map((r) => r.dedupeKey).filter((k) => k.startsWith('conf_RACE'));
    expect(claimed.sort()).toEqual(keys.sort());
    expect(new Set(claimed).size).toBe(keys.length);
    // Claimed by a live owner: nobody else can take them.
    const third = await claimOutbox(database.db, {
      owner: await owner(),
      now: clock.now(),
      leaseMs: 60_000,
      limit: 100,
    });
    expect(third.filter((r) => r.dedupeKey.startsWith('conf_RACE'))).toHaveLength(0);
    for (const r of [...one, ...two]) await markOutboxDone(database.db, r.id, clock.now());
  });

  it('gives a dead owner’s row to the next claimer, counting the attempt', async () => {
    await enqueue('conf_ORPHAN1');
    const dead = await owner();
    const [row] = await claimOutbox(database.db, {
      owner: dead,
      now: clock.now(),
      leaseMs: 60_000,
      limit: 1,
    });
    expect(row?.dedupeKey).toBe('conf_ORPHAN1');
    await stopLease(database.db, dead);
    const heir = await owner();
    const [again] = await claimOutbox(database.db, {
      owner: heir,
      now: clock.now(),
      leaseMs: 60_000,
      limit: 1,
    });
    expect(again).toMatchObject({ dedupeKey: 'conf_ORPHAN1', ownerId: heir, attempts: 2 });
    await markOutboxDone(database.db, again!.id, clock.now());
  });

  it('retries a failed row later and keeps it as failed, with its error, once attempts are spent', async () => {
    await enqueue('conf_FAILING1');
    const me = await owner();
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [row] = await claimOutbox(database.db, {
        owner: me,
        now: clock.now(),
        leaseMs: 60_000,
        limit: 1,
      });
      expect(row?.attempts).toBe(attempt);
      const after = await markOutboxFailed(database.db, row!.id, {
        error: `boom ${attempt}`,
        now: clock.now(),
        retryAfterMs: 5_000,
        maxAttempts: 2,
      });
      expect(after?.state).toBe(attempt < 2 ? 'pending' : 'failed');
      // Not due again before the retry delay.
      expect(
        await claimOutbox(database.db, { owner: me, now: clock.now(), leaseMs: 60_000, limit: 1 }),
      ).toEqual([]);
      clock.advance(5_000);
    }
    expect(await outboxByKey(database.db, 'conf_FAILING1')).toMatchObject({
      state: 'failed',
      lastError: 'boom 2',
    });
  });

  it('drains due rows in-process through their topic’s handler, and marks them done', async () => {
    await enqueue('conf_DRAIN1', 'rollback');
    const seen: unknown[] = [];
    const c = ctx();
    const out = await drainOutbox(c, {
      rollback: async (payload) => {
        seen.push(payload);
        return 'ok';
      },
    });
    expect(seen).toEqual([{ v: 1, confirmationId: 'conf_DRAIN1' }]);
    expect(out.handled).toMatchObject([{ dedupeKey: 'conf_DRAIN1', ok: true }]);
    expect((await outboxByKey(database.db, 'conf_DRAIN1'))?.state).toBe('done');
    expect((await drainOutbox(c, { rollback: async () => 'again' })).handled).toEqual([]);
  });
});
