import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../lib/errors.js';

/**
 * One process at a time on an embedded database. PGlite is a single-process Postgres: two processes
 * opening the same data directory each believe they own it and corrupt each other (lost log entries,
 * actions written twice, hangs). So whoever opens METABUYER_HOME's database first holds `home.lock`
 * (created with O_EXCL, so exactly one creator wins) until it closes or exits; the others wait a
 * bounded time, then give up naming the holder. A lock whose process is gone is taken over.
 */
export const LOCK_FILE = 'home.lock';
/** Guards the take-over of a dead holder's lock, so two waiters never both replace it. */
const TAKEOVER_FILE = 'home.lock.takeover';
/** A take-over guard older than this was left by a process that died mid take-over. */
const TAKEOVER_STALE_MS = 10_000;

const holderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  command: z.string(),
  since: z.string(),
});
export type LockHolder = z.infer<typeof holderSchema>;

export interface HomeLockOptions {
  /** How long a second process waits for the holder before giving up. */
  waitMs: number;
  /** How often it looks again. */
  pollMs?: number;
  /** What this process is doing, shown to a process that has to wait (never flags: they may hold secrets). */
  command?: string;
  /** Tests: observe waiting. */
  onWait?: (holder: LockHolder | undefined) => void;
}

export interface HomeLock {
  readonly file: string;
  release(): void;
}

export async function acquireHomeLock(home: string, opts: HomeLockOptions): Promise<HomeLock> {
  const file = path.join(home, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    command: opts.command ?? describeThisProcess(),
    since: new Date().toISOString(),
  };
  const deadline = Date.now() + opts.waitMs;
  let announced = false;
  for (;;) {
    if (tryCreate(file, me)) return held(file, me);
    const holder = readHolder(file);
    if (holder && isGone(holder)) {
      if (takeOver(home, file, holder, me)) return held(file, me);
      continue;
    }
    if (Date.now() >= deadline) throw busy(home, holder, opts.waitMs);
    if (!announced) {
      opts.onWait?.(holder);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, Math.min(opts.pollMs ?? 200, Math.max(1, deadline - Date.now()))));
  }
}

function held(file: string, me: LockHolder): HomeLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: after a take-over (we were presumed dead) the file may be someone else's.
    const now = readHolder(file);
    if (now && now.pid === me.pid && now.since === me.since && now.host === me.host) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  // A process that ends without closing (an error path, process.exit) still frees the home.
  process.on('exit', release);
  return { file, release };
}

function tryCreate(file: string, me: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, `${JSON.stringify(me)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** undefined while the holder is still writing it (or it vanished): the caller looks again. */
function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function isGone(holder: LockHolder): boolean {
  // A pid on another machine (a home on a shared disk) cannot be checked from here: never presume it dead.
  if (holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Replaces a dead holder's lock. Under the take-over guard, re-reads the lock and removes it only if it
 * is still the dead holder's, so a waiter never removes the lock a faster waiter just took.
 */
function takeOver(home: string, file: string, dead: LockHolder, me: LockHolder): boolean {
  const guard = path.join(home, TAKEOVER_FILE);
  let fd: number;
  try {
    fd = openSync(guard, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    clearStaleGuard(guard);
    return false;
  }
  closeSync(fd);
  try {
    const still = readHolder(file);
    if (still && still.pid === dead.pid && still.since === dead.since) {
      try {
        unlinkSync(file);
      } catch {
        // someone else removed it: fine, we try to create below
      }
    }
    return tryCreate(file, me);
  } finally {
    try {
      unlinkSync(guard);
    } catch {
      // ignore
    }
  }
}

function clearStaleGuard(guard: string): void {
  try {
    if (Date.now() - statSync(guard).mtimeMs > TAKEOVER_STALE_MS) unlinkSync(guard);
  } catch {
    // gone already
  }
}

function busy(home: string, holder: LockHolder | undefined, waitMs: number): AppError {
  const who = holder
    ? `process ${holder.pid} (${holder.command}${holder.host !== os.hostname() ? ` on ${holder.host}` : ''}) since ${holder.since}`
    : 'another process';
  return new AppError({
    code: 'home_locked',
    verdict: 'retry',
    message:
      `The embedded database in ${home} is in use by ${who}; waited ${Math.round(waitMs / 1000)} s. ` +
      'Only one MetaBuyer process can use an embedded database at a time: wait for it to finish and try again, ' +
      'or use PostgreSQL (DATABASE_URL) to run several at once. Nothing was changed.',
    details: { home, ...(holder ? { holder } : {}) },
  });
}

/**
 * `metabuyer <command>` for the CLI: the script and its first word only. Flags and their values are
 * left out on purpose (`connect --access-token …`).
 */
function describeThisProcess(): string {
  const script = process.argv[1] ? path.basename(process.argv[1]).replace(/\.(c|m)?js$/, '') : 'node';
  const sub = process.argv[2];
  return sub && /^[a-z][a-z-]{0,40}$/.test(sub) ? `${script} ${sub}` : script;
}
