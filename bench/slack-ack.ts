/**
 * Slash-command ack latency over loopback: 50 concurrent signed `/metabuyer status` requests at a time
 * against our Slack app (Bolt + our parsing, agent lookup in PostgreSQL, the CLI's rendering), beside a
 * bare Bolt app that only acks, on the same machine. Prints p50 / p99 / max; the target is p99 < 100 ms.
 */
import { App, LogLevel } from '@slack/bolt';
import { createAppContext } from '../src/app/context.js';
import { parseConfig } from '../src/lib/config.js';
import { generateKey } from '../src/lib/crypto.js';
import { createLogger } from '../src/lib/logger.js';
import { startSlackApp } from '../src/slack/app.js';
import { createTestDatabase } from '../test/support/pg.js';
import { TEST_REDIS_URL } from '../test/support/services.js';
import { FAKE_BOT_TOKEN, FakeSlack, quietLogger } from '../test/support/slack/fake-slack.js';
import { SlackSigner } from '../test/support/slack/signer.js';

const SECRET = 'bench-signing-secret-0001';
const CONCURRENCY = 50;
const ROUNDS = 10;

export async function benchSlackAck(): Promise<void> {
  const slack = await FakeSlack.start();
  const db = await createTestDatabase();
  const config = parseConfig({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    METABUYER_ENCRYPTION_KEY: generateKey().toString('base64'),
  });
  const ctx = createAppContext(config, { logger: createLogger({ level: 'silent' }) });
  await (await ctx.database()).migrate();
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
    for (const [name, port] of [
      ['bare Bolt (ack only)', barePort],
      ['MetaBuyer /metabuyer status', ours.port],
    ] as const) {
      const signer = new SlackSigner({
        url: `http://127.0.0.1:${port}/slack/events`,
        signingSecret: SECRET,
        slack,
      });
      await send(signer, 20); // warm up
      const times: number[] = [];
      for (let r = 0; r < ROUNDS; r++) times.push(...(await send(signer, CONCURRENCY)));
      times.sort((a, b) => a - b);
      const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
      console.log(
        `${name.padEnd(30)} ${times.length} requests, ${CONCURRENCY} at a time: p50 ${q(0.5)} ms · p99 ${q(0.99)} ms · max ${times.at(-1)!.toFixed(1)} ms`,
      );
    }
  } finally {
    await ours.stop();
    await bare.stop();
    await ctx.close();
    await db.drop();
    await slack.close();
  }
}

async function send(signer: SlackSigner, n: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const started = performance.now();
      const res = await signer.command({ user: `UBENCH${i}`, channel: 'CBENCH1', text: 'status' });
      if (res.status !== 200) throw new Error(`ack failed: ${res.status}`);
      return performance.now() - started;
    }),
  );
}
