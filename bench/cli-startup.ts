/**
 * How long one CLI call takes from the shell: `metabuyer status` (text and --json) as a child process
 * on the embedded database (after init + connect against the simulator), compiled (dist/, what `npm ci`
 * builds). Median of N runs (BENCH_CLI_RUNS, default 7). Target: under 0.5 s. Also shown, for
 * comparison: `node -e 0` (the floor: starting Node itself), status answered by the database (the
 * read model removed before each call, so Postgres starts), `metabuyer help`, and the sources run
 * through tsx. Builds dist/ first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { invalidateHomeSnapshot } from '../src/db/home-snapshot.js';
import { startSimulator } from '../src/sim/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'metabuyer.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Wall time of `node <args>` N times; `before` runs untimed ahead of each call. */
function timeRuns(
  args: string[],
  env: Record<string, string>,
  runs: number,
  before: () => void = () => {},
): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    before();
    const started = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
    const ms = performance.now() - started;
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
    if (args.includes('--json') && JSON.parse(r.stdout).error)
      throw new Error(`${args.join(' ')} answered an error: ${r.stdout}`);
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
    const status = (...flags: string[]) => [BIN, 'status', ...flags];
    const sources = { ...env, METABUYER_RUN_SOURCES: '1' };
    const noReadModel = () => invalidateHomeSnapshot(home);
    // One untimed call each warms the file cache (and leaves the read model in place).
    timeRuns(status('--json'), env, 1);
    timeRuns(status('--json'), sources, 1);
    // Interleaved, so that a machine busy with other work weighs on every figure alike.
    const t = { floor: [] as number[], json: [] as number[], text: [] as number[], db: [] as number[] };
    const more = { help: [] as number[], sources: [] as number[] };
    for (let i = 0; i < runs; i++) {
      t.floor.push(...timeRuns(['-e', '0'], env, 1));
      t.json.push(...timeRuns(status('--json'), env, 1));
      t.text.push(...timeRuns(status(), env, 1));
      more.help.push(...timeRuns([BIN, 'help'], env, 1));
      t.db.push(...timeRuns(status('--json'), env, 1, noReadModel));
      more.sources.push(...timeRuns(status('--json'), sources, 1));
    }
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const fmt = (xs: number[]) =>
      `median ${s(median(xs))} (min ${s(Math.min(...xs))}, max ${s(Math.max(...xs))}, n=${xs.length})`;
    const verdict = (xs: number[]) =>
      median(xs) < 500 ? 'under the 0.50 s target' : 'OVER the 0.50 s target';
    console.log(
      'cli startup: `metabuyer status`, embedded database, one child process per call, compiled (dist/)',
    );
    console.log(`  node -e 0 (floor):                 ${fmt(t.floor)}`);
    console.log(`  status --json:                     ${fmt(t.json)}   ${verdict(t.json)}`);
    console.log(`  status (text):                     ${fmt(t.text)}   ${verdict(t.text)}`);
    console.log(`  status --json, no read model (db): ${fmt(t.db)}`);
    console.log(`  help:                              ${fmt(more.help)}`);
    console.log(`  status --json, sources (tsx):      ${fmt(more.sources)}`);
  } finally {
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  }
}
