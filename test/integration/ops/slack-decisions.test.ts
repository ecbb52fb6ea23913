import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordSlackMessage } from '../../../src/db/repos/slack-messages.js';
import { cliActor } from '../../../src/domain/actor.js';
import { newId } from '../../../src/lib/ids.js';
import { actionLog } from '../../../src/ops/action-log.js';
import { FakeThreads } from '../../support/fake-threads.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';

describe('sync-approvals: who may decide, and on which plan', () => {
  let h: OpsHarness;
  let slack: FakeThreads;
  const OLD = '1763650000.000100';
  const NEW = '1763660000.000100';

  beforeEach(async () => {
    slack = new FakeThreads();
    h = await startOpsHarness({ slackThreads: slack });
    await h.onboard();
    await expectOk(h.cli('run-now'));
  });
  afterEach(async () => h.close());

  async function planWithThread(ts: string): Promise<string> {
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan;
    const { db } = await h.ctx.database();
    const agentId = (await db.query.agents.findFirst())!.id;
    await recordSlackMessage(db, {
      id: newId('msg'),
      agentId,
      kind: 'queue',
      channelId: 'C12345678',
      messageTs: ts,
      threadTs: ts,
      planId: plan.id,
      postedAt: h.clock.now(),
    });
    return plan.id;
  }
  const counts = async () => (await expectOk(h.cli('status', '--json'))).json().plan.counts;

  it('lets nobody approve from Slack while the agent has neither approvers nor operators', async () => {
    await expectOk(h.cli('setup', '--slack-workspace', 'T0AGENCY1', '--apply'));
    await planWithThread(OLD);
    slack.say(OLD, 'U0ANYONE1', 'APPROVE ALL', '1763650100.000200');
    const r = (await expectOk(h.cli('sync-approvals', '--json'))).json();
    expect(r.processed_commands).toBe(0);
    expect(r.ignored[0].reason).toMatch(
      /needs an approver, and there is nobody yet — add with `metabuyer setup/,
    );
    expect(await counts()).toEqual({ proposed: 3 });
  });

  it('ignores replies from malformed user ids, saying so, and records nothing', async () => {
    await expectOk(h.cli('setup', '--slack-workspace', 'T0AGENCY1', '--apply'));
    await planWithThread(OLD);
    slack.say(OLD, "U'); DROP TABLE plans;--", 'APPROVE ALL', '1763650100.000200');
    slack.say(OLD, `U${'A'.repeat(10_000)}`, 'APPROVE A1', '1763650200.000200');
    const r = (await expectOk(h.cli('sync-approvals', '--json'))).json();
    expect(r.processed_commands).toBe(0);
    expect(r.ignored.map((i: { reason: string }) => i.reason)).toEqual([
      'the author is not a Slack user id (U… or W…); reply ignored',
      'the author is not a Slack user id (U… or W…); reply ignored',
    ]);
    expect(r.ignored[1].user.length).toBeLessThanOrEqual(25);
    expect(await counts()).toEqual({ proposed: 3 });
  });

  it("refuses a reply in an old plan's thread, pointing to the active plan, and keeps a rejection's reason", async () => {
    await expectOk(h.cli('setup', '--slack-workspace', 'T0AGENCY1', '--operators', 'U0MEDIA01', '--apply'));
    const oldPlan = await planWithThread(OLD);
    const newPlan = await planWithThread(NEW);
    slack.say(OLD, 'U0MEDIA01', 'APPROVE A1', '1763670000.000100');
    slack.say(NEW, 'U0MEDIA01', 'REJECT A2 too early to judge', '1763670100.000100');
    const r = (await expectOk(h.cli('sync-approvals', '--json'))).json();
    expect(r).toMatchObject({
      plan_id: newPlan,
      approved_keys: [],
      rejected_keys: ['A2'],
      processed_commands: 1,
    });
    expect(r.ignored).toHaveLength(1);
    expect(r.ignored[0].reason).toContain(`Plan ${oldPlan} is no longer active`);
    expect(r.ignored[0].reason).toContain(`the active plan is ${newPlan}`);
    expect(await counts()).toEqual({ proposed: 2, rejected: 1 });
    const log = await actionLog(h.ctx, { actor: cliActor('tester'), limit: 5 });
    expect(log.decisions[0]).toMatchObject({
      planId: newPlan,
      key: 'A2',
      decision: 'reject',
      actor: 'slack:U0MEDIA01',
      reason: 'too early to judge',
    });
  });
});
