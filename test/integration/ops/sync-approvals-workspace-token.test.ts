import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSlackMessage } from '../../../src/db/repos/slack-messages.js';
import { newId } from '../../../src/lib/ids.js';
import { PostgresInstallationStore } from '../../../src/slack/oauth/installation-store.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { FakeSlack } from '../../support/slack/fake-slack.js';

const TEAM = 'T0AGENCY1';
const TEAM_TOKEN = 'xoxb-agency-0001-installed';
const CHANNEL = 'C12345678';

/**
 * Multi-workspace mode, no SLACK_BOT_TOKEN: sync-approvals reads the agent's approval thread with the
 * bot token its workspace installed, and says how to fix it once the workspace uninstalled MetaBuyer.
 */
describe('sync-approvals with a workspace installed through Slack', () => {
  let slack: FakeSlack;
  let h: OpsHarness;
  let thread: string;

  beforeAll(async () => {
    slack = await FakeSlack.start({ teamId: TEAM, tokens: { agency: TEAM_TOKEN } });
    slack.addUser('U0MEDIA01', { name: 'mia' }).addChannel(CHANNEL, { members: ['U0MEDIA01'] });
    h = await startOpsHarness({
      env: {
        SLACK_API_URL: slack.apiUrl,
        SLACK_CLIENT_ID: '1111111111.2222222222',
        SLACK_CLIENT_SECRET: 'client-secret-00112233445566778899',
        SLACK_STATE_SECRET: 'state-secret-aabbccddeeff00112233',
      },
    });
    await h.onboard();
    await expectOk(h.cli('setup', '--slack-workspace', TEAM, '--operators', 'U0MEDIA01', '--apply'));
    await new PostgresInstallationStore(h.ctx).storeInstallation({
      team: { id: TEAM, name: 'Agency' },
      enterprise: undefined,
      user: { id: 'U0MEDIA01', token: undefined, scopes: undefined },
      bot: { token: TEAM_TOKEN, userId: slack.botUserId, id: slack.botId, scopes: ['channels:history'] },
      tokenType: 'bot',
      isEnterpriseInstall: false,
      authVersion: 'v2',
    });
    await expectOk(h.cli('run-now'));
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan;
    // The approval queue as the worker posts it, and where it is remembered.
    thread = slack.postAsUser(CHANNEL, slack.botUserId, 'Approval queue').ts;
    const { db } = await h.ctx.database();
    await recordSlackMessage(db, {
      id: newId('msg'),
      agentId: (await db.query.agents.findFirst())!.id,
      kind: 'queue',
      channelId: CHANNEL,
      messageTs: thread,
      threadTs: thread,
      planId: plan.id,
      postedAt: h.clock.now(),
    });
  });

  afterAll(async () => {
    await h?.close();
    await slack?.close();
  });

  it("reads the thread with the workspace's own bot token", async () => {
    slack.postAsUser(CHANNEL, 'U0MEDIA01', 'APPROVE A1', thread);
    const r = (await expectOk(h.cli('sync-approvals', '--json'))).json();
    expect(r).toMatchObject({ scanned_threads: 1, approved_keys: ['A1'] });
    const reads = slack.callsOf('conversations.replies');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.auth === 'agency')).toBe(true);
  });

  it('refuses once the workspace uninstalled MetaBuyer, saying where to install it again', async () => {
    await new PostgresInstallationStore(h.ctx).deleteInstallation({
      teamId: TEAM,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    const before = slack.callsOf('conversations.replies').length;
    const r = await h.cli('sync-approvals');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not installed in the Slack workspace Agency \(T0AGENCY1\) any more/);
    expect(r.stderr).toMatch(/\/slack\/install/);
    expect(r.stderr).not.toContain(TEAM_TOKEN);
    expect(slack.callsOf('conversations.replies').length).toBe(before);
  });
});
