/**
 * `metabuyer status` on the embedded database answers from the home's read model (written by the last
 * process that had the database open) without starting Postgres, and says exactly what the database
 * would: byte for byte, in text and --json, in every state an operator goes through, with the
 * time-relative parts worked out when it is read. When the read model cannot prove itself current (a
 * process holds the home, something else opened the database since) the database answers.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { acquireHomeLock } from '../../../src/db/home-lock.js';
import { invalidateHomeSnapshot, SNAPSHOT_FILE } from '../../../src/db/home-snapshot.js';
import { cliActor } from '../../../src/domain/actor.js';
import { ManualClock } from '../../../src/lib/clock.js';
import { STATUS_SNAPSHOT_FORMAT } from '../../../src/ops/status-snapshot.js';
import type { RunningSimulator } from '../../../src/sim/index.js';
import { SCENARIO_NOW } from '../../support/ops-harness.js';
import { APP_ID, APP_SECRET, SYSTEM_TOKEN, startSim } from '../../support/sim.js';

describe('status from the read model of an embedded home', () => {
  let sim: RunningSimulator;
  let home: string;
  let env: Record<string, string>;
  const clock = new ManualClock(SCENARIO_NOW);

  const cliWith = async (extraEnv: Record<string, string>, ...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(
      argv,
      { ...env, ...extraEnv },
      {
        actor: cliActor('tester'),
        contextOverrides: {
          clock,
          meta: { sleep: async () => {}, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } },
        },
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
    return { code, stdout, stderr };
  };
  const cli = (...argv: string[]) => cliWith({}, ...argv);
  const ok = async (...argv: string[]) => {
    const r = await cli(...argv);
    if (r.code !== 0) throw new Error(`metabuyer ${argv[0]} failed (${r.code}): ${r.stderr || r.stdout}`);
    return r;
  };

  /** Postgres rewrites pg_control whenever it starts: unchanged means the database was not opened. */
  const pgControl = () =>
    statSync(path.join(home, 'pgdata', 'global', 'pg_control'), { bigint: true }).mtimeNs;

  /**
   * status and status --json twice: from the read model (proved: Postgres did not start), then from the
   * database (the read model removed first). Returns both, for the caller to compare.
   */
  const bothWays = async (...flags: string[]) => {
    const before = pgControl();
    const fromSnapshot = [await cli('status', ...flags), await cli('status', '--json', ...flags)];
    const fromSnapshotUsed = pgControl() === before;
    invalidateHomeSnapshot(home);
    const fromDatabase = [await cli('status', ...flags), await cli('status', '--json', ...flags)];
    return { fromSnapshot, fromDatabase, fromSnapshotUsed };
  };

  /** The promise: the read model answered, and said exactly what the database says. */
  const expectSameAnswer = async (...flags: string[]) => {
    const r = await bothWays(...flags);
    expect(r.fromSnapshotUsed, 'status started Postgres although the read model was current').toBe(true);
    expect(r.fromSnapshot).toEqual(r.fromDatabase);
    expect(r.fromSnapshot[0]!.code).toBe(0);
    return r.fromSnapshot;
  };

  beforeAll(async () => {
    ({ sim } = await startSim());
    home = mkdtempSync(path.join(tmpdir(), 'mb-read-model-'));
    env = { METABUYER_HOME: home, META_GRAPH_URL: sim.url, META_APP_ID: APP_ID, META_APP_SECRET: APP_SECRET };
  }, 240_000);
  afterAll(async () => {
    await sim?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('right after init, with no agent yet, leaves the answer (an error saying to connect) to the database', async () => {
    await ok('init');
    const r = await bothWays();
    expect(r.fromSnapshot).toEqual(r.fromDatabase);
    expect(r.fromSnapshot[0]!.code).toBe(1);
    expect(r.fromSnapshot[0]!.stderr).toContain('No ad account is connected yet');
  }, 240_000);

  it('answers exactly as the database after connect, setup, run-now, plan-actions and a decision', async () => {
    await ok('connect', '--access-token', SYSTEM_TOKEN, '--ad-account', '1000000001', '--env', 'sandbox');
    const connected = await expectSameAnswer();
    expect(connected[0]!.stdout).toContain('Targets:        CPA not set, ROAS not set');

    await ok(
      'setup',
      '--apply',
      '--target-cpa',
      '120',
      '--target-roas',
      '1.8',
      '--execution-enabled',
      'true',
    );
    const setUp = await expectSameAnswer();
    expect(JSON.parse(setUp[1]!.stdout)).toMatchObject({
      target_cpa: 12000,
      target_roas: 1.8,
      execution_enabled: true,
    });

    await ok('run-now');
    const ran = await expectSameAnswer();
    expect(JSON.parse(ran[1]!.stdout).last_run.status).toBe('succeeded');

    await ok('plan-actions');
    await ok('approve', 'A1');
    const decided = await expectSameAnswer('--ad-account', '1000000001');
    const plan = JSON.parse(decided[1]!.stdout).plan;
    expect(plan.counts.approved).toBe(1);
    expect(plan.expired).toBe(false);
  }, 600_000);

  it('works out at read time whether the plan has expired', async () => {
    const planNow = JSON.parse((await ok('status', '--json')).stdout).plan;
    const later = new Date(Date.parse(planNow.expires_at) + 60_000);
    const saved = clock.now();
    clock.set(later);
    try {
      const [, json] = await expectSameAnswer();
      expect(JSON.parse(json!.stdout).plan.expired).toBe(true);
    } finally {
      clock.set(saved);
    }
  }, 240_000);

  it('answers exactly as the database while the agent is halted, reason and all', async () => {
    await ok('pause-agent', '--reason', 'audit of the spend');
    const halted = await expectSameAnswer();
    expect(halted[0]!.stdout).toMatch(/Agent:\s+HALTED/);
    expect(JSON.parse(halted[1]!.stdout)).toMatchObject({
      halted: true,
      halted_reason: 'audit of the spend',
    });
    await ok('resume-agent');
    const resumed = await expectSameAnswer();
    expect(JSON.parse(resumed[1]!.stdout).halted).toBe(false);
  }, 240_000);

  it('never answers from the read model while a process holds the home: it waits for the database', async () => {
    await ok('status');
    expect(readFileSync(path.join(home, SNAPSHOT_FILE), 'utf8')).toContain(
      `"format":${STATUS_SNAPSHOT_FORMAT}`,
    );
    const lock = await acquireHomeLock(home, { waitMs: 1_000 });
    try {
      const r = await cliWith({ METABUYER_LOCK_WAIT_SECONDS: '1' }, 'status', '--json');
      // No answer from the read model: status went to the database and found it in use.
      expect(JSON.parse(r.stdout).error.code).toBe('home_locked');
    } finally {
      lock.release();
    }
  }, 240_000);

  it('is not trusted once anything else has opened the database since it was written', async () => {
    await ok('status');
    const { PGlite } = await import('@electric-sql/pglite');
    // What an older MetaBuyer (one that keeps no read model) would do: open, change, close.
    const pg = await PGlite.create(path.join(home, 'pgdata'));
    await pg.query(
      `update agents set halted = true, halted_reason = 'from elsewhere', halted_by = 'cli:other'`,
    );
    await pg.close();
    const r = await ok('status', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ halted: true, halted_reason: 'from elsewhere' });
  }, 240_000);
});
