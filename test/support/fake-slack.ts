/**
 * A minimal fake of Slack's Web API over real HTTP, for the worker's Slack handler: chat.postMessage
 * and chat.update only, recording every call (with its arrival time) and answering 429 with Retry-After on demand.
 * Point SLACK_API_URL at `url`. A fuller fake (conversations.*, views.*) can replace this one.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackCall {
  method: string;
  at: number;
  status: number;
  authorization: string | undefined;
  args: Record<string, string>;
}

export interface FakeSlack {
  url: string;
  calls: FakeSlackCall[];
  /** The posted messages (status 200), in order. */
  posts(): FakeSlackCall[];
  /** The next `times` calls answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(times: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
}

async function readArgs(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    const parsed = JSON.parse(body || '{}') as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(body));
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: FakeSlackCall[] = [];
  let limited = 0;
  let retryAfter = 1;
  let seq = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const args = await readArgs(req);
      const call: FakeSlackCall = {
        method,
        at: Date.now(),
        status: 200,
        authorization: req.headers.authorization,
        args,
      };
      calls.push(call);
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        call.status = status;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (limited > 0) {
        limited--;
        json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
        return;
      }
      if (!req.headers.authorization?.startsWith('Bearer xoxb-')) {
        json(200, { ok: false, error: 'not_authed' });
        return;
      }
      if (method === 'chat.update' && args.channel && args.ts) {
        json(200, { ok: true, channel: args.channel, ts: args.ts, text: args.text });
        return;
      }
      if (method !== 'chat.postMessage') {
        json(200, { ok: false, error: 'unknown_method' });
        return;
      }
      if (!args.channel) {
        json(200, { ok: false, error: 'channel_not_found' });
        return;
      }
      seq++;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
      json(200, { ok: true, channel: args.channel, ts, message: { text: args.text, ts } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    posts: () => calls.filter((c) => c.method === 'chat.postMessage' && c.status === 200),
    rateLimitNext(times, seconds) {
      limited = times;
      retryAfter = seconds;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
