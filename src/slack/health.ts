import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { AppContext } from '../app/context.js';
import { toAppError } from '../lib/errors.js';

export interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** A readiness probe beside the database and Redis: resolves when fine, throws saying why not. */
export type ReadinessProbe = () => Promise<unknown>;

/** Ready when the database and Redis both answer; each failure says which and why, never a secret. */
export async function readiness(
  ctx: AppContext,
  extra: Record<string, ReadinessProbe> = {},
): Promise<Readiness> {
  const checks: Readiness['checks'] = {};
  await Promise.all([
    ...Object.entries(extra).map(([name, fn]) => probe(checks, name, fn)),
    probe(checks, 'database', async () => {
      const { db } = await ctx.database();
      await db.execute('select 1');
    }),
    probe(checks, 'redis', async () => {
      const r = ctx.redis();
      if (!r) throw new Error('REDIS_URL is not set');
      await r.ping();
    }),
  ]);
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}

async function probe(out: Readiness['checks'], name: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await withTimeout(fn(), 2_000);
    out[name] = { ok: true };
  } catch (e) {
    out[name] = { ok: false, detail: toAppError(e).message };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * `/healthz` (the process answers) and `/readyz` (its database and Redis answer, and any `extra` probe:
 * in Socket Mode, the WebSocket to Slack), beside Slack's paths.
 */
export function healthRoutes(ctx: AppContext, extra: Record<string, ReadinessProbe> = {}): CustomRoute[] {
  return [
    { path: '/healthz', method: ['GET'], handler: (_req, res) => json(res, 200, { ok: true }) },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        readiness(ctx, extra).then(
          (r) => json(res, r.ok ? 200 : 503, r),
          (e) => json(res, 503, { ok: false, error: toAppError(e).message }),
        );
      },
    },
  ];
}
