import { randomBytes } from 'node:crypto';

/**
 * Prefixed, sortable, unguessable ids: `run_01JD…`. The prefix says what the id names; the body is
 * a 48-bit millisecond timestamp followed by 80 random bits, Crockford base32 (ULID layout), so ids
 * sort by creation time in logs and indexes.
 */
export const ID_PREFIXES = [
  'ws', // Slack workspace installation
  'conn', // Meta connection
  'agent',
  'run',
  'snap',
  'rec',
  'plan',
  'act', // plan action
  'dec', // approval decision
  'conf', // execution confirmation
  'log', // action log entry
  'obx', // outbox message
  'proc', // a running process (its lease)
  'msg', // Slack message reference
  'aevt', // agent event (trip, halt, resume)
  'ostate', // Meta OAuth state (Connect with Facebook)
  'ogrant', // Meta login awaiting the ad-account choice
  'fu', // outcome follow-up of an applied write
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  return `${prefix}_${encodeTime(nowMs)}${encodeRandom(randomBytes(10))}`;
}

export function idPrefix(id: string): string | undefined {
  const i = id.indexOf('_');
  return i > 0 ? id.slice(0, i) : undefined;
}
