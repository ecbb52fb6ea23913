import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { slackActor } from '../../../src/domain/actor.js';
import { resumeAgent } from '../../../src/ops/halt.js';
import { pacedScenario, silentScenario } from '../../support/kill-switch-scenarios.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import type { Json } from '../../support/sim.js';

/**
 * The automatic kill switch on the simulator: each trip fires on its scenario once (one event, one
 * Slack post queued), the agent stays halted — execute refused, polls still report — until an operator
 * resumes it, and the resume is on record.
 */
const TEAM = 'T0KILLSW1';
const OPERATOR = 'U0OPERAT1';

describe('the kill switch', () => {
  let h: OpsHarness;
  afterEach(async () => h?.close());

  const rows = async (q: ReturnType<typeof sql>): Promise<Json[]> => {
    const { db } = await h.ctx.database();
    const r = (await db.execute(q)) as unknown as Json;
    return r.rows ?? r;
  };
  const trips = () => rows(sql`select trip_kind, trip_key, actor from agent_events where kind = 'trip'`);
  const posts = () => rows(sql`select payload from outbox where topic = 'slack.kill_switch'`);
  const agent = async () => (await rows(sql`select halted, halted_reason, halted_by from agents`))[0];

  async function start(scenario?: Json, setup: string[] = []) {
    h = await startOpsHarness(scenario ? { scenario } : {});
    await h.onboard();
    await expectOk(h.cli('setup', '--apply', '--slack-workspace', TEAM, '--operators', OPERATOR, ...setup));
  }

  /** Trip fired once: one event of this kind, one Slack post, the agent halted by the kill switch. */
  /** Ours and Meta's (the simulator's) together, so the activity log's times line up with our writes. */
  async function bothClocksAnHourOn() {
    const res = await fetch(`${h.sim.url}/__sim/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_hours: 1 }),
    });
    expect(res.status).toBe(200);
    h.clock.advance(3_600_000);
  }

  async function expectTrippedOnce(kind: string) {
    expect((await trips()).map((t) => t.trip_kind)).toEqual([kind]);
    const queued = await posts();
    expect(queued).toHaveLength(1);
    expect(queued[0].payload).toMatchObject({ channel_id: 'C12345678', trips: [{ kind }] });
    expect(await agent()).toMatchObject({ halted: true, halted_by: 'worker:kill-switch' });
  }

  it('trips on spend far above its pace, once, and stays halted until an operator resumes', async () => {
    await start(pacedScenario());
    const first = await expectOk(h.cli('run-now', '--json'));
    expect(first.json().run.id).toMatch(/^run_/);
    await expectTrippedOnce('spend_pace');
    expect((await agent()).halted_reason).toMatch(
      /^Kill switch: Spend today is \$2,000\.00 after 10\.0 hours/,
    );
    expect(
      (await calls(h)).some((c) => c.path.endsWith('/insights') && c.query.date_preset === 'today'),
    ).toBe(true);

    // Polls still report; nothing fires again, nothing is planned, nothing is written.
    const again = await h.cli('run-now', '--json');
    expect(again.code, again.stderr).toBe(0);
    await expectTrippedOnce('spend_pace');
    const plan = await h.cli('plan-actions', '--json');
    expect(plan.code).toBe(1);
    expect(plan.json().error.code).toBe('agent_halted');
    const exec = await h.cli('execute-actions', '--confirm', 'sandbox', '--json');
    expect(exec.code).toBe(1);
    expect(exec.stdout).toMatch(/halted \(Kill switch: Spend today/);
    expect(await h.writes()).toHaveLength(0);

    const status = (await expectOk(h.cli('status', '--json'))).json();
    expect(status).toMatchObject({
      halted: true,
      halted_by: 'worker:kill-switch',
      kill_switch: { enabled: true, pace_multiple: 3, max_write_failures: 3, window_minutes: 60 },
      last_event: { kind: 'trip', trip_kind: 'spend_pace', actor: 'worker:kill-switch' },
    });

    // Only an operator resumes: a Slack user of the workspace who is not one is refused.
    await expect(
      resumeAgent(h.ctx, { actor: slackActor('U0SOMEONE', TEAM), adAccount: 'act_1000000001' }),
    ).rejects.toMatchObject({ verdict: 'permission' });
    expect((await agent()).halted).toBe(true);
    h.clock.advance(60_000);
    const resumed = await resumeAgent(h.ctx, {
      actor: slackActor(OPERATOR, TEAM),
      adAccount: 'act_1000000001',
    });
    expect(resumed.halted).toBe(false);

    const after = (await expectOk(h.cli('status', '--json'))).json();
    expect(after.halted).toBe(false);
    expect(after.last_event).toMatchObject({ kind: 'resume', actor: `slack:${OPERATOR}` });
    expect(after.last_event.reason).toMatch(/^resumed after: Kill switch: Spend today/);
    const log = (await expectOk(h.cli('action-log', '--json'))).json();
    expect(log.agent_events.map((e: Json) => [e.kind, e.trip_kind])).toEqual([
      ['resume', null],
      ['trip', 'spend_pace'],
    ]);
    expect((await expectOk(h.cli('action-log'))).stdout).toMatch(/resume by slack:U0OPERAT1/);

    // The same trip already fired today: a resumed agent polls and plans again without re-tripping.
    await expectOk(h.cli('run-now'));
    expect(await posts()).toHaveLength(1);
    expect((await agent()).halted).toBe(false);
    await expectOk(h.cli('plan-actions'));
  });

  it('does not trip when switched off with --kill-switch off', async () => {
    await start(pacedScenario(), ['--kill-switch', 'off']);
    const shown = (await expectOk(h.cli('setup', '--json'))).json().config;
    expect(shown).toMatchObject({ kill_switch: false, kill_switch_pace: 3, kill_switch_failures: 3 });
    await expectOk(h.cli('run-now'));
    expect(await trips()).toEqual([]);
    expect(await posts()).toEqual([]);
    expect((await agent()).halted).toBe(false);
    // Today is not even read while switched off.
    expect((await calls(h)).some((c) => c.query.date_preset === 'today')).toBe(false);
  });

  it('follows --kill-switch-pace: the same day under a higher multiple does not trip', async () => {
    await start(pacedScenario(), ['--kill-switch-pace', '20']);
    await expectOk(h.cli('run-now'));
    expect(await trips()).toEqual([]);
  });

  it('trips on spend with no conversions for longer than the tracking rule allows', async () => {
    await start(silentScenario());
    await expectOk(h.cli('run-now'));
    await expectTrippedOnce('zero_conversions');
    expect((await agent()).halted_reason).toMatch(/No conversions while spending: .* with no purchases/);
    await expectOk(h.cli('run-now'));
    await expectTrippedOnce('zero_conversions');
  });

  it('trips when Meta refuses the token on a poll', async () => {
    await start();
    await h.fault({
      path: '^/act_1000000001$',
      times: 5,
      status: 400,
      error: { code: 190, error_subcode: 460, message: 'Error validating access token: session invalidated' },
    });
    const r = await h.cli('run-now', '--json');
    expect(r.code).toBe(1);
    await expectTrippedOnce('token');
    expect((await agent()).halted_reason).toMatch(/refused the login.*Meta code 190/);
    // The next poll reads again (a tripped agent keeps watching) and fires nothing new.
    await h.cli('run-now', '--json');
    await expectTrippedOnce('token');
  });

  it('trips after repeated failed writes (--kill-switch-failures), and expires the approvals', async () => {
    await start(undefined, ['--kill-switch-failures', '2']);
    await expectOk(h.cli('run-now'));
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan;
    expect(plan.actions.length).toBeGreaterThanOrEqual(2);
    await expectOk(h.cli('approve', 'ALL'));
    await h.fault({
      method: 'POST',
      path: '.*',
      times: 10,
      status: 400,
      error: { code: 100, message: 'Invalid parameter', is_transient: false },
    });
    const exec = (await h.cli('execute-actions', '--confirm', 'sandbox', '--json')).json();
    expect(exec.failed).toBeGreaterThanOrEqual(2);
    await expectTrippedOnce('write_failures');
    expect((await posts())[0].payload.plan_id).toBe(plan.id);
    const status = (await expectOk(h.cli('status', '--json'))).json();
    expect(status.plan.expired).toBe(true);
    const again = await h.cli('execute-actions', '--confirm', 'sandbox', '--json');
    expect(again.code).toBe(1);
    expect(await posts()).toHaveLength(1);
  });

  it('trips when someone else undoes one of our writes before the next poll (flapping)', async () => {
    await start();
    await expectOk(h.cli('run-now'));
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan;
    await expectOk(h.cli('approve', 'ALL'));
    await bothClocksAnHourOn();
    const done = (await expectOk(h.cli('execute-actions', '--confirm', 'sandbox', '--json'))).json();
    expect(done.applied).toBe(plan.actions.length);
    // An hour later, someone in Ads Manager puts one object back as it was before our write.
    await bothClocksAnHourOn();
    const undone = plan.actions[0];
    await h.mutate(
      undone.entity_id,
      undone.type === 'set_status' ? { status: undone.from } : { daily_budget: undone.from },
    );
    await bothClocksAnHourOn();
    await expectOk(h.cli('run-now'));
    await expectTrippedOnce('flapping');
    expect((await agent()).halted_reason).toMatch(
      /Someone else undid a write of MetaBuyer since the last poll: .*back to .*, by Ads Manager User \(person\)\)/,
    );
    const event = (await rows(sql`select details from agent_events where kind = 'trip'`))[0];
    expect(event.details.undone).toEqual([
      expect.objectContaining({
        entity_id: undone.entity_id,
        ours: undone.to,
        now: undone.from,
        changed_by: 'Ads Manager User (person)',
      }),
    ]);
    await expectOk(h.cli('run-now'));
    await expectTrippedOnce('flapping');
  });

  it('stays quiet when our writes stand at the next poll', async () => {
    await start();
    await expectOk(h.cli('run-now'));
    await expectOk(h.cli('plan-actions'));
    await expectOk(h.cli('approve', 'ALL'));
    h.clock.advance(60_000);
    await expectOk(h.cli('execute-actions', '--confirm', 'sandbox'));
    h.clock.advance(60_000);
    await expectOk(h.cli('run-now'));
    expect(await trips()).toEqual([]);
    expect((await agent()).halted).toBe(false);
  });
});

async function calls(h: OpsHarness) {
  return h.calls();
}
