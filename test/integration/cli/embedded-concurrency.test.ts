import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { LOCK_FILE } from '../../../src/db/home-lock.js';
import { cliActor } from '../../../src/domain/actor.js';
import type { RunningSimulator } from '../../../src/sim/index.js';
import { ROOT } from '../../support/shared.js';
import { APP_ID, APP_SECRET, type Json, type SimClient, SYSTEM_TOKEN, startSim } from '../../support/sim.js';

/**
 * Several real `metabuyer` processes on ONE embedded database (no DATABASE_URL), as an operator with
 * two terminals, or a cron job overlapping a manual run, would start them. PGlite is single-process:
 * without the home lock two processes corrupt each other's data and write actions twice.
 */
describe('the embedded database under concurrent processes', () => {
  let sim: RunningSimulator;
  let client: SimClient;
  let home: string;
  let env: Record<string, string>;

  /** In-process, for the setup steps: the same front door, without a process start per command. */
  const cli = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, env, {
      actor: cliActor('tester'),
      io: {
        out: (t) => {
          stdout += `${t}\n`;
        },
        err: (t) => {
          stderr += `${t}\n`;
        },
      },
    });
    if (code !== 0) throw new Error(`metabuyer ${argv[0]} failed (${code}): ${stderr || stdout}`);
    return stdout;
  };

  interface Exit {
    code: number | null;
    stdout: string;
    stderr: string;
  }
  /** A real child process through bin/metabuyer.js, as `npx metabuyer` runs it. */
  const spawnCli = (
    args: string[],
    extraEnv: Record<string, string> = {},
  ): { child: ChildProcess; done: Promise<Exit> } => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'metabuyer.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env, ...extraEnv },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const done = new Promise<Exit>((resolve) =>
      child.on('close', (code) => resolve({ code, stdout, stderr })),
    );
    return { child, done };
  };

  const planKeys = async (): Promise<Array<{ key: string; entity_id: string }>> => {
    await cli('run-now');
    const plan = JSON.parse(await cli('plan-actions', '--json')).plan.actions;
    await cli('approve', 'ALL');
    return plan;
  };
  /**
   * The admin API, retried once when the simulator closed the idle keep-alive socket the request went
   * out on (ECONNRESET before it was read: after a long test on a loaded machine).
   */
  const admin = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    try {
      return await client.admin(method, path, body);
    } catch {
      return client.admin(method, path, body);
    }
  };
  const writesSoFar = async (): Promise<Json[]> =>
    (await admin('GET', 'calls')).body.calls.filter((c: Json) => c.method === 'POST');
  const logEntries = async (): Promise<Json[]> =>
    JSON.parse(await cli('action-log', '--limit', '200', '--json')).entries.filter(
      (e: Json) => e.event !== 'intent',
    );

  beforeAll(async () => {
    ({ sim, client } = await startSim());
    home = mkdtempSync(path.join(tmpdir(), 'mb-embedded-'));
    env = {
      METABUYER_HOME: home,
      META_GRAPH_URL: sim.url,
      META_APP_ID: APP_ID,
      META_APP_SECRET: APP_SECRET,
    };
    await cli('init');
    await cli('connect', '--access-token', SYSTEM_TOKEN, '--ad-account', '1000000001', '--env', 'sandbox');
    await cli(
      'setup',
      '--apply',
      '--target-cpa',
      '120',
      '--target-roas',
      '1.8',
      '--execution-enabled',
      'true',
    );
  }, 240_000);
  afterAll(async () => {
    await sim?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('writes each approved action exactly once and loses no log entry when two executions overlap', async () => {
    const plan = await planKeys();
    expect(plan.length).toBeGreaterThanOrEqual(2);
    const before = (await writesSoFar()).length;
    // Meta holds every write 1.5 s, so the first execution is mid-way when the second one starts.
    await admin('POST', 'faults', { method: 'POST', path: '^/\\d+$', times: 50, delay_ms: 1500 });

    // Generous waits: on a loaded machine the first process alone can take longer than the default 30 s.
    const patient = { METABUYER_LOCK_WAIT_SECONDS: '150' };
    const first = spawnCli(['execute-actions', '--confirm', 'sandbox', '--json'], patient);
    await new Promise((r) => setTimeout(r, 500));
    const second = spawnCli(['execute-actions', '--confirm', 'sandbox', '--json'], patient);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    expect(ra.applied + rb.applied).toBe(plan.length);

    const writes = (await writesSoFar()).slice(before);
    for (const action of plan) {
      expect(writes.filter((w) => w.path.endsWith(`/${action.entity_id}`))).toHaveLength(1);
    }
    const applied = (await logEntries()).filter((e) => e.event === 'applied');
    expect(applied.map((e) => e.key).sort()).toEqual(plan.map((p) => p.key).sort());
  }, 240_000);

  it('makes other processes wait for the holder, or give up naming it, never hang', async () => {
    // The holder keeps the database open while Meta takes 3 s to answer one of its reads.
    await admin('POST', 'faults', { method: 'GET', path: '/insights$', times: 1, delay_ms: 3000 });
    const holder = spawnCli(['run-now', '--json']);
    await waitForLock();
    const waiter = spawnCli(['status', '--json'], { METABUYER_LOCK_WAIT_SECONDS: '150' });
    const impatient = spawnCli(['status', '--json'], { METABUYER_LOCK_WAIT_SECONDS: '1' });
    // It gives up on its own (the test would time out if it hung), naming who holds the database.
    const gaveUp = await impatient.done;
    expect(gaveUp.code).toBe(1);
    const err = JSON.parse(gaveUp.stdout).error;
    expect(err.code).toBe('home_locked');
    expect(err.message).toContain(`in use by process ${holder.child.pid} (metabuyer run-now) since 20`);
    const [h, w] = await Promise.all([holder.done, waiter.done]);
    expect(h.code, h.stdout + h.stderr).toBe(0);
    expect(JSON.parse(h.stdout).recommendations.length).toBeGreaterThan(0);
    expect(w.code, w.stdout + w.stderr).toBe(0);
    expect(JSON.parse(w.stdout)).not.toHaveProperty('error');
  }, 240_000);

  it('takes over the lock of a process that died holding it', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('close', r));
    writeFileSync(
      path.join(home, LOCK_FILE),
      JSON.stringify({
        pid: dead.pid,
        host: hostname(),
        command: 'metabuyer run-now',
        since: new Date().toISOString(),
      }),
    );
    const r = await spawnCli(['status', '--json'], { METABUYER_LOCK_WAIT_SECONDS: '2' }).done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(existsSync(path.join(home, LOCK_FILE))).toBe(false);
  }, 240_000);

  /** Until the spawned process has opened the database (its start takes a few seconds). */
  async function waitForLock(): Promise<void> {
    const until = Date.now() + 20_000;
    while (!existsSync(path.join(home, LOCK_FILE))) {
      if (Date.now() > until) throw new Error('the holder never opened the database');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});
