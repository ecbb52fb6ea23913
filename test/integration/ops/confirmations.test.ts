import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext } from '../../../src/app/context.js';
import { outboxByKey } from '../../../src/db/repos/outbox.js';
import { actionsOf } from '../../../src/db/repos/plans.js';
import { planActions } from '../../../src/db/schema/index.js';
import { cliActor, slackActor } from '../../../src/domain/actor.js';
import { AppError } from '../../../src/lib/errors.js';
import { newId } from '../../../src/lib/ids.js';
import { confirmExecution, type ExecuteResult } from '../../../src/ops/execute.js';
import { stopProcessIdentity } from '../../../src/ops/process-identity.js';
import { runConfirmation } from '../../../src/ops/run-confirmation.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';

const tester = cliActor('tester');

/** Confirm, then run: what a confirmation records, and that running it is idempotent. */
describe('confirmations', () => {
  let h: OpsHarness;
  let plan: Array<{ key: string; entity_id: string; type: string; from: unknown; to: unknown }>;

  beforeEach(async () => {
    h = await startOpsHarness();
    await h.onboard();
    await expectOk(h.cli('run-now'));
    plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
  });
  afterEach(async () => h.close());

  /** A second AppContext on the same database: another process identity, its own connections. */
  function otherProcess() {
    return createAppContext(h.ctx.config, {
      clock: h.clock,
      meta: { sleep: async () => {}, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } },
    });
  }

  const writesTo = async (entityId: string) =>
    (await h.writes()).filter((w) => w.path.endsWith(`/${entityId}`));

  it('records exactly what will be written, and asks for it to run in the same transaction', async () => {
    await expectOk(h.cli('approve', 'ALL'));
    const c = await confirmExecution(h.ctx, { confirm: 'sandbox', actor: tester });
    expect(c.confirmedBy).toBe('cli:tester');
    expect(c.targets.map((t) => [t.key, t.entityId, t.from, t.to])).toEqual(
      plan.map((a) => [a.key, a.entity_id, a.from, a.to]),
    );
    const { db } = await h.ctx.database();
    const row = await outboxByKey(db, c.id);
    expect(row).toMatchObject({
      topic: 'execute',
      state: 'pending',
      payload: { v: 1, confirmationId: c.id },
    });
    expect(JSON.stringify(row?.payload)).not.toMatch(/EAAS/);
    expect(await h.writes()).toHaveLength(0);
  });

  it('runs a confirmation once: called twice, and from two processes at once, it reports one outcome', async () => {
    await expectOk(h.cli('approve', 'ALL'));
    const c = await confirmExecution(h.ctx, { confirm: 'sandbox', actor: tester });
    const other = otherProcess();
    try {
      const [a, b] = await Promise.all([runConfirmation(h.ctx, c.id), runConfirmation(other, c.id)]);
      const again = await runConfirmation(h.ctx, c.id);
      expect((a as ExecuteResult).applied).toBe(plan.length);
      expect(b).toEqual(a);
      expect(again).toEqual(a);
      for (const action of plan) expect(await writesTo(action.entity_id)).toHaveLength(1);
      const { db } = await h.ctx.database();
      expect((await outboxByKey(db, c.id))?.state).toBe('done');
    } finally {
      await stopProcessIdentity(other);
      await other.close();
    }
  });

  it('never interleaves two actions on one object: the second re-reads live and is refused as stale', async () => {
    const budget = plan.find((a) => a.type === 'update_daily_budget')!;
    await expectOk(h.cli('approve', budget.key));
    const first = await confirmExecution(h.ctx, { confirm: 'sandbox', actor: tester });
    // A second action on the same object, planned from the same old value.
    const { db } = await h.ctx.database();
    const original = (await actionsOf(db, first.planId!)).find((a) => a.key === budget.key)!;
    const otherValue = Number(budget.from) + 100;
    await db.insert(planActions).values({
      ...original,
      id: newId('act'),
      key: 'A9',
      position: 9,
      toValue: otherValue,
      status: 'approved',
    });
    const second = await confirmExecution(h.ctx, { confirm: 'sandbox', actor: cliActor('other') });
    expect(second.targets.map((t) => t.key)).toContain('A9');

    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const other = otherProcess();
    try {
      const one = runConfirmation(h.ctx, first.id, { seams: { afterIntent: () => gate } });
      await new Promise((r) => setTimeout(r, 400));
      const two = runConfirmation(other, second.id);
      await new Promise((r) => setTimeout(r, 400));
      expect(await writesTo(budget.entity_id)).toHaveLength(0);
      release();
      const [r1, r2] = (await Promise.all([one, two])) as [ExecuteResult, ExecuteResult];
      expect(r1.results.find((r) => r.key === budget.key)?.outcome).toBe('applied');
      expect(r2.results.find((r) => r.key === budget.key)).toMatchObject({
        outcome: 'skipped',
        reason: 'already_executed',
      });
      expect(r2.results.find((r) => r.key === 'A9')).toMatchObject({
        outcome: 'skipped',
        reason: `stale: live ${budget.to}, plan expected ${budget.from}`,
      });
      expect(await writesTo(budget.entity_id)).toHaveLength(1);
      expect((await h.object(budget.entity_id)).daily_budget).toBe(budget.to);
    } finally {
      release();
      await stopProcessIdentity(other);
      await other.close();
    }
  });

  it('refuses a Slack user who is not an operator, naming the role and who holds it', async () => {
    await expectOk(h.cli('approve', 'ALL'));
    const err = await confirmExecution(h.ctx, {
      confirm: 'sandbox',
      actor: slackActor('U0STRANGER', 'T0TEAM0001'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'not_permitted', verdict: 'permission' });
    expect((err as AppError).message).toMatch(/needs the operator role.*Operators: nobody yet/);
    expect(await h.writes()).toHaveLength(0);
  });

  it('refuses a plan that is not the active one, naming the active plan', async () => {
    await expectOk(h.cli('approve', 'ALL'));
    const old = (await expectOk(h.cli('status', '--json'))).json().plan.id as string;
    const fresh = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.id as string;
    const err = await confirmExecution(h.ctx, { confirm: 'sandbox', actor: tester, planId: old }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'plan_not_active' });
    expect((err as AppError).message).toContain(`the active plan is ${fresh}`);
  });
});
