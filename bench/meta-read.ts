/**
 * What one full account read costs: Graph calls, wall time and peak memory of readAccountSnapshot on a
 * generated account (10 000 ads, 14 days of rows, 50 ms simulated latency), against a naive reader that
 * makes one call per object. Also the peak memory of a read at 100 000 ads.
 *
 * The simulator and each reader run in their own processes, so a reader's peak RSS is its own.
 * This file is also the child-process entry point (`--child read|naive`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMetaClient } from '../src/meta/client.js';
import { readAccountSnapshot } from '../src/meta/snapshot-reader.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const THIS_FILE = fileURLToPath(import.meta.url);
const TOKEN = 'EAABENCHSYSTEMUSERTOKEN01';
const APP = { id: '7000000000099', secret: 'bench-app-secret-01' };
const ACCOUNT_ID = 'act_2000000001';
const NOW = '2026-11-20T15:00:00Z';
const PAGE_SIZE = 500;

interface GenerateShape {
  campaigns: number;
  adsets_per_campaign: number;
  ads_per_adset: number;
  days: number;
}

function scenario(shape: GenerateShape) {
  return {
    name: `bench-${shape.campaigns * shape.adsets_per_campaign * shape.ads_per_adset}-ads`,
    now: NOW,
    app: APP,
    tokens: [
      {
        token: TOKEN,
        type: 'SYSTEM_USER',
        user_id: '900000000000099',
        scopes: ['ads_read', 'ads_management', 'business_management'],
        expires_at: 0,
      },
    ],
    ad_accounts: [
      {
        id: ACCOUNT_ID,
        name: 'Bench Store',
        currency: 'USD',
        timezone_name: 'America/New_York',
        account_status: 1,
        min_daily_budget: 100,
        generate: { seed: 42, cbo_share: 0.3, target_cpa: 40, ...shape },
      },
    ],
  };
}

interface Sim {
  url: string;
  stop(): Promise<void>;
}

/** The simulator as its own process (`metabuyer sim`), so its memory is not counted as the reader's. */
async function startSimProcess(scenarioFile: string, latencyMs: number): Promise<Sim> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--max-old-space-size=4096',
      path.join(ROOT, 'bin/metabuyer.js'),
      'sim',
      '--scenario',
      scenarioFile,
      '--latency-ms',
      String(latencyMs),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`simulator did not start in 120 s: ${stderr.slice(-500)}`)),
      120_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited (${code}): ${stderr.slice(-500)}`));
    });
  });
  let stopping = false;
  child.on('exit', (code, signal) => {
    if (!stopping)
      console.error(`  simulator exited unexpectedly (${code ?? signal}): ${stderr.slice(-1000)}`);
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function simCalls(url: string): Promise<number> {
  const res = await fetch(`${url}/__sim/calls`);
  const body = (await res.json()) as { calls: unknown[] };
  return body.calls.length;
}

async function simReset(url: string): Promise<void> {
  await fetch(`${url}/__sim/reset`, { method: 'POST' });
}

interface ChildResult {
  wallMs: number;
  peakRssMb: number;
  peakHeapMb: number;
  /** RSS of the reader process before the read (Node, axios, zod and our code loaded). */
  baselineRssMb?: number;
  clientCalls: number;
  levels?: Record<string, number>;
  summary?: { spend: number; purchases: number; entities: number; windowRows: number; dailyRows: number };
}

interface ReaderRuntime {
  /** How the reader processes run: compiled JavaScript, as `dist/` ships, or TypeScript through tsx. */
  label: string;
  args: string[];
}

/**
 * The readers run as compiled JavaScript, as production does: tsx alone adds ~35 MB of RSS, which would
 * be measured as the reader's. `tsc` compiles just this file's imports into node_modules/.cache; when that
 * fails, the readers run through tsx and the figures say so.
 */
function prepareReaderRuntime(): ReaderRuntime {
  const out = path.join(ROOT, 'node_modules/.cache/metabuyer-bench');
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  rmSync(out, { recursive: true, force: true });
  const result = spawnSync(
    process.execPath,
    [
      tsc,
      '--outDir',
      out,
      '--rootDir',
      ROOT,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--esModuleInterop',
      '--types',
      'node',
      '--noCheck',
      THIS_FILE,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const compiled = path.join(out, 'bench/meta-read.js');
  if (result.status === 0 && existsSync(compiled)) {
    writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
    return { label: 'compiled JavaScript', args: ['--expose-gc', compiled] };
  }
  console.log(
    `  (could not compile the reader, running it through tsx: ${(result.stderr || result.stdout).slice(0, 200)})`,
  );
  return { label: 'TypeScript through tsx', args: ['--expose-gc', '--import', 'tsx', THIS_FILE] };
}

/** Runs one reader in a fresh process and returns what it measured. */
function runChild(runtime: ReaderRuntime, mode: 'read' | 'naive', url: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...runtime.args, '--child', mode, '--url', url], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(line) as ChildResult);
      } catch (e) {
        reject(new Error(`${mode} reader failed (${(e as Error).message}): ${out.slice(-800)}`));
      }
    });
  });
}

/**
 * Peak RSS of the process (the kernel's high-water mark, which also sees synchronous stretches a timer
 * cannot), and peak V8 heap in use, sampled.
 */
function memorySampler(): { stop(): { rss: number; heap: number } } {
  let heap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      heap = Math.max(heap, process.memoryUsage().heapUsed);
      return { rss: Math.max(process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024), heap };
    },
  };
}

async function childRead(url: string): Promise<ChildResult> {
  const client = createMetaClient({
    graphUrl: url,
    accessToken: TOKEN,
    appId: APP.id,
    appSecret: APP.secret,
    pageSize: PAGE_SIZE,
  });
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const sampler = memorySampler();
  const started = performance.now();
  const snap = await readAccountSnapshot(client, { adAccountId: ACCOUNT_ID, takenAt: NOW });
  const wallMs = performance.now() - started;
  const peak = sampler.stop();
  client.close();
  const campaignRows = snap.windowRows.filter((r) => r.level === 'campaign');
  const count = (level: string, rows: Array<{ level: string }>) =>
    rows.filter((r) => r.level === level).length;
  return {
    wallMs,
    peakRssMb: peak.rss / 2 ** 20,
    peakHeapMb: peak.heap / 2 ** 20,
    baselineRssMb,
    clientCalls: client.callsSent,
    levels: {
      campaigns: snap.entities.filter((e) => e.level === 'campaign').length,
      adsets: snap.entities.filter((e) => e.level === 'adset').length,
      ads: snap.entities.filter((e) => e.level === 'ad').length,
      campaignWindowRows: count('campaign', snap.windowRows),
      adsetWindowRows: count('adset', snap.windowRows),
      adWindowRows: count('ad', snap.windowRows),
      campaignDailyRows: count('campaign', snap.dailyRows),
      adsetDailyRows: count('adset', snap.dailyRows),
      adDailyRows: count('ad', snap.dailyRows),
    },
    summary: {
      spend: campaignRows.reduce((s, r) => s + r.spend, 0),
      purchases: campaignRows.reduce((s, r) => s + r.purchases, 0),
      entities: snap.entities.length,
      windowRows: snap.windowRows.length,
      dailyRows: snap.dailyRows.length,
    },
  };
}

/**
 * The reader a first integration tends to be: list the ids, then ask each object for its fields, its
 * window insights and its daily insights — three calls per object (run 32 at a time, to be fair on wall time).
 */
async function childNaive(url: string): Promise<ChildResult> {
  const client = createMetaClient({
    graphUrl: url,
    accessToken: TOKEN,
    appId: APP.id,
    appSecret: APP.secret,
    pageSize: PAGE_SIZE,
  });
  const sampler = memorySampler();
  const started = performance.now();
  await client.getAdAccount(ACCOUNT_ID);
  const [campaigns, adsets, ads] = await Promise.all([
    client.listCampaigns(ACCOUNT_ID),
    client.listAdSets(ACCOUNT_ID),
    client.listAds(ACCOUNT_ID),
  ]);
  const objects = [
    ...campaigns.map((c) => ({ id: c.id, fields: 'id,name,status,effective_status,daily_budget' })),
    ...adsets.map((a) => ({
      id: a.id,
      fields: 'id,name,status,effective_status,daily_budget,learning_stage_info',
    })),
    ...ads.map((a) => ({ id: a.id, fields: 'id,name,status,effective_status,adset_id,campaign_id' })),
  ];
  const metrics = 'spend,impressions,reach,clicks,inline_link_clicks,actions,action_values';
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      const o = objects[next++]!;
      await client.request({ method: 'GET', path: o.id, params: { fields: o.fields } });
      await client.request({
        method: 'GET',
        path: `${o.id}/insights`,
        params: { fields: metrics, date_preset: 'last_7d' },
      });
      await client.request({
        method: 'GET',
        path: `${o.id}/insights`,
        params: { fields: metrics, date_preset: 'last_14d', time_increment: 1 },
      });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const wallMs = performance.now() - started;
  const peak = sampler.stop();
  client.close();
  return {
    wallMs,
    peakRssMb: peak.rss / 2 ** 20,
    peakHeapMb: peak.heap / 2 ** 20,
    clientCalls: client.callsSent,
  };
}

/** The fewest calls the page size allows for what the read returned: every list and insights query paged at PAGE_SIZE. */
function minimumCalls(levels: Record<string, number>): number {
  const pagesOf = (n: number) => Math.max(1, Math.ceil(n / PAGE_SIZE));
  return (
    1 +
    pagesOf(levels.campaigns!) +
    pagesOf(levels.adsets!) +
    pagesOf(levels.ads!) +
    pagesOf(levels.campaignWindowRows!) +
    pagesOf(levels.adsetWindowRows!) +
    pagesOf(levels.adWindowRows!) +
    pagesOf(levels.campaignDailyRows!) +
    pagesOf(levels.adsetDailyRows!) +
    // Ad-level daily rows are read only when asked for (dailyLevels); none read, no call made.
    (levels.adDailyRows! > 0 ? pagesOf(levels.adDailyRows!) : 0)
  );
}

export interface MetaReadFigures {
  runtime: string;
  ads: number;
  calls: number;
  minimumCalls: number;
  overheadPct: number;
  naiveCalls: number;
  ratio: number;
  wallMs: number;
  naiveWallMs: number;
  peakRssMb: number;
  peakHeapMb: number;
  peakRssMbAt100k: number | null;
  peakHeapMbAt100k: number | null;
  baselineRssMbAt100k: number | null;
}

async function withScenario<T>(
  shape: GenerateShape,
  latencyMs: number,
  fn: (sim: Sim) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'metabuyer-bench-'));
  const file = path.join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario(shape)));
  const sim = await startSimProcess(file, latencyMs);
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (n: number) => `${n.toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function benchMetaRead(opts: { include100k?: boolean } = {}): Promise<MetaReadFigures> {
  const runtime = prepareReaderRuntime();
  const shape10k = { campaigns: 50, adsets_per_campaign: 10, ads_per_adset: 20, days: 14 };
  console.log(
    `meta-read: 10 000 ads × 14 days, 50 ms latency, page size ${PAGE_SIZE}; readers run as ${runtime.label}`,
  );
  const { ours, naive, calls, naiveCalls } = await withScenario(shape10k, 50, async (sim) => {
    await simReset(sim.url);
    const ours = await runChild(runtime, 'read', sim.url);
    const calls = await simCalls(sim.url);
    await simReset(sim.url);
    const naive = await runChild(runtime, 'naive', sim.url);
    const naiveCalls = await simCalls(sim.url);
    return { ours, naive, calls, naiveCalls };
  });
  const min = minimumCalls(ours.levels!);
  const figures: MetaReadFigures = {
    runtime: runtime.label,
    ads: ours.levels!.ads!,
    calls,
    minimumCalls: min,
    overheadPct: ((calls - min) / min) * 100,
    naiveCalls,
    ratio: naiveCalls / calls,
    wallMs: ours.wallMs,
    naiveWallMs: naive.wallMs,
    peakRssMb: ours.peakRssMb,
    peakHeapMb: ours.peakHeapMb,
    peakRssMbAt100k: null,
    peakHeapMbAt100k: null,
    baselineRssMbAt100k: null,
  };
  console.log(`  rows read: ${JSON.stringify(ours.levels)}`);
  console.log(
    `  readAccountSnapshot: ${calls} Graph calls (page-size minimum ${min}, +${figures.overheadPct.toFixed(1)} %: async report runs and their polls), ${s(ours.wallMs)}, peak RSS ${mb(ours.peakRssMb)}, peak heap ${mb(ours.peakHeapMb)}`,
  );
  console.log(
    `  naive reader (3 calls per object, 32 in flight): ${naiveCalls} Graph calls, ${s(naive.wallMs)} (one at a time it would take ≥ ${s(naiveCalls * 50)} of latency alone)`,
  );
  console.log(`  ratio: ${figures.ratio.toFixed(1)}x fewer calls`);

  if (opts.include100k ?? true) {
    const shape100k = { campaigns: 500, adsets_per_campaign: 10, ads_per_adset: 20, days: 14 };
    console.log('meta-read: 100 000 ads × 14 days (no simulated latency: memory does not depend on it)');
    const big = await withScenario(shape100k, 0, (sim) => runChild(runtime, 'read', sim.url));
    figures.peakRssMbAt100k = big.peakRssMb;
    figures.peakHeapMbAt100k = big.peakHeapMb;
    figures.baselineRssMbAt100k = big.baselineRssMb ?? null;
    console.log(
      `  readAccountSnapshot: ${big.clientCalls} calls, ${s(big.wallMs)}, ${big.summary!.dailyRows} daily rows; peak RSS ${mb(big.peakRssMb)} (${mb(big.baselineRssMb ?? 0)} before the read: Node, axios, zod), peak heap ${mb(big.peakHeapMb)}`,
    );
  }
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    `  targets: calls within 5 % of minimum ${verdict(figures.overheadPct <= 5)}; ≥ 50x fewer than naive ${verdict(figures.ratio >= 50)}; peak RSS < 300 MB at 100k ${figures.peakRssMbAt100k === null ? 'not run' : verdict(figures.peakRssMbAt100k < 300)}`,
  );
  return figures;
}

async function childMain(argv: string[]): Promise<void> {
  const mode = argv[argv.indexOf('--child') + 1];
  const url = argv[argv.indexOf('--url') + 1]!;
  const result = mode === 'naive' ? await childNaive(url) : await childRead(url);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === THIS_FILE && process.argv.includes('--child')) {
  childMain(process.argv).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
