import type { AppContext } from '../app/context.js';
import {
  type ConfirmationRow,
  confirmationById,
  finishConfirmation,
  takeConfirmationRun,
} from '../db/repos/confirmations.js';
import { markOutboxDoneByKey } from '../db/repos/outbox.js';
import { AppError } from '../lib/errors.js';
import { type ExecuteResult, runExecution } from './execute.js';
import type { WriteSeams } from './guarded-write.js';
import { checkAfterWrites } from './kill-switch.js';
import { type ProcessIdentity, processIdentity } from './process-identity.js';
import { type RollbackResult, runRollback } from './rollback.js';

export interface RunConfirmationOptions {
  /** Test seams; default: the configured crash point, if any (METABUYER_CRASH_AT). */
  seams?: WriteSeams;
  /** How long to wait for another live process already running it (default 10 min). */
  waitMs?: number;
  /** How often to look while waiting. */
  pollMs?: number;
}

/**
 * Runs a recorded confirmation: exactly its targets, nothing else. Idempotent: one process runs it at a
 * time (the run is claimed with this process's identity); a caller that finds it running in another live
 * process waits for its result; a run abandoned by a dead process (or stopped in this one) is taken over,
 * and every target already settled reports its stored outcome instead of being written again. A finished
 * confirmation returns the result stored with it, so every caller sees the same outcome.
 * Its outbox row is marked done when it finishes, whoever ran it.
 */
export async function runConfirmation(
  ctx: AppContext,
  confirmationId: string,
  opts: RunConfirmationOptions = {},
): Promise<ExecuteResult | RollbackResult> {
  const { db } = await ctx.database();
  const me = await processIdentity(ctx);
  const deadline = Date.now() + (opts.waitMs ?? 10 * 60_000);
  for (;;) {
    const conf = await confirmationById(db, confirmationId);
    if (!conf) {
      throw new AppError({
        code: 'confirmation_not_found',
        verdict: 'invalid',
        message: `There is no confirmation ${confirmationId}.`,
      });
    }
    if (conf.status === 'done') return storedResult(conf);
    if (await mayTake(conf, me)) {
      const previous = conf.status === 'pending' ? null : conf.runnerId;
      if (await takeConfirmationRun(db, conf.id, me.id, previous)) {
        me.running.add(conf.id);
        try {
          const result =
            conf.kind === 'execute'
              ? await runExecution(ctx, conf, { seams: opts.seams })
              : await runRollback(ctx, conf, { seams: opts.seams });
          const now = ctx.clock.now();
          const done = await finishConfirmation(
            db,
            conf.id,
            now,
            result as unknown as Record<string, unknown>,
          );
          await markOutboxDoneByKey(db, conf.id, now);
          ctx.logger.info('confirmation finished', { confirmationId: conf.id, kind: conf.kind });
          // Repeated failed writes trip the kill switch (src/ops/kill-switch.ts); never fails the run.
          await checkAfterWrites(ctx, conf.agentId).catch((e: unknown) =>
            ctx.logger.error('kill switch check failed', {
              confirmationId: conf.id,
              error: (e as Error).message,
            }),
          );
          return storedResult(done);
        } finally {
          me.running.delete(conf.id);
        }
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new AppError({
        code: 'confirmation_busy',
        verdict: 'retry',
        message: `Confirmation ${conf.id} is still being run by another process; its result will be in the action log.`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 200));
  }
}

/** Free to run: pending, or its runner stopped (dead, or this process without a run in progress). */
async function mayTake(conf: ConfirmationRow, me: ProcessIdentity): Promise<boolean> {
  if (conf.status === 'pending' || conf.runnerId === null) return true;
  if (conf.runnerId === me.id) return !me.running.has(conf.id);
  return !(await me.isAlive(conf.runnerId));
}

function storedResult(conf: ConfirmationRow): ExecuteResult | RollbackResult {
  return conf.result as unknown as ExecuteResult | RollbackResult;
}

/** Whether a result is an execution's (else a rollback's). */
export function isExecuteResult(r: ExecuteResult | RollbackResult): r is ExecuteResult {
  return r.kind === 'execute';
}
