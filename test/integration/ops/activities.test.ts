import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentById } from '../../../src/db/repos/agents.js';
import { connectionById } from '../../../src/db/repos/connections.js';
import { runById } from '../../../src/db/repos/runs.js';
import { HOUR_MS } from '../../../src/lib/clock.js';
import { renderApprovalQueue } from '../../../src/slack/blocks/approval-queue.js';
import { renderReport } from '../../../src/slack/blocks/report.js';
import { loadQueueView } from '../../../src/slack/views/queue-view.js';
import { reportViewOf } from '../../../src/slack/views/report-view.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import type { Json } from '../../support/sim.js';
import { assertValidMessage } from '../../support/slack/block-kit.js';

/** Who changed what: the activity log read by each poll, on the simulator, through the operator's commands. */
describe('who changed what', () => {
  let h: OpsHarness;
  let planId: string;
  let actions: Json[];

  const admin = async (path: string, body: unknown): Promise<Json> => {
    const res = await fetch(`${h.sim.url}/__sim/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  /** Both clocks, ours and Meta's, an hour on: changes then come after the plan. */
  const anHourLater = async () => {
    h.clock.advance(HOUR_MS);
    await admin('clock', { advance_hours: 1 });
  };
  const janeSets = (id: string, fields: Record<string, unknown>) =>
    admin('mutate', { id, fields, actor: { id: '100000000000042', name: 'Jane Buyer' } });
  const queueText = async () => {
    const { db } = await h.ctx.database();
    const view = await loadQueueView(db, planId, h.clock.now());
    const messages = renderApprovalQueue(view!);
    for (const m of messages) assertValidMessage(m);
    return { view: view!, text: JSON.stringify(messages.map((m) => m.blocks)) };
  };

  beforeEach(async () => {
    h = await startOpsHarness();
    await h.onboard();
    await expectOk(h.cli('run-now'));
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan;
    planId = plan.id;
    actions = plan.actions;
    await expectOk(h.cli('approve', 'ALL'));
  });
  afterEach(async () => h.close());

  it('flags an outside budget edit in the queue once a poll reads it, and execution refuses it as stale naming the change', async () => {
    const raise = actions.find((a) => a.type === 'update_daily_budget' && a.level === 'adset');
    expect(raise).toMatchObject({ key: 'A3', entity_id: '12', from: 10000, to: 12000 });
    await anHourLater();
    await janeSets('12', { daily_budget: 11000 });

    // Before a poll has read the log, the queue cannot know.
    expect((await queueText()).text).not.toContain('Changed by');
    const poll = (await expectOk(h.cli('run-now', '--json'))).json();
    expect(poll.run.changes.by_people).toEqual([
      expect.objectContaining({
        actor: 'Jane Buyer (person)',
        actor_kind: 'person',
        object_id: '12',
        event_type: 'update_ad_set_budget',
        description:
          'Budget of ad set "Lookalike purchasers 1%" raised $100.00 → $110.00 by Jane Buyer (person)',
      }),
    ]);

    const { view, text } = await queueText();
    expect(view.planId).toBe(planId);
    expect(view.actions.find((a) => a.key === 'A3')?.outsideChanges).toEqual([
      expect.objectContaining({ by: 'Jane Buyer (person)', kind: 'person' }),
    ]);
    expect(view.actions.find((a) => a.key === 'A1')?.outsideChanges).toBeNull();
    expect(text).toContain(':warning: *Changed by Jane Buyer (person)*');
    expect(text).toContain('raised $100.00 → $110.00 by Jane Buyer (person)');
    // The CLI shows the same flag on the plan before anyone executes.
    const status = await expectOk(h.cli('status'));
    expect(status.stdout).toMatch(
      /⚠ A3: +changed by Jane Buyer \(person\) at .* after this plan: Budget of ad set/,
    );
    expect((await expectOk(h.cli('status', '--json'))).json().plan.outside_changes).toEqual([
      expect.objectContaining({
        key: 'A3',
        entity_id: '12',
        by: 'Jane Buyer (person)',
        actor_kind: 'person',
      }),
    ]);

    const result = (await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'))).json();
    const a3 = result.results.find((r: Json) => r.key === 'A3');
    expect(a3.outcome).toBe('skipped');
    expect(a3.reason).toMatch(
      /^stale: live 11000, plan expected 10000 — changed by Jane Buyer \(person\) at 2026-11-20T16:00:00Z after this plan: Budget of ad set "Lookalike purchasers 1%" raised \$100\.00 → \$110\.00/,
    );
    expect((await h.object('12')).daily_budget).toBe(11000);
  });

  it('names the outside change in a stale refusal even when no poll has read it yet', async () => {
    await anHourLater();
    await janeSets('12', { daily_budget: 9000 });
    const result = (await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'))).json();
    expect(result.results.find((r: Json) => r.key === 'A3').reason).toContain(
      'changed by Jane Buyer (person) at 2026-11-20T16:00:00Z after this plan: Budget of ad set "Lookalike purchasers 1%" lowered $100.00 → $90.00',
    );
  });

  it('names the outside change when a rollback is refused because someone changed the object since', async () => {
    await anHourLater();
    const done = (await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'))).json();
    expect(done.applied).toBe(3);
    await anHourLater();
    await janeSets('12', { daily_budget: 13000 });
    const rolled = (await h.cli('rollback-actions', '--confirm', 'sandbox', '--json')).json();
    const refused = rolled.results.filter((r: Json) => r.outcome === 'refused');
    expect(refused).toHaveLength(1);
    expect(refused[0].reason).toMatch(
      /^the object no longer holds what we wrote: live 13000, .* — changed by Jane Buyer \(person\) at 2026-11-20T17:00:00Z after this plan: Budget of ad set "Lookalike purchasers 1%" raised \$[\d.,]+ → \$130\.00/,
    );
    expect((await h.object('12')).daily_budget).toBe(13000);
  });

  it('classifies our own writes as ours, never as outside changes', async () => {
    await anHourLater();
    const result = (await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'))).json();
    expect(result.applied).toBe(3);
    const poll = (await expectOk(h.cli('run-now', '--json'))).json();
    expect(poll.run.changes).toMatchObject({ by_people: [], by_other_apps: [], by_meta: [], ours: 3 });
    expect((await queueText()).text).not.toContain('Changed by');
  });

  it("shows Meta's automatic adjustment in the report with its actor, text, --json and Slack", async () => {
    await anHourLater();
    await admin('automatic-adjustments', {
      id: '13',
      event_type: 'update_campaign_budget',
      fields: { daily_budget: 20000 },
    });
    const poll = await expectOk(h.cli('run-now', '--json'));
    const json = poll.json();
    expect(json.run.changes.by_meta).toEqual([
      expect.objectContaining({
        actor: 'Meta (automatic)',
        actor_kind: 'meta',
        actor_name: 'Meta',
        object_id: '13',
        description: 'Budget of campaign "Retargeting" raised $160.00 → $200.00 by Meta (automatic)',
      }),
    ]);
    expect(json.run.changes.by_people).toEqual([]);

    const text = (await expectOk(h.cli('run-now'))).stdout;
    expect(text).toContain("by Meta's automatic adjustments:");
    expect(text).toContain('Budget of campaign "Retargeting" raised $160.00 → $200.00 by Meta (automatic)');

    const { db } = await h.ctx.database();
    const run = (await runById(db, json.run.id))!;
    const agent = (await agentById(db, run.agentId))!;
    const connection = (await connectionById(db, agent.connectionId))!;
    const view = await reportViewOf(db, { run, agent, connection, planId: null, now: h.clock.now() });
    const messages = renderReport(view);
    for (const m of messages) assertValidMessage(m);
    const blocks = JSON.stringify(messages[0]!.blocks);
    expect(blocks).toContain('1 by Meta (automatic)');
    expect(blocks).toContain('raised $160.00 → $200.00 by Meta (automatic)');
  });

  it('says which outside change came first before a sharp move (an anomaly card)', async () => {
    // Jane raised the ad set's budget the evening before the window began (Meta's clock, moved back).
    await admin('clock', { now: '2026-11-12T20:00:00Z' });
    await janeSets('11', { daily_budget: 12000 });
    await admin('clock', { now: '2026-11-20T15:00:00Z' });
    const poll = (await expectOk(h.cli('run-now', '--json'))).json();
    const card = poll.run.changes.anomalies.find((a: Json) => a.rule === 'high_cpa');
    expect(card).toMatchObject({
      entity_name: 'Broad US 25-54',
      hours_before: 9,
      description:
        'Budget of ad set "Broad US 25-54" lowered $150.00 → $120.00 by Jane Buyer (person) 9 h before the high-CPA window',
    });
    expect((await expectOk(h.cli('run-now'))).stdout).toContain(
      'First change behind high_cpa on "Broad US 25-54": Budget of ad set',
    );
  });

  it('keeps polling when the activity log cannot be read, says why, and reads from the same point next time', async () => {
    await anHourLater();
    await janeSets('12', { daily_budget: 11000 });
    await h.fault({
      method: 'GET',
      path: '^/act_1000000001/activities$',
      times: 5,
      error: { code: 200, message: '(#200) Permissions error' },
    });
    const failed = await expectOk(h.cli('run-now', '--json'));
    expect(failed.json().run.changes.read_error).toMatchObject({ code: expect.stringMatching(/^meta_/) });
    expect(failed.json().recommendations.length).toBeGreaterThan(0);
    const text = (await expectOk(h.cli('run-now'))).stdout;
    expect(text).toContain('(the activity log could not be read');
    await fetch(`${h.sim.url}/__sim/faults`, { method: 'DELETE' });
    const next = (await expectOk(h.cli('run-now', '--json'))).json();
    expect(next.run.changes.read_error).toBeNull();
    expect(next.run.changes.by_people.map((c: Json) => c.object_id)).toEqual(['12']);
  });

  it('reads a log longer than a page, every page, and stores each entry once', async () => {
    await anHourLater();
    for (let i = 0; i < 7; i++) await janeSets('11', { daily_budget: 15100 + i * 100 });
    await admin('limits', { max_page_size: 2 });
    const since = (await h.calls()).at(-1)?.seq ?? 0;
    const first = (await expectOk(h.cli('run-now', '--json'))).json();
    const reads = (await h.calls()).filter((c) => c.seq > since && c.path === '/act_1000000001/activities');
    expect(reads.length).toBeGreaterThanOrEqual(4);
    expect(first.run.changes.by_people).toHaveLength(7);

    const again = (await expectOk(h.cli('run-now', '--json'))).json();
    expect(again.run.changes.by_people).toHaveLength(7);
    expect(again.run.changes.by_people.map((c: Json) => c.description)).toEqual(
      first.run.changes.by_people.map((c: Json) => c.description),
    );
  });
});
