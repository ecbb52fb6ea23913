import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { claimAction, settleAction } from '../db/repos/action-claims.js';
import { type ActionLogRow, logByIdempotencyKey } from '../db/repos/action-log.js';
import { type AgentRow, agentById } from '../db/repos/agents.js';
import type { ConfirmationRow } from '../db/repos/confirmations.js';
import { type ConnectionRow, connectionById } from '../db/repos/connections.js';
import { approversOf } from '../db/repos/decisions.js';
import { actionById, type PlanActionRow, type PlanRow, planById } from '../db/repos/plans.js';
import { loadSnapshot, runById } from '../db/repos/runs.js';
import { type ActionStatus, claimableStatuses, executionReadiness } from '../domain/action-state.js';
import { checkActionAgainstGuardrails } from '../domain/guardrails.js';
import type { ActionSpec } from '../domain/recommendation.js';
import type { EntityMeta, Snapshot } from '../domain/snapshot.js';
import { AppError, toAppError } from '../lib/errors.js';
import type { MetaClient } from '../meta/client.js';
import { explainDrift } from './activities.js';
import { agentConfigOf } from './agent-config.js';
import { crashSeams } from './crash-points.js';
import { openAccessToken } from './credentials.js';
import type { ExecuteOutcome } from './execute.js';
import {
  atSeam,
  guardedWrite,
  logger,
  readLiveValue,
  SeamInterrupt,
  type WriteDeps,
  type WriteOutcome,
  type WriteSeams,
} from './guarded-write.js';
import { recentWrites } from './history.js';
import { withObjectLock } from './object-lock.js';
import { processIdentity } from './process-identity.js';

/**
 * An action whose write has no known outcome is not re-sent before this long after it went unknown: a
 * slow write may still land, and only then does the old value live prove it never took effect.
 */
export const UNKNOWN_GRACE_MS = 5 * 60_000;

export interface ExecutionRun {
  readonly db: Db;
  readonly agent: AgentRow;
  readonly connection: ConnectionRow;
  readonly seams: WriteSeams;
  /** A reason every target is skipped at run time (halted, execution disabled, plan replaced), or null. */
  refusal(): string | null;
  /** Executes one target under its object's lock; never throws except for a crash seam. */
  executeTarget(actionId: string): Promise<TargetOutcome>;
  /**
   * Settles an action left `executing` by a dead owner, or `unknown`, from live state alone (reconcile).
   * `retry` means the write provably never took effect: the action is approved again for its
   * confirmation to run.
   */
  settleAbandoned(actionId: string): Promise<TargetOutcome | { outcome: 'retry'; reason: string }>;
  close(): void;
}

export interface TargetOutcome {
  outcome: ExecuteOutcome;
  reason: string | null;
}

const FINAL: readonly ActionStatus[] = ['applied', 'failed', 'stale', 'rolling_back', 'rolled_back'];

