import type { Caller, GraphRequest, GraphResult, Sim } from '../context.js';

/** What every endpoint handler is given. */
export interface Call {
  sim: Sim;
  req: GraphRequest;
  caller: Caller;
}

export function ok(body: unknown): GraphResult {
  return { status: 200, body };
}
