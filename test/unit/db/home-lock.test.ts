import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireHomeLock, LOCK_FILE } from '../../../src/db/home-lock.js';
import { AppError } from '../../../src/lib/errors.js';

const freshHome = () => mkdtempSync(path.join(tmpdir(), 'mb-lock-'));

/** A pid that certainly belonged to a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('the embedded home lock', () => {
  it('lets one holder in and makes a second one wait until it is released', async () => {
    const home = freshHome();
    const first = await acquireHomeLock(home, { waitMs: 5_000, command: 'metabuyer execute-actions' });
    let waited = false;
    const second = acquireHomeLock(home, { waitMs: 5_000, pollMs: 10, onWait: () => (waited = true) });
    await new Promise((r) => setTimeout(r, 100));
    expect(waited).toBe(true);
    first.release();
    const got = await second;
    expect(JSON.parse(readFileSync(got.file, 'utf8')).pid).toBe(process.pid);
    got.release();
    expect(existsSync(path.join(home, LOCK_FILE))).toBe(false);
  });

  it('gives up after the wait, naming the holder’s pid, command and start time', async () => {
    const home = freshHome();
    const holder = await acquireHomeLock(home, { waitMs: 1_000, command: 'metabuyer run-now' });
    const since = JSON.parse(readFileSync(holder.file, 'utf8')).since;
    const started = Date.now();
    const err = await acquireHomeLock(home, { waitMs: 150, pollMs: 20 }).catch((e) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('home_locked');
    expect(err.message).toContain(`in use by process ${process.pid} (metabuyer run-now) since ${since}`);
    expect(err.message).toContain('Nothing was changed');
    holder.release();
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const home = freshHome();
    const file = path.join(home, LOCK_FILE);
    const pid = deadPid();
    writeFileSync(file, JSON.stringify({ pid, host: hostname(), command: 'metabuyer x', since: 'then' }));
    const lock = await acquireHomeLock(home, { waitMs: 0 });
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('never presumes a holder on another machine dead', async () => {
    const home = freshHome();
    writeFileSync(
      path.join(home, LOCK_FILE),
      JSON.stringify({ pid: deadPid(), host: 'other-host', command: 'metabuyer x', since: 'then' }),
    );
    const err = await acquireHomeLock(home, { waitMs: 50, pollMs: 10 }).catch((e) => e);
    expect(err.code).toBe('home_locked');
    expect(err.message).toContain('on other-host');
  });

  it('lets exactly one of many simultaneous waiters take over a dead holder’s lock', async () => {
    const home = freshHome();
    writeFileSync(
      path.join(home, LOCK_FILE),
      JSON.stringify({ pid: deadPid(), host: hostname(), command: 'metabuyer x', since: 'then' }),
    );
    const tries = await Promise.allSettled(
      Array.from({ length: 5 }, () => acquireHomeLock(home, { waitMs: 100, pollMs: 10 })),
    );
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
  });

  it('leaves alone a lock that is no longer its own when released', async () => {
    const home = freshHome();
    const lock = await acquireHomeLock(home, { waitMs: 0 });
    const other = JSON.stringify({ pid: 1, host: hostname(), command: 'metabuyer y', since: 'later' });
    writeFileSync(lock.file, other);
    lock.release();
    expect(readFileSync(lock.file, 'utf8')).toBe(other);
  });
});
