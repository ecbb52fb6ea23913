import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIRM_ACTION_ID, CONFIRM_BLOCK_ID } from '../../../src/slack/blocks/confirm-modal.js';
import { type RunningWorker, startWorker } from '../../../src/worker/worker.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { processEnv, runProcess } from '../../support/processes.js';
import { uniquePrefix } from '../../support/redis.js';
import { seedScenarioToday } from '../../support/scenario-today.js';
import { TEST_REDIS_URL } from '../../support/services.js';
import { FAKE_BOT_TOKEN, FakeSlack } from '../../support/slack/fake-slack.js';
import { FAKE_APP_TOKEN, FakeSocketMode, SocketModeSigner } from '../../support/slack/fake-socket-mode.js';

/**
 * `metabuyer serve` in Socket Mode, as a developer runs it on a laptop: a real process with SLACK_APP_TOKEN
 * (and no signing secret), Slack's Web API and Socket Mode backend played by the fakes, Meta by the
 * simulator, real Postgres and Redis. Slack's traffic arrives only over the WebSocket; PORT keeps health.
 */
const BIN = fileURLToPath(new URL('../../../bin/metabuyer.js', import.meta.url));
const CHANNEL = 'C0SOCKET01';
const OPS = 'U0OPS00001';
const ANA = 'U0APPR0001';
/** The secret part of the app token: it must not leak in any shape. */
const TOKEN_TAIL = FAKE_APP_TOKEN.split('-').at(-1)!;

