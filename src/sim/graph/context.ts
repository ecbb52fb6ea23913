/** The shapes passed between the HTTP layer, the per-call pipeline and the endpoint handlers. */
import type { InsightsCache } from '../insights/engine.js';
import type { ReportRunFailure, SimState, TokenRecord } from '../model/state.js';
import type { CallLog } from './call-log.js';
import type { FaultRegistry } from './faults.js';
import type { Params } from './params.js';
import type { UsageTracker } from './usage.js';

/** Settings that tests may change while the simulator runs (POST /__sim/limits). */
export interface SimSettings {
  latencyMs: number;
  reportPollsToComplete: number;
  defaultPageSize: number;
  maxPageSize: number;
  syncInsightsRowLimit: number;
}

/** The running simulator, as every handler sees it. */
export interface Sim {
  state: SimState;
  settings: SimSettings;
  usage: UsageTracker;
  faults: FaultRegistry;
  log: CallLog;
  insightsCache: InsightsCache;
  /** Failures the next async report runs will end with (POST /__sim/report-failures). */
  reportFailures: ReportRunFailure[];
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface GraphRequest {
  method: HttpMethod;
  /** "v26.0", or undefined for an unversioned call (served as the newest version). */
  version: string | undefined;
  /** Path without the version prefix, e.g. "/act_1/insights". */
  path: string;
  /** The query string, in order, for paging URLs that repeat every parameter. */
  query: Array<[string, string]>;
  body: Params | undefined;
  /** Query and body merged (body wins). */
  params: Params;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** seq of the enclosing batch call, for batch items. */
  inBatch: number | undefined;
}

export interface GraphResult {
  status: number;
  body: unknown;
}

export interface Caller {
  /** undefined for the app token (<app id>|<app secret>). */
  token: TokenRecord | undefined;
  isApp: boolean;
}
