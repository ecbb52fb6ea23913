import type { AppContext } from '../app/context.js';
import { type DecisionSource, recordDecision } from '../db/repos/decisions.js';
import { actionsOf, activePlan, type PlanActionRow, type PlanRow } from '../db/repos/plans.js';
import type { Decision } from '../domain/action-state.js';
import { AppError, UsageError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { agentConfigOf } from './agent-config.js';
import { resolveAgent } from './agent-scope.js';

export interface DecideInput {
  adAccount?: string;
  decision: Decision;
  /** Action keys (A1, A2…) or 'ALL' for every action still open to a decision. */
  keys: string[] | 'ALL';
  actor: string;
  source: DecisionSource;
  /** The Slack message ts or interaction id; decisions from the same message are recorded once. */
  sourceRef?: string | null;
}

export interface DecideResult {
  planId: string;
  decision: Decision;
  actor: string;
  results: Array<{ key: string; recorded: boolean; status: string; reason?: string }>;
}

const KEY = /^A[1-9][0-9]*$/;

/**
 * APPROVE / REJECT / CLEAR on actions of the agent's active plan. Every key is checked before any is
 * recorded: one unknown key changes nothing. Slack approvers must be on the agent's approver list when
 * it has one; the CLI is trusted as an operator.
 */
export async function decide(ctx: AppContext, input: DecideInput): Promise<DecideResult> {
  const { db, agent } = await resolveAgent(ctx, input.adAccount);
  const now = ctx.clock.now();
  const plan = await requireOpenPlan(db, agent.id, now);
  const config = agentConfigOf(agent);
  if (input.source !== 'cli' && config.approvers.length > 0 && !config.approvers.includes(input.actor)) {
    throw new AppError({
      code: 'not_an_approver',
      verdict: 'permission',
      message: `<@${input.actor}> is not an approver for ${agent.adAccountId}; approvers: ${config.approvers
        .map((a) => `<@${a}>`)
        .join(', ')}. Nothing was recorded.`,
    });
  }
  const actions = await actionsOf(db, plan.id);
  const targets = pickActions(actions, input.keys, input.decision);
  const results: DecideResult['results'] = [];
  for (const action of targets) {
    const outcome = await recordDecision(db, {
      id: newId('dec', now.getTime()),
      action,
      decision: input.decision,
      actor: input.actor,
      source: input.source,
      sourceRef: input.sourceRef ?? null,
      at: now,
    });
    results.push(
      outcome.recorded
        ? { key: outcome.key, recorded: true, status: outcome.status }
        : { key: outcome.key, recorded: false, status: outcome.status, reason: outcome.reason },
    );
  }
  ctx.logger.info('decisions recorded', {
    planId: plan.id,
    decision: input.decision,
    actor: input.actor,
    keys: results.map((r) => r.key),
  });
  return { planId: plan.id, decision: input.decision, actor: input.actor, results };
}

/**
 * ALL means the actions still waiting for this decision: APPROVE ALL and REJECT ALL take the undecided
 * ones (they never overturn a colleague's explicit decision), CLEAR ALL takes the decided ones.
 */
function pickActions(actions: PlanActionRow[], keys: string[] | 'ALL', decision: Decision): PlanActionRow[] {
  if (keys === 'ALL') {
    return actions.filter((a) =>
      decision === 'clear' ? a.status === 'approved' || a.status === 'rejected' : a.status === 'proposed',
    );
  }
  const wanted = keys.map((k) => k.toUpperCase());
  const malformed = wanted.filter((k) => !KEY.test(k));
  if (malformed.length > 0)
    throw new UsageError(`not an action key: ${malformed.join(', ')} (keys look like A1, A2…)`);
  const byKey = new Map(actions.map((a) => [a.key, a]));
  const unknown = wanted.filter((k) => !byKey.has(k));
  if (unknown.length > 0) {
    const known = actions.map((a) => a.key).join(', ') || 'none';
    throw new UsageError(
      `the active plan has no action ${unknown.join(', ')} (its actions: ${known}); nothing was recorded`,
    );
  }
  return [...new Set(wanted)].map((k) => byKey.get(k)!);
}

/** The active plan, refusing when there is none or it has expired. */
export async function requireOpenPlan(
  db: Parameters<typeof activePlan>[0],
  agentId: string,
  now: Date,
): Promise<PlanRow> {
  const plan = await activePlan(db, agentId);
  if (!plan) {
    throw new AppError({
      code: 'no_plan',
      verdict: 'invalid',
      message: 'There is no active plan. Run `metabuyer run-now` and `metabuyer plan-actions` first.',
    });
  }
  if (plan.expiresAt.getTime() <= now.getTime()) {
    throw new AppError({
      code: 'plan_expired',
      verdict: 'invalid',
      message: `Plan ${plan.id} expired at ${plan.expiresAt.toISOString()}: its figures are too old to act on. Run \`metabuyer run-now\` and \`metabuyer plan-actions\` again.`,
      details: { planId: plan.id, expiredAt: plan.expiresAt.toISOString() },
    });
  }
  return plan;
}
