/**
 * The home's read model is trusted only while it provably describes the database: written after the
 * database last shut down (pg_control unchanged since), with nobody holding the home.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireHomeLock } from '../../../src/db/home-lock.js';
import {
  invalidateHomeSnapshot,
  readHomeSnapshot,
  SNAPSHOT_FILE,
  writeHomeSnapshot,
} from '../../../src/db/home-snapshot.js';

let home: string;
const control = () => path.join(home, 'pgdata', 'global', 'pg_control');

beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'mb-snapshot-'));
  mkdirSync(path.join(home, 'pgdata', 'global'), { recursive: true });
  writeFileSync(control(), 'control');
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('the read model of an embedded home', () => {
  it('reads back what the last holder wrote, while the database has not been opened since', () => {
    expect(writeHomeSnapshot(home, { agents: ['a'] })).toBe(true);
    expect(readHomeSnapshot(home)).toEqual({ agents: ['a'] });
    // Written whole, through a temporary file that does not stay behind.
    expect(readdirSync(home).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('is not trusted once Postgres has started or shut down again (pg_control rewritten)', () => {
    writeHomeSnapshot(home, { agents: ['a'] });
    const later = new Date(Date.now() + 5_000);
    utimesSync(control(), later, later);
    expect(readHomeSnapshot(home)).toBeUndefined();
  });

  it('is not trusted while a process holds the home', async () => {
    writeHomeSnapshot(home, { agents: ['a'] });
    const lock = await acquireHomeLock(home, { waitMs: 100 });
    try {
      expect(readHomeSnapshot(home)).toBeUndefined();
    } finally {
      lock.release();
    }
    expect(readHomeSnapshot(home)).toEqual({ agents: ['a'] });
  });

  it('is gone once a holder is about to start the database', () => {
    writeHomeSnapshot(home, { agents: ['a'] });
    invalidateHomeSnapshot(home);
    expect(readHomeSnapshot(home)).toBeUndefined();
    invalidateHomeSnapshot(home); // and removing none is no error
  });

  it('is neither written nor trusted without a data directory to stamp it with, or when unreadable', () => {
    rmSync(path.join(home, 'pgdata'), { recursive: true });
    expect(writeHomeSnapshot(home, { agents: [] })).toBe(false);
    expect(readHomeSnapshot(home)).toBeUndefined();
    writeFileSync(path.join(home, SNAPSHOT_FILE), '{"stamp":');
    expect(readHomeSnapshot(home)).toBeUndefined();
  });
});
