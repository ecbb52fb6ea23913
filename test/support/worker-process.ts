/**
 * `metabuyer worker` as a real process for tests: spawned on a harness's database and simulator, with
 * its own queue prefix, killed (SIGKILL) or stopped (SIGTERM) like an operator's process manager would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { confirmationById } from '../../src/db/repos/confirmations.js';
import type { OpsHarness } from './ops-harness.js';
import { processEnv } from './processes.js';
import { freePort } from './redis.js';

const BIN = fileURLToPath(new URL('../../bin/metabuyer.js', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

export async function spawnWorker(
  h: OpsHarness,
  env: { REDIS_URL: string; METABUYER_QUEUE_PREFIX: string } & Record<string, string>,
): Promise<WorkerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: processEnv(h, { METRICS_PORT: String(port), LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => out,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Waits until a confirmation is done (whoever ran it) and returns its stored result. */
export async function confirmationDone(h: OpsHarness, id: string, timeoutMs = 60_000) {
  const { db } = await h.ctx.database();
  return until(
    `confirmation ${id} done`,
    async () => {
      const c = await confirmationById(db, id);
      return c?.status === 'done' ? c : undefined;
    },
    timeoutMs,
  );
}
