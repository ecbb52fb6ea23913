import { z } from 'zod';
import { AppError } from '../lib/errors.js';
import {
  MetaApiError,
  MetaBadResponseError,
  MetaHttpError,
  parseMetaErrorBody,
  WriteOutcomeUnknownError,
} from './errors.js';
import { describeIssues } from './paging.js';
import { safeUrl } from './safe-url.js';
import { encodeParams, type GraphTransport, type HttpMethod } from './transport.js';

/** Meta runs at most 50 requests per batch call; each still counts against the rate limits. */
export const MAX_BATCH_SIZE = 50;

export interface BatchRequest {
  method: HttpMethod;
  /** Graph path without version (`123/insights`, `456`). */
  path: string;
  params?: Record<string, unknown>;
}

export type BatchItemResult =
  | { ok: true; status: number; data: unknown }
  /**
   * `outcome: 'unknown'` marks a write that Meta neither confirmed nor refused (its slot came back null:
   * Meta timed it out). It is never resent; read live state to learn what happened.
   */
  | { ok: false; outcome: 'failed' | 'unknown'; error: AppError };

export interface BatchOptions {
  accountId?: string;
  useCase?: string;
  /** How often to resend read items that came back null. Default 2. */
  maxNullRetries?: number;
}

const responseSchema = z.array(
  z
    .object({
      code: z.number(),
      body: z.string().optional().nullable(),
    })
    .loose()
    .nullable(),
);

function relativeUrl(req: BatchRequest): { relative_url: string; body?: string } {
  const path = req.path.replace(/^\//, '');
  const qs = encodeParams(req.params ?? {}).toString();
  if (req.method === 'GET' || req.method === 'DELETE') return { relative_url: qs ? `${path}?${qs}` : path };
  return qs ? { relative_url: path, body: qs } : { relative_url: path };
}

function itemResult(
  raw: { code: number; body?: string | null | undefined },
  req: BatchRequest,
): BatchItemResult {
  const ctx = { method: req.method, path: safeUrl(req.path), httpStatus: raw.code };
  let data: unknown;
  try {
    data = raw.body ? JSON.parse(raw.body) : null;
  } catch {
    return {
      ok: false,
      outcome: 'failed',
      error: new MetaBadResponseError(ctx, 'batch item body is not JSON'),
    };
  }
  const metaError = parseMetaErrorBody(data);
  if (metaError) return { ok: false, outcome: 'failed', error: new MetaApiError(metaError, ctx) };
  if (raw.code < 200 || raw.code >= 300) {
    return { ok: false, outcome: 'failed', error: new MetaHttpError(raw.code, ctx) };
  }
  return { ok: true, status: raw.code, data };
}

/**
 * Runs requests through Meta's batch endpoint, 50 at a time, and returns one result per request in the
 * order given. Item bodies are JSON strings that are parsed here; item errors become MetaApiErrors with
 * the same taxonomy as direct calls. Read items that come back null (Meta timed them out) are resent a
 * bounded number of times; write items that come back null are reported with outcome 'unknown'.
 */
export async function executeBatch(
  transport: GraphTransport,
  requests: readonly BatchRequest[],
  opts: BatchOptions = {},
): Promise<BatchItemResult[]> {
  const results: Array<BatchItemResult | undefined> = new Array(requests.length);
  const maxNullRetries = opts.maxNullRetries ?? 2;
  let pending = requests.map((_, i) => i);
  for (let round = 0; pending.length > 0; round++) {
    const timedOut: number[] = [];
    for (let start = 0; start < pending.length; start += MAX_BATCH_SIZE) {
      const chunk = pending.slice(start, start + MAX_BATCH_SIZE);
      const hasWrites = chunk.some((i) => requests[i]!.method !== 'GET');
      const res = await transport.request({
        method: 'POST',
        path: '',
        params: {
          batch: chunk.map((i) => ({ method: requests[i]!.method, ...relativeUrl(requests[i]!) })),
          include_headers: false,
        },
        // A batch of reads can be resent whole; one that carries writes is a write.
        kind: hasWrites ? 'write' : 'read',
        ...(opts.accountId ? { accountId: opts.accountId } : {}),
        ...(opts.useCase ? { useCase: opts.useCase } : {}),
      });
      const parsed = responseSchema.safeParse(res.data);
      if (!parsed.success || parsed.data.length !== chunk.length) {
        const problem = parsed.success
          ? `expected ${chunk.length} batch results, got ${parsed.data.length}`
          : describeIssues(parsed.error);
        const err = new MetaBadResponseError({ method: 'POST', path: '(batch)' }, problem);
        if (hasWrites)
          throw new WriteOutcomeUnknownError('unreadable_answer', { method: 'POST', path: '(batch)' }, err);
        throw err;
      }
      parsed.data.forEach((raw, j) => {
        const i = chunk[j]!;
        const req = requests[i]!;
        if (raw !== null) {
          results[i] = itemResult(raw, req);
        } else if (req.method !== 'GET') {
          const cause = new AppError({
            code: 'meta_batch_item_timeout',
            verdict: 'retry',
            message: `Meta timed out item ${i} of the batch (${req.method} ${safeUrl(req.path)}).`,
          });
          results[i] = {
            ok: false,
            outcome: 'unknown',
            error: new WriteOutcomeUnknownError(
              'timeout',
              { method: req.method, path: safeUrl(req.path) },
              cause,
            ),
          };
        } else if (round < maxNullRetries) {
          timedOut.push(i);
        } else {
          results[i] = {
            ok: false,
            outcome: 'failed',
            error: new AppError({
              code: 'meta_batch_item_timeout',
              verdict: 'retry',
              message: `Meta timed out item ${i} of the batch (${req.method} ${safeUrl(req.path)}) ${round + 1} times.`,
            }),
          };
        }
      });
    }
    pending = timedOut;
  }
  return results as BatchItemResult[];
}
