import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { APP_SECRET } from '../../support/sim.js';

const TOKEN = 'EAASIMSYSTEMUSERTOKEN0001';
const REVOKED = 'EAASIMREVOKEDTOKEN000003';

/** Tokens are encrypted at rest and never appear in logs, errors, stored rows or command output. */
describe('secrets', () => {
  let h: OpsHarness;
  const outputs: string[] = [];
  const cli = async (...argv: string[]) => {
    const r = await h.cli(...argv);
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  beforeAll(async () => {
    h = await startOpsHarness();
    await h.onboard();
    for (const argv of [
      ['doctor', '--json'],
      ['run-now', '--json'],
      ['plan-actions'],
      ['approve', 'ALL'],
      ['execute-actions', '--confirm', 'sandbox', '--json'],
      ['action-log', '--json'],
      ['rollback-actions', '--confirm', 'sandbox'],
      ['status', '--json'],
    ]) {
      await expectOk(cli(...argv));
    }
    // Failures carry Meta's own words, not the request that failed.
    await cli('connect', '--access-token', REVOKED, '--ad-account', '1000000001');
    await cli('connect', '--access-token', REVOKED, '--ad-account', '1000000001', '--json');
  });
  afterAll(async () => h.close());

  it('stores the access token only encrypted', async () => {
    const { db } = await h.ctx.database();
    const rows = (await db.execute(sql`select access_token_sealed from meta_connections`)) as unknown as
      | Array<{ access_token_sealed: string }>
      | { rows: Array<{ access_token_sealed: string }> };
    const list = Array.isArray(rows) ? rows : rows.rows;
    expect(list.length).toBeGreaterThan(0);
    for (const r of list) {
      expect(r.access_token_sealed).toMatch(/^v1\./);
      expect(r.access_token_sealed).not.toContain(TOKEN);
    }
  });

  it('keeps every token and the app secret out of every table', async () => {
    const { db } = await h.ctx.database();
    const tables = [
      'meta_connections',
      'agents',
      'runs',
      'recommendations',
      'plans',
      'plan_actions',
      'approval_decisions',
      'execution_confirmations',
      'action_log',
      'outbox',
      'slack_messages',
    ];
    for (const t of tables) {
      const dump = JSON.stringify(await db.execute(sql.raw(`select * from ${t}`)));
      for (const secret of [TOKEN, REVOKED, APP_SECRET])
        expect(dump, `${t} holds a secret`).not.toContain(secret);
    }
  });

  it('keeps every token and the app secret out of the logs, even at debug level', () => {
    const logs = h.logLines.join('\n');
    expect(h.logLines.length).toBeGreaterThan(5);
    for (const secret of [TOKEN, REVOKED, APP_SECRET]) expect(logs).not.toContain(secret);
  });

  it('keeps them out of what commands print, errors included', () => {
    const all = outputs.join('\n');
    expect(all).toMatch(/not valid|expired|revoked|190/i);
    for (const secret of [TOKEN, REVOKED, APP_SECRET]) expect(all).not.toContain(secret);
  });

  it('sends tokens to Meta only as credentials, which the simulator log shows redacted', async () => {
    const calls = JSON.stringify(await h.calls());
    expect(calls).toContain('[REDACTED]');
    for (const secret of [TOKEN, REVOKED, APP_SECRET]) expect(calls).not.toContain(secret);
  });
});
