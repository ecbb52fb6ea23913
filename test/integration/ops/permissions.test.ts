/**
 * Who may do what, and where: two Slack workspaces, each with its own agent, call the ops as their
 * users would. Every refusal names the role needed and who holds it, and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, cliActor, slackActor, workerActor } from '../../../src/domain/actor.js';
import { actionLog } from '../../../src/ops/action-log.js';
import { connect } from '../../../src/ops/connect.js';
import { decide } from '../../../src/ops/decide.js';
import { pauseAgent, resumeAgent } from '../../../src/ops/halt.js';
import { planActions } from '../../../src/ops/plan-actions.js';
import { runNow } from '../../../src/ops/run-now.js';
import { setup } from '../../../src/ops/setup.js';
import { status } from '../../../src/ops/status.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { OTHER_ACCOUNT, OTHER_ACCOUNT_TOKEN, rulesScenario } from '../../support/sim-scenarios.js';

const TEAM_A = 'T0AGENCYA';
const TEAM_B = 'T0AGENCYB';
const ALICE = slackActor('U0ALICE01', TEAM_A); // connects agent A: its first operator
const CAROL = slackActor('U0CAROL01', TEAM_A); // a colleague in workspace A
const BOB = slackActor('U0BOB0001', TEAM_B); // connects agent B in workspace B
const ACCOUNT_A = 'act_1000000001';
const CHANNEL_A = 'C0CHANNELA';
const CHANNEL_B = 'C0CHANNELB';

describe('permissions and workspaces', () => {
  let h: OpsHarness;

  /** Everything a refused request could have changed: agents, connections, plans, actions, decisions. */
  const world = async () => {
    const { db } = await h.ctx.database();
    return JSON.stringify({
      agents: await db.query.agents.findMany({ orderBy: (a, { asc }) => asc(a.id) }),
      connections: await db.query.metaConnections.findMany({ orderBy: (c, { asc }) => asc(c.id) }),
      plans: await db.query.plans.findMany({ orderBy: (p, { asc }) => asc(p.id) }),
      actions: await db.query.planActions.findMany({ orderBy: (a, { asc }) => asc(a.id) }),
      decisions: await db.query.approvalDecisions.findMany({ orderBy: (d, { asc }) => asc(d.id) }),
    });
  };

  /** The promise is refused with this code and message, and the world is exactly as before. */
  async function refused(p: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
    const before = await world();
    const error = await p().then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe(code);
    expect(error?.message).toMatch(message);
    expect(await world()).toBe(before);
  }

  const approveA1 = (actor: Actor) =>
    decide(h.ctx, { actor, decision: 'approve', keys: ['A1'], source: 'slack_command' });

  beforeAll(async () => {
    h = await startOpsHarness({ scenario: rulesScenario() });
    await expectOk(h.cli('init'));
    await connect(h.ctx, {
      actor: ALICE,
      accessToken: 'EAASIMSYSTEMUSERTOKEN0001',
      adAccount: ACCOUNT_A,
      environment: 'sandbox',
    });
    await connect(h.ctx, {
      actor: BOB,
      accessToken: OTHER_ACCOUNT_TOKEN,
      adAccount: OTHER_ACCOUNT,
      environment: 'sandbox',
    });
    await setup(h.ctx, {
      actor: ALICE,
      apply: true,
      changes: { slackChannelId: CHANNEL_A, targetCpa: '120', targetRoas: 1.8 },
    });
    await setup(h.ctx, { actor: BOB, apply: true, changes: { slackChannelId: CHANNEL_B } });
    await runNow(h.ctx, { actor: CAROL, trigger: 'slack' });
    await planActions(h.ctx, { actor: CAROL });
  });
  afterAll(async () => h.close());

  it('makes the Slack user who connected an agent its first operator, with no approver named', async () => {
    const r = await setup(h.ctx, { actor: ALICE, apply: false, changes: {} });
    expect(r.config).toMatchObject({
      operators: ['U0ALICE01'],
      approvers: [],
      slack_workspace: TEAM_A,
      slack_target: `channel:${CHANNEL_A}`,
    });
  });

  it("finds each workspace's agent by its channel, and only its own", async () => {
    const a = await status(h.ctx, { actor: CAROL, slack: { workspaceId: TEAM_A, channelId: CHANNEL_A } });
    expect(a.adAccountId).toBe(ACCOUNT_A);
    expect((await status(h.ctx, { actor: BOB })).adAccountId).toBe(OTHER_ACCOUNT);
  });

  it("never lets one workspace see or touch another workspace's agent", async () => {
    const notFound = /No agent( for act_1000000001)? reports to this Slack workspace/;
    await refused(() => status(h.ctx, { actor: BOB, adAccount: ACCOUNT_A }), 'agent_not_found', notFound);
    await refused(
      () => status(h.ctx, { actor: BOB, slack: { workspaceId: TEAM_A, channelId: CHANNEL_A } }),
      'agent_not_found',
      notFound,
    );
    await refused(
      () =>
        decide(h.ctx, {
          actor: BOB,
          adAccount: ACCOUNT_A,
          decision: 'reject',
          keys: 'ALL',
          source: 'slack_command',
        }),
      'agent_not_found',
      notFound,
    );
    await refused(
      () => runNow(h.ctx, { actor: BOB, adAccount: ACCOUNT_A, trigger: 'slack' }),
      'agent_not_found',
      notFound,
    );
    await refused(
      () => planActions(h.ctx, { actor: BOB, adAccount: ACCOUNT_A }),
      'agent_not_found',
      notFound,
    );
    await refused(
      () => actionLog(h.ctx, { actor: BOB, adAccount: ACCOUNT_A, limit: 5 }),
      'agent_not_found',
      notFound,
    );
    await refused(
      () => pauseAgent(h.ctx, { actor: BOB, adAccount: ACCOUNT_A, reason: 'not mine to pause' }),
      'agent_not_found',
      notFound,
    );
    await refused(
      () =>
        setup(h.ctx, {
          actor: BOB,
          adAccount: ACCOUNT_A,
          apply: true,
          changes: { approvers: ['U0BOB0001'] },
        }),
      'agent_not_found',
      notFound,
    );
    await refused(
      () =>
        connect(h.ctx, {
          actor: BOB,
          accessToken: OTHER_ACCOUNT_TOKEN,
          adAccount: ACCOUNT_A,
          environment: 'live',
        }),
      'ad_account_taken',
      /already set up outside this Slack workspace/,
    );
    await refused(
      () =>
        setup(h.ctx, {
          actor: ALICE,
          apply: true,
          changes: { slackWorkspaceId: TEAM_B, slackChannelId: CHANNEL_B },
        }),
      'permission_denied',
      /cannot be moved to T0AGENCYB/,
    );
  });

  it('lets an operator approve and refuses a colleague, naming who approves', async () => {
    await refused(
      () => approveA1(CAROL),
      'permission_denied',
      /<@U0CAROL01> may not approve actions for act_1000000001: that needs an approver; none is named, so the operators approve: <@U0ALICE01>\. Nothing was changed\./,
    );
    const r = await approveA1(ALICE);
    expect(r.results).toEqual([{ key: 'A1', recorded: true, status: 'approved' }]);
  });

  it('lets anyone in the workspace reject (the safe direction), but only an approver clear', async () => {
    const r = await decide(h.ctx, {
      actor: CAROL,
      decision: 'reject',
      keys: ['A2'],
      reason: 'too early to judge',
      source: 'slack_command',
    });
    expect(r).toMatchObject({ actor: 'slack:U0CAROL01', reason: 'too early to judge' });
    await refused(
      () => decide(h.ctx, { actor: CAROL, decision: 'clear', keys: ['A2'], source: 'slack_command' }),
      'permission_denied',
      /may not clear decisions .* operators approve: <@U0ALICE01>/,
    );
    const cleared = await decide(h.ctx, {
      actor: ALICE,
      decision: 'clear',
      keys: ['A2'],
      source: 'slack_command',
    });
    expect(cleared.results[0]).toMatchObject({ key: 'A2', recorded: true, status: 'proposed' });
  });

  it('lets only an operator change setup; named approvers then approve instead of the operators', async () => {
    await refused(
      () => setup(h.ctx, { actor: CAROL, apply: true, changes: { approvers: ['U0CAROL01'] } }),
      'permission_denied',
      /<@U0CAROL01> may not change the agent's setup for act_1000000001: that needs an operator \(operators: <@U0ALICE01>\)/,
    );
    await setup(h.ctx, { actor: ALICE, apply: true, changes: { approvers: ['U0CAROL01'] } });
    await refused(
      () => decide(h.ctx, { actor: ALICE, decision: 'approve', keys: ['A3'], source: 'slack_command' }),
      'permission_denied',
      /needs an approver \(approvers: <@U0CAROL01>\)/,
    );
    const r = await decide(h.ctx, {
      actor: CAROL,
      decision: 'approve',
      keys: ['A3'],
      source: 'slack_command',
    });
    expect(r.results[0]).toMatchObject({ recorded: true, status: 'approved' });
  });

  it('lets anyone pause, but only an operator resume', async () => {
    const paused = await pauseAgent(h.ctx, { actor: CAROL, reason: 'numbers look odd' });
    expect(paused).toMatchObject({ halted: true, haltedBy: 'slack:U0CAROL01' });
    await refused(
      () => resumeAgent(h.ctx, { actor: CAROL }),
      'permission_denied',
      /may not resume the agent .* needs an operator \(operators: <@U0ALICE01>\)/,
    );
    expect(await resumeAgent(h.ctx, { actor: ALICE })).toMatchObject({ halted: false, changed: true });
  });

  it('lets only an operator reconnect the ad account', async () => {
    await refused(
      () =>
        connect(h.ctx, {
          actor: CAROL,
          accessToken: 'EAASIMSYSTEMUSERTOKEN0001',
          adAccount: ACCOUNT_A,
          environment: 'live',
        }),
      'permission_denied',
      /may not change the agent's Meta connection for act_1000000001: that needs an operator \(operators: <@U0ALICE01>\)/,
    );
  });

  it("keeps one agent per channel: another agent cannot take a workspace's channel", async () => {
    await refused(
      () =>
        setup(h.ctx, {
          actor: cliActor('tester'),
          adAccount: OTHER_ACCOUNT,
          apply: true,
          changes: { slackWorkspaceId: TEAM_A, slackChannelId: CHANNEL_A },
        }),
      'channel_taken',
      /Channel C0CHANNELA already receives the reports of act_1000000001/,
    );
  });

  it('lets the worker run and plan but never decide', async () => {
    const worker = workerActor('poll');
    await refused(
      () =>
        decide(h.ctx, {
          actor: worker,
          decision: 'approve',
          keys: ['A1'],
          source: 'cli',
          adAccount: ACCOUNT_A,
        }),
      'permission_denied',
      /worker:poll may not approve actions/,
    );
    expect((await status(h.ctx, { actor: worker, adAccount: ACCOUNT_A })).adAccountId).toBe(ACCOUNT_A);
  });

  it('treats the local CLI as the machine operator, on every agent', async () => {
    const me = cliActor('tester');
    const r = await decide(h.ctx, {
      actor: me,
      adAccount: OTHER_ACCOUNT,
      decision: 'reject',
      keys: 'ALL',
      source: 'cli',
    }).catch((e: { code: string }) => e);
    // Agent B has no plan yet: the CLI reaches it and is told so, rather than being refused.
    expect(r).toMatchObject({ code: 'no_plan' });
  });
});

