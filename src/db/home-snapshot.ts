import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { LOCK_FILE } from './home-lock.js';

/**
 * A read model of an embedded database, kept beside it in METABUYER_HOME: what the last process to
 * have the database open saw when it closed it, so that a quick read (`metabuyer status`) can answer
 * without starting Postgres. It must never show a state the database no longer holds, so it counts only
 * when all of these hold (otherwise the reader opens the database, as it would without a snapshot):
 *
 * 1. Written only by the holder of the home lock, after its last query and after Postgres shut down,
 *    before the lock is released; and removed by every holder right after taking the lock, before
 *    Postgres starts. So while anyone may be changing the database there is no snapshot, and a snapshot
 *    that exists describes the database as it is (state changes only under the lock).
 * 2. Stamped with the modification time of the data directory's pg_control, which Postgres rewrites
 *    every time it starts and shuts down. Anything that opened the data directory since the snapshot
 *    was written (an older MetaBuyer, a crashed run, a restored backup) leaves a different stamp.
 * 3. No one holds the home lock as it is read.
 *
 * Written atomically (a temporary file renamed over it), so a reader sees a whole snapshot or none.
 */
export const SNAPSHOT_FILE = 'read-model.json';

/** Postgres's control file: rewritten at every start and every shutdown of the database. */
function controlFile(home: string): string {
  return path.join(home, 'pgdata', 'global', 'pg_control');
}

function stampOf(home: string): string | undefined {
  try {
    const s = statSync(controlFile(home), { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return undefined;
  }
}

/** Removes the snapshot: a lock holder does this before it starts the database. */
export function invalidateHomeSnapshot(home: string): void {
  try {
    unlinkSync(path.join(home, SNAPSHOT_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * Writes the snapshot; only the lock holder, after the database has shut down. Returns false (and
 * leaves no snapshot) when the data directory has no control file to stamp it with.
 */
export function writeHomeSnapshot(home: string, body: unknown): boolean {
  const stamp = stampOf(home);
  if (!stamp) return false;
  const file = path.join(home, SNAPSHOT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ stamp, body })}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return true;
}

/** The snapshot's body when it provably describes the database as it is now; undefined otherwise. */
export function readHomeSnapshot(home: string): unknown {
  if (lockHeld(home)) return undefined;
  let parsed: { stamp?: unknown; body?: unknown };
  try {
    parsed = JSON.parse(readFileSync(path.join(home, SNAPSHOT_FILE), 'utf8')) as typeof parsed;
  } catch {
    return undefined;
  }
  const stamp = stampOf(home);
  // A holder that took the lock after the check above removed the snapshot before changing anything:
  // what was read is the state before its change.
  return stamp && parsed.stamp === stamp ? parsed.body : undefined;
}

function lockHeld(home: string): boolean {
  try {
    statSync(path.join(home, LOCK_FILE));
    return true;
  } catch {
    return false;
  }
}
