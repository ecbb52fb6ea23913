import { afterEach, describe, expect, it } from 'vitest';
import { type RoutesServer, startRoutesServer } from '../../../src/slack/routes-server.js';

const routes = [
  {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    },
  },
];

describe("serve's HTTP side in Socket Mode", () => {
  const started: RoutesServer[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) await s.close();
  });

  it('reports the port it bound (port 0 picks a free one) and answers its routes only', async () => {
    const s = await startRoutesServer(routes, 0);
    started.push(s);
    expect(s.port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${s.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/healthz?probe=1`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/slack/events`, { method: 'POST' })).status).toBe(404);
  });

  it('fails to start on a port in use, instead of crashing later', async () => {
    const first = await startRoutesServer(routes, 0);
    started.push(first);
    await expect(startRoutesServer(routes, first.port)).rejects.toThrow(/EADDRINUSE/);
  });
});
