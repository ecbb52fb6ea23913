import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliActor } from '../../../src/domain/actor.js';
import { EXECUTION_LEASE_MS } from '../../../src/ops/execute.js';
import { executeActions, rollbackActions } from '../../../src/ops/write-commands.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';

/** Crash, race and unknown-outcome behaviour of the executor, stopped at exact points by its seams. */
const tester = cliActor('tester');

describe('the write path', () => {
  let h: OpsHarness;
  let plan: Array<{ key: string; entity_id: string; type: string; from: unknown; to: unknown }>;

  beforeEach(async () => {
    h = await startOpsHarness();
    await h.onboard();
    await expectOk(h.cli('run-now'));
    plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
    await expectOk(h.cli('approve', 'ALL'));
  });
  afterEach(async () => h.close());

  const writesTo = async (entityId: string) =>
    (await h.writes()).filter((w) => w.path.endsWith(`/${entityId}`));
  const outcomesOf = async (key: string) =>
    (await expectOk(h.cli('action-log', '--limit', '100', '--json')))
      .json()
      .entries.filter((e: { key: string; event: string }) => e.key === key && e.event !== 'intent');

  it('logs a write exactly once after a crash between the write and its log entry', async () => {
    const target = plan[0]!;
    await expect(
      executeActions(h.ctx, {
        confirm: 'sandbox',
        actor: tester,
        seams: {
          afterWrite: (id) => {
            if (id === target.entity_id) throw new Error('worker killed');
          },
        },
      }),
    ).rejects.toThrow('worker killed');
    expect(await writesTo(target.entity_id)).toHaveLength(1);
    expect(await outcomesOf(target.key)).toHaveLength(0);

    // The next run holds the object's lock, so the stopped attempt is abandoned: settled from live state.
    const later = await executeActions(h.ctx, { confirm: 'sandbox', actor: tester });
    expect(later.results.find((r) => r.key === target.key)).toMatchObject({
      outcome: 'applied',
      reason: 'reconciled from live state',
    });
    await executeActions(h.ctx, { confirm: 'sandbox', actor: tester });

    expect(await writesTo(target.entity_id)).toHaveLength(1);
    const outcomes = await outcomesOf(target.key);
    expect(outcomes.map((o: { event: string }) => o.event)).toEqual(['reconciled']);
  });

  it('performs a write that a crashed worker logged but never sent, once', async () => {
    const target = plan[0]!;
    await expect(
      executeActions(h.ctx, {
        confirm: 'sandbox',
        actor: tester,
        seams: {
          afterIntent: (id) => {
            if (id === target.entity_id) throw new Error('worker killed');
          },
        },
      }),
    ).rejects.toThrow('worker killed');
    expect(await writesTo(target.entity_id)).toHaveLength(0);
    const r = await executeActions(h.ctx, { confirm: 'sandbox', actor: tester });
    expect(r.results.find((x) => x.key === target.key)?.outcome).toBe('applied');
    expect(await writesTo(target.entity_id)).toHaveLength(1);
    expect((await outcomesOf(target.key)).map((o: { event: string }) => o.event)).toEqual(['applied']);
  });

  it('never writes an action twice when two executions run at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = executeActions(h.ctx, {
      confirm: 'sandbox',
      actor: cliActor('one'),
      seams: { afterIntent: () => gate },
    });
    // The first execution holds its first action at the seam while the second starts; the second waits for
    // that object's lock, then finds the action done.
    await new Promise((r) => setTimeout(r, 300));
    const secondRun = executeActions(h.ctx, { confirm: 'sandbox', actor: cliActor('two') });
    await new Promise((r) => setTimeout(r, 300));
    release();
    const [one, second] = await Promise.all([first, secondRun]);
    for (const action of plan) {
      expect(await writesTo(action.entity_id)).toHaveLength(1);
      const outcomes = [one, second].map((r) => r.results.find((x) => x.key === action.key)!.outcome);
      expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    }
    expect(one.applied + second.applied).toBe(plan.length);
  });

  it('never re-sends a write whose outcome is unknown, and settles it from the live value', async () => {
    const target = plan.find((a) => a.type === 'update_daily_budget')!;
    await h.fault({ method: 'POST', path: `^/${target.entity_id}$`, apply_then_fail: true, delay_ms: 20 });
    const r = await executeActions(h.ctx, { confirm: 'sandbox', actor: tester });
    const result = r.results.find((x) => x.key === target.key)!;
    expect(result.outcome).toBe('applied');
    expect(result.reason).toBe('reconciled from live state');
    expect(await writesTo(target.entity_id)).toHaveLength(1);
    expect((await h.object(target.entity_id)).daily_budget).toBe(target.to);
  });

  it('leaves a timed-out write unknown, never re-sends it, and settles it once it shows up live', async () => {
    await h.close();
    h = await startOpsHarness({ meta: { timeoutMs: 300 } });
    await h.onboard();
    await expectOk(h.cli('run-now'));
    plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
    await expectOk(h.cli('approve', 'ALL'));
    const target = plan.find((a) => a.type === 'update_daily_budget')!;
    // Meta is slow: the client gives up after 300 ms, the write lands at 1.5 s.
    await h.fault({ method: 'POST', path: `^/${target.entity_id}$`, delay_ms: 1500 });
    const r = await executeActions(h.ctx, { confirm: 'sandbox', actor: tester });
    expect(r.results.find((x) => x.key === target.key)!.outcome).toBe('unknown');
    expect(r.unknown).toBe(1);

    const again = await executeActions(h.ctx, { confirm: 'sandbox', actor: tester });
    expect(again.results.find((x) => x.key === target.key)!.outcome).not.toBe('applied');
    await new Promise((resolve) => setTimeout(resolve, 1600));
    h.clock.advance(EXECUTION_LEASE_MS);
    const settled = await executeActions(h.ctx, { confirm: 'sandbox', actor: tester });
    expect(settled.results.find((x) => x.key === target.key)!.outcome).toBe('applied');
    expect(await writesTo(target.entity_id)).toHaveLength(1);
    expect((await outcomesOf(target.key)).map((o: { event: string }) => o.event)).toEqual([
      'reconciled',
      'unknown',
    ]);
  });

  it('records a write Meta reported as failed but which applied, as applied', async () => {
    const target = plan.find((a) => a.type === 'set_status')!;
    await h.fault({
      method: 'POST',
      path: `^/${target.entity_id}$`,
      apply_then_fail: true,
      error: {
        code: 2,
        message: 'An unexpected error has occurred. Please retry your request later.',
        is_transient: true,
      },
    });
    const r = await executeActions(h.ctx, { confirm: 'sandbox', actor: tester });
    expect(r.results.find((x) => x.key === target.key)!.outcome).toBe('applied');
    expect(await writesTo(target.entity_id)).toHaveLength(1);
    expect((await outcomesOf(target.key)).map((o: { event: string }) => o.event)).toEqual(['reconciled']);
  });

  it('marks a rollback rolled back only once its write took effect', async () => {
    await executeActions(h.ctx, { confirm: 'sandbox', actor: tester });
    const newest = plan.at(-1)!;
    await h.fault({
      method: 'POST',
      path: `^/${newest.entity_id}$`,
      times: 1,
      status: 400,
      error: { code: 100, message: 'Invalid parameter', is_transient: false },
    });
    const refused = await rollbackActions(h.ctx, { confirm: 'sandbox', actor: tester, limit: 1 });
    expect(refused).toMatchObject({ rolled_back: 0, failed: 1 });
    const status = (await expectOk(h.cli('status', '--json'))).json().plan.counts;
    expect(status).toEqual({ applied: plan.length });

    // The write still stands, so it can be rolled back again — once.
    const again = await rollbackActions(h.ctx, { confirm: 'sandbox', actor: tester, limit: 1 });
    expect(again).toMatchObject({ rolled_back: 1, failed: 0 });
    expect(await writesTo(newest.entity_id)).toHaveLength(3);
    expect(
      String((await h.object(newest.entity_id))[newest.type === 'set_status' ? 'status' : 'daily_budget']),
    ).toBe(String(newest.from));
    const rollbacks = (await expectOk(h.cli('action-log', '--limit', '100', '--json')))
      .json()
      .entries.filter((e: { kind: string; event: string }) => e.kind === 'rollback' && e.event !== 'intent')
      .map((e: { event: string }) => e.event);
    expect(rollbacks).toEqual(['applied', 'failed']);
  });
});