/** Opens what running an execute confirmation needs: its agent, plan, snapshot, approvers and a Meta client. */
export async function openExecutionRun(
  ctx: AppContext,
  confirmation: ConfirmationRow,
  seams: WriteSeams | undefined,
): Promise<ExecutionRun> {
  const { db } = await ctx.database();
  const me = await processIdentity(ctx);
  const agent = await agentById(db, confirmation.agentId);
  const connection = agent ? await connectionById(db, agent.connectionId) : undefined;
  const plan = confirmation.planId ? await planById(db, confirmation.planId) : undefined;
  if (!agent || !connection || !plan) {
    throw new AppError({
      code: 'confirmation_orphaned',
      verdict: 'invalid',
      message: `Confirmation ${confirmation.id} names an agent, connection or plan that no longer exists; nothing was written.`,
    });
  }
  const run = await runById(db, plan.runId);
  const snapshot = await loadSnapshot(db, run!);
  const approvers = await approversOf(
    db,
    confirmation.targets.map((t) => t.actionId),
  );
  const client = ctx.metaClient(openAccessToken(ctx, connection));
  const live = new LiveEntities(client, snapshot);
  const activeSeams = seams ?? crashSeams(ctx.config.writePath.crashAt);
  const config = agentConfigOf(agent);

  const exec: ExecutionRun = {
    db,
    agent,
    connection,
    seams: activeSeams,
    refusal: () => runRefusal(agent, connection, plan, confirmation),
    close: () => client.close(),
    async executeTarget(actionId) {
      try {
        return await withObjectLock(ctx, await entityOf(actionId), () => executeLocked(actionId));
      } catch (e) {
        if (e instanceof SeamInterrupt) throw e.inner;
        return { outcome: 'failed', reason: ctx.redactor.string(toAppError(e).message) };
      }
    },
    async settleAbandoned(actionId) {
      return withObjectLock(ctx, await entityOf(actionId), async () => {
        const action = (await actionById(db, actionId))!;
        return settleLocked(action);
      });
    },
  };
  return exec;

  async function entityOf(actionId: string): Promise<string> {
    const action = await actionById(db, actionId);
    if (!action) throw new AppError({ code: 'action_not_found', verdict: 'invalid', message: actionId });
    return action.entityId;
  }

  async function executeLocked(actionId: string): Promise<TargetOutcome> {
    let action = (await actionById(db, actionId))!;
    if (action.status === 'executing' || action.status === 'unknown') {
      const settled = await settleLocked(action);
      if (settled.outcome !== 'retry') return settled;
      action = (await actionById(db, actionId))!;
    }
    if (FINAL.includes(action.status as ActionStatus)) return derived(action);
    const readiness = executionReadiness(action.status as ActionStatus, action.requiresApproval);
    if (!readiness.ready) return { outcome: 'skipped', reason: readiness.reason };
    const claimed = await claimAction(
      db,
      action.id,
      claimableStatuses(action.requiresApproval),
      'executing',
      { owner: me.id, confirmationId: confirmation.id, now: ctx.clock.now() },
    );
    if (!claimed) return { outcome: 'skipped', reason: 'in_progress' };
    await atSeam(activeSeams.afterClaim, action.entityId);

    const spec = toSpec(action);
    let entities: EntityMeta[];
    try {
      live.forget(action.entityId);
      entities = await live.around(action.entityId, action.level);
    } catch (e) {
      await settleAction(db, action.id, ['executing'], 'approved', ctx.clock.now(), null);
      throw e;
    }
    const target = entities.find((e) => e.id === action.entityId);
    const liveValue = target ? (spec.type === 'set_status' ? target.status : target.dailyBudget) : null;
    const d = deps(action);
    if (liveValue === spec.from) {
      const verdict = checkActionAgainstGuardrails(
        spec,
        { account: snapshot.account, entities },
        await recentWrites(db, agent!.id, ctx.clock.now()),
        config,
        ctx.clock.now().toISOString(),
        action.recommendationId,
      );
      if (verdict.outcome !== 'allowed') {
        const event = verdict.events.at(-1);
        const reason = `guardrail ${event?.guardrail ?? 'unknown'}: ${event?.detail ?? 'refused'}`;
        await settleAction(db, action.id, ['executing'], 'approved', ctx.clock.now(), reason);
        return { outcome: 'skipped', reason };
      }
    }
    return settle(action, await guardedWrite(d, { ...spec, expected: spec.from }, liveValue));
  }

  /**
   * Under the object's lock, an `executing` action is being written only if its owner is another live
   * process; otherwise its attempt was abandoned. The log and the live value decide what happened: an
   * outcome already logged is applied to the status; no intent means nothing was sent; the new value live
   * means it applied (logged once, as reconciled); the old value live means it never took effect and may
   * be written (by its confirmation); anything else means someone changed the object: stale.
   */
  async function settleLocked(
    action: PlanActionRow,
  ): Promise<TargetOutcome | { outcome: 'retry'; reason: string }> {
    const status = action.status as ActionStatus;
    if (status !== 'executing' && status !== 'unknown') {
      return FINAL.includes(status) ? derived(action) : { outcome: 'retry', reason: 'not in flight' };
    }
    if (status === 'executing' && action.ownerId !== me.id && (await me.isAlive(action.ownerId))) {
      return { outcome: 'skipped', reason: 'in_progress' };
    }
    // Owned by this process: whoever here was writing it would hold the lock we hold, so it stopped.
    const d = deps(action);
    const done = await logByIdempotencyKey(db, d.keys.outcome);
    if (done) return applyLoggedOutcome(action, done);
    const intent = await logByIdempotencyKey(db, d.keys.intent);
    if (!intent) {
      await settleAction(db, action.id, [status], 'approved', ctx.clock.now(), null);
      return { outcome: 'retry', reason: 'the previous attempt stopped before writing' };
    }
    const spec = toSpec(action);
    let liveValue: string | number | null;
    try {
      liveValue = await readLiveValue(client, spec, agent!.adAccountId);
    } catch (e) {
      return {
        outcome: 'unknown',
        reason: `a previous attempt has no known outcome and the object could not be read (${ctx.redactor.string(toAppError(e).message)})`,
      };
    }
    const log = logger(d);
    if (liveValue === spec.to) {
      await log('reconciled', d.keys.outcome, {
        observedValue: liveValue,
        reason: 'a previous attempt ended without a known outcome; the live value shows it applied',
      });
      await settleAction(db, action.id, [status], 'applied', ctx.clock.now(), 'reconciled from live state');
      live.forget(action.entityId);
      return { outcome: 'applied', reason: 'reconciled from live state' };
    }
    if (liveValue === spec.from) {
      const since = ctx.clock.now().getTime() - action.updatedAt.getTime();
      if (status === 'unknown' && since < UNKNOWN_GRACE_MS) {
        return {
          outcome: 'unknown',
          reason: `a previous attempt has no known outcome yet (live ${show(liveValue)}); it is not re-sent before ${new Date(action.updatedAt.getTime() + UNKNOWN_GRACE_MS).toISOString()}`,
        };
      }
      await settleAction(db, action.id, [status], 'approved', ctx.clock.now(), null);
      return { outcome: 'retry', reason: 'the previous attempt did not take effect' };
    }
    const reason = await staleReason(action, liveValue);
    await log('stale', d.keys.outcome, { observedValue: liveValue, reason });
    await settleAction(db, action.id, [status], 'stale', ctx.clock.now(), reason);
    return { outcome: 'skipped', reason };
  }

  async function applyLoggedOutcome(action: PlanActionRow, entry: ActionLogRow): Promise<TargetOutcome> {
    const to: ActionStatus =
      entry.event === 'applied' || entry.event === 'reconciled'
        ? 'applied'
        : entry.event === 'stale'
          ? 'stale'
          : 'failed';
    const settled = await settleAction(
      db,
      action.id,
      [action.status as ActionStatus],
      to,
      ctx.clock.now(),
      entry.reason,
    );
    return derived(settled ?? action);
  }

  async function settle(action: PlanActionRow, outcome: WriteOutcome): Promise<TargetOutcome> {
    const t = ctx.clock.now();
    switch (outcome.outcome) {
      case 'applied':
        await settleAction(db, action.id, ['executing'], 'applied', t, outcome.note);
        live.forget(action.entityId);
        return { outcome: 'applied', reason: outcome.note };
      case 'stale': {
        const reason = await staleReason(action, outcome.observed);
        await settleAction(db, action.id, ['executing'], 'stale', ctx.clock.now(), reason);
        return { outcome: 'skipped', reason };
      }
      case 'failed': {
        const reason = ctx.redactor.string(outcome.error.message);
        await settleAction(db, action.id, ['executing'], 'failed', t, reason);
        return { outcome: 'failed', reason };
      }
      case 'unknown':
        await settleAction(db, action.id, ['executing'], 'unknown', t, outcome.detail);
        return { outcome: 'unknown', reason: outcome.detail };
    }
  }

  /** "stale: live 30000, plan expected 15000 — changed by Jane Buyer (person) at … after this plan: …". */
  async function staleReason(action: PlanActionRow, observed: unknown): Promise<string> {
    const base = `stale: live ${show(observed)}, plan expected ${show(action.fromValue)}`;
    const why = await explainDrift(ctx, db, client, {
      adAccountId: agent!.adAccountId,
      currency: agent!.currency,
      objectId: action.entityId,
      after: plan!.createdAt,
    });
    return why ? `${base} — ${why}` : base;
  }

  /** The outcome an action already settled shows (a re-run reports it; it never writes again). */
  function derived(action: PlanActionRow): TargetOutcome {
    const mine = action.confirmationId === confirmation.id;
    switch (action.status as ActionStatus) {
      case 'applied':
      case 'rolling_back':
      case 'rolled_back':
        return mine && action.status === 'applied'
          ? { outcome: 'applied', reason: action.reason }
          : { outcome: 'skipped', reason: 'already_executed' };
      case 'stale':
        return mine
          ? { outcome: 'skipped', reason: action.reason ?? 'stale' }
          : { outcome: 'skipped', reason: 'already_executed' };
      case 'failed':
        return mine
          ? { outcome: 'failed', reason: action.reason }
          : { outcome: 'skipped', reason: 'already_executed' };
      case 'unknown':
        return { outcome: 'unknown', reason: action.reason };
      default: {
        const r = executionReadiness(action.status as ActionStatus, action.requiresApproval);
        return { outcome: 'skipped', reason: r.ready ? 'not_confirmed' : r.reason };
      }
    }
  }

  function deps(action: PlanActionRow): WriteDeps {
    return {
      db,
      client,
      clock: ctx.clock,
      accountId: agent!.adAccountId,
      seams: activeSeams,
      keys: { intent: `execute:${action.id}:intent`, outcome: `execute:${action.id}:outcome` },
      logBase: {
        agentId: agent!.id,
        adAccountId: agent!.adAccountId,
        kind: 'execute',
        planId: action.planId,
        planActionId: action.id,
        actionKey: action.key,
        confirmationId: confirmation.id,
        rollbackOf: null,
        type: action.type,
        level: action.level,
        entityId: action.entityId,
        entityName: action.entityName,
        fromValue: action.fromValue,
        toValue: action.toValue,
        approvedBy: approvers.get(action.id) ?? [],
        confirmedBy: confirmation.confirmedBy,
        environment: connection!.environment,
      },
    };
  }
}

