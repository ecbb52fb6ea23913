import type { AppContext } from '../app/context.js';
import {
  type ConfirmationRow,
  type ConfirmationTarget,
  recordConfirmation,
} from '../db/repos/confirmations.js';
import { actionsOf, type PlanActionRow } from '../db/repos/plans.js';
import { type ActionStatus, executionReadiness } from '../domain/action-state.js';
import { type Actor, actorLabel } from '../domain/actor.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { agentConfigOf } from './agent-config.js';
import { resolveAgent } from './agent-scope.js';
import { openExecutionRun, UNKNOWN_GRACE_MS } from './execute-run.js';
import {
  type ConfirmWord,
  refuseUnlessConfirmed,
  refuseUnlessPermitted,
  requireExecutablePlan,
} from './execution-guard.js';
import type { WriteSeams } from './guarded-write.js';

/** An action whose write has no known outcome is not re-sent before this long after it went unknown. */
export const EXECUTION_LEASE_MS = UNKNOWN_GRACE_MS;

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
  kind: 'execute';
  adAccountId: string;
  currency: string;
  planId: string;
  /** Null when nothing was confirmed (nothing to do). */
  confirmationId: string | null;
  environment: ConfirmWord;
  applied: number;
  skipped: number;
  failed: number;
  unknown: number;
  /** Skips by reason (rejected, approval_required, stale, guardrail, already_executed, in_progress). */
  skippedBy: Record<string, number>;
  results: ExecuteActionResult[];
}

/** What an operator confirmed: shown by the CLI and the confirmation modal, then run by runConfirmation. */
export interface Confirmation {
  id: string;
  kind: 'execute' | 'rollback';
  adAccountId: string;
  currency: string;
  environment: ConfirmWord;
  planId: string | null;
  confirmedBy: string;
  confirmedAt: string;
  /** Exactly the writes this confirmation covers, each with the value it expects and the value it writes. */
  targets: ConfirmationTarget[];
}

export interface ConfirmExecutionInput {
  adAccount?: string;
  confirm: ConfirmWord;
  actor: Actor;
  /** The plan the operator reviewed; refused (plan_not_active) if it is not the active one. */
  planId?: string;
}

/**
 * Records an operator's confirmation to execute the active plan's approved actions, after every refusal
 * check (permission, confirmation word, execution enabled, halted agent, plan active and unexpired,
 * something to do) — each refusal says why and records nothing. In one transaction it stores the
 * confirmation with its exact targets and the outbox row that asks for it to run. Writes nothing to Meta:
 * runConfirmation does. Throws AppError `nothing_to_do` (details.result: the per-action reasons) when no
 * action can be executed.
 */
export async function confirmExecution(ctx: AppContext, input: ConfirmExecutionInput): Promise<Confirmation> {
  const { db, agent, connection } = await resolveAgent(ctx, input.adAccount);
  refuseUnlessPermitted(input.actor, 'confirm_execute', agentConfigOf(agent), agent, 'confirming execution');
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
  // Ready actions, plus any left mid-write or unknown: the run settles those from live state first.
  const targets = actions.filter(
    (a) =>
      executionReadiness(a.status as ActionStatus, a.requiresApproval).ready ||
      a.status === 'executing' ||
      a.status === 'unknown',
  );
  if (targets.length === 0) {
    const result = summarizeResults(
      { adAccountId: agent.adAccountId, currency: agent.currency, planId: plan.id },
      null,
      input.confirm,
      actions.map((a) => ({ ...describeAction(a), ...notRunOutcome(a) })),
    );
    throw new AppError({
      code: 'nothing_to_do',
      verdict: 'invalid',
      message: `Nothing to execute in plan ${plan.id}: ${result.results.map((r) => `${r.key} ${r.reason}`).join(', ') || 'it has no actions'}. Nothing was written.`,
      details: { result },
    });
  }
  const confirmation = await recordConfirmation(
    db,
    {
      id: newId('conf', now.getTime()),
      agentId: agent.id,
      kind: 'execute',
      planId: plan.id,
      confirmWord: input.confirm,
      confirmedBy: actorLabel(input.actor),
      confirmedAt: now,
      targets: targets.map(executeTarget),
    },
    newId('obx', now.getTime()),
  );
  ctx.logger.info('execution confirmed', {
    confirmationId: confirmation.id,
    planId: plan.id,
    actor: confirmation.confirmedBy,
    targets: targets.map((a) => a.key),
  });
  return confirmationView(confirmation, agent.adAccountId, agent.currency);
}

export function confirmationView(row: ConfirmationRow, adAccountId: string, currency: string): Confirmation {
  return {
    id: row.id,
    kind: row.kind,
    adAccountId,
    currency,
    environment: row.confirmWord,
    planId: row.planId,
    confirmedBy: row.confirmedBy,
    confirmedAt: row.confirmedAt.toISOString(),
    targets: row.targets,
  };
}

function executeTarget(a: PlanActionRow): ConfirmationTarget {
  return {
    actionId: a.id,
    key: a.key,
    logId: null,
    type: a.type,
    level: a.level,
    entityId: a.entityId,
    entityName: a.entityName,
    from: a.fromValue,
    to: a.toValue,
  };
}

/**
 * Runs an execute confirmation's targets (called by runConfirmation, which makes sure one process runs
 * it at a time). Every plan action is reported; only targets are touched. Each target is written under
 * its object's lock: settled from live state if a previous attempt was abandoned, else claimed, re-read,
 * guarded, written, read back and logged.
 */
export async function runExecution(
  ctx: AppContext,
  confirmation: ConfirmationRow,
  run: { seams?: WriteSeams | undefined },
): Promise<ExecuteResult> {
  const exec = await openExecutionRun(ctx, confirmation, run.seams);
  try {
    const actions = await actionsOf(exec.db, confirmation.planId!);
    const targets = new Map(confirmation.targets.map((t) => [t.actionId, t]));
    const refusal = exec.refusal();
    const results: ExecuteActionResult[] = [];
    for (const action of actions) {
      if (!targets.has(action.id)) {
        results.push({ ...describeAction(action), ...notRunOutcome(action) });
        continue;
      }
      if (refusal) {
        results.push({ ...describeAction(action), outcome: 'skipped', reason: refusal });
        continue;
      }
      results.push({ ...describeAction(action), ...(await exec.executeTarget(action.id)) });
    }
    return summarizeResults(
      { adAccountId: exec.agent.adAccountId, currency: exec.agent.currency, planId: confirmation.planId! },
      confirmation.id,
      confirmation.confirmWord,
      results,
    );
  } finally {
    exec.close();
  }
}

/** How an action that this confirmation does not cover is reported. */
function notRunOutcome(a: PlanActionRow): { outcome: ExecuteOutcome; reason: string | null } {
  const readiness = executionReadiness(a.status as ActionStatus, a.requiresApproval);
  return { outcome: 'skipped', reason: readiness.ready ? 'not_confirmed' : readiness.reason };
}

export function describeAction(a: PlanActionRow) {
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

export function summarizeResults(
  base: { adAccountId: string; currency: string; planId: string },
  confirmationId: string | null,
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
    kind: 'execute',
    ...base,
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

/** The nothing-to-do result a refusal carries, for front doors that show it as an ordinary outcome. */
export function nothingToDoResult<T>(e: unknown): T | undefined {
  if (e instanceof AppError && e.code === 'nothing_to_do') return e.details.result as T;
  return undefined;
}
