import type { AppContext } from '../app/context.js';
import { claimAction, settleAction } from '../db/repos/action-claims.js';
import { type ActionLogRow, logById, logByIdempotencyKey } from '../db/repos/action-log.js';
import { type AgentRow, agentById } from '../db/repos/agents.js';
import {
  type ConfirmationRow,
  type ConfirmationTarget,
  confirmationById,
} from '../db/repos/confirmations.js';
import { connectionById } from '../db/repos/connections.js';
import { actionById, type PlanActionRow } from '../db/repos/plans.js';
import { AppError, toAppError } from '../lib/errors.js';
import { explainDrift } from './activities.js';
import { crashSeams } from './crash-points.js';
import { openAccessToken } from './credentials.js';
import { show } from './execute-run.js';
import {
  atSeam,
  guardedWrite,
  logger,
  readLiveValue,
  SeamInterrupt,
  type WriteDeps,
  type WriteSeams,
} from './guarded-write.js';
import { withObjectLock } from './object-lock.js';
import { processIdentity } from './process-identity.js';
import type { RollbackItem } from './rollback.js';

/** A rollback whose write has no known outcome is not given up on (and so not retried) before this. */
const UNKNOWN_GRACE_MS = 5 * 60_000;

type Outcome = Pick<RollbackItem, 'outcome' | 'reason'>;

export interface RollbackRun {
  readonly agent: AgentRow;
  refusal(): string | null;
  rollbackTarget(target: ConfirmationTarget): Promise<Outcome>;
  /** Settles a rollback left `rolling_back` by a dead owner (or with no known outcome) from live state. */
  settleAbandoned(actionId: string): Promise<Outcome | { outcome: 'retry'; reason: string }>;
  close(): void;
}

