import { describe, expect, it } from 'vitest';
import type { CrashPoint } from '../../../src/lib/config.js';
import { reconcile } from '../../../src/ops/reconcile.js';
import { processEnv, runProcess } from '../../support/processes.js';
import {
  approvedWorld,
  closeWorldsAfterAll,
  logOf,
  outcomesBy,
  statuses,
  writesPerEntity,
} from '../../support/write-path-world.js';

/**
 * Exactly once across a killed process: a real `metabuyer` process kills itself (SIGKILL) at each crash
 * point of execution and of rollback; `metabuyer reconcile` then settles the write from live state and runs
 * the abandoned confirmation again. The simulator's call log holds each write once and the action log one
 * outcome per write. The four points run side by side, each on its own database and simulator.
 */
closeWorldsAfterAll();

describe('recovery from a process killed mid-write', () => {
  const points: CrashPoint[] = ['after_claim', 'after_intent', 'after_write', 'after_readback'];
  it.concurrent.each(points)(
    'recovers from a process killed %s, in execution and in rollback, writing nothing twice',
    async (point) => {
      const { h, plan } = await approvedWorld({ METABUYER_LEASE_MS: '1000' });
      const env = processEnv(h, { METABUYER_LEASE_MS: '1000' });
      const crashing = { ...env, METABUYER_ALLOW_CRASH_POINTS: '1', METABUYER_CRASH_AT: point };

      // Execution: killed on its first action at the crash point.
      const killed = await runProcess(['execute-actions', '--confirm', 'sandbox', '--json'], crashing);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      expect(killed.stdout).toBe('');
      const written = point === 'after_claim' || point === 'after_intent' ? 0 : 1;
      expect([...(await writesPerEntity(h)).values()].reduce((a, b) => a + b, 0)).toBe(written);

      const reconciled = await runProcess(['reconcile', '--json'], env);
      expect(reconciled.code, reconciled.stderr).toBe(0);
      const report = reconciled.json();
      expect(report.settled).toHaveLength(1);
      expect(report.settled[0].outcome).toBe(written === 1 ? 'applied' : 'retry');
      expect(report.ran).toHaveLength(1);

      let writes = await writesPerEntity(h);
      for (const a of plan) expect(writes.get(a.entity_id), `${point} ${a.key}`).toBe(1);
      const executed = outcomesBy(await logOf(h), 'execute');
      for (const a of plan) {
        const expected = written === 1 && a.key === plan[0]!.key ? ['reconciled'] : ['applied'];
        expect(executed.get(a.key), `${point} ${a.key}`).toEqual(expected);
      }
      expect(Object.values(await statuses(h)).every((s) => s === 'applied')).toBe(true);

      // A second reconcile (in-process, clock moved to now) finds nothing left to do.
      h.clock.set(Date.now());
      expect(await reconcile(h.ctx)).toMatchObject({ settled: [], reopened: [], ran: [], failed: [] });

      // Rollback of every write: killed on its first target at the same point.
      const killedRollback = await runProcess(
        ['rollback-actions', '--confirm', 'sandbox', '--limit', '10', '--json'],
        crashing,
      );
      expect(killedRollback.signal, killedRollback.stderr).toBe('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      h.clock.set(Date.now());
      const afterRollback = await reconcile(h.ctx);
      expect(afterRollback.settled).toHaveLength(1);
      expect(afterRollback.ran).toHaveLength(1);

      writes = await writesPerEntity(h);
      for (const a of plan) {
        expect(writes.get(a.entity_id), `${point} rollback ${a.key}`).toBe(2);
        expect(
          String((await h.object(a.entity_id))[a.type === 'set_status' ? 'status' : 'daily_budget']),
        ).toBe(String(a.from));
      }
      const log = await logOf(h);
      const rolledBack = outcomesBy(log, 'rollback');
      expect(rolledBack.size).toBe(plan.length);
      for (const events of rolledBack.values()) {
        expect(events).toHaveLength(1);
        expect(['applied', 'reconciled']).toContain(events[0]);
      }
      expect(Object.values(await statuses(h)).every((s) => s === 'rolled_back')).toBe(true);
    },
    400_000,
  );
});
