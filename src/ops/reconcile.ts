import type { AppContext } from '../app/context.js';
import { actionsInFlight } from '../db/repos/action-claims.js';
import { agentByAccount } from '../db/repos/agents.js';
import { confirmationById, reopenConfirmation, unfinishedConfirmations } from '../db/repos/confirmations.js';
import { outboxByKey, reopenOutbox } from '../db/repos/outbox.js';
import { toAppError } from '../lib/errors.js';
import { normalizeAdAccountId } from './agent-scope.js';
import { openExecutionRun } from './execute-run.js';
import { drainOutbox, writeHandlers } from './outbox-runner.js';
import { processIdentity } from './process-identity.js';
import { openRollbackRun } from './rollback-run.js';
import { isExecuteResult } from './run-confirmation.js';

export interface ReconcileResult {
  /** Actions whose write was in flight when its owner died (or whose outcome was unknown), and how each ended. */
  settled: Array<{
    key: string;
    kind: 'execute' | 'rollback';
    entityId: string;
    /** applied | stale | failed | rolled_back | refused | unknown, or `retry` (never took effect: run again). */
    outcome: string;
    reason: string | null;
  }>;
  /** Confirmations whose runner died, given back to be run again. */
  reopened: string[];
  /** Confirmations run now by the in-process runner (no Redis), with their counts. */
  ran: Array<{ confirmationId: string; kind: 'execute' | 'rollback'; summary: Record<string, number> }>;
  /** Outbox rows that failed to run now (each will be retried). */
  failed: Array<{ dedupeKey: string; error: string }>;
}

/**
 * `metabuyer reconcile`: settles writes whose owner died, from live state (never writing blindly: only a
 * write whose intent was logged and whose object provably still holds the old value is written again, by
 * its own confirmation); gives abandoned confirmations and their outbox rows back; and, without Redis,
 * runs them now. With Redis the outbox relay picks them up.
 */
export async function reconcile(
  ctx: AppContext,
  input: { adAccount?: string } = {},
): Promise<ReconcileResult> {
  const { db } = await ctx.database();
  const me = await processIdentity(ctx);
  const agentId = input.adAccount
    ? (await agentByAccount(db, normalizeAdAccountId(input.adAccount)))?.id
    : undefined;
  const result: ReconcileResult = { settled: [], reopened: [], ran: [], failed: [] };

  for (const action of await actionsInFlight(db)) {
    if (!action.confirmationId) continue;
    if (action.ownerId && action.ownerId !== me.id && (await me.isAlive(action.ownerId))) continue;
    const conf = await confirmationById(db, action.confirmationId);
    if (!conf || (agentId && conf.agentId !== agentId)) continue;
    try {
      if (action.status === 'rolling_back') {
        const run = await openRollbackRun(ctx, conf, {});
        try {
          const out = await run.settleAbandoned(action.id);
          result.settled.push({ key: action.key, kind: 'rollback', entityId: action.entityId, ...out });
        } finally {
          run.close();
        }
      } else {
        const run = await openExecutionRun(ctx, conf, {});
        try {
          const out = await run.settleAbandoned(action.id);
          const outcome =
            out.outcome === 'skipped' && out.reason?.startsWith('stale') ? 'stale' : out.outcome;
          result.settled.push({
            key: action.key,
            kind: 'execute',
            entityId: action.entityId,
            outcome,
            reason: out.reason,
          });
        } finally {
          run.close();
        }
      }
    } catch (e) {
      result.settled.push({
        key: action.key,
        kind: action.status === 'rolling_back' ? 'rollback' : 'execute',
        entityId: action.entityId,
        outcome: 'unknown',
        reason: ctx.redactor.string(toAppError(e).message),
      });
    }
  }

  for (const conf of await unfinishedConfirmations(db)) {
    if (agentId && conf.agentId !== agentId) continue;
    if (conf.status === 'running') {
      const stopped = conf.runnerId === me.id ? !me.running.has(conf.id) : !(await me.isAlive(conf.runnerId));
      if (!stopped) continue;
      if (await reopenConfirmation(db, conf.id, conf.runnerId)) result.reopened.push(conf.id);
    }
    const row = await outboxByKey(db, conf.id);
    if (row && (row.state === 'done' || row.state === 'failed'))
      await reopenOutbox(db, conf.id, ctx.clock.now());
  }

  if (!ctx.config.redisUrl) {
    const drained = await drainOutbox(ctx, writeHandlers(ctx));
    for (const h of drained.handled) {
      if (!h.ok) {
        result.failed.push({ dedupeKey: h.dedupeKey, error: h.error ?? 'failed' });
        continue;
      }
      const r = h.result as Parameters<typeof isExecuteResult>[0];
      result.ran.push({
        confirmationId: h.dedupeKey,
        kind: r.kind,
        summary: isExecuteResult(r)
          ? { applied: r.applied, skipped: r.skipped, failed: r.failed }
          : { rolled_back: r.rolled_back, refused: r.refused, failed: r.failed },
      });
    }
  }
  ctx.logger.info('reconciled', {
    settled: result.settled.length,
    reopened: result.reopened.length,
    ran: result.ran.length,
  });
  return result;
}
