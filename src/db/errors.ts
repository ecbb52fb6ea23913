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
