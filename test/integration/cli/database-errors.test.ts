/**
 * A DATABASE_URL that cannot be used (a missing database, a closed port, an unknown user) gets one line
 * that names the problem and what to check, from init, status (text and --json) and doctor: never the
 * SQL Drizzle tried, never a stack. Real PostgreSQL URLs, in-process through main().
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { TEST_DATABASE_URL } from '../../support/services.js';

async function cli(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    { METABUYER_HOME: '/nonexistent-metabuyer-home', ...env },
    {
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
}

/** A port on 127.0.0.1 that nobody listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function withUrl(change: (u: URL) => void): string {
  const u = new URL(TEST_DATABASE_URL);
  change(u);
  return u.toString();
}

const NO_INTERNALS = /Failed query|select |params:|\n\s+at |DrizzleQueryError|PostgresError/;

describe('an unusable DATABASE_URL gets one line naming the problem', () => {
  const cases: Array<{ name: string; url: () => string; says: RegExp }> = [];
  let missingDb = '';
  let port = 0;
  beforeAll(async () => {
    missingDb = `mb_missing_${randomBytes(4).toString('hex')}`;
    port = await closedPort();
  });
  cases.push(
    {
      name: 'a database that does not exist',
      url: () =>
        withUrl((u) => {
          u.pathname = `/${missingDb}`;
        }),
      says: /the database "mb_missing_[0-9a-f]+" does not exist: create it \(createdb\), or fix the database name in DATABASE_URL/,
    },
    {
      name: 'a port nobody listens on',
      url: () =>
        withUrl((u) => {
          u.hostname = '127.0.0.1';
          u.port = String(port);
        }),
      says: /Cannot reach the database: nothing accepts connections at 127\.0\.0\.1:\d+\. Check the host and port in DATABASE_URL and that PostgreSQL is running\./,
    },
    {
      name: 'a user PostgreSQL does not know',
      url: () =>
        withUrl((u) => {
          u.username = 'mb_nobody_here';
          u.password = '';
        }),
      says: /PostgreSQL refused the connection \(role "mb_nobody_here" does not exist\): check the user name in DATABASE_URL\./,
    },
  );

  for (const c of cases) {
    it(`init and status say so for ${c.name}, without SQL or a stack`, async () => {
      const env = { DATABASE_URL: c.url() };
      for (const argv of [['init'], ['status']]) {
        const r = await cli(env, ...argv);
        expect(r.code, argv[0]).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(c.says);
        expect(r.stderr).not.toMatch(NO_INTERNALS);
      }
    });

    it(`status --json gives one error object and nothing on stderr for ${c.name}`, async () => {
      const r = await cli({ DATABASE_URL: c.url() }, 'status', '--json');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('');
      const { error } = JSON.parse(r.stdout);
      expect(error.code).toBe('db_unreachable');
      expect(error.message).toMatch(c.says);
      expect(error.message).not.toMatch(NO_INTERNALS);
    });

    it(`doctor fails the database check with the same line for ${c.name}`, async () => {
      const r = await cli({ DATABASE_URL: c.url() }, 'doctor', '--json');
      expect(r.code).toBe(1);
      const db = JSON.parse(r.stdout).checks.find((x: { name: string }) => x.name === 'database');
      expect(db.status).toBe('fail');
      expect(db.detail).toMatch(c.says);
      expect(db.detail).not.toMatch(NO_INTERNALS);
    });
  }
});
