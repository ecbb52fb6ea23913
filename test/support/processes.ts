/**
 * Real `metabuyer` processes for tests that must prove behaviour across processes (concurrency, a
 * process killed mid-write): `node bin/metabuyer.js …` on the harness's database and simulator.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpsHarness } from './ops-harness.js';
import { APP_ID, APP_SECRET, type Json } from './sim.js';

const BIN = fileURLToPath(new URL('../../bin/metabuyer.js', import.meta.url));

export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  json(): Json;
}

/** The environment a real process needs to share the harness's database, key and simulator. */
export function processEnv(h: OpsHarness, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: h.db.url,
    METABUYER_ENCRYPTION_KEY: h.ctx.config.encryptionKey!,
    META_GRAPH_URL: h.sim.url,
    META_APP_ID: APP_ID,
    META_APP_SECRET: APP_SECRET,
    METABUYER_HOME: mkdtempSync(path.join(tmpdir(), 'mb-proc-')),
    ...extra,
  };
}

export function runProcess(args: string[], env: Record<string, string>): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, json: () => JSON.parse(stdout) }),
    );
  });
}
