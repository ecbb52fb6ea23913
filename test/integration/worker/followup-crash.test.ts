import { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { recordSlackMessage } from '../../../src/db/repos/slack-messages.js';
import { actionFollowups, agents, outbox, plans } from '../../../src/db/schema/index.js';
import { cliActor } from '../../../src/domain/actor.js';
import { newId } from '../../../src/lib/ids.js';
import { runNow } from '../../../src/ops/run-now.js';
import { FAST_LAG, followupScenario } from '../../support/followup-scenario.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { FAKE_BOT_TOKEN, FakeSlack } from '../../support/slack/fake-slack.js';
import { spawnWorker, until, type WorkerProcess } from '../../support/worker-process.js';

/**
 * A worker process killed (SIGKILL) after judging a follow-up and before recording it: nothing is
 * recorded or posted; the next worker judges it again, records each verdict once and posts each once in
 * the plan's thread. Real processes, real Postgres, Redis and the simulator; Slack is the fake.
 */
const CHANNEL = 'C12345678';
const HOUR = 3_600_000;
const workers: WorkerProcess[] = [];
const prefix = uniquePrefix('fu-crash');
let h: OpsHarness | undefined;
let slack: FakeSlack | undefined;
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await removeQueues(TEST_REDIS_URL, prefix);
  await h?.close();
  await slack?.close();
});

describe('a worker killed mid-follow-up', () => {
  it('is finished by the next worker, each verdict recorded and posted once', async () => {
    slack = await FakeSlack.start();
    slack.addChannel(CHANNEL, { name: 'meta-ads' });
    // Spawned workers run on the system clock: the writes happen 73 h before it, on Meta's clock too.
    h = await startOpsHarness({
      scenario: followupScenario(),
      now: new Date(Date.now() - 73 * HOUR).toISOString(),
    });
    await h.onboard();
    const { db } = await h.ctx.database();
    const [agent] = await db.select().from(agents);
    await db
      .update(agents)
      .set({ config: { ...agent!.config, conversionLag: FAST_LAG } })
      .where(eq(agents.id, agent!.id));
    await expectOk(h.cli('run-now'));
    await expectOk(h.cli('plan-actions'));
    await expectOk(h.cli('approve', 'ALL'));
    expect((await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'))).json().applied).toBe(
      2,
    );
    // The plan's approval queue in Slack: where its follow-ups are answered.
    const [plan] = await db.select().from(plans);
    const posted = await new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl }).chat.postMessage({
      channel: CHANNEL,
      text: 'Approval queue',
    });
    await recordSlackMessage(db, {
      id: newId('msg', Date.now()),
      agentId: agent!.id,
      kind: 'queue',
      channelId: CHANNEL,
      messageTs: posted.ts!,
      threadTs: posted.ts!,
      planId: plan!.id,
      postedAt: new Date(),
    });

    // 73 h later: a poll brings the days after the writes (no follow-up is judged by it).
    await fetch(`${h.sim.url}/__sim/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_hours: 73 }),
    });
    h.clock.set(Date.now());
    await runNow(h.ctx, { actor: cliActor('tester'), trigger: 'cli' });

    const env = {
      REDIS_URL: TEST_REDIS_URL,
      METABUYER_QUEUE_PREFIX: prefix,
      METABUYER_LEASE_MS: '1000',
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_API_URL: slack.apiUrl,
    };
    const first = await spawnWorker(h, {
      ...env,
      METABUYER_ALLOW_CRASH_POINTS: '1',
      METABUYER_CRASH_AT: 'followup_after_evaluate',
    });
    workers.push(first);
    const died = await first.exited;
    expect(died.signal, first.output()).toBe('SIGKILL');
    const afterCrash = await db.select().from(actionFollowups);
    expect(afterCrash).toHaveLength(6);
    expect(afterCrash.every((f) => f.status === 'due')).toBe(true);
    expect(await db.select().from(outbox).where(eq(outbox.topic, 'slack.followup'))).toHaveLength(0);

    const second = await spawnWorker(h, env);
    workers.push(second);
    const thread = () =>
      slack!.messagesIn(CHANNEL).filter((m) => m.thread_ts === posted.ts && /at (24|72) h/.test(m.text));
    await until('four verdicts posted', async () => (thread().length >= 4 ? true : undefined), 60_000);
    // Later sweeps (and the dead worker's stalled job) change nothing.
    await new Promise((r) => setTimeout(r, 3_000));
    const texts = thread().map((m) => m.text);
    expect(texts).toHaveLength(4);
    expect(new Set(texts).size).toBe(4);
    expect(texts.some((t) => /^A1 pause ad set Broad US: hurt at 72 h/.test(t))).toBe(true);
    expect(texts.some((t) => /^A2 budget ad set Lookalike 1%: helped at 72 h/.test(t))).toBe(true);
    const done = (await db.select().from(actionFollowups)).filter((f) => f.status === 'done');
    expect(done.map((f) => f.horizon).sort()).toEqual(['24h', '24h', '72h', '72h']);
    const posts = await db.select().from(outbox).where(eq(outbox.topic, 'slack.followup'));
    expect(posts).toHaveLength(4);

    second.kill('SIGTERM');
    expect((await second.exited).code, second.output()).toBe(0);
  }, 180_000);
});
