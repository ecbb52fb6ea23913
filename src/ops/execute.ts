import type { AppContext } from '../app/context.js';
import { logByIdempotencyKey } from '../db/repos/action-log.js';
import { markConfirmation, recordConfirmation } from '../db/repos/confirmations.js';
import { approversOf } from '../db/repos/decisions.js';
import { actionsOf, moveAction, type PlanActionRow } from '../db/repos/plans.js';
import { loadSnapshot, runById } from '../db/repos/runs.js';
import { type ActionStatus, claimableStatuses, executionReadiness } from '../domain/action-state.js';
import { checkActionAgainstGuardrails } from '../domain/guardrails.js';
import type { ActionSpec } from '../domain/recommendation.js';
import type { EntityMeta, Snapshot } from '../domain/snapshot.js';
import { AppError, toAppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { MetaClient } from '../meta/client.js';
import { agentConfigOf } from './agent-config.js';
import { resolveAgent } from './agent-scope.js';
import { withMeta } from './credentials.js';
import { type ConfirmWord, refuseUnlessConfirmed, requireExecutablePlan } from './execution-guard.js';
import {
  guardedWrite,
  readLiveValue,
  SeamInterrupt,
  settleUnknown,
  type WriteDeps,
  type WriteSeams,
} from './guarded-write.js';
import { recentWrites } from './history.js';

/** A worker that claimed an action and went silent for this long is presumed dead; its action is reconciled. */
export const EXECUTION_LEASE_MS = 5 * 60_000;

export type ExecuteOutcome = 'applied' | 'skipped' | 'failed' | 'unknown';
export interface ExecuteActionResult {
  key: string;
  outcome: ExecuteOutcome;
  /** Why it was skipped or failed, or a note on how it applied. */
  reason: string | null;
  type: string;
  level: string;
  entityId: string;
  entityName: string;
  from: string | number;
  to: string | number;
}
export interface ExecuteResult {
  adAccountId: string;
  currency: string;
  planId: string;
  confirmationId: string;
  environment: ConfirmWord;
  applied: number;
  skipped: number;
  failed: number;
  unknown: number;
  /** Skips by reason (rejected, approval_required, stale, guardrail, already_executed, in_progress). */
  skippedBy: Record<string, number>;
  results: ExecuteActionResult[];
}

export interface ExecuteInput {
  adAccount?: string;
  confirm: ConfirmWord;
  actor: string;
  /** The plan the operator reviewed; refused if it is no longer the active one. */
  planId?: string;
  seams?: WriteSeams;
}

/**
 * Executes the approved actions of the active plan. Refuses, writing nothing, when the confirmation word
 * does not match the connection, execution is disabled, the agent is halted, or the plan is superseded
 * or expired. The confirmation is recorded first; then each action is claimed with a compare-and-set
 * (so two executions at once never write the same action), re-checked against the guardrails and the
 * live object, written, read back and logged.
 */
export async function executeActions(ctx: AppContext, input: ExecuteInput): Promise<ExecuteResult> {
  const { db, agent, connection } = await resolveAgent(ctx, input.adAccount);
  const config = agentConfigOf(agent);
  refuseUnlessConfirmed(agent, connection, input.confirm, 'executing');
  if (!agent.executionEnabled) {
    throw new AppError({
      code: 'execution_disabled',
      verdict: 'invalid',
      message: `Refused: execution is disabled for ${agent.adAccountId}. Nothing was written. Enable it with \`metabuyer setup --execution-enabled true --apply\`.`,
    });
  }
  const now = ctx.clock.now();
  const plan = await requireExecutablePlan(ctx, agent, input.planId, now);
  const actions = await actionsOf(db, plan.id);
  const ready = actions.filter((a) => executionReadiness(a.status as ActionStatus, a.requiresApproval).ready);
  const confirmation = await recordConfirmation(db, {
    id: newId('conf', now.getTime()),
    agentId: agent.id,
    kind: 'execute',
    planId: plan.id,
    confirmWord: input.confirm,
    confirmedBy: input.actor,
    confirmedAt: now,
    targets: ready.map((a) => a.key),
  });
  await markConfirmation(db, confirmation.id, 'running', now);
  ctx.logger.info('execution confirmed', {
    confirmationId: confirmation.id,
    planId: plan.id,
    actor: input.actor,
    targets: ready.map((a) => a.key),
  });

  const run = await runById(db, plan.runId);
  const snapshot = await loadSnapshot(db, run!);
  const approvers = await approversOf(
    db,
    actions.map((a) => a.id),
  );
  const results: ExecuteActionResult[] = [];
  await withMeta(ctx, connection, async (client) => {
    const live = new LiveEntities(client, snapshot);
    for (const action of actions) {
      const base = describe(action);
      try {
        results.push({ ...base, ...(await executeOne(action)) });
      } catch (e) {
        if (e instanceof SeamInterrupt) throw e.inner;
        const err = toAppError(e);
        results.push({ ...base, outcome: 'failed', reason: ctx.redactor.string(err.message) });
      }
    }

    async function executeOne(
      action: PlanActionRow,
    ): Promise<{ outcome: ExecuteOutcome; reason: string | null }> {
      const stuck = await recoverStuck(action);
      if (stuck) return stuck;
      const readiness = executionReadiness(action.status as ActionStatus, action.requiresApproval);
      if (!readiness.ready) return { outcome: 'skipped', reason: readiness.reason };
      const claimed = await moveAction(
        db,
        action.id,
        claimableStatuses(action.requiresApproval),
        'executing',
        ctx.clock.now(),
      );
      if (!claimed) return { outcome: 'skipped', reason: 'in_progress' };

      const spec = toSpec(action);
      let entities: EntityMeta[];
      try {
        entities = await live.around(action.entityId, action.level);
      } catch (e) {
        await moveAction(db, action.id, ['executing'], 'approved', ctx.clock.now());
        throw e;
      }
      const target = entities.find((e) => e.id === action.entityId);
      const liveValue = target ? (spec.type === 'set_status' ? target.status : target.dailyBudget) : null;
      const d = deps(action);
      if (liveValue !== spec.from)
        return settle(action, await guardedWrite(d, { ...spec, expected: spec.from }, liveValue));
      const verdict = checkActionAgainstGuardrails(
        spec,
        { account: snapshot.account, entities },
        await recentWrites(db, agent.id, ctx.clock.now()),
        config,
        ctx.clock.now().toISOString(),
        action.recommendationId,
      );
      if (verdict.outcome !== 'allowed') {
        const event = verdict.events.at(-1);
        const reason = `guardrail ${event?.guardrail ?? 'unknown'}: ${event?.detail ?? 'refused'}`;
        await moveAction(db, action.id, ['executing'], 'approved', ctx.clock.now(), reason);
        return { outcome: 'skipped', reason };
      }
      return settle(action, await guardedWrite(d, { ...spec, expected: spec.from }, liveValue));
    }

    /**
     * An action left `executing` by a worker that died, or left `unknown`: settle it from the live value
     * alone. Holding the new value proves the write took effect (logged once, as reconciled). Still
     * holding the old value once the lease has passed proves the earlier attempt never took effect: the
     * action goes back to approved and this execution performs it. Anything else is left for later.
     */
    async function recoverStuck(
      action: PlanActionRow,
    ): Promise<{ outcome: ExecuteOutcome; reason: string | null } | null> {
      if (action.status !== 'executing' && action.status !== 'unknown') return null;
      const leaseOver = ctx.clock.now().getTime() - action.updatedAt.getTime() >= EXECUTION_LEASE_MS;
      if (action.status === 'executing' && !leaseOver) return null;
      const d = deps(action);
      const spec = toSpec(action);
      const intent = await logByIdempotencyKey(db, d.keys.intent);
      const live = intent ? await readLiveValue(client, spec, agent.adAccountId) : spec.from;
      if (intent && live === spec.to) {
        return settle(
          action,
          await settleUnknown(
            d,
            { ...spec, expected: spec.from },
            'a previous attempt ended without a known outcome',
          ),
        );
      }
      if (live === spec.from && leaseOver) {
        const back = await moveAction(
          db,
          action.id,
          [action.status as ActionStatus],
          'approved',
          ctx.clock.now(),
          null,
        );
        if (back) action.status = 'approved';
        return null;
      }
      return {
        outcome: 'unknown',
        reason: `a previous attempt has no known outcome yet (live ${show(live)}); it is not re-sent before ${new Date(action.updatedAt.getTime() + EXECUTION_LEASE_MS).toISOString()}`,
      };
    }

    async function settle(action: PlanActionRow, outcome: Awaited<ReturnType<typeof guardedWrite>>) {
      const t = ctx.clock.now();
      switch (outcome.outcome) {
        case 'applied':
          await moveAction(db, action.id, ['executing', 'unknown'], 'applied', t, outcome.note);
          live.forget(action.entityId);
          return { outcome: 'applied' as const, reason: outcome.note };
        case 'stale': {
          const reason = `stale: live ${show(outcome.observed)}, plan expected ${show(action.fromValue)}`;
          await moveAction(db, action.id, ['executing'], 'stale', t, reason);
          return { outcome: 'skipped' as const, reason };
        }
        case 'failed':
          await moveAction(db, action.id, ['executing'], 'failed', t, outcome.error.message);
          return { outcome: 'failed' as const, reason: ctx.redactor.string(outcome.error.message) };
        case 'unknown':
          await moveAction(db, action.id, ['executing', 'unknown'], 'unknown', t, outcome.detail);
          return { outcome: 'unknown' as const, reason: outcome.detail };
      }
    }

    function deps(action: PlanActionRow): WriteDeps {
      return {
        db,
        client,
        clock: ctx.clock,
        accountId: agent.adAccountId,
        seams: input.seams ?? {},
        keys: { intent: `execute:${action.id}:intent`, outcome: `execute:${action.id}:outcome` },
        logBase: {
          agentId: agent.id,
          adAccountId: agent.adAccountId,
          kind: 'execute',
          planId: plan.id,
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
          confirmedBy: input.actor,
          environment: connection.environment,
        },
      };
    }
  });

  const result = summarizeResults(
    agent.adAccountId,
    agent.currency,
    plan.id,
    confirmation.id,
    input.confirm,
    results,
  );
  await markConfirmation(db, confirmation.id, 'done', ctx.clock.now(), {
    applied: result.applied,
    skipped: result.skipped,
    failed: result.failed,
    unknown: result.unknown,
  });
  ctx.logger.info('execution finished', {
    confirmationId: confirmation.id,
    applied: result.applied,
    skipped: result.skipped,
    failed: result.failed,
  });
  return result;
}

function toSpec(a: PlanActionRow): ActionSpec {
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

function describe(a: PlanActionRow) {
  return {
    key: a.key,
    type: a.type,
    level: a.level,
    entityId: a.entityId,
    entityName: a.entityName,
    from: a.fromValue,
    to: a.toValue,
  };
}

const show = (v: unknown) => (v === null || v === undefined ? 'nothing' : String(v));

function summarizeResults(
  adAccountId: string,
  currency: string,
  planId: string,
  confirmationId: string,
  environment: ConfirmWord,
  results: ExecuteActionResult[],
): ExecuteResult {
  const skippedBy: Record<string, number> = {};
  for (const r of results) {
    if (r.outcome !== 'skipped') continue;
    const reason = (r.reason ?? 'other').split(/[: ]/)[0]!;
    skippedBy[reason] = (skippedBy[reason] ?? 0) + 1;
  }
  const count = (o: ExecuteOutcome) => results.filter((r) => r.outcome === o).length;
  return {
    adAccountId,
    currency,
    planId,
    confirmationId,
    environment,
    applied: count('applied'),
    skipped: count('skipped'),
    failed: count('failed') + count('unknown'),
    unknown: count('unknown'),
    skippedBy,
    results,
  };
}

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
