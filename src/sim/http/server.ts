/**
 * The HTTP front of the simulator, bound to 127.0.0.1 only. /__sim/… goes to the admin API, everything
 * else is a Graph call: /vXX.0/… or unversioned (served as the newest version), with parameters from the
 * query string and a JSON, form or multipart body. `method=` in the query overrides the HTTP method and
 * `suppress_http_code=1` answers 200 whatever happened, as Meta allows.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from '../admin/routes.js';
import type { GraphRequest, HttpMethod } from '../graph/context.js';
import { dispatch } from '../graph/dispatch.js';
import { GraphError } from '../graph/errors.js';
import type { SimRuntime } from '../runtime.js';
import { BodyError, parseBody, readBody } from './body.js';
import { handleDialog, isDialogPath } from './dialog.js';

const METHODS = ['GET', 'POST', 'DELETE'];

export interface Listening {
  url: string;
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    ...headers,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function listen(rt: SimRuntime, port: number): Promise<Listening> {
  const pending = new Set<() => void>();
  let closing = false;
  const wait = (ms: number): Promise<void> =>
    ms <= 0 || closing
      ? Promise.resolve()
      : new Promise((resolve) => {
          const done = () => {
            clearTimeout(timer);
            pending.delete(done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          pending.add(done);
        });

  let origin = '';

  async function graph(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
    const query = [...url.searchParams];
    let body: Record<string, unknown> | undefined;
    try {
      body = parseBody(raw, req.headers['content-type']);
    } catch (e) {
      if (!(e instanceof BodyError)) throw e;
      const err = new GraphError({ message: `(#100) ${e.message}`, type: 'OAuthException', code: 100 });
      send(res, err.status, err.body());
      return;
    }
    const override = url.searchParams.get('method')?.toUpperCase();
    const method = (
      override && METHODS.includes(override) ? override : (req.method ?? 'GET').toUpperCase()
    ) as HttpMethod;
    if (!METHODS.includes(method)) {
      const err = new GraphError({
        message: `(#100) Unsupported method ${method}`,
        type: 'OAuthException',
        code: 100,
      });
      send(res, 405, err.body());
      return;
    }
    const m = /^\/(v\d+\.\d+)(\/.*)?$/.exec(url.pathname);
    const path = (m ? (m[2] ?? '/') : url.pathname).replace(/\/+$/, '') || '/';
    const graphReq: GraphRequest = {
      method,
      version: m?.[1],
      path,
      query,
      body,
      params: { ...Object.fromEntries(query), ...(body ?? {}) },
      origin,
      inBatch: undefined,
    };
    const sim = rt.sim;
    const outcome = await dispatch(sim, graphReq, wait);
    await wait(sim.settings.latencyMs);
    if (outcome.timedOut) {
      await wait(outcome.holdMs);
      res.socket?.destroy();
      return;
    }
    const suppress = graphReq.params.suppress_http_code === '1' || graphReq.params.suppress_http_code === 1;
    // Meta's answers are dated by Meta's clock; the simulator's is the scenario's, however far it is
    // from the machine's. Clients that take "today" from Meta must see the scenario's day.
    res.sendDate = false;
    send(res, suppress ? 200 : outcome.status, outcome.body, {
      ...outcome.headers,
      date: new Date(sim.state.nowMs()).toUTCString(),
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const raw = await readBody(req);
    if (url.pathname === '/__sim' || url.pathname.startsWith('/__sim/')) {
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          send(res, 400, { error: { message: 'admin request bodies must be JSON' } });
          return;
        }
      }
      const answer = handleAdmin(rt, (req.method ?? 'GET').toUpperCase(), url, body);
      send(res, answer.status, answer.body);
      return;
    }
    if (isDialogPath(url.pathname)) {
      await handleDialog(rt, req, res, url, raw);
      return;
    }
    await graph(req, res, url, raw);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof BodyError) {
        send(res, 413, { error: { message: e.message } });
        return;
      }
      console.error('metabuyer sim: unexpected error', e);
      send(res, 500, {
        error: {
          message: 'An unknown error has occurred.',
          type: 'OAuthException',
          code: 1,
          is_transient: true,
        },
      });
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${address.port}`;

  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        for (const done of [...pending]) done();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
