import { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allAgents } from '../../../src/db/repos/agents.js';
import { agents, slackWorkspaces } from '../../../src/db/schema/index.js';
import { jobIdOf } from '../../../src/jobs/definitions.js';
import { enqueuePoll } from '../../../src/jobs/handlers/poll.js';
import { PostgresInstallationStore } from '../../../src/slack/oauth/installation-store.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';
import { type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';

const TEAM = 'T0WORKER1';
const TEAM_TOKEN = 'xoxb-team-worker-0001-abcdef';

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Multi-workspace mode (SLACK_CLIENT_ID… set, no SLACK_BOT_TOKEN): the worker posts an agent's report
 * with the bot token its workspace installed, and stops posting there once the workspace uninstalls.
 */
describe('metabuyer worker: posting per installed workspace', () => {
  const prefix = uniquePrefix('wsposts');
  let slack: FakeSlack;
  let h: OpsHarness;
  let worker: RunningWorker;
  let agentId: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    h = await startOpsHarness({
      env: {
        REDIS_URL: TEST_REDIS_URL,
        METABUYER_QUEUE_PREFIX: prefix,
        SLACK_API_URL: slack.url,
        SLACK_CLIENT_ID: '1111111111.2222222222',
        SLACK_CLIENT_SECRET: 'client-secret-00112233445566778899',
        SLACK_STATE_SECRET: 'state-secret-aabbccddeeff00112233',
      },
    });
    await h.onboard();
    const db = (await h.ctx.database()).db;
    agentId = (await allAgents(db))[0]!.id;
    // The workspace installs MetaBuyer (Bolt hands this to the store at the end of the OAuth flow) …
    await new PostgresInstallationStore(h.ctx).storeInstallation({
      team: { id: TEAM, name: 'Worker Team' },
      enterprise: undefined,
      user: { id: 'U0ADMIN001', token: undefined, scopes: undefined },
      bot: { token: TEAM_TOKEN, userId: 'U0BOT0001', id: 'B0BOT0001', scopes: ['chat:write'] },
      tokenType: 'bot',
      isEnterpriseInstall: false,
      authVersion: 'v2',
    });
    // … and the agent reports to a channel of that workspace.
    const [ws] = await db.select().from(slackWorkspaces).where(eq(slackWorkspaces.teamId, TEAM));
    await db.update(agents).set({ slackWorkspaceId: ws!.id }).where(eq(agents.id, agentId));
    worker = await startWorker(h.ctx, { prefix, metricsPort: null, slackSpacingMs: 100 });
  });

  afterAll(async () => {
    await worker?.close(5_000);
    await removeQueues(TEST_REDIS_URL, prefix);
    await h?.close();
    await slack?.close();
  });

  it("posts the report and its approval queue with the agent's own workspace token", async () => {
    const posts = await waitFor(
      'report and queue posted',
      async () => slack.posts().length >= 2 && slack.posts(),
    );
    for (const post of posts) {
      expect(post.authorization).toBe(`Bearer ${TEAM_TOKEN}`);
      expect(post.args.channel).toBe('C12345678');
    }
    expect(String(posts[1]!.args.text)).toMatch(/^Approval queue/);
  });

  it('stops posting into a workspace that uninstalled MetaBuyer, failing the job once with a clear reason', async () => {
    await new PostgresInstallationStore(h.ctx).deleteInstallation({
      teamId: TEAM,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    const postsBefore = slack.posts().length;
    const poll = await enqueuePoll(worker.queues, agentId, Date.UTC(2026, 10, 21, 6));
    await waitFor('poll completed', async () => (await poll.getState()) === 'completed');
    const { runId } = (await Job.fromId(worker.queues.queue('poll'), poll.id!))!.returnvalue as {
      runId: string;
    };
    const slackJob = await waitFor('slack job', () =>
      Job.fromId(worker.queues.queue('slack'), jobIdOf('report', runId)),
    );
    await waitFor('slack job failed', async () => (await slackJob.getState()) === 'failed');
    const failed = (await Job.fromId(worker.queues.queue('slack'), slackJob.id!))!;
    expect(failed.failedReason).toMatch(
      /not installed in the Slack workspace Worker Team \(T0WORKER1\) any more/,
    );
    expect(failed.failedReason).not.toContain(TEAM_TOKEN);
    expect(failed.attemptsMade).toBe(1);
    expect(slack.posts().length).toBe(postsBefore);
    expect(h.logLines.join('\n')).not.toContain(TEAM_TOKEN);
  });
});
