/**
 * An operator's world for tests: the Meta simulator on a free port (real HTTP), a fresh PostgreSQL
 * database, a manual clock aligned with the scenario, and the CLI front door run in-process on one
 * AppContext — so tests type the same commands an operator types and read what they would read.
 */

import { type AppContext, createAppContext } from '../../src/app/context.js';
import { main } from '../../src/cli/main.js';
import { cliActor } from '../../src/domain/actor.js';
import { within } from '../../src/jobs/connection.js';
import { ManualClock } from '../../src/lib/clock.js';
import { parseConfig } from '../../src/lib/config.js';
import { generateKey } from '../../src/lib/crypto.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import type { MetaClientOptions } from '../../src/meta/config.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import type { SlackThreadReader } from '../../src/slack/thread-reader.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { removeQueues, uniquePrefix } from './redis.js';
import { APP_ID, APP_SECRET, type Json, SEED_PATH } from './sim.js';

export const SCENARIO_NOW = '2026-11-20T15:00:00Z';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json(): Json;
}

export interface SimCall {
  seq: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: Record<string, unknown> | null;
  status: number;
  error_code: number | null;
}

export interface OpsHarness {
  sim: RunningSimulator;
  ctx: AppContext;
  clock: ManualClock;
  db: TestDatabase;
  logLines: string[];
  cli(...argv: string[]): Promise<CliRun>;
  calls(): Promise<SimCall[]>;
  writes(): Promise<SimCall[]>;
  mutate(id: string, fields: { status?: string; daily_budget?: number }): Promise<void>;
  object(id: string): Promise<Json>;
  fault(spec: Record<string, unknown>): Promise<void>;
  /** init + connect + setup (targets 120 / 1.8, execution enabled unless told otherwise). */
  onboard(opts?: { executionEnabled?: boolean; env?: 'sandbox' | 'live' }): Promise<void>;
  close(): Promise<void>;
}

export async function startOpsHarness(
  opts: {
    scenario?: unknown;
    now?: string;
    meta?: Partial<MetaClientOptions>;
    slackThreads?: SlackThreadReader;
    /** Extra environment, parsed like the real one (REDIS_URL…). */
    env?: Record<string, string>;
  } = {},
): Promise<OpsHarness> {
  const sim = await startSimulator(opts.scenario ? { scenario: opts.scenario } : { scenarioPath: SEED_PATH });
  const db = await createTestDatabase();
  const clock = new ManualClock(opts.now ?? SCENARIO_NOW);
  const config = parseConfig({
    DATABASE_URL: db.url,
    META_GRAPH_URL: sim.url,
    META_APP_ID: APP_ID,
    META_APP_SECRET: APP_SECRET,
    METABUYER_ENCRYPTION_KEY: generateKey().toString('base64'),
    METABUYER_HOME: '/nonexistent-home',
    LOG_LEVEL: 'debug',
    // Schedules written by setup/pause/resume land under a prefix of this harness only (shared Redis).
    METABUYER_QUEUE_PREFIX: uniquePrefix('ops'),
    ...opts.env,
  });
  const logLines: string[] = [];
  const logger: Logger = createLogger({
    level: 'debug',
    write: (l) => logLines.push(l),
    now: () => clock.now(),
  });
  const ctx = createAppContext(config, {
    clock,
    logger,
    meta: { sleep: async () => {}, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, ...opts.meta },
    ...(opts.slackThreads ? { slackThreads: opts.slackThreads } : {}),
  });
  await (await ctx.database()).migrate();

  const admin = async (path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${sim.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`sim admin ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  const cli = async (...argv: string[]): Promise<CliRun> => {
    let stdout = '';
    let stderr = '';
    const code = await main(
      argv,
      {},
      {
        context: ctx,
        actor: cliActor('tester'),
        io: {
          out: (t) => {
            stdout += `${t}\n`;
          },
          err: (t) => {
            stderr += `${t}\n`;
          },
        },
      },
    );
    return { code, stdout, stderr, json: () => JSON.parse(stdout) };
  };

  const harness: OpsHarness = {
    sim,
    ctx,
    clock,
    db,
    logLines,
    cli,
    calls: async () => (await admin('/__sim/calls')).calls as SimCall[],
    writes: async () => ((await admin('/__sim/calls')).calls as SimCall[]).filter((c) => c.method === 'POST'),
    mutate: async (id, fields) => void (await admin('/__sim/mutate', { id, fields })),
    object: (id) => admin(`/__sim/objects/${id}`),
    fault: async (spec) => void (await admin('/__sim/faults', spec)),
    async onboard(o = {}) {
      await expectOk(cli('init'));
      await expectOk(
        cli(
          'connect',
          '--access-token',
          'EAASIMSYSTEMUSERTOKEN0001',
          '--ad-account',
          '1000000001',
          '--env',
          o.env ?? 'sandbox',
        ),
      );
      await expectOk(
        cli(
          'setup',
          '--apply',
          '--target-cpa',
          '120',
          '--target-roas',
          '1.8',
          '--slack-target',
          'channel:C12345678',
          '--execution-enabled',
          String(o.executionEnabled ?? true),
        ),
      );
    },
    async close() {
      // Only a Redis that answered can hold schedules of ours.
      const reachable = config.redisUrl !== undefined && ctx.redis()?.status === 'ready';
      await ctx.close();
      if (reachable) await within(3_000, removeQueues(config.redisUrl!, config.worker.queuePrefix));
      await sim.close();
      await db.drop();
    },
  };
  return harness;
}

export async function expectOk(p: Promise<CliRun>): Promise<CliRun> {
  const r = await p;
  if (r.code !== 0) throw new Error(`command failed (${r.code}): ${r.stderr || r.stdout}`);
  return r;
}
