import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../src/lib/clock.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';

/**
 * Every refusal of the write path: each says why and writes nothing to Meta (checked in the
 * simulator's call log).
 */
describe('execute-actions and rollback-actions refusals', () => {
  let h: OpsHarness;

  /** Onboard, analyse, plan, approve everything. */
  async function approvedPlan(): Promise<
    Array<{ key: string; entity_id: string; type: string; from: unknown; to: unknown }>
  > {
    await h.onboard();
    await expectOk(h.cli('run-now'));
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
    await expectOk(h.cli('approve', 'ALL'));
    return plan;
  }

  async function expectNothingWritten(
    run: Promise<{ code: number; stdout: string; stderr: string }>,
    message: RegExp,
  ) {
    const before = (await h.writes()).length;
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/Nothing was written|not executing|not rolling back/);
    expect((await h.writes()).length).toBe(before);
    return r;
  }

  beforeEach(async () => {
    h = await startOpsHarness();
  });
  afterEach(async () => h.close());

  it('refuses a confirmation word that does not match the environment', async () => {
    await approvedPlan();
    await expectNothingWritten(
      h.cli('execute-actions', '--confirm', 'live'),
      /connected in sandbox mode, but you confirmed "live"/,
    );
  });

  it('refuses to execute while execution is disabled', async () => {
    await approvedPlan();
    await expectOk(h.cli('setup', '--execution-enabled', 'false', '--apply'));
    await expectNothingWritten(h.cli('execute-actions', '--confirm', 'sandbox'), /execution is disabled/);
  });

  it('refuses to execute while the agent is halted, saying why', async () => {
    await approvedPlan();
    await expectOk(h.cli('pause-agent', '--reason', 'black friday freeze'));
    await expectNothingWritten(
      h.cli('execute-actions', '--confirm', 'sandbox'),
      /halted \(black friday freeze, by cli:tester\)/,
    );
  });

  it('refuses an expired plan', async () => {
    await approvedPlan();
    h.clock.advance(25 * HOUR_MS);
    await expectNothingWritten(h.cli('execute-actions', '--confirm', 'sandbox'), /expired/);
  });

  it('refuses a superseded plan', async () => {
    await approvedPlan();
    const old = (await expectOk(h.cli('status', '--json'))).json().plan.id;
    await expectOk(h.cli('plan-actions'));
    await expectNothingWritten(h.cli('execute-actions', '--confirm', 'sandbox', '--plan', old), /superseded/);
  });

  it('refuses as stale an action whose object someone changed since the plan, writing nothing to it', async () => {
    const plan = await approvedPlan();
    const budget = plan.find((a) => a.type === 'update_daily_budget')!;
    await h.mutate(budget.entity_id, { daily_budget: 17_500 });
    const before = await h.writes();
    const r = await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'));
    const result = r.json().results.find((x: { key: string }) => x.key === budget.key);
    expect(result.outcome).toBe('skipped');
    expect(result.reason).toMatch(/^stale: live 17500, plan expected \d+/);
    const after = (await h.writes()).slice(before.length);
    expect(after.some((w) => w.path.endsWith(`/${budget.entity_id}`))).toBe(false);
    expect((await h.object(budget.entity_id)).daily_budget).toBe(17_500);
    const log = (await expectOk(h.cli('action-log', '--json'))).json().entries;
    expect(log.find((e: { key: string; event: string }) => e.key === budget.key)?.event).toBe('stale');
  });

  it('refuses to roll back an object someone else changed after our write', async () => {
    const plan = await approvedPlan();
    await expectOk(h.cli('execute-actions', '--confirm', 'sandbox'));
    const newest = plan.at(-1)!;
    const other = newest.type === 'set_status' ? { status: 'ACTIVE' } : { daily_budget: 9_900 };
    await h.mutate(newest.entity_id, other);
    const before = (await h.writes()).length;
    const r = await expectOk(h.cli('rollback-actions', '--confirm', 'sandbox', '--json'));
    expect(r.json()).toMatchObject({ rolled_back: 0, refused: 1 });
    expect(r.json().results[0].reason).toMatch(/no longer holds what we wrote/);
    expect((await h.writes()).length).toBe(before);
  });

  it('refuses to roll back outside the rollback window', async () => {
    await approvedPlan();
    await expectOk(h.cli('execute-actions', '--confirm', 'sandbox'));
    h.clock.advance(73 * HOUR_MS);
    const before = (await h.writes()).length;
    const r = await expectOk(h.cli('rollback-actions', '--confirm', 'sandbox', '--limit', '5'));
    expect(r.stdout).toMatch(/Nothing to roll back within 72 h \(\d+ older than the 72 h rollback window\)/);
    expect((await h.writes()).length).toBe(before);
  });

  it('never rolls back the same write twice', async () => {
    await approvedPlan();
    await expectOk(h.cli('execute-actions', '--confirm', 'sandbox'));
    const first = await expectOk(h.cli('rollback-actions', '--confirm', 'sandbox', '--limit', '5', '--json'));
    expect(first.json().rolled_back).toBeGreaterThan(0);
    const before = (await h.writes()).length;
    const again = await expectOk(h.cli('rollback-actions', '--confirm', 'sandbox', '--limit', '5'));
    expect(again.stdout).toMatch(/Nothing to roll back within 72 h \(\d+ already rolled back\)/);
    expect((await h.writes()).length).toBe(before);
  });

  it('refuses a rollback with the wrong confirmation word', async () => {
    await approvedPlan();
    await expectOk(h.cli('execute-actions', '--confirm', 'sandbox'));
    await expectNothingWritten(h.cli('rollback-actions', '--confirm', 'live'), /you confirmed "live"/);
  });

  it('skips rejected and still-pending actions with the reason', async () => {
    await h.onboard();
    await expectOk(h.cli('run-now'));
    await expectOk(h.cli('plan-actions'));
    await expectOk(h.cli('reject', 'A1'));
    const before = (await h.writes()).length;
    const r = await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'));
    const out = r.json();
    expect(out.applied).toBe(0);
    expect(out.results.map((x: { reason: string }) => x.reason)).toEqual([
      'rejected',
      'approval_required',
      'approval_required',
    ]);
    expect((await h.writes()).length).toBe(before);
  });
});
