import type { AppContext } from '../app/context.js';
import type { AgentRow } from '../db/repos/agents.js';
import type { ConnectionRow } from '../db/repos/connections.js';
import { activePlan, type PlanRow, planById } from '../db/repos/plans.js';
import { type Actor, actorLabel } from '../domain/actor.js';
import { type Capability, permits, type Roster } from '../domain/policy.js';
import { AppError } from '../lib/errors.js';
import { refuseIfHalted } from './agent-scope.js';

export type ConfirmWord = 'sandbox' | 'live';

/**
 * The refusals every write path shares (execute and rollback): the confirmation word must name the
 * connection's environment, and the agent must not be halted. Each says why and writes nothing.
 */
export function refuseUnlessConfirmed(
  agent: AgentRow,
  connection: ConnectionRow,
  confirm: ConfirmWord,
  doing: string,
): void {
  if (confirm !== connection.environment) {
    throw new AppError({
      code: 'confirm_mismatch',
      verdict: 'invalid',
      message: `Refused: ${agent.adAccountId} is connected in ${connection.environment} mode, but you confirmed "${confirm}". Nothing was written. Re-run with --confirm ${connection.environment} if you mean it.`,
      details: { environment: connection.environment, confirm },
    });
  }
  refuseIfHalted(agent, doing);
}

/** Refuses, naming the role and who holds it, when the actor may not do this on the agent. */
export function refuseUnlessPermitted(
  actor: Actor,
  capability: Capability,
  roster: Roster,
  agent: AgentRow,
  doing: string,
): void {
  const p = permits(actor, capability, roster);
  if (p.allowed) return;
  const holders =
    p.holders.length > 0 ? p.holders.join(', ') : 'nobody yet (name them with `metabuyer setup`)';
  throw new AppError({
    code: 'not_permitted',
    verdict: 'permission',
    message: `Refused: ${doing} on ${agent.adAccountId} needs the ${p.role} role, which ${actorLabel(actor)} does not hold. ${p.role === 'operator' ? 'Operators' : 'Approvers'}: ${holders}. Nothing was written.`,
    details: { role: p.role, holders: p.holders, actor: actorLabel(actor) },
  });
}

/** The plan an execution may act on: the agent's active, unexpired plan (or the one named, if it is that). */
export async function requireExecutablePlan(
  ctx: AppContext,
  agent: AgentRow,
  planId: string | undefined,
  now: Date,
): Promise<PlanRow> {
  const { db } = await ctx.database();
  if (planId) {
    const named = await planById(db, planId);
    if (!named || named.agentId !== agent.id) {
      throw new AppError({
        code: 'plan_not_found',
        verdict: 'invalid',
        message: `There is no plan ${planId} for ${agent.adAccountId}.`,
      });
    }
  }
  const plan = await activePlan(db, agent.id);
  if (planId && plan?.id !== planId) {
    const named = await planById(db, planId);
    const why =
      named?.status === 'superseded'
        ? `it was superseded by ${named.supersededBy} at ${named.supersededAt?.toISOString()}`
        : 'it is not the active plan';
    throw new AppError({
      code: 'plan_not_active',
      verdict: 'invalid',
      message: `Refused: plan ${planId} is not the active plan (${why}); the active plan is ${plan?.id ?? 'none'}. Nothing was written. Review and approve the active plan, then confirm it.`,
      details: { planId, activePlanId: plan?.id ?? null, supersededBy: named?.supersededBy ?? null },
    });
  }
  if (!plan) {
    throw new AppError({
      code: 'no_plan',
      verdict: 'invalid',
      message: 'There is no active plan: run `metabuyer run-now` and `metabuyer plan-actions` first.',
    });
  }
  if (plan.expiresAt.getTime() <= now.getTime()) {
    throw new AppError({
      code: 'plan_expired',
      verdict: 'invalid',
      message: `Refused: plan ${plan.id} expired at ${plan.expiresAt.toISOString()}; its figures are too old to act on. Nothing was written. Run \`metabuyer run-now\` and \`metabuyer plan-actions\` again.`,
      details: { planId: plan.id, expiredAt: plan.expiresAt.toISOString() },
    });
  }
  return plan;
}
