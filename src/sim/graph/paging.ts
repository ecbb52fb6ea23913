/**
 * Cursor paging as Meta does it: `paging.cursors.before/after` are opaque cursors of the first and
 * last item of the page, and `paging.next` / `paging.previous` are complete URLs that repeat every
 * parameter of the request (access_token included) with the cursor swapped in. The last page has no
 * `next`, the first no `previous`. `limit` defaults to 25 and is capped at the configured maximum
 * (5000 unless changed), silently, as Meta caps it.
 */
import type { GraphRequest, SimSettings } from './context.js';
import { errors } from './errors.js';
import { asInt, asString } from './params.js';

/** Meta-style cursor: base64 of the position with "=" written "ZD" ("0" → "MAZDZD"). */
export function encodeCursor(index: number): string {
  return Buffer.from(String(index)).toString('base64').replace(/=/g, 'ZD');
}

export function decodeCursor(cursor: string, param: string): number {
  const text = Buffer.from(cursor.replace(/ZD/g, '='), 'base64').toString('utf8');
  if (!/^\d+$/.test(text)) throw errors.paramInvalid(param, 'is not a valid cursor');
  return Number(text);
}

export interface Page {
  start: number;
  end: number;
  paging: Record<string, unknown> | undefined;
}

function pageUrl(req: GraphRequest, limit: number, cursor: ['after' | 'before', string]): string {
  const params = new URLSearchParams();
  let hasLimit = false;
  for (const [k, v] of req.query) {
    if (k === 'after' || k === 'before') continue;
    if (k === 'limit') {
      hasLimit = true;
      params.append(k, String(limit));
    } else params.append(k, v);
  }
  if (!hasLimit) params.append('limit', String(limit));
  params.append(cursor[0], cursor[1]);
  const version = req.version ? `/${req.version}` : '';
  return `${req.origin}${version}${req.path}?${params.toString()}`;
}

/** Which slice of `total` items this request asks for, and the paging block describing it. */
export function page(req: GraphRequest, total: number, settings: SimSettings): Page {
  const asked = asInt(req.params.limit);
  const limit = Math.max(
    1,
    Math.min(asked && asked > 0 ? asked : settings.defaultPageSize, settings.maxPageSize),
  );
  const after = asString(req.params.after);
  const before = asString(req.params.before);
  let start: number;
  let end: number;
  if (after) {
    start = decodeCursor(after, 'after') + 1;
    end = Math.min(start + limit, total);
  } else if (before) {
    end = Math.min(decodeCursor(before, 'before'), total);
    start = Math.max(0, end - limit);
  } else {
    start = 0;
    end = Math.min(limit, total);
  }
  start = Math.min(start, total);
  if (end <= start) return { start, end: start, paging: undefined };
  const cursors = { before: encodeCursor(start), after: encodeCursor(end - 1) };
  const paging: Record<string, unknown> = { cursors };
  if (start > 0) paging.previous = pageUrl(req, limit, ['before', cursors.before]);
  if (end < total) paging.next = pageUrl(req, limit, ['after', cursors.after]);
  return { start, end, paging };
}

/** `{data, paging}` for a list, rendering only the items on the page. */
export function pagedList<T>(
  req: GraphRequest,
  settings: SimSettings,
  total: number,
  render: (i: number) => T,
): {
  data: T[];
  paging?: Record<string, unknown>;
} {
  const p = page(req, total, settings);
  const data: T[] = [];
  for (let i = p.start; i < p.end; i++) data.push(render(i));
  return p.paging ? { data, paging: p.paging } : { data };
}
