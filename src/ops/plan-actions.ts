import type { AppContext } from '../app/context.js';
import { writesAfter } from '../db/repos/action-log.js';
import { latestDecisions } from '../db/repos/decisions.js';
import { actionsOf, createPlan, type PlanActionRow } from '../db/repos/plans.js';
import { latestRun, loadSnapshot } from '../db/repos/runs.js';
import { type Actor, actorLabel } from '../domain/actor.js';
import { snakeKeys, toGuardrailEventJson } from '../domain/contract.js';
import { KILL_SWITCH_ACTOR } from '../domain/kill-switch.js';
import type { Plan } from '../domain/plan.js';
import { buildPlan } from '../domain/planner.js';
import { recommend } from '../domain/recommend.js';
import type { RuleId } from '../domain/recommendation.js';
import { shadowStatuses } from '../domain/shadow.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { agentConfigOf } from './agent-config.js';
import { type AgentSelector, refuseIfHalted, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';
import { ourPauses, recentWrites } from './history.js';
import { storedPrecision } from './rule-precision.js';

export interface PlanActionsResult {
  adAccountId: string;
  currency: string;
  /** The account's time zone, in which the expiry is shown. */
  timezoneName: string | null;
  planId: string;
  runId: string;
  expiresAt: string;
  supersededPlanId: string | null;
  plan: Plan;
  actions: PlanActionRow[];
  requiresApproval: number;
  /** What people rejected in the plan this one supersedes, and why; `key` is the new plan's key when re-proposed. */
  earlierRejections: EarlierRejection[];
}

export interface EarlierRejection {
  planId: string;
  previousKey: string;
  key: string | null;
  type: string;
  level: string;
  entityId: string;
  entityName: string;
  by: string | null;
  reason: string | null;
}

/**
 * Builds the plan from the latest successful run: the engine's recommendations through the planner and
 * its guardrails, stored with keys A1, A2…. A new plan supersedes the previous one at once, so
 * decisions and executions can only ever address the newest.
 */
export async function planActions(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor },
): Promise<PlanActionsResult> {
  const { db, agent } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'plan', agent);
  // A tripped agent keeps polling but plans nothing: approvals would only wait for a resume.
  if (agent.halted && agent.haltedBy === KILL_SWITCH_ACTOR) refuseIfHalted(agent, 'planning');
  const config = agentConfigOf(agent);
  const now = ctx.clock.now();
  const run = await latestRun(db, agent.id, 'succeeded');
  if (!run) {
    throw new AppError({
      code: 'no_run',
      verdict: 'invalid',
      message: 'There is no analysis to plan from yet: run `metabuyer run-now` first.',
    });
  }
  const ageHours = (now.getTime() - run.startedAt.getTime()) / 3_600_000;
  if (ageHours > config.planTtlHours) {
    throw new AppError({
      code: 'run_too_old',
      verdict: 'invalid',
      message: `The latest analysis (${run.id}) is ${Math.floor(ageHours)} hours old, older than the ${config.planTtlHours} h a plan may rely on: run \`metabuyer run-now\` first.`,
    });
  }
  await refuseIfWrittenSince(db, agent.id, agent.adAccountId, run);
  const snapshot = await loadSnapshot(db, run);
  const history = await recentWrites(db, agent.id, now);
  // The engine is re-run on the run's stored snapshot with today's write history, so that writes made
  // since the run (an increase, a pause) are taken into account; on the same snapshot and history it is
  // deterministic and yields exactly the run's recommendations.
  const pausedByUs = await ourPauses(db, agent.id, now);
  // Rules in shadow as the run decided them (an older run without them: judged on what is stored).
  const shadow = run.shadow
    ? run.shadow.map((s) => ({ rule: s.rule as RuleId, reason: s.reason }))
    : shadowStatuses(config, await storedPrecision(db, agent.id), run.startedAt.toISOString());
  const recommendations = recommend({
    snapshot,
    config,
    history,
    pausedByUs,
    shadow,
    now: now.toISOString(),
  });
  const plan = buildPlan({ snapshot, recommendations, config, history, now: now.toISOString() });
  const planId = newId('plan', now.getTime());
  const { actions, superseded } = await createPlan(
    db,
    {
      id: planId,
      agentId: agent.id,
      runId: run.id,
      createdAt: now,
      createdBy: actorLabel(input.actor),
      expiresAt: new Date(plan.expiresAt),
      guardrails: plan.guardrailEvents.map(toGuardrailEventJson),
    },
    plan.actions.map((a, i) => ({
      id: newId('act', now.getTime()),
      position: i + 1,
      key: a.key,
      type: a.type,
      level: a.level,
      entityId: a.entityId,
      entityName: a.entityName,
      fromValue: a.from,
      toValue: a.to,
      requiresApproval: a.requiresApproval,
      recommendationId: a.recommendationId,
      rule: a.rule,
      evidence: snakeKeys(a.evidence) as Record<string, unknown>,
    })),
  );
  const earlierRejections = superseded ? await rejectionsOf(db, superseded, actions) : [];
  ctx.logger.info('plan created', {
    planId,
    runId: run.id,
    actions: actions.length,
    supersededPlanId: superseded,
  });
  return {
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    timezoneName: agent.timezoneName,
    planId,
    runId: run.id,
    expiresAt: plan.expiresAt,
    supersededPlanId: superseded,
    plan,
    actions,
    requiresApproval: actions.filter((a) => a.requiresApproval).length,
    earlierRejections,
  };
}

