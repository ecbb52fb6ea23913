import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.js';
import { createMetaClient } from '../../../src/meta/client.js';
import { safeUrl } from '../../../src/meta/safe-url.js';
import { type FakeGraph, metaError, recordingSleep, startFakeGraph } from './support/fake-graph.js';

const TOKEN = 'EAASIMSYSTEMUSERTOKEN0001';
const SECRET = 'sim-app-secret-0001';
// openssl: printf 'EAASIMSYSTEMUSERTOKEN0001' | openssl dgst -sha256 -hmac 'sim-app-secret-0001'
const PROOF = '65ec3c333dec9945b20a21db3e8aba330d8773a77dd3af6c897dbc7cd9f29b8f';

let graph: FakeGraph | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

function captureLogs() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }) };
}

describe('appsecret_proof', () => {
  it('signs every call with hex HMAC-SHA256 of the token keyed with the app secret', async () => {
    graph = await startFakeGraph((call) =>
      call.method === 'GET'
        ? { json: { id: 'act_1', name: 'A', currency: 'USD', timezone_name: 'UTC', account_status: 1 } }
        : { json: { success: true } },
    );
    const client = createMetaClient({
      graphUrl: graph.url,
      accessToken: TOKEN,
      appId: '7000000000001',
      appSecret: SECRET,
    });
    await client.getAdAccount('act_1');
    await client.setStatus('123', 'PAUSED');
    client.close();
    expect(graph.calls[0]!.query.appsecret_proof).toBe(PROOF);
    expect(graph.calls[0]!.query.access_token).toBe(TOKEN);
    // POST parameters travel in the form body, proof included.
    expect(graph.calls[1]!.body.appsecret_proof).toBe(PROOF);
    expect(graph.calls[1]!.query.appsecret_proof).toBeUndefined();
  });

  it('sends no proof when no app secret is configured', async () => {
    graph = await startFakeGraph(() => ({ json: { data: [] } }));
    const client = createMetaClient({ graphUrl: graph.url, accessToken: TOKEN });
    await client.getPermissions();
    client.close();
    expect(graph.calls[0]!.params.appsecret_proof).toBeUndefined();
  });

  it('signs an app-token call with the proof of the app token', async () => {
    graph = await startFakeGraph(() => ({ json: { data: { is_valid: true, scopes: [] } } }));
    const client = createMetaClient({
      graphUrl: graph.url,
      accessToken: TOKEN,
      appId: '7000000000001',
      appSecret: SECRET,
    });
    await client.debugToken();
    client.close();
    const { createHmac } = await import('node:crypto');
    const appToken = `7000000000001|${SECRET}`;
    expect(graph.calls[0]!.query.access_token).toBe(appToken);
    expect(graph.calls[0]!.query.input_token).toBe(TOKEN);
    expect(graph.calls[0]!.query.appsecret_proof).toBe(
      createHmac('sha256', SECRET).update(appToken).digest('hex'),
    );
  });
});

describe('credentials stay secret', () => {
  it('keeps the token out of logs and errors, even from paging.next URLs that repeat it', async () => {
    graph = await startFakeGraph((_call, n) => {
      if (n === 1) {
        return {
          json: {
            data: [{ id: '1', name: 'c', status: 'ACTIVE', effective_status: 'ACTIVE' }],
            paging: {
              next: `${graph!.url}/v26.0/act_1/campaigns?access_token=${TOKEN}&appsecret_proof=${PROOF}&after=CUR`,
            },
          },
        };
      }
      return {
        status: 400,
        json: metaError(100, { message: `Invalid parameter near access_token=${TOKEN}` }),
      };
    });
    const { lines, logger } = captureLogs();
    const client = createMetaClient({ graphUrl: graph.url, accessToken: TOKEN, appSecret: SECRET, logger });
    const err = await client.listCampaigns('act_1').catch((e: unknown) => e);
    client.close();
    const everything = [
      JSON.stringify(err),
      String((err as Error).message),
      String((err as Error).stack),
      ...lines,
    ].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(PROOF);
    expect(everything).not.toContain(SECRET);
    expect((err as { details: { path: string } }).details.path).toBe('/v26.0/act_1/campaigns');
  });

  it('sends the token only to the configured Graph host, whatever host paging.next names', async () => {
    let otherHostHit = false;
    const other = await startFakeGraph(() => {
      otherHostHit = true;
      return { json: { data: [] } };
    });
    graph = await startFakeGraph((_call, n) =>
      n === 1
        ? {
            json: {
              data: [{ permission: 'ads_read', status: 'granted' }],
              paging: { next: `${other.url}/v26.0/me/permissions?access_token=${TOKEN}&after=X` },
            },
          }
        : { json: { data: [{ permission: 'ads_management', status: 'granted' }] } },
    );
    const client = createMetaClient({ graphUrl: graph.url, accessToken: TOKEN });
    const perms = await client.getPermissions();
    client.close();
    await other.close();
    expect(otherHostHit).toBe(false);
    expect(perms.map((p) => p.permission)).toEqual(['ads_read', 'ads_management']);
    expect(graph.calls[1]!.query.after).toBe('X');
    expect(graph.calls[1]!.query.access_token).toBe(TOKEN);
  });

  it('keeps OAuth secrets out of errors from the token exchange', async () => {
    graph = await startFakeGraph(() => ({ status: 400, json: metaError(100, { message: 'Invalid code' }) }));
    const { lines, logger } = captureLogs();
    const client = createMetaClient({
      graphUrl: graph.url,
      accessToken: TOKEN,
      appId: '7000000000001',
      appSecret: SECRET,
      logger,
    });
    const err = await client
      .exchangeCode({ code: 'AQD-secret-code-xyz', redirectUri: 'https://x/cb' })
      .catch((e) => e);
    client.close();
    expect(graph.calls[0]!.query.client_secret).toBe(SECRET);
    const everything = [JSON.stringify(err), (err as Error).message, ...lines].join('\n');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('AQD-secret-code-xyz');
  });

  it('strips every credential parameter from URLs', () => {
    expect(
      safeUrl(
        `https://graph.facebook.com/v26.0/act_1/insights?access_token=${TOKEN}&appsecret_proof=${PROOF}&fields=spend&after=abc`,
      ),
    ).toBe('https://graph.facebook.com/v26.0/act_1/insights?fields=spend&after=abc');
    expect(safeUrl(`/v26.0/oauth/access_token?client_secret=s3cr3t&code=c0de&client_id=1`)).toBe(
      '/v26.0/oauth/access_token?client_id=1',
    );
  });
});

describe('recording sleep helper', () => {
  it('records without waiting', async () => {
    const s = recordingSleep();
    await s.sleep(1000);
    expect(s.slept).toEqual([1000]);
  });
});
