import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';

export interface RoutesServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/**
 * The HTTP side of `serve` in Socket Mode: Slack's traffic arrives over the WebSocket, but `/healthz`,
 * `/readyz` and the Meta OAuth callback are still plain HTTP on PORT. Bolt's Socket Mode receiver could
 * serve custom routes too, but it listens without reporting a bound port or a listen error; this one does
 * both, so `--port 0` works and a port in use fails `serve` with a clear message instead of a crash.
 * Routes are matched by exact path and method (ours have no parameters); anything else is 404 / 405.
 */
export async function startRoutesServer(routes: CustomRoute[], port: number): Promise<RoutesServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const matching = routes.filter((r) => r.path === path);
    const method = (req.method ?? 'GET').toUpperCase();
    const route = matching.find((r) => [r.method].flat().some((m) => m.toUpperCase() === method));
    if (route) {
      route.handler(req, res);
      return;
    }
    const status = matching.length > 0 ? 405 : 404;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: false, error: status === 405 ? 'method_not_allowed' : 'not_found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
