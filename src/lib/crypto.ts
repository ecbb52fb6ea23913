import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { AppError } from './errors.js';

/**
 * Secrets at rest: AES-256-GCM with a key id, so keys can rotate. A sealed value reads
 * `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url parts). The purpose ("meta_connection.access_token")
 * is bound as additional authenticated data, so a ciphertext copied into another column fails to open.
 * Opening checks the tag: any tampering, a wrong key or a wrong purpose is refused, never garbage.
 */
export interface Keyring {
  /** The key id new values are sealed with. */
  readonly currentKid: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

const VERSION = 'v1';

export function keyIdFor(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function decodeKey(text: string, what: string): Buffer {
  const trimmed = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (buf.length !== 32) {
    throw new AppError({
      code: 'config_invalid',
      verdict: 'invalid',
      message: `${what} must be 32 bytes, as 64 hex characters or base64 (got ${buf.length} bytes after decoding)`,
    });
  }
  return buf;
}

/**
 * Parses METABUYER_ENCRYPTION_KEY: a single key (base64 or hex, 32 bytes), or a rotation list
 * `kid:key,kid:key` whose first entry is the current key and the rest still open old values.
 */
export function parseKeyring(spec: string, what = 'METABUYER_ENCRYPTION_KEY'): Keyring {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    throw new AppError({ code: 'config_invalid', verdict: 'invalid', message: `${what} is empty` });
  }
  const keys = new Map<string, Buffer>();
  let currentKid: string | undefined;
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const hasKid = colon > 0 && /^[A-Za-z0-9_-]{1,32}$/.test(entry.slice(0, colon));
    const key = decodeKey(hasKid ? entry.slice(colon + 1) : entry, what);
    const kid = hasKid ? entry.slice(0, colon) : keyIdFor(key);
    if (keys.has(kid)) {
      throw new AppError({
        code: 'config_invalid',
        verdict: 'invalid',
        message: `${what} names key id "${kid}" twice`,
      });
    }
    keys.set(kid, key);
    currentKid ??= kid;
  }
  return { currentKid: currentKid!, keys };
}

export function generateKey(): Buffer {
  return randomBytes(32);
}

export function seal(keyring: Keyring, plaintext: string, purpose: string): string {
  const key = keyring.keys.get(keyring.currentKid);
  if (!key) throw new Error('keyring has no current key');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${VERSION}.${keyring.currentKid}.${purpose}`));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    keyring.currentKid,
    iv.toString('base64url'),
    tag.toString('base64url'),
    ct.toString('base64url'),
  ].join('.');
}

function cannotOpen(reason: string): AppError {
  return new AppError({
    code: 'secret_undecryptable',
    verdict: 'invalid',
    message: `A stored secret could not be decrypted (${reason}). Check METABUYER_ENCRYPTION_KEY, or reconnect to store the secret again.`,
  });
}

export function open(keyring: Keyring, sealed: string, purpose: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw cannotOpen('unknown format');
  const [, kid, ivText, tagText, ctText] = parts as [string, string, string, string, string];
  const key = keyring.keys.get(kid);
  if (!key) throw cannotOpen(`it was sealed with key id "${kid}", which is not in the keyring`);
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== 12 || tag.length !== 16) throw cannotOpen('malformed');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(`${VERSION}.${kid}.${purpose}`));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw cannotOpen('the ciphertext was altered, or the key is wrong');
  }
}

/** The key id a sealed value was written with, to find values that need re-sealing after rotation. */
export function sealedKid(sealed: string): string | undefined {
  const parts = sealed.split('.');
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
}

/** Meta's appsecret_proof: hex HMAC-SHA256 of the access token keyed with the app secret. */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
