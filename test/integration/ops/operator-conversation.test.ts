import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';

/**
 * The operator conversation of the MetaBuyer workflow document, replayed on the example scenario:
 * configure, check health, analyse, plan, decide (two approvals, one rejection), execute in sandbox,
 * read the log, roll back, pause.
 */
describe('the operator conversation from the workflow document', () => {
  let h: OpsHarness;
  beforeAll(async () => {
    h = await startOpsHarness();
  });
  afterAll(async () => h.close());

  it('initialises and connects with the system user token, storing it encrypted', async () => {
    await expectOk(h.cli('init'));
    const r = await expectOk(
      h.cli('connect', '--access-token', 'EAASIMSYSTEMUSERTOKEN0001', '--ad-account', '1000000001'),
    );
    expect(r.stdout).toContain(
      'Connected Demo Store US (act_1000000001, USD, America/New_York) in sandbox mode.',
    );
  });

  it('applies the config with writes disabled at first', async () => {
    const r = await expectOk(
      h.cli(
        'setup',
        '--apply',
        '--target-cpa',
        '120',
        '--target-roas',
        '1.8',
        '--date-preset',
        'last_7d',
        '--attribution-window',
        '7d_click',
        '--source-of-truth',
        'meta',
        '--slack-target',
        'channel:C12345678',
        '--execution-enabled',
        'false',
      ),
    );
    expect(r.stdout).toContain('Config applied');
    expect(r.stdout).toMatch(/--target-cpa: +not set → \$120\.00/);
  });

  it('passes doctor and reports status', async () => {
    const doctor = await expectOk(h.cli('doctor'));
    expect(doctor.stdout).toMatch(/^PASS meta_runtime/m);
    expect(doctor.stdout).toMatch(/^PASS meta_api_read/m);
    expect(doctor.stdout).toMatch(/^PASS meta_permissions/m);
    const status = await expectOk(h.cli('status'));
    expect(status.stdout).toMatch(/^Agent: +enabled$/m);
    expect(status.stdout).toMatch(/^Execution: +disabled$/m);
    expect(status.stdout).toMatch(/^Poll interval: +every 6 h$/m);
  });

  it('run-now prints the transcript summary exactly', async () => {
    const r = await expectOk(h.cli('run-now'));
    expect(r.stdout).toContain('Summary: spend $2,843.19 | purchases 19 | CPA $149.64 | ROAS 1.21\n');
    expect(r.stdout).toContain('Top recs: 2 high, 3 medium');
    const json = await expectOk(h.cli('run-now', '--json'));
    const out = json.json();
    expect(out.run.currency).toBe('USD');
    expect(out.run.window).toEqual({ since: '2026-11-13', until: '2026-11-19' });
    expect(out.run.summary).toEqual({ spend: 284319, purchases: 19, cpa: 14964, roas: 1.21 });
    for (const rec of out.recommendations) {
      expect(Object.keys(rec).sort()).toEqual([
        'action',
        'entity_id',
        'entity_name',
        'evidence',
        'id',
        'level',
        'rule',
        'severity',
      ]);
    }
  });

  let planned: Array<{
    key: string;
    type: string;
    entity_id: string;
    from: unknown;
    to: unknown;
    requires_approval: boolean;
  }>;
  it('plans actions without executing anything', async () => {
    const before = (await h.writes()).length;
    const r = await expectOk(h.cli('plan-actions', '--json'));
    planned = r.json().plan.actions;
    expect(planned.map((a) => a.key)).toEqual(['A1', 'A2', 'A3']);
    expect(planned.every((a) => a.requires_approval)).toBe(true);
    expect((await h.writes()).length).toBe(before);
  });

  it('records two approvals and a rejection', async () => {
    await expectOk(h.cli('approve', 'A1', 'A3'));
    await expectOk(h.cli('reject', 'A2'));
    const status = await expectOk(h.cli('status', '--json'));
    expect(status.json().plan.counts).toEqual({ approved: 2, rejected: 1 });
  });

  it('executes only the approved actions, each exactly once, with the planned values', async () => {
    await expectOk(h.cli('setup', '--execution-enabled', 'true', '--apply'));
    const before = (await h.writes()).length;
    const r = await expectOk(h.cli('execute-actions', '--confirm', 'sandbox'));
    expect(r.stdout).toContain('applied=2 skipped=1 (1 rejected) failed=0');
    const writes = (await h.writes()).slice(before);
    const approved = planned.filter((a) => a.key === 'A1' || a.key === 'A3');
    expect(writes).toHaveLength(approved.length);
    for (const a of approved) {
      const matching = writes.filter((w) => w.path.endsWith(`/${a.entity_id}`));
      expect(matching).toHaveLength(1);
      const field = a.type === 'set_status' ? 'status' : 'daily_budget';
      expect(String(matching[0]!.body?.[field])).toBe(String(a.to));
    }
    const rejected = planned.find((a) => a.key === 'A2')!;
    expect(writes.some((w) => w.path.endsWith(`/${rejected.entity_id}`))).toBe(false);
    expect((await h.object(rejected.entity_id)).daily_budget).toEqual(rejected.from);
  });

  it('shows who approved and who confirmed in the action log', async () => {
    const r = await expectOk(h.cli('action-log', '--limit', '10', '--json'));
    const applied = r.json().entries.filter((e: { event: string }) => e.event === 'applied');
    expect(applied.map((e: { key: string }) => e.key).sort()).toEqual(['A1', 'A3']);
    for (const e of applied) {
      expect(e.outcome).toBe('applied');
      expect(e.approved_by).toEqual(['cli:tester']);
      expect(e.confirmed_by).toBe('cli:tester');
    }
  });

  it('rolls back the newest write and then pauses the agent', async () => {
    const r = await expectOk(h.cli('rollback-actions', '--confirm', 'sandbox', '--limit', '1', '--json'));
    expect(r.json()).toMatchObject({ rolled_back: 1, refused: 0, failed: 0 });
    const pause = await expectOk(h.cli('pause-agent', '--reason', 'manual review until tomorrow'));
    expect(pause.stdout).toContain('halted: manual review until tomorrow');
    const status = await expectOk(h.cli('status'));
    expect(status.stdout).toMatch(/^Agent: +HALTED$/m);
    expect(status.stdout).toMatch(/^Halted: +manual review until tomorrow \(by cli:tester\)$/m);
  });
});
