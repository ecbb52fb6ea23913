import type { Db } from '../db/client.js';
import { appendLog, type NewActionLogEntry } from '../db/repos/action-log.js';
import type { Level } from '../domain/snapshot.js';
import type { Clock } from '../lib/clock.js';
import { toAppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { MetaClient } from '../meta/client.js';

/**
 * Race and crash seams in the write path, off by default. A test passes a seam that throws (a crash) or
 * waits (a race) to stop a worker at an exact point; the contract's crash points (./crash-points.ts)
 * are seams that SIGKILL the process. Production passes none.
 */
export interface WriteSeams {
  /** After the action is claimed (owner recorded), before the object is read live. */
  afterClaim?(entityId: string): Promise<void> | void;
  /** After the intent is logged, before the write is sent. */
  afterIntent?(entityId: string): Promise<void> | void;
  /** After Meta answered the write, before it is read back. */
  afterWrite?(entityId: string): Promise<void> | void;
  /** After the write was read back, before the outcome is logged. */
  afterReadback?(entityId: string): Promise<void> | void;
}

/** An error thrown by a seam: it must escape like a crash, never be handled as a Meta failure. */
export class SeamInterrupt extends Error {
  constructor(readonly inner: unknown) {
    super(inner instanceof Error ? inner.message : String(inner));
    this.name = 'SeamInterrupt';
  }
}

export async function atSeam(
  fn: ((id: string) => Promise<void> | void) | undefined,
  id: string,
): Promise<void> {
  if (!fn) return;
  try {
    await fn(id);
  } catch (e) {
    throw new SeamInterrupt(e);
  }
}

export interface WriteTarget {
  type: 'set_status' | 'update_daily_budget';
  level: Level;
  entityId: string;
  /** The value the object must hold now for the write to go ahead. */
  expected: string | number;
  to: string | number;
}

export type WriteOutcome =
  | { outcome: 'applied'; observed: string | number | null; reconciled: boolean; note: string | null }
  | { outcome: 'stale'; observed: string | number | null }
  | { outcome: 'failed'; error: { code: string; message: string } }
  | { outcome: 'unknown'; detail: string };

export interface WriteDeps {
  db: Db;
  client: MetaClient;
  clock: Clock;
  accountId: string;
  seams: WriteSeams;
  /** Everything the log entries of this write share. */
  logBase: Omit<
    NewActionLogEntry,
    'id' | 'event' | 'idempotencyKey' | 'observedValue' | 'reason' | 'error' | 'at'
  >;
  /** Idempotency keys: one intent, one outcome per write. */
  keys: { intent: string; outcome: string };
}

/** The live value a write compares with: the status for set_status, the daily budget for a budget write. */
export async function readLiveValue(
  client: MetaClient,
  target: Pick<WriteTarget, 'type' | 'level' | 'entityId'>,
  accountId: string,
) {
  const live = await client.getLive(target.entityId, target.level, accountId);
  return target.type === 'set_status' ? live.status : live.dailyBudget;
}

/**
 * One guarded write: re-read the object live and refuse as stale if it moved from what we expect, log
 * the intent, write the absolute new value, read it back, log the outcome — each log entry at most once
 * (idempotency keys), so a crash at any point leaves a record that reconciliation can finish.
 * A write whose outcome Meta did not report is never re-sent: the object is read back instead.
 */
export async function guardedWrite(
  deps: WriteDeps,
  target: WriteTarget,
  /** The live value, when the caller has just read it. */
  liveBefore?: string | number | null,
): Promise<WriteOutcome> {
  const { client, accountId } = deps;
  const log = logger(deps);
  const before = liveBefore !== undefined ? liveBefore : await readLiveValue(client, target, accountId);
  if (before !== target.expected) {
    await log('stale', deps.keys.outcome, {
      observedValue: before,
      reason: `live value is ${String(before)}, expected ${String(target.expected)}`,
    });
    return { outcome: 'stale', observed: before };
  }
  await log('intent', deps.keys.intent, { observedValue: before });
  await atSeam(deps.seams.afterIntent, target.entityId);

  let sent: Awaited<ReturnType<MetaClient['setStatus']>>;
  try {
    sent =
      target.type === 'set_status'
        ? await client.setStatus(target.entityId, target.to as 'ACTIVE' | 'PAUSED', { accountId })
        : await client.setDailyBudget(target.entityId, target.to as number, { accountId });
  } catch (e) {
    const err = toAppError(e);
    // Meta answered with an error; still, an error after the request was processed is not proof that
    // nothing changed. Reading the object tells: holding the new value means the write took effect.
    const after = await readLiveValue(client, target, accountId).catch(() => undefined);
    if (after === target.to && before !== target.to) {
      await log('reconciled', deps.keys.outcome, {
        observedValue: after,
        reason: `Meta answered ${err.code} (${err.message}), but the live value shows the write applied`,
      });
      return {
        outcome: 'applied',
        observed: after,
        reconciled: true,
        note: 'Meta reported an error, but the write applied',
      };
    }
    await log('failed', deps.keys.outcome, {
      observedValue: after ?? null,
      reason: err.message,
      error: { code: err.code, message: err.message, ...err.details },
    });
    return { outcome: 'failed', error: { code: err.code, message: err.message } };
  }
  await atSeam(deps.seams.afterWrite, target.entityId);

  if (sent.outcome === 'unknown') {
    return settleUnknown(deps, target, `Meta did not confirm the write (${sent.reason})`);
  }
  let after: string | number | null;
  try {
    after = await readLiveValue(client, target, accountId);
  } catch {
    after = null;
  }
  await atSeam(deps.seams.afterReadback, target.entityId);
  const note =
    after === null ? 'read-back failed' : after === target.to ? null : `read back ${String(after)}`;
  await log('applied', deps.keys.outcome, { observedValue: after, reason: note });
  return { outcome: 'applied', observed: after, reconciled: false, note };
}

type Log = (
  event: NewActionLogEntry['event'],
  key: string,
  extra?: Partial<NewActionLogEntry>,
) => Promise<boolean>;

/** Appends this write's log entries, each under its idempotency key. */
export function logger(deps: WriteDeps): Log {
  return (event, key, extra = {}) =>
    appendLog(deps.db, {
      ...deps.logBase,
      id: newId('log', deps.clock.now().getTime()),
      event,
      idempotencyKey: key,
      at: deps.clock.now(),
      ...extra,
    });
}

/**
 * After a write whose outcome is unknown, or a worker that died mid-write: read the object and settle
 * only what the live value proves. Holding the new value proves the write took effect; anything else
 * stays unknown (never re-sent) until a later reconciliation can tell.
 */
export async function settleUnknown(
  deps: WriteDeps,
  target: WriteTarget,
  why: string,
): Promise<WriteOutcome> {
  const log = logger(deps);
  let live: string | number | null;
  try {
    live = await readLiveValue(deps.client, target, deps.accountId);
  } catch (e) {
    const detail = `${why}; reading it back failed too (${toAppError(e).message}); not re-sent`;
    await log('unknown', `${deps.keys.outcome}:unknown`, { reason: detail });
    return { outcome: 'unknown', detail };
  }
  if (live === target.to) {
    await log('reconciled', deps.keys.outcome, {
      observedValue: live,
      reason: `${why}; the live value shows it applied`,
    });
    return { outcome: 'applied', observed: live, reconciled: true, note: 'reconciled from live state' };
  }
  const detail = `${why}; the live value is ${String(live)}; not re-sent`;
  await log('unknown', `${deps.keys.outcome}:unknown`, { observedValue: live, reason: detail });
  return { outcome: 'unknown', detail };
}
