import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import {
  claimOutbox,
  markOutboxDone,
  markOutboxFailed,
  type OutboxRow,
  type OutboxTopic,
} from '../db/repos/outbox.js';
import { toAppError } from '../lib/errors.js';
import { SeamInterrupt } from './guarded-write.js';
import { processIdentity } from './process-identity.js';
import { runConfirmation } from './run-confirmation.js';

/** The payload of an `execute` / `rollback` outbox row (and BullMQ job): a confirmation id, never a token. */
export const confirmationJobSchema = z.object({
  v: z.literal(1),
  confirmationId: z.string().regex(/^conf_[0-9A-Z]+$/),
});

export type OutboxHandler = (payload: Record<string, unknown>, row: OutboxRow) => Promise<unknown>;
export type OutboxHandlers = Partial<Record<OutboxTopic, OutboxHandler>>;

/** The write path's handlers: both topics run the confirmation their payload names. */
export function writeHandlers(ctx: AppContext): OutboxHandlers {
  const run: OutboxHandler = async (payload) =>
    runConfirmation(ctx, confirmationJobSchema.parse(payload).confirmationId);
  return { execute: run, rollback: run };
}

export interface DrainResult {
  handled: Array<{
    id: string;
    topic: OutboxTopic;
    dedupeKey: string;
    ok: boolean;
    result?: unknown;
    error?: string;
  }>;
}

const RETRY_AFTER_MS = 5_000;
const MAX_ATTEMPTS = 5;

/**
 * The in-process runner used when there is no Redis: claims due outbox rows (and rows whose claimer
 * died) for this process and hands each to its topic's handler; done on success, pending again (then
 * failed after MAX_ATTEMPTS) on failure. The BullMQ relay replaces only this function: it claims with
 * claimOutbox, enqueues, and marks rows with markOutboxDone / markOutboxFailed.
 */
export async function drainOutbox(
  ctx: AppContext,
  handlers: OutboxHandlers,
  opts: { maxRows?: number } = {},
): Promise<DrainResult> {
  const { db } = await ctx.database();
  const me = await processIdentity(ctx);
  const topics = Object.keys(handlers) as OutboxTopic[];
  const handled: DrainResult['handled'] = [];
  const max = opts.maxRows ?? 100;
  while (handled.length < max && topics.length > 0) {
    const rows = await claimOutbox(db, {
      owner: me.id,
      now: ctx.clock.now(),
      leaseMs: me.leaseMs,
      limit: Math.min(10, max - handled.length),
      topics,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      try {
        const result = await handlers[row.topic]!(row.payload, row);
        await markOutboxDone(db, row.id, ctx.clock.now());
        handled.push({ id: row.id, topic: row.topic, dedupeKey: row.dedupeKey, ok: true, result });
      } catch (e) {
        if (e instanceof SeamInterrupt) throw e;
        const message = ctx.redactor.string(toAppError(e).message);
        await markOutboxFailed(db, row.id, {
          error: message,
          now: ctx.clock.now(),
          retryAfterMs: RETRY_AFTER_MS,
          maxAttempts: MAX_ATTEMPTS,
        });
        handled.push({ id: row.id, topic: row.topic, dedupeKey: row.dedupeKey, ok: false, error: message });
      }
    }
  }
  return { handled };
}
