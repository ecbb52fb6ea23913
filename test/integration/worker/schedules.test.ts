import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allAgents } from '../../../src/db/repos/agents.js';
import { pollSchedulerId } from '../../../src/jobs/poll-schedules.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { removeQueues, uniquePrefix } from '../../support/redis.js';
import { TEST_REDIS_URL } from '../../support/services.js';

/**
 * Operators change polling with the commands they know; the schedule in Redis follows, and `status`
 * shows when the next poll is.
 */
describe('poll schedules follow pause, resume and setup', () => {
  const prefix = uniquePrefix('sched');
  let h: OpsHarness;
  let redis: Redis;
  let poll: Queue;
  let agentId: string;

  beforeAll(async () => {
    h = await startOpsHarness({ env: { REDIS_URL: TEST_REDIS_URL, METABUYER_QUEUE_PREFIX: prefix } });
    await h.onboard();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
    redis.on('error', () => {});
    poll = new Queue('poll', { connection: redis, prefix });
    poll.on('error', () => {});
    agentId = (await allAgents((await h.ctx.database()).db))[0]!.id;
  });

  afterAll(async () => {
    await poll?.close();
    redis?.disconnect();
    await h?.close();
    await removeQueues(TEST_REDIS_URL, prefix);
  });

  const schedulers = () => poll.getJobSchedulers(0, -1, true);

  it('setup leaves the agent with exactly one schedule at its interval (default 6 h)', async () => {
    const s = await schedulers();
    expect(s.map((x) => x.key)).toEqual([pollSchedulerId(agentId)]);
    expect(s[0]!.every).toBe(21_600_000);
    const status = (await expectOk(h.cli('status', '--json'))).json();
    expect(status.next_run_at).toBe(new Date(Number(s[0]!.next)).toISOString());
  });

  it('pause-agent removes the schedule and status shows no next run; resume-agent brings it back', async () => {
    await expectOk(h.cli('pause-agent', '--reason', 'budget review'));
    expect(await schedulers()).toEqual([]);
    const paused = (await expectOk(h.cli('status', '--json'))).json();
    expect(paused.next_run_at).toBeNull();

    await expectOk(h.cli('resume-agent'));
    const s = await schedulers();
    expect(s.map((x) => x.key)).toEqual([pollSchedulerId(agentId)]);
    expect(s[0]!.every).toBe(21_600_000);
  });

  it('changing the interval moves the schedule to the new interval, still one schedule', async () => {
    await expectOk(h.cli('setup', '--apply', '--interval-seconds', '3600'));
    const s = await schedulers();
    expect(s).toHaveLength(1);
    expect(s[0]!.every).toBe(3_600_000);
    const [agent] = await allAgents((await h.ctx.database()).db);
    expect(agent!.nextRunAt?.getTime()).toBe(Number(s[0]!.next));
  });

  it('pausing twice and resuming twice still leaves exactly one schedule', async () => {
    await expectOk(h.cli('pause-agent', '--reason', 'first'));
    await expectOk(h.cli('pause-agent', '--reason', 'second'));
    expect(await schedulers()).toHaveLength(0);
    await expectOk(h.cli('resume-agent'));
    await expectOk(h.cli('resume-agent'));
    expect(await schedulers()).toHaveLength(1);
  });
});
