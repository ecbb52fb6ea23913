import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { generateKey, type Keyring, parseKeyring } from './crypto.js';
import { AppError } from './errors.js';

export const KEY_FILE = 'encryption.key';

/**
 * The keyring for secrets at rest. METABUYER_ENCRYPTION_KEY wins. Without it, embedded mode generates
 * a key once into METABUYER_HOME (mode 0600) and reuses it; a server deployment (DATABASE_URL set)
 * must be given the key, because a key on one machine's disk would strand secrets on every other.
 */
export function loadKeyring(config: Config): Keyring {
  if (config.encryptionKey) return parseKeyring(config.encryptionKey);
  if (config.databaseUrl) {
    throw new AppError({
      code: 'config_missing',
      verdict: 'invalid',
      message:
        'METABUYER_ENCRYPTION_KEY is required when DATABASE_URL is set: generate one with `openssl rand -base64 32` and give it to every process.',
    });
  }
  const file = path.join(config.home, KEY_FILE);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    return parseKeyring(readFileSync(file, 'utf8'), file);
  }
  mkdirSync(config.home, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${generateKey().toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return parseKeyring(readFileSync(file, 'utf8'), file);
}
