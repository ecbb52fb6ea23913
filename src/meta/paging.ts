import { z } from 'zod';
import { AppError } from '../lib/errors.js';
import { MetaBadResponseError } from './errors.js';
import { safeUrl } from './safe-url.js';
import type { GraphRequest, GraphTransport } from './transport.js';

/**
 * Cursor paging as Meta does it: follow `paging.next` until it is absent. A short or even empty page is
 * not the end (Meta filters after paging). Cursors expire when objects change, so nothing is persisted;
 * each read starts from the first page.
 */
const pageSchema = z.object({
  data: z.array(z.unknown()),
  paging: z
    .object({
      next: z.string().optional(),
    })
    .loose()
    .optional(),
});

export interface PagingOptions {
  /** Guards against a server that never stops handing out `next`. */
  maxPages?: number;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Pages of validated items, in order. */
export async function* pages<T>(
  transport: GraphTransport,
  first: GraphRequest,
  item: z.ZodType<T>,
  opts: PagingOptions = {},
): AsyncGenerator<T[], void, undefined> {
  const maxPages = opts.maxPages ?? 100_000;
  let req: GraphRequest = first;
  const seen = new Set<string>();
  for (let n = 1; ; n++) {
    const res = await transport.request(req);
    const ctx = { method: req.method, path: req.path };
    const page = pageSchema.safeParse(res.data);
    if (!page.success) throw new MetaBadResponseError(ctx, `not a list page (${describeIssues(page.error)})`);
    const items: T[] = [];
    for (let i = 0; i < page.data.data.length; i++) {
      const parsed = item.safeParse(page.data.data[i]);
      if (!parsed.success) {
        throw new MetaBadResponseError(ctx, `item ${i} of page ${n}: ${describeIssues(parsed.error)}`);
      }
      items.push(parsed.data);
    }
    yield items;
    const next = page.data.paging?.next;
    if (!next) return;
    if (seen.has(next) || n >= maxPages) {
      throw new AppError({
        code: 'meta_paging_runaway',
        verdict: 'invalid',
        message: `Meta kept returning further pages for ${safeUrl(first.path)} (page ${n}); stopped reading.`,
      });
    }
    seen.add(next);
    // Only the cursor URL changes; the budget scope stays that of the first request. A later page that
    // times out is retried like any read: rows already handed out rule out starting over another way.
    const { retryTimeouts: _firstOnly, ...rest } = first;
    req = { ...rest, path: next, params: {}, method: 'GET' };
  }
}

/** Items one by one, across pages. */
export async function* paginate<T>(
  transport: GraphTransport,
  first: GraphRequest,
  item: z.ZodType<T>,
  opts: PagingOptions = {},
): AsyncGenerator<T, void, undefined> {
  for await (const page of pages(transport, first, item, opts)) yield* page;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/** Every item of every page, in one array. */
export async function collectAll<T>(
  transport: GraphTransport,
  first: GraphRequest,
  item: z.ZodType<T>,
  opts: PagingOptions = {},
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages(transport, first, item, opts)) for (const x of page) out.push(x);
  return out;
}
