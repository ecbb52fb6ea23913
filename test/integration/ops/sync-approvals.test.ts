import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordSlackMessage } from '../../../src/db/repos/slack-messages.js';
import { newId } from '../../../src/lib/ids.js';
import { FakeThreads } from '../../support/fake-threads.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';

describe('sync-approvals', () => {
  let h: OpsHarness;
  let slack: FakeThreads;
  const THREAD = '1763650000.000100';

  beforeEach(async () => {
    slack = new FakeThreads();
    h = await startOpsHarness({ slackThreads: slack });
    await h.onboard();
    // The media buyers operate the agent; no approver is named, so the operators approve.
    await expectOk(
      h.cli('setup', '--slack-workspace', 'T0AGENCY1', '--operators', 'U0MEDIA01,U0MEDIA02', '--apply'),
    );
    await expectOk(h.cli('run-now'));
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan;
    await postQueue(plan.id, THREAD);
  });

  async function postQueue(planId: string, ts: string): Promise<void> {
    const { db } = await h.ctx.database();
    const agentId = (await db.query.agents.findFirst())!.id;
    await recordSlackMessage(db, {
      id: newId('msg'),
      agentId,
      kind: 'queue',
      channelId: 'C12345678',
      messageTs: ts,
      threadTs: ts,
      planId,
      postedAt: h.clock.now(),
    });
  }
  afterEach(async () => h.close());

  it('records the decisions of the thread, as in the transcript', async () => {
    slack.say(THREAD, 'U0MEDIA01', 'APPROVE A1 A3', '1763650100.000200');
    slack.say(THREAD, 'U0MEDIA02', 'looks right to me', '1763650150.000200');
    slack.say(THREAD, 'U0MEDIA02', 'REJECT A2', '1763650200.000300');
    const before = (await h.writes()).length;
    const r = await expectOk(h.cli('sync-approvals'));
    expect(r.stdout).toContain('scannedThreads=1 processedCommands=2 approvedKeys=2 rejectedKeys=1');
    const status = (await expectOk(h.cli('status', '--json'))).json();
    expect(status.plan.counts).toEqual({ approved: 2, rejected: 1 });
    expect((await h.writes()).length).toBe(before);
  });

  it('never applies the same reply twice when synced again', async () => {
    slack.say(THREAD, 'U0MEDIA01', 'APPROVE A1', '1763650100.000200');
    await expectOk(h.cli('sync-approvals'));
    await expectOk(h.cli('clear', 'A1'));
    const again = (await expectOk(h.cli('sync-approvals', '--json'))).json();
    expect(again).toMatchObject({ scanned_threads: 1, processed_commands: 0, approved_keys: [] });
    expect((await expectOk(h.cli('status', '--json'))).json().plan.counts).toEqual({ proposed: 3 });
  });

  it('lets a later reply override an earlier one', async () => {
    slack.say(THREAD, 'U0MEDIA01', 'APPROVE A2', '1763650100.000200');
    slack.say(THREAD, 'U0MEDIA01', 'REJECT A2', '1763650300.000200');
    const r = (await expectOk(h.cli('sync-approvals', '--json'))).json();
    expect(r.approved_keys).toEqual([]);
    expect(r.rejected_keys).toEqual(['A2']);
  });

  it('ignores replies from people who are not approvers, saying so', async () => {
    await expectOk(h.cli('setup', '--approvers', 'U0MEDIA01', '--apply'));
    slack.say(THREAD, 'U0INTERN9', 'APPROVE ALL', '1763650100.000200');
    const r = (await expectOk(h.cli('sync-approvals', '--json'))).json();
    expect(r.processed_commands).toBe(0);
    expect(r.ignored[0]).toMatchObject({ user: 'U0INTERN9' });
    expect(r.ignored[0].reason).toMatch(
      /<@U0INTERN9> may not approve actions for act_1000000001: that needs an approver \(approvers: <@U0MEDIA01>\)/,
    );
    expect((await expectOk(h.cli('status', '--json'))).json().plan.counts).toEqual({ proposed: 3 });
  });

  it('reports a reply that names an unknown action and changes nothing for it', async () => {
    slack.say(THREAD, 'U0MEDIA01', 'APPROVE A9', '1763650100.000200');
    const r = (await expectOk(h.cli('sync-approvals', '--json'))).json();
    expect(r.processed_commands).toBe(0);
    expect(r.ignored[0].reason).toMatch(/no action A9/);
  });
});

describe('sync-approvals without Slack', () => {
  it('says Slack is not configured and how to decide instead', async () => {
    const h = await startOpsHarness();
    try {
      await h.onboard();
      await expectOk(h.cli('run-now'));
      await expectOk(h.cli('plan-actions'));
      const r = await h.cli('sync-approvals');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Slack is not configured: set SLACK_BOT_TOKEN/);
    } finally {
      await h.close();
    }
  });
});
