import type { ConnectionRow } from '../db/repos/connections.js';
import { REQUIRED_PERMISSIONS } from './permissions.js';

/** A user token is renewed (fb_exchange_token) once it is this close to expiring. */
export const RENEW_BEFORE_MS = 7 * 86_400_000;

export type ConnectionStatus =
  | 'active'
  | 'expiring_soon'
  | 'expired'
  | 'revoked'
  | 'refresh_failed'
  | 'missing_scope'
  | 'disconnected';

/** One word for a connection's health now, worst first. */
export function connectionStatus(c: ConnectionRow, now: Date): ConnectionStatus {
  if (c.revokedAt) return 'disconnected';
  if (c.health === 'invalid') return 'revoked';
  if (c.tokenExpiresAt && c.tokenExpiresAt.getTime() <= now.getTime()) return 'expired';
  if (c.health === 'refresh_failed') return 'refresh_failed';
  if (c.health === 'missing_scope' || REQUIRED_PERMISSIONS.some((p) => !c.scopes.includes(p)))
    return 'missing_scope';
  if (c.tokenExpiresAt && c.tokenExpiresAt.getTime() - now.getTime() <= RENEW_BEFORE_MS)
    return 'expiring_soon';
  return 'active';
}
