import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { acquireHomeLock } from './home-lock.js';
import { invalidateHomeSnapshot, writeHomeSnapshot } from './home-snapshot.js';
import * as schema from './schema/index.js';

/** The one database type the repositories see, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  /** A short description for `doctor` and logs, never including credentials. */
  readonly where: string;
  close(): Promise<void>;
  /** Applies the committed drizzle-kit migrations (see migrateDatabase). */
  migrate(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'drizzle',
);

export interface DatabaseTarget {
  databaseUrl: string | undefined;
  home: string;
  /** Embedded only: how long to wait for another process holding METABUYER_HOME (default 30 s). */
  lockWaitMs?: number;
  /**
   * Embedded only: the home's read model (see home-snapshot.ts), read from the database just before it
   * closes and written once it has shut down, while the lock is still held. A failure to read or write
   * it leaves no snapshot (readers then open the database); it never fails the close.
   */
  snapshot?: (db: Db) => Promise<unknown>;
}

export const DEFAULT_LOCK_WAIT_MS = 30_000;

/** postgres.js when DATABASE_URL is set; embedded PGlite under METABUYER_HOME otherwise. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.databaseUrl) return openPostgres(target.databaseUrl);
  return openPglite(target.home, target.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS, target.snapshot);
}

async function openPostgres(url: string): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, { max: 8, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzle(client, { schema }) as unknown as Db;
  const u = new URL(url);
  return {
    db,
    kind: 'postgres',
    where: `postgres ${u.hostname}:${u.port || '5432'}${u.pathname}`,
    close: () => client.end({ timeout: 5 }),
    migrate: () => migratePostgres(url),
  };
}

/**
 * How the embedded Postgres starts: PGlite's own parameters, with shared buffers of 16 MB instead of
 * Postgres's 128 MB. Every CLI call starts Postgres afresh, and zeroing (and growing the WebAssembly
 * memory to hold) 128 MB of buffers was most of its start time; an embedded MetaBuyer database is a
 * few tens of MB and is read by one process at a time. This changes only how much is cached, never
 * when or whether a write reaches disk. (relaxedDurability would not help either way: on Node PGlite
 * writes through to the data directory and has nothing to sync after a query.)
 */
export const EMBEDDED_START_PARAMS = (defaults: readonly string[]): string[] => [
  ...defaults,
  '-c',
  'shared_buffers=16MB',
];

/**
 * PGlite is one Postgres inside this process: a second process on the same data directory would
 * corrupt it, so the home is locked from before the open until after the close (see home-lock.ts).
 */
async function openPglite(
  home: string,
  lockWaitMs: number,
  snapshot: ((db: Db) => Promise<unknown>) | undefined,
): Promise<Database> {
  const dir = path.join(home, 'pgdata');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = await acquireHomeLock(home, { waitMs: lockWaitMs });
  let client: import('@electric-sql/pglite').PGlite;
  let db: Db;
  try {
    // Before anything can change: from here until a close writes a new one there is no read model.
    invalidateHomeSnapshot(home);
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    client = await PGlite.create(dir, { startParams: EMBEDDED_START_PARAMS(PGlite.defaultStartParams) });
    db = drizzle(client, { schema }) as unknown as Db;
  } catch (e) {
    lock.release();
    throw e;
  }
  return {
    db,
    kind: 'pglite',
    where: `embedded PGlite at ${dir}`,
    close: async () => {
      try {
        const body = snapshot ? await snapshot(db).catch(() => undefined) : undefined;
        await client.close();
        if (body !== undefined) {
          try {
            writeHomeSnapshot(home, body);
          } catch {
            // no read model: readers open the database
          }
        }
      } finally {
        lock.release();
      }
    },
    migrate: async () => {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    },
  };
}

/**
 * On PostgreSQL several processes may migrate at once (a deploy starts serve and worker together): a
 * session advisory lock on one dedicated connection serialises them.
 */
async function migratePostgres(url: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await client`select pg_advisory_lock(727274001)`;
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end({ timeout: 5 });
  }
}
