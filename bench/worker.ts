/**
 * The worker at scale: N agents (one generated ad account each, ADS ads, 14 days) polled by one `metabuyer
 * worker` process and then by two, against the simulator at LATENCY ms per call, all polls due at once.
 * Reports total time (from spawning the workers to the last run stored), time to first ready, Meta calls,
 * peak memory (VmHWM) per worker process, and the speed-up of two workers over one.
 *
 *   node --import tsx bench/worker.ts [--agents 50] [--ads 2000] [--latency 50] [--workers 1,2]
 *
 * Needs PostgreSQL and Redis (TEST_DATABASE_URL / TEST_REDIS_URL, as the tests); every round gets a fresh
 * database and its own queue prefix, and the simulator is reset between rounds.
 *
 * Measured on the shared 2-core machine (2026-12-02, defaults): one worker 80.8 s, two workers 55.3 s
 * (1.46×; each worker polls two agents at a time, and the simulator and PostgreSQL share the same two
 * cores); 50/50 runs succeeded in both; 850 Graph calls for the polls (17 per agent) plus 200 for the 50
 * connects; peak RSS 350 MB for the single worker, 348 / 339 MB with two (worker start, ~5 s, included).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppContext } from '../src/app/context.js';
import { main } from '../src/cli/main.js';
import { runs } from '../src/db/schema/index.js';
import { cliActor } from '../src/domain/actor.js';
import { parseConfig } from '../src/lib/config.js';
import { generateKey } from '../src/lib/crypto.js';
import { createLogger } from '../src/lib/logger.js';
import { createTestDatabase } from '../test/support/pg.js';
import { freePort, removeQueues, uniquePrefix } from '../test/support/redis.js';
import { TEST_REDIS_URL } from '../test/support/services.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/metabuyer.js');
const TOKEN = 'EAABENCHSYSTEMUSERTOKEN02';
const APP = { id: '7000000000098', secret: 'bench-app-secret-02' };

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '50' },
    ads: { type: 'string', default: '2000' },
    latency: { type: 'string', default: '50' },
    workers: { type: 'string', default: '1,2' },
  },
});
const AGENTS = Number(values.agents);
const ADS = Number(values.ads);
const LATENCY = Number(values.latency);
const WORKER_COUNTS = values.workers!.split(',').map(Number);
const accountId = (i: number) => `act_${3000000000 + i}`;

function scenario() {
  const adsPerAdset = Math.max(1, Math.round(ADS / 100));
  return {
    name: `bench-worker-${AGENTS}x${ADS}`,
    now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    app: APP,
    tokens: [
      {
        token: TOKEN,
        type: 'SYSTEM_USER',
        user_id: '900000000000098',
        scopes: ['ads_read', 'ads_management', 'business_management'],
        expires_at: 0,
      },
    ],
    ad_accounts: Array.from({ length: AGENTS }, (_, i) => ({
      id: accountId(i),
      name: `Bench Store ${i + 1}`,
      currency: 'USD',
      timezone_name: 'America/New_York',
      account_status: 1,
      min_daily_budget: 100,
      generate: {
        seed: 100 + i,
        cbo_share: 0.3,
        target_cpa: 40,
        campaigns: 10,
        adsets_per_campaign: 10,
        ads_per_adset: adsPerAdset,
        days: 14,
      },
    })),
  };
}

async function startSim(file: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=6144', BIN, 'sim', '--scenario', file, '--latency-ms', String(LATENCY)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`simulator exited (${code})`)));
  });
  return { url, child };
}

/** Peak resident memory (VmHWM, MB) of a process and its descendants: the largest of them. */
function peakMb(pid: number): number {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      for (const t of readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim().split(/\s+/))
        if (t) pids.push(Number(t));
    } catch {}
  }
  let peak = 0;
  for (const p of pids) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {}
  }
  return Math.round(peak);
}

