import type { AppContext } from '../app/context.js';
import { type DecisionSource, recordDecision } from '../db/repos/decisions.js';
import { actionsOf, activePlan, type PlanActionRow, type PlanRow, planById } from '../db/repos/plans.js';
import type { Decision } from '../domain/action-state.js';
import { type Actor, actorLabel } from '../domain/actor.js';
import { AppError, UsageError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { type AgentScope, type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';

export interface DecideInput extends AgentSelector {
  decision: Decision;
  /** Action keys (A1, A2…) or 'ALL' for every action still open to a decision. */
  keys: string[] | 'ALL';
  actor: Actor;
  source: DecisionSource;
  /** The plan this decision answers; absent: the active plan (and its id is reported). */
  planId?: string | undefined;
  /** Why, in the decider's words; kept with the decision and shown beside it. */
  reason?: string | undefined;
  /** The Slack message ts or interaction id; decisions from the same message are recorded once. */
  sourceRef?: string | null;
}

export interface DecideResult {
  planId: string;
  decision: Decision;
  actor: string;
  reason: string | null;
  results: Array<{ key: string; recorded: boolean; status: string; reason?: string }>;
}

const KEY = /^A[1-9][0-9]*$/;
export const MAX_REASON = 500;

/**
 * APPROVE / REJECT / CLEAR on actions of one plan, which must be the agent's active plan: a decision
 * meant for an older plan is refused rather than applied to whatever now carries the same key (plan 1's
 * A1 is not plan 2's A1). Every key is checked before any is recorded: one unknown key changes nothing.
 * Who may decide is the policy's answer (src/domain/policy.ts).
 */
export async function decide(ctx: AppContext, input: DecideInput): Promise<DecideResult> {
  const scope = await resolveFor(ctx, input.actor, input);
  return decideOn(ctx, scope, input);
}

/** The same, on an agent already resolved (sync-approvals reads many replies for one agent). */
export async function decideOn(
  ctx: AppContext,
  scope: AgentScope,
  input: Omit<DecideInput, keyof AgentSelector>,
): Promise<DecideResult> {
  const { db, agent } = scope;
  const now = ctx.clock.now();
  authorize(input.actor, input.decision, agent);
  const plan = await requireOpenPlan(db, agent.id, now, input.planId);
  const reason = cleanReason(input.reason);
  const label = actorLabel(input.actor);
  const actions = await actionsOf(db, plan.id);
  const targets = pickActions(actions, input.keys, input.decision);
  const results: DecideResult['results'] = [];
  for (const action of targets) {
    const outcome = await recordDecision(db, {
      id: newId('dec', now.getTime()),
      action,
      decision: input.decision,
      actor: label,
      source: input.source,
      sourceRef: input.sourceRef ?? null,
      reason,
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
    actor: label,
    keys: results.map((r) => r.key),
  });
  return { planId: plan.id, decision: input.decision, actor: label, reason, results };
}

function cleanReason(reason: string | undefined): string | null {
  const text = reason?.replace(/\p{Cc}/gu, ' ').trim();
  if (!text) return null;
  if (text.length > MAX_REASON) throw new UsageError(`a reason may be at most ${MAX_REASON} characters`);
  return text;
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

/**
 * The active plan, refusing when there is none or it has expired, and — when the decision names its
 * plan — when the plan named is not the active one. Both refusals name the active plan.
 */
export async function requireOpenPlan(
  db: Parameters<typeof activePlan>[0],
  agentId: string,
  now: Date,
  wanted?: string,
): Promise<PlanRow> {
  const plan = await activePlan(db, agentId);
  if (wanted !== undefined && wanted !== plan?.id) {
    const named = await planById(db, wanted);
    const what =
      named && named.agentId === agentId
        ? `Plan ${named.id} is no longer active (superseded by ${named.supersededBy ?? 'a newer plan'})`
        : `There is no plan ${wanted.slice(0, 40)} for this agent`;
    const active = plan
      ? `the active plan is ${plan.id}: decide on it with \`--plan ${plan.id}\` (or in its thread)`
      : 'there is no active plan: run `metabuyer run-now` and `metabuyer plan-actions`';
    throw new AppError({
      code: 'plan_not_active',
      verdict: 'invalid',
      message: `${what}; ${active}. Nothing was recorded.`,
      details: { planId: wanted, activePlanId: plan?.id ?? null },
    });
  }
  if (!plan) {
    throw new AppError({
      code: 'no_plan',
      verdict: 'invalid',
      message: 'There is no active plan. Run `metabuyer run-now` and `metabuyer plan-actions` first.',
    });
  }
  if (plan.expiresAt.getTime() <= now.getTime()) {
    throw new AppError({
      code: 'plan_not_active',
      verdict: 'invalid',
      message: `Plan ${plan.id} expired at ${plan.expiresAt.toISOString()}: its figures are too old to act on, and no plan is active. Run \`metabuyer run-now\` and \`metabuyer plan-actions\` again.`,
      details: { planId: plan.id, expiredAt: plan.expiresAt.toISOString() },
    });
  }
  return plan;
}
