import { desc, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AgentRow } from '../../db/repos/agents.js';
import { agentById } from '../../db/repos/agents.js';
import { connectionById } from '../../db/repos/connections.js';
import type { PlanActionRow, PlanRow } from '../../db/repos/plans.js';
import { actionsOf, activePlan, planById } from '../../db/repos/plans.js';
import { approvalDecisions } from '../../db/schema/index.js';
import type { ActionStatus } from '../../domain/action-state.js';
import { isSettled, queueStateOf } from '../../domain/queue-state.js';
import type { ActionChange, Environment, QueueActionView, QueueView } from '../blocks/types.js';

/**
 * The approval queue of one plan as Slack shows it, from the database as it is now: each action's
 * state, its latest decision (who, when, why) and, once written, what happened.
 */
export async function queueViewOf(
  db: Db,
  input: {
    plan: PlanRow;
    agent: AgentRow;
    environment: Environment;
    now: Date;
    activePlanId?: string | null;
    /** The plan that replaced this one, with a link to where it is shown (closing a superseded queue). */
    successor?: { id: string; permalink: string | null } | null;
  },
): Promise<QueueView> {
  const { plan, agent, now } = input;
  const actions = await actionsOf(db, plan.id);
  const decisions = await latestDecisions(
    db,
    actions.map((a) => a.id),
  );
  return {
    planId: plan.id,
    agentId: agent.id,
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    environment: input.environment,
    state: queueStateOf(
      plan,
      actions.map((a) => a.status as ActionStatus),
      now,
    ),
    expiresAt: plan.expiresAt.toISOString(),
    actions: actions.map((a) => actionView(a, decisions.get(a.id) ?? null)),
    activePlan: plan.status === 'superseded' ? successorOf(input) : null,
  };
}

function successorOf(input: {
  activePlanId?: string | null;
  successor?: { id: string; permalink: string | null } | null;
}): { id: string; permalink: string | null } | null {
  if (input.successor) return input.successor;
  return input.activePlanId ? { id: input.activePlanId, permalink: null } : null;
}

type LatestDecision = { by: string; at: string; reason: string | null };

async function latestDecisions(db: Db, ids: string[]): Promise<Map<string, LatestDecision>> {
  const out = new Map<string, LatestDecision>();
  if (ids.length === 0) return out;
  const rows = await db
    .select()
    .from(approvalDecisions)
    .where(inArray(approvalDecisions.planActionId, ids))
    .orderBy(desc(approvalDecisions.decidedAt), desc(approvalDecisions.id));
  for (const r of rows) {
    if (out.has(r.planActionId)) continue;
    out.set(r.planActionId, { by: slackUserOf(r.actor), at: r.decidedAt.toISOString(), reason: r.reason });
  }
  return out;
}

/** Decisions record `slack:U…` (or a bare U… from older rows); the queue mentions Slack users. */
function slackUserOf(actor: string): string {
  return actor.replace(/^slack:/, '');
}

function actionView(a: PlanActionRow, decision: LatestDecision | null): QueueActionView {
  const evidence = a.evidence as { sentence?: string; bounds?: { confidence?: number } | null };
  const change: ActionChange =
    a.type === 'set_status'
      ? { type: 'set_status', from: a.fromValue as 'ACTIVE', to: a.toValue as 'PAUSED' }
      : { type: 'update_daily_budget', from: Number(a.fromValue), to: Number(a.toValue) };
  const status = a.status as ActionStatus;
  return {
    key: a.key,
    entity: { level: a.level, id: a.entityId, name: a.entityName },
    change,
    requiresApproval: a.requiresApproval,
    status,
    why: evidence.sentence ?? a.rule ?? '',
    evidenceGrade: evidence.bounds
      ? `${Math.round((evidence.bounds.confidence ?? 0.9) * 100)} % confidence bound`
      : 'threshold',
    decision: status === 'approved' || status === 'rejected' ? decision : null,
    outcome: isSettled(status) ? { at: a.updatedAt.toISOString(), detail: a.reason } : null,
  };
}

/** The queue of a plan by id (the worker's jobs carry ids only); undefined when the plan or its agent is gone. */
export async function loadQueueView(
  db: Db,
  planId: string,
  now: Date,
  successor?: { id: string; permalink: string | null } | null,
): Promise<QueueView | undefined> {
  const plan = await planById(db, planId);
  const agent = plan ? await agentById(db, plan.agentId) : undefined;
  const connection = agent ? await connectionById(db, agent.connectionId) : undefined;
  if (!plan || !agent || !connection) return undefined;
  const active = await activePlan(db, agent.id);
  return queueViewOf(db, {
    plan,
    agent,
    environment: connection.environment,
    now,
    activePlanId: active && active.id !== plan.id ? active.id : null,
    successor: successor ?? null,
  });
}
