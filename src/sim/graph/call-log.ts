/**
 * The log of Graph calls (GET /__sim/calls), for tests that assert what a client did. Admin calls are
 * not logged. Secrets never enter it: access tokens, appsecret_proof, client secrets, OAuth codes and
 * the scenario's literal token strings are redacted before an entry is stored.
 */
import { Redactor } from '../../lib/redact.js';

export interface CallEntry {
  seq: number;
  method: string;
  /** Path without the version prefix and query string, as faults match it. */
  path: string;
  /** "v26.0", or null for an unversioned call. */
  version: string | null;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
  /** HTTP status; null when the call timed out (a fault held it, or a batch item came back null). */
  status: number | null;
  error_code: number | null;
  error_subcode: number | null;
  /** seq of the enclosing batch call, for batch items. */
  in_batch?: number;
  timed_out?: true;
}

/** A load test can make millions of calls; the log keeps the most recent ones. */
const MAX_ENTRIES = 100_000;

/** Keys redacted on top of the shared redactor's rules. */
const EXTRA_SECRET_KEYS = new Set(['code', 'client_secret', 'input_token', 'fb_exchange_token']);

export class CallLog {
  private entries: CallEntry[] = [];
  private seq = 0;
  readonly redactor: Redactor;

  constructor(secrets: Iterable<string>) {
    this.redactor = new Redactor(secrets);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  private clean<T extends Record<string, unknown>>(o: T): T {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = EXTRA_SECRET_KEYS.has(k) && v ? '[REDACTED]' : v;
    return this.redactor.value(out) as T;
  }

  add(entry: CallEntry): void {
    this.entries.push({
      ...entry,
      query: this.clean(entry.query),
      body: entry.body === null ? null : this.clean(entry.body),
    });
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(sinceSeq = 0): CallEntry[] {
    return this.entries.filter((e) => e.seq > sinceSeq).sort((a, b) => a.seq - b.seq);
  }
}
