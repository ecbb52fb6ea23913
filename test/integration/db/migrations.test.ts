import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/db/client.js';
import { pgErrorOf } from '../../../src/db/errors.js';
import { actionLog } from '../../../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';

const EXPECTED_TABLES = [
  'action_log',
  'agents',
  'approval_decisions',
  'entity_snapshots',
  'execution_confirmations',
  'insight_snapshots',
  'meta_connections',
  'outbox',
  'plan_actions',
  'plans',
  'process_leases',
  'recommendations',
  'runs',
  'slack_messages',
  'slack_workspaces',
];

async function failure(p: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    const info = pgErrorOf(e);
    return { code: info?.code, message: info?.message ?? String(e) };
  }
  throw new Error('expected the statement to be refused, but it succeeded');
}

function logRow(id: string) {
  return {
    id,
    agentId: 'agent_1',
    adAccountId: 'act_1',
    kind: 'execute' as const,
    event: 'applied' as const,
    idempotencyKey: `k-${id}`,
    type: 'set_status' as const,
    level: 'ad' as const,
    entityId: '110',
    fromValue: 'ACTIVE',
    toValue: 'PAUSED',
    environment: 'sandbox' as const,
    at: new Date('2026-11-20T15:00:00Z'),
  };
}

const drivers: Array<{
  name: string;
  open: () => Promise<{ database: Database; cleanup: () => Promise<void> }>;
}> = [
  {
    name: 'PostgreSQL',
    open: async () => {
      const tdb: TestDatabase = await createTestDatabase();
      const database = await openDatabase({ databaseUrl: tdb.url, home: '/nonexistent' });
      return {
        database,
        cleanup: async () => {
          await database.close();
          await tdb.drop();
        },
      };
    },
  },
  {
    name: 'embedded PGlite',
    open: async () => {
      const home = mkdtempSync(path.join(tmpdir(), 'mb-pglite-'));
      const database = await openDatabase({ databaseUrl: undefined, home });
      return {
        database,
        cleanup: async () => {
          await database.close();
          rmSync(home, { recursive: true, force: true });
        },
      };
    },
  },
];

describe.each(drivers)('migrations on $name', ({ open }) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await open());
    await database.migrate();
  });
  afterAll(async () => cleanup());

  it('creates every table of the product on a fresh database', async () => {
    const rows = await database.db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const names =
      (rows as unknown as { rows?: Array<{ table_name: string }> }).rows ??
      (rows as unknown as Array<{ table_name: string }>);
    expect(names.map((r) => r.table_name)).toEqual(EXPECTED_TABLES);
  });

  it('applies twice without error (migrations are idempotent)', async () => {
    await expect(database.migrate()).resolves.toBeUndefined();
  });

  it('appends to the action log', async () => {
    await database.db.insert(actionLog).values(logRow('log_append'));
    const rows = await database.db.select().from(actionLog);
    expect(rows.map((r) => r.id)).toContain('log_append');
  });

  it('refuses to UPDATE an action log row', async () => {
    await database.db.insert(actionLog).values(logRow('log_update'));
    const refused = await failure(
      database.db.execute(sql`update action_log set to_value = '"ACTIVE"' where id = 'log_update'`),
    );
    expect(refused.message).toMatch(/append-only: UPDATE/);
    const [row] = await database.db.select().from(actionLog).where(sql`id = 'log_update'`);
    expect(row?.toValue).toBe('PAUSED');
  });

  it('refuses to DELETE an action log row', async () => {
    await database.db.insert(actionLog).values(logRow('log_delete'));
    const refused = await failure(database.db.execute(sql`delete from action_log where id = 'log_delete'`));
    expect(refused.message).toMatch(/append-only: DELETE/);
    const rows = await database.db.select().from(actionLog).where(sql`id = 'log_delete'`);
    expect(rows).toHaveLength(1);
  });

  it('refuses to log the same outcome twice (idempotency key)', async () => {
    await database.db.insert(actionLog).values(logRow('log_once'));
    const refused = await failure(
      database.db.insert(actionLog).values({ ...logRow('log_once_again'), idempotencyKey: 'k-log_once' }),
    );
    expect(refused.code).toBe('23505');
  });
});
