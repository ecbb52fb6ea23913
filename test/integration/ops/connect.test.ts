import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';

describe('connect', () => {
  let h: OpsHarness;
  beforeEach(async () => {
    h = await startOpsHarness();
    await expectOk(h.cli('init'));
  });
  afterEach(async () => h.close());

  const connections = async () => {
    const { db } = await h.ctx.database();
    const r = (await db.execute(sql`select ad_account_id, revoked_at from meta_connections`)) as unknown as
      | Array<{ ad_account_id: string; revoked_at: Date | null }>
      | { rows: Array<{ ad_account_id: string; revoked_at: Date | null }> };
    return Array.isArray(r) ? r : r.rows;
  };

  it('refuses an ad account the token cannot reach, storing nothing', async () => {
    const r = await h.cli('connect', '--access-token', 'EAASIMSYSTEMUSERTOKEN0001', '--ad-account', '999');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Ad account act_999 does not exist, or this token cannot reach it');
    expect(await connections()).toEqual([]);
  });

  it('refuses a revoked token with what Meta says, storing nothing', async () => {
    const r = await h.cli(
      'connect',
      '--access-token',
      'EAASIMREVOKEDTOKEN000003',
      '--ad-account',
      'act_1000000001',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Meta says this access token is not valid: Error validating access token/);
    expect(r.stderr).not.toMatch(/\.\. /);
    expect(await connections()).toEqual([]);
  });

  it('accepts the account as digits or act_…, and keeps one live connection when reconnecting', async () => {
    await expectOk(
      h.cli('connect', '--access-token', 'EAASIMSYSTEMUSERTOKEN0001', '--ad-account', '1000000001'),
    );
    await expectOk(
      h.cli(
        'connect',
        '--access-token',
        'EAASIMSYSTEMUSERTOKEN0001',
        '--ad-account',
        'act_1000000001',
        '--env',
        'live',
      ),
    );
    const rows = await connections();
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.revoked_at === null).map((r) => r.ad_account_id)).toEqual(['act_1000000001']);
    const status = (await expectOk(h.cli('status', '--json'))).json();
    expect(status.environment).toBe('live');
  });
});
