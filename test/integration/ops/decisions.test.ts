import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../../src/domain/actor.js';
import { actionLog } from '../../../src/ops/action-log.js';
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

describe('decisions name the plan they answer', () => {
  let h: OpsHarness;
  let first: string;
  beforeAll(async () => {
    h = await startOpsHarness();
    await h.onboard();
    await expectOk(h.cli('run-now'));
    first = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.id;
  });
  afterAll(async () => h.close());

  const status = async () => (await expectOk(h.cli('status', '--json'))).json().plan;

  it('takes --plan with the active plan id, and prints the plan it answered', async () => {
    const r = await expectOk(h.cli('approve', 'A1', '--plan', first));
    expect(r.stdout).toContain(`Approved: A1 (plan ${first}, by cli:tester)`);
    expect((await status()).counts).toEqual({ approved: 1, proposed: 2 });
  });

  it('keeps the reason of a rejection and shows it in the action log', async () => {
    h.clock.advance(60_000);
    const r = await expectOk(h.cli('reject', 'A2', '--reason', 'too early to judge'));
    expect(r.stdout).toContain('reason: too early to judge');
    const log = await expectOk(h.cli('action-log'));
    expect(log.stdout).toMatch(/reject A2 \(.+, plan plan_\w+\) by cli:tester: too early to judge/);
    const logged = await actionLog(h.ctx, { actor: cliActor('tester'), limit: 5 });
    expect(logged.decisions[0]).toMatchObject({
      key: 'A2',
      decision: 'reject',
      reason: 'too early to judge',
    });
  });

  it('refuses a decision on a superseded plan, names the active one, and changes nothing', async () => {
    const next = (await expectOk(h.cli('plan-actions', '--json'))).json().plan;
    expect(next.earlier_rejections).toMatchObject([
      { plan_id: first, previous_key: 'A2', by: 'cli:tester', reason: 'too early to judge' },
    ]);
    const r = await h.cli('approve', 'A1', '--plan', first, '--json');
    expect(r.code).toBe(1);
    expect(r.json().error.code).toBe('plan_not_active');
    expect(r.json().error.message).toContain(`Plan ${first} is no longer active (superseded by ${next.id})`);
    expect(r.json().error.message).toContain(`the active plan is ${next.id}`);
    expect(await status()).toMatchObject({ id: next.id, counts: { proposed: 3 } });
  });

  it('refuses a plan id that is no plan of this agent', async () => {
    const r = await h.cli('reject', 'A1', '--plan', 'plan_nosuchplan', '--json');
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({ code: 'plan_not_active' });
    expect((await status()).counts).toEqual({ proposed: 3 });
  });

  it('refuses to plan again from a run older than its own last write, until a new run', async () => {
    await expectOk(h.cli('approve', 'ALL'));
    const planned = (await status()).id;
    h.clock.advance(60_000);
    const written = (await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'))).json();
    expect(written.applied).toBeGreaterThan(0);
    const again = await h.cli('plan-actions', '--json');
    expect(again.code).toBe(1);
    expect(again.json().error.code).toBe('run_outdated');
    expect(again.json().error.message).toMatch(/since run run_\w+ .*Run `metabuyer run-now` first/);
    expect((await status()).id).toBe(planned);
    h.clock.advance(60_000);
    await expectOk(h.cli('run-now'));
    const fresh = (await expectOk(h.cli('plan-actions', '--json'))).json().plan;
    expect(fresh.id).not.toBe(planned);
    // The fresh run sees what was written: nothing just written is proposed again.
    const log = await actionLog(h.ctx, { actor: cliActor('tester'), limit: 50 });
    const touched = log.entries.filter((e) => e.event === 'applied').map((e) => e.entityId);
    expect(touched.length).toBe(written.applied);
    for (const a of fresh.actions) expect(touched).not.toContain(a.entity_id);
  });

  it('refuses a decision on an expired plan and changes nothing', async () => {
    const before = await status();
    h.clock.advance(25 * 3_600_000);
    const r = await h.cli('approve', 'ALL', '--json');
    expect(r.code).toBe(1);
    expect(r.json().error.code).toBe('plan_not_active');
    expect(r.json().error.message).toContain(`Plan ${before.id} expired`);
    expect((await status()).counts).toEqual(before.counts);
  });
});
