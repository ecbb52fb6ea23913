import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionFollowups, agents, outbox } from '../../../src/db/schema/index.js';
import { FAST_LAG, FOLLOWUP_NOW, followupScenario } from '../../support/followup-scenario.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import type { Json } from '../../support/sim.js';

/** Moves Meta's clock (the simulator) and ours together. */
async function advance(h: OpsHarness, hours: number): Promise<void> {
  const res = await fetch(`${h.sim.url}/__sim/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_hours: hours }),
  });
  expect(res.status).toBe(200);
  h.clock.advance(hours * 3_600_000);
}

/**
 * An operator's world after approving and executing the plan: A1 pauses ad set 11, A2 raises ad set 12.
 * The agent judges maturity by FAST_LAG unless told to keep the default profile (about 72 h).
 */
async function executedWorld(opts: { defaultLag?: boolean } = {}): Promise<OpsHarness> {
  const h = await startOpsHarness({ scenario: followupScenario(), now: FOLLOWUP_NOW });
  await h.onboard();
  const { db } = await h.ctx.database();
  const [agent] = await db.select().from(agents);
  const lag = opts.defaultLag ? {} : { conversionLag: FAST_LAG };
  await db
    .update(agents)
    .set({ config: { ...agent!.config, ...lag, rollbackWindowHours: 120 } })
    .where(eq(agents.id, agent!.id));
  await expectOk(h.cli('run-now'));
  const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
  expect(plan.map((a: Json) => [a.key, a.type, a.entity_id])).toEqual([
    ['A1', 'set_status', '11'],
    ['A2', 'update_daily_budget', '12'],
  ]);
  await expectOk(h.cli('approve', 'ALL'));
  const done = (await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'))).json();
  expect(done.applied).toBe(2);
  return h;
}

const appliedEntries = async (h: OpsHarness): Promise<Json[]> =>
  (await expectOk(h.cli('action-log', '--json')))
    .json()
    .entries.filter((e: Json) => e.kind === 'execute' && e.outcome === 'applied');
const followup = (entry: Json, horizon: string) => entry.followups.find((f: Json) => f.horizon === horizon);

describe('outcome follow-ups on the simulator', () => {
  let h: OpsHarness;
  beforeAll(async () => {
    h = await executedWorld();
  }, 120_000);
  afterAll(async () => h?.close());

  it('schedules three follow-ups per applied write, due at 24 h, 72 h and 7 days', async () => {
    const entries = await appliedEntries(h);
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      expect(e.followups.map((f: Json) => [f.horizon, f.status])).toEqual([
        ['24h', 'due'],
        ['72h', 'due'],
        ['7d', 'due'],
      ]);
      expect(Date.parse(followup(e, '72h').due_at) - Date.parse(e.at)).toBe(72 * 3_600_000);
    }
  });

  it('judges at 72 h on matured days: the raised ad set helped, the paused one hurt its parent', async () => {
    await advance(h, 73);
    await expectOk(h.cli('run-now'));
    const entries = await appliedEntries(h);
    const raise = entries.find((e) => e.entity_id === '12')!;
    const pause = entries.find((e) => e.entity_id === '11')!;

    // One day after the write, no complete day has all its purchases: nothing to judge yet.
    expect(followup(raise, '24h')).toMatchObject({
      status: 'done',
      verdict: 'inconclusive',
      reason: 'not_matured',
    });

    const helped = followup(raise, '72h');
    expect(helped).toMatchObject({ status: 'done', verdict: 'helped', metric: 'cpa', currency: 'USD' });
    expect(helped.subject).toMatchObject({ role: 'entity', id: '12' });
    expect(helped.change).toBeLessThan(-0.4);
    expect(helped.interval.high).toBeLessThan(0);
    expect(helped.money).toBeGreaterThan(0);
    expect(Number.isInteger(helped.money)).toBe(true);

    const hurt = followup(pause, '72h');
    expect(hurt).toMatchObject({ status: 'done', verdict: 'hurt', metric: 'cpa' });
    expect(hurt.subject).toMatchObject({ role: 'parent', id: '10' });
    expect(hurt.interval.low).toBeGreaterThan(0);
    expect(hurt.money).toBeLessThan(0);

    expect(followup(raise, '7d').status).toBe('due');

    const text = (await expectOk(h.cli('action-log'))).stdout;
    expect(text).toContain('Follow-ups:');
    expect(text).toMatch(
      /A2 budget ad set Lookalike 1%: helped at 72 h — CPA −\d+ % \(interval −\d+ %…−\d+ %\) vs peers, ≈ \$[\d,]+ gained/,
    );
    expect(text).toMatch(
      /A1 pause ad set Broad US: hurt at 72 h — parent CPA \+\d+ % \(interval \+\d+ %…\+\d+ %\) vs peers, ≈ \$[\d,]+ lost/,
    );
  }, 120_000);

  it('records each verdict once, however often the sweep runs; embedded mode queues no Slack post', async () => {
    const { db } = await h.ctx.database();
    const before = await db.select().from(actionFollowups).orderBy(actionFollowups.id);
    await expectOk(h.cli('run-now'));
    await expectOk(h.cli('run-now'));
    const after = await db.select().from(actionFollowups).orderBy(actionFollowups.id);
    expect(after.filter((f) => f.status === 'done')).toHaveLength(4);
    // Judged once: the rows of the first judgement are unchanged.
    expect(after.map((f) => [f.id, f.evaluatedAt?.toISOString(), f.verdict])).toEqual(
      before.map((f) => [f.id, f.evaluatedAt?.toISOString(), f.verdict]),
    );
    // No worker posts in embedded mode: nothing is queued to be posted stale later.
    expect(await db.select().from(outbox).where(eq(outbox.topic, 'slack.followup'))).toHaveLength(0);
  }, 120_000);
});

describe('outcome follow-ups under the default conversion lag (about 72 h)', () => {
  let h: OpsHarness;
  beforeAll(async () => {
    h = await executedWorld({ defaultLag: true });
  }, 120_000);
  afterAll(async () => h?.close());

  it('keeps a 72 h follow-up waiting while its days mature, then judges it instead of closing it inconclusive', async () => {
    await advance(h, 73);
    await expectOk(h.cli('run-now'));
    let raise = (await appliedEntries(h)).find((e) => e.entity_id === '12')!;
    expect(followup(raise, '24h')).toMatchObject({
      status: 'done',
      verdict: 'inconclusive',
      reason: 'not_matured',
    });
    expect(followup(raise, '72h')).toMatchObject({ status: 'due', verdict: null });

    // Three more days: the days after the write have all their purchases.
    await advance(h, 72);
    await expectOk(h.cli('run-now'));
    const entries = await appliedEntries(h);
    raise = entries.find((e) => e.entity_id === '12')!;
    const pause = entries.find((e) => e.entity_id === '11')!;
    expect(followup(raise, '72h')).toMatchObject({ status: 'done', verdict: 'helped' });
    expect(followup(pause, '72h')).toMatchObject({ status: 'done', verdict: 'hurt' });
  }, 180_000);
});
