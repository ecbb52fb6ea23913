/**
 * A world for Connect with Facebook tests: the Meta simulator (which also serves the login dialog), a
 * fresh PostgreSQL database, a manual clock aligned with the scenario, and the callback handler mounted
 * in a tiny node:http server at PUBLIC_URL — the way `metabuyer serve` will mount it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppContext, createAppContext } from '../../src/app/context.js';
import { main } from '../../src/cli/main.js';
import { type Actor, cliActor, slackActor } from '../../src/domain/actor.js';
import { handleMetaOAuthCallback, META_OAUTH_CALLBACK_PATH } from '../../src/http/meta-oauth-callback.js';
import { ManualClock } from '../../src/lib/clock.js';
import { parseConfig } from '../../src/lib/config.js';
import { generateKey } from '../../src/lib/crypto.js';
import { createLogger } from '../../src/lib/logger.js';
import { beginMetaOAuth } from '../../src/ops/meta-oauth.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { type RunningSlackApp, startSlackApp } from '../../src/slack/app.js';
import { SCENARIO_NOW } from './ops-harness.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { APP_ID, APP_SECRET, type Json, seedScenario } from './sim.js';
import { FAKE_BOT_TOKEN, FakeSlack } from './slack/fake-slack.js';
import { SlackSigner } from './slack/signer.js';

const SIGNING_SECRET = 'connect-world-signing-secret';

/** `metabuyer serve`'s Slack app in front of a fake Slack: App Home, buttons, modals, the callback. */
export interface SlackSide {
  fake: FakeSlack;
  signer: SlackSigner;
  app: RunningSlackApp;
}

export const TEAM = 'T0CONNECT1';
export const ALICE = slackActor('U0ALICE01', TEAM, 'alice');
export const BOB = slackActor('U0BOB0001', TEAM, 'bob');
export const CHANNEL = 'C0REPORTS1';
export const ACTIVE_ACCOUNT = 'act_1000000001';
export const CLOSED_ACCOUNT = 'act_1000000002';
/** A user token without business_management, for the missing-permission warning. */
export const NO_BIZ_TOKEN = 'EAASIMNOBUSINESSTOKEN04';

/** The seed scenario plus a closed ad account (account_status 2) and a token lacking a permission. */
export function connectScenario(): Json {
  const s = seedScenario();
  s.ad_accounts.push({
    id: CLOSED_ACCOUNT,
    name: 'Closed Shop',
    currency: 'EUR',
    timezone_name: 'Europe/Paris',
    account_status: 2,
    min_daily_budget: 100,
    campaigns: [],
  });
  s.tokens.push({
    token: NO_BIZ_TOKEN,
    type: 'USER',
    user_id: '900000000000004',
    scopes: ['ads_read', 'ads_management'],
    expires_at: Math.floor(Date.parse(SCENARIO_NOW) / 1000) + 40 * 86_400,
  });
  return s;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json(): Json;
}

export interface ConnectWorld {
  sim: RunningSimulator;
  db: TestDatabase;
  ctx: AppContext;
  clock: ManualClock;
  logLines: string[];
  /** Where Meta sends the browser back: http://127.0.0.1:N */
  publicUrl: string;
  /** Every page the callback server answered, for secret checks (not with `slack`: serve answers). */
  pages: string[];
  /** With `slack: true`: the Slack app (serving the callback at PUBLIC_URL) and a fake Slack. */
  slack: SlackSide | null;
  cli(...argv: string[]): Promise<CliRun>;
  admin(path: string, body?: unknown): Promise<Json>;
  /** beginMetaOAuth for an actor: the dialog URL App Home's button opens. */
  dialogUrl(actor?: Actor, channel?: string): Promise<string>;
  /** Presses a dialog button without a browser: the redirect Meta answers with (to the callback). */
  press(dialogUrl: string, button: 'confirm' | 'cancel'): Promise<string>;
  /** Opens a callback URL the way the browser does; the page and its status. */
  open(url: string): Promise<{ status: number; html: string }>;
  close(): Promise<void>;
}

