/**
 * The daily token maintenance against the simulator, with both clocks moved together: a Connect with
 * Facebook token is renewed 7 days before it expires, exactly once; a revoked or unrenewable token halts
 * its agent and warns its channel once; a missing permission is warned once and named by doctor.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { open } from '../../../src/lib/crypto.js';
import { TOKEN_PURPOSE } from '../../../src/ops/connect.js';
import { chooseAdAccount } from '../../../src/ops/meta-oauth-choose.js';
import { maintainToken } from '../../../src/ops/token-maintenance.js';
import {
  ACTIVE_ACCOUNT,
  ALICE,
  CHANNEL,
  type ConnectWorld,
  NO_BIZ_TOKEN,
  startConnectWorld,
} from '../../support/connect-world.js';
import { APP_SECRET, type Json } from '../../support/sim.js';

const DAY = 86_400_000;
const START = Date.parse('2026-11-20T15:00:00Z');
const EXPIRES = START + 5_183_944_000;

let w: ConnectWorld;
beforeAll(async () => {
  w = await startConnectWorld();
});
afterAll(async () => w?.close());
beforeEach(async () => {
  await w.admin('/__sim/reset', {});
  const { db } = await w.ctx.database();
  await db.execute(
    sql`truncate meta_oauth_states, meta_oauth_grants, outbox, agents, meta_connections cascade`,
  );
  w.clock.set(START);
});

async function rows(query: ReturnType<typeof sql>): Promise<Json[]> {
  const { db } = await w.ctx.database();
  const r = (await db.execute(query)) as unknown as Json;
  return r.rows ?? r;
}

async function connection(): Promise<Json> {
  return (await rows(sql`select * from meta_connections where revoked_at is null`))[0];
}

/** Both clocks at once: ours (ManualClock) and the simulator's (POST /__sim/clock). */
async function setClocks(ms: number): Promise<void> {
  w.clock.set(ms);
  await w.admin('/__sim/clock', { now: new Date(ms).toISOString() });
}

async function exchanges(): Promise<number> {
  const calls = (await w.admin('/__sim/calls')).calls as Json[];
  return calls.filter((c) => c.path === '/oauth/access_token' && c.query.grant_type === 'fb_exchange_token')
    .length;
}

async function connectWithFacebook(): Promise<string> {
  await w.open(await w.press(await w.dialogUrl(), 'confirm'));
  return (await chooseAdAccount(w.ctx, { actor: ALICE, adAccountId: ACTIVE_ACCOUNT })).connectionId;
}