export async function openRollbackRun(
  ctx: AppContext,
  confirmation: ConfirmationRow,
  seams: WriteSeams | undefined,
): Promise<RollbackRun> {
  const { db } = await ctx.database();
  const me = await processIdentity(ctx);
  const agent = await agentById(db, confirmation.agentId);
  const connection = agent ? await connectionById(db, agent.connectionId) : undefined;
  if (!agent || !connection) {
    throw new AppError({
      code: 'confirmation_orphaned',
      verdict: 'invalid',
      message: `Confirmation ${confirmation.id} names an agent or connection that no longer exists; nothing was written.`,
    });
  }
  const client = ctx.metaClient(openAccessToken(ctx, connection));
  const activeSeams = seams ?? crashSeams(ctx.config.writePath.crashAt);

  /** Why a rollback is refused as stale, naming the outside change that explains it when one does. */
  async function staleRefusal(observed: unknown, write: ActionLogRow): Promise<string> {
    const base = staleReason(observed, write);
    const why = await explainDrift(ctx, db, client, {
      adAccountId: agent!.adAccountId,
      currency: agent!.currency,
      objectId: write.entityId,
      after: write.at,
    }).catch(() => null);
    return why ? `${base} — ${why}` : base;
  }

  return {
    agent,
    close: () => client.close(),
    refusal() {
      if (connection.revokedAt) return 'not_connected: the Meta connection was removed';
      if (connection.environment !== confirmation.confirmWord)
        return `confirm_mismatch: the connection is now ${connection.environment}`;
      if (agent.halted) return `halted: ${agent.haltedReason ?? 'the agent is halted'}`;
      return null;
    },
    async rollbackTarget(target) {
      try {
        return await withObjectLock(ctx, target.entityId, () => rollbackLocked(target));
      } catch (e) {
        if (e instanceof SeamInterrupt) throw e.inner;
        return { outcome: 'failed', reason: ctx.redactor.string(toAppError(e).message) };
      }
    },
    async settleAbandoned(actionId) {
      const action = await actionById(db, actionId);
      if (!action) return { outcome: 'refused', reason: 'no such action' };
      return withObjectLock(ctx, action.entityId, async () => {
        const now = (await actionById(db, actionId))!;
        if (now.status !== 'rolling_back') return { outcome: 'retry', reason: 'not in flight' };
        const write = await appliedWriteOf(now);
        if (!write) return { outcome: 'refused', reason: 'the write it undoes is not in the log' };
        return settleLocked(now, write);
      });
    },
  };

  async function appliedWriteOf(action: PlanActionRow): Promise<ActionLogRow | undefined> {
    // The confirmation that claimed it names the write (its target for this action).
    const conf =
      action.confirmationId === confirmation.id
        ? confirmation
        : await confirmationById(db, action.confirmationId ?? '');
    const target = conf?.targets.find((t) => t.actionId === action.id && t.logId);
    return target?.logId ? logById(db, target.logId) : undefined;
  }

  async function rollbackLocked(target: ConfirmationTarget): Promise<Outcome> {
    const write = await logById(db, target.logId!);
    let action = await actionById(db, target.actionId);
    if (!write || !action) return { outcome: 'refused', reason: 'the write is no longer in the log' };
    const keys = keysFor(write.id, confirmation.id);
    if (action.status === 'rolling_back') {
      const settled = await settleLocked(action, (await appliedWriteOf(action)) ?? write);
      if (settled.outcome !== 'retry') return settled;
      action = (await actionById(db, target.actionId))!;
    }
    // A previous run of this confirmation may have settled this write already: report, never redo.
    const done = await logByIdempotencyKey(db, keys.outcome);
    if (done) return loggedOutcome(done);
    if (action.status === 'rolled_back') {
      return { outcome: 'refused', reason: 'already rolled back' };
    }
    if (action.status !== 'applied') {
      return { outcome: 'refused', reason: `the action is ${action.status}, not applied` };
    }
    const claimed = await claimAction(db, action.id, ['applied'], 'rolling_back', {
      owner: me.id,
      confirmationId: confirmation.id,
      now: ctx.clock.now(),
    });
    if (!claimed) return { outcome: 'refused', reason: 'being rolled back by someone else' };
    await atSeam(activeSeams.afterClaim, write.entityId);
    const outcome = await guardedWrite(deps(write, confirmation.id), {
      type: write.type,
      level: write.level,
      entityId: write.entityId,
      expected: write.toValue,
      to: write.fromValue,
    });
    const t = ctx.clock.now();
    switch (outcome.outcome) {
      case 'applied':
        await settleAction(db, action.id, ['rolling_back'], 'rolled_back', t, outcome.note);
        return { outcome: 'rolled_back', reason: outcome.note };
      case 'stale': {
        await settleAction(db, action.id, ['rolling_back'], 'applied', t, null);
        return { outcome: 'refused', reason: await staleRefusal(outcome.observed, write) };
      }
      case 'failed':
        await settleAction(db, action.id, ['rolling_back'], 'applied', t, null);
        return { outcome: 'failed', reason: ctx.redactor.string(outcome.error.message) };
      case 'unknown':
        // Stays rolling_back with no owner: reconcile settles it from the live value.
        await settleAction(db, action.id, ['rolling_back'], 'rolling_back', t, outcome.detail);
        return { outcome: 'unknown', reason: outcome.detail };
    }
  }

  /**
   * Under the object's lock: a rollback in flight whose owner is another live process is left alone;
   * otherwise its log and the live value decide, exactly as for execution.
   */
  async function settleLocked(
    action: PlanActionRow,
    write: ActionLogRow,
  ): Promise<Outcome | { outcome: 'retry'; reason: string }> {
    if (action.ownerId && action.ownerId !== me.id && (await me.isAlive(action.ownerId))) {
      return { outcome: 'refused', reason: 'in_progress: being rolled back by another process' };
    }
    const claimer = action.confirmationId ?? confirmation.id;
    const keys = keysFor(write.id, claimer);
    const t = ctx.clock.now();
    const done = await logByIdempotencyKey(db, keys.outcome);
    if (done) {
      const undone = done.event === 'applied' || done.event === 'reconciled';
      await settleAction(db, action.id, ['rolling_back'], undone ? 'rolled_back' : 'applied', t, null);
      return undone || claimer === confirmation.id
        ? loggedOutcome(done)
        : { outcome: 'retry', reason: 'settled' };
    }
    const intent = await logByIdempotencyKey(db, keys.intent);
    if (!intent) {
      await settleAction(db, action.id, ['rolling_back'], 'applied', t, null);
      return { outcome: 'retry', reason: 'the previous attempt stopped before writing' };
    }
    let liveValue: string | number | null;
    try {
      liveValue = await readLiveValue(client, write, agent!.adAccountId);
    } catch (e) {
      return {
        outcome: 'unknown',
        reason: `a previous rollback has no known outcome and the object could not be read (${ctx.redactor.string(toAppError(e).message)})`,
      };
    }
    const log = logger(deps(write, claimer));
    if (liveValue === write.fromValue) {
      await log('reconciled', keys.outcome, {
        observedValue: liveValue,
        reason: 'a previous rollback ended without a known outcome; the live value shows it applied',
      });
      await settleAction(db, action.id, ['rolling_back'], 'rolled_back', t, 'reconciled from live state');
      return { outcome: 'rolled_back', reason: 'reconciled from live state' };
    }
    if (liveValue === write.toValue) {
      const since = t.getTime() - action.updatedAt.getTime();
      if (action.ownerId === null && since < UNKNOWN_GRACE_MS) {
        return {
          outcome: 'unknown',
          reason: `a previous rollback has no known outcome yet (live ${show(liveValue)}); it is not re-sent before ${new Date(action.updatedAt.getTime() + UNKNOWN_GRACE_MS).toISOString()}`,
        };
      }
      await settleAction(db, action.id, ['rolling_back'], 'applied', t, null);
      return { outcome: 'retry', reason: 'the previous rollback did not take effect' };
    }
    const reason = await staleRefusal(liveValue, write);
    await log('stale', keys.outcome, { observedValue: liveValue, reason });
    await settleAction(db, action.id, ['rolling_back'], 'applied', t, null);
    return { outcome: 'refused', reason };
  }

  function deps(write: ActionLogRow, confirmationId: string): WriteDeps {
    return {
      db,
      client,
      clock: ctx.clock,
      accountId: agent!.adAccountId,
      seams: activeSeams,
      keys: keysFor(write.id, confirmationId),
      logBase: {
        agentId: agent!.id,
        adAccountId: agent!.adAccountId,
        kind: 'rollback',
        planId: write.planId,
        planActionId: write.planActionId,
        actionKey: write.actionKey,
        confirmationId,
        rollbackOf: write.id,
        type: write.type,
        level: write.level,
        entityId: write.entityId,
        entityName: write.entityName,
        fromValue: write.toValue,
        toValue: write.fromValue,
        approvedBy: [],
        confirmedBy: confirmation.confirmedBy,
        environment: connection!.environment,
      },
    };
  }
}

function keysFor(logId: string, confirmationId: string) {
  return {
    intent: `rollback:${logId}:${confirmationId}:intent`,
    outcome: `rollback:${logId}:${confirmationId}:outcome`,
  };
}

function staleReason(observed: unknown, write: ActionLogRow): string {
  return `the object no longer holds what we wrote: live ${show(observed)}, we wrote ${show(write.toValue)}; someone changed it since, so it is left alone`;
}

function loggedOutcome(entry: ActionLogRow): Outcome {
  switch (entry.event) {
    case 'applied':
    case 'reconciled':
      return {
        outcome: 'rolled_back',
        reason: entry.event === 'reconciled' ? 'reconciled from live state' : null,
      };
    case 'stale':
      return { outcome: 'refused', reason: entry.reason };
    case 'unknown':
      return { outcome: 'unknown', reason: entry.reason };
    default:
      return { outcome: 'failed', reason: entry.reason };
  }
}
