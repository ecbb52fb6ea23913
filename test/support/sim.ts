/**
 * Helpers for tests that drive the Meta simulator over real HTTP: start it on a free port, call the
 * Graph API and the admin API, and read the shipped seed scenario.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { appSecretProof } from '../../src/lib/crypto.js';
import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from '../../src/sim/index.js';

/** Parsed JSON from the wire or a scenario file; tests assert on its shape. */
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked by the assertions, not the type system
export type Json = any;

export const SEED_PATH = fileURLToPath(new URL('../../examples/seed-demo.json', import.meta.url));
export const SHARED_SEED_PATH = fileURLToPath(
  new URL('../../../shared/sim/examples/seed-demo.json', import.meta.url),
);
export const SYSTEM_TOKEN = 'EAASIMSYSTEMUSERTOKEN0001';
export const REVOKED_TOKEN = 'EAASIMREVOKEDTOKEN000003';
/** seed-demo's read-only token: valid at the scenario's now, expires 2027-01-15 (see AFTER_READ_TOKEN_EXPIRY). */
export const EXPIRED_READ_TOKEN = 'EAASIMREADONLYTOKEN00002';
/** seed-demo's read-only token expires 2027-01-15T08:00:00Z (after the scenario's now): tests of an expired token move the clock here. */
export const AFTER_READ_TOKEN_EXPIRY = '2027-02-01T15:00:00Z';
export const ACCOUNT = 'act_1000000001';
export const APP_ID = '7000000000001';
export const APP_SECRET = 'sim-app-secret-0001';

export function seedScenario(): Record<string, Json> {
  return JSON.parse(readFileSync(SEED_PATH, 'utf8'));
}

export interface GraphAnswer {
  status: number;
  body: Json;
  headers: Headers;
}

export class SimClient {
  constructor(
    readonly sim: RunningSimulator,
    readonly token: string = SYSTEM_TOKEN,
    readonly version = 'v26.0',
  ) {}

  url(path: string): string {
    return `${this.sim.url}/${this.version}${path}`;
  }

  async get(
    path: string,
    params: Record<string, unknown> = {},
    token: string | null = this.token,
  ): Promise<GraphAnswer> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) qs.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    if (token !== null && !qs.has('access_token')) qs.set('access_token', token);
    return this.fetchJson(`${this.url(path)}?${qs}`);
  }

  async post(
    path: string,
    params: Record<string, unknown> = {},
    token: string | null = this.token,
  ): Promise<GraphAnswer> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) form.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    if (token !== null && !form.has('access_token')) form.set('access_token', token);
    return this.fetchJson(this.url(path), { method: 'POST', body: form });
  }

  async fetchJson(url: string, init?: RequestInit): Promise<GraphAnswer> {
    const res = await fetch(url, init);
    return { status: res.status, body: await res.json(), headers: res.headers };
  }

  async admin(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<GraphAnswer> {
    const res = await fetch(`${this.sim.url}/__sim/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json(), headers: res.headers };
  }

  async object(id: string): Promise<Json> {
    return (await this.admin('GET', `objects/${id}`)).body;
  }
}

export async function startSim(
  opts: Partial<StartSimulatorOptions> = {},
): Promise<{ sim: RunningSimulator; client: SimClient }> {
  const sim = await startSimulator(opts.scenario !== undefined ? opts : { scenarioPath: SEED_PATH, ...opts });
  return { sim, client: new SimClient(sim) };
}

/**
 * One simulator for a test file, reset before each test. Returns its client, usable inside the tests
 * (it forwards to the client of the simulator started in beforeAll).
 */
export function simForEachTest(opts: Partial<StartSimulatorOptions> = {}): SimClient {
  let started: { sim: RunningSimulator; client: SimClient } | undefined;
  beforeAll(async () => {
    started = await startSim(opts);
  });
  afterAll(async () => started?.sim.close());
  beforeEach(async () => {
    await started!.client.admin('POST', 'reset');
  });
  return new Proxy({} as SimClient, {
    get(_target, prop) {
      if (!started) throw new Error('the simulator starts in beforeAll: use the client inside tests');
      const value = Reflect.get(started.client, prop);
      return typeof value === 'function' ? value.bind(started.client) : value;
    },
  });
}

export function proof(token: string, secret = APP_SECRET): string {
  return appSecretProof(token, secret);
}
