/**
 * The Meta Graph API simulator: serves a scenario (../shared/sim/SCENARIO.md) as Meta's Graph API over
 * HTTP, for `metabuyer sim`, the demo and contract tests. Behaviour and the admin API: README.md here.
 */
import { listen } from './http/server.js';
import { SimRuntime } from './runtime.js';
import { loadScenarioFile, parseScenario, ScenarioError } from './scenario/load.js';
import type { Scenario } from './scenario/schema.js';

export { loadScenarioFile, parseScenario, ScenarioError } from './scenario/load.js';
export type { Scenario } from './scenario/schema.js';

export interface StartSimulatorOptions {
  /** A scenario file (JSON), or: */
  scenarioPath?: string;
  /** an already-parsed scenario object, validated the same way. */
  scenario?: unknown;
  /** 0 or absent = a random free port. Always bound to 127.0.0.1. */
  port?: number;
  /** Added to every Graph response (not to admin calls). Default 0. */
  latencyMs?: number;
  /**
   * Calls per rolling hour per ad account and use case (ads_management, ads_insights) before calls fail
   * with 80004 / 80000. Default 100 000: normal use never throttles; tests lower it.
   */
  callsPerHour?: number;
  /** Calls per hour for the whole app, the denominator of X-App-Usage. Default 1 000 000. */
  appCallsPerHour?: number;
  /** 'buc' (default): 80004 / 80000 with subcode 2446079. 'legacy': code 17, subcode 2446079. */
  throttleStyle?: 'buc' | 'legacy';
  /** GETs of an async report run until it completes (Not Started → Running → Completed). Default 3. */
  reportPollsToComplete?: number;
  /** Page size when `limit` is absent. Default 25, as Meta's. */
  defaultPageSize?: number;
  /** Largest `limit` honoured; larger ones are capped silently. Default 5000. */
  maxPageSize?: number;
  /** Sync insights results above this many rows fail with code 1 / subcode 99 (go async). Default 250 000. */
  syncInsightsRowLimit?: number;
}

export interface RunningSimulator {
  /** http://127.0.0.1:N */
  url: string;
  close(): Promise<void>;
}

export async function startSimulator(opts: StartSimulatorOptions): Promise<RunningSimulator> {
  let load: () => Scenario;
  if (opts.scenarioPath !== undefined) {
    const path = opts.scenarioPath;
    load = () => loadScenarioFile(path);
  } else if (opts.scenario !== undefined) {
    const input = opts.scenario;
    load = () => parseScenario(input);
  } else {
    throw new ScenarioError('(none)', ['give scenarioPath or scenario']);
  }
  const runtime = new SimRuntime(load, {
    latencyMs: opts.latencyMs ?? 0,
    callsPerHour: opts.callsPerHour ?? 100_000,
    appCallsPerHour: opts.appCallsPerHour ?? 1_000_000,
    throttleStyle: opts.throttleStyle ?? 'buc',
    reportPollsToComplete: opts.reportPollsToComplete ?? 3,
    defaultPageSize: opts.defaultPageSize ?? 25,
    maxPageSize: opts.maxPageSize ?? 5000,
    syncInsightsRowLimit: opts.syncInsightsRowLimit ?? 250_000,
  });
  return listen(runtime, opts.port ?? 0);
}
