/**
 * The contract's JSON style, walked over every command an operator can run with --json: every key at
 * every depth is snake_case, and money is integer minor units with its currency beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { SEED_PATH } from '../../support/sim.js';

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Every key that is not snake_case, with where it was found ("plan.actions[0].entityId"). */
function badKeys(value: unknown, where = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => badKeys(v, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(SNAKE.test(k) ? [] : [`${where}.${k}`]),
    ...badKeys(v, `${where}.${k}`),
  ]);
}

/** Formatted money ("$120.00", "¥2,000") anywhere a value should be a number of minor units. */
function formattedMoney(value: unknown, where = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => formattedMoney(v, `${where}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      // Sentences for people (evidence, reasons, messages) may name amounts; values may not.
      ['sentence', 'evidence', 'reason', 'message', 'detail', 'summary_text'].includes(k)
        ? []
        : formattedMoney(v, `${where}.${k}`),
    );
  return typeof value === 'string' && /^[$€£¥]\s?\d/.test(value) ? [`${where}=${value}`] : [];
}

describe('every --json output follows one style', () => {
  let h: OpsHarness;
  const outputs = new Map<string, unknown>();

  beforeAll(async () => {
    h = await startOpsHarness();
    const run = async (...argv: string[]) => {
      const r = await h.cli(...argv, '--json');
      outputs.set(argv.join(' '), r.json());
      return r;
    };
    await expectOk(run('init'));
    await expectOk(
      run('connect', '--access-token', 'EAASIMSYSTEMUSERTOKEN0001', '--ad-account', '1000000001'),
    );
    await expectOk(
      run(
        'setup',
        '--apply',
        '--target-cpa',
        '120',
        '--target-roas',
        '1.8',
        '--execution-enabled',
        'true',
        '--slack-target',
        'channel:C12345678',
      ),
    );
    await run('setup');
    await run('doctor');
    await run('verify-use-cases');
    await expectOk(run('run-now'));
    await expectOk(run('plan-actions'));
    await expectOk(run('approve', 'A1', 'A3'));
    await expectOk(run('reject', 'A2'));
    await expectOk(run('clear', 'A2'));
    await run('sync-approvals');
    await expectOk(run('execute-actions', '--confirm', 'sandbox'));
    await expectOk(run('action-log'));
    await expectOk(run('rollback-actions', '--confirm', 'sandbox'));
    await expectOk(run('status'));
    await expectOk(run('pause-agent', '--reason', 'checking the JSON style'));
    await expectOk(run('resume-agent'));
    await run('seed-sandbox');
    await expectOk(run('backtest', '--scenario', SEED_PATH, '--days', '2'));
    await run('--version');
    await run('execute-actions', '--confirm', 'production');
  }, 120_000);
  afterAll(async () => h.close());

  it('uses snake_case for every key at every depth, in every command', () => {
    expect(outputs.size).toBeGreaterThanOrEqual(20);
    const bad = [...outputs].flatMap(([cmd, out]) => badKeys(out).map((k) => `${cmd}: ${k}`));
    expect(bad).toEqual([]);
  });

  it('gives money as integer minor units beside its currency, never a formatted string', () => {
    const bad = [...outputs].flatMap(([cmd, out]) => formattedMoney(out).map((k) => `${cmd}: ${k}`));
    expect(bad).toEqual([]);
    const setup = outputs.get('setup') as { currency: string; config: { target_cpa: number } };
    expect(setup).toMatchObject({ currency: 'USD', config: { target_cpa: 12_000 } });
    const status = outputs.get('status') as Record<string, unknown>;
    expect(status).toMatchObject({ currency: 'USD', target_cpa: 12_000, target_roas: 1.8 });
  });

  it('gives action-log entries an outcome in the words execute and rollback use', () => {
    const log = outputs.get('action-log') as { currency: string; entries: Array<Record<string, unknown>> };
    expect(log.currency).toBe('USD');
    const outcomes = log.entries.filter((e) => e.event !== 'intent').map((e) => e.outcome);
    expect(outcomes.sort()).toEqual(['applied', 'applied']);
    const execute = outputs.get('execute-actions --confirm sandbox') as {
      results: Array<{ outcome: string }>;
    };
    expect(execute.results.filter((r) => r.outcome === 'applied')).toHaveLength(2);
  });

  it('keeps the contract shapes of run-now, plan-actions, execute, rollback and doctor', () => {
    const runNow = outputs.get('run-now') as Record<string, Record<string, unknown>>;
    expect(Object.keys(runNow).sort()).toEqual(['recommendations', 'run', 'shadow']);
    expect(runNow.run).toMatchObject({ currency: 'USD', summary: expect.any(Object) });
    const plan = outputs.get('plan-actions') as { plan: { actions: Array<Record<string, unknown>> } };
    for (const k of ['key', 'type', 'level', 'entity_id', 'from', 'to', 'requires_approval', 'status'])
      expect(plan.plan.actions[0]).toHaveProperty(k);
    expect(outputs.get('execute-actions --confirm sandbox')).toMatchObject({
      applied: 2,
      skipped: expect.any(Number),
      failed: 0,
    });
    expect(outputs.get('rollback-actions --confirm sandbox')).toMatchObject({ rolled_back: 1, refused: 0 });
    const doctor = outputs.get('doctor') as { checks: Array<Record<string, unknown>> };
    expect(Object.keys(doctor.checks[0]!).sort()).toEqual(['detail', 'name', 'status']);
  });
});
