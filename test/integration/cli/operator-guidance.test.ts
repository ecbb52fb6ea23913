/**
 * What the CLI tells an operator in the situations issue 8 found wanting: names that carry terminal
 * escapes, an agent without targets, a schedule nobody keeps, a failed write, an unreachable Graph API
 * and a taken port. Each through the same commands an operator types.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { allAgents, updateAgent } from '../../../src/db/repos/agents.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { type Json, SEED_PATH, seedScenario } from '../../support/sim.js';

const ESC = '\x1b[2K\r';
// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** seed-demo with every campaign, ad set and ad renamed to start by erasing the line it is printed on. */
function escapingScenario(): Record<string, Json> {
  const s = seedScenario();
  const rename = (node: Json) => {
    if (Array.isArray(node)) node.forEach(rename);
    else if (node && typeof node === 'object') {
      for (const key of ['campaigns', 'adsets', 'ads']) {
        for (const child of (node[key] as Json[] | undefined) ?? []) {
          child.name = `${ESC}FAKE ${child.name}`;
          rename(child);
        }
      }
    }
  };
  rename(s.ad_accounts);
  return s;
}

let h: OpsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('text output never lets names or reasons drive the terminal', () => {
  it('shows escape sequences in Meta object names as visible text in run-now and plan-actions', async () => {
    h = await startOpsHarness({ scenario: escapingScenario() });
    await h.onboard();
    const run = await expectOk(h.cli('run-now'));
    expect(run.stdout + run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('"\\x1b[2K\\rFAKE ');
    const plan = await expectOk(h.cli('plan-actions'));
    expect(plan.stdout).not.toMatch(RAW_CONTROL);
    expect(plan.stdout).toContain('\\x1b[2K\\rFAKE ');
    // JSON keeps the data exact; JSON.stringify already escapes it on the wire.
    const json = await expectOk(h.cli('run-now', '--json'));
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(json.json().recommendations[0].entity_name).toContain(ESC);
  });

  it("keeps escapes and line breaks in an operator's --reason from driving the terminal: one harmless line in status", async () => {
    h = await startOpsHarness();
    await h.onboard();
    const reason = `audit\x1b[2K\rALL CLEAR\nExecution: enabled`;
    const pause = await expectOk(h.cli('pause-agent', '--reason', reason));
    expect(pause.stdout).not.toMatch(RAW_CONTROL);
    const status = await expectOk(h.cli('status'));
    expect(status.stdout).not.toMatch(RAW_CONTROL);
    // pause-agent stores the reason with its control characters blanked, so status prints one plain line.
    expect(status.stdout).toContain('audit [2K ALL CLEAR Execution: enabled (by cli:tester)');
    expect(status.stdout).not.toMatch(/^Execution: enabled$/m);
  });
});

describe('an agent without targets', () => {
  const connectOnly = async (harness: OpsHarness) => {
    await expectOk(harness.cli('init'));
    await expectOk(
      harness.cli('connect', '--access-token', 'EAASIMSYSTEMUSERTOKEN0001', '--ad-account', '1000000001'),
    );
  };

  it('says which rules run-now could not run, and how to set the targets', async () => {
    h = await startOpsHarness();
    await connectOnly(h);
    const r = await expectOk(h.cli('run-now'));
    expect(r.stdout).toContain(
      'Not run, for want of a target CPA and a target ROAS: high_cpa, zero_conversions, low_roas, scale_winner, tracking_broken.',
    );
    expect(r.stdout).toContain('metabuyer setup --target-cpa N --target-roas N --apply');
    await expectOk(h.cli('setup', '--target-cpa', '120', '--apply'));
    const half = await expectOk(h.cli('run-now'));
    expect(half.stdout).toContain('Not run, for want of a target ROAS: low_roas, scale_winner.');
    expect(half.stdout).toContain('metabuyer setup --target-roas N --apply');
  });

  it('shows the current configuration when setup is given no flags', async () => {
    h = await startOpsHarness();
    await connectOnly(h);
    const r = await expectOk(h.cli('setup'));
    expect(r.stdout).not.toContain('No change');
    expect(r.stdout).toMatch(/^ {2}--target-cpa: +not set$/m);
    expect(r.stdout).toMatch(/^ {2}--interval-seconds: +21600$/m);
    expect(r.stdout).toMatch(/^ {2}--execution-enabled: +false$/m);
    await expectOk(h.cli('setup', '--target-cpa', '45.5', '--apply'));
    expect((await expectOk(h.cli('setup'))).stdout).toMatch(/^ {2}--target-cpa: +\$45\.50$/m);
  });
});

describe('status promises only the runs a worker has scheduled', () => {
  it('says no worker has scheduled a run, even after a manual run, until one does', async () => {
    h = await startOpsHarness();
    await h.onboard();
    const before = await expectOk(h.cli('status'));
    const none =
      /^Next run: +none: no worker has scheduled a run \(start `metabuyer worker`, or run `metabuyer run-now`\)$/m;
    expect(before.stdout).toMatch(none);
    await expectOk(h.cli('run-now'));
    expect((await expectOk(h.cli('status'))).stdout).toMatch(none);
    expect((await expectOk(h.cli('status', '--json'))).json()).toMatchObject({
      schedule: 'not_scheduled',
      next_run_at: null,
    });

    // A worker schedules the next poll: status shows it, in the account's time zone, named.
    const { db } = await h.ctx.database();
    const [agent] = await allAgents(db);
    await updateAgent(db, agent!.id, { nextRunAt: new Date('2026-11-20T21:00:00Z') }, h.clock.now());
    const after = await expectOk(h.cli('status'));
    expect(after.stdout).toMatch(/^Next run: +2026-11-20 16:00 America\/New_York$/m);
    expect(after.stdout).toMatch(/^Time zone: +America\/New_York$/m);
  });
});

describe('a failed write', () => {
  it('says it is not tried again in its plan, and the next execute agrees', async () => {
    h = await startOpsHarness();
    await h.onboard();
    await expectOk(h.cli('run-now'));
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
    await expectOk(h.cli('approve', 'ALL'));
    const target = plan[0];
    await h.fault({
      method: 'POST',
      path: `^/${target.entity_id}$`,
      times: 20,
      error: {
        code: 2,
        message: 'An unexpected error has occurred. Please retry your request later.',
        is_transient: true,
      },
    });
    const first = await h.cli('execute-actions', '--confirm', 'sandbox');
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(new RegExp(`^ {2}${target.key} failed `, 'm'));
    expect(first.stdout).toContain(
      'A failed action is not tried again within its plan. To try again: `metabuyer run-now`, `metabuyer plan-actions`, approve the new action, then execute.',
    );
    const writes = (await h.writes()).filter((w) => w.path.endsWith(`/${target.entity_id}`)).length;

    const second = await h.cli('execute-actions', '--confirm', 'sandbox', '--json');
    const result = second.json().results.find((x: { key: string }) => x.key === target.key);
    expect(result).toMatchObject({ outcome: 'skipped', reason: 'already_failed' });
    const text = await h.cli('execute-actions', '--confirm', 'sandbox');
    const line = text.stdout.split('\n').find((l) => l.startsWith(`  ${target.key} `));
    expect(line).toMatch(/ skipped .* — failed on an earlier execute; not tried again in this plan$/);
    expect(line).not.toContain('already executed');
    expect((await h.writes()).filter((w) => w.path.endsWith(`/${target.entity_id}`))).toHaveLength(writes);
  });
});

describe('an unreachable simulator or a taken port', () => {
  it('names META_GRAPH_URL when the Graph API refuses the connection', async () => {
    h = await startOpsHarness();
    await h.onboard();
    const url = h.sim.url;
    const close = h.sim.close;
    await close();
    h.sim.close = async () => {}; // already closed: the harness must not close it twice
    const r = await h.cli('run-now', '--json');
    expect(r.code).toBe(1);
    const { error } = r.json();
    expect(error.message).toContain('The connection to Meta was refused (GET /v26.0/act_1000000001');
    expect(error.message).toContain(
      `Nothing answers at ${url}: check META_GRAPH_URL (is the simulator running?).`,
    );
  });

  it('says the port is taken when `metabuyer sim` cannot listen, exit 1', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      let stdout = '';
      const code = await main(
        ['sim', '--scenario', SEED_PATH, '--port', String(port), '--json'],
        {},
        {
          io: {
            out: (t) => {
              stdout += t;
            },
            err: () => {},
          },
        },
      );
      expect(code).toBe(1);
      expect(JSON.parse(stdout).error).toEqual({
        code: 'port_in_use',
        message: `Port ${port} on 127.0.0.1 is already taken by another program: pick another with --port N, or leave --port out for a free one.`,
      });
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