/**
 * A run's snapshot shows the account as it was when the run read it. Once MetaBuyer has written since
 * (paused an ad set, moved a budget), a plan built from that snapshot would propose work already done
 * or made pointless — pausing an ad under an ad set just paused. So planning again needs a fresh run.
 */
async function refuseIfWrittenSince(
  db: Parameters<typeof writesAfter>[0],
  agentId: string,
  adAccountId: string,
  run: { id: string; startedAt: Date },
): Promise<void> {
  const writes = await writesAfter(db, agentId, run.startedAt);
  const last = writes.at(-1);
  if (!last) return;
  const what = `${last.kind === 'rollback' ? 'rolled back ' : ''}${last.type === 'set_status' ? `set ${last.level} ${last.entityId} to ${String(last.toValue)}` : `changed the daily budget of ${last.level} ${last.entityId}`} at ${last.at.toISOString()}`;
  throw new AppError({
    code: 'run_outdated',
    verdict: 'invalid',
    message: `MetaBuyer has written to ${adAccountId} since run ${run.id} (${writes.length === 1 ? 'it' : `${writes.length} writes, the last`} ${what}): a plan from that run would not see it. Run \`metabuyer run-now\` first, then \`metabuyer plan-actions\`.`,
    details: { runId: run.id, writesSinceRun: writes.length, lastWriteAt: last.at.toISOString() },
  });
}

/** The rejected actions of a superseded plan, with who rejected them and why, matched to the new plan. */
async function rejectionsOf(
  db: Parameters<typeof actionsOf>[0],
  planId: string,
  next: PlanActionRow[],
): Promise<EarlierRejection[]> {
  const rejected = (await actionsOf(db, planId)).filter((a) => a.status === 'rejected');
  const decisions = await latestDecisions(
    db,
    rejected.map((a) => a.id),
  );
  return rejected.map((a) => {
    const again = next.find((n) => n.entityId === a.entityId && n.type === a.type);
    const d = decisions.get(a.id);
    return {
      planId,
      previousKey: a.key,
      key: again?.key ?? null,
      type: a.type,
      level: a.level,
      entityId: a.entityId,
      entityName: a.entityName,
      by: d?.actor ?? null,
      reason: d?.reason ?? a.reason ?? null,
    };
  });
}
