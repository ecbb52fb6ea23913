import { afterAll, describe, expect, it } from 'vitest';
import { planActions } from '../../../src/db/schema/index.js';
import type { CrashPoint } from '../../../src/lib/config.js';
import { reconcile } from '../../../src/ops/reconcile.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { processEnv, runProcess } from '../../support/processes.js';

/**
 * The write path's promise, proven with real processes on a real PostgreSQL: never write twice, never
 * lose a log entry — with five executions racing, and with a process killed (SIGKILL) at every crash
 * point of execution and of rollback, then `metabuyer reconcile`.
 */
interface Planned {
  key: string;
  entity_id: string;
  type: string;
  from: unknown;
  to: unknown;
}
interface LogEntry {
  key: string;
  kind: 'execute' | 'rollback';
  event: string;
  rollbackOf: string | null;
}

const harnesses: OpsHarness[] = [];
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
});

/** A harness whose clock is now (the spawned processes use the system clock), onboarded, planned, approved. */
async function approvedWorld(env: Record<string, string> = {}): Promise<{ h: OpsHarness; plan: Planned[] }> {
  const h = await startOpsHarness({ now: new Date().toISOString(), env });
  harnesses.push(h);
  await h.onboard();
  await expectOk(h.cli('run-now'));
  const plan: Planned[] = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
  expect(plan.length).toBeGreaterThan(1);
  await expectOk(h.cli('approve', 'ALL'));
  return { h, plan };
}

async function logOf(h: OpsHarness): Promise<LogEntry[]> {
  return (await expectOk(h.cli('action-log', '--limit', '200', '--json'))).json().entries;
}

async function statuses(h: OpsHarness): Promise<Record<string, string>> {
  const { db } = await h.ctx.database();
  const rows = await db.select({ key: planActions.key, status: planActions.status }).from(planActions);
  return Object.fromEntries(rows.map((r) => [r.key, r.status]));
}

async function writesPerEntity(h: OpsHarness): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const w of await h.writes()) {
    const id = w.path.split('/').at(-1)!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Outcome entries (everything but intents) per execute action key, or per rolled-back write. */
function outcomesBy(log: LogEntry[], kind: 'execute' | 'rollback'): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const e of log) {
    if (e.kind !== kind || e.event === 'intent') continue;
    const k = kind === 'execute' ? e.key : e.rollbackOf!;
    by.set(k, [...(by.get(k) ?? []), e.event]);
  }
  return by;
}

describe('the write path across real processes', () => {
  it('writes each approved action exactly once when five executions start at once', async () => {
    const { h, plan } = await approvedWorld();
    const env = processEnv(h);
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => runProcess(['execute-actions', '--confirm', 'sandbox', '--json'], env)),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const applied = runs.map((r) => r.json().applied as number);
    expect(applied.reduce((a, b) => a + b, 0)).toBe(plan.length);

    const writes = await writesPerEntity(h);
    for (const a of plan) expect(writes.get(a.entity_id), a.key).toBe(1);
    const outcomes = outcomesBy(await logOf(h), 'execute');
    for (const a of plan) expect(outcomes.get(a.key), a.key).toEqual(['applied']);
    expect(Object.values(await statuses(h)).every((s) => s === 'applied')).toBe(true);
  }, 300_000);

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