describe('maintainToken', () => {
  it('renews a user token 7 days before it expires, exactly once, and the agent keeps working', async () => {
    const id = await connectWithFacebook();
    const before = await exchanges();
    const original = open(w.ctx.keyring(), (await connection()).access_token_sealed, TOKEN_PURPOSE);

    await setClocks(EXPIRES - 7 * DAY - 60_000);
    expect((await maintainToken(w.ctx, id)).outcome).toBe('healthy');
    expect(await exchanges()).toBe(before);

    const at = EXPIRES - 7 * DAY;
    await setClocks(at);
    const [a, b] = await Promise.all([maintainToken(w.ctx, id), maintainToken(w.ctx, id)]);
    expect([a.outcome, b.outcome].sort()).toEqual(['healthy', 'renewed']);
    expect((await maintainToken(w.ctx, id)).outcome).toBe('healthy');
    expect(await exchanges()).toBe(before + 1);

    const c = await connection();
    expect(new Date(c.token_expires_at).getTime()).toBe(at + 5_183_944_000);
    expect(new Date(c.last_refreshed_at).getTime()).toBe(at);
    const renewed = open(w.ctx.keyring(), c.access_token_sealed, TOKEN_PURPOSE);
    expect(renewed).not.toBe(original);
    expect((await w.cli('connections', '--json')).json().connections[0].status).toBe('active');

    const run = await w.cli('run-now', '--json');
    expect(run.code, run.stderr).toBe(0);
  });

  it('halts the agent of a revoked token and records one warning for its channel, not one a day', async () => {
    const id = await connectWithFacebook();
    await w.admin('/__sim/revoke', { user_id: '900000000000002' });
    const first = await maintainToken(w.ctx, id);
    expect(first.outcome).toBe('halted');
    expect(first.warning?.channels).toEqual([CHANNEL]);
    expect(first.warning?.text).toMatch(/stopped working: Meta says it is no longer valid \(code 190\/460\)/);

    const agent = (await rows(sql`select halted, halted_reason, halted_by from agents`))[0];
    expect(agent).toMatchObject({ halted: true, halted_by: 'worker:maintenance' });
    expect(agent.halted_reason).toBe(first.warning?.text);
    // Halted through the kill switch's path: the trip is on record (the connection warning is its post).
    expect(await rows(sql`select kind, trip_kind, actor from agent_events`)).toEqual([
      { kind: 'trip', trip_kind: 'token', actor: 'worker:maintenance' },
    ]);

    w.clock.advance(DAY);
    const second = await maintainToken(w.ctx, id);
    expect(second.outcome).toBe('halted');
    expect(second.warning).toBeNull();
    const outbox = await rows(sql`select topic, payload from outbox`);
    expect(outbox).toHaveLength(1);
    expect(outbox[0].topic).toBe('slack.connection_warning');
    expect(outbox[0].payload).toMatchObject({
      channel_id: CHANNEL,
      ad_account_id: ACTIVE_ACCOUNT,
      problem: 'invalid',
    });
    expect((await w.cli('connections', '--json')).json().connections[0].status).toBe('revoked');
    const doctor = (await w.cli('doctor', '--json')).json();
    expect(doctor.checks.find((c: Json) => c.name === 'token_maintenance')).toMatchObject({ status: 'fail' });
  });

  it('halts and warns once when Meta refuses to renew; a passing fault only defers', async () => {
    const id = await connectWithFacebook();
    await setClocks(EXPIRES - 3 * DAY);
    await w.admin('/__sim/faults', {
      path: '^/oauth/access_token$',
      error: { code: 2, message: 'An unexpected error has occurred.', is_transient: true },
    });
    const deferred = await maintainToken(w.ctx, id);
    expect(deferred.outcome).toBe('retry_later');
    expect((await rows(sql`select halted from agents`))[0].halted).toBe(false);
    expect(await rows(sql`select * from outbox`)).toHaveLength(0);

    await w.admin('/__sim/faults', {
      path: '^/oauth/access_token$',
      times: 5,
      error: { code: 190, error_subcode: 460, message: 'Error validating access token.' },
    });
    const refused = await maintainToken(w.ctx, id);
    expect(refused.outcome).toBe('halted');
    expect(refused.warning?.text).toMatch(/could not be renewed/);
    expect((await maintainToken(w.ctx, id)).warning).toBeNull();
    expect(await rows(sql`select * from outbox`)).toHaveLength(1);
    expect((await w.cli('connections', '--json')).json().connections[0].status).toBe('refresh_failed');
  });

  it('warns once about a missing permission, names it in doctor, and does not halt', async () => {
    expect((await w.cli('init')).code).toBe(0);
    const connected = await w.cli('connect', '--access-token', NO_BIZ_TOKEN, '--ad-account', ACTIVE_ACCOUNT);
    expect(connected.code, connected.stderr).toBe(0);
    const { db } = await w.ctx.database();
    await db.execute(sql`update agents set slack_channel_id = ${CHANNEL}`);
    const id = (await connection()).id as string;

    const first = await maintainToken(w.ctx, id);
    expect(first.outcome).toBe('missing_scope');
    expect(first.warning?.text).toMatch(/missing the permission business_management/);
    expect((await maintainToken(w.ctx, id)).warning).toBeNull();
    expect(await rows(sql`select * from outbox`)).toHaveLength(1);
    expect((await rows(sql`select halted from agents`))[0].halted).toBe(false);

    const doctor = (await w.cli('doctor', '--json')).json();
    const check = doctor.checks.find((c: Json) => c.name === 'token_maintenance');
    expect(check).toMatchObject({ status: 'fail' });
    expect(check.detail).toMatch(/business_management/);
    expect((await w.cli('connections', '--json')).json().connections[0]).toMatchObject({
      method: 'token',
      status: 'missing_scope',
    });
  });

  it('never writes a token or the app secret into a log line or a stored row', async () => {
    const id = await connectWithFacebook();
    await setClocks(EXPIRES - 7 * DAY);
    await maintainToken(w.ctx, id);
    const token = open(w.ctx.keyring(), (await connection()).access_token_sealed, TOKEN_PURPOSE);
    const stored = JSON.stringify(
      await rows(
        sql`select (select json_agg(c) from meta_connections c) as c, (select json_agg(g) from meta_oauth_grants g) as g, (select json_agg(s) from meta_oauth_states s) as s, (select json_agg(o) from outbox o) as o`,
      ),
    );
    for (const secret of [token, APP_SECRET]) {
      expect(stored).not.toContain(secret);
      expect(w.logLines.join('\n')).not.toContain(secret);
      expect(w.pages.join('\n')).not.toContain(secret);
    }
  });
});