/** Checks repeated when the confirmation runs (it may run later, from a queue): they refuse every target. */
function runRefusal(
  agent: AgentRow,
  connection: ConnectionRow,
  plan: PlanRow,
  confirmation: ConfirmationRow,
): string | null {
  if (connection.revokedAt) return 'not_connected: the Meta connection was removed';
  if (connection.environment !== confirmation.confirmWord)
    return `confirm_mismatch: the connection is now ${connection.environment}`;
  if (agent.halted) return `halted: ${agent.haltedReason ?? 'the agent is halted'}`;
  if (!agent.executionEnabled) return 'execution_disabled';
  if (plan.status !== 'active') return `plan_superseded: by ${plan.supersededBy}`;
  return null;
}

export function toSpec(a: PlanActionRow): ActionSpec {
  return a.type === 'set_status'
    ? {
        type: 'set_status',
        level: a.level,
        entityId: a.entityId,
        from: a.fromValue as 'ACTIVE',
        to: a.toValue as 'PAUSED',
      }
    : {
        type: 'update_daily_budget',
        level: a.level,
        entityId: a.entityId,
        from: Number(a.fromValue),
        to: Number(a.toValue),
      };
}

export const show = (v: unknown) => (v === null || v === undefined ? 'nothing' : String(v));

/**
 * The objects the guardrails look at, live: the target and its ancestors are re-read from Meta (a person
 * may have paused the campaign since the plan); everything else comes from the plan's snapshot.
 */
