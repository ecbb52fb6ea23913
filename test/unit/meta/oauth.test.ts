import { describe, expect, it } from 'vitest';
import type { ConnectionRow } from '../../../src/db/repos/connections.js';
import { parseConfig } from '../../../src/lib/config.js';
import { loginDialogUrl, oauthRedirectUri } from '../../../src/meta/oauth.js';
import { connectionStatus } from '../../../src/ops/connection-status.js';

describe('the login dialog URL', () => {
  it('is the dialog of the configured host and version, with the five permissions and a code response', () => {
    const url = new URL(
      loginDialogUrl({
        dialogUrl: 'https://www.facebook.com/',
        apiVersion: 'v26.0',
        appId: '123',
        redirectUri: oauthRedirectUri('https://mb.example.com/'),
        state: 'abc',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://www.facebook.com/v26.0/dialog/oauth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: '123',
      redirect_uri: 'https://mb.example.com/meta/oauth/callback',
      state: 'abc',
      scope: 'ads_read,ads_management,business_management,pages_show_list,pages_read_engagement',
      response_type: 'code',
    });
  });

  it('comes from META_OAUTH_DIALOG_URL (default www.facebook.com) and PUBLIC_URL, which must be http(s)', () => {
    expect(parseConfig({}, '/srv').meta.oauthDialogUrl).toBe('https://www.facebook.com');
    expect(parseConfig({ PUBLIC_URL: 'https://mb.example.com/' }, '/srv').publicUrl).toBe(
      'https://mb.example.com',
    );
    expect(() => parseConfig({ PUBLIC_URL: 'mb.example.com' }, '/srv')).toThrow(
      /PUBLIC_URL must be an http\(s\) URL/,
    );
  });
});

describe('connection status', () => {
  const now = new Date('2026-11-20T15:00:00Z');
  const base = {
    revokedAt: null,
    health: 'ok',
    scopes: ['ads_read', 'ads_management', 'business_management'],
    tokenExpiresAt: new Date('2027-01-19T15:00:00Z'),
  } as unknown as ConnectionRow;
  const at = (patch: Partial<ConnectionRow>) => connectionStatus({ ...base, ...patch }, now);

  it('says active, expiring_soon inside 7 days, expired, and never-expiring tokens stay active', () => {
    expect(at({})).toBe('active');
    expect(at({ tokenExpiresAt: new Date('2026-11-27T15:00:00Z') })).toBe('expiring_soon');
    expect(at({ tokenExpiresAt: new Date('2026-11-20T15:00:00Z') })).toBe('expired');
    expect(at({ tokenExpiresAt: null })).toBe('active');
  });

  it('puts what maintenance found first: revoked, refresh_failed, missing_scope', () => {
    expect(at({ health: 'invalid' })).toBe('revoked');
    expect(at({ health: 'refresh_failed' })).toBe('refresh_failed');
    expect(at({ scopes: ['ads_read'] })).toBe('missing_scope');
    expect(at({ revokedAt: now })).toBe('disconnected');
  });
});
