import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/lib/config.js';
import { appSecretProof, generateKey, open, parseKeyring, seal, sealedKid } from '../../../src/lib/crypto.js';
import { AppError } from '../../../src/lib/errors.js';
import { loadKeyring } from '../../../src/lib/keyring-file.js';

const keyA = generateKey().toString('base64');
const keyB = generateKey().toString('base64');
const token = 'EAASIMSYSTEMUSERTOKEN0001';
const purpose = 'meta_connection.access_token';

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('secrets at rest (AES-256-GCM)', () => {
  it('round-trips a token, and the sealed form does not contain it', () => {
    const ring = parseKeyring(keyA);
    const sealed = seal(ring, token, purpose);
    expect(sealed).not.toContain(token);
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(open(ring, sealed, purpose)).toBe(token);
  });

  it('seals the same token differently each time (fresh IV)', () => {
    const ring = parseKeyring(keyA);
    expect(seal(ring, token, purpose)).not.toBe(seal(ring, token, purpose));
  });

  it('rejects a tampered ciphertext', () => {
    const ring = parseKeyring(keyA);
    const parts = seal(ring, token, purpose).split('.');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString('base64url');
    const err = refusal(() => open(ring, parts.join('.'), purpose));
    expect(err.code).toBe('secret_undecryptable');
    expect(err.message).toMatch(/altered, or the key is wrong/);
  });

  it('rejects a tampered authentication tag', () => {
    const ring = parseKeyring(keyA);
    const parts = seal(ring, token, purpose).split('.');
    parts[3] = Buffer.alloc(16).toString('base64url');
    expect(refusal(() => open(ring, parts.join('.'), purpose)).code).toBe('secret_undecryptable');
  });

  it('rejects a wrong key that claims the same key id', () => {
    const sealed = seal(parseKeyring(`k1:${keyA}`), token, purpose);
    expect(refusal(() => open(parseKeyring(`k1:${keyB}`), sealed, purpose)).code).toBe(
      'secret_undecryptable',
    );
  });

  it('refuses a value sealed with a key that is not in the keyring, naming the key id', () => {
    const sealed = seal(parseKeyring(`old:${keyA}`), token, purpose);
    const err = refusal(() => open(parseKeyring(`new:${keyB}`), sealed, purpose));
    expect(err.message).toMatch(/key id "old"/);
  });

  it('rejects a ciphertext moved to another purpose (column)', () => {
    const ring = parseKeyring(keyA);
    const sealed = seal(ring, token, purpose);
    expect(refusal(() => open(ring, sealed, 'slack_workspace.bot_token')).code).toBe('secret_undecryptable');
  });

  it('rotates: new values use the first key, old values still open with the second', () => {
    const old = parseKeyring(`2025:${keyA}`);
    const sealedOld = seal(old, token, purpose);
    const rotated = parseKeyring(`2026:${keyB},2025:${keyA}`);
    expect(open(rotated, sealedOld, purpose)).toBe(token);
    const sealedNew = seal(rotated, token, purpose);
    expect(sealedKid(sealedNew)).toBe('2026');
    expect(sealedKid(sealedOld)).toBe('2025');
  });

  it('refuses a key of the wrong length without echoing it', () => {
    const err = refusal(() => parseKeyring('c2hvcnQ='));
    expect(err.message).toMatch(/must be 32 bytes/);
    expect(err.message).not.toContain('c2hvcnQ=');
  });

  it('computes appsecret_proof as hex HMAC-SHA256 of the token keyed by the app secret', () => {
    // openssl: printf %s EAASIMSYSTEMUSERTOKEN0001 | openssl dgst -sha256 -hmac sim-app-secret-0001
    expect(appSecretProof(token, 'sim-app-secret-0001')).toBe(
      '65ec3c333dec9945b20a21db3e8aba330d8773a77dd3af6c897dbc7cd9f29b8f',
    );
    expect(appSecretProof(token, 'sim-app-secret-0001')).not.toBe(appSecretProof(token, 'other-secret-0001'));
  });
});

describe('the embedded encryption key', () => {
  it('is generated once into METABUYER_HOME with mode 0600 and reused', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'mb-key-'));
    const config = parseConfig({ METABUYER_HOME: home });
    const first = loadKeyring(config);
    const file = path.join(home, 'encryption.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadKeyring(config);
    expect(second.currentKid).toBe(first.currentKid);
    const sealed = seal(first, token, purpose);
    expect(open(second, sealed, purpose)).toBe(token);
  });

  it('tightens a key file that others can read', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'mb-key-'));
    writeFileSync(path.join(home, 'encryption.key'), keyA);
    chmodSync(path.join(home, 'encryption.key'), 0o644);
    loadKeyring(parseConfig({ METABUYER_HOME: home }));
    expect(statSync(path.join(home, 'encryption.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(home, 'encryption.key'), 'utf8')).toBe(keyA);
  });

  it('is required, not generated, when a shared DATABASE_URL is used', () => {
    const config = parseConfig({ DATABASE_URL: 'postgres://u@h/db', METABUYER_HOME: '/nonexistent' });
    expect(refusal(() => loadKeyring(config)).message).toMatch(/METABUYER_ENCRYPTION_KEY is required/);
  });
});
