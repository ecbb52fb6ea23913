/**
 * Batch requests: POST / (or /vXX.0/) with `batch=[{method, relative_url, body?, name?}, …]`, as a form
 * field or JSON. At most 50 items; each is a full Graph call of its own (own faults, rate-limit count,
 * call-log entry with `in_batch`), run in order. An item without an access_token uses the outer one
 * (and the outer appsecret_proof). The answer is an array in request order of
 * {code, headers:[{name,value}], body:"<JSON string>"}, failed items carrying their error body, and
 * `null` for an item that timed out (see dispatch.ts: a delay-only fault on the item's path).
 * `include_headers=false` leaves out the headers. `depends_on` and JSONPath references are not supported.
 */
import type { GraphRequest, GraphResult, HttpMethod } from '../context.js';
import type { Outcome } from '../dispatch.js';
import { errors } from '../errors.js';
import { asBool, type Params } from '../params.js';
import { ok } from './call.js';

const MAX_ITEMS = 50;

interface RawItem {
  method?: unknown;
  relative_url?: unknown;
  body?: unknown;
}

function parseItems(value: unknown): RawItem[] {
  let items: unknown = value;
  if (typeof value === 'string') {
    try {
      items = JSON.parse(value);
    } catch {
      throw errors.batchInvalid('The batch parameter must be a JSON array of requests');
    }
  }
  if (!Array.isArray(items))
    throw errors.batchInvalid('The batch parameter must be a JSON array of requests');
  if (items.length > MAX_ITEMS) throw errors.batchTooLarge();
  return items as RawItem[];
}

function formBody(body: unknown): Params | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body === 'object') return body as Params;
  const text = String(body);
  if (text.trim().startsWith('{')) {
    try {
      return JSON.parse(text) as Params;
    } catch {
      // fall through to form decoding
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function itemRequest(outer: GraphRequest, raw: RawItem, seq: number, index: number): GraphRequest {
  const method = String(raw.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
    throw errors.batchInvalid(`batch[${index}][method] must be GET, POST or DELETE`);
  }
  if (typeof raw.relative_url !== 'string' || raw.relative_url === '') {
    throw errors.paramRequired(`batch[${index}][relative_url]`);
  }
  const [pathPart = '', queryPart = ''] = raw.relative_url.replace(/^\/+/, '').split('?', 2) as [
    string,
    string?,
  ];
  const versioned = /^(v\d+\.\d+)(?:\/(.*))?$/.exec(pathPart);
  const version = versioned ? versioned[1] : outer.version;
  const path = `/${versioned ? (versioned[2] ?? '') : pathPart}`.replace(/\/+$/, '') || '/';
  const query = [...new URLSearchParams(queryPart)];
  const body = formBody(raw.body);
  const params: Params = { ...Object.fromEntries(query), ...(body ?? {}) };
  if (params.access_token === undefined && outer.params.access_token !== undefined) {
    params.access_token = outer.params.access_token;
    if (outer.params.appsecret_proof !== undefined) params.appsecret_proof = outer.params.appsecret_proof;
  }
  return {
    method: method as HttpMethod,
    version,
    path,
    query,
    body,
    params,
    origin: outer.origin,
    inBatch: seq,
  };
}

function render(outcome: Outcome, includeHeaders: boolean): unknown {
  if (outcome.timedOut) return null;
  const item: Record<string, unknown> = { code: outcome.status };
  if (includeHeaders)
    item.headers = Object.entries(outcome.headers).map(([name, value]) => ({ name, value }));
  item.body = JSON.stringify(outcome.body);
  return item;
}

export async function runBatch(
  outer: GraphRequest,
  seq: number,
  dispatchItem: (item: GraphRequest) => Promise<Outcome>,
): Promise<GraphResult> {
  const items = parseItems(outer.params.batch);
  const includeHeaders = asBool(outer.params.include_headers) ?? true;
  const answers: unknown[] = [];
  for (const [i, raw] of items.entries()) {
    let req: GraphRequest;
    try {
      req = itemRequest(outer, raw, seq, i);
    } catch (e) {
      const err = e as { status?: number; body?: () => unknown };
      answers.push({
        code: err.status ?? 400,
        body: JSON.stringify(err.body ? err.body() : { error: { message: String(e) } }),
      });
      continue;
    }
    answers.push(render(await dispatchItem(req), includeHeaders));
  }
  return ok(answers);
}