class LiveEntities {
  private readonly byId: Map<string, EntityMeta>;
  private readonly fresh = new Map<string, EntityMeta>();

  constructor(
    private readonly client: MetaClient,
    snapshot: Snapshot,
  ) {
    this.byId = new Map(snapshot.entities.map((e) => [e.id, e]));
  }

  forget(id: string): void {
    this.fresh.delete(id);
  }

  async around(entityId: string, level: EntityMeta['level']): Promise<EntityMeta[]> {
    const target = this.byId.get(entityId);
    const chain = [entityId];
    if (target?.adsetId && target.adsetId !== entityId) chain.push(target.adsetId);
    if (target && target.campaignId !== entityId) chain.push(target.campaignId);
    const out: EntityMeta[] = [];
    for (const id of chain) {
      const known = this.byId.get(id);
      const lvl = id === entityId ? level : (known?.level ?? 'campaign');
      out.push(await this.read(id, lvl, known));
    }
    const descendants = [...this.byId.values()].filter(
      (e) => (e.campaignId === entityId || e.adsetId === entityId) && e.id !== entityId,
    );
    return [...out, ...descendants];
  }

  private async read(
    id: string,
    level: EntityMeta['level'],
    known: EntityMeta | undefined,
  ): Promise<EntityMeta> {
    const cached = this.fresh.get(id);
    if (cached) return cached;
    const live = await this.client.getLive(id, level);
    const entity: EntityMeta = {
      ...(known ?? {
        id,
        level,
        name: id,
        campaignId: id,
        adsetId: null,
        learningStage: null,
        lastSignificantEditAt: null,
      }),
      status: live.status as EntityMeta['status'],
      effectiveStatus: live.effectiveStatus ?? live.status,
      dailyBudget: live.dailyBudget,
    };
    this.fresh.set(id, entity);
    return entity;
  }
}
