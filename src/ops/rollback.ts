import type { AppContext } from '../app/context.js';
import { type ActionLogRow, appliedWrites, rollbacksOf } from '../db/repos/action-log.js';
import { markConfirmation, recordConfirmation } from '../db/repos/confirmations.js';
import { moveAction } from '../db/repos/plans.js';
import { toAppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { agentConfigOf } from './agent-config.js';
import { resolveAgent } from './agent-scope.js';
import { withMeta } from './credentials.js';
import { type ConfirmWord, refuseUnlessConfirmed } from './execution-guard.js';
import { guardedWrite, SeamInterrupt, type WriteSeams } from './guarded-write.js';

export interface RollbackItem {
  logId: string;
  key: string | null;
  type: string;
  level: string;
  entityId: string;
  entityName: string | null;
  /** What the write changed: rolling back writes `from` again. */
  from: string | number;
  to: string | number;
  outcome: 'rolled_back' | 'refused' | 'failed' | 'unknown';
  reason: string | null;
}

export interface RollbackResult {
  adAccountId: string;
  currency: string;
  confirmationId: string | null;
  windowHours: number;
  rolled_back: number;
  refused: number;
  failed: number;
  results: RollbackItem[];
  /** Applied writes older than the window, which can no longer be rolled back. */
  outsideWindow: number;
  /** Writes inside the window that were already rolled back (a write is rolled back at most once). */
  alreadyRolledBack: number;
}

/**
 * Undoes the newest applied writes inside the rollback window, newest first. Each rollback is itself a
 * confirmed, guarded, logged write: refused (and logged) when the object no longer holds what we wrote,
 * and never done twice for the same write.
 */
export async function rollbackActions(
  ctx: AppContext,
  input: { adAccount?: string; confirm: ConfirmWord; actor: string; limit: number; seams?: WriteSeams },
): Promise<RollbackResult> {
  const { db, agent, connection } = await resolveAgent(ctx, input.adAccount);
  refuseUnlessConfirmed(agent, connection, input.confirm, 'rolling back');
  const config = agentConfigOf(agent);
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - config.rollbackWindowHours * 3_600_000);
  const applied = await appliedWrites(db, agent.id, { since });
  const undone = new Set(
    (
      await rollbacksOf(
        db,
        applied.map((a) => a.id),
      )
    )
      .filter((r) => r.event === 'applied' || r.event === 'reconciled')
      .map((r) => r.rollbackOf),
  );
  const candidates = applied.filter((a) => !undone.has(a.id)).slice(0, input.limit);
  const outsideWindow = (await appliedWrites(db, agent.id, { before: since })).length;
  const base = {
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    windowHours: config.rollbackWindowHours,
    outsideWindow,
    alreadyRolledBack: applied.filter((a) => undone.has(a.id)).length,
  };
  if (candidates.length === 0) {
    return { ...base, confirmationId: null, rolled_back: 0, refused: 0, failed: 0, results: [] };
  }
  const confirmation = await recordConfirmation(db, {
    id: newId('conf', now.getTime()),
    agentId: agent.id,
    kind: 'rollback',
    planId: null,
    confirmWord: input.confirm,
    confirmedBy: input.actor,
    confirmedAt: now,
    targets: candidates.map((c) => c.id),
  });
  await markConfirmation(db, confirmation.id, 'running', now);
  const results: RollbackItem[] = [];
  await withMeta(ctx, connection, async (client) => {
    for (const write of candidates) {
      try {
        results.push(await rollbackOne(write));
      } catch (e) {
        if (e instanceof SeamInterrupt) throw e.inner;
        results.push({
          ...describe(write),
          outcome: 'failed',
          reason: ctx.redactor.string(toAppError(e).message),
        });
      }
    }

    async function rollbackOne(write: ActionLogRow): Promise<RollbackItem> {
      // Claim the action first (applied → rolled_back, compare-and-set): of two rollbacks racing for the
      // same write, only one proceeds. The claim is released if the rollback does not happen.
      const claimed = write.planActionId
        ? await moveAction(db, write.planActionId, ['applied'], 'rolled_back', ctx.clock.now())
        : undefined;
      if (write.planActionId && !claimed) {
        return {
          ...describe(write),
          outcome: 'refused',
          reason: 'already rolled back, or being rolled back by someone else',
        };
      }
      const release = async () => {
        if (write.planActionId)
          await moveAction(db, write.planActionId, ['rolled_back'], 'applied', ctx.clock.now());
      };
      let outcome: Awaited<ReturnType<typeof guardedWrite>>;
      try {
        outcome = await guardedWrite(
          {
            db,
            client,
            clock: ctx.clock,
            accountId: agent.adAccountId,
            seams: input.seams ?? {},
            keys: {
              intent: `rollback:${write.id}:${confirmation.id}:intent`,
              outcome: `rollback:${write.id}:${confirmation.id}:outcome`,
            },
            logBase: {
              agentId: agent.id,
              adAccountId: agent.adAccountId,
              kind: 'rollback',
              planId: write.planId,
              planActionId: write.planActionId,
              actionKey: write.actionKey,
              confirmationId: confirmation.id,
              rollbackOf: write.id,
              type: write.type,
              level: write.level,
              entityId: write.entityId,
              entityName: write.entityName,
              fromValue: write.toValue,
              toValue: write.fromValue,
              approvedBy: [],
              confirmedBy: input.actor,
              environment: connection.environment,
            },
          },
          {
            type: write.type,
            level: write.level,
            entityId: write.entityId,
            expected: write.toValue,
            to: write.fromValue,
          },
        );
      } catch (e) {
        if (!(e instanceof SeamInterrupt)) await release();
        throw e;
      }
      switch (outcome.outcome) {
        case 'applied':
          return { ...describe(write), outcome: 'rolled_back', reason: outcome.note };
        case 'stale':
          await release();
          return {
            ...describe(write),
            outcome: 'refused',
            reason: `the object no longer holds what we wrote: live ${String(outcome.observed)}, we wrote ${String(write.toValue)}; someone changed it since, so it is left alone`,
          };
        case 'failed':
          await release();
          return {
            ...describe(write),
            outcome: 'failed',
            reason: ctx.redactor.string(outcome.error.message),
          };
        case 'unknown':
          return { ...describe(write), outcome: 'unknown', reason: outcome.detail };
      }
    }
  });
  const count = (o: RollbackItem['outcome']) => results.filter((r) => r.outcome === o).length;
  const result = {
    ...base,
    confirmationId: confirmation.id,
    rolled_back: count('rolled_back'),
    refused: count('refused'),
    failed: count('failed') + count('unknown'),
    results,
  };
  await markConfirmation(db, confirmation.id, 'done', ctx.clock.now(), {
    rolled_back: result.rolled_back,
    refused: result.refused,
    failed: result.failed,
  });
  return result;
}

function describe(w: ActionLogRow) {
  return {
    logId: w.id,
    key: w.actionKey,
    type: w.type,
    level: w.level,
    entityId: w.entityId,
    entityName: w.entityName,
    from: w.fromValue,
    to: w.toValue,
  };
}