describe('serve over Socket Mode (SLACK_APP_TOKEN)', () => {
  let h: OpsHarness;
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let signer: SocketModeSigner;
  let serve: ChildProcess;
  let output = '';
  let port = 0;
  let worker: RunningWorker | undefined;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  const prefix = uniquePrefix('socketmode');

  const eventually = async <T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, within = 30_000) => {
    const until = Date.now() + within;
    let v = await probe();
    while (!ok(v) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      v = await probe();
    }
    return v;
  };

  beforeAll(async () => {
    slack = await FakeSlack.start();
    slack.addChannel(CHANNEL, { name: 'meta-ads-dev', members: [OPS, ANA] });
    for (const u of [OPS, ANA]) slack.addUser(u);
    socket = await FakeSocketMode.start(slack);
    signer = new SocketModeSigner(socket, slack);
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      METABUYER_QUEUE_PREFIX: prefix,
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_API_URL: slack.apiUrl,
    };
    // serve runs on the system clock: the scenario is moved to today so the plan is current for it too.
    const { scenario, now } = seedScenarioToday();
    h = await startOpsHarness({ env, scenario, now });
    await expectOk(h.cli('init'));
    await expectOk(
      h.cli(
        'connect',
        '--access-token',
        'EAASIMSYSTEMUSERTOKEN0001',
        '--ad-account',
        '1000000001',
        '--env',
        'sandbox',
      ),
    );
    serve = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      env: processEnv(h, { ...env, SLACK_APP_TOKEN: FAKE_APP_TOKEN, LOG_LEVEL: 'debug' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => serve.once('exit', (code, signal) => resolve({ code, signal })));
    serve.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    serve.stderr!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const line = await eventually(
      () => /listening on port (\d+)/.exec(output),
      (m) => m !== null || serve.exitCode !== null,
      30_000,
    );
    if (!line) throw new Error(`serve did not start:\n${output}`);
    port = Number(line[1]);
    await socket.connected();
  }, 60_000);

  afterAll(async () => {
    await worker?.close(5_000);
    if (serve && serve.exitCode === null && serve.signalCode === null) serve.kill('SIGKILL');
    await h?.close();
    await socket?.close();
    await slack?.close();
  });

  it('opens the socket with the app token through SLACK_API_URL, and says it runs in Socket Mode', () => {
    const opens = slack.callsOf('apps.connections.open');
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens[0]).toMatchObject({ auth: 'app', ok: true });
    expect(socket.connections).toBe(1);
    expect(output).toContain('listening on port');
    expect(output).toContain('(Slack over Socket Mode)');
    expect(output).toMatch(/"mode":"socket"/);
  });

  /** What a slash command's answer said, posted privately to its response_url after the ack. */
  const answerTo = (responseUrl: string) =>
    eventually(
      () =>
        slack.responsePosts.find((p) => responseUrl.endsWith(`/${p.id}`))?.body as
          | { response_type?: string; text?: string }
          | undefined,
      (b) => b !== undefined,
    );

  it('acks /metabuyer help within 3 s and answers it privately', async () => {
    const res = await signer.command({ user: OPS, channel: CHANNEL, text: 'help' });
    expect(signer.lastAck!.latencyMs).toBeLessThan(3_000);
    const answer = await answerTo(res.responseUrl);
    expect(answer?.response_type).toBe('ephemeral');
    expect(answer?.text).toContain('`/metabuyer status`');
    expect(socket.problems).toEqual([]);
  });

  it('answers a typo in the ack payload itself', async () => {
    const res = await signer.command({ user: OPS, channel: CHANNEL, text: 'statsu' });
    expect(res.json.response_type).toBe('ephemeral');
    expect(res.json.text).toMatch(/unknown command "statsu"/);
  });

  it('sets the agent up from a slash command, as over HTTP', async () => {
    const res = await signer.command({
      user: OPS,
      channel: CHANNEL,
      text: `setup --apply --target-cpa 120 --target-roas 1.8 --execution-enabled true --slack-target channel:${CHANNEL} --approvers ${ANA}`,
    });
    expect(signer.lastAck!.latencyMs).toBeLessThan(3_000);
    expect((await answerTo(res.responseUrl))?.response_type).toBe('ephemeral');
    const setup = (await expectOk(h.cli('setup', '--json'))).json();
    expect(setup.config.operators).toEqual([OPS]);
    expect(setup.config.approvers).toEqual([ANA]);
  });

  it("records an APPROVE typed in the plan's thread, delivered as an events_api envelope", async () => {
    // The worker polls the new agent at once and posts the report and its approval queue in one thread.
    worker = await startWorker(h.ctx, {
      prefix,
      metricsPort: null,
      slackSpacingMs: 50,
      relayIntervalMs: 200,
    });
    const queue = await eventually(
      () =>
        slack
          .messagesIn(CHANNEL)
          .find((m) => m.thread_ts && m.ts !== m.thread_ts && m.text.startsWith('Approval queue')),
      (m) => m !== undefined,
      60_000,
    );
    expect(queue, 'approval queue posted in the report thread').toBeDefined();
    const updatesBefore = slack.callsOf('chat.update').length;
    const reply = await signer.threadReply({
      user: ANA,
      channel: CHANNEL,
      threadTs: queue!.thread_ts!,
      text: 'APPROVE A1',
    });
    expect(reply.status).toBe(200);
    expect(signer.lastAck!.latencyMs).toBeLessThan(3_000);
    const counts = await eventually(
      async () => (await expectOk(h.cli('status', '--json'))).json().plan?.counts,
      (c) => c?.approved === 1,
    );
    expect(counts.approved).toBe(1);
    // The queue message is updated in place with the decision.
    await eventually(
      () => slack.callsOf('chat.update').length,
      (n) => n > updatesBefore,
    );
    const log = (await expectOk(h.cli('action-log', '--json'))).json();
    expect(
      log.decisions.filter(
        (d: { key: string; decision: string }) => d.key === 'A1' && d.decision === 'approve',
      ),
    ).toHaveLength(1);
  });

  it('records an Approve button click on the queue, delivered as an interactive envelope', async () => {
    const queue = slack
      .messagesIn(CHANNEL)
      .find((m) => m.thread_ts && m.ts !== m.thread_ts && m.text.startsWith('Approval queue'))!;
    const buttons = (queue.blocks ?? []).flatMap(
      (b: { elements?: unknown[]; accessory?: unknown }) => b.elements ?? (b.accessory ? [b.accessory] : []),
    ) as Array<{ action_id?: string; value?: string }>;
    const approveA2 = buttons.find(
      (e) => e.action_id === 'mb_approve_action' && e.value?.includes('A2'),
    )?.value;
    expect(approveA2, 'an Approve button for A2').toBeDefined();
    const res = await signer.blockAction({
      user: ANA,
      channel: CHANNEL,
      messageTs: queue.ts,
      actionId: 'mb_approve_action',
      value: approveA2!,
      threadTs: queue.thread_ts!,
    });
    expect(res.status).toBe(200);
    expect(signer.lastAck!.latencyMs).toBeLessThan(3_000);
    const counts = await eventually(
      async () => (await expectOk(h.cli('status', '--json'))).json().plan?.counts,
      (c) => c?.approved === 2,
    );
    expect(counts.approved).toBe(2);
  });

  it('opens the confirmation modal from the slash command and answers a wrong word with a field error in the ack', async () => {
    const opened = slack.callsOf('views.open').length;
    await signer.command({ user: OPS, channel: CHANNEL, text: 'execute-actions' });
    const call = await eventually(
      () => slack.callsOf('views.open')[opened],
      (c) => c !== undefined,
    );
    expect(call?.ok, 'views.open with the trigger_id of the envelope').toBe(true);
    const wrong = await signer.viewSubmission({
      user: OPS,
      view: call!.args.view,
      values: { [CONFIRM_BLOCK_ID]: { [CONFIRM_ACTION_ID]: { type: 'plain_text_input', value: 'live' } } },
    });
    expect(signer.lastAck!.latencyMs).toBeLessThan(3_000);
    expect(wrong.json.response_action).toBe('errors');
    expect(await h.writes()).toHaveLength(0);
  });

  it('reconnects when Slack asks it to (a fresh URL from apps.connections.open) and keeps answering', async () => {
    const opened = slack.callsOf('apps.connections.open').length;
    const readyz = async () => {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      return {
        status: r.status,
        body: (await r.json()) as { checks: Record<string, { ok: boolean; detail?: string }> },
      };
    };
    socket.requestReconnect();
    // Between the disconnect and the new socket (the SDK waits a few seconds), serve is not ready.
    const gap = await eventually(readyz, (r) => r.status === 503, 4_000);
    expect(gap.status).toBe(503);
    expect(gap.body.checks.slack_socket).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/Socket Mode/),
    });
    await eventually(
      () => socket.connections,
      (n) => n === 2,
      30_000,
    );
    expect(socket.connections).toBe(2);
    expect(slack.callsOf('apps.connections.open')).toHaveLength(opened + 1);
    const res = await signer.command({ user: OPS, channel: CHANNEL, text: 'status' });
    expect(signer.lastAck!.latencyMs).toBeLessThan(3_000);
    expect((await answerTo(res.responseUrl))?.text).toContain('act_1000000001');
    expect((await readyz()).status).toBe(200);
  });

  it('answers /healthz and /readyz (database, Redis and the socket) on PORT, and serves no Slack request path there', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: unknown }).checks).toEqual({
      database: { ok: true },
      redis: { ok: true },
      slack_socket: { ok: true },
    });
    const events = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' });
    expect(events.status).toBe(404);
  });

  it('stops on SIGTERM with exit 0, and its output never shows the app token', async () => {
    serve.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output.length).toBeGreaterThan(0);
    expect(output).not.toContain(FAKE_APP_TOKEN);
    expect(output).not.toContain(TOKEN_TAIL);
    expect(socket.problems).toEqual([]);
  });

  it('stops with exit 1 and what to check when Slack refuses the app token, never printing it', async () => {
    const wrong = 'xapp-1-A0FAKEAPP1-999-notthetokenslackknows0000000000';
    const run = await runProcess(
      ['serve', '--port', '0'],
      processEnv(h, {
        REDIS_URL: TEST_REDIS_URL,
        METABUYER_QUEUE_PREFIX: prefix,
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_APP_TOKEN: wrong,
        SLACK_API_URL: slack.apiUrl,
        LOG_LEVEL: 'debug',
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Socket Mode could not connect to Slack \(.*invalid_auth\)\. Check SLACK_APP_TOKEN/,
    );
    expect(run.stdout + run.stderr).not.toContain('notthetokenslackknows');
    expect(slack.callsOf('apps.connections.open').at(-1)).toMatchObject({ ok: false, error: 'invalid_auth' });
  });

  it('refuses Socket Mode combined with the multi-workspace install, saying what to change', async () => {
    const run = await runProcess(
      ['serve', '--port', '0'],
      processEnv(h, {
        REDIS_URL: TEST_REDIS_URL,
        SLACK_APP_TOKEN: FAKE_APP_TOKEN,
        SLACK_CLIENT_ID: '1234567890.1234567890',
        SLACK_CLIENT_SECRET: 'client-secret-for-tests',
        SLACK_STATE_SECRET: 'state-secret-for-tests-0123',
        SLACK_API_URL: slack.apiUrl,
      }),
    );
    expect(run.code).not.toBe(0);
    const said = run.stdout + run.stderr;
    expect(said).toMatch(
      /Socket Mode \(SLACK_APP_TOKEN\).*cannot be combined with the multi-workspace install/,
    );
    expect(said).not.toContain(TOKEN_TAIL);
  });
});
