import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { acquireHomeLock } from './home-lock.js';
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
}

export const DEFAULT_LOCK_WAIT_MS = 30_000;

/** postgres.js when DATABASE_URL is set; embedded PGlite under METABUYER_HOME otherwise. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.databaseUrl) return openPostgres(target.databaseUrl);
  return openPglite(target.home, target.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
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
 * PGlite is one Postgres inside this process: a second process on the same data directory would
 * corrupt it, so the home is locked from before the open until after the close (see home-lock.ts).
 */
async function openPglite(home: string, lockWaitMs: number): Promise<Database> {
  const dir = path.join(home, 'pgdata');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = await acquireHomeLock(home, { waitMs: lockWaitMs });
  let client: import('@electric-sql/pglite').PGlite;
  let db: Db;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    client = await PGlite.create(dir);
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
        await client.close();
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