export async function startConnectWorld(
  opts: { env?: Record<string, string>; slack?: boolean } = {},
): Promise<ConnectWorld> {
  const sim = await startSimulator({ scenario: connectScenario() });
  const db = await createTestDatabase();
  const clock = new ManualClock(SCENARIO_NOW);
  const logLines: string[] = [];
  const pages: string[] = [];
  let ctx: AppContext | undefined;

  let server: Server | null = null;
  let publicUrl: string;
  let fake: FakeSlack | null = null;
  let slackPort = 0;
  if (opts.slack) {
    // serve itself answers the callback: PUBLIC_URL is its address, so reserve a port first.
    fake = await FakeSlack.start({ teamId: TEAM });
    for (const u of [ALICE, BOB]) fake.addUser(u.id);
    fake.addChannel(CHANNEL, { name: 'meta-ads', members: [ALICE.id, BOB.id] });
    slackPort = await freePort();
    publicUrl = `http://127.0.0.1:${slackPort}`;
  } else {
    const callbackServer: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== META_OAUTH_CALLBACK_PATH || !ctx) {
        res.writeHead(404).end();
        return;
      }
      void handleMetaOAuthCallback(ctx, url.searchParams).then(({ status, html }) => {
        pages.push(html);
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      });
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    server = callbackServer;
    publicUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}`;
  }

  const config = parseConfig({
    DATABASE_URL: db.url,
    META_GRAPH_URL: sim.url,
    META_OAUTH_DIALOG_URL: sim.url,
    PUBLIC_URL: publicUrl,
    META_APP_ID: APP_ID,
    META_APP_SECRET: APP_SECRET,
    METABUYER_ENCRYPTION_KEY: generateKey().toString('base64'),
    METABUYER_HOME: '/nonexistent-home',
    LOG_LEVEL: 'debug',
    ...(fake
      ? { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_API_URL: fake.apiUrl }
      : {}),
    ...opts.env,
  });
  const logger = createLogger({ level: 'debug', write: (l) => logLines.push(l), now: () => clock.now() });
  ctx = createAppContext(config, {
    clock,
    logger,
    meta: { sleep: async () => {}, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } },
  });
  const context = ctx;
  await (await ctx.database()).migrate();
  let slack: SlackSide | null = null;
  if (fake) {
    const app = await startSlackApp(ctx, {
      signingSecret: SIGNING_SECRET,
      botToken: FAKE_BOT_TOKEN,
      apiUrl: fake.apiUrl,
      port: slackPort,
    });
    const signer = new SlackSigner({
      url: `${publicUrl}/slack/events`,
      signingSecret: SIGNING_SECRET,
      slack: fake,
    });
    slack = { fake, signer, app };
  }

  const admin = async (path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${sim.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`sim admin ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  return {
    sim,
    db,
    ctx,
    clock,
    logLines,
    publicUrl,
    pages,
    slack,
    admin,
    async cli(...argv) {
      let stdout = '';
      let stderr = '';
      const code = await main(
        argv,
        {},
        {
          context,
          actor: cliActor('tester'),
          io: {
            out: (t) => {
              stdout += `${t}\n`;
            },
            err: (t) => {
              stderr += `${t}\n`;
            },
          },
        },
      );
      return { code, stdout, stderr, json: () => JSON.parse(stdout) };
    },
    async dialogUrl(actor = ALICE, channel = CHANNEL) {
      return (await beginMetaOAuth(context, { actor, channel })).url;
    },
    async press(dialogUrl, button) {
      const u = new URL(dialogUrl);
      const res = await fetch(`${sim.url}${u.pathname}/${button}`, {
        method: 'POST',
        body: u.searchParams,
        redirect: 'manual',
      });
      if (res.status !== 302) throw new Error(`dialog answered ${res.status}: ${await res.text()}`);
      return res.headers.get('location') as string;
    },
    async open(url) {
      const res = await fetch(url);
      return { status: res.status, html: await res.text() };
    },
    async close() {
      await slack?.app.stop();
      await slack?.fake.close();
      await context.close();
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      await sim.close();
      await db.drop();
    },
  };
}

/** A port free right now on 127.0.0.1 (serve binds it a moment later). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
