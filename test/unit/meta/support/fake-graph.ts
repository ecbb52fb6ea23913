import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny stand-in for graph.facebook.com, started per test: records calls and answers as told. */
export interface RecordedCall {
  method: string;
  /** Path without the version prefix, e.g. `act_1/insights`. */
  path: string;
  version: string;
  query: Record<string, string>;
  body: Record<string, string>;
  /** Query and body merged: Graph parameters wherever they were sent. */
  params: Record<string, string>;
  rawUrl: string;
}

export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** Never answer (the client's timeout fires). */
  hang?: boolean;
  /** Cut the connection without answering. */
  destroy?: boolean;
}

export type Handler = (call: RecordedCall, n: number) => Reply | Promise<Reply>;

export interface FakeGraph {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

export async function startFakeGraph(handler: Handler): Promise<FakeGraph> {
  const calls: RecordedCall[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', async () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const m = /^\/(v\d+\.\d+)\/?(.*)$/.exec(u.pathname);
      const query = Object.fromEntries(u.searchParams);
      const body = req.method === 'GET' ? {} : Object.fromEntries(new URLSearchParams(raw));
      const call: RecordedCall = {
        method: req.method ?? 'GET',
        version: m?.[1] ?? '',
        path: decodeURIComponent(m?.[2] ?? u.pathname.slice(1)),
        query,
        body,
        params: { ...query, ...body },
        rawUrl: req.url ?? '',
      };
      calls.push(call);
      const reply = await handler(call, calls.length);
      if (reply.hang) return;
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status ?? 200, {
        'content-type': reply.text !== undefined ? 'text/html' : 'application/json',
        ...reply.headers,
      });
      res.end(reply.text ?? JSON.stringify(reply.json ?? {}));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function metaError(
  code: number,
  extra: Record<string, unknown> = {},
): { error: Record<string, unknown> } {
  return {
    error: {
      message: `(#${code}) test error`,
      type: 'OAuthException',
      code,
      fbtrace_id: 'TRACE123',
      ...extra,
    },
  };
}

/** Sleeps that return at once and remember what was asked, for tests of waiting. */
export function recordingSleep(onSleep?: (ms: number) => void): {
  sleep: (ms: number) => Promise<void>;
  slept: number[];
} {
  const slept: number[] = [];
  return {
    slept,
    sleep: async (ms: number) => {
      slept.push(ms);
      onSleep?.(ms);
    },
  };
}