describe('an agent nobody operates yet', () => {
  let h: OpsHarness;
  beforeAll(async () => {
    h = await startOpsHarness();
    await h.onboard();
    await expectOk(h.cli('setup', '--slack-workspace', TEAM_A, '--apply'));
    await expectOk(h.cli('run-now'));
    await expectOk(h.cli('plan-actions'));
  });
  afterAll(async () => h.close());

  it('lets no Slack user approve, and says how to name an operator', async () => {
    const { db } = await h.ctx.database();
    const before = await db.query.planActions.findMany();
    await expect(
      decide(h.ctx, { actor: CAROL, decision: 'approve', keys: 'ALL', source: 'slack_command' }),
    ).rejects.toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining(
        'there is nobody yet — add with `metabuyer setup --operators U… --apply`',
      ),
    });
    expect(await db.query.planActions.findMany()).toEqual(before);
  });

  it('makes the Slack user who sets it up its first operator; approvers stay empty', async () => {
    const r = await setup(h.ctx, { actor: CAROL, apply: true, changes: { slackChannelId: 'C0NEWCHAN1' } });
    expect(r.config).toMatchObject({
      operators: ['U0CAROL01'],
      approvers: [],
      slack_target: 'channel:C0NEWCHAN1',
    });
    await expect(
      setup(h.ctx, { actor: ALICE, apply: true, changes: { operators: ['U0ALICE01'] } }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('refuses malformed and oversized Slack ids at the setup flags, changing nothing', async () => {
    const bad = await h.cli('setup', '--approvers', "U'); DROP TABLE agents;--", '--apply', '--json');
    expect(bad.code).toBe(2);
    expect(bad.json().error.message).toMatch(/must be Slack user ids/);
    const long = await h.cli('setup', '--operators', `U${'A'.repeat(10_000)}`, '--apply', '--json');
    expect(long.code).toBe(2);
    const many = Array.from({ length: 101 }, (_, i) => `U0PERSON${String(i).padStart(3, '0')}`).join(',');
    expect((await h.cli('setup', '--approvers', many, '--apply')).code).toBe(2);
    const r = await setup(h.ctx, { actor: cliActor('tester'), apply: false, changes: {} });
    expect(r.config).toMatchObject({ operators: ['U0CAROL01'], approvers: [] });
  });
});
