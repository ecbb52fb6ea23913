/**
 * How long one CLI call takes from the shell: `metabuyer status --json` as a child process on the
 * embedded database (after init + connect against the simulator), compiled (dist/, what `npm ci`
 * builds) against the TypeScript sources through tsx. Median of N runs (BENCH_CLI_RUNS, default 7).
 * Target: under 0.5 s compiled. Builds dist/ first when it is missing or older than the sources.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { startSimulator } from '../src/sim/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'metabuyer.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function timeStatus(env: Record<string, string>, runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'status', '--json'], { cwd: ROOT, env, encoding: 'utf8' });
    const ms = performance.now() - started;
    if (r.status !== 0) throw new Error(`status failed (${r.status}): ${r.stdout}${r.stderr}`);
    if (JSON.parse(r.stdout).error) throw new Error(`status answered an error: ${r.stdout}`);
    times.push(ms);
  }
  return times;
}

export async function benchCliStartup(): Promise<void> {
  const runs = Number(process.env.BENCH_CLI_RUNS ?? 7);
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);

  const sim = await startSimulator({ scenarioPath: path.join(ROOT, 'examples', 'seed-demo.json') });
  const home = mkdtempSync(path.join(tmpdir(), 'mb-bench-cli-'));
  const env = {
    PATH: process.env.PATH ?? '',
    METABUYER_HOME: home,
    META_GRAPH_URL: sim.url,
    META_APP_ID: '7000000000001',
    META_APP_SECRET: 'sim-app-secret-0001',
  };
  const quiet = { io: { out: () => {}, err: (t: string) => void process.stderr.write(`${t}\n`) } };
  try {
    for (const argv of [
      ['init'],
      [
        'connect',
        '--access-token',
        'EAASIMSYSTEMUSERTOKEN0001',
        '--ad-account',
        '1000000001',
        '--env',
        'sandbox',
      ],
    ]) {
      const code = await main(argv, env, quiet);
      if (code !== 0) throw new Error(`${argv[0]} failed`);
    }
    // One untimed call each warms the file cache.
    timeStatus(env, 1);
    const compiled = timeStatus(env, runs);
    timeStatus({ ...env, METABUYER_RUN_SOURCES: '1' }, 1);
    const sources = timeStatus({ ...env, METABUYER_RUN_SOURCES: '1' }, runs);
    const fmt = (xs: number[]) =>
      `median ${(median(xs) / 1000).toFixed(2)} s (min ${(Math.min(...xs) / 1000).toFixed(2)}, max ${(Math.max(...xs) / 1000).toFixed(2)}, n=${xs.length})`;
    console.log('cli startup: `metabuyer status --json`, embedded database, one child process per call');
    console.log(`  compiled (dist/):   ${fmt(compiled)}   target < 0.50 s`);
    console.log(`  sources (tsx):      ${fmt(sources)}`);
    console.log(`  speed-up:           ${(median(sources) / median(compiled)).toFixed(1)}x`);
  } finally {
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  }
}
