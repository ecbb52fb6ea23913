import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, createAppContext } from '../../../src/app/context.js';
import { slackWorkspaces } from '../../../src/db/schema/index.js';
import { configSecrets, parseConfig } from '../../../src/lib/config.js';
import { generateKey } from '../../../src/lib/crypto.js';
import { AppError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import { Redactor } from '../../../src/lib/redact.js';
import { boltLogger } from '../../../src/slack/oauth/bolt-logger.js';
import { botTokenForWorkspace } from '../../../src/slack/oauth/bot-token.js';
import { slackInstallOptions, slackUninstallHandlers } from '../../../src/slack/oauth/install-options.js';
import { PostgresInstallationStore } from '../../../src/slack/oauth/installation-store.js';
import { BOT_SCOPES } from '../../../src/slack/oauth/scopes.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';
import { FakeSlack } from '../../support/slack/fake-slack.js';
import { SlackSigner } from '../../support/slack/signer.js';

const PUBLIC_URL = 'https://metabuyer.example.com';
const REDIRECT = `${PUBLIC_URL}/slack/oauth_redirect`;
const SIGNING_SECRET = 'fake-signing-secret-0123456789abcdef';
const OAUTH = {
  SLACK_CLIENT_ID: '1111111111.2222222222',
  SLACK_CLIENT_SECRET: 'client-secret-00112233445566778899',
  SLACK_STATE_SECRET: 'state-secret-aabbccddeeff00112233',
};
const TEAM_A = { teamId: 'T0ALPHA01', teamName: 'Alpha <Shop> & Co', userId: 'U0ADMINA1' };
const TEAM_B = { teamId: 'T0BRAVO02', teamName: 'Bravo', userId: 'U0ADMINB1' };

interface Running {
  ctx: AppContext;
  app: App;
  base: string;
  logLines: string[];
  homeOpened: { teamId: string | undefined; authTeam: string | undefined }[];
}

let db: TestDatabase;
let slack: FakeSlack;
let main: Running;

/** A Bolt App as `metabuyer serve` runs it in multi-workspace mode, on a free port. */
async function startApp(env: Record<string, string> = {}): Promise<Running> {
  const config = parseConfig({
    DATABASE_URL: db.url,
    METABUYER_ENCRYPTION_KEY: generateKey().toString('base64'),
    METABUYER_HOME: '/nonexistent-home',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PUBLIC_URL,
    ...OAUTH,
    ...env,
  });
  const logLines: string[] = [];
  // As createAppContext builds it, plus capture: the redactor knows the literal secrets of the config.
  const logger = createLogger({
    level: 'debug',
    write: (l) => logLines.push(l),
    redactor: new Redactor(configSecrets(config)),
  });
  const ctx = createAppContext(config, { logger });
  await (await ctx.database()).migrate();
  // Bolt logs through our redacting logger, at debug so that its WebClient logs request bodies too.
  const slackLog = boltLogger(ctx.logger.child({ component: 'bolt' }), LogLevel.DEBUG);
  const options = slackInstallOptions(ctx);
  if (!options) throw new Error('expected multi-workspace mode');
  const app = new App({
    signingSecret: SIGNING_SECRET,
    ...options,
    logger: slackLog,
    logLevel: LogLevel.DEBUG,
    processBeforeResponse: true,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
  });
  const uninstall = slackUninstallHandlers(ctx);
  app.event('app_uninstalled', uninstall.appUninstalled);
  app.event('tokens_revoked', uninstall.tokensRevoked);
  const homeOpened: Running['homeOpened'] = [];
  app.event('app_home_opened', async ({ context, client }) => {
    const who = await client.auth.test();
    homeOpened.push({ teamId: context.teamId, authTeam: who.team_id });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { ctx, app, base, logLines, homeOpened };
}

/** GET /slack/install as a browser: the redirect to Slack and the state cookie Bolt set. */
async function startInstall(r: Running): Promise<{ status: number; location: string; cookie: string }> {
  const res = await fetch(`${r.base}/slack/install`, { redirect: 'manual' });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return {
    status: res.status,
    location: res.headers.get('location') ?? '',
    cookie: setCookie.split(';')[0]!,
  };
}

/** The browser comes back from Slack to PUBLIC_URL (proxied to the app) with code and state. */
async function landOnRedirect(r: Running, redirect: string, cookie: string | null) {
  const u = new URL(redirect);
  const res = await fetch(`${r.base}${u.pathname}${u.search}`, {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
  return { status: res.status, html: await res.text(), setCookie: res.headers.get('set-cookie') ?? '' };
}

async function install(r: Running, team: typeof TEAM_A) {
  const start = await startInstall(r);
  const { redirect } = slack.authorizeInstall(start.location, team);
  return landOnRedirect(r, redirect, start.cookie);
}

async function rows(r: Running) {
  return (await r.ctx.database()).db.select().from(slackWorkspaces).orderBy(slackWorkspaces.teamId);
}

/** Every column of every row, as text: where a plaintext token would show if it were stored. */
async function everyStoredByte(r: Running): Promise<string> {
  const res = await (await r.ctx.database()).db.execute(
    sql`select row_to_json(w)::text as j from slack_workspaces w`,
  );
  return JSON.stringify(res);
}

function signerFor(r: Running, teamId: string): SlackSigner {
  return new SlackSigner({ url: `${r.base}/slack/events`, signingSecret: SIGNING_SECRET, slack, teamId });
}

/** A state Bolt's ClearStateStore would have signed 11 minutes ago (they live 10). */
function expiredState(): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const old = new Date(Date.now() - 11 * 60 * 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({
    installOptions: { scopes: [...BOT_SCOPES], redirectUri: REDIRECT },
    now: old.toJSON(),
    random: 4242,
    iat: Math.floor(old.getTime() / 1000),
  });
  const sig = createHmac('sha256', OAUTH.SLACK_STATE_SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  slack = await FakeSlack.start({
    oauth: {
      clientId: OAUTH.SLACK_CLIENT_ID,
      clientSecret: OAUTH.SLACK_CLIENT_SECRET,
      redirectUrls: [REDIRECT],
    },
  });
  main = await startApp();
});

afterAll(async () => {
  await main?.app.stop();
  await main?.ctx.close();
  await slack?.close();
  await db?.drop();
});

describe('installing MetaBuyer into Slack workspaces (OAuth v2)', () => {
  it('sends the browser to Slack with the bot scopes, the redirect address and a state bound to a cookie', async () => {
    const start = await startInstall(main);
    expect(start.status).toBe(302);
    const url = new URL(start.location);
    expect(`${url.origin}${url.pathname}`).toBe('https://slack.com/oauth/v2/authorize');
    expect(url.searchParams.get('client_id')).toBe(OAUTH.SLACK_CLIENT_ID);
    expect(url.searchParams.get('scope')?.split(',').sort()).toEqual([...BOT_SCOPES].sort());
    expect(url.searchParams.get('user_scope') ?? '').toBe('');
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    const state = url.searchParams.get('state');
    expect(state).toBeTruthy();
    expect(start.cookie).toBe(`slack-app-oauth-state=${state}`);
  });

  it('stores the installation sealed and says so on a success page', async () => {
    const page = await install(main, TEAM_A);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-outcome="installed"');
    // The team name is shown, HTML-escaped.
    expect(page.html).toContain('Alpha &lt;Shop&gt; &amp; Co (T0ALPHA01)');
    expect(page.html).not.toContain('<Shop>');
    // Bolt clears the state cookie once used.
    expect(page.setCookie).toMatch(/slack-app-oauth-state=deleted/);

    const token = slack.installOf(TEAM_A.teamId)!.token;
    const [row] = await rows(main);
    expect(row).toMatchObject({
      teamId: TEAM_A.teamId,
      teamName: TEAM_A.teamName,
      botUserId: slack.installOf(TEAM_A.teamId)!.botUserId,
      botId: slack.installOf(TEAM_A.teamId)!.botId,
      appId: 'A0FAKEAPP1',
      installedBy: TEAM_A.userId,
      revokedAt: null,
    });
    expect(row!.botScopes!.split(',').sort()).toEqual([...BOT_SCOPES].sort());
    expect(row!.botTokenSealed).toMatch(/^v1\./);
    const stored = await everyStoredByte(main);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain('xoxb-');
    expect(main.logLines.join('\n')).not.toContain(token);
    expect(main.logLines.join('\n')).toContain('slack workspace installed');
    // Slack saw the exchange with the same redirect address; neither secret nor code was recorded.
    const [exchange] = slack.callsOf('oauth.v2.access');
    expect(exchange).toMatchObject({
      ok: true,
      args: { redirect_uri: REDIRECT, client_id: OAUTH.SLACK_CLIENT_ID },
    });
    expect(JSON.stringify(exchange)).not.toContain(OAUTH.SLACK_CLIENT_SECRET);
  });

  it('installs a second workspace, and gives each team its own token only', async () => {
    expect((await install(main, TEAM_B)).status).toBe(200);
    const store = new PostgresInstallationStore(main.ctx);
    const q = (teamId: string) => ({ teamId, enterpriseId: undefined, isEnterpriseInstall: false as const });
    const a = await store.fetchInstallation(q(TEAM_A.teamId));
    const b = await store.fetchInstallation(q(TEAM_B.teamId));
    expect(a.bot?.token).toBe(slack.installOf(TEAM_A.teamId)!.token);
    expect(b.bot?.token).toBe(slack.installOf(TEAM_B.teamId)!.token);
    expect(a.bot?.token).not.toBe(b.bot?.token);
    expect(b).toMatchObject({ team: { id: TEAM_B.teamId }, bot: { userId: 'UB0BRAVO02', id: 'BB0BRAVO02' } });
    await expect(store.fetchInstallation(q('T0UNKNOWN9'))).rejects.toMatchObject({
      code: 'slack_not_installed',
    });

    // Bolt authorises each team's events with that team's token: auth.test answers as that team.
    for (const team of [TEAM_A, TEAM_B]) {
      const res = await signerFor(main, team.teamId).appHomeOpened(team.userId);
      expect(res.status).toBe(200);
    }
    expect(main.homeOpened).toEqual([
      { teamId: TEAM_A.teamId, authTeam: TEAM_A.teamId },
      { teamId: TEAM_B.teamId, authTeam: TEAM_B.teamId },
    ]);

    // The worker's poster: per workspace row id or team id, the right token.
    const [rowA, rowB] = await rows(main);
    expect(await botTokenForWorkspace(main.ctx, rowA!.id)).toBe(a.bot?.token);
    expect(await botTokenForWorkspace(main.ctx, TEAM_B.teamId)).toBe(b.bot?.token);
    expect(await botTokenForWorkspace(main.ctx, rowB!.id)).toBe(b.bot?.token);
  });

  it('refuses a sealed token moved onto another team’s row instead of posting with it', async () => {
    const database = (await main.ctx.database()).db;
    const [rowA, rowB] = await rows(main);
    await database.execute(
      sql`update slack_workspaces set bot_token_sealed = ${rowA!.botTokenSealed} where id = ${rowB!.id}`,
    );
    try {
      await expect(botTokenForWorkspace(main.ctx, rowB!.id)).rejects.toMatchObject({
        code: 'secret_undecryptable',
      });
    } finally {
      await database.execute(
        sql`update slack_workspaces set bot_token_sealed = ${rowB!.botTokenSealed} where id = ${rowB!.id}`,
      );
    }
  });

  it('replaces the token on a re-install and keeps one live row for the team', async () => {
    const before = (await rows(main)).find((r) => r.teamId === TEAM_A.teamId)!;
    const oldToken = slack.installOf(TEAM_A.teamId)!.token;
    expect((await install(main, { ...TEAM_A, userId: 'U0ADMINA2' })).status).toBe(200);
    const newToken = slack.installOf(TEAM_A.teamId)!.token;
    expect(newToken).not.toBe(oldToken);
    const teamRows = (await rows(main)).filter((r) => r.teamId === TEAM_A.teamId);
    expect(teamRows).toHaveLength(1);
    expect(teamRows[0]).toMatchObject({ id: before.id, installedBy: 'U0ADMINA2', revokedAt: null });
    expect(await botTokenForWorkspace(main.ctx, before.id)).toBe(newToken);
  });
});

describe('a bad or replayed install callback stores nothing', () => {
  async function expectNothingStoredAfter(run: () => Promise<{ status: number; html: string }>) {
    const before = JSON.stringify(await rows(main));
    const page = await run();
    expect(page.html).toContain('data-outcome="failed"');
    expect(page.html).toContain('Nothing was stored.');
    expect(JSON.stringify(await rows(main))).toBe(before);
    return page;
  }

  it('refuses a forged state', async () => {
    const start = await startInstall(main);
    const { redirect } = slack.authorizeInstall(start.location, { teamId: 'T0CHARLIE', userId: 'U0EVE0001' });
    const forged = new URL(redirect);
    forged.searchParams.set('state', 'eyJhbGciOiJIUzI1NiJ9.eyJmb3JnZWQiOnRydWV9.AAAA');
    const page = await expectNothingStoredAfter(() =>
      landOnRedirect(
        main,
        forged.toString(),
        'slack-app-oauth-state=eyJhbGciOiJIUzI1NiJ9.eyJmb3JnZWQiOnRydWV9.AAAA',
      ),
    );
    expect(page.status).toBe(400);
    expect(page.html).toMatch(/expired or was not started in this browser/);
    expect(page.html).toContain('href="/slack/install"');
  });

  it('refuses a state from another browser (no state cookie)', async () => {
    const start = await startInstall(main);
    const { redirect } = slack.authorizeInstall(start.location, { teamId: 'T0CHARLIE', userId: 'U0EVE0001' });
    const page = await expectNothingStoredAfter(() => landOnRedirect(main, redirect, null));
    expect(page.status).toBe(400);
    // The code was never exchanged.
    expect(slack.installOf('T0CHARLIE')).toBeUndefined();
  });

  it('refuses an expired state even with a matching cookie', async () => {
    const start = await startInstall(main);
    const { redirect } = slack.authorizeInstall(start.location, { teamId: 'T0CHARLIE', userId: 'U0EVE0001' });
    const stale = expiredState();
    const u = new URL(redirect);
    u.searchParams.set('state', stale);
    const page = await expectNothingStoredAfter(() =>
      landOnRedirect(main, u.toString(), `slack-app-oauth-state=${stale}`),
    );
    expect(page.status).toBe(400);
    expect(page.html).toMatch(/expired/);
  });

  it('refuses a missing state', async () => {
    const start = await startInstall(main);
    const { redirect } = slack.authorizeInstall(start.location, { teamId: 'T0CHARLIE', userId: 'U0EVE0001' });
    const u = new URL(redirect);
    u.searchParams.delete('state');
    const page = await expectNothingStoredAfter(() => landOnRedirect(main, u.toString(), start.cookie));
    expect(page.status).toBe(400);
  });

  it('refuses a code used twice, naming Slack’s answer', async () => {
    const first = await startInstall(main);
    const { code } = slack.authorizeInstall(first.location, { teamId: 'T0CHARLIE', userId: 'U0EVE0001' });
    const firstRedirect = new URL(REDIRECT);
    firstRedirect.searchParams.set('code', code);
    firstRedirect.searchParams.set('state', new URL(first.location).searchParams.get('state')!);
    expect((await landOnRedirect(main, firstRedirect.toString(), first.cookie)).status).toBe(200);
    // A replay of the same code with a fresh, valid state.
    const second = await startInstall(main);
    const replay = new URL(REDIRECT);
    replay.searchParams.set('code', code);
    replay.searchParams.set('state', new URL(second.location).searchParams.get('state')!);
    const page = await expectNothingStoredAfter(() => landOnRedirect(main, replay.toString(), second.cookie));
    expect(page.status).toBe(502);
    expect(page.html).toContain('invalid_code');
  });

  it('says so when Slack does not know the app’s Client ID', async () => {
    const other = await startApp({ SLACK_CLIENT_ID: '9999999999.9999999999' });
    try {
      const start = await startInstall(other);
      // The admin is shown Slack's page for the real app; the exchange then carries the wrong id.
      const u = new URL(start.location);
      u.searchParams.set('client_id', OAUTH.SLACK_CLIENT_ID);
      const { redirect } = slack.authorizeInstall(u.toString(), { teamId: 'T0DELTA01', userId: 'U0ADMIND1' });
      const page = await landOnRedirect(other, redirect, start.cookie);
      expect(page.status).toBe(502);
      expect(page.html).toContain('invalid_client_id');
      expect(page.html).toContain('check SLACK_CLIENT_ID');
      expect((await rows(other)).map((r) => r.teamId)).not.toContain('T0DELTA01');
    } finally {
      await other.app.stop();
      await other.ctx.close();
    }
  });
});

describe('uninstalling', () => {
  it('forgets the workspace on app_uninstalled, so nothing posts there any more', async () => {
    const before = (await rows(main)).find((r) => r.teamId === TEAM_A.teamId)!;
    slack.uninstall(TEAM_A.teamId);
    const res = await signerFor(main, TEAM_A.teamId).event({ type: 'app_uninstalled' });
    expect(res.status).toBe(200);
    const after = (await rows(main)).find((r) => r.id === before.id)!;
    expect(after.revokedAt).not.toBeNull();
    expect(after.botTokenSealed).toBeNull();
    const err = await botTokenForWorkspace(main.ctx, before.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'slack_not_installed', verdict: 'reauthenticate' });
    expect((err as AppError).message).toMatch(
      /any more .* Install it at https:\/\/metabuyer\.example\.com\/slack\/install/,
    );
    // Team B is untouched.
    expect(await botTokenForWorkspace(main.ctx, TEAM_B.teamId)).toBe(slack.installOf(TEAM_B.teamId)!.token);
  });

  it('revives the same row on a re-install, so agents bound to it post again', async () => {
    const before = (await rows(main)).find((r) => r.teamId === TEAM_A.teamId)!;
    expect((await install(main, TEAM_A)).status).toBe(200);
    const teamRows = (await rows(main)).filter((r) => r.teamId === TEAM_A.teamId);
    expect(teamRows).toHaveLength(1);
    expect(teamRows[0]).toMatchObject({ id: before.id, revokedAt: null });
    expect(await botTokenForWorkspace(main.ctx, before.id)).toBe(slack.installOf(TEAM_A.teamId)!.token);
  });

  it('ignores tokens_revoked for user tokens only, and forgets the workspace when its bot token is revoked', async () => {
    const signer = signerFor(main, TEAM_B.teamId);
    await signer.event({ type: 'tokens_revoked', tokens: { oauth: ['U0ADMINB1'], bot: [] } });
    expect(await botTokenForWorkspace(main.ctx, TEAM_B.teamId)).toBe(slack.installOf(TEAM_B.teamId)!.token);

    const res = await signer.event({ type: 'tokens_revoked', tokens: { oauth: [], bot: ['UB0BRAVO02'] } });
    expect(res.status).toBe(200);
    const rowB = (await rows(main)).find((r) => r.teamId === TEAM_B.teamId)!;
    expect(rowB).toMatchObject({ botTokenSealed: null });
    expect(rowB.revokedAt).not.toBeNull();
    await expect(botTokenForWorkspace(main.ctx, TEAM_B.teamId)).rejects.toMatchObject({
      code: 'slack_not_installed',
    });
    // A repeated event changes nothing and still answers 200.
    expect((await signer.event({ type: 'app_uninstalled' })).status).toBe(200);
  });

  it('never wrote a token into any log line', async () => {
    const all = main.logLines.join('\n');
    // Bolt's WebClient did log the oauth.v2.access request body at debug level …
    expect(all).toMatch(/http request body: .*client_secret/);
    // … but no bot token, client secret or state secret got through.
    expect(all).not.toMatch(/xoxb-t0/);
    expect(all).not.toContain(OAUTH.SLACK_CLIENT_SECRET);
    expect(all).not.toContain(OAUTH.SLACK_STATE_SECRET);
  });
});

describe('single-workspace mode', () => {
  it('has no install options and posts with SLACK_BOT_TOKEN', async () => {
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-single-0000-token',
      METABUYER_HOME: '/nonexistent-home',
    });
    const ctx = createAppContext(config, { logger: createLogger({ level: 'silent' }) });
    expect(slackInstallOptions(ctx)).toBeNull();
    expect(await botTokenForWorkspace(ctx, 'ws_anything')).toBe('xoxb-single-0000-token');
    expect(await botTokenForWorkspace(ctx, null)).toBe('xoxb-single-0000-token');
  });

  it('keeps the workspace row on app_uninstalled (agents stay bound) and says what to do', async () => {
    const lines: string[] = [];
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-single-0000-token',
      DATABASE_URL: db.url,
      METABUYER_ENCRYPTION_KEY: generateKey().toString('base64'),
    });
    const ctx = createAppContext(config, {
      logger: createLogger({ level: 'info', write: (l) => lines.push(l) }),
    });
    try {
      await (await ctx.database()).db
        .insert(slackWorkspaces)
        .values({ id: 'ws_SINGLE000001', teamId: 'T0SINGLE1', installedBy: 'cli' });
      await slackUninstallHandlers(ctx).appUninstalled({ body: { team_id: 'T0SINGLE1' } });
      const row = (await rows(main)).find((r) => r.id === 'ws_SINGLE000001');
      expect(row?.revokedAt).toBeNull();
      expect(lines.join('\n')).toMatch(/SLACK_BOT_TOKEN no longer works there\. Install the app again/);
      expect(lines.join('\n')).not.toContain('xoxb-single-0000-token');
    } finally {
      await ctx.close();
    }
  });
});
