/**
 * From a path to a handler. Paths are /{id} or /{id}/{edge} (plus /me…, /debug_token,
 * /oauth/access_token). An id that does not exist, or whose ad account the token may not reach, gets
 * Meta's "Unsupported get/post request. Object with ID … does not exist" (100/33); an edge the node type
 * does not have in Meta's spec gets "Unknown path components" (2500); an edge Meta has but the simulator
 * does not model gets a plain "not implemented" error (code 3, HTTP 501) so nobody mistakes it for data.
 *
 * Reads need ads_read or ads_management, writes need ads_management (Meta's 200-series errors). The
 * route also names the ad account and use case the call counts against for rate limiting.
 */
import type { ReportRun } from '../model/state.js';
import { type Account, type Ad, type AdSet, accountOf, type Campaign } from '../model/types.js';
import { canRead, canWrite, reaches } from './auth.js';
import type { Caller, GraphRequest, GraphResult, Sim } from './context.js';
import { errors } from './errors.js';
import { listActivities } from './handlers/activities.js';
import type { Call } from './handlers/call.js';
import { createAd, createAdSet, createCampaign, createCreative } from './handlers/create.js';
import {
  debugToken,
  me,
  myAdAccounts,
  myPages,
  myPermissions,
  oauthAccessToken,
} from './handlers/identity.js';
import {
  insightsGet,
  insightsPost,
  reportRunExpired,
  reportRunGet,
  reportRunInsights,
} from './handlers/insights.js';
import { type ListEdge, listEdge, readNode } from './handlers/read.js';
import { deleteObject, updateObject } from './handlers/update.js';
import { NODE_TYPE } from './render-objects.js';
import { findApi, hasEdge, type NodeType } from './spec.js';
import type { UseCase } from './usage.js';

export interface Route {
  account: Account | undefined;
  useCase: UseCase | undefined;
  run(): GraphResult | Promise<GraphResult>;
}

const LIST_EDGES = new Set<string>(['campaigns', 'adsets', 'ads', 'adcreatives']);

/** Routes that need no access_token (they authenticate with client_id/client_secret). */
export function isUnauthenticated(path: string): boolean {
  return path === '/oauth/access_token';
}

function route(
  account: Account | undefined,
  useCase: UseCase | undefined,
  run: () => GraphResult | Promise<GraphResult>,
): Route {
  return { account, useCase, run };
}

function unknownEdgeOrMethod(type: NodeType, method: string, id: string, edge: string): never {
  if (hasEdge(type, edge)) {
    if (findApi(type, method, edge)) throw errors.notImplemented(`${method} /{${type}}/${edge}`);
    throw errors.unsupportedRequest(method, `${id}/${edge}`);
  }
  throw errors.unknownPath(`/${edge}`);
}

function meRoute(call: Call, edge: string | undefined): Route {
  const { method } = call.req;
  if (edge === undefined && method === 'GET') return route(undefined, undefined, () => me(call));
  if (method === 'GET' && edge === 'permissions')
    return route(undefined, undefined, () => myPermissions(call));
  if (method === 'GET' && edge === 'adaccounts') return route(undefined, undefined, () => myAdAccounts(call));
  if (method === 'GET' && edge === 'accounts') return route(undefined, undefined, () => myPages(call));
  return unknownEdgeOrMethod('User', method, 'me', edge ?? '#');
}

function reportRoute(call: Call, run: ReportRun, edge: string | undefined): Route {
  const { method } = call.req;
  if (!canRead(call.caller)) throw errors.readPermission();
  if (method === 'GET' && edge === undefined)
    return route(run.account, 'ads_insights', () => reportRunGet(call, run));
  if (method === 'GET' && edge === 'insights')
    return route(run.account, 'ads_insights', () => reportRunInsights(call, run));
  if (edge === undefined) throw errors.unsupportedRequest(method, run.id);
  return unknownEdgeOrMethod('AdReportRun', method, run.id, edge);
}

function adObjectRoute(call: Call, o: Account | Campaign | AdSet | Ad, edge: string | undefined): Route {
  const { method } = call.req;
  const account = accountOf(o);
  const type = NODE_TYPE[o.kind];
  const write = method !== 'GET';
  if (write ? !canWrite(call.caller) : !canRead(call.caller))
    throw write ? errors.writePermission() : errors.readPermission();
  const management = (run: () => GraphResult) => route(account, 'ads_management', run);

  if (edge === undefined) {
    if (method === 'GET') return management(() => readNode(call, o));
    if (o.kind === 'account') throw errors.notImplemented(`${method} /{AdAccount}`);
    if (method === 'POST') return management(() => updateObject(call, o));
    return management(() => deleteObject(call, o));
  }
  if (edge === 'insights') {
    if (method === 'GET') return route(account, 'ads_insights', () => insightsGet(call, o));
    if (method === 'POST') return route(account, 'ads_insights', () => insightsPost(call, o));
  }
  if (method === 'GET' && LIST_EDGES.has(edge) && findApi(type, 'GET', edge)) {
    return management(() => listEdge(call, o, edge as ListEdge));
  }
  if (method === 'GET' && edge === 'activities' && o.kind === 'account') {
    return management(() => listActivities(call, o));
  }
  if (method === 'POST' && o.kind === 'account') {
    if (edge === 'campaigns') return management(() => createCampaign(call, o));
    if (edge === 'adsets') return management(() => createAdSet(call, o));
    if (edge === 'adcreatives') return management(() => createCreative(call, o));
    if (edge === 'ads') return management(() => createAd(call, o));
  }
  return unknownEdgeOrMethod(type, method, o.id, edge);
}

export function resolveRoute(sim: Sim, req: GraphRequest, caller: Caller): Route {
  const call: Call = { sim, req, caller };
  const segments = req.path.split('/').filter(Boolean);
  if (segments.length > 2) throw errors.unknownPath(`/${segments.slice(2).join('/')}`);
  const [id = '', edge] = segments;
  if (id === 'debug_token' && edge === undefined && req.method === 'GET')
    return route(undefined, undefined, () => debugToken(call));
  if (id === 'oauth' && edge === 'access_token')
    return route(undefined, undefined, () => oauthAccessToken(call));
  if (id === 'me') return meRoute(call, edge);

  const state = sim.state;
  const o = state.objects.get(id);
  if (!o || (o.kind === 'report_run' && reportRunExpired(o, state.nowMs())))
    throw errors.unsupportedRequest(req.method, id);
  if (caller.isApp || !reaches(caller, accountOf(o.kind === 'report_run' ? o.account : o))) {
    throw errors.unsupportedRequest(req.method, id);
  }
  if (o.kind === 'report_run') return reportRoute(call, o, edge);
  if (o.kind === 'creative') {
    if (!canRead(caller)) throw errors.readPermission();
    if (edge === undefined && req.method === 'GET')
      return route(o.account, 'ads_management', () => readNode(call, o));
    if (edge === undefined) throw errors.notImplemented(`${req.method} /{AdCreative}`);
    return unknownEdgeOrMethod('AdCreative', req.method, id, edge);
  }
  return adObjectRoute(call, o, edge);
}
