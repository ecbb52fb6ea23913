import type { AppContext } from '../app/context.js';
import { newestLog } from '../db/repos/action-log.js';
import { newestDecisions } from '../db/repos/decisions.js';
import type { Actor } from '../domain/actor.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';

export interface ActionLogEntry {
  id: string;
  at: string;
  kind: 'execute' | 'rollback';
  event: string;
  key: string | null;
  type: string;
  level: string;
  entityId: string;
  entityName: string | null;
  from: string | number;
  to: string | number;
  observed: string | number | null;
  approvedBy: string[];
  confirmedBy: string | null;
  environment: string;
  reason: string | null;
  rollbackOf: string | null;
}

/** An APPROVE / REJECT / CLEAR, with the plan it answered and the decider's reason. */
export interface DecisionEntry {
  at: string;
  planId: string;
  key: string;
  decision: 'approve' | 'reject' | 'clear';
  type: string;
  entityId: string;
  entityName: string;
  actor: string;
  source: string;
  reason: string | null;
}

export interface ActionLogResult {
  adAccountId: string;
  currency: string;
  entries: ActionLogEntry[];
  /** The newest decisions, so a rejection and its reason are on record beside the writes. */
  decisions: DecisionEntry[];
}

/**
 * The newest entries of the append-only log (who approved, who confirmed, before → after, outcome) and
 * the newest decisions with their reasons.
 */
export async function actionLog(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor; limit: number },
): Promise<ActionLogResult> {
  const { db, agent } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'view', agent);
  const rows = await newestLog(db, agent.id, input.limit);
  const decisions = await newestDecisions(db, agent.id, input.limit);
  return {
    decisions: decisions.map((d) => ({
      at: d.decidedAt.toISOString(),
      planId: d.planId,
      key: d.key,
      decision: d.decision,
      type: d.type,
      entityId: d.entityId,
      entityName: d.entityName,
      actor: d.actor,
      source: d.source,
      reason: d.reason,
    })),
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    entries: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      kind: r.kind,
      event: r.event,
      key: r.actionKey,
      type: r.type,
      level: r.level,
      entityId: r.entityId,
      entityName: r.entityName,
      from: r.fromValue,
      to: r.toValue,
      observed: r.observedValue ?? null,
      approvedBy: r.approvedBy,
      confirmedBy: r.confirmedBy,
      environment: r.environment,
      reason: r.reason,
      rollbackOf: r.rollbackOf,
    })),
  };
}
