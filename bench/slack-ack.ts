/**
 * Slash-command ack latency over loopback: signed `/metabuyer status` requests, 50 at a time, sent by a
 * separate process (as Slack's servers are separate from ours) to our Slack app answering for a real,
 * configured agent (Bolt, our parsing, the agent lookup in PostgreSQL and the status rendering), and to
 * a bare Bolt app that only acks, on the same machine. Prints p50 / p99 / max of the ack (target p99
 * < 100 ms) and, for ours, of the private answer arriving at its response_url.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App, LogLevel } from '@slack/bolt';
import { createAppContext } from '../src/app/context.js';
import { main } from '../src/cli/main.js';
import { cliActor } from '../src/domain/actor.js';
import { ManualClock } from '../src/lib/clock.js';
import { parseConfig } from '../src/lib/config.js';
import { generateKey } from '../src/lib/crypto.js';
import { createLogger } from '../src/lib/logger.js';
import { startSimulator } from '../src/sim/index.js';
import { startSlackApp } from '../src/slack/app.js';
import { SCENARIO_NOW } from '../test/support/ops-harness.js';
import { createTestDatabase } from '../test/support/pg.js';
import { TEST_REDIS_URL } from '../test/support/services.js';
import { APP_ID, APP_SECRET, SEED_PATH } from '../test/support/sim.js';
import { FAKE_BOT_TOKEN, FakeSlack, quietLogger } from '../test/support/slack/fake-slack.js';

const SECRET = 'bench-signing-secret-0001';
const CONCURRENCY = 50;
const ROUNDS = 10;
const CHANNEL = 'C0BENCH001';
const OPERATOR = 'U0BENCHOP1';
const APPROVERS = ['U0BENCHAP1', 'U0BENCHAP2'];
const here = path.dirname(fileURLToPath(import.meta.url));

export async function benchSlackAck(): Promise<void> {
  const slack = await FakeSlack.start();
  const sim = await startSimulator({ scenarioPath: SEED_PATH });
  const db = await createTestDatabase();
  const config = parseConfig({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    META_GRAPH_URL: sim.url,
    META_APP_ID: APP_ID,
    META_APP_SECRET: APP_SECRET,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    METABUYER_ENCRYPTION_KEY: generateKey().toString('base64'),
    METABUYER_HOME: '/nonexistent-home',
  });
  // Logs at info, as deployed, into a sink: serialising them is part of the cost.
  const logger = createLogger({ level: 'info', write: () => {} });
  const ctx = createAppContext(config, { logger, clock: new ManualClock(SCENARIO_NOW) });
  await (await ctx.database()).migrate();
  await cli(ctx, 'init');
  await cli(ctx, 'connect', '--access-token', 'EAASIMSYSTEMUSERTOKEN0001', '--ad-account', '1000000001');
  await cli(ctx, 'setup', '--apply', '--target-cpa', '120', '--slack-workspace', slack.teamId);
  await cli(ctx, 'setup', '--apply', '--slack-target', `channel:${CHANNEL}`);
  await cli(ctx, 'setup', '--apply', '--operators', OPERATOR, '--approvers', APPROVERS.join(','));
  const ours = await startSlackApp(ctx, {
    signingSecret: SECRET,
    botToken: FAKE_BOT_TOKEN,
    apiUrl: slack.apiUrl,
    port: 0,
  });
  const bare = new App({
    signingSecret: SECRET,
    token: FAKE_BOT_TOKEN,
    clientOptions: { slackApiUrl: slack.apiUrl },
    logger: quietLogger as never,
    logLevel: LogLevel.ERROR,
  });
  bare.command('/metabuyer', async ({ ack }) => {
    await ack();
  });
  const bareServer = (await bare.start(0)) as unknown as import('node:http').Server;
  const barePort = (bareServer.address() as import('node:net').AddressInfo).port;
  try {
    const runs: Array<[string, number, string]> = [
      ['bare Bolt (ack only)', barePort, 'status'],
      ['MetaBuyer /metabuyer status', ours.port, 'status'],
      ['MetaBuyer /metabuyer help', ours.port, 'help'],
    ];
    for (const [name, port, text] of runs) {
      const urls = Array.from({ length: CONCURRENCY * (ROUNDS + 1) }, () => slack.issueResponseUrl());
      const sent = await load(port, text, slack.teamId, urls);
      console.log(
        `${name.padEnd(30)} ${sent.length} requests, ${CONCURRENCY} at a time: ack ${quantiles(sent.map((s) => s.ackMs))} (target p99 < 100 ms)`,
      );
      if (port === barePort) continue;
      const ids = new Set(sent.map((x) => x.url.slice(x.url.lastIndexOf('/') + 1)));
      const until = Date.now() + 60_000;
      while (slack.responsePosts.filter((p) => ids.has(p.id)).length < ids.size && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      const arrived = new Map(slack.responsePosts.map((p) => [p.id, p.at]));
      const answers = sent.flatMap((s) => {
        const at = arrived.get(s.url.slice(s.url.lastIndexOf('/') + 1));
        return at === undefined ? [] : [at - s.sentAt];
      });
      console.log(
        `${''.padEnd(30)} answer at its response_url: ${quantiles(answers)} (${answers.length}/${sent.length} answered)`,
      );
    }
  } finally {
    await ours.stop();
    await bare.stop();
    await ctx.close();
    await db.drop();
    await sim.close();
    await slack.close();
  }
}

async function cli(ctx: ReturnType<typeof createAppContext>, ...argv: string[]): Promise<void> {
  const errs: string[] = [];
  const io = { out: () => {}, err: (t: string) => void errs.push(t) };
  const code = await main(argv, {}, { context: ctx, actor: cliActor('bench'), io });
  if (code !== 0) throw new Error(`metabuyer ${argv.join(' ')} failed: ${errs.join('\n')}`);
}

interface Sent {
  url: string;
  sentAt: number;
  ackMs: number;
}

function quantiles(values: number[]): string {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return 'none';
  const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))]!.toFixed(1);
  return `p50 ${q(0.5)} ms · p99 ${q(0.99)} ms · max ${v.at(-1)!.toFixed(1)} ms`;
}

async function load(port: number, text: string, team: string, urls: string[]): Promise<Sent[]> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'slack-ack-')), 'urls.json');
  writeFileSync(file, JSON.stringify(urls));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(here, 'support', 'slack-ack-client.ts'),
      `http://127.0.0.1:${port}/slack/events`,
      SECRET,
      text,
      String(CONCURRENCY),
      String(ROUNDS),
      team,
      CHANNEL,
      [OPERATOR, ...APPROVERS].join(','),
      file,
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim()) as Sent[];
}
