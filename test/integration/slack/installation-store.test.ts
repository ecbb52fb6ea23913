import type { Installation } from '@slack/bolt';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, createAppContext } from '../../../src/app/context.js';
import { slackWorkspaces } from '../../../src/db/schema/index.js';
import { parseConfig } from '../../../src/lib/config.js';
import { generateKey } from '../../../src/lib/crypto.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { PostgresInstallationStore } from '../../../src/slack/oauth/installation-store.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';

let db: TestDatabase;
let ctx: AppContext;
let store: PostgresInstallationStore;

function installationFor(teamId: string, token: string, extra: Partial<Installation> = {}): Installation {
  return {
    team: { id: teamId, name: `Team ${teamId}` },
    enterprise: undefined,
    user: { id: 'U0ADMIN001', token: undefined, scopes: undefined },
    bot: { token, userId: 'U0BOT0001', id: 'B0BOT0001', scopes: ['commands', 'chat:write'] },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: 'A0APP0001',
    authVersion: 'v2',
    ...extra,
  } as Installation;
}

const q = (teamId: string) => ({ teamId, enterpriseId: undefined, isEnterpriseInstall: false as const });
const allRows = async () => (await ctx.database()).db.select().from(slackWorkspaces);

beforeAll(async () => {
  db = await createTestDatabase();
  ctx = createAppContext(
    parseConfig({
      DATABASE_URL: db.url,
      METABUYER_ENCRYPTION_KEY: generateKey().toString('base64'),
      METABUYER_HOME: '/nonexistent-home',
    }),
    { logger: silentLogger },
  );
  await (await ctx.database()).migrate();
  store = new PostgresInstallationStore(ctx);
});

afterAll(async () => {
  await ctx?.close();
  await db?.drop();
});

describe('the Postgres installation store', () => {
  it('converges concurrent installs of one team on one live row holding one of their tokens', async () => {
    // Several processes (each its own pool, connections already open) finish an install at once.
    const others = await Promise.all(
      [1, 2, 3].map(async () => {
        const c = createAppContext(ctx.config, { logger: silentLogger });
        await (await c.database()).db.execute(sql`select 1`);
        return c;
      }),
    );
    try {
      const stores = [store, ...others.map((c) => new PostgresInstallationStore(c))];
      const tokens = Array.from({ length: 8 }, (_, i) => `xoxb-race-${i}-aaaaaaaaaaaa`);
      await Promise.all(
        tokens.map((t, i) => stores[i % stores.length]!.storeInstallation(installationFor('T0RACE001', t))),
      );
      const rows = (await allRows()).filter((r) => r.teamId === 'T0RACE001');
      expect(rows).toHaveLength(1);
      expect(rows[0]!.revokedAt).toBeNull();
      expect(tokens).toContain((await store.fetchInstallation(q('T0RACE001'))).bot?.token);
    } finally {
      await Promise.all(others.map((c) => c.close()));
    }
  });

  it('fills in the token of the row an agent was bound to before the install', async () => {
    const database = (await ctx.database()).db;
    await database
      .insert(slackWorkspaces)
      .values({ id: 'ws_PREBOUND0001', teamId: 'T0PREBND1', installedBy: 'cli' });
    await store.storeInstallation(installationFor('T0PREBND1', 'xoxb-prebound-bbbbbbbbbbbb'));
    const rows = (await allRows()).filter((r) => r.teamId === 'T0PREBND1');
    expect(rows.map((r) => r.id)).toEqual(['ws_PREBOUND0001']);
    expect((await store.fetchInstallation(q('T0PREBND1'))).bot).toMatchObject({
      token: 'xoxb-prebound-bbbbbbbbbbbb',
      userId: 'U0BOT0001',
      id: 'B0BOT0001',
      scopes: ['commands', 'chat:write'],
    });
  });

  it('refuses an organisation-wide install and stores nothing', async () => {
    const before = await allRows();
    await expect(
      store.storeInstallation(
        installationFor('T0ORG0001', 'xoxb-org-cccccccccccc', {
          isEnterpriseInstall: true,
          enterprise: { id: 'E0ORG0001' },
        } as Partial<Installation>),
      ),
    ).rejects.toMatchObject({ code: 'slack_org_install_unsupported' });
    expect(await allRows()).toEqual(before);
  });

  it('refuses an install answer without a bot token, naming what is missing but never a value', async () => {
    const before = await allRows();
    const noBot = installationFor('T0NOBOT01', 'xoxb-unused-dddddddddddd');
    delete (noBot as { bot?: unknown }).bot;
    await expect(store.storeInstallation(noBot)).rejects.toMatchObject({
      code: 'slack_install_invalid',
      message: expect.stringMatching(/lacks what MetaBuyer needs \(bot\)\. Nothing was stored\./),
    });
    const userToken = installationFor('T0USRTOK1', 'xoxp-user-token-eeeeeeeeeeee');
    const err = await store.storeInstallation(userToken).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'slack_install_invalid' });
    expect((err as Error).message).not.toContain('xoxp-user-token');
    expect(await allRows()).toEqual(before);
  });

  it('tells Bolt a team that never installed (or uninstalled) is not installed', async () => {
    await expect(store.fetchInstallation(q('T0NEVER01'))).rejects.toMatchObject({
      code: 'slack_not_installed',
    });
    await store.deleteInstallation(q('T0PREBND1'));
    await expect(store.fetchInstallation(q('T0PREBND1'))).rejects.toMatchObject({
      code: 'slack_not_installed',
    });
    // Deleting again is harmless.
    await store.deleteInstallation(q('T0PREBND1'));
    const [row] = (await allRows()).filter((r) => r.teamId === 'T0PREBND1');
    expect(row).toMatchObject({ id: 'ws_PREBOUND0001', botTokenSealed: null });
    expect(row!.revokedAt).not.toBeNull();
  });
});
