import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_PATH, SHARED_SEED_PATH, SYSTEM_TOKEN } from '../../support/sim.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

/** Starts `metabuyer sim …` and resolves with the URL it prints once it listens. */
function startCli(args: string[]): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['bin/metabuyer.js', 'sim', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line in time:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1] as string, child, output: () => out });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out}`));
    });
  });
}

describe('metabuyer sim', () => {
  it('prints "listening on http://127.0.0.1:N" and serves the scenario', async () => {
    const scenario = existsSync(SHARED_SEED_PATH) ? '../shared/sim/examples/seed-demo.json' : SEED_PATH;
    const { url } = await startCli(['--scenario', scenario, '--port', '0']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(
      `${url}/v26.0/act_1000000001/insights?date_preset=last_7d&fields=spend&access_token=${SYSTEM_TOKEN}`,
    );
    expect(((await res.json()) as { data: Array<{ spend: string }> }).data[0]?.spend).toBe('2843.19');
  });

  it('refuses an invalid scenario with a clear message and exit code 1', async () => {
    const child = spawn(process.execPath, ['bin/metabuyer.js', 'sim', '--scenario', 'package.json'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, err).toBe(1);
    expect(err).toMatch(/scenario package\.json is invalid/);
  });
});