async function round(simUrl: string, workers: number) {
  await fetch(`${simUrl}/__sim/reset`, { method: 'POST' });
  const db = await createTestDatabase();
  const key = generateKey().toString('base64');
  const home = mkdtempSync(path.join(tmpdir(), 'mb-bench-'));
  const env = {
    DATABASE_URL: db.url,
    META_GRAPH_URL: simUrl,
    META_APP_ID: APP.id,
    META_APP_SECRET: APP.secret,
    METABUYER_ENCRYPTION_KEY: key,
    METABUYER_HOME: home,
    LOG_LEVEL: 'warn',
  };
  const ctx = createAppContext(parseConfig(env), { logger: createLogger({ level: 'silent' }) });
  const cli = async (...argv: string[]) => {
    let err = '';
    const io = {
      out: () => {},
      err: (t: string) => {
        err += t;
      },
    };
    const code = await main(argv, {}, { context: ctx, actor: cliActor('bench'), io });
    if (code !== 0) throw new Error(`${argv.join(' ')}: ${err}`);
  };
  await cli('init');
  for (let i = 0; i < AGENTS; i++) {
    await cli('connect', '--access-token', TOKEN, '--ad-account', accountId(i), '--env', 'sandbox');
    await cli(
      'setup',
      '--ad-account',
      accountId(i),
      '--apply',
      '--target-cpa',
      '40',
      '--interval-seconds',
      '86400',
    );
  }
  const prefix = uniquePrefix('bench');
  const started = Date.now();
  const children: ChildProcess[] = [];
  for (let w = 0; w < workers; w++) {
    children.push(
      spawn(process.execPath, [BIN, 'worker'], {
        cwd: ROOT,
        env: {
          ...env,
          PATH: process.env.PATH ?? '',
          REDIS_URL: TEST_REDIS_URL,
          METABUYER_QUEUE_PREFIX: prefix,
          METRICS_PORT: String(await freePort()),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
  }
  const { db: pg } = await ctx.database();
  let done = 0;
  const peaks = children.map(() => 0);
  while (done < AGENTS) {
    await new Promise((r) => setTimeout(r, 250));
    const all = await pg.select({ status: runs.status }).from(runs);
    done = all.filter((r) => r.status !== 'running').length;
    children.forEach((c, i) => {
      peaks[i] = Math.max(peaks[i]!, peakMb(c.pid!));
    });
    if (Date.now() - started > 30 * 60_000) throw new Error('bench round took over 30 minutes');
  }
  const totalMs = Date.now() - started;
  const all = await pg.select({ status: runs.status, graphCalls: runs.graphCalls }).from(runs);
  const calls = (await (await fetch(`${simUrl}/__sim/calls`)).json()) as { calls: unknown[] };
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));
  await ctx.close();
  await removeQueues(TEST_REDIS_URL, prefix);
  await db.drop();
  rmSync(home, { recursive: true, force: true });
  return {
    workers,
    totalS: totalMs / 1000,
    succeeded: all.filter((r) => r.status === 'succeeded').length,
    failed: all.filter((r) => r.status === 'failed').length,
    graphCallsStored: all.reduce((a, r) => a + (r.graphCalls ?? 0), 0),
    simCalls: calls.calls.length,
    peakMbPerWorker: peaks,
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'mb-bench-scn-'));
const file = path.join(dir, 'scenario.json');
writeFileSync(file, JSON.stringify(scenario()));
const sim = await startSim(file);
try {
  console.log(`worker bench: ${AGENTS} agents × ${ADS} ads, ${LATENCY} ms latency`);
  const results = [];
  for (const n of WORKER_COUNTS) {
    const r = await round(sim.url, n);
    results.push(r);
    console.log(JSON.stringify(r));
  }
  if (results.length >= 2)
    console.log(
      `speed-up ${results[0]!.workers}→${results[1]!.workers} workers: ${(results[0]!.totalS / results[1]!.totalS).toFixed(2)}×`,
    );
} finally {
  sim.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
