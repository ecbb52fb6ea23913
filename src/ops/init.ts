import type { AppContext } from '../app/context.js';

export interface InitResult {
  database: { kind: 'postgres' | 'pglite'; where: string };
  migrated: true;
  home: string;
}

/** Creates the embedded database (or connects to DATABASE_URL) and applies every migration. */
export async function initDatabase(ctx: AppContext): Promise<InitResult> {
  const database = await ctx.database();
  await database.migrate();
  if (database.kind === 'pglite') ctx.keyring();
  return { database: { kind: database.kind, where: database.where }, migrated: true, home: ctx.config.home };
}
