/** postgres.js returns an array for db.execute; PGlite returns {rows}. Repositories see one shape. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const r = result as { rows?: T[] };
  return r.rows ?? [];
}

/** Inserts in chunks, so a 100 000-ad snapshot stays under PostgreSQL's parameter limit. */
export async function inChunks<T>(
  items: readonly T[],
  size: number,
  fn: (chunk: T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}
