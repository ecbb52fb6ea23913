import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerMetrics } from './metrics.js';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'ok' | 'fail'; detail?: string; ms: number }>;
}

export interface MetricsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The worker's HTTP side, on METRICS_PORT (never PORT, which is `serve`'s): `/metrics` in Prometheus
 * text format and `/healthz` — 200 when every dependency answers, 503 otherwise, with a JSON body that
 * says which one failed. Nothing else is served.
 */
export async function startMetricsServer(opts: {
  port: number;
  host?: string;
  metrics: WorkerMetrics;
  health: () => Promise<HealthReport>;
}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(405, 'application/json', JSON.stringify({ error: 'method_not_allowed' }));
      return;
    }
    if (path === '/metrics') {
      opts.metrics
        .text()
        .then((text) => reply(200, opts.metrics.contentType, text))
        .catch((e: Error) => reply(500, 'text/plain', `metrics unavailable: ${e.message}`));
      return;
    }
    if (path === '/healthz') {
      opts
        .health()
        .then((h) => reply(h.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(h)))
        .catch((e: Error) =>
          reply(503, 'application/json', JSON.stringify({ status: 'unavailable', error: e.message })),
        );
      return;
    }
    reply(404, 'application/json', JSON.stringify({ error: 'not_found', paths: ['/metrics', '/healthz'] }));
  });
  // Scrapes are short; a stuck client must not keep the process from shutting down.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Runs named probes with a time limit each; any failure makes the whole report unavailable. */
export async function probe(
  checks: Record<string, () => Promise<unknown>>,
  timeoutMs = 2_000,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { status: 'ok' as const, ms: Date.now() - started }] as const;
      } catch (e) {
        return [
          name,
          { status: 'fail' as const, detail: (e as Error).message, ms: Date.now() - started },
        ] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checksOut = Object.fromEntries(entries);
  const ok = entries.every(([, c]) => c.status === 'ok');
  return { status: ok ? 'ok' : 'unavailable', checks: checksOut };
}
