import type { Db } from '../../db/client.js';
import type { AgentRow } from '../../db/repos/agents.js';
import type { ConnectionRow } from '../../db/repos/connections.js';
import { actionsOf, activePlan } from '../../db/repos/plans.js';
import { type ActionStatus, executionReadiness } from '../../domain/action-state.js';
import { agentConfigOf } from '../../ops/agent-config.js';
import { rollbackCandidates } from '../../ops/rollback.js';
import type { ActionChange, ConfirmItem, ConfirmView } from '../blocks/types.js';

/**
 * What the confirmation modal lists: exactly the writes a confirmation would cover now — the active
 * plan's actions ready to run, or our newest writes still inside the rollback window. The confirmation
 * itself re-checks everything when it is recorded; this is what the operator reads before typing.
 */
export async function confirmViewOf(
  db: Db,
  input: {
    kind: 'execute' | 'rollback';
    agent: AgentRow;
    connection: ConnectionRow;
    now: Date;
    limit?: number;
    /** Rollback only: just these logged writes. */
    logIds?: string[];
  },
): Promise<ConfirmView> {
  const { agent, connection, now } = input;
  const base = {
    kind: input.kind,
    agentId: agent.id,
    adAccountId: agent.adAccountId,
    accountName: agent.accountName ?? agent.adAccountId,
    environment: connection.environment,
    currency: agent.currency,
  };
  if (input.kind === 'execute') {
    const plan = await activePlan(db, agent.id);
    if (!plan || plan.expiresAt.getTime() <= now.getTime())
      return { ...base, planId: plan?.id ?? null, items: [] };
    const ready = (await actionsOf(db, plan.id)).filter(
      (a) => executionReadiness(a.status as ActionStatus, a.requiresApproval).ready,
    );
    return {
      ...base,
      planId: plan.id,
      items: ready.map((a) => item(a.key, a.level, a.entityId, a.entityName, a.type, a.fromValue, a.toValue)),
    };
  }
  const config = agentConfigOf(agent);
  const since = new Date(now.getTime() - config.rollbackWindowHours * 3_600_000);
  const { candidates } = await rollbackCandidates(db, agent.id, since, input.limit ?? 10, input.logIds);
  return {
    ...base,
    planId: null,
    ...(input.logIds ? { logIds: input.logIds } : {}),
    // A rollback writes back what was there: from our value to the old one.
    items: candidates.map((w) =>
      item(
        w.actionKey ?? w.id,
        w.level,
        w.entityId,
        w.entityName ?? w.entityId,
        w.type,
        w.toValue,
        w.fromValue,
      ),
    ),
  };
}

function item(
  key: string,
  level: 'campaign' | 'adset' | 'ad',
  id: string,
  name: string,
  type: 'set_status' | 'update_daily_budget',
  from: string | number,
  to: string | number,
): ConfirmItem {
  const change: ActionChange =
    type === 'set_status'
      ? { type, from: from as 'ACTIVE', to: to as 'PAUSED' }
      : { type, from: Number(from), to: Number(to) };
  return { key, entity: { level, id, name }, change };
}
