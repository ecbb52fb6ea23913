import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';

describe('decisions from the CLI', () => {
  let h: OpsHarness;
  beforeAll(async () => {
    h = await startOpsHarness();
    await h.onboard();
    await expectOk(h.cli('run-now'));
    await expectOk(h.cli('plan-actions'));
  });
  afterAll(async () => h.close());

  const counts = async () => (await expectOk(h.cli('status', '--json'))).json().plan.counts;

  it('APPROVE ALL never overturns an explicit rejection', async () => {
    await expectOk(h.cli('reject', 'A2'));
    await expectOk(h.cli('approve', 'ALL'));
    expect(await counts()).toEqual({ approved: 2, rejected: 1 });
  });

  it('CLEAR ALL returns every decided action to undecided', async () => {
    await expectOk(h.cli('clear', 'ALL'));
    expect(await counts()).toEqual({ proposed: 3 });
  });

  it('refuses an unknown key and records nothing, even for the valid keys beside it', async () => {
    const r = await h.cli('approve', 'A1', 'A7', '--json');
    expect(r.code).toBe(2);
    expect(r.json().error.message).toMatch(
      /the active plan has no action A7 \(its actions: A1, A2, A3\); nothing was recorded/,
    );
    expect(await counts()).toEqual({ proposed: 3 });
  });

  it('refuses something that is not a key', async () => {
    const r = await h.cli('reject', 'budget');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not an action key: BUDGET');
  });

  it('records who decided, and reports each key in --json', async () => {
    const r = await expectOk(h.cli('approve', 'a1', '--json'));
    expect(r.json()).toMatchObject({
      decision: 'approve',
      actor: 'cli:tester',
      results: [{ key: 'A1', recorded: true, status: 'approved' }],
    });
  });
});
