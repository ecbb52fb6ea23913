import type { AppContext } from '../app/context.js';
import { createPlan, type PlanActionRow } from '../db/repos/plans.js';
import { latestRun, loadSnapshot } from '../db/repos/runs.js';
import { snakeKeys, toGuardrailEventJson } from '../domain/contract.js';
import type { Plan } from '../domain/plan.js';
import { buildPlan } from '../domain/planner.js';
import { recommend } from '../domain/recommend.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { agentConfigOf } from './agent-config.js';
import { resolveAgent } from './agent-scope.js';
import { recentWrites } from './history.js';

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
}

/**
 * Builds the plan from the latest successful run: the engine's recommendations through the planner and
 * its guardrails, stored with keys A1, A2…. A new plan supersedes the previous one at once, so
 * decisions and executions can only ever address the newest.
 */
export async function planActions(
  ctx: AppContext,
  input: { adAccount?: string; actor: string },
): Promise<PlanActionsResult> {
  const { db, agent } = await resolveAgent(ctx, input.adAccount);
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
  const snapshot = await loadSnapshot(db, run);
  const history = await recentWrites(db, agent.id, now);
  // The engine is re-run on the run's stored snapshot with today's write history, so that writes made
  // since the run (an increase, a pause) are taken into account; on the same snapshot and history it is
  // deterministic and yields exactly the run's recommendations.
  const recommendations = recommend({ snapshot, config, history, now: now.toISOString() });
  const plan = buildPlan({ snapshot, recommendations, config, history, now: now.toISOString() });
  const planId = newId('plan', now.getTime());
  const { actions, superseded } = await createPlan(
    db,
    {
      id: planId,
      agentId: agent.id,
      runId: run.id,
      createdAt: now,
      createdBy: input.actor,
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
  };
}
