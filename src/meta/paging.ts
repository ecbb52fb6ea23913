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

/** Fetches and validates one page, hands its items over, and returns the next page's URL. */
async function readPage<T>(
  transport: GraphTransport,
  req: GraphRequest,
  item: z.ZodType<T>,
  n: number,
  onPage: (items: T[]) => void,
): Promise<string | undefined> {
  const res = await transport.request(req);
  const ctx = { method: req.method, path: req.path };
  const page = pageSchema.safeParse(res.data);
  if (!page.success) throw new MetaBadResponseError(ctx, `not a list page (${describeIssues(page.error)})`);
  const raw = page.data.data;
  const items: T[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const parsed = item.safeParse(raw[i]);
    if (!parsed.success)
      throw new MetaBadResponseError(ctx, `item ${i} of page ${n}: ${describeIssues(parsed.error)}`);
    items[i] = parsed.data;
  }
  onPage(items);
  return page.data.paging?.next;
}

/**
 * Calls `onPage` with each page's validated items, in order. The page is handed over before the next one
 * is asked for and nothing here keeps it afterwards, so a reader that keeps only what it derives never
 * holds two raw pages at once — at thousands of pages that decides the peak memory of a full read.
 */
export async function eachPage<T>(
  transport: GraphTransport,
  first: GraphRequest,
  item: z.ZodType<T>,
  onPage: (items: T[]) => void,
  opts: PagingOptions = {},
): Promise<void> {
  const maxPages = opts.maxPages ?? 100_000;
  let req: GraphRequest = first;
  let previous: string | undefined;
  for (let n = 1; ; n++) {
    const next = await readPage(transport, req, item, n, onPage);
    if (!next) return;
    // A cursor that does not move, or paging without end, is a server fault, not data.
    if (next === previous || n >= maxPages) {
      throw new AppError({
        code: 'meta_paging_runaway',
        verdict: 'invalid',
        message: `Meta kept returning further pages for ${safeUrl(first.path)} (page ${n}); stopped reading.`,
      });
    }
    previous = next;
    // Only the cursor URL changes; the budget scope stays that of the first request. A later page that
    // times out is retried like any read: rows already handed out rule out starting over another way.
    const { retryTimeouts: _firstOnly, ...rest } = first;
    req = { ...rest, path: next, params: {}, method: 'GET' };
  }
}

/** Every item of every page, in one array. */
export async function collectAll<T>(
  transport: GraphTransport,
  first: GraphRequest,
  item: z.ZodType<T>,
  opts: PagingOptions = {},
): Promise<T[]> {
  const out: T[] = [];
  await eachPage(
    transport,
    first,
    item,
    (page) => {
      for (const x of page) out.push(x);
    },
    opts,
  );
  return out;
}

/**
 * Items one by one, across pages, as an async iterator. Pages are fetched one at a time as the consumer
 * asks, so a consumer that stops early stops the reading.
 */
export async function* paginate<T>(
  transport: GraphTransport,
  first: GraphRequest,
  item: z.ZodType<T>,
  opts: PagingOptions = {},
): AsyncGenerator<T, void, undefined> {
  const maxPages = opts.maxPages ?? 100_000;
  let req: GraphRequest | undefined = first;
  let previous: string | undefined;
  for (let n = 1; req; n++) {
    let items: T[] = [];
    const next: string | undefined = await readPage(transport, req, item, n, (page) => {
      items = page;
    });
    yield* items;
    if (!next) return;
    if (next === previous || n >= maxPages) {
      throw new AppError({
        code: 'meta_paging_runaway',
        verdict: 'invalid',
        message: `Meta kept returning further pages for ${safeUrl(first.path)} (page ${n}); stopped reading.`,
      });
    }
    previous = next;
    const { retryTimeouts: _firstOnly, ...rest } = first;
    req = { ...rest, path: next, params: {}, method: 'GET' };
  }
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}
