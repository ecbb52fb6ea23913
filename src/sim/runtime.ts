/**
 * The simulator's mutable world and how to rebuild it. `reset()` reloads the scenario (re-reading the
 * file when started from one) and starts over: objects, clock, faults, call log, usage, report runs and
 * the settings given at start.
 */

import { CallLog } from './graph/call-log.js';
import type { Sim, SimSettings } from './graph/context.js';
import { FaultRegistry } from './graph/faults.js';
import { type ThrottleStyle, UsageTracker } from './graph/usage.js';
import { InsightsCache } from './insights/engine.js';
import { SimState } from './model/state.js';
import type { Scenario } from './scenario/schema.js';

export interface RuntimeOptions {
  latencyMs: number;
  callsPerHour: number;
  appCallsPerHour: number;
  throttleStyle: ThrottleStyle;
  reportPollsToComplete: number;
  defaultPageSize: number;
  maxPageSize: number;
  syncInsightsRowLimit: number;
}

export class SimRuntime {
  sim: Sim;

  constructor(
    private readonly load: () => Scenario,
    private readonly options: RuntimeOptions,
  ) {
    this.sim = this.build(load());
  }

  private build(scenario: Scenario): Sim {
    const settings: SimSettings = {
      latencyMs: this.options.latencyMs,
      reportPollsToComplete: this.options.reportPollsToComplete,
      defaultPageSize: this.options.defaultPageSize,
      maxPageSize: this.options.maxPageSize,
      syncInsightsRowLimit: this.options.syncInsightsRowLimit,
    };
    return {
      state: new SimState(scenario),
      settings,
      usage: new UsageTracker({
        callsPerHour: this.options.callsPerHour,
        appCallsPerHour: this.options.appCallsPerHour,
        throttleStyle: this.options.throttleStyle,
        perAccount: new Map(),
      }),
      faults: new FaultRegistry(),
      log: new CallLog([...scenario.tokens.map((t) => t.token), scenario.app.secret]),
      insightsCache: new InsightsCache(),
      reportFailures: [],
    };
  }

  reset(): void {
    this.sim = this.build(this.load());
  }
}
