import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { type ActionLogRow, appliedWrites, rollbacksOf } from '../db/repos/action-log.js';
import {
  type ConfirmationRow,
  type ConfirmationTarget,
  recordConfirmation,
} from '../db/repos/confirmations.js';
import { type Actor, actorLabel } from '../domain/actor.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { agentConfigOf } from './agent-config.js';
import { resolveAgent } from './agent-scope.js';
import { type Confirmation, confirmationView } from './execute.js';
import { type ConfirmWord, refuseUnlessConfirmed, refuseUnlessPermitted } from './execution-guard.js';
import type { WriteSeams } from './guarded-write.js';
import { openRollbackRun } from './rollback-run.js';

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
  kind: 'rollback';
  adAccountId: string;
  currency: string;
  /** Null when nothing was confirmed (nothing to roll back). */
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

export interface ConfirmRollbackInput {
  adAccount?: string;
  confirm: ConfirmWord;
  actor: Actor;
  /** How many of the newest applied writes inside the window to undo. */
  limit: number;
  /** Only these logged writes (a follow-up's Roll back button); still only inside the window. */
  logIds?: string[];
}

/**
 * Records an operator's confirmation to undo the newest applied writes inside the rollback window,
 * newest first, after the refusal checks (permission, confirmation word, halted agent, something to roll
 * back). Stores the exact writes to undo (action-log ids, each with the value it expects live and the value
 * it restores) and the outbox row that asks for it to run, in one transaction. Writes nothing to Meta.
 * Throws AppError `nothing_to_do` (details.result: a RollbackResult saying why) when nothing qualifies.
 */
export async function confirmRollback(ctx: AppContext, input: ConfirmRollbackInput): Promise<Confirmation> {
  const { db, agent, connection } = await resolveAgent(ctx, input.adAccount);
  const config = agentConfigOf(agent);
  refuseUnlessPermitted(input.actor, 'confirm_rollback', config, agent, 'confirming a rollback');
  refuseUnlessConfirmed(agent, connection, input.confirm, 'rolling back');
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - config.rollbackWindowHours * 3_600_000);
  const { applied, undone, candidates } = await rollbackCandidates(
    db,
    agent.id,
    since,
    input.limit,
    input.logIds,
  );
  if (candidates.length === 0) {
    const outsideWindow = (await appliedWrites(db, agent.id, { before: since })).length;
    const result: RollbackResult = {
      kind: 'rollback',
      adAccountId: agent.adAccountId,
      currency: agent.currency,
      confirmationId: null,
      windowHours: config.rollbackWindowHours,
      rolled_back: 0,
      refused: 0,
      failed: 0,
      results: [],
      outsideWindow,
      alreadyRolledBack: applied.filter((a) => undone.has(a.id)).length,
    };
    throw new AppError({
      code: 'nothing_to_do',
      verdict: 'invalid',
      message: `Nothing to roll back within ${config.rollbackWindowHours} h. Nothing was written.`,
      details: { result },
    });
  }
  const confirmation = await recordConfirmation(
    db,
    {
      id: newId('conf', now.getTime()),
      agentId: agent.id,
      kind: 'rollback',
      planId: null,
      confirmWord: input.confirm,
      confirmedBy: actorLabel(input.actor),
      confirmedAt: now,
      targets: candidates.map(rollbackTarget),
    },
    newId('obx', now.getTime()),
  );
  ctx.logger.info('rollback confirmed', {
    confirmationId: confirmation.id,
    actor: confirmation.confirmedBy,
    targets: candidates.map((c) => c.id),
  });
  return confirmationView(confirmation, agent.adAccountId, agent.currency);
}

/**
 * Our applied writes since `since` that are not rolled back yet, newest first: what a rollback would
 * undo (`candidates`, at most `limit`). The confirmation modal shows exactly these before anyone confirms.
 */
export async function rollbackCandidates(
  db: Db,
  agentId: string,
  since: Date,
  limit: number,
  only?: readonly string[],
): Promise<{ applied: ActionLogRow[]; undone: Set<string | null>; candidates: ActionLogRow[] }> {
  const applied = (await appliedWrites(db, agentId, { since })).filter((w) => w.planActionId !== null);
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
  const wanted = only ? new Set(only) : null;
  return {
    applied,
    undone,
    candidates: applied.filter((a) => !undone.has(a.id) && (!wanted || wanted.has(a.id))).slice(0, limit),
  };
}

/** The write that undoes an applied write: it expects what we wrote and restores what was there. */
function rollbackTarget(w: ActionLogRow): ConfirmationTarget {
  return {
    actionId: w.planActionId!,
    key: w.actionKey ?? w.id,
    logId: w.id,
    type: w.type,
    level: w.level,
    entityId: w.entityId,
    entityName: w.entityName,
    from: w.toValue,
    to: w.fromValue,
  };
}

/**
 * Runs a rollback confirmation's targets, newest first (called by runConfirmation). Each is itself a
 * guarded write on the same path as execution — claim (owner recorded), re-read live, refuse if the object
 * no longer holds what we wrote, intent, write, read back, log — and is never done twice for one write.
 */
export async function runRollback(
  ctx: AppContext,
  confirmation: ConfirmationRow,
  opts: { seams?: WriteSeams | undefined },
): Promise<RollbackResult> {
  const run = await openRollbackRun(ctx, confirmation, opts.seams);
  try {
    const config = agentConfigOf(run.agent);
    const results: RollbackItem[] = [];
    const refusal = run.refusal();
    for (const target of confirmation.targets) {
      const base = {
        logId: target.logId!,
        key: target.key,
        type: target.type,
        level: target.level,
        entityId: target.entityId,
        entityName: target.entityName,
        from: target.to,
        to: target.from,
      };
      results.push({
        ...base,
        ...(refusal ? { outcome: 'refused' as const, reason: refusal } : await run.rollbackTarget(target)),
      });
    }
    const count = (o: RollbackItem['outcome']) => results.filter((r) => r.outcome === o).length;
    return {
      kind: 'rollback',
      adAccountId: run.agent.adAccountId,
      currency: run.agent.currency,
      confirmationId: confirmation.id,
      windowHours: config.rollbackWindowHours,
      rolled_back: count('rolled_back'),
      refused: count('refused'),
      failed: count('failed') + count('unknown'),
      results,
      outsideWindow: 0,
      alreadyRolledBack: 0,
    };
  } finally {
    run.close();
  }
}
