/**
 * Drizzle wraps driver errors ("Failed query: …") with the PostgreSQL error as the cause. Both drivers
 * (postgres.js and PGlite) put the SQLSTATE in `code`. This finds it, whatever the wrapping.
 */
export interface PgErrorInfo {
  code: string | undefined;
  message: string;
  constraint: string | undefined;
}

export function pgErrorOf(e: unknown): PgErrorInfo | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 6; depth++) {
    const c = cur as {
      code?: unknown;
      message?: unknown;
      constraint?: unknown;
      constraint_name?: unknown;
      cause?: unknown;
    };
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) {
      const constraint =
        typeof c.constraint_name === 'string'
          ? c.constraint_name
          : typeof c.constraint === 'string'
            ? c.constraint
            : undefined;
      return { code: c.code, message: String(c.message ?? ''), constraint };
    }
    cur = c.cause;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const info = pgErrorOf(e);
  if (info?.code !== UNIQUE_VIOLATION) return false;
  return constraint === undefined || info.constraint === undefined || info.constraint === constraint;
}

/** SQLSTATEs and socket errors that mean "cannot connect", each with what the operator should check. */
const CONNECTION_PROBLEMS: Record<string, (detail: string) => string> = {
  '3D000': (d) =>
    `PostgreSQL answered, but ${d.replace(/^database /, 'the database ')}: create it (createdb), or fix the database name in DATABASE_URL.`,
  '28000': (d) => `PostgreSQL refused the connection (${d}): check the user name in DATABASE_URL.`,
  '28P01': () => 'PostgreSQL refused the password in DATABASE_URL: check the user and password.',
  '57P03': () => 'PostgreSQL is starting up or shutting down: try again in a moment.',
  '53300': () => 'PostgreSQL has no free connection slots: try again, or raise max_connections.',
};

const SOCKET_PROBLEMS: Record<string, (where: string) => string> = {
  ECONNREFUSED: (w) =>
    `Cannot reach the database: nothing accepts connections at ${w}. Check the host and port in DATABASE_URL and that PostgreSQL is running.`,
  ENOTFOUND: (w) => `Cannot reach the database: the host ${w} is unknown. Check the host in DATABASE_URL.`,
  EAI_AGAIN: (w) => `Cannot reach the database: the host ${w} could not be resolved. Check DATABASE_URL.`,
  ETIMEDOUT: (w) =>
    `Cannot reach the database at ${w}: the connection timed out. Check DATABASE_URL and the network.`,
  CONNECT_TIMEOUT: (w) =>
    `Cannot reach the database at ${w}: the connection timed out. Check DATABASE_URL and the network.`,
  ECONNRESET: (w) =>
    `The database at ${w} closed the connection: check DATABASE_URL (and whether it expects SSL).`,
};

/**
 * One line an operator can act on when the database cannot be used at all (missing database, closed
 * port, unknown user…), or undefined when the error is something else. Never the SQL text: Drizzle's
 * "Failed query: select … params: …" is what the cause chain is unwrapped past.
 */
export function databaseConnectionProblem(e: unknown): { code: string; message: string } | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 6; depth++) {
    const c = cur as {
      code?: unknown;
      message?: unknown;
      address?: unknown;
      port?: unknown;
      cause?: unknown;
    };
    const code = typeof c.code === 'string' ? c.code : undefined;
    if (code && CONNECTION_PROBLEMS[code]) {
      return { code: 'db_unreachable', message: CONNECTION_PROBLEMS[code]!(String(c.message ?? '')) };
    }
    if (code && SOCKET_PROBLEMS[code]) {
      const where =
        typeof c.address === 'string'
          ? `${c.address}${c.port === undefined ? '' : `:${c.port}`}`
          : (/\s(\S+:\d+)\s*$/.exec(String(c.message ?? ''))?.[1] ?? 'the DATABASE_URL host');
      return { code: 'db_unreachable', message: SOCKET_PROBLEMS[code]!(where) };
    }
    cur = c.cause;
  }
  return undefined;
}

/** A failed query, said without its SQL: the PostgreSQL message and SQLSTATE, or undefined if not a query. */
export function queryFailureText(e: unknown): string | undefined {
  if (!/^Failed query:/.test(String((e as Error | undefined)?.message))) return undefined;
  const pg = pgErrorOf(e);
  return pg
    ? `A database query failed: ${pg.message} (SQLSTATE ${pg.code}).`
    : `A database query failed: ${String(((e as Error).cause as Error | undefined)?.message ?? 'no reason given')}.`;
}
