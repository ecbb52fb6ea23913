import { describe, expect, it } from 'vitest';
import { ACCOUNT, type Json, simForEachTest } from '../../support/sim.js';

const client = simForEachTest();

const error = { code: 2, message: 'Service temporarily unavailable', is_transient: true };

describe('injected faults', () => {
  it('fails the next matching calls, `times` of them, then lets calls through', async () => {
    await client.admin('POST', 'faults', { path: `^/${ACCOUNT}/insights$`, times: 2, error });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await client.get(`/${ACCOUNT}/insights`)).status);
    expect(statuses).toEqual([500, 500, 200]);
    const failed = await client.admin('GET', 'calls');
    expect(failed.body.calls.map((c: Json) => c.error_code)).toEqual([2, 2, null]);
  });

  it('matches the path without the version, and only the method given', async () => {
    await client.admin('POST', 'faults', {
      method: 'POST',
      path: '^/11$',
      error: { code: 100, error_subcode: 1234, message: 'nope' },
      status: 400,
    });
    expect((await client.get('/11')).status).toBe(200);
    const r = await client.fetchJson(`${client.sim.url}/v25.0/11`, {
      method: 'POST',
      body: new URLSearchParams({ status: 'PAUSED', access_token: client.token }),
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 100,
      error_subcode: 1234,
      message: 'nope',
      type: 'OAuthException',
    });
    expect((await client.object('11')).status).toBe('ACTIVE');
  });

  it('answers a fault with only a path as an unexpected transient error', async () => {
    await client.admin('POST', 'faults', { path: '^/12$' });
    const r = await client.get('/12');
    expect(r.status).toBe(500);
    expect(r.body.error).toMatchObject({ code: 2, is_transient: true });
  });

  it('slows a call down with delay_ms alone, and still answers it', async () => {
    await client.admin('POST', 'faults', { path: '^/12$', delay_ms: 300 });
    const started = Date.now();
    const r = await client.get('/12');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(r.status).toBe(200);
  });

  it('applies a write, then answers the fault’s error (apply_then_fail)', async () => {
    await client.admin('POST', 'faults', { method: 'POST', path: '^/11$', apply_then_fail: true, error });
    const r = await client.post('/11', { daily_budget: 17000 });
    expect(r.body.error.code).toBe(2);
    expect((await client.object('11')).daily_budget).toBe(17000);
  });

  it('applies a write, then drops the connection without an answer (apply_then_fail without an error)', async () => {
    await client.admin('POST', 'faults', { method: 'POST', path: '^/11$', apply_then_fail: true });
    await expect(client.post('/11', { status: 'PAUSED' })).rejects.toThrow();
    expect((await client.object('11')).status).toBe('PAUSED');
    const call = (await client.admin('GET', 'calls')).body.calls[0];
    expect(call).toMatchObject({ method: 'POST', path: '/11', status: null, timed_out: true });
  });

  it('holds the connection for delay_ms before dropping it, so a client with a shorter timeout times out', async () => {
    await client.admin('POST', 'faults', {
      method: 'POST',
      path: '^/110$',
      apply_then_fail: true,
      delay_ms: 2000,
    });
    const attempt = client.fetchJson(client.url('/110'), {
      method: 'POST',
      body: new URLSearchParams({ status: 'PAUSED', access_token: client.token }),
      signal: AbortSignal.timeout(300),
    });
    await expect(attempt).rejects.toThrow(/aborted|timeout/i);
    expect((await client.object('110')).status).toBe('PAUSED');
  });

  it('answers the real error, and applies nothing, when the faulted write is itself refused', async () => {
    await client.admin('POST', 'faults', { method: 'POST', path: '^/14$', apply_then_fail: true, error });
    const r = await client.post('/14', { daily_budget: 5000 });
    expect(r.body.error.error_subcode).toBe(1885621);
  });

  it('lists and clears pending faults', async () => {
    await client.admin('POST', 'faults', { path: '^/x$', times: 3 });
    expect((await client.admin('GET', 'faults')).body.faults).toMatchObject([{ path: '^/x$', remaining: 3 }]);
    await client.admin('DELETE', 'faults');
    expect((await client.admin('GET', 'faults')).body.faults).toEqual([]);
  });

  it('refuses a fault it cannot understand, listing the problems', async () => {
    const r = await client.admin('POST', 'faults', { path: '([', times: 0, error: { code: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body.error.issues.map((i: Json) => i.path)).toEqual(
      expect.arrayContaining(['path', 'times', 'error.code', 'error.message']),
    );
  });
});
