import type { AppContext } from '../app/context.js';
import type { ConnectionRow } from '../db/repos/connections.js';
import { open } from '../lib/crypto.js';
import type { MetaClient } from '../meta/client.js';
import { TOKEN_PURPOSE } from './connect.js';

/** The connection's token, decrypted only in memory, for the length of one operation. */
export function openAccessToken(ctx: AppContext, connection: ConnectionRow): string {
  return open(ctx.keyring(), connection.accessTokenSealed, TOKEN_PURPOSE);
}

/** Runs `fn` with a Meta client for the connection, closing it afterwards. */
export async function withMeta<T>(
  ctx: AppContext,
  connection: ConnectionRow,
  fn: (client: MetaClient) => Promise<T>,
): Promise<T> {
  const client = ctx.metaClient(openAccessToken(ctx, connection));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
